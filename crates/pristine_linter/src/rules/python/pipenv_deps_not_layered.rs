use pristine_shell::{Invocation, Script, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::fixes::pipenv_layering;
use crate::rules::python::helpers::report_install_after_context_copy_with_fix;

declare_rule! {
    /// ## What it does
    /// Checks for `pipenv install`/`pipenv sync` after `COPY . .` with no earlier install from
    /// only `Pipfile` and `Pipfile.lock`.
    ///
    /// Only the stage of the install (and the stages it is built `FROM`) is looked at; a
    /// separate stage that copies the context to extract the manifests does not count as a
    /// whole-context copy.
    ///
    /// ## Why is this bad?
    /// Docker re-runs every instruction after the first one whose inputs changed. With the
    /// whole context copied first, editing any source file invalidates the dependency
    /// install: "Updating any file causes a reinstall of all dependencies every time" (Docker's
    /// cache guide). Pipenv's Docker page: `COPY Pipfile Pipfile.lock ./`,
    /// `RUN pipenv install --deploy --system`, then `COPY . .`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . .
    /// RUN pipenv install --deploy --system
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY Pipfile Pipfile.lock ./
    /// RUN pipenv install --deploy --system
    /// COPY . .
    /// ```
    ///
    /// ## Fix safety
    /// In the plain case (`COPY . .` directly followed by a `RUN` that is nothing but the one
    /// `pipenv install`/`sync` of the Pipfile: no packages, `-e` or `-r`, and no
    /// `PIPENV_PIPFILE`), the fix moves that `RUN` before `COPY . .` behind a `COPY Pipfile
    /// Pipfile.lock* ./` (with the `COPY`'s flags; the wildcard keeps a project without a lock
    /// file building as before), Pipenv's Docker layout. It is unsafe: a path dependency in the
    /// Pipfile (`{path = "."}`) or a package built from files of the project is not there yet
    /// when the install runs, so the moved step can fail where it did not; and with
    /// `PIPENV_VENV_IN_PROJECT` a host `.venv` in the build context is now copied over the
    /// environment the install made (keep it out with `.dockerignore`, CX004). A `RUN` that does
    /// more than the install (`pipenv install && python manage.py collectstatic`) gets no fix:
    /// the rest needs the sources.
    ///
    /// `COPY . .` stands for any whole-context copy (`COPY . <dest>` or `ADD . <dest>`, also
    /// `./`) whose destination is the working directory: `.`, or `WORKDIR /app` with
    /// `COPY . /app` (or `/app/`, `ADD . /app`);
    /// the manifests are copied to the same destination, `COPY Pipfile Pipfile.lock* /app/`, always with `COPY`
    /// (`ADD` would unpack a manifest that is a tar archive). No fix when the destination is
    /// another directory, or where it lands is not known (a variable in the destination or
    /// `WORKDIR`, a relative destination without a `WORKDIR`), or a `WORKDIR` stands between
    /// the copy and the install: Pipenv reads the `Pipfile` of the working directory, so the dependency-only step would not
    /// see the manifests that the install after the copy uses.
    ///
    /// ## References
    /// - [Docker: Optimize cache usage](https://docs.docker.com/build/cache/optimize/)
    /// - [Pipenv: Docker](https://pipenv.pypa.io/en/latest/docker.html)
    /// - python-rules.md R15, R26
    pub(crate) struct PipenvDepsNotLayered {
        code: "PY005",
        name: "pipenv-deps-not-layered",
        family: Python,
        severity: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "`pipenv install` after copying the whole build context",
    }
}

fn is_install(_: &Script, inv: &Invocation) -> bool {
    inv.tool == Tool::Pipenv && matches!(inv.subcommand(), "install" | "sync")
}

fn is_earlier_install(script: &Script, inv: &Invocation) -> bool {
    is_install(script, inv)
}

/// PY005
pub(crate) fn pipenv_deps_not_layered(checker: &mut Checker) {
    report_install_after_context_copy_with_fix(
        checker,
        Rule::PipenvDepsNotLayered,
        "`pipenv install`",
        &is_install,
        &is_earlier_install,
        &pipenv_layering,
    );
}
