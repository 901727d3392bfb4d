use pristine_dockerfile::{Base, Command, go_quote};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::dockerfile::general::parse_image_ref;

declare_rule! {
    /// ## What it does
    /// Checks for a `FROM` image with the tag `latest` and no digest.
    ///
    /// ## Why is this bad?
    /// `latest` moves: the same Dockerfile builds on a different base image from one week to
    /// the next, so builds are not reproducible and upgrades happen unannounced. The image is
    /// checked after expanding global `ARG` defaults; an image pinned by digest is fine.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:latest
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3007](https://github.com/hadolint/hadolint/wiki/DL3007)
    pub(crate) struct LatestBaseImageTag {
        code: "DF022",
        name: "latest-base-image-tag",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3007"],
        buildkit: [],
        summary: "`FROM` image with the `latest` tag",
    }
}

/// DF022.
pub(crate) fn latest_base_image_tag(checker: &mut Checker) {
    let mut found = Vec::new();
    for stage in &checker.stages.stages {
        let Base::Image(image) = &stage.base else {
            continue;
        };
        let Some(reference) = parse_image_ref(image) else {
            continue;
        };
        if reference.tag.as_deref() == Some("latest") && reference.digest.is_none() {
            let Some(Command::From(from)) = checker
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
                Rule::LatestBaseImageTag,
                format!(
                    "Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag ({})",
                    go_quote(&image)
                ),
                range,
            );
        checker.report(diagnostic);
    }
}
