use pristine_shell::{Invocation, Script, pip_install};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::fixes::requirements_layering;
use crate::rules::python::helpers::report_install_after_context_copy_with_fix;

declare_rule! {
    /// ## What it does
    /// Checks for `pip install -r requirements.txt` (also `python -m pip`, `uv pip install -r`) that
    /// runs after `COPY . .` in the same stage, with no install of the requirements before it.
    ///
    /// Only the stage of the install (and the stages it is built `FROM`) is looked at; a
    /// separate stage that copies the context to extract the manifests does not count as a
    /// whole-context copy.
    ///
    /// ## Why is this bad?
    /// Docker re-runs every instruction after the first one whose inputs changed. With the
    /// whole context copied first, editing any source file invalidates the dependency
    /// install: "Updating any file causes a reinstall of all dependencies every time" (Docker's
    /// cache guide). FastAPI's Docker guide copies only `requirements.txt` first so that the install step can
    /// use the cache.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY . .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// COPY . .
    /// ```
    ///
    /// ## Fix safety
    /// The fix copies the requirement files first (`COPY requirements.txt ./`, with the
    /// whole-context copy's flags), moves the install `RUN` above the whole-context copy
    /// unchanged, and deletes it below. It is only offered for the plain layout: one `COPY . <dest>`
    /// or `ADD . <dest>` (also `./`), nothing but `COPY`/`ADD`/`LABEL`/`EXPOSE` between it and the
    /// `RUN`, and a `RUN` made only of `pip install -r` of files that the copy puts directly in
    /// `<dest>`. The `RUN` then reads the same paths, which hold the same files:
    ///
    /// - `<dest>` is the working directory: `.`, or `WORKDIR /app` with `COPY . /app` (or
    ///   `/app/`, `ADD . /app`): the files are copied to the same destination,
    ///   `COPY requirements.txt /app/` (the trailing slash makes one file land inside the
    ///   directory);
    /// - `<dest>` is another directory and the install names the files in it: `COPY . /src`
    ///   with `pip install -r /src/requirements.txt` becomes `COPY requirements.txt /src/`
    ///   before the same `RUN`. A `/src` that does not exist yet is now created by the
    ///   requirements copy; with dockerd 26.1 both orders leave it with the same mode and owner
    ///   (also with `--chown`).
    ///
    /// The files are copied with `COPY` also after `ADD . <dest>`: `ADD` unpacks a local file
    /// that is a tar archive, which the files `ADD .` copies out of the directory never are.
    /// No fix when the install reads a file the copy did not write (`COPY . /src` with
    /// `-r requirements.txt` in `/app`), when where the files land is not known (a variable in
    /// the destination or `WORKDIR`; a relative destination without a `WORKDIR`, whose base
    /// directory is the base image's), when a `WORKDIR` stands between the copy and the install
    /// or the `RUN` changes directory (`cd`): moving the install would change what it reads. It
    /// is unsafe: a requirements file that includes another (`-r base.txt`) or reads a path
    /// from the sources fails to install before the sources are copied.
    ///
    /// ## References
    /// - [Docker: Optimize cache usage](https://docs.docker.com/build/cache/optimize/)
    /// - [FastAPI in containers: Docker cache](https://fastapi.tiangolo.com/deployment/docker/)
    /// - python-rules.md R15 `deps-installed-after-source-copy`
    pub(crate) struct RequirementsInstalledAfterSourceCopy {
        code: "PY001",
        name: "requirements-installed-after-source-copy",
        family: Python,
        severity: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "`pip install -r` after copying the whole build context",
    }
}

fn is_install(_script: &Script, inv: &Invocation) -> bool {
    pip_install(inv).is_some_and(|p| !p.requirements.is_empty())
}

fn is_earlier_install(_script: &Script, inv: &Invocation) -> bool {
    pip_install(inv).is_some_and(|p| !p.requirements.is_empty() || !p.packages.is_empty())
}

/// PY001
pub(crate) fn requirements_installed_after_source_copy(checker: &mut Checker) {
    report_install_after_context_copy_with_fix(
        checker,
        Rule::RequirementsInstalledAfterSourceCopy,
        "`pip install -r`",
        &is_install,
        &is_earlier_install,
        &requirements_layering,
    );
}
