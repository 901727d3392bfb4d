use pristine_diagnostics::TextRange;
use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for `ENV` and `LABEL` in the legacy whitespace form (`ENV key value`).
    ///
    /// ## Why is this bad?
    /// The legacy form takes everything after the key as the value, spaces and quotes
    /// included, and allows one pair per instruction. It is easy to misread
    /// (`ENV PYTHONUNBUFFERED 1 PIP_NO_CACHE_DIR 1` sets *one* variable) and Docker documents
    /// it as deprecated.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV PYTHONUNBUFFERED 1
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV PYTHONUNBUFFERED=1
    /// ```
    ///
    /// ## References
    /// - [BuildKit check `LegacyKeyValueFormat`](https://docs.docker.com/reference/build-checks/legacy-key-value-format/)
    /// - BuildKit `frontend/dockerfile/dockerfile2llb/convert.go` (`dispatchEnv`, `dispatchLabel`)
    pub(crate) struct LegacyKeyValueFormat {
        code: "DF014",
        name: "legacy-key-value-format",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: ["LegacyKeyValueFormat"],
        summary: "`ENV`/`LABEL` in the legacy `key value` form",
    }
}

/// DF014.
pub(crate) fn legacy_key_value_format(checker: &mut Checker) {
    let mut found = Vec::new();
    for inst in &checker.dockerfile.instructions {
        let Some(Command::Env(pairs) | Command::Label(pairs)) = &inst.command else {
            continue;
        };
        for kv in pairs.iter().filter(|kv| !kv.equals) {
            let end = kv.value.range.end().max(kv.key.range.end());
            found.push((
                inst.keyword.value.clone(),
                TextRange::new(kv.key.range.start(), end),
                kv.key.value.clone(),
            ));
        }
    }
    for (name, range, key) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::LegacyKeyValueFormat,
                format!(
                    "\"{name} key=value\" should be used instead of legacy \"{name} key value\" format"
                ),
                range,
            )
            .with_help(format!("Write `{name} {key}=<value>`, quoting the value if it has spaces"));
        checker.report(diagnostic);
    }
}
