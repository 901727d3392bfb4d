use pristine_shell::{Invocation, PipInstall, Script, Tool, pip_installs};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::report_install_after_context_copy;

declare_rule! {
    /// ## What it does
    /// Checks for `pip install .` (or `-e .`, `uv pip install .`) of the project after `COPY . .`
    /// with no earlier install of its dependencies (from a requirements file, an exported lock,
    /// `uv pip install -r pyproject.toml` or `pip install --only-deps .`).
    ///
    /// Only the stage of the install (and the stages it is built `FROM`) is looked at; a
    /// separate stage that copies the context to extract the manifests does not count as a
    /// whole-context copy.
    ///
    /// ## Why is this bad?
    /// Docker re-runs every instruction after the first one whose inputs changed. With the
    /// whole context copied first, editing any source file invalidates the dependency
    /// install: "Updating any file causes a reinstall of all dependencies every time" (Docker's
    /// cache guide). pip has no "dependencies only" step by default, so
    /// every source change rebuilds the whole dependency layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY . .
    /// RUN pip install --no-cache-dir .
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// COPY . .
    /// RUN pip install --no-cache-dir --no-deps .
    /// ```
    ///
    /// ## References
    /// - [Docker: Optimize cache usage](https://docs.docker.com/build/cache/optimize/)
    /// - [uv: Using uv in Docker, "Installing a project"](https://docs.astral.sh/uv/guides/integration/docker/)
    /// - [pip user guide: installing only dependencies](https://pip.pypa.io/en/stable/user_guide/)
    /// - python-rules.md R16 `pyproject-deps-not-layered`
    pub(crate) struct ProjectDepsNotLayered {
        code: "PY002",
        name: "project-deps-not-layered",
        family: Python,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Project installed with its dependencies after copying the whole build context",
    }
}

fn is_install(script: &Script, inv: &Invocation) -> bool {
    matches!(inv.tool, Tool::Pip(_))
        && pip_install(script, inv).is_some_and(|p| {
            p.requirements.is_empty()
                && p.packages
                    .iter()
                    .map(|w| w.text.as_str())
                    .chain(p.editables.iter().map(String::as_str))
                    .any(|t| t == "." || t == "./" || t.starts_with(".[") || t.starts_with("./["))
                && !p.no_deps
        })
}

fn is_earlier_install(script: &Script, inv: &Invocation) -> bool {
    matches!(inv.tool, Tool::Pip(_))
        && pip_install(script, inv)
            .is_some_and(|p| !p.requirements.is_empty() || p.invocation.opts.has(&["--only-deps"]))
}

/// PY002
pub(crate) fn project_deps_not_layered(checker: &mut Checker) {
    report_install_after_context_copy(
        checker,
        Rule::ProjectDepsNotLayered,
        "The project install",
        &is_install,
        &is_earlier_install,
    );
}

/// The `pip install` view of an invocation of `script`.
fn pip_install<'s>(script: &'s Script, inv: &Invocation) -> Option<PipInstall<'s>> {
    pip_installs(script)
        .into_iter()
        .find(|p| p.invocation.index == inv.index)
}
