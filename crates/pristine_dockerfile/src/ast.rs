//! The syntax tree: BuildKit's `parser.Node` with source ranges.

use text_size::TextRange;

/// A string value and the source range it was read from.
///
/// The value is what BuildKit stores (JSON-decoded, quotes removed from flags, …); the range
/// covers the raw source text it came from. For values assembled from several physical lines
/// the range spans from the first to the last piece.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Spanned {
    pub value: String,
    pub range: TextRange,
}

impl Spanned {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// The instruction keywords BuildKit's parser dispatches on (`command` package).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    StopSignal,
    User,
    Volume,
    Workdir,
}

impl Keyword {
    /// All keywords, in BuildKit's `command.Commands` order.
    pub const ALL: [Keyword; 18] = [
        Keyword::Add,
        Keyword::Arg,
        Keyword::Cmd,
        Keyword::Copy,
        Keyword::Entrypoint,
        Keyword::Env,
        Keyword::Expose,
        Keyword::From,
        Keyword::Healthcheck,
        Keyword::Label,
        Keyword::Maintainer,
        Keyword::Onbuild,
        Keyword::Run,
        Keyword::Shell,
        Keyword::StopSignal,
        Keyword::User,
        Keyword::Volume,
        Keyword::Workdir,
    ];

    /// Matches `strings.ToLower(word)` against the dispatch table.
    pub fn from_word(word: &str) -> Option<Self> {
        if word.is_ascii() {
            return Self::ALL.into_iter().find(|k| {
                let s = k.as_str();
                s.len() == word.len() && s.eq_ignore_ascii_case(word)
            });
        }
        // Non-ASCII: Go's ToLower maps e.g. U+212A KELVIN SIGN to `k`.
        let lower = crate::go::to_lower(word);
        Self::ALL.into_iter().find(|k| k.as_str() == lower)
    }

    /// The lower-case spelling BuildKit uses as the dispatch key.
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Add => "add",
            Keyword::Arg => "arg",
            Keyword::Cmd => "cmd",
            Keyword::Copy => "copy",
            Keyword::Entrypoint => "entrypoint",
            Keyword::Env => "env",
            Keyword::Expose => "expose",
            Keyword::From => "from",
            Keyword::Healthcheck => "healthcheck",
            Keyword::Label => "label",
            Keyword::Maintainer => "maintainer",
            Keyword::Onbuild => "onbuild",
            Keyword::Run => "run",
            Keyword::Shell => "shell",
            Keyword::StopSignal => "stopsignal",
            Keyword::User => "user",
            Keyword::Volume => "volume",
            Keyword::Workdir => "workdir",
        }
    }

    /// May this instruction carry heredocs (`heredocDirectives`)?
    pub fn allows_heredocs(self) -> bool {
        matches!(self, Keyword::Add | Keyword::Copy | Keyword::Run)
    }
}

/// A heredoc attached to an instruction (`parser.Heredoc`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The terminator word with quotes removed.
    pub name: String,
    /// `3<<EOF` → 3; 0 when absent.
    pub file_descriptor: u64,
    /// False if any part of the name was quoted (`<<'EOF'`, `<<"EOF"`, `<<eo'f'`).
    pub expand: bool,
    /// `<<-`: consumers strip leading tabs ([`crate::chomp_heredoc_content`]).
    pub chomp: bool,
    /// The body, verbatim with its line endings (not chomped).
    pub content: String,
    /// The `<<NAME` word on the instruction line.
    pub marker_range: TextRange,
    /// The body lines (empty range at the body start when the body is empty).
    pub body_range: TextRange,
    /// The terminator line without its line ending; `None` if the heredoc is unterminated.
    pub terminator_range: Option<TextRange>,
}

/// One instruction as BuildKit's parser sees it (`parser.Node` for a child of the root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The instruction word in its original spelling (`Node.Value`).
    pub keyword: Spanned,
    /// Leading `--flags` (`Node.Flags`), quotes and `\` escapes removed.
    pub flags: Vec<Spanned>,
    /// The arguments (the `Node.Next` chain). For `ENV`/`LABEL` these are
    /// `key, value, separator` triples, the separator being `"="` or `""` (legacy form).
    /// Unknown instructions get a single empty argument, as BuildKit's `parseIgnore` does.
    pub args: Vec<Spanned>,
    /// `Attributes["json"]`: the arguments were a JSON array.
    pub json: bool,
    /// The instruction nested in `ONBUILD` (`Node.Next.Children[0]`).
    pub trigger: Option<Box<Node>>,
    /// Heredocs, in the order their bodies follow the instruction.
    pub heredocs: Vec<Heredoc>,
    /// Comment lines directly above the instruction (`Node.PrevComment`), `#` and blanks trimmed.
    pub comments: Vec<String>,
    /// The logical line: continuation lines joined, comments and escape characters removed
    /// (`Node.Original`).
    pub original: String,
    /// From the first character of the instruction to the end of its last line (continuation
    /// or heredoc terminator), line ending excluded.
    pub range: TextRange,
    /// 1-based first line (`Node.StartLine`).
    pub start_line: u32,
    /// 1-based last line, including continuation and heredoc lines (`Node.EndLine`).
    pub end_line: u32,
}

impl Node {
    /// The keyword if it is one BuildKit knows.
    pub fn kind(&self) -> Option<Keyword> {
        Keyword::from_word(&self.keyword.value)
    }

    /// `strings.ToLower(Node.Value)`.
    pub fn name(&self) -> String {
        crate::go::to_lower(&self.keyword.value)
    }

    /// BuildKit's `nodeArgs`: the arguments, with an `ONBUILD` trigger flattened to its keyword
    /// followed by its own arguments.
    pub fn node_args(&self) -> Vec<&Spanned> {
        let mut out: Vec<&Spanned> = self.args.iter().collect();
        if let Some(trigger) = &self.trigger {
            out.push(&trigger.keyword);
            out.extend(trigger.node_args());
        }
        out
    }

    /// `canContainHeredoc`.
    pub fn can_contain_heredoc(&self) -> bool {
        let node = match (&self.trigger, self.kind()) {
            (Some(trigger), Some(Keyword::Onbuild)) => trigger,
            _ => self,
        };
        node.kind().is_some_and(Keyword::allows_heredocs) && !node.json
    }
}
