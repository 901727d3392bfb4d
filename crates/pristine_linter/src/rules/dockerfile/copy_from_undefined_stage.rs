use pristine_dockerfile::CopySource;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::dockerfile::general::suggest;

declare_rule! {
    /// ## What it does
    /// Checks for `COPY --from=<name>` where `<name>` is not a stage of the Dockerfile but
    /// looks like one (a single word such as `builder`), and for a numeric `--from` beyond the
    /// last stage.
    ///
    /// ## Why is this bad?
    /// A `--from` that is not a stage is an image reference: a misspelt stage name makes
    /// BuildKit pull `docker.io/library/<name>` (usually failing with "pull access denied"),
    /// or worse, copy from an unrelated public image. A numeric index past the last stage
    /// fails the build.
    ///
    /// hadolint's DL3022 reports every `--from` that is not an earlier stage name, including
    /// stage indices (`--from=0`) and real images (`--from=ghcr.io/astral-sh/uv:0.5`); pristine
    /// reports only values that cannot be an intended image. A reference to the stage itself
    /// or a later stage is `copy-from-own-or-later-stage`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12 AS builder
    /// RUN pip wheel --wheel-dir /wheels -r requirements.txt
    /// FROM python:3.12-slim
    /// COPY --from=buidler /wheels /wheels
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12 AS builder
    /// RUN pip wheel --wheel-dir /wheels -r requirements.txt
    /// FROM python:3.12-slim
    /// COPY --from=builder /wheels /wheels
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3022](https://github.com/hadolint/hadolint/wiki/DL3022)
    /// - BuildKit `frontend/dockerfile/dockerfile2llb/convert.go` (`toCommand`, `findStateByIndex`)
    pub(crate) struct CopyFromUndefinedStage {
        code: "DF024",
        name: "copy-from-undefined-stage",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3022"],
        buildkit: [],
        summary: "`COPY --from` names no stage",
    }
}

/// DF024.
pub(crate) fn copy_from_undefined_stage(checker: &mut Checker) {
    let names: Vec<&str> = checker
        .stages
        .stages
        .iter()
        .filter_map(|s| s.name.as_deref())
        .collect();
    let count = checker.stages.stages.len();
    let mut found = Vec::new();
    for stage in &checker.stages.stages {
        for edge in &stage.copy_from {
            let CopySource::Image(value) = &edge.source else {
                continue;
            };
            if value.contains('$') {
                continue;
            }
            let lower = value.to_lowercase();
            if names.contains(&lower.as_str()) {
                // A later stage: copy-from-own-or-later-stage.
                continue;
            }
            let message = if value.bytes().all(|c| c.is_ascii_digit()) {
                if value.parse::<usize>().is_ok_and(|n| n < count) {
                    continue;
                }
                format!(
                    "COPY --from={value}: invalid stage index {value}, there are {count} stages"
                )
            } else if value.contains(['/', ':', '@', '.']) {
                continue;
            } else {
                let mut m = format!(
                    "COPY --from={value} does not name a stage; unless the build is given a named context `{value}`, BuildKit pulls the image `{value}`"
                );
                if let Some(s) = suggest(&lower, names.iter().copied(), true) {
                    m = format!("{m} (did you mean {s}?)");
                }
                m
            };
            found.push((message, edge.range));
        }
    }
    for (message, range) in found {
        let diagnostic = checker.diagnostic(Rule::CopyFromUndefinedStage, message, range);
        checker.report(diagnostic);
    }
}
