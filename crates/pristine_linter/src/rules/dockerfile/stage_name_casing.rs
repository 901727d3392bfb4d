use pristine_diagnostics::{Edit, Fix};
use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::dockerfile::general::text;

declare_rule! {
    /// ## What it does
    /// Checks for stage names (`FROM … AS name`) that are not all lowercase.
    ///
    /// ## Why is this bad?
    /// Stage names are case-insensitive: BuildKit lower-cases them, so `AS Builder` and
    /// `--from=builder` name the same stage. Writing them in mixed case suggests a difference
    /// that does not exist, and BuildKit warns about it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim AS BuildEnv
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim AS buildenv
    /// ```
    ///
    /// ## Fix safety
    /// The fix lower-cases the name. It is safe: every reference to a stage is
    /// case-insensitive.
    ///
    /// ## References
    /// - [BuildKit check `StageNameCasing`](https://docs.docker.com/reference/build-checks/stage-name-casing/)
    /// - BuildKit `frontend/dockerfile/instructions/parse.go` (`RuleStageNameCasing`)
    pub(crate) struct StageNameCasing {
        code: "DF003",
        name: "stage-name-casing",
        family: Dockerfile,
        severity: Warning,
        fix: Always,
        hadolint: [],
        buildkit: ["StageNameCasing"],
        summary: "Stage name is not lowercase",
    }
}

/// DF003.
pub(crate) fn stage_name_casing(checker: &mut Checker) {
    let mut found = Vec::new();
    for inst in &checker.dockerfile.instructions {
        let Some(Command::From(from)) = &inst.command else {
            continue;
        };
        let Some(name) = &from.name else { continue };
        let written = text(checker, name.range);
        if written.is_empty() || written == name.value {
            continue;
        }
        found.push((written.to_owned(), name.value.clone(), name.range));
    }
    for (written, lower, range) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::StageNameCasing,
                format!("Stage name '{written}' should be lowercase"),
                range,
            )
            .with_fix(Fix::safe(vec![Edit::replacement(lower, range)]));
        checker.report(diagnostic);
    }
}
