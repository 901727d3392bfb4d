use pristine_diagnostics::Severity;

use crate::Rule;
use crate::checkers::context::{ContextChecker, lossy};
use crate::checkers::copy_sources::CopySrc;
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `COPY`/`ADD` source (in a stage that is built) that exists in the context
    /// directory but that the ignore file excludes, naming the line that excludes it.
    ///
    /// BuildKit's own `CopyIgnoredFile` check covers the same mistake but stays silent as soon
    /// as the ignore file has any `!` line; this rule decides with the exact walker semantics,
    /// exceptions included.
    ///
    /// ## Why is this bad?
    /// The file is not in the context, so the build fails:
    /// `failed to compute cache key: … "/requirements.txt": not found`. A common cause is a
    /// template `.dockerignore` that excludes `*.md` while `pyproject.toml` names
    /// `README.md` as the readme.
    ///
    /// ## Example
    /// ```text
    /// *.txt
    /// ```
    /// ```dockerfile
    /// COPY requirements.txt .
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// *.txt
    /// !requirements.txt
    /// ```
    ///
    /// ## References
    /// - [CopyIgnoredFile](https://docs.docker.com/reference/build-checks/copy-ignored-file/)
    /// - moby/buildkit `frontend/dockerfile/dockerfile2llb/convert.go` (`validateCopySourcePath`
    ///   returns early when `ignoreMatcher.Exclusions()`)
    pub(crate) struct CopySourceExcluded {
        code: "DI007",
        name: "copy-source-excluded",
        family: Ignore,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: ["CopyIgnoredFile"],
        summary: "`COPY`/`ADD` source excluded by the `.dockerignore`",
    }
}

pub(crate) fn copy_source_excluded(checker: &mut ContextChecker) {
    let Some(m) = checker.facts.context.matcher.as_ref() else {
        return;
    };
    let ignore = &checker.facts.context.ignore;
    let mut found = Vec::new();
    for copy in &checker.copies {
        for (src, range) in &copy.sources {
            let CopySrc::Literal(path) = src else {
                continue;
            };
            if path.is_empty() || checker.entry(path).is_some() {
                continue;
            }
            // Exists in the directory but was not sent: excluded.
            let Some(is_dir) = checker.facts.content.stat(path) else {
                continue;
            };
            let Ok(explanation) = m.explain(path, is_dir) else {
                continue;
            };
            if !explanation.excluded() {
                continue;
            }
            let decider = explanation
                .deciding_step()
                .and_then(|s| s.decision.decided_by)
                .and_then(|i| m.patterns().get(i))
                .and_then(|p| ignore.file.patterns.get(p.source_index()));
            let by = decider.map_or_else(
                || "the ignore file excludes it".to_string(),
                |d| {
                    format!(
                        "`{}` line {} (`{}`) excludes it",
                        checker.ignore_name(),
                        d.line,
                        lossy(d.line_text(&ignore.bytes)).trim_end()
                    )
                },
            );
            let mut message = format!(
                "`{}` copies `{}`, but {by}: the build fails with `\"/{}\": not found`",
                copy.keyword,
                lossy(path),
                lossy(path)
            );
            if m.exclusions() {
                message.push_str(
                    " (BuildKit's CopyIgnoredFile check is silent because the ignore file has `!` lines)",
                );
            }
            let help = format!(
                "add `!{}` after line {} of `{}`, or stop copying it",
                lossy(path),
                decider.map_or(0, |d| d.line),
                checker.ignore_name()
            );
            found.push((message, *range, checker.shown(path, is_dir), help));
        }
    }
    for (message, range, subject, help) in found {
        let mut d = Rule::CopySourceExcluded
            .diagnostic(message, checker.facts.dockerfile_path)
            .with_range(range)
            .with_subject_path(subject)
            .with_help(help);
        d.severity = Severity::Error;
        checker.report(d);
    }
}
