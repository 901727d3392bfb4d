use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::dockerfile::general::lexer;

declare_rule! {
    /// ## What it does
    /// Checks `LABEL` keys against Docker's key format recommendations: lowercase letters,
    /// digits, `.` and `-`, starting with a letter and ending with a letter or digit, no `..`
    /// or `--`, and not in the namespaces Docker reserves (`com.docker.`, `io.docker.`,
    /// `org.dockerproject.`).
    ///
    /// ## Why is this bad?
    /// Tools that read labels (registries, scanners, `docker inspect --format`) expect the
    /// reverse-DNS convention; keys such as `Version` or `build_date` sit beside the
    /// standard `org.opencontainers.image.version` and are easy to miss. Reserved namespaces
    /// belong to Docker's own tools.
    ///
    /// Keys are checked after quote removal and variable expansion; keys built from
    /// variables pristine cannot resolve are skipped.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// LABEL Version=1.2.0
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// LABEL org.opencontainers.image.version=1.2.0
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3048](https://github.com/hadolint/hadolint/wiki/DL3048)
    /// - [Docker object labels: key format recommendations](https://docs.docker.com/engine/manage-resources/labels/)
    pub(crate) struct InvalidLabelKey {
        code: "DF031",
        name: "invalid-label-key",
        family: Dockerfile,
        severity: Info,
        fix: None,
        hadolint: ["DL3048"],
        buildkit: [],
        summary: "`LABEL` key does not follow Docker's key format",
    }
}

fn valid_key(key: &str) -> bool {
    let b = key.as_bytes();
    b.first().is_some_and(u8::is_ascii_lowercase)
        && b.last()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'-'))
        && !key.contains("..")
        && !key.contains("--")
        && !["com.docker.", "io.docker.", "org.dockerproject."]
            .iter()
            .any(|ns| key.starts_with(ns))
}

/// DF031.
pub(crate) fn invalid_label_key(checker: &mut Checker) {
    let lex = lexer(checker);
    let empty = pristine_dockerfile::lex::EnvList::new();
    let mut found = Vec::new();
    for inst in &checker.dockerfile.instructions {
        let Some(Command::Label(pairs)) = &inst.command else {
            continue;
        };
        for kv in pairs {
            let Ok(result) = lex.process_word(&kv.key.value, &empty) else {
                continue;
            };
            if !result.unmatched.is_empty() || !result.matched.is_empty() {
                continue;
            }
            if !valid_key(&result.result) {
                found.push((result.result, kv.key.range));
            }
        }
    }
    for (key, range) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::InvalidLabelKey,
                format!("Invalid label key `{key}`"),
                range,
            )
            .with_help("Use lowercase reverse-DNS keys such as `org.opencontainers.image.version`");
        checker.report(diagnostic);
    }
}
