use crate::Rule;
use crate::checkers::context::{Container, ContextChecker, Harm, basename, distinct_lines, lossy};
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports caches and working directories of development tools in the build context:
    /// `.mypy_cache`, `.pytest_cache`, `.ruff_cache`, `.tox`, `.nox`, `node_modules`,
    /// `.ipynb_checkpoints`, `.hypothesis`, `.pyre`, `.pytype`, `htmlcov`, and the files
    /// `.coverage`, `.coverage.*`, `.dmypy.json`. They are reported together, once per `COPY`
    /// that copies some.
    ///
    /// A warning when a `COPY`/`ADD` copies them, information when they are only sent.
    ///
    /// ## Why is this bad?
    /// They bloat the context, change on every local run (rebuilding the `COPY . .` layer and
    /// everything after it), and some hold host binaries: `.tox`/`.nox` are virtualenvs,
    /// `node_modules` holds native addons built for the host (`invalid ELF header`).
    ///
    /// ## Example
    /// `.mypy_cache/` and `.pytest_cache/` beside `COPY . .`.
    ///
    /// Use instead:
    /// ```text
    /// **/.mypy_cache
    /// **/.pytest_cache
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
    /// - [github/gitignore Python.gitignore](https://github.com/github/gitignore/blob/main/Python.gitignore)
    pub(crate) struct ToolCache {
        code: "CX011",
        name: "tool-cache",
        family: Context,
        severity: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "Development-tool caches in the build context",
    }
}

pub(crate) fn is_tool_file(name: &[u8]) -> bool {
    name == b".coverage" || name.starts_with(b".coverage.") || name == b".dmypy.json"
}

pub(crate) fn tool_cache(checker: &mut ContextChecker) {
    let items = checker.grouped_items(Container::ToolCache, is_tool_file);
    if items.is_empty() {
        return;
    }
    let lines = distinct_lines(&items, |p| {
        let name = basename(p);
        if name.starts_with(b".coverage.") {
            "**/.coverage*".to_string()
        } else {
            format!("**/{}", lossy(name))
        }
    });
    checker.report_group(
        Rule::ToolCache,
        items,
        ("tool cache", "tool caches"),
        &lines,
        Harm::Bloat,
    );
}
