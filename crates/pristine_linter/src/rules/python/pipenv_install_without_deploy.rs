use pristine_shell::Tool;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::runs;

declare_rule! {
    /// ## What it does
    /// Checks for `pipenv install` (without package arguments) that does not pass `--deploy` (or
    /// `--ignore-pipfile`, which installs from the lock only). `pipenv sync` is fine.
    ///
    /// ## Why is this bad?
    /// Pipenv's docs: `--deploy` "Ensures the Pipfile.lock is up-to-date and fails if it isn't".
    /// Without it, a stale lock is re-locked or ignored during the build, and the image gets
    /// dependencies nobody tested.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY Pipfile Pipfile.lock ./
    /// RUN pipenv install --system
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY Pipfile Pipfile.lock ./
    /// RUN pipenv install --deploy --system
    /// ```
    ///
    /// ## References
    /// - [Pipenv: Docker](https://pipenv.pypa.io/en/latest/docker.html)
    /// - python-rules.md R26 `pipenv-lock-not-enforced`, R28
    pub(crate) struct PipenvInstallWithoutDeploy {
        code: "PY021",
        name: "pipenv-install-without-deploy",
        family: Python,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "`pipenv install` without `--deploy`",
    }
}

/// PY021
pub(crate) fn pipenv_install_without_deploy(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for run in runs(checker, &scripts) {
        for inv in &run.model.invocations {
            if !(inv.tool == Tool::Pipenv
                && inv.subcommand() == "install"
                && inv.opts.positionals.is_empty())
            {
                continue;
            }
            if inv.opts.has(&["--deploy", "--ignore-pipfile"]) {
                continue;
            }
            found.push((inv.command.range, "`pipenv install` without `--deploy` installs even when `Pipfile.lock` is out of date".to_owned()));
        }
    }
    for (range, message) in found {
        let diagnostic = checker
            .diagnostic(Rule::PipenvInstallWithoutDeploy, message, range)
            .with_help("Use `pipenv install --deploy` (or `pipenv sync`)");
        checker.report(diagnostic);
    }
}
