//! `.dockerignore` reading and matching exactly as modern BuildKit does. No I/O.
//!
//! This crate is a byte-exact port of the Go code BuildKit runs on the client
//! side of `docker build` / `docker buildx build`:
//!
//! * [`IgnoreFile::parse`] — moby/patternmatcher `ignorefile.ReadAll`
//!   (BOM, comments only at the raw line start, Go `TrimSpace`, `!`,
//!   `filepath.Clean`, 64 KiB line limit), keeping each pattern's line.
//! * [`PatternMatcher`] — moby/patternmatcher `New` / `Matches` /
//!   `MatchesOrParentMatches` / `MatchesUsingParentResults`, including the
//!   exact translation of patterns to Go RE2 regular expressions (and from
//!   there to an equivalent Rust `regex`), plus fsutil's directory-pruning
//!   rule ([`PatternMatcher::may_skip_excluded_dir`]) and an explanation API
//!   ([`PatternMatcher::explain`]).
//!
//! Paths are byte strings (`&[u8]`), relative to the context root and
//! `/`-separated; they may be non-UTF-8 (matched as Go does: each invalid
//! byte is one U+FFFD rune for regular expressions, raw bytes elsewhere).
//!
//! ```
//! use pristine_ignore::{IgnoreFile, MatchInfo, PatternMatcher};
//!
//! let file = IgnoreFile::parse(b"# build output\n.venv\n**/*.pyc\n!keep.pyc\n").unwrap();
//! let matcher = PatternMatcher::from_ignore_file(&file).unwrap();
//!
//! // The walker carries each directory's MatchInfo down to its children.
//! let (dir, info) = matcher.matches_using_parent_results(b"app", &MatchInfo::default()).unwrap();
//! assert!(!dir.excluded);
//! let (file_decision, _) = matcher.matches_using_parent_results(b"app/x.pyc", &info).unwrap();
//! assert!(file_decision.excluded);
//! let pattern = &matcher.patterns()[file_decision.decided_by.unwrap()];
//! assert_eq!(file.patterns[pattern.source_index()].line, 3);
//!
//! // `.venv` is excluded and no exception can reach inside: BuildKit prunes it.
//! assert!(matcher.may_skip_excluded_dir(b".venv"));
//! ```

pub mod go;
mod ignorefile;
mod matcher;
mod re2;

pub use ignorefile::{IgnoreFile, IgnorePattern, ReadError};
pub use matcher::{
    Decision, ExplainStep, Explanation, MatchError, MatchInfo, MatchKind, NewError, Pattern,
    PatternMatcher,
};
