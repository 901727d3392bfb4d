use pristine_ignore::PatternMatcher;

use crate::Rule;
use crate::checkers::context::{ContextChecker, basename, lossy};
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports an ignore-file pattern without a `/` (such as `__pycache__`, `*.pyc`, `.venv`)
    /// while paths of that name are sent from *below* the context root
    /// (`src/app/__pycache__`), and names them.
    ///
    /// Only deeper matches that are junk wherever they are count: bytecode, virtualenvs,
    /// tool caches, VCS and editor directories, build output, `.env` files (not the defaults a
    /// front-end build reads, see `dotenv-file`), editor and OS files. A pattern such as `core`, `tests` or `README.md` usually means the root entry
    /// only (a data directory, the top-level test suite), and `src/core/` is source code, so
    /// such deeper matches are not reported. Paths inside a directory another rule reports
    /// as a whole (`node_modules/…/dist`) and paths below a top-level directory the pattern
    /// does exclude (`*` followed by `!src`) are not reported either.
    ///
    /// ## Why is this bad?
    /// Unlike `.gitignore`, `.dockerignore` patterns are matched against the whole path from
    /// the context root: `__pycache__` excludes only `./__pycache__`, and `*` never crosses a
    /// `/`. Docker's own documentation: with `*.md` and `!README.md`, "markdown files under
    /// subdirectories are still included".
    ///
    /// ## Example
    /// ```text
    /// __pycache__
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// **/__pycache__
    /// ```
    ///
    /// ## Fix safety
    /// The fix rewrites the pattern to `**/<pattern>` when the line is exactly the pattern.
    /// It is safe unless the wider pattern would exclude a path a `COPY`/`ADD` names; then it
    /// is unsafe.
    ///
    /// ## References
    /// - [Build context: .dockerignore files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    /// - moby/patternmatcher `patternmatcher.go` (patterns compile to `^`-anchored regexps)
    pub(crate) struct RootAnchoredIgnorePattern {
        code: "DI004",
        name: "root-anchored-ignore-pattern",
        family: Ignore,
        severity: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "`.dockerignore` pattern that only matches at the context root while deeper matches are sent",
    }
}

pub(crate) fn root_anchored_ignore_pattern(checker: &mut ContextChecker) {
    let ignore = &checker.facts.context.ignore;
    let entries = &checker.facts.context.tree.entries;
    let mut found = Vec::new();
    for p in &ignore.file.patterns {
        let text = p.cleaned();
        if p.exception
            || text.is_empty()
            || text.contains(&b'/')
            || text.starts_with(b"**")
            || text == b"."
            || crate::rules::ignore::ignore_trailing_comment::before_trailing_comment(text)
                .is_some()
        {
            continue;
        }
        let Ok(m) = PatternMatcher::new([text]) else {
            continue;
        };
        let Some(pattern) = m.patterns().first() else {
            continue;
        };
        // Deeper sent paths whose name matches, outermost only.
        let mut hits: Vec<&[u8]> = Vec::new();
        for e in entries {
            if !e.path.contains(&b'/') || !pattern.matches(basename(&e.path)).unwrap_or(false) {
                continue;
            }
            // Below a top-level entry the pattern excludes: sent through a `!` line.
            let top = e.path.split(|&c| c == b'/').next().unwrap_or(&e.path);
            if pattern.matches(top).unwrap_or(false)
                || checker.enclosing_container(&e.path).is_some()
                || !is_junk(checker, e)
            {
                continue;
            }
            if hits
                .last()
                .is_some_and(|h| e.path.starts_with(h) && e.path.get(h.len()) == Some(&b'/'))
            {
                continue;
            }
            hits.push(&e.path);
        }
        if let Some(first) = hits.first() {
            let is_dir = entries
                .binary_search_by(|e| e.path.as_slice().cmp(first))
                .ok()
                .is_some_and(|i| entries[i].kind == pristine_context::EntryKind::Dir);
            let more = if hits.len() > 1 {
                format!(" and {} more", hits.len() - 1)
            } else {
                String::new()
            };
            found.push((
                p.line,
                p.range.clone(),
                lossy(text),
                checker.shown(first, is_dir),
                more,
            ));
        }
    }
    for (line, range, text, first, more) in found {
        let message = format!(
            "line {line}: `{text}` only matches at the context root, so `{first}`{more} below it {} sent",
            if more.is_empty() { "is" } else { "are" }
        );
        let fix = any_depth_fix(checker, &range, &text);
        let mut d = checker
            .ignore_diagnostic(Rule::RootAnchoredIgnorePattern, message, Some(range))
            .with_subject_path(first)
            .with_help(format!("write `**/{text}` to match at any depth"));
        if let Some(fix) = fix
            && d.range.is_some()
        {
            d = d.with_fix(fix);
        }
        checker.report(d);
    }
}

/// The fix: `name` → `**/name`, when the line is exactly the pattern (surrounding blanks
/// kept).
fn any_depth_fix(
    checker: &ContextChecker,
    range: &std::ops::Range<usize>,
    text: &str,
) -> Option<pristine_diagnostics::Fix> {
    let line = std::str::from_utf8(checker.facts.context.ignore.bytes.get(range.clone())?).ok()?;
    let offset = line.find(text)?;
    if line.trim() != text {
        return None;
    }
    let start = range.start + offset;
    checker.ignore_line_fix(&(start..start + text.len()), format!("**/{text}"), false)
}

/// Whether a sent path is something no image wants at any depth.
fn is_junk(checker: &ContextChecker, entry: &pristine_context::Entry) -> bool {
    use crate::rules::context::{dotenv_file, editor_os_junk, tool_cache};
    let name = basename(&entry.path);
    if entry.kind == pristine_context::EntryKind::Dir {
        return checker.containers.contains_key(&entry.path);
    }
    dotenv_file::is_dotenv(name) && !dotenv_file::is_frontend_default(checker, &entry.path)
        || editor_os_junk::is_junk_file(name)
        || tool_cache::is_tool_file(name)
        || name.ends_with(b".pyc")
        || name.ends_with(b".pyo")
}
