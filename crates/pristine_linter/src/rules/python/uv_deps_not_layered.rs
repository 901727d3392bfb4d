use pristine_shell::{Invocation, Script, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::fixes::uv_layering;
use crate::rules::python::helpers::report_install_after_context_copy_with_fix;

declare_rule! {
    /// ## What it does
    /// Checks for `uv sync` after `COPY . .` with no earlier `uv sync --no-install-project`
    /// (or `--no-install-workspace`) that saw only `pyproject.toml` and `uv.lock`.
    ///
    /// Only the stage of the install (and the stages it is built `FROM`) is looked at; a
    /// separate stage that copies the context to extract the manifests does not count as a
    /// whole-context copy.
    ///
    /// ## Why is this bad?
    /// Docker re-runs every instruction after the first one whose inputs changed. With the
    /// whole context copied first, editing any source file invalidates the dependency
    /// install: "Updating any file causes a reinstall of all dependencies every time" (Docker's
    /// cache guide). uv's Docker guide, "Intermediate layers": install the
    /// dependencies with `--no-install-project` from a bind-mounted `uv.lock` and `pyproject.toml`,
    /// then copy the project and sync again.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY --from=ghcr.io/astral-sh/uv:0.5.11 /uv /bin/
    /// WORKDIR /app
    /// COPY . .
    /// RUN uv sync --locked
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY --from=ghcr.io/astral-sh/uv:0.5.11 /uv /bin/
    /// WORKDIR /app
    /// RUN --mount=type=cache,target=/root/.cache/uv \\
    ///     --mount=type=bind,source=uv.lock,target=uv.lock \\
    ///     --mount=type=bind,source=pyproject.toml,target=pyproject.toml \\
    ///     uv sync --locked --no-install-project
    /// COPY . .
    /// RUN --mount=type=cache,target=/root/.cache/uv uv sync --locked
    /// ```
    ///
    /// ## Fix safety
    /// In the plain case (`COPY . .` directly followed by the `RUN` whose first command is the
    /// one `uv sync --locked` or `--frozen`), the fix inserts before `COPY . .` the same `RUN` flags and `uv sync`
    /// with `--no-install-project`, on bind mounts of `uv.lock` and `pyproject.toml`, as uv's
    /// guide does; the `uv sync` after `COPY . .` stays and installs the project. It is unsafe:
    /// `RUN --mount` needs BuildKit, and a project whose dependency resolution needs more
    /// than those two files (workspace members, path dependencies, a `README` read by the build
    /// backend of a dependency) fails in the new step.
    ///
    /// `COPY . .` stands for any whole-context copy (`COPY . <dest>` or `ADD . <dest>`, also
    /// `./`) whose destination is the working directory: `.`, or `WORKDIR /app` with
    /// `COPY . /app` (or `/app/`, `ADD . /app`). No fix when the destination is
    /// another directory, or where it lands is not known (a variable in the destination or
    /// `WORKDIR`, a relative destination without a `WORKDIR`), or a `WORKDIR` stands between
    /// the copy and the install: `uv sync` syncs the project of the working directory, where the bind mounts put `uv.lock` and `pyproject.toml`, so the dependency-only step would not
    /// see the manifests that the install after the copy uses.
    ///
    /// ## References
    /// - [Docker: Optimize cache usage](https://docs.docker.com/build/cache/optimize/)
    /// - [uv: Using uv in Docker, "Intermediate layers"](https://docs.astral.sh/uv/guides/integration/docker/#intermediate-layers)
    /// - python-rules.md R20 `uv-deps-not-layered`
    pub(crate) struct UvDepsNotLayered {
        code: "PY004",
        name: "uv-deps-not-layered",
        family: Python,
        severity: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "`uv sync` after copying the whole build context",
    }
}

fn is_install(_: &Script, inv: &Invocation) -> bool {
    inv.tool == Tool::Uv && inv.subcommand() == "sync"
}

fn is_earlier_install(script: &Script, inv: &Invocation) -> bool {
    is_install(script, inv)
}

/// PY004
pub(crate) fn uv_deps_not_layered(checker: &mut Checker) {
    report_install_after_context_copy_with_fix(
        checker,
        Rule::UvDepsNotLayered,
        "`uv sync`",
        &is_install,
        &is_earlier_install,
        &uv_layering,
    );
}
