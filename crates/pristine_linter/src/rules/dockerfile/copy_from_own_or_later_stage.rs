use pristine_dockerfile::CopySource;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for `COPY --from` that refers to the stage it is in, or to a stage defined
    /// further down.
    ///
    /// ## Why is this bad?
    /// The build fails: BuildKit reports "circular dependency detected" for the stage's own
    /// name and "cannot copy from stage …, it needs to be defined before current stage" for a
    /// later one.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim AS app
    /// COPY --from=app /wheels /wheels
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12 AS builder
    /// RUN pip wheel --wheel-dir /wheels -r requirements.txt
    /// FROM python:3.12-slim AS app
    /// COPY --from=builder /wheels /wheels
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3023](https://github.com/hadolint/hadolint/wiki/DL3023)
    /// - BuildKit `frontend/dockerfile/dockerfile2llb/convert.go` (`dispatch`, `validateCircularDependency`)
    pub(crate) struct CopyFromOwnOrLaterStage {
        code: "DF025",
        name: "copy-from-own-or-later-stage",
        family: Dockerfile,
        severity: Error,
        fix: None,
        hadolint: ["DL3023"],
        buildkit: [],
        summary: "`COPY --from` refers to its own or a later stage",
    }
}

/// DF025.
pub(crate) fn copy_from_own_or_later_stage(checker: &mut Checker) {
    let mut found = Vec::new();
    for stage in &checker.stages.stages {
        let current = stage
            .name
            .clone()
            .unwrap_or_else(|| format!("stage-{}", stage.index));
        for edge in &stage.copy_from {
            let target = match &edge.source {
                CopySource::Stage(i) if *i == stage.index => Some(*i),
                CopySource::Stage(_) => None,
                CopySource::Image(value) => {
                    let lower = value.to_lowercase();
                    checker
                        .stages
                        .stages
                        .iter()
                        .find(|s| s.name.as_deref() == Some(lower.as_str()))
                        .map(|s| s.index)
                        .or_else(|| {
                            value
                                .parse::<usize>()
                                .ok()
                                .filter(|n| *n < checker.stages.stages.len())
                        })
                        .filter(|i| *i >= stage.index)
                }
            };
            let Some(target) = target else { continue };
            let message = if target == stage.index {
                format!("COPY --from refers to its own stage \"{current}\": circular dependency")
            } else {
                let from = checker
                    .dockerfile
                    .instructions
                    .get(edge.instruction)
                    .and_then(|i| match &i.command {
                        Some(pristine_dockerfile::Command::Copy(c)) => c.from.as_ref(),
                        _ => None,
                    })
                    .map_or_else(String::new, |f| f.value.clone());
                format!(
                    "cannot copy from stage \"{from}\", it needs to be defined before current stage \"{current}\""
                )
            };
            found.push((message, edge.range));
        }
    }
    for (message, range) in found {
        let diagnostic = checker.diagnostic(Rule::CopyFromOwnOrLaterStage, message, range);
        checker.report(diagnostic);
    }
}
