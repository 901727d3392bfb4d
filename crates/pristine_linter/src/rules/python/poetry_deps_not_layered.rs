use pristine_shell::{Invocation, Script, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::fixes::poetry_layering;
use crate::rules::python::helpers::report_install_after_context_copy_with_fix;

declare_rule! {
    /// ## What it does
    /// Checks for `poetry install`/`poetry sync` after `COPY . .` with no earlier
    /// `poetry install --no-root` that saw only `pyproject.toml` and `poetry.lock`.
    ///
    /// Only the stage of the install (and the stages it is built `FROM`) is looked at; a
    /// separate stage that copies the context to extract the manifests does not count as a
    /// whole-context copy.
    ///
    /// ## Why is this bad?
    /// Docker re-runs every instruction after the first one whose inputs changed. With the
    /// whole context copied first, editing any source file invalidates the dependency
    /// install: "Updating any file causes a reinstall of all dependencies every time" (Docker's
    /// cache guide). Poetry's FAQ ("Poetry busts my Docker cache") recommends
    /// `poetry install --no-root --no-directory` with only the manifest and lock, then the sources,
    /// then `poetry install`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . .
    /// RUN poetry install --only main
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY pyproject.toml poetry.lock ./
    /// RUN poetry install --only main --no-root --no-directory
    /// COPY . .
    /// RUN poetry install --only main
    /// ```
    ///
    /// ## Fix safety
    /// In the plain case (`COPY . .` directly followed by the `RUN` whose first command is the
    /// one `poetry install`), the fix inserts before `COPY . .` a `COPY pyproject.toml
    /// poetry.lock* ./` (with the `COPY`'s flags; the wildcard lets a project without a lock
    /// file build) and the same `RUN` flags and `poetry install` with `--no-root`, as Poetry's
    /// FAQ does; the install after `COPY . .` stays and installs the project. It is unsafe:
    /// path dependencies and a `readme` or package files the dependency install reads are not
    /// there yet, so the new step can fail where the old one did not.
    ///
    /// `COPY . .` stands for any whole-context copy (`COPY . <dest>` or `ADD . <dest>`, also
    /// `./`) whose destination is the working directory: `.`, or `WORKDIR /app` with
    /// `COPY . /app` (or `/app/`, `ADD . /app`);
    /// the manifests are copied to the same destination, `COPY pyproject.toml poetry.lock* /app/`, always with `COPY`
    /// (`ADD` would unpack a manifest that is a tar archive). No fix when the destination is
    /// another directory, or where it lands is not known (a variable in the destination or
    /// `WORKDIR`, a relative destination without a `WORKDIR`), or a `WORKDIR` stands between
    /// the copy and the install: Poetry reads the `pyproject.toml` of the working directory, so the dependency-only step would not
    /// see the manifests that the install after the copy uses.
    ///
    /// ## References
    /// - [Docker: Optimize cache usage](https://docs.docker.com/build/cache/optimize/)
    /// - [Poetry FAQ](https://python-poetry.org/docs/faq/)
    /// - python-rules.md R17 `poetry-deps-not-layered`
    pub(crate) struct PoetryDepsNotLayered {
        code: "PY003",
        name: "poetry-deps-not-layered",
        family: Python,
        severity: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "`poetry install` after copying the whole build context",
    }
}

fn is_install(_: &Script, inv: &Invocation) -> bool {
    inv.tool == Tool::Poetry && matches!(inv.subcommand(), "install" | "sync")
}

fn is_earlier_install(script: &Script, inv: &Invocation) -> bool {
    is_install(script, inv)
}

/// PY003
pub(crate) fn poetry_deps_not_layered(checker: &mut Checker) {
    report_install_after_context_copy_with_fix(
        checker,
        Rule::PoetryDepsNotLayered,
        "`poetry install`",
        &is_install,
        &is_earlier_install,
        &poetry_layering,
    );
}
