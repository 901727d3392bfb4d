//! A parallel port of fsutil's `filterFS.Walk` (tonistiigi/fsutil
//! `filter.go`, commit 020c217f0248e73fae66e6585c76ab991f627788) over
//! `fs.Walk` (`fs.go`, commit 468ba298314d): what BuildKit's client sends
//! for a local context with `ExcludePatterns`.
//!
//! Semantics reproduced:
//! * each entry is matched with `MatchesUsingParentResults(path, <parent
//!   dir's MatchInfo>)`; top-level entries get the zero `MatchInfo`;
//! * an excluded directory is skipped (`filepath.SkipDir`) when
//!   [`PatternMatcher::may_skip_excluded_dir`] says so, otherwise walked;
//! * excluded entries are not sent; a walked excluded directory is sent
//!   lazily, only when something below it is sent ("lazily emitted parents");
//! * directories are sent even when empty; symlinks are sent as links and
//!   never followed; FIFOs, sockets and devices are sent but never opened;
//! * a `ReadDir` error on an excluded directory is ignored when it is
//!   EPERM/EACCES; any other error fails the build in BuildKit (here: an
//!   [`IssueKind::UnreadableDir`] of severity error); vanished entries are
//!   skipped (`isNotExist` -> `SkipDir`).
//!
//! The order of the sequential Go walk only matters for *which* error is
//! reported first; the set of entries and of pattern evaluations is the
//! same, so the walk runs one rayon task per directory (no recursion on the
//! native stack, whatever the depth).

use std::fs::FileType;
use std::io::ErrorKind;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use pristine_ignore::{Decision, MatchInfo, PatternMatcher};
use rustc_hash::FxHashMap;

use crate::issue::{Issue, IssueKind};
use crate::tree::{ContextTree, Entry, EntryKind, PathTotals, PatternSavings, Stats};

#[derive(Default)]
struct Collected {
    entries: Vec<Entry>,
    /// Excluded directories that were walked: sent only if something below is.
    pending: Vec<Entry>,
    issues: Vec<Issue>,
    /// Per directory (`""` = root): regular files sent directly in it.
    direct: Vec<(Vec<u8>, u64, u64)>,
    /// Indexed by matcher pattern index.
    savings: Vec<PatternSavings>,
    /// The first pattern evaluation that failed: (pattern index, path).
    bad: Option<(usize, Vec<u8>)>,
}

struct Shared<'a> {
    matcher: Option<&'a PatternMatcher>,
    measure: bool,
    failed: AtomicBool,
    out: Mutex<Collected>,
}

impl Shared<'_> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Collected> {
        // A panicking task cannot leave `Collected` inconsistent in a way
        // that matters more than losing the walk; keep going.
        self.out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Local results of one directory, merged under the lock once.
#[derive(Default)]
struct Local {
    entries: Vec<Entry>,
    pending: Vec<Entry>,
    issues: Vec<Issue>,
    files: u64,
    bytes: u64,
    savings: Vec<(usize, u64, u64, u64)>,
}

/// A directory entry's name and type (from `d_type`, no `stat`), and the entry itself: its
/// `metadata()` is an `fstatat` relative to the open directory, which is much cheaper than an
/// `lstat` of the full path (the kernel resolves only the last component).
type Child = (std::ffi::OsString, FileType, std::fs::DirEntry);

fn join_rel(dir: &[u8], name: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(dir.len() + 1 + name.len());
    if !dir.is_empty() {
        v.extend_from_slice(dir);
        v.push(b'/');
    }
    v.extend_from_slice(name);
    v
}

fn read_sorted(abs: &Path) -> std::io::Result<(Vec<Child>, Option<std::io::Error>)> {
    let mut children = Vec::new();
    let mut late_error = None;
    for ent in std::fs::read_dir(abs)? {
        match ent.and_then(|e| e.file_type().map(|t| (e.file_name(), t, e))) {
            Ok(c) => children.push(c),
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => {
                late_error = Some(e);
                break;
            }
        }
    }
    // Go's os.ReadDir sorts by name (bytewise).
    children.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    Ok((children, late_error))
}

fn walk_dir<'s>(
    s: &rayon::Scope<'s>,
    sh: &'s Shared<'s>,
    rel: Vec<u8>,
    abs: &Path,
    info: &MatchInfo,
    excluded: bool,
) {
    if sh.failed.load(Ordering::Relaxed) {
        return;
    }
    let mut local = Local::default();
    let (children, late_error) = match read_sorted(abs) {
        Ok(c) => c,
        Err(e) => {
            dir_error(sh, &rel, &e, excluded);
            return;
        }
    };
    if let Some(e) = late_error {
        dir_error(sh, &rel, &e, excluded);
    }
    let mut buf = MatchInfo::default();
    for (name, ft, dir_entry) in children {
        let name_bytes = name.as_bytes();
        let child_rel = join_rel(&rel, name_bytes);
        if std::str::from_utf8(name_bytes).is_err() {
            local
                .issues
                .push(Issue::new(child_rel.clone(), IssueKind::NonUtf8Name));
        }
        let decision = match sh.matcher {
            None => Decision::default(),
            Some(m) => match m.matches_using_parent_results_into(&child_rel, info, &mut buf) {
                Ok(d) => d,
                Err(e) => {
                    sh.failed.store(true, Ordering::Relaxed);
                    let mut out = sh.lock();
                    if out.bad.is_none() {
                        out.bad = Some((e.pattern, child_rel));
                    }
                    return;
                }
            },
        };
        let child_abs = abs.join(&name);
        if decision.excluded {
            let pattern = decision.decided_by.unwrap_or_default();
            if ft.is_dir() {
                if sh
                    .matcher
                    .is_some_and(|m| m.may_skip_excluded_dir(&child_rel))
                {
                    local.savings.push((pattern, 0, 0, 1));
                    if sh.measure {
                        s.spawn(move |s| measure_dir(s, sh, &child_abs, pattern));
                    }
                    continue;
                }
                let mode = dir_entry.metadata().map_or(0, |m| m.mode());
                local.pending.push(Entry {
                    path: child_rel.clone(),
                    kind: EntryKind::Dir,
                    size: 0,
                    mode,
                });
                let child_info = buf.clone();
                s.spawn(move |s| walk_dir(s, sh, child_rel, &child_abs, &child_info, true));
            } else {
                let size = if sh.measure && ft.is_file() {
                    dir_entry.metadata().map_or(0, |m| m.len())
                } else {
                    0
                };
                // Counted as a file only if it is one, as "Sent" counts (a venv's
                // `bin/python` symlink is no file).
                local
                    .savings
                    .push((pattern, u64::from(ft.is_file()), size, 0));
            }
            continue;
        }
        // `DirEntry::metadata` does not follow symlinks (it is `lstat`-like).
        let md = match dir_entry.metadata() {
            Ok(md) => md,
            Err(e) if e.kind() == ErrorKind::NotFound => continue,
            Err(e) => {
                local.issues.push(Issue::new(
                    child_rel,
                    IssueKind::StatFailed {
                        message: e.to_string(),
                    },
                ));
                continue;
            }
        };
        let mode = md.mode();
        if ft.is_dir() {
            local.entries.push(Entry {
                path: child_rel.clone(),
                kind: EntryKind::Dir,
                size: 0,
                mode,
            });
            let child_info = buf.clone();
            s.spawn(move |s| walk_dir(s, sh, child_rel, &child_abs, &child_info, false));
        } else if ft.is_symlink() {
            match std::fs::read_link(&child_abs) {
                Ok(target) => {
                    let target = target.into_os_string().into_encoded_bytes();
                    local.entries.push(Entry {
                        path: child_rel,
                        kind: EntryKind::Symlink { target },
                        size: 0,
                        mode,
                    });
                }
                Err(e) => local.issues.push(Issue::new(
                    child_rel,
                    IssueKind::StatFailed {
                        message: e.to_string(),
                    },
                )),
            }
        } else if ft.is_file() {
            let size = md.len();
            // Only files nobody-else can read might be unreadable to us;
            // open those (regular files only: opening a FIFO could block).
            if mode & 0o004 == 0
                && let Err(e) = std::fs::File::open(&child_abs)
            {
                {
                    local.issues.push(Issue::new(
                        child_rel.clone(),
                        IssueKind::UnreadableFile {
                            message: e.to_string(),
                        },
                    ));
                }
            }
            local.files += 1;
            local.bytes += size;
            local.entries.push(Entry {
                path: child_rel,
                kind: EntryKind::File,
                size,
                mode,
            });
        } else {
            debug_assert!(
                ft.is_fifo() || ft.is_socket() || ft.is_block_device() || ft.is_char_device()
            );
            local.entries.push(Entry {
                path: child_rel,
                kind: EntryKind::Special,
                size: 0,
                mode,
            });
        }
    }
    let mut out = sh.lock();
    out.entries.append(&mut local.entries);
    out.pending.append(&mut local.pending);
    out.issues.append(&mut local.issues);
    if local.files > 0 {
        out.direct.push((rel, local.files, local.bytes));
    }
    for (p, files, bytes, dirs) in local.savings {
        if let Some(sv) = out.savings.get_mut(p) {
            sv.files += files;
            sv.bytes += bytes;
            sv.dirs_pruned += dirs;
        }
    }
}

fn dir_error(sh: &Shared<'_>, rel: &[u8], e: &std::io::Error, excluded: bool) {
    // fsutil: `if skip && errors.Is(walkErr, os.ErrPermission) { return nil }`;
    // a vanished directory is `isNotExist` -> SkipDir.
    if (excluded && e.kind() == ErrorKind::PermissionDenied) || e.kind() == ErrorKind::NotFound {
        return;
    }
    sh.lock().issues.push(Issue::new(
        rel.to_vec(),
        IssueKind::UnreadableDir {
            message: e.to_string(),
        },
    ));
}

/// Sizes a pruned directory (only with `measure_excluded`); errors ignored.
fn measure_dir<'s>(s: &rayon::Scope<'s>, sh: &'s Shared<'s>, abs: &Path, pattern: usize) {
    let Ok(rd) = std::fs::read_dir(abs) else {
        return;
    };
    let (mut files, mut bytes) = (0, 0);
    for ent in rd.flatten() {
        let Ok(ft) = ent.file_type() else { continue };
        if ft.is_dir() {
            let child = ent.path();
            s.spawn(move |s| measure_dir(s, sh, &child, pattern));
        } else if ft.is_file() {
            files += 1;
            bytes += ent.metadata().map_or(0, |m| m.len());
        }
    }
    if let Some(sv) = sh.lock().savings.get_mut(pattern) {
        sv.files += files;
        sv.bytes += bytes;
    }
}

/// Whether this process runs as root, which can read every file of a local file system (so an
/// unreadable-file check is moot). `/proc/self` belongs to the process's effective user.
pub(crate) fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Walks `root` (already resolved) and computes the tree. `Err` = the
/// index of a pattern whose evaluation failed and the path being matched.
pub(crate) fn walk(
    root: &Path,
    matcher: Option<&PatternMatcher>,
    measure: bool,
) -> Result<ContextTree, (usize, Vec<u8>)> {
    let npatterns = matcher.map_or(0, |m| m.patterns().len());
    let shared = Shared {
        matcher,
        measure,
        failed: AtomicBool::new(false),
        out: Mutex::new(Collected {
            savings: (0..npatterns)
                .map(|pattern| PatternSavings {
                    pattern,
                    ..PatternSavings::default()
                })
                .collect(),
            ..Collected::default()
        }),
    };
    rayon::scope(|s| {
        walk_dir(s, &shared, Vec::new(), root, &MatchInfo::default(), false);
    });
    let c = shared
        .out
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(bad) = c.bad {
        return Err(bad);
    }
    Ok(finish(c, matcher, measure))
}

fn parent_of(p: &[u8]) -> &[u8] {
    p.iter()
        .rposition(|&c| c == b'/')
        .map_or(&[][..], |i| &p[..i])
}

fn finish(c: Collected, matcher: Option<&PatternMatcher>, measure: bool) -> ContextTree {
    let Collected {
        mut entries,
        pending,
        mut issues,
        direct,
        savings,
        bad: _,
    } = c;

    // Lazily emitted parents: an excluded directory that was walked is sent
    // when anything below it is sent.
    if !pending.is_empty() {
        let mut pending: FxHashMap<Vec<u8>, Option<Entry>> = pending
            .into_iter()
            .map(|e| (e.path.clone(), Some(e)))
            .collect();
        let mut added = Vec::new();
        for e in &entries {
            let mut p = parent_of(&e.path);
            while !p.is_empty() {
                match pending.get_mut(p) {
                    Some(slot) => match slot.take() {
                        Some(dir) => added.push(dir),
                        None => break, // already added, and so are its ancestors
                    },
                    None => break, // a sent directory: its ancestors are handled
                }
                p = parent_of(p);
            }
        }
        entries.append(&mut added);
    }
    entries.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    issues.sort_by(|a, b| a.path.cmp(&b.path));

    // Recursive totals per directory: add each directory's direct sums to
    // it and all its ancestors (O(directories x depth), not per file).
    let mut totals: FxHashMap<Vec<u8>, (u64, u64)> = FxHashMap::default();
    for (dir, files, bytes) in direct {
        let mut p: &[u8] = &dir;
        loop {
            match totals.get_mut(p) {
                Some(t) => {
                    t.0 += files;
                    t.1 += bytes;
                }
                None => {
                    totals.insert(p.to_vec(), (files, bytes));
                }
            }
            if p.is_empty() {
                break;
            }
            p = parent_of(p);
        }
    }

    let mut stats = Stats {
        excluded_measured: measure,
        ..Stats::default()
    };
    for e in &entries {
        stats.entries_sent += 1;
        if e.kind == EntryKind::File {
            stats.files_sent += 1;
            stats.bytes_sent += e.size;
        }
        let totals_of = |e: &Entry| match e.kind {
            EntryKind::Dir => totals.get(e.path.as_slice()).copied().unwrap_or_default(),
            EntryKind::File => (1, e.size),
            _ => (0, 0),
        };
        if e.kind == EntryKind::Dir {
            let (files, bytes) = totals_of(e);
            stats.directories.push(PathTotals {
                path: e.path.clone(),
                files,
                bytes,
            });
        }
        if !e.path.contains(&b'/') {
            let (files, bytes) = totals_of(e);
            stats.top_level.push(PathTotals {
                path: e.path.clone(),
                files,
                bytes,
            });
        }
    }
    let by_size =
        |a: &PathTotals, b: &PathTotals| b.bytes.cmp(&a.bytes).then_with(|| a.path.cmp(&b.path));
    stats.directories.sort_by(by_size);
    stats.top_level.sort_by(by_size);
    for mut sv in savings {
        if sv.files == 0 && sv.dirs_pruned == 0 {
            continue;
        }
        stats.files_excluded += sv.files;
        stats.bytes_excluded += sv.bytes;
        if let Some(m) = matcher {
            sv.pattern = m.patterns()[sv.pattern].source_index();
        }
        stats.by_pattern.push(sv);
    }
    ContextTree {
        entries,
        stats,
        issues,
    }
}
