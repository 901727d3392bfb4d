use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks `ARG` defaults and `ENV` values holding a URL with credentials
    /// (`https://user:password@host/…`), typically `PIP_INDEX_URL`, `PIP_EXTRA_INDEX_URL`,
    /// `UV_INDEX_URL`, `UV_EXTRA_INDEX_URL` or a `DATABASE_URL`.
    ///
    /// ## Why is this bad?
    /// The value is stored in the image config (`ENV`) or history (`ARG`) and readable by
    /// anyone who can pull the image. pip and uv read credentials for a private index from
    /// `.netrc`, a keyring or a config file, which a secret mount provides for one `RUN` only.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV PIP_EXTRA_INDEX_URL=https://ci:s3cr3t@pypi.example.com/simple
    /// RUN pip install --no-cache-dir acme-lib==1.0
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN --mount=type=secret,id=netrc,target=/root/.netrc \
    ///     pip install --no-cache-dir --extra-index-url https://pypi.example.com/simple acme-lib==1.0
    /// ```
    ///
    /// ## References
    /// - [Docker: Build secrets](https://docs.docker.com/build/building/secrets/)
    /// - [pip: Authentication](https://pip.pypa.io/en/stable/topics/authentication/)
    /// - python-rules.md R63 `secret-in-build-args-or-env` (Python-specific part)
    pub(crate) struct CredentialsInUrl {
        code: "PY063",
        name: "credentials-in-url",
        family: Python,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "URL with a password in `ARG` or `ENV`",
    }
}

/// Does `value` contain `scheme://user:password@`?
pub(crate) fn has_url_credentials(value: &str) -> bool {
    let mut rest = value;
    while let Some(pos) = rest.find("://") {
        let after = &rest[pos + 3..];
        let authority_end = after
            .find(|c: char| {
                c == '/' || c == '?' || c == '#' || c.is_whitespace() || c == '"' || c == '\''
            })
            .unwrap_or(after.len());
        let authority = &after[..authority_end];
        if let Some((userinfo, host)) = authority.rsplit_once('@')
            && let Some((user, password)) = userinfo.split_once(':')
            && !user.is_empty()
            && !password.is_empty()
            && !host.is_empty()
        {
            return true;
        }
        rest = after;
    }
    false
}

/// PY063
pub(crate) fn credentials_in_url(checker: &mut Checker) {
    let mut found = Vec::new();
    for inst in &checker.dockerfile.instructions {
        match &inst.command {
            Some(Command::Arg(defs)) => {
                for d in defs {
                    if let Some(default) = &d.default
                        && has_url_credentials(&default.value)
                    {
                        found.push((default.range, d.name.value.clone()));
                    }
                }
            }
            Some(Command::Env(pairs)) => {
                for kv in pairs {
                    if has_url_credentials(&kv.value.value) {
                        found.push((kv.value.range, kv.key.value.clone()));
                    }
                }
            }
            _ => {}
        }
    }
    for (range, name) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::CredentialsInUrl,
                format!("`{name}` holds a URL with credentials, which stay in the image"),
                range,
            )
            .with_help(
                "Provide credentials with a secret mount (`.netrc`, `pip.conf`, `uv.toml`) instead",
            );
        checker.report(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use super::has_url_credentials;

    #[test]
    fn urls() {
        assert!(has_url_credentials("https://u:p@host/simple"));
        assert!(has_url_credentials("postgres://app:${DB_PASS}@db:5432/app"));
        assert!(!has_url_credentials("https://host/simple"));
        assert!(!has_url_credentials("https://token@host/simple"));
        assert!(!has_url_credentials("http://localhost:8000/"));
    }
}
