use pristine_diagnostics::{Edit, Fix, TextRange};
use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks that instruction keywords are all upper case or all lower case, following the
    /// majority of the file, and that no keyword mixes cases (`Run`).
    ///
    /// ## Why is this bad?
    /// Keywords are case-insensitive, so mixed casing has no effect except making the file
    /// harder to read and grep. BuildKit warns about every keyword that does not match the
    /// majority (upper case on a tie).
    ///
    /// As in BuildKit, only instructions of build stages count: global `ARG`s before the first
    /// `FROM` are neither counted nor checked.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// run pip install --no-cache-dir flask
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir flask
    /// ```
    ///
    /// ## Fix safety
    /// The fix re-cases the keyword; keywords are case-insensitive, so it is safe.
    ///
    /// ## References
    /// - [BuildKit check `ConsistentInstructionCasing`](https://docs.docker.com/reference/build-checks/consistent-instruction-casing/)
    /// - BuildKit `frontend/dockerfile/dockerfile2llb/validations.go` (`validateCommandCasing`)
    pub(crate) struct InconsistentInstructionCasing {
        code: "DF005",
        name: "inconsistent-instruction-casing",
        family: Dockerfile,
        severity: Warning,
        fix: Always,
        hadolint: [],
        buildkit: ["ConsistentInstructionCasing"],
        summary: "Instruction keyword casing differs from the rest of the file",
    }
}

/// DF005: BuildKit's `validateCommandCasing`.
pub(crate) fn inconsistent_instruction_casing(checker: &mut Checker) {
    let mut keywords: Vec<(String, TextRange)> = Vec::new();
    let mut in_stage = false;
    for inst in &checker.dockerfile.instructions {
        let Some(command) = &inst.command else {
            continue;
        };
        if matches!(command, Command::From(_)) {
            in_stage = true;
        }
        if in_stage {
            keywords.push((inst.keyword.value.clone(), inst.keyword.range));
        }
    }
    let (mut lower, mut upper) = (0usize, 0usize);
    for (word, _) in &keywords {
        if word.to_lowercase() == *word {
            lower += 1;
        } else if word.to_uppercase() == *word {
            upper += 1;
        }
    }
    let majority_lower = lower > upper;
    for (word, range) in keywords {
        let (casing, fixed) = if majority_lower {
            ("lowercase", word.to_lowercase())
        } else {
            ("uppercase", word.to_uppercase())
        };
        if fixed == word {
            continue;
        }
        let diagnostic = checker
            .diagnostic(
                Rule::InconsistentInstructionCasing,
                format!(
                    "Command '{word}' should match the case of the command majority ({casing})"
                ),
                range,
            )
            .with_fix(Fix::safe(vec![Edit::replacement(fixed, range)]));
        checker.report(diagnostic);
    }
}
