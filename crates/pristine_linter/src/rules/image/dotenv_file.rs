use pristine_image::NodeKind;

use crate::Rule;
use crate::registry::declare_rule;
use crate::rules::image::ImageChecker;

declare_rule! {
    /// ## What it does
    /// Reports `.env` files (`.env`, `.env.production`, …; not `.env.example`, `.env.sample`,
    /// `.env.template`) in the image, outside installed packages, with the layer that added
    /// them. Their contents are never read or shown.
    ///
    /// ## Why is this bad?
    /// `.env` files hold secrets for local development; baked into an image, they are
    /// readable by anyone who can pull it, and they override the deployment's configuration
    /// when the app loads them.
    ///
    /// ## Example
    /// `COPY . .` of a project with a `.env`.
    ///
    /// Use instead: add `.env*` (and `!.env.example`) to `.dockerignore`; pass configuration
    /// at run time.
    ///
    /// ## References
    /// - dockle `CIS-DI-0010`
    pub(crate) struct ImageDotenvFile {
        code: "IM012",
        name: "image-dotenv-file",
        family: Image,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "`.env` file in the image",
    }
}

pub(crate) fn is_dotenv(name: &str) -> bool {
    (name == ".env" || name.starts_with(".env."))
        && !matches!(
            name,
            ".env.example" | ".env.sample" | ".env.template" | ".env.dist" | ".env.defaults"
        )
}

pub(crate) fn dotenv_file(checker: &mut ImageChecker) {
    if !checker.enabled(Rule::ImageDotenvFile) {
        return;
    }
    let mut findings = Vec::new();
    for (path, node) in checker.image.fs.iter() {
        if node.kind != NodeKind::File || path.contains("-packages/") {
            continue;
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        if is_dotenv(name) {
            findings.push((
                path.to_owned(),
                format!(
                    "`/{path}` is a dotenv file (contents not shown); added by {}",
                    checker.layer_label(node.layer)
                ),
            ));
        }
    }
    for (path, message) in findings {
        checker.report(Rule::ImageDotenvFile, Some(&path), message);
    }
}
