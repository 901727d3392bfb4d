use pristine_image::{Content, NodeKind};

use crate::Rule;
use crate::registry::declare_rule;
use crate::rules::image::ImageChecker;

declare_rule! {
    /// ## What it does
    /// Reports credentials in the image: private keys (by content: a
    /// `-----BEGIN … PRIVATE KEY-----` header, outside the system certificate directories),
    /// SSH keys (`id_rsa`, `id_ed25519`, …), `.netrc`, `.pypirc`, `.git-credentials`, cloud
    /// CLI credentials (`.aws/credentials`, `.docker/config.json`, gcloud
    /// `application_default_credentials.json`). The finding is redacted: it names the file
    /// and the layer, never its contents.
    ///
    /// ## Why is this bad?
    /// Anyone who can pull the image can read the credential, and deleting it in a later
    /// layer does not remove it from the earlier one.
    ///
    /// ## Example
    /// `COPY . .` of a project with a deploy key, or `COPY ~/.pypirc` for a private index.
    ///
    /// Use instead: build secrets (`RUN --mount=type=secret,id=pypirc …`) and
    /// `.dockerignore`.
    ///
    /// ## References
    /// - dockle `CIS-DI-0010`
    /// - [Docker: build secrets](https://docs.docker.com/build/building/secrets/)
    pub(crate) struct ImageCredentialFile {
        code: "IM013",
        name: "image-credential-file",
        family: Image,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Credential or private key in the image",
    }
}

fn credential_kind(path: &str, name: &str) -> Option<&'static str> {
    let parent = path.rsplit('/').nth(1).unwrap_or("");
    match name {
        "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" => Some("an SSH private key"),
        ".netrc" => Some("a .netrc with login credentials"),
        ".pypirc" => Some("a .pypirc (package index credentials)"),
        ".git-credentials" => Some("stored git credentials"),
        "credentials" if parent == ".aws" => Some("AWS credentials"),
        "config.json" if parent == ".docker" => Some("Docker registry credentials"),
        "application_default_credentials.json" => Some("Google Cloud credentials"),
        _ => None,
    }
}

pub(crate) fn credential_file(checker: &mut ImageChecker) {
    if !checker.enabled(Rule::ImageCredentialFile) {
        return;
    }
    let mut findings = Vec::new();
    for (path, node) in checker.image.fs.iter() {
        if node.kind != NodeKind::File || path.contains("-packages/") {
            continue;
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        let kind = credential_kind(path, name).or_else(|| {
            matches!(checker.image.fs.content(path), Some(Content::PrivateKey))
                .then_some("a private key")
        });
        if let Some(kind) = kind {
            findings.push((
                path.to_owned(),
                format!(
                    "`/{path}` is {kind} (contents redacted); added by {}",
                    checker.layer_label(node.layer)
                ),
            ));
        }
    }
    for (path, message) in findings {
        checker.report(Rule::ImageCredentialFile, Some(&path), message);
    }
}
