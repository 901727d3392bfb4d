use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks `ARG` and `ENV` names that look like secrets. A name is flagged when one of its
    /// `_`-separated words is `apikey`, `auth`, `credential(s)`, `key`, `password`, `pword`,
    /// `passwd`, `secret` or `token` — BuildKit's `SecretsUsedInArgOrEnv` pattern — unless it
    /// also has the word `public`, `file` or `version`; and for hadolint DL3064's extra names
    /// (`…PRIVATE…`, `…API_KEY…`, `…ACCESS_KEY…`).
    ///
    /// ## Why is this bad?
    /// "Build arguments and environment variables are inappropriate for passing secrets to your
    /// build, because they persist in the final image": `ENV` is in the image config, and every
    /// `ARG` value used by a `RUN` is recorded in the image history (`docker history`).
    /// Pipenv's Docker page suggests `ARG API_KEY` + `ENV API_KEY=${API_KEY}`; Docker's guidance
    /// wins.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ARG GITHUB_TOKEN
    /// RUN pip install --no-cache-dir "git+https://${GITHUB_TOKEN}@github.com/acme/lib.git@v1.2.0"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN --mount=type=secret,id=github_token,env=GITHUB_TOKEN \
    ///     pip install --no-cache-dir "git+https://${GITHUB_TOKEN}@github.com/acme/lib.git@v1.2.0"
    /// ```
    ///
    /// ## References
    /// - [Docker: Build secrets](https://docs.docker.com/build/building/secrets/)
    /// - [BuildKit check `SecretsUsedInArgOrEnv`](https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/)
    ///   (`dockerfile2llb/validations.go`, `getSecretsRegex`)
    /// - hadolint DL3064
    /// - python-rules.md R63 `secret-in-build-args-or-env`
    pub(crate) struct SecretInArgOrEnv {
        code: "PY064",
        name: "secret-in-arg-or-env",
        family: Python,
        severity: Error,
        fix: None,
        hadolint: ["DL3064"],
        buildkit: ["SecretsUsedInArgOrEnv"],
        summary: "Secret-looking name in `ARG` or `ENV`",
    }
}

const SECRET_WORDS: &[&str] = &[
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "pword",
    "passwd",
    "secret",
    "token",
];

const ALLOW_WORDS: &[&str] = &["public", "file", "version"];

/// Does `name` look like a secret?
pub(crate) fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower.split('_').collect();
    if words.iter().any(|w| ALLOW_WORDS.contains(w)) {
        return false;
    }
    words.iter().any(|w| SECRET_WORDS.contains(w))
        || lower.contains("private_key")
        || lower.contains("api_key")
        || lower.contains("access_key")
        || lower.ends_with("password")
        || lower.ends_with("secret")
        || lower.ends_with("token")
}

/// PY064
pub(crate) fn secret_in_arg_or_env(checker: &mut Checker) {
    let mut found = Vec::new();
    for inst in &checker.dockerfile.instructions {
        match &inst.command {
            Some(Command::Arg(defs)) => {
                for d in defs {
                    if is_secret_name(&d.name.value) {
                        found.push((d.name.range, "ARG", d.name.value.clone()));
                    }
                }
            }
            Some(Command::Env(pairs)) => {
                for kv in pairs {
                    if is_secret_name(&kv.key.value) {
                        found.push((kv.key.range, "ENV", kv.key.value.clone()));
                    }
                }
            }
            _ => {}
        }
    }
    for (range, keyword, name) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::SecretInArgOrEnv,
                format!("`{keyword} {name}` may hold a secret, which stays in the image metadata"),
                range,
            )
            .with_help(
                "Pass secrets with `RUN --mount=type=secret,id=…` (`env=` or `target=`) instead",
            );
        checker.report(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use super::is_secret_name;

    #[test]
    fn names() {
        for name in [
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "DB_PASSWORD",
            "api_key",
            "APIKEY",
            "SECRET_KEY",
            "AUTH",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "PUBLIC_KEY",
            "TOKEN_FILE",
            "KEY_VERSION",
            "PYTHONUNBUFFERED",
            "KEYCLOAK_URL",
            "AUTHOR",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }
}
