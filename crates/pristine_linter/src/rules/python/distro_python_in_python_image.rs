use pristine_shell::Tool;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{ImageRef, root_image, runs};

declare_rule! {
    /// ## What it does
    /// Checks for `apt-get install`/`apk add` of the distribution's Python (`python3`,
    /// `python3-pip`, `python3-venv`, `python3-dev`, `py3-pip`, …) in a stage based on the
    /// official `python` image.
    ///
    /// ## Why is this bad?
    /// The `python` image already has Python, pip and venv in `/usr/local`. The distribution
    /// package adds a *second* interpreter under `/usr/bin` with its own `site-packages`:
    /// `pip3` may then be the distribution's and install where `python` does not look, and the
    /// image grows. Headers for building extensions come with the image too (`python3-dev`
    /// is for the distro Python only).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends python3-pip gcc
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc
    /// ```
    ///
    /// ## References
    /// - [`python` image](https://hub.docker.com/_/python) (Python built into `/usr/local`)
    /// - docker-library/python `Dockerfile` (how the image installs Python)
    /// - python-rules.md R33, R60
    pub(crate) struct DistroPythonInPythonImage {
        code: "PY037",
        name: "distro-python-in-python-image",
        family: Python,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Distribution Python installed on top of the `python` image",
    }
}

fn is_distro_python(package: &str) -> bool {
    let name = package.split(['=', '>', '<']).next().unwrap_or(package);
    matches!(
        name,
        "python3"
            | "python3-pip"
            | "python3-venv"
            | "python3-dev"
            | "python3-setuptools"
            | "python3-wheel"
            | "python-is-python3"
            | "python3-full"
            | "python"
            | "python-pip"
            | "py3-pip"
            | "python3-minimal"
            | "py3-setuptools"
    )
}

/// PY037
pub(crate) fn distro_python_in_python_image(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for run in runs(checker, &scripts) {
        let Some(stage) = run.stage else {
            continue;
        };
        let official = root_image(&checker.stages, stage)
            .is_some_and(|image| ImageRef::parse(image).is_official_python());
        if !official {
            continue;
        }
        for install in &run.model.package_installs {
            if !matches!(install.tool(), Tool::AptGet | Tool::Apt | Tool::Apk) {
                continue;
            }
            for word in &install.packages {
                if is_distro_python(&word.text) {
                    found.push((word.range, word.text.clone()));
                }
            }
        }
    }
    for (range, package) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::DistroPythonInPythonImage,
                format!(
                    "`{package}` installs the distribution's Python next to the image's own Python"
                ),
                range,
            )
            .with_help("Remove it: the `python` image already has Python, pip and venv");
        checker.report(diagnostic);
    }
}
