//! pristine's own shell types: what rules see instead of tree-sitter nodes.

use text_size::TextRange;

/// One shell word (`pip`, `"a b"`, `torch==${V}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The value after quote removal. For a word with expansions (`is_static == false`) the
    /// static parts are unquoted and the dynamic parts (`$X`, `${X}`, `$(…)`) kept verbatim.
    pub text: String,
    /// The word as written.
    pub raw: String,
    /// Where it is in the Dockerfile.
    pub range: TextRange,
    /// No parameter expansion, command substitution or arithmetic in it.
    pub is_static: bool,
}

impl Word {
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// A flag-looking word (`-y`, `--no-cache`), unquoted.
    pub fn is_flag(&self) -> bool {
        self.text.starts_with('-') && self.text.len() > 1
    }
}

/// `NAME=value` before a command (`DEBIAN_FRONTEND=noninteractive apt-get …`) or in
/// `export`/`declare`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub name: String,
    pub value: Word,
    pub range: TextRange,
}

/// The operator that joins a command to the command before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Connector {
    /// `a && b`
    And,
    /// `a || b`
    Or,
    /// `a; b` or a new line
    Sequence,
    /// `a | b` (also `|&`)
    Pipe,
    /// `a & b`
    Background,
}

/// Where a command sits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[allow(clippy::struct_excessive_bools)]
pub struct Context {
    /// Inside `( … )`.
    pub subshell: bool,
    /// In the condition of `if`/`while`/`until`, or the left side of `&&`/`||`.
    pub condition: bool,
    /// Part of a pipeline `a | b`.
    pub pipeline: bool,
    /// Inside `$( … )`, `` ` … ` `` or `<( … )`.
    pub substitution: bool,
    /// In the body of `for`/`while`/`until`.
    pub loop_body: bool,
    /// In an `if`/`case` branch (runs only sometimes).
    pub branch: bool,
    /// In a function body.
    pub function: bool,
    /// `! cmd`.
    pub negated: bool,
    /// Parsed from the script of `sh -c '…'` / `bash -c "…"` or a shell heredoc fed to a
    /// shell command.
    pub nested_shell: bool,
}

/// One simple command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The command word as written (`pip`, `/opt/venv/bin/pip`, `$PIP`).
    pub name: Word,
    pub args: Vec<Word>,
    /// Environment prefixes (`A=1 B=2 cmd`), or the assignments of `export`/`declare`.
    pub assignments: Vec<Assignment>,
    /// Redirection targets and operators as written (`>/dev/null`, `2>&1`).
    pub redirects: Vec<String>,
    /// The whole command, in the Dockerfile.
    pub range: TextRange,
    /// The operator before it (`None` for the first command of the script).
    pub connector: Option<Connector>,
    /// The operator after it (`None` for the last command or before a new line).
    pub followed_by: Option<Connector>,
    pub context: Context,
    /// Pipeline number within the script when [`Context::pipeline`].
    pub pipeline: Option<u32>,
}

impl Command {
    /// The command name without its directory (`/usr/local/bin/pip3` → `pip3`).
    pub fn basename(&self) -> &str {
        basename(&self.name.text)
    }

    /// The argument texts.
    pub fn arg_texts(&self) -> impl Iterator<Item = &str> {
        self.args.iter().map(|w| w.text.as_str())
    }

    /// Is this command run as a condition or alternative (`if cmd`, `cmd || …`, `… || cmd`)?
    pub fn is_checked(&self) -> bool {
        self.context.condition
            || self.followed_by == Some(Connector::Or)
            || self.connector == Some(Connector::Or)
    }
}

/// `/usr/bin/pip` → `pip`.
pub fn basename(path: &str) -> &str {
    // Called for every command by many rules: a byte scan, not `rsplit`'s searcher.
    match path.bytes().rposition(|b| b == b'/') {
        Some(i) => path.get(i + 1..).unwrap_or(path),
        None => path,
    }
}

/// `set` options seen in the script (`set -e`, `set -euxo pipefail`, `set -o errexit`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShellOptions {
    pub errexit: bool,
    pub pipefail: bool,
}

/// A parsed script: every simple command in source order (a command before the commands
/// nested in its arguments, `sh -c` scripts after the `sh` command).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    pub commands: Vec<Command>,
    /// The parser met a syntax error; the commands are what it could recover.
    pub has_error: bool,
    /// Options set with `set` anywhere in the script at the top level.
    pub options: ShellOptions,
}

impl Script {
    /// Commands named `name` (compared on the basename).
    pub fn commands_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Command> {
        self.commands.iter().filter(move |c| c.basename() == name)
    }

    /// Does any pipeline `a | b` occur?
    pub fn has_pipeline(&self) -> bool {
        self.commands
            .iter()
            .any(|c| c.connector == Some(Connector::Pipe))
    }

    /// Appends the commands of `other` (e.g. a heredoc body after the command line).
    pub fn extend(&mut self, other: Script) {
        let base = self
            .commands
            .iter()
            .filter_map(|c| c.pipeline)
            .max()
            .map_or(0, |m| m + 1);
        self.commands
            .extend(other.commands.into_iter().map(|mut c| {
                c.pipeline = c.pipeline.map(|p| p + base);
                c
            }));
        self.has_error |= other.has_error;
        self.options.errexit |= other.options.errexit;
        self.options.pipefail |= other.options.pipefail;
    }
}
