use crate::Rule;
use crate::checkers::context::count;
use crate::registry::declare_rule;
use crate::rules::image::leftovers::{dir_stats, dirs_named};
use crate::rules::image::{ImageChecker, human_bytes};

declare_rule! {
    /// ## What it does
    /// Reports version-control metadata in the image (`.git`, `.hg`, `.svn`), with its size
    /// and the layer that added it.
    ///
    /// ## Why is this bad?
    /// The whole history of the project ships with the image: bigger pulls, and every
    /// secret ever committed (even if deleted since) is readable by anyone with the image.
    ///
    /// ## Example
    /// `COPY . .` without `.git` in `.dockerignore`.
    ///
    /// Use instead: add `.git` to `.dockerignore`.
    ///
    /// ## References
    /// - dockle `DKL-LI-0003`
    pub(crate) struct ImageVcsMetadata {
        code: "IM011",
        name: "image-vcs-metadata",
        family: Image,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Version-control metadata in the image",
    }
}

pub(crate) fn vcs_metadata(checker: &mut ImageChecker) {
    if !checker.enabled(Rule::ImageVcsMetadata) {
        return;
    }
    let dirs = dirs_named(checker, |_, name| {
        matches!(name, ".git" | ".hg" | ".svn" | ".bzr")
    });
    let mut findings = Vec::new();
    for dir in dirs {
        let (bytes, files, layer) = dir_stats(checker, &dir);
        let layer = layer.map(|l| checker.layer_label(l)).unwrap_or_default();
        findings.push((
            dir.clone(),
            format!(
                "`/{dir}` is version-control metadata ({} in {}); added by {layer}",
                human_bytes(bytes),
                count(files as u64, "file")
            ),
        ));
    }
    for (path, message) in findings {
        checker.report(Rule::ImageVcsMetadata, Some(&path), message);
    }
}
