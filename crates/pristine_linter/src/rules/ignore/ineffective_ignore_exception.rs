use std::collections::HashSet;

use crate::Rule;
use crate::checkers::context::{ContextChecker, lossy};
use crate::registry::declare_rule;
use crate::rules::ignore::ignore_pattern_matches_nothing::has_glob;

declare_rule! {
    /// ## What it does
    /// Reports an exception (`!path`) for a path that exists but stays excluded: a later line
    /// excludes it again (the last matching line wins), or BuildKit never enters the
    /// directory above it. Decided with BuildKit's walker semantics (fsutil
    /// `filterFS.Walk`, `MatchesUsingParentResults` and its directory pruning).
    ///
    /// ## Why is this bad?
    /// The file the line was written to keep is not sent; a `COPY` of it fails with
    /// `"/path": not found`, or the image silently lacks it.
    ///
    /// ## Example
    /// ```text
    /// !README.md
    /// *.md
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// *.md
    /// !README.md
    /// ```
    ///
    /// ## References
    /// - [Build context: .dockerignore files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    /// - tonistiigi/fsutil `filter.go`; moby/patternmatcher `patternmatcher.go`
    pub(crate) struct IneffectiveIgnoreException {
        code: "DI006",
        name: "ineffective-ignore-exception",
        family: Ignore,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "`.dockerignore` exception that cannot take effect",
    }
}

/// Indices (into the ignore file's patterns) of the exceptions that decide some sent path.
/// The ignore-file patterns (by index) of the exceptions that re-include some sent path
/// (`MatchesOrParentMatches` of the path is decided by them). Computed once per context by
/// [`ContextChecker::effective_exceptions`], which both DI rules read.
pub(crate) fn effective_exceptions(checker: &ContextChecker) -> HashSet<usize> {
    let mut out = HashSet::new();
    let Some(m) = checker.facts.context.matcher.as_ref() else {
        return out;
    };
    if !m.exclusions() {
        return out;
    }
    for e in &checker.facts.context.tree.entries {
        // Most paths are below no exception: skip evaluating every pattern for them.
        if !m.exception_may_match_or_parent(&e.path) {
            continue;
        }
        if let Ok(d) = m.decide_or_parent_matches(&e.path)
            && !d.excluded
            && let Some(i) = d.decided_by
            && let Some(p) = m.patterns().get(i)
        {
            out.insert(p.source_index());
        }
    }
    out
}

pub(crate) fn ineffective_ignore_exception(checker: &mut ContextChecker) {
    let Some(m) = checker.facts.context.matcher.as_ref() else {
        return;
    };
    let ignore = &checker.facts.context.ignore;
    let effective = checker.effective_exceptions().clone();
    let mut found = Vec::new();
    for (index, p) in ignore.file.patterns.iter().enumerate() {
        let text = p.cleaned();
        if !p.exception || effective.contains(&index) || text.is_empty() || has_glob(text) {
            continue;
        }
        let Some(is_dir) = checker.facts.content.stat(text) else {
            continue;
        };
        let Ok(explanation) = m.explain(text, is_dir) else {
            continue;
        };
        let Some(step) = explanation.deciding_step() else {
            continue;
        };
        let Some(by) = step
            .decision
            .decided_by
            .and_then(|i| m.patterns().get(i))
            .map(pristine_ignore::Pattern::source_index)
        else {
            continue;
        };
        let Some(decider) = ignore.file.patterns.get(by) else {
            continue;
        };
        let reason = if !explanation.reached {
            format!(
                "BuildKit never enters `{}/`, which line {} (`{}`) excludes",
                lossy(&step.path),
                decider.line,
                lossy(decider.cleaned())
            )
        } else if step.decision.excluded && by > index {
            format!(
                "line {} (`{}`), later in the file, excludes it again: the last matching line wins",
                decider.line,
                lossy(decider.cleaned())
            )
        } else {
            continue;
        };
        found.push((
            format!(
                "line {}: `!{}` cannot take effect: {reason}",
                p.line,
                lossy(text)
            ),
            p.range.clone(),
            checker.shown(text, is_dir),
            decider.line,
        ));
    }
    for (message, range, subject, line) in found {
        let d = checker
            .ignore_diagnostic(Rule::IneffectiveIgnoreException, message, Some(range))
            .with_subject_path(subject)
            .with_help(format!("move the exception below line {line}"));
        checker.report(d);
    }
}
