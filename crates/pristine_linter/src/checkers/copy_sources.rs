//! Which context paths a `COPY`/`ADD` copies, as BuildKit resolves its sources.
//!
//! BuildKit (dockerfile2llb `dispatchCopy`) makes every source relative to the context root
//! (`/app`, `./app` and `app` are the same), and with wildcards resolves each path component
//! with Go's `filepath.Match` (fsutil `copy.ResolveWildcards`): `*` and `?` never cross `/`.
//! A source naming a directory copies everything below it.

use pristine_diagnostics::TextRange;
use pristine_dockerfile::{Base, Command, CopySource, Dockerfile, Source, Stages};
use pristine_ignore::PatternMatcher;

/// One source of a context `COPY`/`ADD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CopySrc {
    /// A plain path, cleaned, relative to the context root (`""` is the root itself).
    Literal(Vec<u8>),
    /// A path with `*`, `?` or `[`: matched component by component.
    Glob(Vec<Vec<u8>>),
}

/// A `COPY`/`ADD` from the build context in a stage that reaches the built image.
#[derive(Debug, Clone)]
pub(crate) struct ContextCopy {
    /// Index into [`Dockerfile::instructions`].
    pub(crate) instruction: usize,
    /// `COPY` or `ADD` as written.
    pub(crate) keyword: String,
    /// The whole instruction.
    pub(crate) range: TextRange,
    /// 1-based line.
    pub(crate) line: u32,
    /// Sources BuildKit takes from the context (URLs, heredocs and sources with unexpanded
    /// variables are left out).
    pub(crate) sources: Vec<(CopySrc, TextRange)>,
    /// `--exclude` patterns.
    excludes: Option<PatternMatcher>,
}

impl ContextCopy {
    /// Does this instruction copy `path` (or, for a directory, something inside it)?
    pub(crate) fn copies(&self, path: &[u8]) -> bool {
        let hit = self.sources.iter().any(|(src, _)| source_covers(src, path));
        hit && !self
            .excludes
            .as_ref()
            .is_some_and(|m| m.matches_or_parent_matches(path).unwrap_or(false))
    }

    /// Does some source name `path` or a path inside it explicitly (not through `.` or an
    /// ancestor)? Then copying it is deliberate.
    pub(crate) fn names(&self, path: &[u8]) -> bool {
        self.sources.iter().any(|(src, _)| match src {
            CopySrc::Literal(s) => !s.is_empty() && (s == path || is_below(s, path)),
            CopySrc::Glob(components) => {
                let depth = path.split(|&c| c == b'/').count();
                components.len() >= depth && glob_covers(components, path)
            }
        })
    }
}

fn is_below(path: &[u8], dir: &[u8]) -> bool {
    dir.is_empty() || (path.len() > dir.len() && path.starts_with(dir) && path[dir.len()] == b'/')
}

fn source_covers(src: &CopySrc, path: &[u8]) -> bool {
    match src {
        // The source is the path, an ancestor of it, or something inside it.
        CopySrc::Literal(s) => s == path || is_below(path, s) || is_below(s, path),
        CopySrc::Glob(components) => glob_covers(components, path),
    }
}

/// Component-wise match over the common depth: the glob names the path, an ancestor, or
/// something inside it.
fn glob_covers(components: &[Vec<u8>], path: &[u8]) -> bool {
    components
        .iter()
        .zip(path.split(|&c| c == b'/'))
        .all(|(pattern, name)| go_match(pattern, name))
}

/// Go `filepath.Match` for one path component (no `/` in `name`); bytes, not runes, so `?`
/// matches one byte of a multi-byte character. A malformed pattern matches nothing, as
/// BuildKit then fails the copy.
pub(crate) fn go_match(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0usize, 0usize);
    // Backtracking point for the last `*`: (pattern index after it, name index).
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p < pattern.len() {
            match pattern[p] {
                b'*' => {
                    star = Some((p + 1, n));
                    p += 1;
                    continue;
                }
                b'?' if n < name.len() => {
                    p += 1;
                    n += 1;
                    continue;
                }
                b'[' if n < name.len() => {
                    if let Some((matched, next)) = class_match(&pattern[p..], name[n]) {
                        if matched {
                            p += next;
                            n += 1;
                            continue;
                        }
                    } else {
                        return false;
                    }
                }
                b'\\' if n < name.len() && pattern.get(p + 1) == Some(&name[n]) => {
                    p += 2;
                    n += 1;
                    continue;
                }
                c if n < name.len() && c == name[n] && c != b'?' && c != b'[' && c != b'\\' => {
                    p += 1;
                    n += 1;
                    continue;
                }
                _ => {}
            }
        } else if n == name.len() {
            return true;
        }
        match star {
            Some((sp, sn)) if sn < name.len() => {
                star = Some((sp, sn + 1));
                p = sp;
                n = sn + 1;
            }
            _ => return false,
        }
    }
}

/// `[...]` at the start of `pattern`: whether `c` matches, and the class length. `None` for a
/// malformed class.
fn class_match(pattern: &[u8], c: u8) -> Option<(bool, usize)> {
    let mut i = 1;
    let negated = pattern.get(i) == Some(&b'^');
    if negated {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let &b = pattern.get(i)?;
        if b == b']' && !first {
            i += 1;
            break;
        }
        first = false;
        let (lo, after) = class_char(pattern, i)?;
        i = after;
        let mut hi = lo;
        if pattern.get(i) == Some(&b'-') && pattern.get(i + 1) != Some(&b']') {
            let (h, after) = class_char(pattern, i + 1)?;
            hi = h;
            i = after;
        }
        if lo <= c && c <= hi {
            matched = true;
        }
    }
    Some((matched != negated, i))
}

fn class_char(pattern: &[u8], i: usize) -> Option<(u8, usize)> {
    match *pattern.get(i)? {
        b'\\' => pattern.get(i + 1).map(|&c| (c, i + 2)),
        b'-' | b']' => None,
        c => Some((c, i + 1)),
    }
}

fn has_wildcards(s: &[u8]) -> bool {
    s.iter().any(|c| matches!(c, b'*' | b'?' | b'['))
}

/// A source as BuildKit takes it from the context: cleaned, made relative to the root.
pub(crate) fn context_source(raw: &str) -> Option<CopySrc> {
    if raw.contains('$') || raw.contains("://") || raw.starts_with("git@") {
        return None;
    }
    let mut clean = pristine_ignore::go::clean(raw.as_bytes());
    while clean.first() == Some(&b'/') {
        clean.remove(0);
    }
    if clean == b"." || clean == b".." || clean.starts_with(b"../") {
        clean.clear();
    }
    Some(if has_wildcards(&clean) {
        CopySrc::Glob(clean.split(|&c| c == b'/').map(<[u8]>::to_vec).collect())
    } else {
        CopySrc::Literal(clean)
    })
}

/// The stages BuildKit builds for `target` (default: the last stage): the target, its bases
/// and every stage it copies from, transitively (dockerfile2llb `allReachableStages`).
pub(crate) fn reaching_stages(stages: &Stages, target: Option<&str>) -> Vec<usize> {
    let start = target
        .and_then(|t| stages.by_name(t).map(|s| s.index))
        .or_else(|| stages.stages.len().checked_sub(1));
    let mut seen = vec![false; stages.stages.len()];
    let mut todo: Vec<usize> = start.into_iter().collect();
    while let Some(i) = todo.pop() {
        let Some(stage) = stages.stages.get(i) else {
            continue;
        };
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        if let Base::Stage(b) = stage.base {
            todo.push(b);
        }
        for edge in &stage.copy_from {
            if let CopySource::Stage(s) = edge.source {
                todo.push(s);
            }
        }
    }
    seen.iter()
        .enumerate()
        .filter_map(|(i, &s)| s.then_some(i))
        .collect()
}

/// Every `COPY`/`ADD` from the context in the stages that are built.
pub(crate) fn context_copies(dockerfile: &Dockerfile, target: Option<&str>) -> Vec<ContextCopy> {
    let stages = dockerfile.stages();
    let mut out = Vec::new();
    for index in reaching_stages(&stages, target) {
        let stage = &stages.stages[index];
        for &i in &stage.instructions {
            let Some(instruction) = dockerfile.instructions.get(i) else {
                continue;
            };
            let (sources, excludes) = match &instruction.command {
                Some(Command::Copy(c)) if c.from.is_none() => (&c.sources, &c.excludes),
                Some(Command::Add(a)) => (&a.sources, &a.excludes),
                _ => continue,
            };
            let sources = sources
                .iter()
                .filter_map(|s| match s {
                    Source::Path(p) => context_source(&p.value).map(|c| (c, p.range)),
                    Source::Heredoc { .. } => None,
                })
                .collect::<Vec<_>>();
            if sources.is_empty() {
                continue;
            }
            let excludes = if excludes.is_empty() {
                None
            } else {
                PatternMatcher::new(excludes.iter().map(|e| e.value.as_bytes())).ok()
            };
            out.push(ContextCopy {
                instruction: i,
                keyword: instruction.node.keyword.value.to_uppercase(),
                range: instruction.node.range,
                line: instruction.node.start_line,
                sources,
                excludes,
            });
        }
    }
    out.sort_by_key(|c| c.instruction);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_match_cases() {
        assert!(go_match(b"*.txt", b"a.txt"));
        assert!(!go_match(b"*.txt", b"a.txt.bak"));
        assert!(go_match(b"requirements*.txt", b"requirements-dev.txt"));
        assert!(go_match(b"a?c", b"abc"));
        assert!(go_match(b"[a-c]x", b"bx"));
        assert!(!go_match(b"[^a-c]x", b"bx"));
        assert!(go_match(b"\\*", b"*"));
        assert!(!go_match(b"[", b"a"));
        assert!(go_match(b"*", b""));
        assert!(go_match(b"a*b*c", b"axxbyyc"));
    }

    #[test]
    fn sources() {
        let dot = context_source(".").unwrap();
        let copy = ContextCopy {
            instruction: 0,
            keyword: "COPY".into(),
            range: TextRange::default(),
            line: 1,
            sources: vec![(dot, TextRange::default())],
            excludes: None,
        };
        assert!(copy.copies(b".venv/bin/python"));
        assert!(!copy.names(b".venv"));
        let src = context_source("./src/").unwrap();
        assert_eq!(src, CopySrc::Literal(b"src".to_vec()));
        assert!(source_covers(&src, b"src/a/__pycache__"));
        assert!(!source_covers(&src, b"srcx"));
        let glob = context_source("/app/*.py").unwrap();
        assert!(source_covers(&glob, b"app/x.py"));
        assert!(source_covers(&glob, b"app"));
        assert!(!source_covers(&glob, b"lib/x.py"));
        assert_eq!(context_source("$HOME/x"), None);
    }
}
