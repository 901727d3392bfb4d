//! The one diagnostic model of pristine.
//!
//! Every finding — a Dockerfile syntax error, a rule violation in a Dockerfile, a problem in a
//! `.dockerignore`, a file in the build context, a file in an image — is a [`Diagnostic`]. A
//! diagnostic is reported *against a file* (the Dockerfile, the ignore file, or the image
//! archive) and optionally points at a byte range in it and/or names a path inside the build
//! context or image, so that findings about files without a line (a `.venv` directory) still
//! render in every output format.
//!
//! Fixes are byte-range [`Edit`]s with an [`Applicability`], as in ruff: renderers show them and
//! the binary applies them; this crate does no I/O.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;
pub use text_size::{TextLen, TextRange, TextSize};

mod fix;
mod line_index;
mod words;
pub use fix::{FixedText, apply_fixes};
pub use line_index::{LineIndex, SourceLocation};
pub use words::{human_bytes, plural};

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a fix may be applied automatically (ruff's `Applicability`).
///
/// Ordered from least to most trusted so that `fix.applicability >= wanted` selects fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Shown to the user, never applied.
    DisplayOnly,
    /// Applied only with `--unsafe-fixes`: it may change what the build does.
    Unsafe,
    /// Applied by `--fix`: it keeps the meaning of the build.
    Safe,
}

/// Replace the bytes in `range` with `content` (empty range = insertion, empty content =
/// deletion).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Edit {
    pub range: TextRange,
    pub content: String,
}

impl Edit {
    pub fn replacement(content: impl Into<String>, range: TextRange) -> Self {
        Self {
            range,
            content: content.into(),
        }
    }

    pub fn insertion(content: impl Into<String>, at: TextSize) -> Self {
        Self::replacement(content, TextRange::empty(at))
    }

    pub fn deletion(range: TextRange) -> Self {
        Self::replacement(String::new(), range)
    }
}

/// A set of edits that belong together, and how safe they are.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Fix {
    /// Edits sorted by start offset; they never overlap.
    edits: Vec<Edit>,
    pub applicability: Applicability,
    /// The file the edits apply to, when it is not the diagnostic's own file (a Dockerfile
    /// finding fixed in the `.dockerignore`).
    pub file: Option<PathBuf>,
}

impl Fix {
    pub fn new(mut edits: Vec<Edit>, applicability: Applicability) -> Self {
        edits.sort_by_key(|e| (e.range.start(), e.range.end()));
        Self {
            edits,
            applicability,
            file: None,
        }
    }

    pub fn safe(edits: Vec<Edit>) -> Self {
        Self::new(edits, Applicability::Safe)
    }

    pub fn unsafe_edits(edits: Vec<Edit>) -> Self {
        Self::new(edits, Applicability::Unsafe)
    }

    pub fn display_only(edits: Vec<Edit>) -> Self {
        Self::new(edits, Applicability::DisplayOnly)
    }

    #[must_use]
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }
}

/// The identity of the rule that produced a diagnostic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RuleRef {
    /// Stable code, e.g. `DF001`.
    pub code: &'static str,
    /// Kebab-case name, read as "allow <name>".
    pub name: &'static str,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: RuleRef,
    pub severity: Severity,
    /// One line, no trailing period; code and paths in backticks.
    pub message: String,
    /// The file the finding is reported against (Dockerfile, ignore file, image archive, or the
    /// context directory itself when there is no better file).
    pub file: PathBuf,
    /// The offending text in `file`, if the finding has one.
    pub range: Option<TextRange>,
    /// A path inside the build context or image that the finding is about.
    pub subject_path: Option<String>,
    /// What to do about it (rendered as `help: …`).
    pub help: Option<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(
        rule: RuleRef,
        severity: Severity,
        message: impl Into<String>,
        file: impl Into<PathBuf>,
    ) -> Self {
        Self {
            rule,
            severity,
            message: message.into(),
            file: file.into(),
            range: None,
            subject_path: None,
            help: None,
            fix: None,
        }
    }

    #[must_use]
    pub fn with_range(mut self, range: TextRange) -> Self {
        self.range = Some(range);
        self
    }

    #[must_use]
    pub fn with_subject_path(mut self, path: impl Into<String>) -> Self {
        self.subject_path = Some(path.into());
        self
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Sort key for stable output: file, position, code.
    pub fn sort_key(&self) -> (&Path, TextSize, &'static str, Option<&str>) {
        (
            &self.file,
            self.range.map_or(TextSize::default(), TextRange::start),
            self.rule.code,
            self.subject_path.as_deref(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fix_sorts_edits() {
        let fix = Fix::safe(vec![
            Edit::insertion("b", TextSize::from(5)),
            Edit::insertion("a", TextSize::from(1)),
        ]);
        assert_eq!(fix.edits()[0].content, "a");
        assert!(Applicability::Safe > Applicability::Unsafe);
        assert!(Severity::Error > Severity::Warning);
    }
}
