use pristine_image::Content;

use crate::Rule;
use crate::registry::declare_rule;
use crate::rules::image::ImageChecker;

declare_rule! {
    /// ## What it does
    /// Reports an image whose config runs the container as root: no `User`, `root`, `0`, or a
    /// user name that `/etc/passwd` in the image maps to uid 0.
    ///
    /// ## Why is this bad?
    /// A compromised application runs as root in the container, one kernel bug away from
    /// the host; many platforms (OpenShift, restricted Kubernetes namespaces) refuse such
    /// images.
    ///
    /// ## Example
    /// A Dockerfile without `USER`.
    ///
    /// Use instead: create a user and switch to it (`RUN useradd --create-home app` …
    /// `USER app`), or a numeric `USER 10001`.
    ///
    /// ## References
    /// - dockle `CIS-DI-0001`
    pub(crate) struct ImageRunsAsRoot {
        code: "IM030",
        name: "image-runs-as-root",
        family: Image,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "The image runs as root",
    }
}

pub(crate) fn runs_as_root(checker: &mut ImageChecker) {
    if !checker.enabled(Rule::ImageRunsAsRoot) {
        return;
    }
    let user = checker.image.config.user.clone().unwrap_or_default();
    let name = user.split(':').next().unwrap_or("").to_owned();
    let root = match name.as_str() {
        "" | "root" | "0" => true,
        other if other.bytes().all(|b| b.is_ascii_digit()) => false,
        other => match checker.image.fs.content("etc/passwd") {
            Some(Content::Text(passwd)) => passwd.lines().any(|l| {
                let mut fields = l.split(':');
                fields.next() == Some(other) && fields.nth(1) == Some("0")
            }),
            _ => false,
        },
    };
    if root {
        let how = if user.is_empty() {
            "the config sets no user".to_owned()
        } else {
            format!("`User` is `{user}`, which is root")
        };
        checker.report(
            Rule::ImageRunsAsRoot,
            None,
            format!("the container runs as root: {how}"),
        );
    }
}
