//! What is sent: entries, statistics and the `--list` view.

use serde::{Serialize, Serializer};

use crate::issue::Issue;

pub(crate) fn serialize_bytes<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&String::from_utf8_lossy(b))
}

/// The type of a context entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link, sent as a link (never followed).
    Symlink {
        /// The link's target text, unchanged.
        #[serde(serialize_with = "serialize_bytes")]
        target: Vec<u8>,
    },
    /// A FIFO, socket or device node: sent as such, never opened.
    Special,
}

/// One entry BuildKit sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Path relative to the context root, `/`-separated (may be non-UTF-8).
    #[serde(serialize_with = "serialize_bytes")]
    pub path: Vec<u8>,
    /// Entry type.
    #[serde(flatten)]
    pub kind: EntryKind,
    /// Size in bytes (regular files; 0 otherwise).
    pub size: u64,
    /// Unix mode bits (`st_mode`), 0 if unknown.
    pub mode: u32,
}

/// Totals for a directory (recursive) or a top-level entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathTotals {
    /// Path relative to the context root.
    #[serde(serialize_with = "serialize_bytes")]
    pub path: Vec<u8>,
    /// Files (regular files) sent at or below it.
    pub files: u64,
    /// Bytes of those files.
    pub bytes: u64,
}

/// What one pattern kept out of the context.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PatternSavings {
    /// Index into the ignore file's patterns ([`crate::IgnoreSource::file`]).
    pub pattern: usize,
    /// Excluded regular files decided by this pattern (including the contents of pruned
    /// directories when they were measured); symlinks and special files are not counted, as
    /// in [`Stats::files_sent`].
    pub files: u64,
    /// Bytes of excluded regular files (known for pruned directories only when
    /// [`crate::ContextOptions::measure_excluded`] is set; always for excluded
    /// files the walker visits when it is set).
    pub bytes: u64,
    /// Directories the walker pruned because of this pattern.
    pub dirs_pruned: u64,
}

/// Summary numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Regular files sent.
    pub files_sent: u64,
    /// Bytes of regular files sent.
    pub bytes_sent: u64,
    /// All entries sent (files, dirs, symlinks, specials).
    pub entries_sent: u64,
    /// Per top-level entry, largest first.
    pub top_level: Vec<PathTotals>,
    /// Per sent directory (recursive totals), largest first.
    pub directories: Vec<PathTotals>,
    /// Excluded files (see [`PatternSavings::files`]).
    pub files_excluded: u64,
    /// Excluded bytes (see [`PatternSavings::bytes`]).
    pub bytes_excluded: u64,
    /// Per deciding pattern, in pattern order; patterns that excluded nothing
    /// are omitted.
    pub by_pattern: Vec<PatternSavings>,
    /// Whether excluded sizes were measured (pruned directories walked).
    pub excluded_measured: bool,
}

/// The computed build context.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ContextTree {
    /// Every entry sent, sorted bytewise by path.
    pub entries: Vec<Entry>,
    /// Totals.
    pub stats: Stats,
    /// Problems met while walking (see [`Issue::fails_build`]).
    pub issues: Vec<Issue>,
}

impl ContextTree {
    /// Exactly what `pristine context --list` prints: sent paths sorted
    /// bytewise, `/`-separated; directories only when sent *empty*, with a
    /// trailing `/` (non-empty directories are implied by their contents).
    pub fn list(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::with_capacity(self.entries.len());
        for (i, e) in self.entries.iter().enumerate() {
            if e.kind == EntryKind::Dir {
                // Entries are sorted, so a child (`path/...`) sorts after its
                // parent, though not necessarily right after it (`a.b` <
                // `a/b`): search the range of paths starting with `path/`.
                let mut prefix = e.path.clone();
                prefix.push(b'/');
                let has_child = self.entries[i + 1..]
                    .binary_search_by(|x| {
                        if x.path.starts_with(&prefix) {
                            std::cmp::Ordering::Equal
                        } else {
                            x.path.as_slice().cmp(prefix.as_slice())
                        }
                    })
                    .is_ok();
                if !has_child {
                    out.push(prefix);
                }
            } else {
                out.push(e.path.clone());
            }
        }
        out.sort_unstable();
        out
    }

    /// The issues that would make BuildKit fail the build.
    pub fn fatal_issues(&self) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(|i| i.fails_build())
    }
}
