use crate::Rule;
use crate::checkers::context::{Container, ContextChecker, Harm};
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports Python bytecode caches in the build context: `__pycache__/` directories and
    /// loose `*.pyc` / `*.pyo` files (outside virtualenvs and other directories reported as a
    /// whole). All of them are reported together, once per `COPY` that copies some.
    ///
    /// A warning when a `COPY`/`ADD` copies them, information when they are only sent.
    ///
    /// ## Why is this bad?
    /// Bytecode written by the host interpreter (`*.cpython-311.pyc`) is useless to another
    /// Python version, bloats the context, and changes on every local run, so the `COPY . .`
    /// layer and every layer after it are rebuilt. A root-only pattern `__pycache__` does not
    /// exclude `src/pkg/__pycache__`.
    ///
    /// ## Example
    /// `src/app/__pycache__/` with `COPY . .` and no `.dockerignore`.
    ///
    /// Use instead:
    /// ```text
    /// **/__pycache__
    /// **/*.py[co]
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds the line shown in the help to the ignore file (`.dockerignore`, or the
    /// Dockerfile's own `<name>.dockerignore`; created when missing), under a `# added by pristine`
    /// comment, after the user's lines. A line is only added if the matcher shows it excludes the
    /// finding and excludes no path a `COPY`/`ADD` names. What this rule finds is never meant for an
    /// image, so the fix is safe even when a broad `COPY . .` copied it.
    ///
    /// ## References
    /// - [Docker: containerize a Python application](https://docs.docker.com/guides/python/containerize/) (`docker init`'s `.dockerignore`)
    /// - [PEP 3147](https://peps.python.org/pep-3147/)
    pub(crate) struct BytecodeCache {
        code: "CX007",
        name: "bytecode-cache",
        family: Context,
        severity: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "Python bytecode caches in the build context",
    }
}

pub(crate) fn bytecode_cache(checker: &mut ContextChecker) {
    let items = checker.grouped_items(Container::Bytecode, |name| {
        name.ends_with(b".pyc") || name.ends_with(b".pyo")
    });
    if items.is_empty() {
        return;
    }
    checker.report_group(
        Rule::BytecodeCache,
        items,
        ("bytecode cache", "bytecode caches"),
        &["**/__pycache__", "**/*.py[co]"],
        Harm::Bloat,
    );
}
