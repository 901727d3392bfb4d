use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::runs;

declare_rule! {
    /// ## What it does
    /// Checks for a `RUN` whose last command is `source …/bin/activate` or `. …/bin/activate`:
    /// an activation that nothing in the same `RUN` uses.
    ///
    /// ## Why is this bad?
    /// Each `RUN` starts a new shell and only `ENV` persists, so the activation ends with the
    /// `RUN`: the next `RUN pip install …` installs into the system Python, and `CMD` runs
    /// outside the venv. Under the default `/bin/sh` (dash on Debian), `source` does not even
    /// exist (`source: not found`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN python -m venv /opt/venv
    /// RUN . /opt/venv/bin/activate
    /// RUN pip install --no-cache-dir flask==3.0.3
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN python -m venv /opt/venv
    /// ENV PATH="/opt/venv/bin:$PATH"
    /// RUN pip install --no-cache-dir flask==3.0.3
    /// ```
    ///
    /// ## References
    /// - [uv: Using uv in Docker, "Using the environment"](https://docs.astral.sh/uv/guides/integration/docker/)
    /// - [`venv` documentation](https://docs.python.org/3/library/venv.html)
    /// - python-rules.md R45 `venv-not-activated`
    pub(crate) struct VenvActivateInRun {
        code: "PY053",
        name: "venv-activate-in-run",
        family: Python,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Virtual environment activated at the end of a `RUN`, where it does not persist",
    }
}

/// PY053
pub(crate) fn venv_activate_in_run(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for run in runs(checker, &scripts) {
        let Some(last) = run.script.commands.last() else {
            continue;
        };
        let activates = matches!(last.basename(), "source" | ".")
            && last
                .args
                .first()
                .is_some_and(|a| a.text.ends_with("bin/activate"));
        if activates && !last.context.substitution && !last.context.nested_shell {
            found.push(last.range);
        }
    }
    for range in found {
        let diagnostic = checker
            .diagnostic(
                Rule::VenvActivateInRun,
                "The activation ends with this `RUN`; later instructions run outside the virtual environment".to_owned(),
                range,
            )
            .with_help("Put the venv on `PATH` with `ENV PATH=\"/path/to/venv/bin:$PATH\"` instead");
        checker.report(diagnostic);
    }
}
