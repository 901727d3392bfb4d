use pristine_shell::{Invocation, Script, pip_install};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::fixes::project_layering;
use crate::rules::python::helpers::report_install_after_context_copy_with_fix;

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
    /// ## Fix safety
    /// In the plain case (`COPY . .` directly followed by the `RUN` whose first command is the
    /// one install, naming only the project), the fix inserts before `COPY . .` a `COPY
    /// pyproject.toml ./` (with the `COPY`'s flags) and a dependency-only install with the same
    /// `RUN` flags and options; the install after `COPY . .` stays and installs the project:
    ///
    /// - `uv pip install .` → `uv pip install -r pyproject.toml`, as uv's Docker guide does;
    /// - `pip install .` (or `-e .`, `.[extra]`) → `pip install --only-deps .`, only when an
    ///   earlier `RUN` of the stage installs `pip` pinned at 26.2 or later (`pip==26.2`,
    ///   `pip>=26.2`) with the same program and nothing since switches to another pip (an
    ///   `ENV PATH`/`VIRTUAL_ENV`, a new venv). `--only-deps` is new in pip 26.2 and older pips
    ///   reject it; an unpinned `pip install --upgrade pip` gets whatever the index offers for
    ///   the image's Python, so it gets no fix, and neither does a Dockerfile that keeps the
    ///   base image's pip.
    ///
    /// No fix for a `uv pip install -e .` or `.[extra]` (the operand would need translating to
    /// `-e`/`--extra`), or when the project comes with other packages on the same line. The fix
    /// is unsafe: the dependency-only step asks the build backend for the project's metadata
    /// with only `pyproject.toml` present, so a `readme`, a dynamic version or dependencies read
    /// from other files (`setup.py`, `requirements.txt`) make it fail or see fewer
    /// dependencies than the full install does.
    ///
    /// `COPY . .` stands for any whole-context copy (`COPY . <dest>` or `ADD . <dest>`, also
    /// `./`) whose destination is the working directory: `.`, or `WORKDIR /app` with
    /// `COPY . /app` (or `/app/`, `ADD . /app`);
    /// the manifests are copied to the same destination, `COPY pyproject.toml /app/`, always with `COPY`
    /// (`ADD` would unpack a manifest that is a tar archive). No fix when the destination is
    /// another directory, or where it lands is not known (a variable in the destination or
    /// `WORKDIR`, a relative destination without a `WORKDIR`), or a `WORKDIR` stands between
    /// the copy and the install: the install's `.` is the working directory, so the dependency-only step would not
    /// see the manifests that the install after the copy uses.
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
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "Project installed with its dependencies after copying the whole build context",
    }
}

fn is_install(_script: &Script, inv: &Invocation) -> bool {
    pip_install(inv).is_some_and(|p| {
        p.requirements.is_empty()
            && p.packages
                .iter()
                .map(|w| w.text.as_str())
                .chain(p.editables.iter().map(String::as_str))
                .any(|t| t == "." || t == "./" || t.starts_with(".[") || t.starts_with("./["))
            && !p.no_deps
    })
}

fn is_earlier_install(_script: &Script, inv: &Invocation) -> bool {
    pip_install(inv)
        .is_some_and(|p| !p.requirements.is_empty() || p.invocation.opts.has(&["--only-deps"]))
}

/// PY002
pub(crate) fn project_deps_not_layered(checker: &mut Checker) {
    report_install_after_context_copy_with_fix(
        checker,
        Rule::ProjectDepsNotLayered,
        "The project install",
        &is_install,
        &is_earlier_install,
        &project_layering,
    );
}
