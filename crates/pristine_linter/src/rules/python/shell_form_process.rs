use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{
    chain_instructions, command, command_line, final_chain, final_process, range,
};

declare_rule! {
    /// ## What it does
    /// Checks that the `CMD` and `ENTRYPOINT` that start the final image use the exec (JSON)
    /// form. Only the instructions that take effect are checked (the last of each in the final
    /// stage and the stages it is built `FROM`); with an explicit `SHELL` the shell form is
    /// accepted, as BuildKit does.
    ///
    /// This is the final-image subset of hadolint DL3025 and BuildKit's `JSONArgsRecommended`,
    /// which look at every stage.
    ///
    /// ## Why is this bad?
    /// The shell form runs `/bin/sh -c "…"`, so the shell is PID 1 and "does not pass signals":
    /// `docker stop` sends SIGTERM to the shell, gunicorn/uvicorn never see it, and the
    /// container is killed after the timeout — no graceful shutdown, no FastAPI lifespan
    /// shutdown. A shell-form `ENTRYPOINT` also ignores `CMD` and `docker run` arguments.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD gunicorn --bind 0.0.0.0:8000 app:app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: ENTRYPOINT, exec form vs shell form](https://docs.docker.com/reference/dockerfile/#entrypoint)
    /// - [BuildKit check `JSONArgsRecommended`](https://docs.docker.com/reference/build-checks/json-args-recommended/)
    /// - [FastAPI in containers](https://fastapi.tiangolo.com/deployment/docker/) ("always use the exec form")
    /// - python-rules.md R48 `shell-form-cmd`
    pub(crate) struct ShellFormProcess {
        code: "PY071",
        name: "shell-form-process",
        family: Python,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Final image's `CMD`/`ENTRYPOINT` in shell form",
    }
}

/// PY071
pub(crate) fn shell_form_process(checker: &mut Checker) {
    let chain = final_chain(checker);
    let explicit_shell = chain_instructions(&chain)
        .into_iter()
        .any(|i| matches!(command(checker, i), Some(Command::Shell(_))));
    if explicit_shell {
        return;
    }
    let (entrypoint, cmd) = final_process(checker);
    let mut found = Vec::new();
    for (index, keyword) in [(entrypoint, "ENTRYPOINT"), (cmd, "CMD")] {
        let Some(index) = index else {
            continue;
        };
        let Some(line) = command_line(checker, index) else {
            continue;
        };
        if line.json || line.args.is_empty() {
            continue;
        }
        found.push((index, keyword));
    }
    for (index, keyword) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::ShellFormProcess,
                format!("`{keyword}` in shell form: the process will not receive `docker stop`'s SIGTERM"),
                range(checker, index),
            )
            .with_help(format!(
                "Use the exec form, `{keyword} [\"program\", \"arg\", …]`; for shell features use `[\"sh\", \"-c\", \"exec …\"]`"
            ));
        checker.report(diagnostic);
    }
}
