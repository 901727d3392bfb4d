//! Errors and warnings recorded while parsing. Parsing never stops at an error.

use text_size::TextRange;

/// Which BuildKit layer rejects the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// `parser.Parse` (`frontend/dockerfile/parser`) fails: directives, JSON nesting,
    /// `ENV`/`LABEL` syntax, heredocs, line length, empty file.
    Parser,
    /// `instructions.Parse` (`frontend/dockerfile/instructions`) fails: unknown instruction,
    /// flags, argument counts, stage names, `HEALTHCHECK`/`ONBUILD`/`SHELL` rules.
    Instruction,
}

/// An error with BuildKit's message text and the source range it applies to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    pub kind: ErrorKind,
    /// Byte range in the source (the whole instruction, a line, or a narrower token).
    pub range: TextRange,
    /// BuildKit's message, without its `dockerfile parse error on line N:` prefix.
    pub message: String,
}

impl SyntaxError {
    pub(crate) fn parser(range: TextRange, message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Parser,
            range,
            message: message.into(),
        }
    }

    pub(crate) fn instruction(range: TextRange, message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Instruction,
            range,
            message: message.into(),
        }
    }
}

/// A parser warning (BuildKit's `parser.Warning`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxWarning {
    /// `Warning.Short`, e.g. `Empty continuation line found in: RUN a b`.
    pub message: String,
    /// `Warning.Detail`.
    pub detail: String,
    /// `Warning.URL`.
    pub url: String,
    /// The instruction the warning is about.
    pub range: TextRange,
    /// BuildKit's `Location` line (1-based): the last line of the instruction.
    pub line: u32,
}
