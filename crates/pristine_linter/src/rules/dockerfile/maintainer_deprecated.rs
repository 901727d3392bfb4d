use pristine_diagnostics::{Edit, Fix};
use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for the `MAINTAINER` instruction.
    ///
    /// ## Why is this bad?
    /// `MAINTAINER` has been deprecated since Docker 1.13; it sets the image's `Author` field,
    /// which OCI tooling ignores. The label `org.opencontainers.image.authors` is the standard
    /// place for it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## Fix safety
    /// The fix replaces the instruction with the label. It is unsafe: the image's `Author`
    /// field is no longer set, which a tool reading it would notice. Offered only when the
    /// escape character is `\`.
    ///
    /// ## References
    /// - [BuildKit check `MaintainerDeprecated`](https://docs.docker.com/reference/build-checks/maintainer-deprecated/)
    /// - [hadolint DL4000](https://github.com/hadolint/hadolint/wiki/DL4000)
    pub(crate) struct MaintainerDeprecated {
        code: "DF009",
        name: "maintainer-deprecated",
        family: Dockerfile,
        severity: Warning,
        fix: Sometimes,
        hadolint: ["DL4000"],
        buildkit: ["MaintainerDeprecated"],
        summary: "Deprecated `MAINTAINER` instruction",
    }
}

/// Double-quotes `value` for a `LABEL` so that it stays literal.
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if matches!(c, '"' | '\\' | '$') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// DF009.
pub(crate) fn maintainer_deprecated(checker: &mut Checker) {
    let escape = checker.dockerfile.escape;
    let mut found = Vec::new();
    for inst in &checker.dockerfile.instructions {
        if let Some(Command::Maintainer(who)) = &inst.command {
            let single_line = inst.start_line == inst.end_line;
            found.push((inst.range, who.value.clone(), single_line));
        }
    }
    for (range, who, single_line) in found {
        let mut diagnostic = checker
            .diagnostic(
                Rule::MaintainerDeprecated,
                "Maintainer instruction is deprecated in favor of using label",
                range,
            )
            .with_help("Use `LABEL org.opencontainers.image.authors=\"…\"`");
        if escape == '\\' && single_line && !who.contains(['\n', '\r']) {
            diagnostic = diagnostic.with_fix(Fix::unsafe_edits(vec![Edit::replacement(
                format!("LABEL org.opencontainers.image.authors={}", quote(&who)),
                range,
            )]));
        }
        checker.report(diagnostic);
    }
}
