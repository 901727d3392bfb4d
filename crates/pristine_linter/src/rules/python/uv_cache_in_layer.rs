use pristine_shell::{PipFront, Tool};

use pristine_diagnostics::{Edit, Fix};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{in_final_image, runs, var_before, var_set};

declare_rule! {
    /// ## What it does
    /// Checks for `uv sync` and `uv pip install` in a stage of the final image that leave uv's
    /// cache (`~/.cache/uv`) in the layer: no `--no-cache`, no `UV_NO_CACHE`, no cache/tmpfs
    /// mount on the uv cache directory (`…/.cache/uv` or `UV_CACHE_DIR`), and no
    /// `uv cache clean`/`rm -rf …/.cache/uv` later in the same `RUN`.
    ///
    /// ## Why is this bad?
    /// uv's Docker guide: without a cache mount, use `--no-cache` or `UV_NO_CACHE` "to reduce
    /// image size". The cache holds every wheel uv downloaded or built.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY --from=ghcr.io/astral-sh/uv:0.5.11 /uv /bin/
    /// RUN uv sync --locked
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY --from=ghcr.io/astral-sh/uv:0.5.11 /uv /bin/
    /// ENV UV_LINK_MODE=copy
    /// RUN --mount=type=cache,target=/root/.cache/uv uv sync --locked
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts `--no-cache` after the subcommand (`uv sync --no-cache`,
    /// `uv pip install --no-cache`). It is safe: uv then uses a temporary cache directory for
    /// the run and removes it, which changes what the layer keeps, not what is installed. With
    /// BuildKit, a cache mount (see above) is the better cure: it also speeds up rebuilds.
    ///
    /// ## References
    /// - [uv: Using uv in Docker, "Caching"](https://docs.astral.sh/uv/guides/integration/docker/#caching)
    /// - python-rules.md R21 `uv-cache-mount-settings`, R29
    pub(crate) struct UvCacheInLayer {
        code: "PY011",
        name: "uv-cache-in-layer",
        family: Python,
        severity: Warning,
        fix: Always,
        hadolint: [],
        buildkit: [],
        summary: "uv leaves its cache in the image",
    }
}

/// PY011
pub(crate) fn uv_cache_in_layer(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for run in runs(checker, &scripts) {
        if !in_final_image(checker, run.stage) {
            continue;
        }
        let cache_dir = var_before(checker, run.stage, run.index, "UV_CACHE_DIR");
        for inv in &run.model.invocations {
            // The subcommand word `--no-cache` goes after.
            let subcommand = match inv.tool {
                Tool::Uv if matches!(inv.subcommand(), "sync" | "add") => inv.subcommands.first(),
                Tool::Pip(PipFront::Uv) => inv
                    .subcommands
                    .get(1)
                    .filter(|w| matches!(w.text.as_str(), "install" | "sync")),
                _ => None,
            };
            let Some(subcommand) = subcommand else {
                continue;
            };
            let mut needles = vec![
                ".cache/uv".to_owned(),
                "/root/.cache".to_owned(),
                "~/.cache".to_owned(),
            ];
            if let Some(dir) = &cache_dir {
                needles.push(dir.clone());
            }
            let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
            if inv.opts.has(&["--no-cache", "-n"])
                || var_set(checker, &run, inv.command, "UV_NO_CACHE")
                || run.has_cache_mount(&needles)
                || run.has_cache_mount(&[".cache"])
                || run.removes_after(inv.index, &needles)
                || run.runs_after(inv.index, "uv", &["cache", "clean"])
                || run.runs_after(inv.index, "uv", &["cache", "prune"])
            {
                continue;
            }
            found.push((inv.command.range, subcommand.range));
        }
    }
    for (range, subcommand) in found {
        let diagnostic = checker
            .diagnostic(Rule::UvCacheInLayer, "uv's cache is left in the layer".to_owned(), range)
            .with_help("Mount a cache (`RUN --mount=type=cache,target=/root/.cache/uv`) or pass `--no-cache`")
            .with_fix(Fix::safe(vec![Edit::insertion(" --no-cache", subcommand.end())]));
        checker.report(diagnostic);
    }
}
