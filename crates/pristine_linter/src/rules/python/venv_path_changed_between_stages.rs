use pristine_dockerfile::{Command, CopySource, Source};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{absolute, command, is_venv_path, workdir_at};

declare_rule! {
    /// ## What it does
    /// Checks `COPY --from=<stage> <venv> <dest>` where the source is a virtual environment
    /// (`.venv`, `venv`, `/opt/venv`, `…-venv`) and it lands at another absolute path than the
    /// one it was built at (`/build/.venv` → `/app/.venv`). Relative paths are resolved against
    /// each stage's `WORKDIR`.
    ///
    /// ## Why is this bad?
    /// A venv is not relocatable: console scripts start with the absolute interpreter path
    /// (`#!/build/.venv/bin/python`) and `activate` embeds the directory. After the move,
    /// `python -m uvicorn` still works but `uvicorn` fails with
    /// `exec /app/.venv/bin/uvicorn: no such file or directory`. The `venv` documentation: if
    /// you move an environment "you should recreate the environment in its new location".
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim AS build
    /// WORKDIR /build
    /// RUN python -m venv .venv && .venv/bin/pip install --no-cache-dir uvicorn==0.30.1
    ///
    /// FROM python:3.12-slim
    /// COPY --from=build /build/.venv /app/.venv
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim AS build
    /// WORKDIR /app
    /// RUN python -m venv .venv && .venv/bin/pip install --no-cache-dir uvicorn==0.30.1
    ///
    /// FROM python:3.12-slim
    /// COPY --from=build /app/.venv /app/.venv
    /// ```
    ///
    /// ## References
    /// - [`venv` — Creation of virtual environments](https://docs.python.org/3/library/venv.html) (how venvs work)
    /// - [PEP 405](https://peps.python.org/pep-0405/)
    /// - [CashPilot#68](https://github.com/GeiserX/CashPilot/pull/68) (a real failure)
    /// - python-rules.md R40 `env-path-changed-between-stages`
    pub(crate) struct VenvPathChangedBetweenStages {
        code: "PY050",
        name: "venv-path-changed-between-stages",
        family: Python,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Virtual environment copied to another path than it was created at",
    }
}

/// PY050
pub(crate) fn venv_path_changed_between_stages(checker: &mut Checker) {
    let mut found = Vec::new();
    for stage in &checker.stages.stages {
        for edge in &stage.copy_from {
            let CopySource::Stage(source_index) = edge.source else {
                continue;
            };
            let Some(source_stage) = checker.stages.stages.get(source_index) else {
                continue;
            };
            let Some(Command::Copy(copy)) = command(checker, edge.instruction) else {
                continue;
            };
            let [Source::Path(src)] = copy.sources.as_slice() else {
                continue;
            };
            if !is_venv_path(&src.value) || src.value.contains('*') {
                continue;
            }
            // The source path is read in the source stage's final working directory.
            let Some(from) = absolute(&src.value, Some(&source_stage.workdir)).filter(|_| {
                src.value.starts_with('/')
                    || workdir_at(checker, source_stage, usize::MAX).is_some()
            }) else {
                continue;
            };
            let workdir = workdir_at(checker, stage, edge.instruction);
            let Some(to) = absolute(&copy.dest.value, workdir.as_deref()) else {
                continue;
            };
            // `COPY --from=b /opt/venv /opt/` copies the venv's *contents* into `/opt/`:
            // that is a move as well.
            if to != from {
                found.push((src.range, from, to));
            }
        }
    }
    for (range, from, to) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::VenvPathChangedBetweenStages,
                format!("Virtual environment built at `{from}` is copied to `{to}`; its scripts still point at `{from}`"),
                range,
            )
            .with_help("Create the venv at the path it has in the final image (e.g. `/opt/venv` in both stages)");
        checker.report(diagnostic);
    }
}
