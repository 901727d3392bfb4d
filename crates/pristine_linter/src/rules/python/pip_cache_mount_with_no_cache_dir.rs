use pristine_shell::PipFront;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::runs;

declare_rule! {
    /// ## What it does
    /// Checks for a `RUN` that mounts a cache on pip's cache directory and also passes
    /// `--no-cache-dir` to `pip install`.
    ///
    /// ## Why is this bad?
    /// The two contradict each other: `--no-cache-dir` makes pip ignore the cache, so the mount
    /// never speeds up a rebuild. Keep the mount (faster rebuilds, nothing in the layer) and
    /// drop the flag.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN --mount=type=cache,target=/root/.cache/pip pip install --no-cache-dir -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    /// ```
    ///
    /// ## References
    /// - [Docker: cache mounts](https://docs.docker.com/build/cache/optimize/#use-cache-mounts)
    /// - [pip: Caching](https://pip.pypa.io/en/stable/topics/caching/)
    /// - python-rules.md R29 (contradiction check)
    pub(crate) struct PipCacheMountWithNoCacheDir {
        code: "PY013",
        name: "pip-cache-mount-with-no-cache-dir",
        family: Python,
        severity: Info,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "pip cache mount made useless by `--no-cache-dir`",
    }
}

/// PY013
pub(crate) fn pip_cache_mount_with_no_cache_dir(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for run in runs(checker, &scripts) {
        if !run.has_cache_mount(&[".cache/pip"]) {
            continue;
        }
        for pip in &run.model.pip_installs {
            if pip.front != PipFront::Uv && pip.no_cache_dir {
                found.push(pip.invocation.command.range);
            }
        }
    }
    for range in found {
        let diagnostic = checker
            .diagnostic(
                Rule::PipCacheMountWithNoCacheDir,
                "`--no-cache-dir` makes pip ignore the cache mounted for it".to_owned(),
                range,
            )
            .with_help(
                "Drop `--no-cache-dir`; the cache mount already keeps the cache out of the layer",
            );
        checker.report(diagnostic);
    }
}
