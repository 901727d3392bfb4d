use pristine_diagnostics::TextRange;
use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for more than one `CMD`, `ENTRYPOINT` or `HEALTHCHECK` in the same stage, and
    /// reports the earlier one: it is the one that has no effect.
    ///
    /// ## Why is this bad?
    /// Only the last of each takes effect. An earlier one is dead code that misleads readers
    /// (often a leftover from debugging), and two `CMD`s usually mean the author expected
    /// both commands to run.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["python", "manage.py", "migrate"]
    /// CMD ["gunicorn", "app.wsgi"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY entrypoint.sh /entrypoint.sh
    /// ENTRYPOINT ["/entrypoint.sh"]
    /// CMD ["gunicorn", "app.wsgi"]
    /// ```
    ///
    /// ## References
    /// - [BuildKit check `MultipleInstructionsDisallowed`](https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/)
    /// - [hadolint DL4003](https://github.com/hadolint/hadolint/wiki/DL4003), [DL4004](https://github.com/hadolint/hadolint/wiki/DL4004), [DL3012](https://github.com/hadolint/hadolint/wiki/DL3012)
    /// - BuildKit `frontend/dockerfile/dockerfile2llb/validations.go` (`validateUsedOnce`)
    pub(crate) struct MultipleInstructionsDisallowed {
        code: "DF013",
        name: "multiple-instructions-disallowed",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL4003", "DL4004", "DL3012"],
        buildkit: ["MultipleInstructionsDisallowed"],
        summary: "More than one `CMD`, `ENTRYPOINT` or `HEALTHCHECK` in a stage",
    }
}

/// DF013: per stage (the trackers are not inherited from a base stage).
pub(crate) fn multiple_instructions_disallowed(checker: &mut Checker) {
    let mut found = Vec::new();
    for stage in &checker.stages.stages {
        let mut last: [Option<(TextRange, u32)>; 3] = [None, None, None];
        for &index in &stage.instructions {
            let Some(inst) = checker.dockerfile.instructions.get(index) else {
                continue;
            };
            let slot = match &inst.command {
                Some(Command::Cmd(_)) => 0,
                Some(Command::Entrypoint(_)) => 1,
                Some(Command::Healthcheck(_)) => 2,
                _ => continue,
            };
            if let Some(Some(previous)) = last.get(slot) {
                found.push((inst.keyword.value.clone(), previous.0, inst.start_line));
            }
            if let Some(entry) = last.get_mut(slot) {
                *entry = Some((inst.range, inst.start_line));
            }
        }
    }
    for (name, range, line) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::MultipleInstructionsDisallowed,
                format!(
                    "Multiple {name} instructions should not be used in the same stage because only the last one will be used"
                ),
                range,
            )
            .with_help(format!("This one is overridden by the {name} on line {line}"));
        checker.report(diagnostic);
    }
}
