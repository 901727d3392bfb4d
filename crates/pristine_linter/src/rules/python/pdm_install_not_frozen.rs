use pristine_shell::Tool;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{runs, var_set};

declare_rule! {
    /// ## What it does
    /// Checks for `pdm install` without `--frozen-lockfile` (or `PDM_FROZEN_LOCKFILE`) or `--check`.
    /// `pdm sync` is fine.
    ///
    /// ## Why is this bad?
    /// PDM's options: `--check` "Check if the lock file is up to date and fail otherwise";
    /// `--frozen-lockfile` "Don't try to create or update the lockfile". Without either, the build
    /// may lock again and install versions nobody tested.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pdm install --prod
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pdm install --check --prod --no-editable
    /// ```
    ///
    /// ## References
    /// - [PDM: Use PDM in a multi-stage Dockerfile](https://pdm-project.org/en/latest/usage/advanced/)
    /// - PDM `src/pdm/cli/options.py`
    /// - python-rules.md R25, R28
    pub(crate) struct PdmInstallNotFrozen {
        code: "PY023",
        name: "pdm-install-not-frozen",
        family: Python,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "`pdm install` without `--frozen-lockfile` or `--check`",
    }
}

/// PY023
pub(crate) fn pdm_install_not_frozen(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for run in runs(checker, &scripts) {
        for inv in &run.model.invocations {
            if !(inv.tool == Tool::Pdm && inv.subcommand() == "install") {
                continue;
            }
            if inv.opts.has(&["--frozen-lockfile", "--check"])
                || var_set(checker, &run, inv.command, "PDM_FROZEN_LOCKFILE")
            {
                continue;
            }
            found.push((inv.command.range, "`pdm install` without `--frozen-lockfile` or `--check` may update `pdm.lock` during the build".to_owned()));
        }
    }
    for (range, message) in found {
        let diagnostic = checker
            .diagnostic(Rule::PdmInstallNotFrozen, message, range)
            .with_help("Use `pdm install --check` (fail on a stale lock) or `--frozen-lockfile`");
        checker.report(diagnostic);
    }
}
