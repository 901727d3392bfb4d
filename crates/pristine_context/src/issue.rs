//! Errors that make BuildKit fail the build, and issues found on the way.

use std::path::PathBuf;

use pristine_ignore::{NewError, ReadError};
use serde::Serialize;

use crate::tree::serialize_bytes;

/// The context cannot be computed; BuildKit fails the build the same way.
///
/// The `Display` texts are BuildKit's own (the tail of what `docker build`
/// prints after `ERROR: failed to solve:`).
#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    /// The context directory cannot be resolved or is not a directory.
    #[error("unable to prepare context: {}: {source}", path.display())]
    ContextDir {
        /// The directory given.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The ignore file has a line over 64 KiB (`bufio.Scanner`).
    #[error("failed parsing .dockerignore: {source}")]
    IgnoreFileParse {
        /// The ignore file that was read.
        path: PathBuf,
        /// The reader's error.
        #[source]
        source: ReadError,
    },
    /// A pattern contains an ASCII control character and no pattern is
    /// non-ASCII: BuildKit sends patterns as gRPC metadata, which grpc-go
    /// refuses to send (only non-ASCII lists are URL-encoded, since
    /// BuildKit v0.12).
    #[error("header key \"exclude-patterns\" contains value with non-printable ASCII characters")]
    PatternHeader {
        /// Index (into the ignore file's patterns) of the first offending pattern.
        pattern: usize,
    },
    /// `patternmatcher.New` rejected the patterns (fsutil `NewFilterFS`).
    #[error("invalid excludepatterns: [{patterns}]: {source}")]
    InvalidPatterns {
        /// Go's `%s` of the pattern list: the patterns joined by spaces.
        patterns: String,
        /// Which pattern and why.
        #[source]
        source: NewError,
    },
    /// A pattern's regular expression does not compile; fsutil fails at the
    /// first path it is evaluated for.
    #[error("failed to match excludepatterns: syntax error in pattern")]
    BadPattern {
        /// Index (into the ignore file's patterns) of the pattern.
        pattern: usize,
        /// The path being matched when it failed.
        path: Vec<u8>,
    },
}

/// How serious an [`Issue`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational (e.g. which ignore file was not found).
    Info,
    /// Worth knowing; the build would still work.
    Warning,
    /// BuildKit would fail the build on this.
    Error,
}

/// What kind of problem an [`Issue`] is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum IssueKind {
    /// No ignore file was found at this location.
    IgnoreFileMissing,
    /// The ignore file exists but is not a readable regular file (a
    /// directory, a dangling or escaping symlink, unreadable); BuildKit then
    /// uses no patterns.
    IgnoreFileUnusable {
        /// The I/O error or reason.
        message: String,
        /// What it is when it exists but is not a regular file (`a named pipe`,
        /// `a directory`, …), for messages that say so.
        #[serde(skip_serializing_if = "Option::is_none")]
        not_a_file: Option<&'static str>,
    },
    /// A directory could not be read. BuildKit fails the build, unless the
    /// directory is excluded and the error is EPERM/EACCES (then ignored).
    UnreadableDir {
        /// The I/O error.
        message: String,
    },
    /// A file that would be sent cannot be opened; BuildKit fails the build
    /// when it transfers the file.
    UnreadableFile {
        /// The I/O error.
        message: String,
    },
    /// `lstat`/`readlink` failed on an entry; BuildKit fails the build.
    StatFailed {
        /// The I/O error.
        message: String,
    },
    /// A file name is not valid UTF-8. It is matched as Go does, but older or
    /// newer BuildKit transports may reject it.
    NonUtf8Name,
}

/// A problem found while computing the context; the walk goes on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// The path concerned, relative to the context root (for ignore-file
    /// issues: the ignore file's full path as BuildKit names it).
    #[serde(serialize_with = "serialize_bytes")]
    pub path: Vec<u8>,
    /// What happened.
    #[serde(flatten)]
    pub kind: IssueKind,
    /// How serious it is.
    pub severity: Severity,
}

impl Issue {
    pub(crate) fn new(path: Vec<u8>, kind: IssueKind) -> Self {
        let severity = match &kind {
            IssueKind::IgnoreFileMissing | IssueKind::IgnoreFileUnusable { .. } => Severity::Info,
            IssueKind::NonUtf8Name => Severity::Warning,
            IssueKind::UnreadableDir { .. }
            | IssueKind::UnreadableFile { .. }
            | IssueKind::StatFailed { .. } => Severity::Error,
        };
        Issue {
            path,
            kind,
            severity,
        }
    }

    /// `true` if BuildKit would fail the build because of this.
    pub fn fails_build(&self) -> bool {
        self.severity == Severity::Error
    }
}
