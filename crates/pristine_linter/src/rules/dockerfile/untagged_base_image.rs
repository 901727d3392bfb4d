use pristine_dockerfile::{Base, go_quote};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::dockerfile::general::parse_image_ref;

declare_rule! {
    /// ## What it does
    /// Checks for a `FROM` image without a tag or digest (`FROM python`).
    ///
    /// ## Why is this bad?
    /// An untagged image means `:latest`: the build picks up a new Python minor version or a
    /// new Debian release the day it is published, and an image that built yesterday breaks
    /// today.
    ///
    /// The image is checked after expanding global `ARG`s with their defaults, so
    /// `ARG PY=3.12` + `FROM python:${PY}-slim` is tagged. hadolint's DL3006 reports such lines
    /// from the unexpanded text; pristine does not. A `FROM` whose argument has no default is
    /// left to `invalid-default-arg-in-from`. Stage names and `scratch` are not images.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3006](https://github.com/hadolint/hadolint/wiki/DL3006)
    pub(crate) struct UntaggedBaseImage {
        code: "DF021",
        name: "untagged-base-image",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3006"],
        buildkit: [],
        summary: "`FROM` image without a tag",
    }
}

/// DF021.
pub(crate) fn untagged_base_image(checker: &mut Checker) {
    let mut found = Vec::new();
    for stage in &checker.stages.stages {
        let Base::Image(image) = &stage.base else {
            continue;
        };
        if !stage.unresolved.is_empty() {
            continue;
        }
        let Some(reference) = parse_image_ref(image) else {
            continue;
        };
        if reference.tag.is_none() && reference.digest.is_none() {
            let Some(pristine_dockerfile::Command::From(from)) = checker
                .dockerfile
                .instructions
                .get(stage.from_instruction)
                .and_then(|i| i.command.as_ref())
            else {
                continue;
            };
            found.push((image.clone(), from.image.range));
        }
    }
    for (image, range) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::UntaggedBaseImage,
                format!(
                    "Always tag the version of an image explicitly: {} has no tag",
                    go_quote(&image)
                ),
                range,
            )
            .with_help("Pin a release tag such as `python:3.12-slim`, or a digest");
        checker.report(diagnostic);
    }
}
