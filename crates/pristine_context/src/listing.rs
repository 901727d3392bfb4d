//! `pristine context --list` without a [`crate::ContextTree`]: the same walk and the same
//! decisions as [`crate::walk`] (fsutil `filterFS.Walk`, see there for the semantics and the
//! upstream commits), keeping per directory only the names that are sent, in one byte arena.
//!
//! Why a second walker: the listing needs no sizes, modes, symlink targets or totals, and the
//! owned [`crate::Entry`] per path (one allocation each), the merge of every path under a lock,
//! the sort of all paths and the second sort in [`crate::ContextTree::list`] cost more than
//! reading the directories (issue #3: 1.72× `find DIR -type f` on a 250 000-file tree).
//!
//! Order: the listing is sorted bytewise by full path. Every path below directory `d` starts
//! with `d/`, and a sibling name never contains `/`, so comparing the key `d/` with a sibling's
//! name orders the whole subtree against that sibling (`a.b` < `a/x` < `a0`). Sorting each
//! directory's children by name, with `/` appended to directories, and emitting depth first
//! therefore gives the bytewise order of the full paths without sorting them.

use std::io::ErrorKind;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use pristine_ignore::{MatchInfo, PatternMatcher};

use crate::issue::{Issue, IssueKind};

/// What a sent (or lazily sent) child is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A file, symlink or special file: listed by name.
    Leaf,
    /// A directory that is sent (listed as `name/` when nothing below it is sent); the walk
    /// result of directory number `.0`.
    Dir(u32),
    /// An excluded directory that the walker enters: sent only if something below it is
    /// ("lazily emitted parents").
    ExcludedDir(u32),
}

#[derive(Debug, Clone, Copy)]
struct Child {
    /// Range of the name in [`Node::names`].
    start: u32,
    len: u32,
    kind: Kind,
}

/// One directory's sent children, sorted by listing order.
#[derive(Debug, Default)]
pub(crate) struct Node {
    names: Vec<u8>,
    children: Vec<Child>,
    /// Whether anything at or below a child is sent (computed after the walk).
    sends: bool,
}

impl Node {
    fn name(&self, c: &Child) -> &[u8] {
        self.names
            .get(c.start as usize..(c.start + c.len) as usize)
            .unwrap_or_default()
    }
}

/// The sent paths of a build context, as `pristine context --list` prints them. Made by
/// [`crate::list_sent`].
#[derive(Debug)]
pub struct Listing {
    /// The context directory with symlinks resolved (what BuildKit walks).
    pub root: PathBuf,
    /// The ignore file used.
    pub ignore: crate::IgnoreSource,
    /// Problems met while walking and ignore-file issues, as in
    /// [`crate::ContextTree::issues`] (sorted by path; same kinds, except that no
    /// `StatFailed` is reported for an entry the listing does not need to `stat`).
    pub issues: Vec<Issue>,
    /// Walk results, indexed by directory number; 0 is the root.
    nodes: Vec<Node>,
}

impl Listing {
    pub(crate) fn new(
        root: PathBuf,
        ignore: crate::IgnoreSource,
        issues: Vec<Issue>,
        nodes: Vec<Node>,
    ) -> Self {
        Listing {
            root,
            ignore,
            issues,
            nodes,
        }
    }

    /// The issues that would make BuildKit fail the build.
    pub fn fatal_issues(&self) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(|i| i.fails_build())
    }

    /// Calls `f` with each listed path in order: exactly [`crate::ContextTree::list`] of
    /// [`crate::compute`]'s tree (sent paths sorted bytewise, `/`-separated, empty sent
    /// directories with a trailing `/`). Stops at the first error `f` returns.
    pub fn for_each<E>(&self, mut f: impl FnMut(&[u8]) -> Result<(), E>) -> Result<(), E> {
        // Depth first with an explicit stack (no recursion, whatever the depth): (node, next
        // child, length of `path` to restore when leaving it).
        let mut path: Vec<u8> = Vec::with_capacity(256);
        let mut stack: Vec<(usize, usize, usize)> = vec![(0, 0, 0)];
        while let Some(top) = stack.last_mut() {
            let (id, next, _) = *top;
            let Some(node) = self.nodes.get(id) else {
                break;
            };
            let Some(child) = node.children.get(next) else {
                if let Some((_, _, len)) = stack.pop() {
                    path.truncate(len);
                }
                continue;
            };
            top.1 += 1;
            let mark = path.len();
            if mark > 0 {
                path.push(b'/');
            }
            path.extend_from_slice(node.name(child));
            match child.kind {
                Kind::Leaf => {
                    f(&path)?;
                    path.truncate(mark);
                }
                Kind::Dir(sub) | Kind::ExcludedDir(sub) => {
                    let sends = self.nodes.get(sub as usize).is_some_and(|n| n.sends);
                    if sends {
                        stack.push((sub as usize, 0, mark));
                    } else {
                        if matches!(child.kind, Kind::Dir(_)) {
                            path.push(b'/');
                            f(&path)?;
                        }
                        path.truncate(mark);
                    }
                }
            }
        }
        Ok(())
    }
}

struct Shared<'a> {
    matcher: Option<&'a PatternMatcher>,
    /// As root (which reads every file of a local file system) entries are not `stat`ed:
    /// their type comes from `d_type`, and nothing can be unreadable.
    skip_stat: bool,
    next_id: AtomicU32,
    failed: AtomicBool,
    out: Mutex<Out>,
}

#[derive(Default)]
struct Out {
    nodes: Vec<(u32, Node)>,
    issues: Vec<Issue>,
    bad: Option<(usize, Vec<u8>)>,
}

impl Shared<'_> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Out> {
        self.out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The directories walked (indexed by number) and the issues met.
pub(crate) type Walked = (Vec<Node>, Vec<Issue>);

/// Walks `root` like [`crate::walk::walk`] and keeps what the listing needs. `Err` = the index
/// of a pattern whose evaluation failed and the path being matched.
pub(crate) fn walk(
    root: &Path,
    matcher: Option<&PatternMatcher>,
    skip_stat: bool,
) -> Result<Walked, (usize, Vec<u8>)> {
    walk_from(root, &[], &MatchInfo::default(), false, matcher, skip_stat)
}

/// Whether anything below the excluded directory `dir` (relative to `root`; one the walker
/// enters, see [`PatternMatcher::may_skip_excluded_dir`]) is sent, which makes BuildKit send
/// `dir` itself. Walks only that subtree, with the match results its ancestors pass down, so
/// `--why` need not walk the whole context. `Err` as for [`walk`].
pub(crate) fn sends_below(
    root: &Path,
    dir: &[u8],
    matcher: &PatternMatcher,
    skip_stat: bool,
) -> Result<bool, (usize, Vec<u8>)> {
    // The walker hands each directory the `MatchInfo` of its own match (fsutil
    // `filterFS.Walk` keeps a stack of them): replay the ancestors and the directory.
    let mut info = MatchInfo::default();
    let mut next = MatchInfo::default();
    let mut prefix: Vec<u8> = Vec::with_capacity(dir.len());
    for comp in dir.split(|&c| c == b'/').filter(|c| !c.is_empty()) {
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        prefix.extend_from_slice(comp);
        matcher
            .matches_using_parent_results_into(&prefix, &info, &mut next)
            .map_err(|e| (e.pattern, prefix.clone()))?;
        std::mem::swap(&mut info, &mut next);
    }
    let abs = root.join(std::ffi::OsStr::from_bytes(&prefix));
    let (nodes, _) = walk_from(&abs, &prefix, &info, true, Some(matcher), skip_stat)?;
    Ok(nodes.first().is_some_and(|n| n.sends))
}

/// Walks the directory `abs` (relative path `rel`, `info` = its own match results, `excluded`
/// = it was excluded) as directory number 0.
fn walk_from(
    abs: &Path,
    rel: &[u8],
    info: &MatchInfo,
    excluded: bool,
    matcher: Option<&PatternMatcher>,
    skip_stat: bool,
) -> Result<Walked, (usize, Vec<u8>)> {
    let sh = Shared {
        matcher,
        skip_stat,
        next_id: AtomicU32::new(1),
        failed: AtomicBool::new(false),
        out: Mutex::new(Out::default()),
    };
    rayon::scope(|s| {
        walk_dir(s, &sh, 0, rel, abs, info, excluded);
    });
    let out = sh
        .out
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(bad) = out.bad {
        return Err(bad);
    }
    let count = sh.next_id.load(Ordering::Relaxed) as usize;
    let mut nodes: Vec<Node> = std::iter::repeat_with(Node::default).take(count).collect();
    for (id, node) in out.nodes {
        if let Some(slot) = nodes.get_mut(id as usize) {
            *slot = node;
        }
    }
    // A directory's number is taken before its children's, so children come later: going
    // backwards, every child's `sends` is known before its parent's.
    for id in (0..nodes.len()).rev() {
        let sends = nodes.get(id).is_some_and(|n| {
            n.children.iter().any(|c| match c.kind {
                Kind::Leaf | Kind::Dir(_) => true,
                Kind::ExcludedDir(sub) => nodes.get(sub as usize).is_some_and(|s| s.sends),
            })
        });
        if let Some(n) = nodes.get_mut(id) {
            n.sends = sends;
        }
    }
    let mut issues = out.issues;
    issues.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((nodes, issues))
}

fn walk_dir<'s>(
    s: &rayon::Scope<'s>,
    sh: &'s Shared<'s>,
    id: u32,
    rel: &[u8],
    abs: &Path,
    info: &MatchInfo,
    excluded: bool,
) {
    if sh.failed.load(Ordering::Relaxed) {
        return;
    }
    let mut issues = Vec::new();
    let mut node = Node::default();
    // (name range, is a directory) as read; sorted below.
    let mut read: Vec<(u32, u32, std::fs::FileType)> = Vec::new();
    let rd = match std::fs::read_dir(abs) {
        Ok(rd) => rd,
        Err(e) => {
            dir_error(&mut issues, rel, &e, excluded);
            sh.lock().nodes.push((id, node));
            sh.lock().issues.append(&mut issues);
            return;
        }
    };
    for ent in rd {
        match ent.and_then(|e| e.file_type().map(|t| (e, t))) {
            Ok((e, t)) => {
                let name = e.file_name();
                let name = name.as_bytes();
                let (Ok(start), Ok(len)) =
                    (u32::try_from(node.names.len()), u32::try_from(name.len()))
                else {
                    continue;
                };
                node.names.extend_from_slice(name);
                read.push((start, len, t));
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => {
                dir_error(&mut issues, rel, &e, excluded);
                break;
            }
        }
    }
    // Go's os.ReadDir sorts by name: match in that order, so that the first failing pattern
    // evaluation is the same as in `walk`.
    let names = &node.names;
    let name_of = |start: u32, len: u32| {
        names
            .get(start as usize..(start + len) as usize)
            .unwrap_or_default()
    };
    read.sort_unstable_by(|a, b| name_of(a.0, a.1).cmp(name_of(b.0, b.1)));
    let mut child_rel = rel.to_vec();
    let base = child_rel.len();
    let mut buf = MatchInfo::default();
    for (start, len, ft) in read {
        let name = node
            .names
            .get(start as usize..(start + len) as usize)
            .unwrap_or_default();
        child_rel.truncate(base);
        if base > 0 {
            child_rel.push(b'/');
        }
        child_rel.extend_from_slice(name);
        if std::str::from_utf8(name).is_err() {
            issues.push(Issue::new(child_rel.clone(), IssueKind::NonUtf8Name));
        }
        let decision = match sh.matcher {
            None => pristine_ignore::Decision::default(),
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
        let child = |kind| Child { start, len, kind };
        if decision.excluded {
            if ft.is_dir()
                && !sh
                    .matcher
                    .is_some_and(|m| m.may_skip_excluded_dir(&child_rel))
            {
                let sub = sh.next_id.fetch_add(1, Ordering::Relaxed);
                node.children.push(child(Kind::ExcludedDir(sub)));
                let (r, a, i) = (
                    child_rel.clone(),
                    abs.join(std::ffi::OsStr::from_bytes(name)),
                    buf.clone(),
                );
                s.spawn(move |s| walk_dir(s, sh, sub, &r, &a, &i, true));
            }
            continue;
        }
        if !sh.skip_stat {
            // As `walk`: an entry that cannot be `lstat`ed is not sent; a file only others
            // cannot read may be unreadable to us (regular files only: opening a FIFO could
            // block); a symlink whose target cannot be read is not sent.
            let child_abs = abs.join(std::ffi::OsStr::from_bytes(name));
            let md = match std::fs::symlink_metadata(&child_abs) {
                Ok(md) => md,
                Err(e) if e.kind() == ErrorKind::NotFound => continue,
                Err(e) => {
                    issues.push(stat_failed(&child_rel, &e));
                    continue;
                }
            };
            if ft.is_symlink()
                && let Err(e) = std::fs::read_link(&child_abs)
            {
                issues.push(stat_failed(&child_rel, &e));
                continue;
            }
            if ft.is_file()
                && md.mode() & 0o004 == 0
                && let Err(e) = std::fs::File::open(&child_abs)
            {
                issues.push(Issue::new(
                    child_rel.clone(),
                    IssueKind::UnreadableFile {
                        message: e.to_string(),
                    },
                ));
            }
        }
        if ft.is_dir() {
            let sub = sh.next_id.fetch_add(1, Ordering::Relaxed);
            node.children.push(child(Kind::Dir(sub)));
            let (r, a, i) = (
                child_rel.clone(),
                abs.join(std::ffi::OsStr::from_bytes(name)),
                buf.clone(),
            );
            s.spawn(move |s| walk_dir(s, sh, sub, &r, &a, &i, false));
        } else {
            node.children.push(child(Kind::Leaf));
        }
    }
    // Listing order (see the module documentation): by name, a directory as `name/`. Names
    // are sorted already; only a directory whose name is a prefix of a sibling's can move.
    let names = &node.names;
    node.children
        .sort_by(|a, b| listing_key(names, a).cmp(listing_key(names, b)));
    let mut out = sh.lock();
    out.nodes.push((id, node));
    out.issues.append(&mut issues);
}

/// The name, then `/` for a directory: compared bytewise, as the full paths compare.
fn listing_key<'n>(names: &'n [u8], c: &Child) -> impl Iterator<Item = u8> + 'n {
    let name = names
        .get(c.start as usize..(c.start + c.len) as usize)
        .unwrap_or_default();
    let slash = matches!(c.kind, Kind::Dir(_) | Kind::ExcludedDir(_)).then_some(b'/');
    name.iter().copied().chain(slash)
}

fn stat_failed(path: &[u8], e: &std::io::Error) -> Issue {
    Issue::new(
        path.to_vec(),
        IssueKind::StatFailed {
            message: e.to_string(),
        },
    )
}

fn dir_error(issues: &mut Vec<Issue>, rel: &[u8], e: &std::io::Error, excluded: bool) {
    // As `walk::dir_error` (fsutil: an EPERM/EACCES on an excluded directory is ignored; a
    // vanished directory is `isNotExist` -> SkipDir).
    if (excluded && e.kind() == ErrorKind::PermissionDenied) || e.kind() == ErrorKind::NotFound {
        return;
    }
    issues.push(Issue::new(
        rel.to_vec(),
        IssueKind::UnreadableDir {
            message: e.to_string(),
        },
    ));
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use pristine_ignore::PatternMatcher;

    type Paths = Vec<Vec<u8>>;

    /// The listing of `root` under `patterns`, with and without `stat`, and the tree's `list()`.
    fn both(root: &Path, patterns: &[&str]) -> (Paths, Paths, Paths) {
        let m = (!patterns.is_empty()).then(|| PatternMatcher::new(patterns).unwrap());
        let tree = crate::walk::walk(root, m.as_ref(), false).unwrap();
        let listed = |skip_stat| {
            let (nodes, issues) = super::walk(root, m.as_ref(), skip_stat).unwrap();
            let ignore =
                crate::ignore_source::select(root, &root.join("Dockerfile"), &mut Vec::new());
            let listing = super::Listing::new(root.to_path_buf(), ignore, issues, nodes);
            let mut out = Vec::new();
            listing
                .for_each(|p| {
                    out.push(p.to_vec());
                    Ok::<(), ()>(())
                })
                .unwrap();
            out
        };
        (listed(true), listed(false), tree.list())
    }

    fn touch(root: &Path, rel: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b"x").unwrap();
    }

    #[test]
    fn bytewise_order_across_directories() {
        let tmp = tempfile::tempdir().unwrap();
        let r = tmp.path();
        // `a.b` < `a/x` < `a0`: a directory's contents sort between siblings by `a/`.
        for f in ["a/x", "a.b", "a-c", "a0", "a/y/z", "ab/c", "b", "a/y.z"] {
            touch(r, f);
        }
        for d in ["empty", "a/empty", "e.", "e/f"] {
            std::fs::create_dir_all(r.join(d)).unwrap();
        }
        std::os::unix::fs::symlink("a", r.join("a+link")).unwrap();
        let (fast, stat, tree) = both(r, &[]);
        assert_eq!(fast, tree);
        assert_eq!(stat, tree);
        let text: Vec<String> = fast
            .iter()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        assert_eq!(
            text,
            [
                "a+link", "a-c", "a.b", "a/empty/", "a/x", "a/y.z", "a/y/z", "a0", "ab/c", "b",
                "e./", "e/f/", "empty/"
            ]
        );
    }

    #[test]
    fn excluded_directories_and_exceptions() {
        let tmp = tempfile::tempdir().unwrap();
        let r = tmp.path();
        for f in [
            "keep/a",
            "drop/a",
            "drop/keep.md",
            "drop/sub/keep.md",
            "drop/sub/x",
            "gone/a",
            "gone/b/c",
            "x.pyc",
            "d/x.pyc",
            "d/y.py",
        ] {
            touch(r, f);
        }
        std::fs::create_dir_all(r.join("drop/emptysub")).unwrap();
        std::fs::create_dir_all(r.join("only_pyc")).unwrap();
        touch(r, "only_pyc/z.pyc");
        for patterns in [
            &["drop", "!drop/**/keep.md", "gone", "**/*.pyc"][..],
            &["drop", "!drop/keep.md"][..],
            &["*", "!keep"][..],
            &["**", "!**/"][..],
            &["drop/sub", "!drop/sub/keep.md"][..],
        ] {
            let (fast, stat, tree) = both(r, patterns);
            assert_eq!(fast, tree, "{patterns:?}");
            assert_eq!(stat, tree, "{patterns:?}");
        }
    }
}
