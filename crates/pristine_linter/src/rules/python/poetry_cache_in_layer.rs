use pristine_diagnostics::{Edit, Fix};
use pristine_shell::{Connector, RunForm, RunScript, Tool, invocations};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{Run, in_final_image, runs, var_before};

declare_rule! {
    /// ## What it does
    /// Checks for `poetry install`/`poetry sync` in a stage of the final image that leaves
    /// Poetry's cache (`~/.cache/pypoetry`, or `POETRY_CACHE_DIR`) in the layer: no cache or
    /// tmpfs mount on it, and no `rm -rf` of it later in the same `RUN`.
    ///
    /// `--no-cache` and `poetry cache clear` do not count: Poetry's `--no-cache` "Disables
    /// Poetry source caches" (the HTTP cache of the repositories), while the installer still
    /// downloads every archive into the artifact cache, `<cache-dir>/artifacts`
    /// (`Executor._download_link` → `ArtifactCache.get_cached_archive_for_link`, built in
    /// `RepositoryPool` from `config.artifacts_cache_directory`; Poetry 2.x,
    /// `src/poetry/installation/executor.py`, `src/poetry/repositories/repository_pool.py`);
    /// `poetry cache clear <name> --all` empties only `<cache-dir>/cache/repositories/<name>`
    /// (`src/poetry/console/commands/cache/clear.py`).
    ///
    /// ## Why is this bad?
    /// Poetry keeps the downloaded wheels and sdists and its repository metadata under the
    /// cache directory; in the image they only add size. The common pattern sets
    /// `POETRY_CACHE_DIR=/tmp/poetry_cache` and removes it in the same `RUN`, or mounts it as a
    /// cache.
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
    /// ## Fix safety
    /// When `POETRY_CACHE_DIR` is set by an `ENV` (or `ARG` default) before the `RUN` to an
    /// absolute path naming a cache (`/tmp/poetry_cache`), Poetry's virtualenv is known to live
    /// elsewhere (`POETRY_VIRTUALENVS_CREATE=false`, `POETRY_VIRTUALENVS_IN_PROJECT=true`, or a
    /// `POETRY_VIRTUALENVS_PATH` outside the cache: by default Poetry puts its virtualenvs in
    /// `<cache-dir>/virtualenvs`), and the `RUN` is a plain `&&` chain of simple commands, the
    /// fix appends ` && rm -rf $POETRY_CACHE_DIR` to it. It is unsafe: the linter cannot see
    /// what else is in that directory when the image is built (another tool's files, `POETRY_HOME`
    /// set inside it), nor a later build step that reads the cache (an offline `poetry install`).
    /// Otherwise there is no fix: `--no-cache` would not remove the artifact cache (see above).
    ///
    /// ## References
    /// - [Poetry configuration: `cache-dir`, `virtualenvs.path`](https://python-poetry.org/docs/configuration/#cache-dir)
    /// - [Poetry CLI: global options (`--no-cache`)](https://python-poetry.org/docs/cli/#global-options)
    /// - python-rules.md R29 (uv/poetry caches), R71
    pub(crate) struct PoetryCacheInLayer {
        code: "PY012",
        name: "poetry-cache-in-layer",
        family: Python,
        severity: Warning,
        fix: Sometimes,
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
            if run.has_cache_mount(&needles)
                || run.has_cache_mount(&[".cache"])
                || run.removes_after(inv.index, &needles)
            {
                continue;
            }
            let fix = cache_dir
                .as_deref()
                .and_then(|dir| remove_cache_fix(checker, &run, &scripts, dir));
            found.push((inv.command.range, fix));
        }
    }
    for (range, fix) in found {
        let mut diagnostic = checker
            .diagnostic(
                Rule::PoetryCacheInLayer,
                "Poetry's cache is left in the layer".to_owned(),
                range,
            )
            .with_help("Mount Poetry's cache directory as a cache, or remove it in the same `RUN`");
        if let Some(fix) = fix {
            diagnostic = diagnostic.with_fix(fix);
        }
        checker.report(diagnostic);
    }
}

/// ` && rm -rf $POETRY_CACHE_DIR` after the last command of `run`, under the conditions of the
/// rule's "Fix safety".
fn remove_cache_fix(
    checker: &Checker,
    run: &Run,
    scripts: &[RunScript],
    cache_dir: &str,
) -> Option<Fix> {
    let var = |name: &str| var_before(checker, run.stage, run.index, name);
    let is = |name: &str, values: &[&str]| {
        var(name).is_some_and(|v| values.iter().any(|x| v.eq_ignore_ascii_case(x)))
    };
    let dir = cache_dir.trim_end_matches('/');
    if !dir.starts_with('/')
        || dir.contains(['$', ' ', '\t'])
        || !dir.to_ascii_lowercase().contains("cache")
    {
        return None;
    }
    // Poetry's default `virtualenvs.path` is `{cache-dir}/virtualenvs`: removing the cache
    // would remove the environment the install made.
    let venv_elsewhere = is("POETRY_VIRTUALENVS_CREATE", &["false", "0"])
        || is("POETRY_VIRTUALENVS_IN_PROJECT", &["true", "1"])
        || var("POETRY_VIRTUALENVS_PATH").is_some_and(|p| {
            p.starts_with('/') && !p.contains('$') && p != dir && !p.starts_with(&format!("{dir}/"))
        });
    if !venv_elsewhere {
        return None;
    }
    let rs = scripts
        .iter()
        .find(|s| s.instruction == run.index && !s.onbuild)?;
    let node = &checker.dockerfile.instructions.get(run.index)?.node;
    let plain = |c: &pristine_shell::Command| {
        let x = c.context;
        !(x.subshell
            || x.pipeline
            || x.substitution
            || x.loop_body
            || x.branch
            || x.function
            || x.negated
            || x.nested_shell)
            && c.connector.is_none_or(|k| k == Connector::And)
            && c.followed_by.is_none_or(|k| k == Connector::And)
    };
    if rs.form != RunForm::Shell
        || run.script.has_error
        || !node.heredocs.is_empty()
        || !run.script.commands.iter().all(plain)
    {
        return None;
    }
    let last = run.script.commands.last()?;
    Some(Fix::unsafe_edits(vec![Edit::insertion(
        " && rm -rf $POETRY_CACHE_DIR",
        last.range.end(),
    )]))
}
