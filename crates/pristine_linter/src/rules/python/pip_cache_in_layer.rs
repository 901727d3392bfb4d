use pristine_diagnostics::{Edit, Fix};
use pristine_shell::PipFront;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{in_final_image, runs, var_set};

declare_rule! {
    /// ## What it does
    /// Checks for `pip install` (`pip`, `pip3`, `…/bin/pip`, `python -m pip`) in a stage of the
    /// final image that leaves pip's cache (`~/.cache/pip`) in the layer. Any of these counts
    /// as fine:
    /// - `--no-cache-dir`, or its abbreviation `--no-cache` (pip accepts unique prefixes);
    /// - `PIP_NO_CACHE_DIR` with **any** value — `1`, `true`, but also `0`, `off`, `false`:
    ///   pip's `_handle_no_cache_dir` disables the cache for every valid boolean, for
    ///   backwards compatibility — set by `ENV`, an `ARG` default, `export` or inline;
    /// - a `--mount=type=cache` or `type=tmpfs` on the pip cache directory;
    /// - `pip cache purge` or `rm -rf …/.cache/pip` (or `/root/.cache`) later in the same `RUN`.
    ///
    /// Builder stages are not checked: their layers do not reach the final image.
    ///
    /// hadolint DL3042 differs on real files: it only accepts truthy `PIP_NO_CACHE_DIR` values
    /// (so `PIP_NO_CACHE_DIR=off`, used by Netflix/dispatch and mealie, is a false positive),
    /// does not know `--no-cache` or same-step cleanup, and flags builder stages.
    ///
    /// ## Why is this bad?
    /// pip caches downloaded and built wheels; in an image nobody runs pip again, so the cache
    /// is dead weight — often tens or hundreds of megabytes (FastAPI's guide: "the cache is
    /// only useful if pip runs again").
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts `--no-cache-dir` after `install`. It is safe: it changes only where pip
    /// keeps downloads.
    ///
    /// ## References
    /// - [pip: Caching](https://pip.pypa.io/en/stable/topics/caching/)
    /// - pip `src/pip/_internal/cli/cmdoptions.py` (`_handle_no_cache_dir`)
    /// - [Docker guide: Containerize a Python application](https://docs.docker.com/guides/python/containerize/) (cache mount)
    /// - hadolint DL3042
    /// - python-rules.md R29 `pip-cache-in-layer`
    pub(crate) struct PipCacheInLayer {
        code: "PY010",
        name: "pip-cache-in-layer",
        family: Python,
        severity: Warning,
        fix: Always,
        hadolint: ["DL3042"],
        buildkit: [],
        summary: "`pip install` leaves pip's cache in the image",
    }
}

/// PY010
pub(crate) fn pip_cache_in_layer(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for run in runs(checker, &scripts) {
        if !in_final_image(checker, run.stage) {
            continue;
        }
        for pip in &run.model.pip_installs {
            if pip.front == PipFront::Uv
                || pip.no_cache_dir
                || pip.invocation.opts.has(&["--no-cache"])
                || var_set(checker, &run, pip.invocation.command, "PIP_NO_CACHE_DIR")
                || run.has_cache_mount(&[".cache/pip", ".cache"])
                || run.removes_after(
                    pip.invocation.index,
                    &[".cache/pip", "/root/.cache", "~/.cache", "$HOME/.cache"],
                )
                || run.runs_after(pip.invocation.index, "pip", &["cache", "purge"])
                || run.runs_after(pip.invocation.index, "pip3", &["cache", "purge"])
            {
                continue;
            }
            // The fix inserts after `install` as written in the Dockerfile. In an `sh -c`
            // script whose argument is not one quoted string (`"pip3 install -c "pip3`), the
            // nested words map only to the whole argument: inserting at its end lands outside
            // the script and the finding never goes (fuzzing, `fix_converge`). So only where
            // the word's range holds exactly the word.
            let install = pip
                .invocation
                .subcommands
                .first()
                .filter(|w| {
                    checker.source.get(std::ops::Range::<usize>::from(w.range))
                        == Some(w.raw.as_str())
                })
                .map(|w| w.range);
            found.push((pip.invocation.command.range, install));
        }
    }
    for (range, install) in found {
        let mut diagnostic = checker
            .diagnostic(
                Rule::PipCacheInLayer,
                "`pip install` without `--no-cache-dir` leaves pip's cache in the layer".to_owned(),
                range,
            )
            .with_help("Add `--no-cache-dir`, or mount a cache: `RUN --mount=type=cache,target=/root/.cache/pip`");
        if let Some(install) = install {
            diagnostic = diagnostic.with_fix(Fix::safe(vec![Edit::insertion(
                " --no-cache-dir",
                install.end(),
            )]));
        }
        checker.report(diagnostic);
    }
}
