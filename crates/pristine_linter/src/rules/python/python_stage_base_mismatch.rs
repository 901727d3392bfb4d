use pristine_dockerfile::{Command, CopySource, Source};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{ImageRef, command, is_alpine_image, python_minor, root_image};

declare_rule! {
    /// ## What it does
    /// Checks `COPY --from=<stage>` of a Python environment (a virtual environment,
    /// `site-packages`, `/usr/local`, `~/.local`, wheels) between stages whose `python` base
    /// images differ in the Python minor version (`3.11` vs `3.12`) or in the C library
    /// (Alpine/musl vs Debian/glibc).
    ///
    /// ## Why is this bad?
    /// A venv records the absolute path and version of its interpreter, packages live under
    /// `lib/pythonX.Y/site-packages`, and extension modules are built for one ABI
    /// (`.cpython-312-x86_64-linux-gnu.so`). Copied into an image with another Python or libc
    /// they fail at start-up with `ModuleNotFoundError`, `exec …: no such file or directory` or
    /// `Error relocating …: symbol not found`. uv's example: "It is important to use the image
    /// that matches the builder, as the path to the Python executable must be the same".
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim AS build
    /// RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir flask==3.0.3
    ///
    /// FROM python:3.11-alpine
    /// COPY --from=build /opt/venv /opt/venv
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim AS build
    /// RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir flask==3.0.3
    ///
    /// FROM python:3.12-slim
    /// COPY --from=build /opt/venv /opt/venv
    /// ```
    ///
    /// ## References
    /// - [uv-docker-example `multistage.Dockerfile`](https://github.com/astral-sh/uv-docker-example/blob/main/multistage.Dockerfile)
    /// - [docker-library/python#421](https://github.com/docker-library/python/issues/421) (GLIBC mismatch in a multi-stage build)
    /// - python-rules.md R37 `stage-base-mismatch`
    pub(crate) struct PythonStageBaseMismatch {
        code: "PY043",
        name: "python-stage-base-mismatch",
        family: Python,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Python environment copied between stages with different Python or libc",
    }
}

fn is_python_env_path(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    p.contains("venv")
        || p.contains("site-packages")
        || p.starts_with("/usr/local")
        || p.contains(".local")
        || p.contains("wheel")
        || p.contains("/lib/python")
}

/// (minor version, musl) of a Python image, when both are known.
fn flavour(image: &str) -> Option<((u32, u32), bool)> {
    let reference = ImageRef::parse(image);
    if !reference.is_official_python() {
        return None;
    }
    let minor = python_minor(reference.tag?)?;
    Some((minor, is_alpine_image(&reference)))
}

/// PY043
pub(crate) fn python_stage_base_mismatch(checker: &mut Checker) {
    let mut found = Vec::new();
    for stage in &checker.stages.stages {
        let Some(target) = root_image(&checker.stages, stage.index).and_then(flavour) else {
            continue;
        };
        for edge in &stage.copy_from {
            let CopySource::Stage(source) = edge.source else {
                continue;
            };
            let Some(from) = root_image(&checker.stages, source).and_then(flavour) else {
                continue;
            };
            if from == target {
                continue;
            }
            let Some(Command::Copy(copy)) = command(checker, edge.instruction) else {
                continue;
            };
            let copies_env = copy.sources.iter().any(|s| match s {
                Source::Path(p) => is_python_env_path(&p.value),
                Source::Heredoc { .. } => false,
            });
            if !copies_env {
                continue;
            }
            let describe = |(minor, musl): ((u32, u32), bool)| {
                format!(
                    "Python {}.{} on {}",
                    minor.0,
                    minor.1,
                    if musl { "musl (Alpine)" } else { "glibc" }
                )
            };
            found.push((
                edge.range,
                format!(
                    "Copies a Python environment built for {} into a stage with {}",
                    describe(from),
                    describe(target)
                ),
            ));
        }
    }
    for (range, message) in found {
        let diagnostic = checker
            .diagnostic(Rule::PythonStageBaseMismatch, message, range)
            .with_help(
                "Use the same Python `X.Y` and the same libc (and Debian release) in both stages",
            );
        checker.report(diagnostic);
    }
}
