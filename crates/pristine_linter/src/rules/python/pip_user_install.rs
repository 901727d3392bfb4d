use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{runs, var_before, var_set};

declare_rule! {
    /// ## What it does
    /// Checks for `pip install --user` (or `PIP_USER` set) when `PYTHONUSERBASE` is not set to
    /// a fixed location.
    ///
    /// ## Why is this bad?
    /// A user install goes to the *current* user's site (`/root/.local` as root): console
    /// scripts land in `~/.local/bin`, which is not on `PATH` ("The script … is installed in
    /// '…' which is not on PATH"); after a later `USER app`, the packages under `/root/.local`
    /// are invisible to that user; inside a venv it fails ("Can not perform a '--user' install.
    /// User site-packages are not visible in this virtualenv."). Teams that set
    /// `PYTHONUSERBASE` deliberately for a multi-stage copy are not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir --user -r requirements.txt
    /// USER app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir -r requirements.txt
    /// ENV PATH="/opt/venv/bin:$PATH"
    /// USER app
    /// ```
    ///
    /// ## References
    /// - pip `src/pip/_internal/commands/install.py` (`--user` in a virtualenv)
    /// - [Hynek: Production-ready Docker containers with virtualenvs](https://hynek.me/articles/docker-virtualenv/)
    /// - python-rules.md R32 `pip-user-install`
    pub(crate) struct PipUserInstall {
        code: "PY031",
        name: "pip-user-install",
        family: Python,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "`pip install --user` in an image",
    }
}

/// PY031
pub(crate) fn pip_user_install(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for run in runs(checker, &scripts) {
        for pip in &run.model.pip_installs {
            let user = pip.user
                || var_before(checker, run.stage, run.index, "PIP_USER").is_some_and(|v| {
                    matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on")
                });
            if user && !var_set(checker, &run, pip.invocation.command, "PYTHONUSERBASE") {
                found.push(pip.invocation.command.range);
            }
        }
    }
    for range in found {
        let diagnostic = checker
            .diagnostic(
                Rule::PipUserInstall,
                "`pip install --user` installs into the current user's home, off `PATH`".to_owned(),
                range,
            )
            .with_help(
                "Install into a virtual environment at a fixed path and put its `bin` on `PATH`",
            );
        checker.report(diagnostic);
    }
}
