//! The tree-sitter-bash walk that produces a [`Script`].

use std::cell::RefCell;

use tree_sitter::{Node, Parser, Tree};

use crate::map::SourceMap;
use crate::script::{
    Assignment, Command, Connector, Context, Script, ShellOptions, Word, basename,
};
use crate::simple::{self, SimpleCommand, SimpleScript, SimpleWord};

/// Shells whose `-c` script and stdin are parsed as shell.
pub(crate) const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"];

/// Deepest syntax nesting walked (a hostile `((((…` cannot exhaust the stack).
const MAX_DEPTH: usize = 256;
/// Deepest `sh -c 'sh -c "…"'` nesting parsed.
const MAX_NESTED_SHELLS: u32 = 8;

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

fn parse_tree(text: &str) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_bash::LANGUAGE.into())
                .ok()?;
            *slot = Some(parser);
        }
        // tree-sitter-bash 0.25.1's external scanner calls `isdigit(lexer->lookahead)` (C's
        // `isdigit`, undefined above 255) on the code point after a `{` (scanner.c, brace
        // expansion), which crashes on non-ASCII input (found by the property test). Bash treats
        // every non-ASCII character as a word character, so tree-sitter is given a copy in which
        // each non-ASCII byte is the ASCII letter `x`: the structure and every byte offset stay
        // the same, and node text is still sliced from the real `text`.
        if text.is_ascii() {
            slot.as_mut()?.parse(text, None)
        } else {
            let ascii: Vec<u8> = text
                .bytes()
                .map(|b| if b.is_ascii() { b } else { b'x' })
                .collect();
            slot.as_mut()?.parse(&ascii, None)
        }
    })
}

/// Parses `text` as shell; ranges are offsets into `text`.
pub fn parse(text: &str) -> Script {
    let len = text_size::TextSize::try_from(text.len()).unwrap_or_default();
    parse_mapped(text, &SourceMap::identity(0.into(), len))
}

/// Parses `text` as shell; ranges are mapped through `map` (logical offset 0 = start of `text`).
pub fn parse_mapped(text: &str, map: &SourceMap) -> Script {
    parse_mapped_with(text, map, Strategy::Fast)
}

/// How a script is parsed: [`Strategy::Fast`] (the default) takes the byte-scan fast path for
/// scripts of simple commands and tree-sitter for the rest; [`Strategy::TreeSitter`] uses
/// tree-sitter for everything, which the equivalence tests compare the fast path with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    Fast,
    TreeSitter,
}

/// [`parse_mapped`] with a chosen [`Strategy`] (also for the `sh -c` scripts inside).
pub fn parse_mapped_with(text: &str, map: &SourceMap, strategy: Strategy) -> Script {
    let frame = Frame {
        map,
        base: 0,
        fixed: None,
        strategy,
    };
    parse_in(text, frame, Context::default(), 0)
}

/// Where the text being parsed sits in the map's logical text.
#[derive(Clone, Copy)]
struct Frame<'m> {
    map: &'m SourceMap,
    base: usize,
    /// Positions inside are unknown: every range is this logical range.
    fixed: Option<(usize, usize)>,
    strategy: Strategy,
}

impl Frame<'_> {
    fn range(&self, start: usize, end: usize) -> text_size::TextRange {
        match self.fixed {
            Some((a, b)) => self.map.range(a, b),
            None => self.map.range(self.base + start, self.base + end),
        }
    }
}

fn parse_in(text: &str, frame: Frame<'_>, ctx: Context, shells: u32) -> Script {
    if frame.strategy == Strategy::Fast
        && let Some(simple) = simple::parse(text)
    {
        let mut walker = Walker {
            text,
            frame,
            commands: Vec::with_capacity(simple.commands.len()),
            scopes: vec![Scope::default()],
            pipelines: 0,
            shells,
            has_error: false,
        };
        walker.simple(simple, ctx);
        let mut script = Script {
            commands: walker.commands,
            has_error: walker.has_error,
            options: ShellOptions::default(),
        };
        script.options = set_options(&script);
        return script;
    }
    let Some(tree) = parse_tree(text) else {
        return Script {
            has_error: true,
            ..Script::default()
        };
    };
    let root = tree.root_node();
    let mut walker = Walker {
        text,
        frame,
        commands: Vec::new(),
        scopes: vec![Scope::default()],
        pipelines: 0,
        shells,
        has_error: root.has_error(),
    };
    walker.visit(root, "", ctx, 0);
    let mut script = Script {
        commands: walker.commands,
        has_error: walker.has_error,
        options: ShellOptions::default(),
    };
    script.options = set_options(&script);
    script
}

#[derive(Default)]
struct Scope {
    pending: Option<Connector>,
    last: Option<usize>,
}

struct Walker<'t, 'm> {
    text: &'t str,
    frame: Frame<'m>,
    commands: Vec<Command>,
    scopes: Vec<Scope>,
    pipelines: u32,
    shells: u32,
    has_error: bool,
}

impl Walker<'_, '_> {
    /// The mapped range of `text[start..end]`, widened to whole characters: tree-sitter parses
    /// an ASCII copy of non-ASCII text (see `parse_tree`), so a node can start or end inside
    /// a character — `\u{FFFD}<<\u{141}` made a heredoc end two bytes into a three-byte
    /// `\u{FFFD}` (found by the `shell_parse` fuzz target).
    fn range(&self, start: usize, end: usize) -> text_size::TextRange {
        let mut start = start.min(self.text.len());
        while !self.text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = end.clamp(start, self.text.len());
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        self.frame.range(start, end)
    }

    fn node_text(&self, n: Node<'_>) -> &str {
        self.text.get(n.byte_range()).unwrap_or_default()
    }

    fn word(&self, n: Node<'_>) -> Word {
        let (text, is_static) = self.unquote(n, 0);
        Word {
            text,
            raw: self.node_text(n).to_owned(),
            range: self.range(n.start_byte(), n.end_byte()),
            is_static,
        }
    }

    fn unquote(&self, n: Node<'_>, depth: usize) -> (String, bool) {
        let raw = self.node_text(n);
        if depth > MAX_DEPTH {
            return (raw.to_owned(), false);
        }
        match n.kind() {
            "word" | "number" => (unescape_word(raw), true),
            "command_name" => match n.named_child(0) {
                Some(c) if n.named_child_count() == 1 => self.unquote(c, depth + 1),
                _ => (unescape_word(raw), !raw.contains(['$', '`'])),
            },
            "raw_string" => (strip_quotes(raw, "'", "'").to_owned(), true),
            "ansi_c_string" => (unescape_ansi(strip_quotes(raw, "$'", "'")), true),
            "string" | "translated_string" => {
                let mut out = String::new();
                let mut is_static = true;
                let mut pos = n.start_byte() + if n.kind() == "string" { 1 } else { 2 };
                let end = n.end_byte().saturating_sub(1).max(pos);
                let mut cursor = n.walk();
                for child in n.named_children(&mut cursor) {
                    if let Some(gap) = self.text.get(pos..child.start_byte()) {
                        out.push_str(&unescape_dq(gap));
                    }
                    let t = self.node_text(child);
                    if child.kind() == "string_content" {
                        out.push_str(&unescape_dq(t));
                    } else {
                        is_static = false;
                        out.push_str(t);
                    }
                    pos = child.end_byte().max(pos);
                }
                if let Some(gap) = self.text.get(pos..end) {
                    out.push_str(&unescape_dq(gap));
                }
                (out, is_static)
            }
            "concatenation" => {
                let mut out = String::new();
                let mut is_static = true;
                let mut pos = n.start_byte();
                let mut cursor = n.walk();
                for child in n.children(&mut cursor) {
                    if let Some(gap) = self.text.get(pos..child.start_byte()) {
                        out.push_str(gap);
                    }
                    let (t, s) = self.unquote(child, depth + 1);
                    out.push_str(&t);
                    is_static &= s;
                    pos = child.end_byte().max(pos);
                }
                if let Some(gap) = self.text.get(pos..n.end_byte()) {
                    out.push_str(gap);
                }
                (out, is_static)
            }
            "simple_expansion"
            | "expansion"
            | "command_substitution"
            | "process_substitution"
            | "arithmetic_expansion"
            | "brace_expression" => (raw.to_owned(), false),
            _ => (raw.to_owned(), !raw.contains(['$', '`'])),
        }
    }

    /// The fast path's walk: what [`Walker::visit`] does for the tree-sitter nodes of the same
    /// script (`program` → `list` → `pipeline` → `command`), in the same order, so that
    /// connectors, pipeline numbers and nested `sh -c` scripts come out the same.
    fn simple(&mut self, script: SimpleScript, ctx: Context) {
        let mut commands = script.commands.into_iter().peekable();
        while let Some(first) = commands.next() {
            if let Some(op) = first.connector {
                self.operator(op);
            }
            if commands
                .peek()
                .is_none_or(|c| c.connector != Some(Connector::Pipe))
            {
                self.simple_command(first, ctx);
                continue;
            }
            // A `pipeline` node: numbered before its members are visited; commands of a
            // member's `sh -c` script that are in no pipeline of their own join it.
            let id = self.pipelines;
            self.pipelines += 1;
            let inner = Context {
                pipeline: true,
                ..ctx
            };
            let mut member = Some(first);
            while let Some(command) = member {
                if command.connector == Some(Connector::Pipe) {
                    self.operator(Connector::Pipe);
                }
                let before = self.commands.len();
                self.simple_command(command, inner);
                for c in self.commands.get_mut(before..).unwrap_or_default() {
                    if c.pipeline.is_none() && c.context.substitution == ctx.substitution {
                        c.pipeline = Some(id);
                    }
                }
                member = commands.next_if(|c| c.connector == Some(Connector::Pipe));
            }
        }
        if let Some(op) = script.trailing {
            self.operator(op);
        }
    }

    fn simple_word(&self, word: SimpleWord) -> Word {
        Word {
            raw: self
                .text
                .get(word.span.start..word.span.end)
                .unwrap_or_default()
                .to_owned(),
            text: word.text,
            range: self.range(word.span.start, word.span.end),
            is_static: word.is_static,
        }
    }

    fn simple_command(&mut self, command: SimpleCommand, ctx: Context) {
        let range = self.range(command.start(), command.end());
        let assignments = command
            .assignments
            .into_iter()
            .map(|a| Assignment {
                name: self
                    .text
                    .get(a.start..a.name_end)
                    .unwrap_or_default()
                    .to_owned(),
                value: match a.value {
                    Some(v) => self.simple_word(v),
                    None => Word {
                        text: String::new(),
                        raw: String::new(),
                        range: self.range(a.end, a.end),
                        is_static: true,
                    },
                },
                range: self.range(a.start, a.end),
            })
            .collect();
        let spans: Vec<_> = command.words.iter().skip(1).map(|w| w.span).collect();
        let mut words = command.words.into_iter().map(|w| self.simple_word(w));
        let Some(name) = words.next() else { return };
        let command = Command {
            name,
            args: words.collect(),
            assignments,
            redirects: command.redirects,
            range,
            connector: None,
            followed_by: None,
            context: ctx,
            pipeline: None,
        };
        let index = self.push(command);
        if let Some((i, options)) = self.shell_script_arg(index)
            && let Some(&span) = spans.get(i)
        {
            self.parse_nested_shell(index, i, options, span, ctx);
        }
    }

    fn scope(&mut self) -> &mut Scope {
        if self.scopes.is_empty() {
            self.scopes.push(Scope::default());
        }
        let last = self.scopes.len() - 1;
        &mut self.scopes[last]
    }

    fn operator(&mut self, op: Connector) {
        let scope = self.scope();
        scope.pending = Some(op);
        if let Some(i) = scope.last
            && let Some(c) = self.commands.get_mut(i)
        {
            c.followed_by = Some(op);
        }
    }

    /// `parent` is the kind of `n`'s parent node (empty at the root): passed down rather than
    /// asked with `Node::parent`, which walks down from the root on every call.
    fn visit(&mut self, n: Node<'_>, parent: &str, ctx: Context, depth: usize) {
        if depth > MAX_DEPTH {
            self.has_error = true;
            return;
        }
        if !n.is_named() {
            let op = match n.kind() {
                "&&" => Some(Connector::And),
                "||" => Some(Connector::Or),
                ";" | ";;" | "\n" => Some(Connector::Sequence),
                "|" | "|&" => Some(Connector::Pipe),
                "&" => Some(Connector::Background),
                _ => None,
            };
            let in_expression = parent.ends_with("expression") || parent == "test_command";
            if let Some(op) = op
                && !in_expression
            {
                self.operator(op);
            }
            return;
        }
        match n.kind() {
            "ERROR" => {
                self.has_error = true;
                self.children(n, ctx, depth);
            }
            "command" => self.command(n, ctx, &[], depth),
            "redirected_statement" => {
                let body = n.child_by_field_name("body");
                let mut redirects = Vec::new();
                let mut cursor = n.walk();
                for child in n.children_by_field_name("redirect", &mut cursor) {
                    redirects.push(redirect_text(self.node_text(child)));
                }
                match body {
                    Some(b) if b.kind() == "command" => {
                        self.command(b, ctx, &redirects, depth + 1);
                        let mut cursor = n.walk();
                        for child in n.children(&mut cursor) {
                            if child.id() != b.id() {
                                self.visit(child, n.kind(), ctx, depth + 1);
                            }
                        }
                    }
                    Some(b) if b.kind() == "list" => {
                        // tree-sitter-bash hangs a heredoc (`a && cat <<EOF > f`) on the whole
                        // list; in the shell it belongs to the list's last command.
                        let before = self.commands.len();
                        self.children(n, ctx, depth);
                        let owner = self
                            .commands
                            .get_mut(before..)
                            .unwrap_or_default()
                            .iter_mut()
                            .rev()
                            .find(|c| {
                                c.context.substitution == ctx.substitution
                                    && c.context.nested_shell == ctx.nested_shell
                            });
                        if let Some(owner) = owner {
                            owner.redirects.extend(redirects);
                        }
                    }
                    _ => self.children(n, ctx, depth),
                }
            }
            "declaration_command" | "unset_command" => self.declaration(n, ctx, depth),
            "pipeline" => {
                let id = self.pipelines;
                self.pipelines += 1;
                let inner = Context {
                    pipeline: true,
                    ..ctx
                };
                let mut cursor = n.walk();
                for child in n.children(&mut cursor) {
                    let before = self.commands.len();
                    self.visit(child, n.kind(), inner, depth + 1);
                    for c in self.commands.get_mut(before..).unwrap_or_default() {
                        // Commands of a `$(…)` in a member are not members; a pipeline
                        // inside a `$(…)` numbers its own members.
                        if c.pipeline.is_none() && c.context.substitution == ctx.substitution {
                            c.pipeline = Some(id);
                        }
                    }
                }
            }
            "subshell" => self.children(
                n,
                Context {
                    subshell: true,
                    ..ctx
                },
                depth,
            ),
            "negated_command" => self.children(
                n,
                Context {
                    negated: true,
                    ..ctx
                },
                depth,
            ),
            "function_definition" => self.children(
                n,
                Context {
                    function: true,
                    ..ctx
                },
                depth,
            ),
            "command_substitution" | "process_substitution" => {
                self.scopes.push(Scope::default());
                self.children(
                    n,
                    Context {
                        substitution: true,
                        ..ctx
                    },
                    depth,
                );
                self.scopes.pop();
            }
            "if_statement" | "elif_clause" | "while_statement" | "until_statement" => {
                let looped = matches!(n.kind(), "while_statement" | "until_statement");
                let mut cursor = n.walk();
                let conditions: Vec<usize> = n
                    .children_by_field_name("condition", &mut cursor)
                    .map(|c| c.id())
                    .collect();
                // `elif_clause` has no `condition` field: its condition is what stands
                // between `elif` and `then`.
                let mut in_condition = false;
                let mut cursor = n.walk();
                for child in n.children(&mut cursor) {
                    match child.kind() {
                        "elif" if !child.is_named() => in_condition = true,
                        "then" | "do_group" => in_condition = false,
                        _ => {}
                    }
                    let inner = if in_condition || conditions.contains(&child.id()) {
                        Context {
                            condition: true,
                            ..ctx
                        }
                    } else if looped {
                        Context {
                            loop_body: true,
                            ..ctx
                        }
                    } else {
                        Context {
                            branch: true,
                            ..ctx
                        }
                    };
                    self.visit(child, n.kind(), inner, depth + 1);
                }
            }
            "else_clause" | "case_item" => self.children(
                n,
                Context {
                    branch: true,
                    ..ctx
                },
                depth,
            ),
            "for_statement" | "c_style_for_statement" => {
                let body = n.child_by_field_name("body").map(|b| b.id());
                let mut cursor = n.walk();
                for child in n.children(&mut cursor) {
                    let inner = if Some(child.id()) == body {
                        Context {
                            loop_body: true,
                            ..ctx
                        }
                    } else {
                        ctx
                    };
                    self.visit(child, n.kind(), inner, depth + 1);
                }
            }
            "comment" | "heredoc_body" | "heredoc_start" | "heredoc_end" => {}
            _ => self.children(n, ctx, depth),
        }
    }

    fn children(&mut self, n: Node<'_>, ctx: Context, depth: usize) {
        let mut cursor = n.walk();
        for child in n.children(&mut cursor) {
            self.visit(child, n.kind(), ctx, depth + 1);
        }
    }

    fn push(&mut self, mut command: Command) -> usize {
        let index = self.commands.len();
        let scope = self.scope();
        command.connector = scope.pending.take();
        if command.connector.is_none() && scope.last.is_some() {
            command.connector = Some(Connector::Sequence);
        }
        scope.last = Some(index);
        self.commands.push(command);
        index
    }

    fn assignment(&self, n: Node<'_>) -> Option<Assignment> {
        let name = n.child_by_field_name("name")?;
        let value = match n.child_by_field_name("value") {
            Some(v) => self.word(v),
            None => Word {
                text: String::new(),
                raw: String::new(),
                range: self.range(n.end_byte(), n.end_byte()),
                is_static: true,
            },
        };
        Some(Assignment {
            name: self.node_text(name).to_owned(),
            value,
            range: self.range(n.start_byte(), n.end_byte()),
        })
    }

    fn command(&mut self, n: Node<'_>, ctx: Context, redirects: &[String], depth: usize) {
        let Some(name_node) = n.child_by_field_name("name") else {
            self.children(n, ctx, depth);
            return;
        };
        let mut assignments = Vec::new();
        let mut args = Vec::new();
        let mut own_redirects = redirects.to_vec();
        let mut cursor = n.walk();
        for child in n.named_children(&mut cursor) {
            if child.id() == name_node.id() {
                continue;
            }
            match child.kind() {
                "variable_assignment" => assignments.extend(self.assignment(child)),
                k if k.ends_with("redirect") => {
                    own_redirects.push(redirect_text(self.node_text(child)));
                }
                "comment" => {}
                _ => args.push(self.word(child)),
            }
        }
        let command = Command {
            name: self.word(name_node),
            args,
            assignments,
            redirects: own_redirects,
            range: self.range(n.start_byte(), n.end_byte()),
            connector: None,
            followed_by: None,
            context: ctx,
            pipeline: None,
        };
        let index = self.push(command);
        // Substitutions in the words.
        let mut cursor = n.walk();
        for child in n.named_children(&mut cursor) {
            self.visit(child, n.kind(), ctx, depth + 1);
        }
        self.nested_shell(n, index, ctx);
    }

    fn declaration(&mut self, n: Node<'_>, ctx: Context, depth: usize) {
        let Some(keyword) = n.child(0) else { return };
        let mut assignments = Vec::new();
        let mut args = Vec::new();
        let mut cursor = n.walk();
        for child in n.named_children(&mut cursor) {
            if child.kind() == "variable_assignment" {
                assignments.extend(self.assignment(child));
            } else {
                args.push(self.word(child));
            }
        }
        let kw = self.node_text(keyword).to_owned();
        let command = Command {
            name: Word {
                text: kw.clone(),
                raw: kw,
                range: self.range(keyword.start_byte(), keyword.end_byte()),
                is_static: true,
            },
            args,
            assignments,
            redirects: Vec::new(),
            range: self.range(n.start_byte(), n.end_byte()),
            connector: None,
            followed_by: None,
            context: ctx,
            pipeline: None,
        };
        self.push(command);
        let mut cursor = n.walk();
        for child in n.named_children(&mut cursor) {
            self.visit(child, n.kind(), ctx, depth + 1);
        }
    }

    /// `sh -c 'script'`, `bash -euo pipefail -c "script"`: parse the script too.
    fn nested_shell(&mut self, n: Node<'_>, index: usize, ctx: Context) {
        let Some((i, options)) = self.shell_script_arg(index) else {
            return;
        };
        // The script word's node: the i-th non-assignment, non-redirect named child after the name.
        let mut cursor = n.walk();
        let name_id = n.child_by_field_name("name").map(|c| c.id());
        let Some(word_node) = n
            .named_children(&mut cursor)
            .filter(|c| {
                Some(c.id()) != name_id
                    && c.kind() != "variable_assignment"
                    && !c.kind().ends_with("redirect")
                    && c.kind() != "comment"
            })
            .nth(i)
        else {
            return;
        };
        let quote = match word_node.kind() {
            "raw_string" | "string" => 1,
            _ => 0,
        };
        let span = WordSpan {
            start: word_node.start_byte(),
            end: word_node.end_byte(),
            quote,
        };
        self.parse_nested_shell(index, i, options, span, ctx);
    }

    /// When command `index` is a shell given a script with `-c`: the index of the script among
    /// its arguments, and the options given before it (`-e`, `-o pipefail`).
    fn shell_script_arg(&self, index: usize) -> Option<(usize, ShellOptions)> {
        if self.shells >= MAX_NESTED_SHELLS {
            return None;
        }
        let command = self.commands.get(index)?;
        if !SHELLS.contains(&command.basename()) {
            return None;
        }
        let mut script_arg = None;
        let mut options = ShellOptions::default();
        let mut saw_c = false;
        let mut iter = command.args.iter().enumerate();
        while let Some((i, arg)) = iter.next() {
            let t = arg.text.as_str();
            if saw_c {
                script_arg = Some(i);
                break;
            }
            if t == "-o" || t == "+o" {
                if let Some((_, v)) = iter.next() {
                    apply_long_option(&mut options, &v.text, t == "-o");
                }
                continue;
            }
            if let Some(cluster) = t.strip_prefix('-')
                && !t.starts_with("--")
                && !cluster.is_empty()
            {
                saw_c |= cluster.contains('c');
                options.errexit |= cluster.contains('e');
                if cluster.ends_with('o')
                    && let Some((_, v)) = iter.next()
                {
                    apply_long_option(&mut options, &v.text, true);
                }
                continue;
            }
            if t.starts_with("--") {
                continue;
            }
            break;
        }
        script_arg.map(|i| (i, options))
    }

    /// Parses argument `i` of command `index` (written at `span`) as a shell script and appends
    /// its commands.
    fn parse_nested_shell(
        &mut self,
        index: usize,
        i: usize,
        options: ShellOptions,
        span: WordSpan,
        ctx: Context,
    ) {
        let Some(arg) = self.commands.get(index).and_then(|c| c.args.get(i)) else {
            return;
        };
        if !arg.is_static {
            return;
        }
        let inner_text = arg.text.clone();
        // Exact positions when the unquoted text is the raw text minus its quotes.
        let raw = self.text.get(span.start..span.end).unwrap_or_default();
        let quote = span.quote;
        let exact = raw.get(quote..raw.len().saturating_sub(quote)) == Some(inner_text.as_str());
        let frame = if exact && self.frame.fixed.is_none() {
            Frame {
                base: self.frame.base + span.start + quote,
                fixed: None,
                ..self.frame
            }
        } else {
            let fixed = self
                .frame
                .fixed
                .unwrap_or((self.frame.base + span.start, self.frame.base + span.end));
            Frame {
                fixed: Some(fixed),
                ..self.frame
            }
        };
        let inner_ctx = Context {
            nested_shell: true,
            ..ctx
        };
        let mut nested = parse_in(&inner_text, frame, inner_ctx, self.shells + 1);
        nested.options.errexit |= options.errexit;
        nested.options.pipefail |= options.pipefail;
        self.has_error |= nested.has_error;
        let base = self.pipelines;
        let mut max = 0;
        for mut c in nested.commands {
            if let Some(p) = c.pipeline {
                max = max.max(p + 1);
                c.pipeline = Some(p + base);
            }
            self.commands.push(c);
        }
        self.pipelines += max;
    }
}

/// Where a word is in the text being parsed, and whether it is one quoted string (`'…'` or
/// `"…"`, whose inner text may then map back exactly).
#[derive(Clone, Copy, Debug)]
pub(crate) struct WordSpan {
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// 1 for a word that is one quoted string, else 0.
    pub(crate) quote: usize,
}

fn apply_long_option(options: &mut ShellOptions, name: &str, on: bool) {
    match name {
        "pipefail" => options.pipefail = on,
        "errexit" => options.errexit = on,
        _ => {}
    }
}

/// The options the script sets with `set` (outside substitutions), applied in order.
fn set_options(script: &Script) -> ShellOptions {
    let mut options = ShellOptions::default();
    for c in &script.commands {
        if c.context.substitution || c.basename() != "set" {
            continue;
        }
        let mut args = c.args.iter();
        while let Some(a) = args.next() {
            let t = a.text.as_str();
            let (on, cluster) = if let Some(rest) = t.strip_prefix('-') {
                (true, rest)
            } else if let Some(rest) = t.strip_prefix('+') {
                (false, rest)
            } else {
                break;
            };
            if cluster.starts_with('-') {
                break;
            }
            if cluster.contains('e') {
                options.errexit = on;
            }
            if cluster.contains('o')
                && let Some(v) = args.next()
            {
                apply_long_option(&mut options, &v.text, on);
            }
        }
    }
    // `sh -e -c` / `bash -o pipefail -c` options given by nested_shell are per command; they
    // are reported through the commands' own `set`s only.
    options
}

fn redirect_text(raw: &str) -> String {
    raw.split('\n').next().unwrap_or_default().trim().to_owned()
}

fn strip_quotes<'a>(raw: &'a str, open: &str, close: &str) -> &'a str {
    let inner = raw.strip_prefix(open).unwrap_or(raw);
    inner.strip_suffix(close).unwrap_or(inner)
}

/// Unquoted word: `\x` is `x`, `\⏎` disappears.
fn unescape_word(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('\n') | None => {}
                Some(n) => out.push(n),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Inside double quotes `\` escapes only `$`, `` ` ``, `"`, `\` and a line break.
fn unescape_dq(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some('$' | '`' | '"' | '\\') => {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                }
                Some('\n') => {
                    chars.next();
                }
                _ => out.push(c),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `$'…'`: the common escapes.
fn unescape_ansi(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(n) => out.push(n),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[allow(dead_code)]
pub(crate) fn is_shell(name: &str) -> bool {
    SHELLS.contains(&basename(name))
}
