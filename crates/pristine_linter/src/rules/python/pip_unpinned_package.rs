use pristine_shell::PipFront;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::runs;

declare_rule! {
    /// ## What it does
    /// Checks `pip install` (`pip`, `python -m pip`, `uv pip`) for packages without a version
    /// specifier (`==`, `>=`, `<=`, `>`, `<`, `!=`, `~=`, `===`), including
    /// `pip install --upgrade pip setuptools wheel`. Not reported: commands with `-r`/`-c`
    /// (the requirements decide), local paths and archives (`.`, `./pkg`, `*.whl`,
    /// `*.tar.gz`), VCS URLs pinned with `@ref`, and words built from variables.
    ///
    /// This is hadolint DL3013; unlike hadolint it also covers `uv pip install`.
    ///
    /// ## Why is this bad?
    /// Every build installs whatever is newest that day; a release of any package changes the
    /// image without a change to the Dockerfile, and a rebuild of an old commit is not the same
    /// image. Unpinned tool upgrades also undercut `--require-hashes`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir gunicorn
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir gunicorn==22.0.0
    /// ```
    ///
    /// ## References
    /// - hadolint DL3013 (`src/Hadolint/Rule/DL3013.hs`)
    /// - [pip: Secure installs](https://pip.pypa.io/en/stable/topics/secure-installs/)
    /// - python-rules.md R30 `pip-unpinned-package`
    pub(crate) struct PipUnpinnedPackage {
        code: "PY030",
        name: "pip-unpinned-package",
        family: Python,
        severity: Warning,
        fix: None,
        hadolint: ["DL3013"],
        buildkit: [],
        summary: "`pip install` of a package without a version",
    }
}

fn is_pinned_or_local(spec: &str) -> bool {
    let lower = spec.to_ascii_lowercase();
    ["==", ">=", "<=", "!=", "~=", ">", "<", "@"]
        .iter()
        .any(|op| spec.contains(op))
        || spec.starts_with('.')
        || spec.starts_with('/')
        || spec.starts_with('~')
        || spec.contains('/') && !spec.contains("://")
        || [".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"]
            .iter()
            .any(|ext| lower.ends_with(ext))
        || spec.contains('$')
}

/// PY030
pub(crate) fn pip_unpinned_package(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for run in runs(checker, &scripts) {
        for pip in &run.model.pip_installs {
            if !pip.requirements.is_empty() || !pip.constraints.is_empty() {
                continue;
            }
            for word in &pip.packages {
                if !word.is_static || is_pinned_or_local(&word.text) || word.text.is_empty() {
                    continue;
                }
                let tool = if pip.front == PipFront::Uv {
                    "uv pip install"
                } else {
                    "pip install"
                };
                found.push((
                    word.range,
                    format!("`{tool} {}` installs whatever version is newest", word.text),
                ));
            }
        }
    }
    for (range, message) in found {
        let diagnostic = checker
            .diagnostic(Rule::PipUnpinnedPackage, message, range)
            .with_help(
                "Pin the version (`package==1.2.3`) or install from a locked requirements file",
            );
        checker.report(diagnostic);
    }
}
