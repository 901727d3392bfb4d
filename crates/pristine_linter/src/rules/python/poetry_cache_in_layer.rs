use pristine_shell::{Tool, invocations};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{in_final_image, runs, var_before};

declare_rule! {
    /// ## What it does
    /// Checks for `poetry install`/`poetry sync` in a stage of the final image that leaves
    /// Poetry's cache (`~/.cache/pypoetry`, or `POETRY_CACHE_DIR`) in the layer: no
    /// `--no-cache`, no cache/tmpfs mount on it, and no `rm -rf` of it (or `poetry cache
    /// clear`) later in the same `RUN`.
    ///
    /// ## Why is this bad?
    /// Poetry keeps downloaded archives and its artifact cache under the cache directory; in
    /// the image it only adds size. The common pattern sets `POETRY_CACHE_DIR=/tmp/poetry_cache`
    /// and removes it in the same `RUN`, or mounts it as a cache.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN poetry install --only main --no-root
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV POETRY_CACHE_DIR=/tmp/poetry_cache
    /// RUN --mount=type=cache,target=/tmp/poetry_cache poetry install --only main --no-root
    /// ```
    ///
    /// ## References
    /// - [Poetry configuration: `cache-dir`](https://python-poetry.org/docs/configuration/#cache-dir)
    /// - python-rules.md R29 (uv/poetry caches), R71
    pub(crate) struct PoetryCacheInLayer {
        code: "PY012",
        name: "poetry-cache-in-layer",
        family: Python,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Poetry leaves its cache in the image",
    }
}

/// PY012
pub(crate) fn poetry_cache_in_layer(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for run in runs(checker, &scripts) {
        if !in_final_image(checker, run.stage) {
            continue;
        }
        let cache_dir = var_before(checker, run.stage, run.index, "POETRY_CACHE_DIR");
        for inv in invocations(run.script) {
            if inv.tool != Tool::Poetry || !matches!(inv.subcommand(), "install" | "sync") {
                continue;
            }
            let mut needles = vec!["pypoetry", "/root/.cache", "~/.cache", "POETRY_CACHE_DIR"];
            if let Some(dir) = cache_dir.as_deref() {
                needles.push(dir);
            }
            if inv.opts.has(&["--no-cache"])
                || run.has_cache_mount(&needles)
                || run.has_cache_mount(&[".cache"])
                || run.removes_after(inv.index, &needles)
                || run.runs_after(inv.index, "poetry", &["cache", "clear"])
            {
                continue;
            }
            found.push(inv.command.range);
        }
    }
    for range in found {
        let diagnostic = checker
            .diagnostic(
                Rule::PoetryCacheInLayer,
                "Poetry's cache is left in the layer".to_owned(),
                range,
            )
            .with_help("Mount Poetry's cache directory as a cache, or remove it in the same `RUN`");
        checker.report(diagnostic);
    }
}
