use pristine_dockerfile::{Base, Command};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{ImageRef, command, python_minor};

declare_rule! {
    /// ## What it does
    /// Checks for `FROM python` images whose tag does not fix the Python minor version:
    /// no tag, `latest`, `3`, `slim`, `alpine`, `3-slim`. A digest (`@sha256:…`) counts as
    /// pinned.
    ///
    /// ## Why is this bad?
    /// The tag moves to the next Python release (3.12 → 3.13) without any change to the
    /// Dockerfile: wheels with native code, the `site-packages` path and your dependency
    /// resolution all change under an unchanged commit. Even `3.12-slim` moves between Debian
    /// releases (bookworm → trixie), so pinning the codename too (`3.12-slim-bookworm`) is
    /// better still; this rule only insists on `major.minor`.
    ///
    /// hadolint's DL3006/DL3007 cover the missing tag and `latest` for every image; this rule
    /// also catches the floating Python tags (`python:3`, `python:slim`) they accept.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim-bookworm
    /// ```
    ///
    /// ## References
    /// - [Docker best practices: pin base image versions](https://docs.docker.com/build/building/best-practices/)
    /// - [`python` image tags](https://hub.docker.com/_/python)
    /// - python-rules.md R34 `base-image-unpinned`
    pub(crate) struct PythonBaseImageFloatingTag {
        code: "PY040",
        name: "python-base-image-floating-tag",
        family: Python,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "`python` base image tag does not pin the Python minor version",
    }
}

/// PY040
pub(crate) fn python_base_image_floating_tag(checker: &mut Checker) {
    let mut found = Vec::new();
    for stage in &checker.stages.stages {
        let Base::Image(image) = &stage.base else {
            continue;
        };
        if !stage.unresolved.is_empty() {
            continue;
        }
        let reference = ImageRef::parse(image);
        if !reference.is_official_python() || reference.digest.is_some() {
            continue;
        }
        let floating = match reference.tag {
            None => true,
            Some(tag) => python_minor(tag).is_none(),
        };
        if !floating {
            continue;
        }
        let Some(Command::From(from)) = command(checker, stage.from_instruction) else {
            continue;
        };
        let tag = reference.tag.unwrap_or("latest");
        found.push((from.image.range, tag.to_owned()));
    }
    for (range, tag) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::PythonBaseImageFloatingTag,
                format!("`python:{tag}` does not pin the Python minor version"),
                range,
            )
            .with_help("Use a tag with `major.minor` and the Debian codename, e.g. `python:3.12-slim-bookworm`");
        checker.report(diagnostic);
    }
}
