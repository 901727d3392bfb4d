use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{
    command_line, final_process, process_commands, program_name, report_missing_env,
};

declare_rule! {
    /// ## What it does
    /// Checks that the final image of a Python application sets `PYTHONUNBUFFERED` (or starts
    /// Python with `-u`).
    ///
    /// ## Why is this bad?
    /// With a pipe instead of a terminal, Python block-buffers `stdout`: log lines show up late
    /// in `docker logs`, and are lost when the process crashes. Docker's Python template sets
    /// `PYTHONUNBUFFERED=1` to "avoid situations where the application crashes without
    /// emitting any logs due to buffering".
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["python", "worker.py"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV PYTHONUNBUFFERED=1
    /// CMD ["python", "worker.py"]
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `ENV PYTHONUNBUFFERED=1` after the final `FROM`. It is safe: it only
    /// changes when output is flushed.
    ///
    /// ## References
    /// - [Docker guide: Containerize a Python application](https://docs.docker.com/guides/python/containerize/)
    /// - [`PYTHONUNBUFFERED`](https://docs.python.org/3/using/cmdline.html#envvar-PYTHONUNBUFFERED)
    /// - python-rules.md R44 `python-runtime-env`
    pub(crate) struct MissingPythonUnbuffered {
        code: "PY060",
        name: "missing-pythonunbuffered",
        family: Python,
        severity: Info,
        fix: Always,
        hadolint: [],
        buildkit: [],
        summary: "Final Python image does not set `PYTHONUNBUFFERED`",
    }
}

/// Does the final process run `python -u` (unbuffered)?
fn runs_python_unbuffered(checker: &Checker) -> bool {
    let (entrypoint, cmd) = final_process(checker);
    [entrypoint, cmd].into_iter().flatten().any(|i| {
        command_line(checker, i).is_some_and(|line| {
            process_commands(line).iter().any(|words| {
                words
                    .first()
                    .is_some_and(|w| program_name(w).starts_with("python"))
                    && words
                        .iter()
                        .skip(1)
                        .take_while(|w| w.starts_with('-'))
                        .any(|w| w.len() > 1 && !w.starts_with("--") && w.contains('u'))
            })
        })
    })
}

/// PY060
pub(crate) fn missing_python_unbuffered(checker: &mut Checker) {
    if runs_python_unbuffered(checker) {
        return;
    }
    report_missing_env(checker, Rule::MissingPythonUnbuffered, "PYTHONUNBUFFERED");
}
