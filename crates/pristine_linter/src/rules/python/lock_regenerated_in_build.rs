use pristine_shell::Tool;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::runs;

declare_rule! {
    /// ## What it does
    /// Checks for `poetry lock`, `uv lock`, `pipenv lock` and `pdm lock` in a `RUN` (unless
    /// `--check`/`--locked`/`--dry-run` only verify the lock).
    ///
    /// ## Why is this bad?
    /// The lock file exists so that every build installs the versions that were tested. Locking in
    /// the build resolves again against today's index: two builds of the same commit get different
    /// dependencies, and the committed lock is silently ignored.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY pyproject.toml ./
    /// RUN poetry lock && poetry install --no-root
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY pyproject.toml poetry.lock ./
    /// RUN poetry install --no-root
    /// ```
    ///
    /// ## References
    /// - [Poetry: commit your `poetry.lock`](https://python-poetry.org/docs/basic-usage/#committing-your-poetrylock-file-to-version-control)
    /// - python-rules.md R28 `lock-not-enforced`
    pub(crate) struct LockRegeneratedInBuild {
        code: "PY024",
        name: "lock-regenerated-in-build",
        family: Python,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Lock file regenerated during the build",
    }
}

/// PY024
pub(crate) fn lock_regenerated_in_build(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for run in runs(checker, &scripts) {
        for inv in &run.model.invocations {
            if !(matches!(inv.tool, Tool::Poetry | Tool::Uv | Tool::Pipenv | Tool::Pdm)
                && inv.subcommand() == "lock")
            {
                continue;
            }
            if inv.opts.has(&["--check", "--locked", "--dry-run"]) {
                continue;
            }
            found.push((inv.command.range, format!("`{} lock` resolves the dependencies again during the build instead of using the committed lock", inv.program.text.rsplit('/').next().unwrap_or(""))));
        }
    }
    for (range, message) in found {
        let diagnostic = checker
            .diagnostic(Rule::LockRegeneratedInBuild, message, range)
            .with_help("Commit the lock file and install from it; drop the `lock` step");
        checker.report(diagnostic);
    }
}
