//! The build context: which files Docker sends, and build discovery.
//!
//! [`compute`] reproduces what modern BuildKit (buildx / docker CLI ≥ 23)
//! sends for `docker build [-f DOCKERFILE] DIR`: it picks the ignore file
//! like BuildKit's `dockerui` frontend ([`IgnoreSource`]), parses and
//! validates the patterns like BuildKit does (failing where BuildKit fails,
//! see [`ContextError`]), then walks the directory like fsutil's
//! `filterFS.Walk`, in parallel.
//!
//! ```no_run
//! use pristine_context::{ContextOptions, compute};
//!
//! let ctx = compute(&ContextOptions::new("path/to/project"))?;
//! // `pristine context --list`
//! for path in ctx.tree.list() {
//!     println!("{}", String::from_utf8_lossy(&path));
//! }
//! // Which ignore file was used, and what each pattern saved.
//! println!("{:?} {:?}", ctx.ignore.kind, ctx.ignore.path);
//! for saving in &ctx.tree.stats.by_pattern {
//!     let pattern = &ctx.ignore.file.patterns[saving.pattern];
//!     println!("line {}: {} files excluded", pattern.line, saving.files);
//! }
//! // `pristine context --why PATH`
//! let why = ctx.why(b".venv/lib/site.py")?;
//! println!("sent: {}", why.sent);
//! # Ok::<(), pristine_context::ContextError>(())
//! ```
//!
//! Main entry points: [`compute`] → [`Context`] (with [`Context::why`]),
//! [`ContextTree::list`], [`list_sent`] for `--list` alone, and [`why`] / [`explain`] for a
//! `--why` without a full walk.

pub mod discover;
mod ignore_source;
mod issue;
mod listing;
mod tree;
mod walk;

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use pristine_ignore::{Explanation, IgnoreFile, PatternMatcher};

pub use ignore_source::{IgnoreFileKind, IgnoreSource};
pub use issue::{ContextError, Issue, IssueKind, Severity};
pub use listing::Listing;
pub use tree::{ContextTree, Entry, EntryKind, PathTotals, PatternSavings, Stats};

/// What to compute.
#[derive(Debug, Clone, Default)]
pub struct ContextOptions {
    /// The context directory (`docker build DIR`); may be a symlink.
    pub context_dir: PathBuf,
    /// The Dockerfile (`-f`); `None` means `<context_dir>/Dockerfile`. Only
    /// used to find a `<Dockerfile>.dockerignore` beside it.
    pub dockerfile: Option<PathBuf>,
    /// Also walk the directories BuildKit prunes, to report how many files
    /// and bytes each pattern keeps out (slower: it reads what BuildKit
    /// skips). Without it, pruned directories are only counted.
    pub measure_excluded: bool,
}

impl ContextOptions {
    /// Options for `docker build DIR` with the default Dockerfile.
    pub fn new(context_dir: impl Into<PathBuf>) -> Self {
        ContextOptions {
            context_dir: context_dir.into(),
            ..ContextOptions::default()
        }
    }
}

/// The computed context.
#[derive(Debug, Clone)]
pub struct Context {
    /// The context directory with symlinks resolved (what BuildKit walks).
    pub root: PathBuf,
    /// The ignore file used.
    pub ignore: IgnoreSource,
    /// The compiled patterns (`None` when there are none).
    pub matcher: Option<PatternMatcher>,
    /// What is sent, with statistics and issues (ignore-file issues included).
    pub tree: ContextTree,
}

/// Computes the build context BuildKit would send.
pub fn compute(opts: &ContextOptions) -> Result<Context, ContextError> {
    let (root, mut ignore, issues) = select(opts)?;
    let matcher = prepare_matcher(&mut ignore)?;
    walk_context(opts, root, ignore, matcher, issues)
}

/// What `pristine context --list` prints, without computing a [`ContextTree`]: the same walk
/// and decisions as [`compute`], keeping only the names that are sent (see [`Listing`]). When
/// this process runs as root (which reads every file of a local file system, so nothing can be
/// unreadable) entries are not `stat`ed: their type comes from the directory entry.
pub fn list_sent(opts: &ContextOptions) -> Result<Listing, ContextError> {
    let (root, mut ignore, mut issues) = select(opts)?;
    let matcher = prepare_matcher(&mut ignore)?;
    let (nodes, mut walk_issues) = listing::walk(&root, matcher.as_ref(), walk::running_as_root())
        .map_err(|e| bad_pattern(matcher.as_ref(), e))?;
    issues.append(&mut walk_issues);
    Ok(Listing::new(root, ignore, issues, nodes))
}

/// [`compute`] as if the ignore file held `ignore_bytes`: the file BuildKit would select, or
/// `<context>/.dockerignore` when there is none. Used by `--fix` to lint an ignore file's
/// fixed text before (or without) writing it.
pub fn compute_with_ignore(
    opts: &ContextOptions,
    ignore_bytes: &[u8],
) -> Result<Context, ContextError> {
    let (root, mut ignore, mut issues) = select(opts)?;
    issues.retain(|i| !matches!(i.kind, IssueKind::IgnoreFileMissing));
    if ignore.kind == IgnoreFileKind::None {
        ignore.kind = IgnoreFileKind::ContextRoot;
        ignore.path = Some(root.join(".dockerignore"));
    }
    ignore.bytes = ignore_bytes.to_vec();
    let matcher = prepare_matcher(&mut ignore)?;
    walk_context(opts, root, ignore, matcher, issues)
}

/// The ignore file BuildKit would use for `opts` (without parsing or walking anything), with
/// the issues met while looking for it. Used to point at the offending line when [`compute`]
/// fails because of a pattern.
pub fn select_ignore_file(
    opts: &ContextOptions,
) -> Result<(IgnoreSource, Vec<Issue>), ContextError> {
    let (_, mut ignore, issues) = select(opts)?;
    // The line structure is wanted even when a later step fails; a read error (a line over
    // 64 KiB) leaves the pattern list empty.
    ignore.file = IgnoreFile::parse(&ignore.bytes).unwrap_or_default();
    Ok((ignore, issues))
}

/// What every entry point starts with: the resolved context root and the ignore file BuildKit
/// selects for the Dockerfile (unparsed), with the issues met finding them.
fn select(opts: &ContextOptions) -> Result<(PathBuf, IgnoreSource, Vec<Issue>), ContextError> {
    let root = resolve_root(&opts.context_dir)?;
    let dockerfile = opts
        .dockerfile
        .clone()
        .unwrap_or_else(|| root.join("Dockerfile"));
    let mut issues = Vec::new();
    let ignore = ignore_source::select(&root, &dockerfile, &mut issues);
    Ok((root, ignore, issues))
}

/// The tree walk of [`compute`] and [`compute_with_ignore`]; `issues` (from [`select`]) come
/// before the walk's own.
fn walk_context(
    opts: &ContextOptions,
    root: PathBuf,
    ignore: IgnoreSource,
    matcher: Option<PatternMatcher>,
    mut issues: Vec<Issue>,
) -> Result<Context, ContextError> {
    let mut tree = walk::walk(&root, matcher.as_ref(), opts.measure_excluded)
        .map_err(|e| bad_pattern(matcher.as_ref(), e))?;
    issues.append(&mut tree.issues);
    tree.issues = issues;
    Ok(Context {
        root,
        ignore,
        matcher,
        tree,
    })
}

/// `fsutil.NewFS`: `filepath.EvalSymlinks`, then it must be a directory.
fn resolve_root(dir: &Path) -> Result<PathBuf, ContextError> {
    let root = std::fs::canonicalize(dir).map_err(|source| ContextError::ContextDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let md = std::fs::metadata(&root).map_err(|source| ContextError::ContextDir {
        path: dir.to_path_buf(),
        source,
    })?;
    if !md.is_dir() {
        return Err(ContextError::ContextDir {
            path: dir.to_path_buf(),
            source: std::io::Error::from(std::io::ErrorKind::NotADirectory),
        });
    }
    Ok(root)
}

/// Parses the ignore file and builds the matcher, in BuildKit's order:
/// frontend parse, gRPC transfer of the patterns, `patternmatcher.New`.
/// The error of a pattern whose regexp failed while matching `path` (the walks report the
/// index into the compiled patterns; the error names the ignore file's pattern).
fn bad_pattern(matcher: Option<&PatternMatcher>, (index, path): (usize, Vec<u8>)) -> ContextError {
    let pattern = matcher.map_or(index, |m| m.patterns()[index].source_index());
    ContextError::BadPattern { pattern, path }
}

fn prepare_matcher(ignore: &mut IgnoreSource) -> Result<Option<PatternMatcher>, ContextError> {
    ignore.file =
        IgnoreFile::parse(&ignore.bytes).map_err(|source| ContextError::IgnoreFileParse {
            path: ignore.path.clone().unwrap_or_default(),
            source,
        })?;
    let patterns = &ignore.file.patterns;
    if patterns.is_empty() {
        return Ok(None);
    }
    // BuildKit >= v0.12 (session/filesync): patterns travel as gRPC metadata;
    // if any is non-ASCII all are URL-encoded, otherwise grpc-go refuses
    // control characters.
    let non_ascii = patterns
        .iter()
        .any(|p| p.pattern.iter().any(|&c| c >= 0x80));
    if !non_ascii
        && let Some(i) = patterns
            .iter()
            .position(|p| p.pattern.iter().any(|&c| c < 0x20 || c == 0x7F))
    {
        return Err(ContextError::PatternHeader { pattern: i });
    }
    PatternMatcher::from_ignore_file(&ignore.file)
        .map(Some)
        .map_err(|source| {
            let list: Vec<String> = patterns
                .iter()
                .map(|p| String::from_utf8_lossy(&p.pattern).into_owned())
                .collect();
            ContextError::InvalidPatterns {
                patterns: list.join(" "),
                source,
            }
        })
}

/// The answer to `pristine context --why PATH`.
#[derive(Debug, Clone)]
pub struct Why {
    /// The path asked about, cleaned, relative to the context root.
    pub path: Vec<u8>,
    /// Whether it exists in the context directory (as the walker sees it: every ancestor a
    /// directory, not a symlink to one).
    pub exists: bool,
    /// Why its existence could not be checked (the OS error, e.g. a parent directory this
    /// process cannot search, or a path longer than `PATH_MAX`); `exists` is then `false`.
    pub unchecked: Option<String>,
    /// Whether it is a directory (not following symlinks).
    pub is_dir: bool,
    /// Whether BuildKit sends it.
    pub sent: bool,
    /// The walk replayed down to the path (`None` without patterns).
    pub explanation: Option<Explanation>,
    /// Index into the ignore file's patterns of the pattern that decided it
    /// (for a path in a pruned directory: the one that excluded that directory).
    pub deciding_pattern: Option<usize>,
    /// The ancestor directory BuildKit never enters, if that is why.
    pub pruned_at: Option<Vec<u8>>,
    /// For an excluded directory the walker enters: sent anyway because
    /// something below it is re-included.
    pub sent_as_parent: bool,
}

/// Explains whether and why BuildKit sends `path` (relative to the context
/// root, `/`-separated), without walking: works for paths inside pruned
/// directories. For an excluded directory that the walker enters, `sent`
/// is only known with a walk; this reports it as not sent — use
/// [`Context::why`] for the exact answer.
pub fn explain(root: &Path, ignore: &IgnoreSource, path: &[u8]) -> Result<Why, ContextError> {
    let mut ignore = ignore.clone();
    let matcher = prepare_matcher(&mut ignore)?;
    explain_with(root, matcher.as_ref(), &ignore, path)
}

fn explain_with(
    root: &Path,
    matcher: Option<&PatternMatcher>,
    ignore: &IgnoreSource,
    path: &[u8],
) -> Result<Why, ContextError> {
    let trailing_slash = path.ends_with(b"/");
    let mut clean = pristine_ignore::go::clean(path);
    if clean.first() == Some(&b'/') {
        clean.remove(0);
    }
    if clean == b"." {
        clean.clear();
    }
    let (md, unchecked) = match lookup(root, &clean) {
        Ok(md) => (md, None),
        Err(e) => (None, Some(e.to_string())),
    };
    let exists = md.is_some();
    let is_dir = md
        .as_ref()
        .map_or(trailing_slash, std::fs::Metadata::is_dir);
    let Some(m) = matcher else {
        return Ok(Why {
            path: clean,
            exists,
            unchecked,
            is_dir,
            sent: exists,
            explanation: None,
            deciding_pattern: None,
            pruned_at: None,
            sent_as_parent: false,
        });
    };
    let e = m
        .explain(&clean, is_dir)
        .map_err(|err| ContextError::BadPattern {
            pattern: m.patterns()[err.pattern].source_index(),
            path: clean.clone(),
        })?;
    let _ = ignore;
    let step = e.deciding_step();
    let deciding_pattern = step
        .and_then(|s| s.decision.decided_by)
        .map(|i| m.patterns()[i].source_index());
    let pruned_at = if e.reached {
        None
    } else {
        step.map(|s| s.path.clone())
    };
    Ok(Why {
        sent: exists && !e.excluded(),
        path: clean,
        exists,
        unchecked,
        is_dir,
        explanation: Some(e),
        deciding_pattern,
        pruned_at,
        sent_as_parent: false,
    })
}

/// The entry at `rel` (cleaned, relative) as BuildKit's walker would find it: `Ok(None)` when
/// it does not exist there, also when an ancestor is not a directory (a symlink to one is not
/// followed: fsutil sends the link, never what is below it); `Err` when the lookup itself
/// fails (the OS error: an ancestor that cannot be searched, a name over `PATH_MAX`).
fn lookup(root: &Path, rel: &[u8]) -> std::io::Result<Option<std::fs::Metadata>> {
    let mut end = 0;
    loop {
        let next = rel
            .get(end..)
            .and_then(|rest| rest.iter().position(|&c| c == b'/'))
            .map(|i| end + i);
        let prefix = rel.get(..next.unwrap_or(rel.len())).unwrap_or(rel);
        let md = match std::fs::symlink_metadata(root.join(std::ffi::OsStr::from_bytes(prefix))) {
            Ok(md) => md,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        match next {
            None => return Ok(Some(md)),
            Some(_) if !md.is_dir() => return Ok(None),
            Some(i) => end = i + 1,
        }
    }
}

/// `pristine context --why PATH` (see [`Why`]) without walking the whole context: the
/// decision for a path only depends on its own and its ancestors' matches
/// (`MatchesUsingParentResults`, as the walker evaluates them), on what the path is, and — for
/// an excluded directory the walker enters — on whether anything below it is sent, which walks
/// that directory alone. Same answer as [`Context::why`] of [`compute`]. `path` gives the path
/// to explain (relative to the context root, `/`-separated) from the resolved root. `Err` is
/// what [`compute`] fails with; [`WhyAnswer::why`] holds what [`Context::why`] fails with.
pub fn why(
    opts: &ContextOptions,
    path: impl FnOnce(&Path) -> Vec<u8>,
) -> Result<WhyAnswer, ContextError> {
    let root = resolve_root(&opts.context_dir)?;
    let dockerfile = opts
        .dockerfile
        .clone()
        .unwrap_or_else(|| root.join("Dockerfile"));
    let mut ignore = ignore_source::select(&root, &dockerfile, &mut Vec::new());
    let matcher = prepare_matcher(&mut ignore)?;
    let path = path(&root);
    if let Some(m) = &matcher
        && m.patterns()
            .iter()
            .any(pristine_ignore::Pattern::is_invalid)
    {
        // Go reports a pattern whose regexp does not compile at its first evaluation, on
        // whichever entry the walk meets first, and BuildKit fails the build: only the walk
        // knows whether and where that happens.
        let ctx = compute(opts)?;
        let why = ctx.why(&path);
        return Ok(WhyAnswer {
            root: ctx.root,
            ignore: ctx.ignore,
            why,
        });
    }
    let why = explain_with(&root, matcher.as_ref(), &ignore, &path).and_then(|mut why| {
        if let Some(m) = &matcher
            && why.exists
            && !why.sent
            && why.is_dir
            && why.pruned_at.is_none()
            && listing::sends_below(&root, &why.path, m, walk::running_as_root()).map_err(
                |(index, path)| ContextError::BadPattern {
                    pattern: m
                        .patterns()
                        .get(index)
                        .map_or(index, pristine_ignore::Pattern::source_index),
                    path,
                },
            )?
        {
            why.sent = true;
            why.sent_as_parent = true;
        }
        Ok(why)
    });
    Ok(WhyAnswer { root, ignore, why })
}

/// What [`why`] returns: the answer and what it was computed against.
#[derive(Debug)]
pub struct WhyAnswer {
    /// The context directory with symlinks resolved.
    pub root: PathBuf,
    /// The ignore file used.
    pub ignore: IgnoreSource,
    /// The answer, or why the pattern evaluation fails (BuildKit then fails the build).
    pub why: Result<Why, ContextError>,
}

impl Context {
    /// Explains whether and why `path` is sent (see [`explain`]); exact for
    /// excluded directories that are sent because of re-included contents.
    pub fn why(&self, path: &[u8]) -> Result<Why, ContextError> {
        let mut why = explain_with(&self.root, self.matcher.as_ref(), &self.ignore, path)?;
        if why.exists && !why.sent && why.is_dir && why.pruned_at.is_none() {
            let found = self
                .tree
                .entries
                .binary_search_by(|e| e.path.as_slice().cmp(&why.path))
                .is_ok();
            if found {
                why.sent = true;
                why.sent_as_parent = true;
            }
        }
        Ok(why)
    }
}
