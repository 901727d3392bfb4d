use pristine_dockerfile::{Command, Healthcheck};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{
    chain_instructions, command, final_chain, has_variable, is_shell_program, program_name,
};

declare_rule! {
    /// ## What it does
    /// Checks exec-form (JSON) `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD` of the final image for
    /// `$VAR` / `${VAR}` in an argument, when the program is not a shell (`sh -c "…"` expands
    /// its script).
    ///
    /// ## Why is this bad?
    /// The exec form does not run a shell, so nothing expands the variable: "`CMD [ "echo",
    /// "$HOME" ]` won't handle variable substitution". The program receives the literal text
    /// — `uvicorn --port '$PORT'` fails with "Invalid value for '--port'", and
    /// `gunicorn --workers ${WORKERS}` with "Error: '${WORKERS}' is not a valid int".
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV PORT=8000
    /// CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "$PORT"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV PORT=8000
    /// CMD ["sh", "-c", "exec uvicorn app.main:app --host 0.0.0.0 --port \"$PORT\""]
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: CMD / ENTRYPOINT exec form](https://docs.docker.com/reference/dockerfile/#exec-form)
    /// - [gunicorn settings: `GUNICORN_CMD_ARGS`](https://docs.gunicorn.org/en/stable/settings.html)
    /// - python-rules.md R49 `exec-form-variable-not-expanded`
    pub(crate) struct ExecFormVariable {
        code: "PY072",
        name: "exec-form-variable",
        family: Python,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Variable in an exec-form `CMD`/`ENTRYPOINT` is never expanded",
    }
}

/// PY072
pub(crate) fn exec_form_variable(checker: &mut Checker) {
    let chain = final_chain(checker);
    let mut found = Vec::new();
    for i in chain_instructions(&chain) {
        let (args, keyword) = match command(checker, i) {
            Some(Command::Cmd(line)) if line.json => (&line.args, "CMD"),
            Some(Command::Entrypoint(line)) if line.json => (&line.args, "ENTRYPOINT"),
            Some(Command::Healthcheck(Healthcheck::Cmd(h))) if h.json => (&h.args, "HEALTHCHECK"),
            _ => continue,
        };
        let Some(program) = args.first() else {
            continue;
        };
        if is_shell_program(&program.value)
            || program_name(&program.value) == "env"
                && args.iter().any(|a| is_shell_program(&a.value))
        {
            continue;
        }
        for arg in args {
            if has_variable(&arg.value) {
                found.push((arg.range, keyword, arg.value.clone()));
            }
        }
    }
    for (range, keyword, value) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::ExecFormVariable,
                format!("`{value}` is passed literally: exec-form `{keyword}` does not expand variables"),
                range,
            )
            .with_help("Let a shell expand it (`[\"sh\", \"-c\", \"exec …\"]`), or have the program read the variable itself");
        checker.report(diagnostic);
    }
}
