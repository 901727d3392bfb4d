use std::collections::HashMap;

use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for two stages with the same name (`FROM … AS name`, compared case-insensitively).
    ///
    /// ## Why is this bad?
    /// A later stage with the same name silently replaces the earlier one for every following
    /// `FROM name`, `COPY --from=name` and `--target name`, so part of the build refers to a
    /// stage its author did not mean.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12 AS build
    /// RUN pip wheel --wheel-dir /wheels -r requirements.txt
    /// FROM node:22 AS build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12 AS build-py
    /// RUN pip wheel --wheel-dir /wheels -r requirements.txt
    /// FROM node:22 AS build-js
    /// ```
    ///
    /// ## References
    /// - [BuildKit check `DuplicateStageName`](https://docs.docker.com/reference/build-checks/duplicate-stage-name/)
    /// - [hadolint DL3024](https://github.com/hadolint/hadolint/wiki/DL3024)
    /// - BuildKit `frontend/dockerfile/dockerfile2llb/validations.go` (`validateStageNames`)
    pub(crate) struct DuplicateStageName {
        code: "DF006",
        name: "duplicate-stage-name",
        family: Dockerfile,
        severity: Error,
        fix: None,
        hadolint: ["DL3024"],
        buildkit: ["DuplicateStageName"],
        summary: "Two stages have the same name",
    }
}

/// DF006.
pub(crate) fn duplicate_stage_name(checker: &mut Checker) {
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut found = Vec::new();
    for inst in &checker.dockerfile.instructions {
        let Some(Command::From(from)) = &inst.command else {
            continue;
        };
        let Some(name) = &from.name else { continue };
        if let Some(line) = seen.get(&name.value) {
            found.push((name.value.clone(), name.range, *line));
        } else {
            seen.insert(name.value.clone(), inst.start_line);
        }
    }
    for (name, range, line) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::DuplicateStageName,
                format!("Duplicate stage name \"{name}\", stage names should be unique"),
                range,
            )
            .with_help(format!("The first stage named `{name}` is on line {line}"));
        checker.report(diagnostic);
    }
}
