//! The fast path: most `RUN` scripts are simple commands of plain and quoted words joined by
//! `&&`, `||`, `;`, `|` and new lines (`apt-get update && apt-get install -y curl`, `pip install
//! -r requirements.txt`, heredoc bodies). For those, a byte scan gives the same
//! [`Script`](crate::Script) as tree-sitter-bash (tree-sitter and the walk over its nodes were
//! about 35 % of `pristine check` on the corpus). Anything outside that subset — expansions
//! other than `$NAME`/`${NAME}`, escapes, command substitutions, redirections other than
//! trailing ones, brackets, braces, keywords, `&`, non-ASCII text — returns `None`, and the
//! caller uses tree-sitter.
//!
//! The equivalence is tested: over every `RUN` of the corpus and the linter fixtures, and on
//! generated scripts, the fast path, whenever it accepts, gives exactly the tree-sitter result
//! (`tests/properties.rs`).

use crate::parse::WordSpan;
use crate::script::Connector;

/// A word of the simple subset: no escape, so its text is the raw text without its quotes.
#[derive(Debug)]
pub(crate) struct SimpleWord {
    pub(crate) span: WordSpan,
    pub(crate) text: String,
    /// No expansion in it.
    pub(crate) is_static: bool,
}

/// `NAME=value` before the command name.
#[derive(Debug)]
pub(crate) struct SimpleAssignment {
    pub(crate) start: usize,
    /// End of `NAME`.
    pub(crate) name_end: usize,
    /// `None` for `NAME=` (empty value).
    pub(crate) value: Option<SimpleWord>,
    pub(crate) end: usize,
}

/// One simple command and the operator before it.
#[derive(Debug)]
pub(crate) struct SimpleCommand {
    pub(crate) connector: Option<Connector>,
    pub(crate) assignments: Vec<SimpleAssignment>,
    /// The command name, then the arguments (never empty).
    pub(crate) words: Vec<SimpleWord>,
    /// Redirections after the words, as written (`> /dev/null`, `2>&1`).
    pub(crate) redirects: Vec<String>,
}

impl SimpleCommand {
    pub(crate) fn start(&self) -> usize {
        self.assignments.first().map_or_else(
            || self.words.first().map_or(0, |w| w.span.start),
            |a| a.start,
        )
    }

    pub(crate) fn end(&self) -> usize {
        self.words.last().map_or(0, |w| w.span.end)
    }
}

/// A script of the simple subset.
#[derive(Debug)]
pub(crate) struct SimpleScript {
    pub(crate) commands: Vec<SimpleCommand>,
    /// A final `;` (`a; b;`).
    pub(crate) trailing: Option<Connector>,
}

/// Bash's reserved words (bash(1), RESERVED WORDS) and the declaration builtins that
/// tree-sitter-bash parses as their own node kinds (`declaration_command`, `unset_command`):
/// a command named so goes to tree-sitter. (As arguments they are plain words.)
const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do",
    "done", "in", "function", "time", "coproc", "export", "declare", "local", "readonly",
    "typeset", "unset",
];

/// Bytes of an unquoted word of the subset. Every other byte either ends the word (blank,
/// operator, quote) or sends the script to tree-sitter.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_-./:=,@+*?".contains(&b)
}

/// The script as simple commands, or `None` when it is outside the subset.
pub(crate) fn parse(text: &str) -> Option<SimpleScript> {
    let bytes = text.as_bytes();
    let mut commands: Vec<SimpleCommand> = Vec::new();
    let mut pending: Option<Connector> = None;
    // The operator that ends the last command, not yet given to a next command.
    let mut open_operator = false;
    let mut current: Option<SimpleCommand> = None;
    let mut pos = 0;
    loop {
        while bytes.get(pos).is_some_and(|&b| b == b' ' || b == b'\t') {
            pos += 1;
        }
        let Some(&b) = bytes.get(pos) else { break };
        if b == b'#' {
            // A comment runs to the end of the line (a `#` inside a word is rejected by the
            // word scan).
            pos = bytes
                .get(pos..)?
                .iter()
                .position(|&c| c == b'\n')
                .map_or(bytes.len(), |i| pos + i);
            continue;
        }
        if b == b'\n' {
            // A new line ends a command like `;` but is no operator token: the command before
            // it is followed by nothing, the next one is in sequence (`Walker::push`). After
            // an operator (`a &&⏎b`) it is only a blank.
            if let Some(command) = current.take() {
                commands.push(command);
            }
            pos += 1;
            continue;
        }
        let op = match (b, bytes.get(pos + 1).copied()) {
            (b'&', Some(b'&')) => Some((Connector::And, 2)),
            (b'|', Some(b'|')) => Some((Connector::Or, 2)),
            (b'|', Some(b'&')) | (b'&', _) | (b';', Some(b';')) => return None,
            (b'|', _) => Some((Connector::Pipe, 1)),
            (b';', _) => Some((Connector::Sequence, 1)),
            _ => None,
        };
        if let Some((op, len)) = op {
            // An operator needs a command before it.
            let command = current.take()?;
            commands.push(command);
            pending = Some(op);
            open_operator = true;
            pos += len;
            continue;
        }
        if let Some(end) = redirect_at(text, pos) {
            // Only after the command's words (`a > f`, `a >f 2>&1`): tree-sitter-bash puts
            // a leading redirect in the command and words after one into the redirect.
            let command = current.as_mut().filter(|c| !c.words.is_empty())?;
            command.redirects.push(text.get(pos..end)?.to_owned());
            pos = end;
            continue;
        }
        let (word, end) = word_at(text, pos)?;
        pos = end;
        let command = current.get_or_insert_with(|| SimpleCommand {
            connector: pending.take(),
            assignments: Vec::new(),
            words: Vec::new(),
            redirects: Vec::new(),
        });
        open_operator = false;
        if !command.redirects.is_empty() {
            return None;
        }
        if !command.words.is_empty() {
            command.words.push(word);
            continue;
        }
        match assignment(text, &word) {
            Prefix::Word => command.words.push(word),
            Prefix::Assignment(a) => command.assignments.push(a),
            Prefix::Unsupported => return None,
        }
    }
    if let Some(command) = current {
        commands.push(command);
    }
    let trailing = if open_operator {
        // Only `;` may end a script (`a && b &&` is incomplete).
        match pending {
            Some(Connector::Sequence) => pending,
            _ => return None,
        }
    } else {
        None
    };
    if commands.is_empty() {
        return None;
    }
    // tree-sitter-bash 0.25.1 nests a pipeline of three or more commands followed by `&&` or
    // `||` (`a | b | c && d`) oddly (the tail is a pipeline of its own, numbered after `d`'s):
    // left to it.
    let mut members = 1;
    for command in &commands {
        match command.connector {
            Some(Connector::Pipe) => members += 1,
            Some(Connector::And | Connector::Or) if members >= 3 => return None,
            _ => members = 1,
        }
    }
    for (i, command) in commands.iter().enumerate() {
        let name = command.words.first()?;
        // tree-sitter-bash 0.25.1 drops or regroups redirects in pipelines (`a | b > f` gives
        // `b` none; `a && b 2>&1 | c` makes `a` a pipeline member): left to it.
        let piped = command.connector == Some(Connector::Pipe)
            || commands
                .get(i + 1)
                .is_some_and(|c| c.connector == Some(Connector::Pipe));
        if !command.redirects.is_empty() && piped {
            return None;
        }
        // `A=1` alone is not a command; a name that looks like a failed assignment
        // (`A+=1`, `1x=y`) or starts with `=` is left to tree-sitter.
        if name.text.contains('=') && name.span.quote == 0 {
            return None;
        }
        // tree-sitter-bash 0.25.1 fails on some command names with punctuation (`a@b`,
        // `a?b`, `A:` after an assignment): names with any of it are left to it;
        // `- 1=` is no command at all for it: names starting with `-` or `+` are left too.
        if text.get(name.span.start..name.span.end).is_none_or(|raw| {
            raw.contains(['@', '?', '*', ':', ',', '=']) || raw.starts_with(['-', '+'])
        }) {
            return None;
        }
        // A keyword as the name, also when a quote follows it (`if';'`, which
        // tree-sitter-bash takes as `if`); `==` anywhere.
        let raw = text.get(name.span.start..name.span.end).unwrap_or_default();
        let head = raw.split(['\'', '"']).next().unwrap_or_default();
        if KEYWORDS.contains(&head) || KEYWORDS.contains(&name.text.as_str()) {
            return None;
        }
        let test_operator = |w: &SimpleWord| {
            let raw = text.get(w.span.start..w.span.end).unwrap_or_default();
            raw.split(['\'', '"']).next() == Some("==")
        };
        if command.words.iter().any(test_operator) {
            return None;
        }
    }
    Some(SimpleScript { commands, trailing })
}

/// The end of the redirection at `pos` (`>f`, `>> f`, `2>&1`, `&> f`, `< f`), if one starts
/// there. Forms tree-sitter-bash reads differently (`0<f`: `0` is a word) are no redirection
/// here, and the word scan then rejects the script.
fn redirect_at(text: &str, pos: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let digits = bytes
        .get(pos..)?
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let at = pos + digits;
    let op_len = match (bytes.get(at), bytes.get(at + 1), bytes.get(at + 2)) {
        // `>|`, heredocs, here-strings, `<&`, `<>`: not the subset.
        (Some(b'>'), Some(b'|'), _) | (Some(b'<'), Some(b'<' | b'&' | b'>'), _) => return None,
        (Some(b'>'), Some(b'>' | b'&'), _) => 2,
        (Some(b'>'), _, _) => 1,
        (Some(b'<'), _, _) if digits == 0 => 1,
        (Some(b'&'), Some(b'>'), Some(b'>')) if digits == 0 => 3,
        (Some(b'&'), Some(b'>'), _) if digits == 0 => 2,
        _ => return None,
    };
    let mut target = at + op_len;
    while bytes.get(target).is_some_and(|&b| b == b' ' || b == b'\t') {
        target += 1;
    }
    let (_, end) = word_at(text, target)?;
    Some(end)
}

/// What a word before the command name is.
enum Prefix {
    /// The command name.
    Word,
    Assignment(SimpleAssignment),
    /// Looks like an assignment but is not one of the subset: left to tree-sitter.
    Unsupported,
}

fn assignment(text: &str, word: &SimpleWord) -> Prefix {
    let Some(raw) = text.get(word.span.start..word.span.end) else {
        return Prefix::Unsupported;
    };
    let Some(eq) = raw.find('=') else {
        return Prefix::Word;
    };
    let name = raw.get(..eq).unwrap_or_default();
    let mut chars = name.bytes();
    let valid = chars
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && chars.all(|b| b.is_ascii_alphanumeric() || b == b'_');
    // tree-sitter-bash 0.25.1 reads `_=x` as a command name, not an assignment.
    if !valid || name == "_" {
        // A quoted or odd first word with `=` (`"A=1"`, `-x=1`): not the subset.
        return Prefix::Unsupported;
    }
    let name_end = word.span.start + eq;
    let value_start = name_end + 1;
    if raw.get(eq + 1..).is_some_and(|v| v.starts_with('=')) {
        return Prefix::Unsupported;
    }
    let value = if value_start == word.span.end {
        None
    } else {
        match word_at(text, value_start) {
            Some((value, end)) if end == word.span.end => Some(value),
            _ => return Prefix::Unsupported,
        }
    };
    Prefix::Assignment(SimpleAssignment {
        start: word.span.start,
        name_end,
        value,
        end: word.span.end,
    })
}

/// The word starting at `start`: unquoted runs of word bytes, `'…'`, `"…"` (without `\\` or
/// `` ` ``) and the expansions `$NAME` and `${NAME}` (outside single quotes), concatenated;
/// and where it ends. The text keeps expansions verbatim, as the tree-sitter walk does.
fn word_at(text: &str, start: usize) -> Option<(SimpleWord, usize)> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut pos = start;
    let mut parts = 0;
    let mut quoted = false;
    let mut is_static = true;
    while let Some(&b) = bytes.get(pos) {
        if is_word_byte(b) {
            let run_end = bytes
                .get(pos..)?
                .iter()
                .position(|&c| !is_word_byte(c))
                .map_or(bytes.len(), |i| pos + i);
            out.push_str(text.get(pos..run_end)?);
            pos = run_end;
        } else if b == b'$' {
            // tree-sitter-bash 0.25.1 splits `a$X$Y/z` and `a"$X"$Y/z` into two words after
            // the last `$`: an unbraced expansion after another one is left to it.
            if !is_static && bytes.get(pos + 1) != Some(&b'{') {
                return None;
            }
            let end = expansion_end(bytes, pos)?;
            out.push_str(text.get(pos..end)?);
            pos = end;
            is_static = false;
        } else if b == b'\'' {
            let inner = pos + 1;
            let close = bytes.get(inner..)?.iter().position(|&c| c == b)? + inner;
            let content = text.get(inner..close)?;
            if !content
                .bytes()
                .all(|c| c == b' ' || c == b'\t' || c.is_ascii_graphic())
            {
                return None;
            }
            out.push_str(content);
            pos = close + 1;
            quoted = true;
        } else if b == b'"' {
            pos += 1;
            loop {
                match *bytes.get(pos)? {
                    b'"' => break,
                    b'$' => {
                        let end = expansion_end(bytes, pos)?;
                        out.push_str(text.get(pos..end)?);
                        pos = end;
                        is_static = false;
                    }
                    b'\\' | b'`' => return None,
                    c if c == b' ' || c == b'\t' || c.is_ascii_graphic() => {
                        out.push(char::from(c));
                        pos += 1;
                    }
                    _ => return None,
                }
            }
            pos += 1;
            quoted = true;
        } else if matches!(b, b' ' | b'\t' | b'\n' | b'&' | b'|' | b';') {
            break;
        } else {
            return None;
        }
        parts += 1;
    }
    if parts == 0 {
        return None;
    }
    let quote = usize::from(parts == 1 && quoted);
    Some((
        SimpleWord {
            span: WordSpan {
                start,
                end: pos,
                quote,
            },
            text: out,
            is_static,
        },
        pos,
    ))
}

/// The end of `$NAME` or `${NAME}` at `pos` (a `$`); `None` for any other expansion.
fn expansion_end(bytes: &[u8], pos: usize) -> Option<usize> {
    let braced = bytes.get(pos + 1) == Some(&b'{');
    let name_start = pos + 1 + usize::from(braced);
    let first = *bytes.get(name_start)?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let name_end = bytes
        .get(name_start..)?
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || c == b'_'))
        .map_or(bytes.len(), |i| name_start + i);
    if braced {
        (bytes.get(name_end) == Some(&b'}')).then_some(name_end + 1)
    } else {
        Some(name_end)
    }
}
