//! Which ignore file BuildKit uses (docker-semantics.md §1.1).
//!
//! moby/buildkit `frontend/dockerui/config.go`: the Dockerfile is fetched
//! from a local source rooted at the Dockerfile's directory with
//! `FollowPaths([name, name+".dockerignore", ...])`; if
//! `<Dockerfile>.dockerignore` can be read there, its content (even empty)
//! is used *instead of* `.dockerignore`. Otherwise `.dockerignore` is read
//! from the context root through another local source with
//! `FollowPaths([".dockerignore"])`. Both follow symlinks, but resolved
//! inside the source's root (absolute targets are re-rooted, `..` stops at
//! the root); any read error means "no patterns".

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use crate::issue::{Issue, IssueKind};

/// Which ignore file applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IgnoreFileKind {
    /// `<Dockerfile>.dockerignore` beside the Dockerfile.
    PerDockerfile,
    /// `<context>/.dockerignore`.
    ContextRoot,
    /// None found: nothing is excluded.
    None,
}

/// The ignore file that was used.
#[derive(Debug, Clone)]
pub struct IgnoreSource {
    /// Which one.
    pub kind: IgnoreFileKind,
    /// The path as BuildKit names it (e.g. `<context>/.dockerignore`), if any.
    pub path: Option<PathBuf>,
    /// The file actually read after following symlinks, if any.
    pub resolved: Option<PathBuf>,
    /// Its bytes (empty if none).
    pub bytes: Vec<u8>,
    /// Its parsed patterns (empty if none, or if parsing failed).
    pub file: pristine_ignore::IgnoreFile,
}

/// Upper bound on symlinks followed, like `filepath.EvalSymlinks`' 255.
const MAX_LINKS: usize = 255;

/// Resolves `name` inside `root`, following symlinks without leaving `root`.
/// Returns the resolved path (which may not exist) or `None` on a loop.
pub(crate) fn resolve_in_root(root: &Path, name: &Path) -> Option<PathBuf> {
    let mut todo: Vec<OsString> = components(name);
    todo.reverse();
    let mut resolved: Vec<OsString> = Vec::new();
    let mut links = 0;
    while let Some(c) = todo.pop() {
        match c.as_bytes() {
            b"" | b"." => continue,
            b".." => {
                resolved.pop();
                continue;
            }
            _ => {}
        }
        let mut candidate = root.to_path_buf();
        candidate.extend(&resolved);
        candidate.push(&c);
        match std::fs::symlink_metadata(&candidate) {
            Ok(md) if md.file_type().is_symlink() => {
                links += 1;
                if links > MAX_LINKS {
                    return None;
                }
                let target = std::fs::read_link(&candidate).ok()?;
                if target.is_absolute() {
                    resolved.clear();
                }
                let mut t = components(&target);
                t.reverse();
                todo.extend(t);
            }
            _ => resolved.push(c),
        }
    }
    let mut out = root.to_path_buf();
    out.extend(&resolved);
    Some(out)
}

fn components(p: &Path) -> Vec<OsString> {
    p.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_os_string()),
            Component::ParentDir => Some(OsString::from("..")),
            Component::RootDir | Component::CurDir | Component::Prefix(_) => None,
        })
        .collect()
}

/// Why an existing ignore file is not used: the message, and what it is when it is not a
/// regular file.
type Unusable = (String, Option<&'static str>);

/// Reads `root/name` the way BuildKit's `FollowPaths` local source does.
/// `Err` carries the reason it is unusable (for an info issue), `Err(None)` = missing.
fn read_in_root(root: &Path, name: &Path) -> Result<(PathBuf, Vec<u8>), Option<Unusable>> {
    let direct = root.join(name);
    if std::fs::symlink_metadata(&direct).is_err() {
        return Err(None); // missing
    }
    let resolved = resolve_in_root(root, name)
        .ok_or_else(|| Some((String::from("too many levels of symbolic links"), None)))?;
    let md = std::fs::metadata(&resolved)
        .map_err(|e| Some((format!("{}: {e}", resolved.display()), None)))?;
    if !md.is_file() {
        let what = file_type_name(md.file_type());
        return Err(Some((
            format!("{}: {what}, not a regular file", resolved.display()),
            Some(what),
        )));
    }
    let bytes = std::fs::read(&resolved)
        .map_err(|e| Some((format!("{}: {e}", resolved.display()), None)))?;
    Ok((resolved, bytes))
}

/// What a non-regular file is, with its article.
fn file_type_name(t: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a named pipe"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else {
        "a special file"
    }
}

/// Picks the ignore file for a build of `context_root` with `dockerfile`.
/// Info issues say which candidates were missing or unusable.
pub(crate) fn select(
    context_root: &Path,
    dockerfile: &Path,
    issues: &mut Vec<Issue>,
) -> IgnoreSource {
    let mut candidates: Vec<(IgnoreFileKind, PathBuf, PathBuf)> = Vec::new();
    if let (Some(dir), Some(name)) = (dockerfile.parent(), dockerfile.file_name()) {
        let mut ignore_name = name.to_os_string();
        ignore_name.push(".dockerignore");
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        candidates.push((
            IgnoreFileKind::PerDockerfile,
            dir.to_path_buf(),
            PathBuf::from(ignore_name),
        ));
    }
    candidates.push((
        IgnoreFileKind::ContextRoot,
        context_root.to_path_buf(),
        PathBuf::from(".dockerignore"),
    ));
    for (kind, root, name) in candidates {
        let path = root.join(&name);
        match read_in_root(&root, &name) {
            Ok((resolved, bytes)) => {
                return IgnoreSource {
                    kind,
                    path: Some(path),
                    resolved: Some(resolved),
                    bytes,
                    file: pristine_ignore::IgnoreFile::default(),
                };
            }
            Err(reason) => {
                // A missing per-Dockerfile file is the normal case: say nothing.
                let issue_path = path.as_os_str().as_bytes().to_vec();
                match reason {
                    Some((message, not_a_file)) => issues.push(Issue::new(
                        issue_path,
                        IssueKind::IgnoreFileUnusable {
                            message,
                            not_a_file,
                        },
                    )),
                    None if kind == IgnoreFileKind::ContextRoot => {
                        issues.push(Issue::new(issue_path, IssueKind::IgnoreFileMissing));
                    }
                    None => {}
                }
            }
        }
    }
    IgnoreSource {
        kind: IgnoreFileKind::None,
        path: None,
        resolved: None,
        bytes: Vec::new(),
        file: pristine_ignore::IgnoreFile::default(),
    }
}
