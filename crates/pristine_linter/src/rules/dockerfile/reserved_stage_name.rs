use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for stages named `scratch` or `context`.
    ///
    /// ## Why is this bad?
    /// Both names are reserved: `FROM scratch` always means the empty image, and `context` is
    /// the name of the build context for named contexts. A stage with either name cannot be
    /// referred to as intended.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim AS scratch
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim AS base
    /// ```
    ///
    /// ## References
    /// - [BuildKit check `ReservedStageName`](https://docs.docker.com/reference/build-checks/reserved-stage-name/)
    /// - BuildKit `frontend/dockerfile/dockerfile2llb/validations.go` (`reservedStageNames`)
    pub(crate) struct ReservedStageName {
        code: "DF007",
        name: "reserved-stage-name",
        family: Dockerfile,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: ["ReservedStageName"],
        summary: "Stage named `scratch` or `context`",
    }
}

/// DF007.
pub(crate) fn reserved_stage_name(checker: &mut Checker) {
    let mut found = Vec::new();
    for inst in &checker.dockerfile.instructions {
        let Some(Command::From(from)) = &inst.command else {
            continue;
        };
        let Some(name) = &from.name else { continue };
        if matches!(name.value.as_str(), "scratch" | "context") {
            found.push((name.value.clone(), name.range));
        }
    }
    for (name, range) in found {
        let diagnostic = checker.diagnostic(
            Rule::ReservedStageName,
            format!("Stage name should not use the same name as reserved stage \"{name}\""),
            range,
        );
        checker.report(diagnostic);
    }
}
