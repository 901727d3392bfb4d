use pristine_context::EntryKind;

use crate::Rule;
use rayon::prelude::*;

use crate::checkers::context::{ContentSource, ContextChecker, Finding, Harm, basename, lossy};
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports credentials in the build context, never showing their values:
    /// - private keys, found by content (`-----BEGIN … PRIVATE KEY-----`, PuTTY keys) in
    ///   small files named like keys (`id_rsa`, `*.pem`, `*.key`, no extension …);
    /// - SSH key files by name (`id_rsa`, `id_dsa`, `id_ecdsa`, `id_ed25519`) and key stores
    ///   (`*.p12`, `*.pfx`, `*.jks`, `*.keystore`);
    /// - `.netrc`, `_netrc`, `.git-credentials`, `.pypirc` with a password;
    /// - `pip.conf`, `pip.ini`, `uv.toml`, `pyproject.toml`, `requirements*.txt` and `.npmrc`
    ///   with a password or token in an index URL (`https://user:token@host/…`, not
    ///   `${VARIABLE}` placeholders) or an `_authToken`;
    /// - cloud credentials: `.aws/credentials`, Google service-account and user JSON keys
    ///   (`"type": "service_account"` with a `private_key`), `.docker/config.json` with
    ///   `auths` entries holding an `auth`.
    ///
    /// Files inside virtualenvs and other directories reported as a whole are skipped.
    /// It is an error when a `COPY`/`ADD` of a stage that reaches the image copies one, and a
    /// warning when it is only sent.
    ///
    /// ## Why is this bad?
    /// Image layers are permanent and extractable: a key copied by `COPY . .` is readable by
    /// anyone who can pull the image, even if a later `RUN rm` deletes it. Even when nothing
    /// copies it, it is sent to the builder (possibly a remote one).
    ///
    /// ## Example
    /// A `pip.conf` with `index-url = https://user:s3cret@pypi.example.com/simple` and
    /// `COPY . .`.
    ///
    /// Use instead: exclude it, and mount it as a secret where it is needed:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=pipconf,target=/etc/pip.conf pip install -r requirements.txt
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds the line shown in the help to the ignore file (`.dockerignore`, or the
    /// Dockerfile's own `<name>.dockerignore`; created when missing), under a `# added by pristine`
    /// comment, after the user's lines. A line is only added if the matcher shows it excludes the
    /// finding and excludes no path a `COPY`/`ADD` names. It is safe when only the context
    /// changes (nothing copies the path); when a `COPY` copies it, excluding it changes the image
    /// (the build or the app may read it), so the fix is unsafe.
    ///
    /// ## References
    /// - [Build secrets](https://docs.docker.com/build/building/secrets/)
    /// - [pip: Authentication](https://pip.pypa.io/en/stable/topics/authentication/)
    /// - goodwithtech/dockle `credential.go`
    pub(crate) struct CredentialFile {
        code: "CX010",
        name: "credential-file",
        family: Context,
        severity: Error,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "Credentials in the build context",
    }
}

/// How much of a file is read to look for credentials.
const HEAD: usize = 64 * 1024;

fn extension(name: &[u8]) -> Option<&[u8]> {
    let dot = name.iter().rposition(|&c| c == b'.')?;
    (dot > 0).then(|| &name[dot + 1..])
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    // memchr's SIMD search: a `windows().any()` scan of every JSON candidate was the largest
    // user-space cost of `check` on a tree with thousands of `.json` files (issue #4).
    memchr::memmem::find(haystack, needle).is_some()
}

fn contains_ci(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// The kind of private key in `bytes`, from its armour line.
pub(crate) fn private_key_kind(bytes: &[u8]) -> Option<String> {
    if bytes.starts_with(b"PuTTY-User-Key-File") {
        return Some("PuTTY private key".to_string());
    }
    let mut rest = bytes;
    while let Some(start) = memchr::memmem::find(rest, b"-----BEGIN ") {
        let line = &rest[start + 11..];
        let end = line
            .iter()
            .position(|&c| c == b'\n' || c == b'\r')
            .unwrap_or(line.len());
        let label = &line[..end];
        if let Some(label) = label.strip_suffix(b"-----")
            && contains(label, b"PRIVATE KEY")
        {
            return Some(lossy(label));
        }
        rest = &line[end..];
    }
    None
}

/// The host of the first URL with a password or token in its user info, if any: `Some(host)`.
/// `${VAR}`/`$VAR` placeholders (expanded by pip and uv from the environment) are not secrets.
pub(crate) fn url_with_credentials(text: &[u8]) -> Option<(usize, String)> {
    let text = String::from_utf8_lossy(text);
    for (n, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(i) = rest.find("://") {
            let after = &rest[i + 3..];
            let authority_end = after
                .find(|c: char| c == '/' || c.is_whitespace() || c == '"' || c == '\'')
                .unwrap_or(after.len());
            let authority = &after[..authority_end];
            if let Some(at) = authority.rfind('@') {
                let userinfo = &authority[..at];
                let host = &authority[at + 1..];
                let secret = match userinfo.split_once(':') {
                    Some((_, password)) => !password.is_empty() && !password.starts_with('$'),
                    // A bare token (`https://ghp_xxx@github.com`); `git@` is a user name.
                    None => userinfo.len() >= 20 && !userinfo.starts_with('$'),
                };
                if secret {
                    return Some((n + 1, host.to_string()));
                }
            }
            rest = &after[authority_end..];
        }
    }
    None
}

/// What credential `path` holds, described without its value.
fn credential(content: &dyn ContentSource, path: &[u8], size: u64) -> Option<String> {
    let name = basename(path);
    let lower = name.to_ascii_lowercase();
    let ext = extension(&lower);
    let read = || content.head(path, HEAD);
    match lower.as_slice() {
        b"id_rsa" | b"id_dsa" | b"id_ecdsa" | b"id_ed25519" => {
            return Some("an SSH private key".to_string());
        }
        b".netrc" | b"_netrc" => {
            let text = read()?;
            return contains_ci(&text, b"password")
                .then(|| "a `.netrc` with passwords (pip, curl and git read it)".to_string());
        }
        b".git-credentials" => {
            return (size > 0).then(|| "stored Git credentials".to_string());
        }
        b".pypirc" => {
            let text = read()?;
            return contains_ci(&text, b"password")
                .then(|| "a `.pypirc` with an upload password or token".to_string());
        }
        b"credentials" if path.ends_with(b".aws/credentials") => {
            return Some("AWS credentials".to_string());
        }
        b"config.json" if path.ends_with(b".docker/config.json") => {
            let text = read()?;
            return (contains(&text, b"\"auths\"") && has_docker_auth(&text))
                .then(|| "Docker registry credentials (`auths`)".to_string());
        }
        _ => {}
    }
    if matches!(ext, Some(b"p12" | b"pfx" | b"jks" | b"keystore")) {
        return Some("a key store".to_string());
    }
    let index_config = matches!(
        lower.as_slice(),
        b"pip.conf" | b"pip.ini" | b"uv.toml" | b"pyproject.toml"
    ) || (lower.starts_with(b"requirements") && ext == Some(b"txt"));
    if index_config {
        let text = read()?;
        let (line, host) = url_with_credentials(&text)?;
        return Some(format!(
            "credentials in a package-index URL on line {line} (`https://<redacted>@{host}/…`)"
        ));
    }
    if lower == b".npmrc" {
        let text = read()?;
        return contains(&text, b"_authToken")
            .then(|| "an npm registry token (`_authToken`)".to_string());
    }
    if ext == Some(b"json") && size <= HEAD as u64 {
        let text = content.head(path, 4096)?;
        if contains(&text, b"\"private_key\"") && contains(&text, b"service_account") {
            return Some("a Google Cloud service-account key".to_string());
        }
        if contains(&text, b"\"refresh_token\"") && contains(&text, b"authorized_user") {
            return Some("Google Cloud user credentials".to_string());
        }
        return None;
    }
    let key_like = matches!(
        ext,
        None | Some(b"pem" | b"key" | b"p8" | b"pk8" | b"priv" | b"ppk" | b"rsa" | b"ec" | b"der")
    ) || lower.starts_with(b"id_");
    if key_like && size > 0 && size <= HEAD as u64 && !lower.ends_with(b".pub") {
        let text = content.head(path, 8192)?;
        return private_key_kind(&text).map(|kind| format!("a private key (`{kind}`)"));
    }
    None
}

/// `"auth": "<non-empty>"` somewhere in a Docker config.
fn has_docker_auth(text: &[u8]) -> bool {
    let text = String::from_utf8_lossy(text);
    let mut rest = text.as_ref();
    while let Some(i) = rest.find("\"auth\"") {
        let after = rest[i + 6..].trim_start();
        if let Some(value) = after.strip_prefix(':') {
            let value = value.trim_start();
            if value.starts_with('"') && !value.starts_with("\"\"") {
                return true;
            }
        }
        rest = &rest[i + 6..];
    }
    false
}

pub(crate) fn credential_file(checker: &mut ContextChecker) {
    let candidates: Vec<(Vec<u8>, u64)> = checker
        .facts
        .context
        .tree
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::File)
        .filter(|e| checker.enclosing_container(&e.path).is_none())
        .map(|e| (e.path.clone(), e.size))
        .collect();
    // Reading candidates is most of this rule's time on a large context: in parallel.
    let content = checker.facts.content;
    let verdicts: Vec<Option<String>> = candidates
        .par_iter()
        .map(|(path, size)| credential(content, path, *size))
        .collect();
    for ((path, _), what) in candidates.into_iter().zip(verdicts) {
        let Some(what) = what else {
            continue;
        };
        let message = format!("`{}` holds {what}", checker.shown(&path, false));
        let line = lossy(&path);
        checker.report_finding(Finding {
            rule: Rule::CredentialFile,
            path,
            is_dir: false,
            more: Vec::new(),
            message,
            ignore_lines: vec![line],
            harm: Harm::Hazard,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(
            private_key_kind(b"junk\n-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA").as_deref(),
            Some("OPENSSH PRIVATE KEY")
        );
        assert_eq!(private_key_kind(b"-----BEGIN CERTIFICATE-----\n"), None);
        assert_eq!(private_key_kind(b"-----BEGIN PUBLIC KEY-----\n"), None);
    }

    #[test]
    fn urls() {
        assert_eq!(
            url_with_credentials(
                b"[global]\nindex-url = https://bob:hunter2@pypi.example.com/simple\n"
            ),
            Some((2, "pypi.example.com".to_string()))
        );
        assert_eq!(
            url_with_credentials(b"--extra-index-url https://${USER}:${TOKEN}@x.example/simple"),
            None
        );
        assert_eq!(
            url_with_credentials(b"pkg @ git+ssh://git@github.com/org/repo.git"),
            None
        );
        assert_eq!(url_with_credentials(b"https://example.com/simple"), None);
    }
}
