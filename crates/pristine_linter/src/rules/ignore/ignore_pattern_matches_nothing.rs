use std::collections::HashSet;

use crate::Rule;
use crate::checkers::context::{ContextChecker, lossy};
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports ignore-file lines that change nothing in this build context: an exclusion of a
    /// specific nested path (with a `/`, no wildcard) that no path BuildKit looks at matches
    /// (it does not exist, or it is already excluded by an earlier line), and an exception
    /// (`!path`) for a path that does not exist or that re-includes nothing that is sent.
    ///
    /// Protective one-name and wildcard lines (`.venv`, `**/__pycache__`, `*.pyc`, `.git`)
    /// are never reported: keeping them for files that may appear later is good practice.
    /// Nor are nested paths whose last name is output that only a local build or run
    /// creates (`docs/_build`, `frontend/node_modules`, `static/dist`, `app/uploads`): a clean
    /// checkout does not have them, a developer's does. Nor are local files made from a
    /// committed template beside them (`config/config.yml` next to `config/config.example.yml`,
    /// `config.yml.sample`, `config-dist.yml`, …).
    /// Lines with a trailing comment are reported by `ignore-trailing-comment` instead.
    ///
    /// ## Why is this bad?
    /// A line that matches nothing is often a typo or a path that moved, and the files it was
    /// meant to keep out are sent.
    ///
    /// ## Example
    /// ```text
    /// services/api/venv
    /// ```
    /// when the environment is `services/api/.venv/`.
    ///
    /// Use instead:
    /// ```text
    /// services/api/.venv
    /// ```
    ///
    /// ## References
    /// - [Build context: .dockerignore files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    pub(crate) struct IgnorePatternMatchesNothing {
        code: "DI005",
        name: "ignore-pattern-matches-nothing",
        family: Ignore,
        severity: Info,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "`.dockerignore` line that matches nothing in the context",
    }
}

pub(crate) fn has_glob(text: &[u8]) -> bool {
    text.iter().any(|c| matches!(c, b'*' | b'?' | b'[' | b'\\'))
}

/// Names of directories that a local build, test run or the running app creates, and that a
/// clean checkout lacks.
fn is_local_output(name: &[u8]) -> bool {
    matches!(
        name,
        b"_build"
            | b"build"
            | b"dist"
            | b"node_modules"
            | b"bower_components"
            | b".cache"
            | b".tmp"
            | b"tmp"
            | b"cover"
            | b"coverage"
            | b"htmlcov"
            | b".git"
            | b"uploads"
            | b"logs"
            | b".next"
    )
}

/// `root-anchored-ignore-pattern` reports it instead.
fn root_only_with_deeper_matches(checker: &ContextChecker, text: &[u8]) -> bool {
    if text.contains(&b'/') || text.starts_with(b"**") {
        return false;
    }
    let Ok(m) = pristine_ignore::PatternMatcher::new([text]) else {
        return false;
    };
    let Some(pattern) = m.patterns().first() else {
        return false;
    };
    checker.facts.context.tree.entries.iter().any(|e| {
        e.path.contains(&b'/')
            && pattern
                .matches(crate::checkers::context::basename(&e.path))
                .unwrap_or(false)
    })
}

/// Whether `path` (absent) is a local file made from a committed template beside it:
/// `config/config.yml` next to `config/config.example.yml` (or `config.yml.example`,
/// `config.sample.yml`, `config.yml.dist`, …). Excluding it before anyone creates it is
/// protective, like `.venv` (seen in the corpus: father-bot's `config/config.yml` and
/// `config/config.env`).
fn made_from_template(checker: &ContextChecker, path: &[u8]) -> bool {
    const MARKERS: &[&[u8]] = &[
        b"example",
        b"sample",
        b"template",
        b"dist",
        b"tpl",
        b"default",
    ];
    let name = crate::checkers::context::basename(path);
    let dir = &path[..path.len() - name.len()];
    let (stem, ext) = match name.iter().rposition(|&c| c == b'.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, &b""[..]),
    };
    MARKERS.iter().any(|marker| {
        let mut candidates = vec![
            [dir, name, b".", marker].concat(),
            [dir, stem, b".", marker, ext].concat(),
            [dir, stem, b"-", marker, ext].concat(),
            [dir, stem, b"_", marker, ext].concat(),
        ];
        candidates.dedup();
        candidates
            .iter()
            .any(|c| checker.facts.content.stat(c) == Some(false))
    })
}

pub(crate) fn ignore_pattern_matches_nothing(checker: &mut ContextChecker) {
    let ignore = &checker.facts.context.ignore;
    let used: HashSet<usize> = checker
        .facts
        .context
        .tree
        .stats
        .by_pattern
        .iter()
        .filter(|s| s.files > 0 || s.dirs_pruned > 0)
        .map(|s| s.pattern)
        .collect();
    let effective = checker.effective_exceptions().clone();
    let mut found = Vec::new();
    for (index, p) in ignore.file.patterns.iter().enumerate() {
        let text = p.cleaned();
        if text.is_empty()
            || crate::rules::ignore::ignore_trailing_comment::before_trailing_comment(text)
                .is_some()
        {
            continue;
        }
        let message = if p.exception {
            if effective.contains(&index) {
                continue;
            }
            if has_glob(text) {
                format!(
                    "line {}: `!{}` re-includes nothing that is sent",
                    p.line,
                    lossy(text)
                )
            } else if checker.facts.content.stat(text).is_some() {
                // Exists but not re-included: `ineffective-ignore-exception` explains it.
                continue;
            } else {
                format!(
                    "line {}: `!{}` re-includes nothing: `{}` does not exist",
                    p.line,
                    lossy(text),
                    lossy(text)
                )
            }
        } else {
            // Protective lines (`.venv`, `**/__pycache__`, `*.pyc`, `.git`) that match nothing
            // today are good practice; only a specific nested path that is not there is
            // likely a typo or a path that moved.
            if used.contains(&index)
                || root_only_with_deeper_matches(checker, text)
                || has_glob(text)
                || !text.contains(&b'/')
                || is_local_output(crate::checkers::context::basename(text))
                || made_from_template(checker, text)
            {
                continue;
            }
            if has_glob(text) || checker.facts.content.stat(text).is_none() {
                format!(
                    "line {}: `{}` excludes nothing: no path in the context that BuildKit looks at matches it",
                    p.line,
                    lossy(text)
                )
            } else {
                format!(
                    "line {}: `{}` excludes nothing: `{}` is already excluded by an earlier line",
                    p.line,
                    lossy(text),
                    lossy(text)
                )
            }
        };
        found.push((message, p.range.clone()));
    }
    for (message, range) in found {
        let d = checker.ignore_diagnostic(Rule::IgnorePatternMatchesNothing, message, Some(range));
        checker.report(d);
    }
}
