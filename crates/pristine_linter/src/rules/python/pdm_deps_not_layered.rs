use pristine_shell::{Invocation, Script, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::fixes::pdm_layering;
use crate::rules::python::helpers::report_install_after_context_copy_with_fix;

declare_rule! {
    /// ## What it does
    /// Checks for `pdm install`/`pdm sync` after `COPY . .` with no earlier install from only
    /// `pyproject.toml` and `pdm.lock` (e.g. `pdm install --no-self`).
    ///
    /// Only the stage of the install (and the stages it is built `FROM`) is looked at; a
    /// separate stage that copies the context to extract the manifests does not count as a
    /// whole-context copy.
    ///
    /// ## Why is this bad?
    /// Docker re-runs every instruction after the first one whose inputs changed. With the
    /// whole context copied first, editing any source file invalidates the dependency
    /// install: "Updating any file causes a reinstall of all dependencies every time" (Docker's
    /// cache guide). PDM's options make the layered pattern possible:
    /// `--no-self` ("Don't install the project itself") with `--frozen-lockfile`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . /project
    /// WORKDIR /project
    /// RUN pdm install --check --prod --no-editable
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /project
    /// COPY pyproject.toml pdm.lock ./
    /// RUN pdm install --check --prod --no-self --no-editable
    /// COPY . .
    /// RUN pdm install --check --prod --no-editable
    /// ```
    ///
    /// ## Fix safety
    /// In the plain case (`COPY . .` directly followed by the `RUN` whose first command is the
    /// one `pdm install`), the fix inserts before `COPY . .` a `COPY pyproject.toml pdm.lock*
    /// ./` (with the `COPY`'s flags; the wildcard lets a project without a lock file build) and
    /// the same `RUN` flags and `pdm install` with `--no-self`, as PDM's example does; the
    /// install after `COPY . .` stays and installs the project. It is unsafe: path
    /// dependencies, a `readme` or a dynamic version the install reads are not there yet, so
    /// the new step can fail where the old one did not.
    ///
    /// `COPY . .` stands for any whole-context copy (`COPY . <dest>` or `ADD . <dest>`, also
    /// `./`) whose destination is the working directory: `.`, or `WORKDIR /app` with
    /// `COPY . /app` (or `/app/`, `ADD . /app`);
    /// the manifests are copied to the same destination, `COPY pyproject.toml pdm.lock* /app/`, always with `COPY`
    /// (`ADD` would unpack a manifest that is a tar archive). No fix when the destination is
    /// another directory, or where it lands is not known (a variable in the destination or
    /// `WORKDIR`, a relative destination without a `WORKDIR`), or a `WORKDIR` stands between
    /// the copy and the install: PDM reads the `pyproject.toml` of the working directory, so the dependency-only step would not
    /// see the manifests that the install after the copy uses.
    ///
    /// ## References
    /// - [Docker: Optimize cache usage](https://docs.docker.com/build/cache/optimize/)
    /// - [PDM: Use PDM in a multi-stage Dockerfile](https://pdm-project.org/en/latest/usage/advanced/)
    /// - python-rules.md R25 `pdm-deps-not-layered`
    pub(crate) struct PdmDepsNotLayered {
        code: "PY006",
        name: "pdm-deps-not-layered",
        family: Python,
        severity: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "`pdm install` after copying the whole build context",
    }
}

fn is_install(_: &Script, inv: &Invocation) -> bool {
    inv.tool == Tool::Pdm && matches!(inv.subcommand(), "install" | "sync")
}

fn is_earlier_install(script: &Script, inv: &Invocation) -> bool {
    is_install(script, inv)
}

/// PY006
pub(crate) fn pdm_deps_not_layered(checker: &mut Checker) {
    report_install_after_context_copy_with_fix(
        checker,
        Rule::PdmDepsNotLayered,
        "`pdm install`",
        &is_install,
        &is_earlier_install,
        &pdm_layering,
    );
}
