use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::report_missing_env;

declare_rule! {
    /// ## What it does
    /// Checks that the final image of a Python application sets `PYTHONDONTWRITEBYTECODE`.
    ///
    /// ## Why is this bad?
    /// Without it, Python writes `__pycache__/*.pyc` next to your sources on first import:
    /// into the container's writable layer (wasted work on every new container), or it fails
    /// silently on read-only filesystems. Docker's Python template sets
    /// `PYTHONDONTWRITEBYTECODE=1` ("Prevents Python from writing pyc files"). If you
    /// precompile bytecode at build time (`UV_COMPILE_BYTECODE=1`, `python -m compileall`), the
    /// variable only stops writes at run time, which is still what you want.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["python", "app.py"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV PYTHONDONTWRITEBYTECODE=1
    /// CMD ["python", "app.py"]
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `ENV PYTHONDONTWRITEBYTECODE=1` after the final `FROM`. It is safe: it
    /// only stops `.pyc` writes.
    ///
    /// ## References
    /// - [Docker guide: Containerize a Python application](https://docs.docker.com/guides/python/containerize/)
    /// - [`PYTHONDONTWRITEBYTECODE`](https://docs.python.org/3/using/cmdline.html#envvar-PYTHONDONTWRITEBYTECODE)
    /// - python-rules.md R44 `python-runtime-env`
    pub(crate) struct MissingPythonDontWriteBytecode {
        code: "PY061",
        name: "missing-pythondontwritebytecode",
        family: Python,
        severity: Info,
        fix: Always,
        hadolint: [],
        buildkit: [],
        summary: "Final Python image does not set `PYTHONDONTWRITEBYTECODE`",
    }
}

/// PY061
pub(crate) fn missing_python_dont_write_bytecode(checker: &mut Checker) {
    report_missing_env(
        checker,
        Rule::MissingPythonDontWriteBytecode,
        "PYTHONDONTWRITEBYTECODE",
    );
}
