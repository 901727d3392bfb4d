use pristine_diagnostics::TextRange;
use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::dockerfile::general::stage_chain;

declare_rule! {
    /// ## What it does
    /// Checks that the user the final image runs as (the last `USER` of the final stage,
    /// or of a stage it is built on) is numeric (`USER 10001` or `USER 10001:10001`).
    ///
    /// ## Why is this bad?
    /// Kubernetes' `runAsNonRoot: true` refuses to start a container whose image user is a
    /// name: it cannot tell whether `app` is UID 0 ("container has runAsNonRoot and image has
    /// non-numeric user, cannot verify user is non-root"). A numeric UID also keeps working
    /// when the runtime cannot read the image's `/etc/passwd`.
    ///
    /// Only the image's effective user matters: hadolint's DL3066 reports every named `USER`
    /// in every stage, including builder stages that never run; pristine does not. `root` is
    /// left to the rule about running as root.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN useradd --uid 10001 app
    /// USER app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN useradd --uid 10001 app
    /// USER 10001
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3066](https://github.com/hadolint/hadolint/wiki/DL3066)
    /// - [Kubernetes: security context `runAsNonRoot`](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    pub(crate) struct NonNumericUser {
        code: "DF029",
        name: "non-numeric-user",
        family: Dockerfile,
        severity: Info,
        fix: None,
        hadolint: ["DL3066"],
        buildkit: [],
        summary: "Final image runs as a user name rather than a numeric UID",
    }
}

/// DF029.
pub(crate) fn non_numeric_user(checker: &mut Checker) {
    let Some(last) = checker.stages.final_stage() else {
        return;
    };
    let mut user: Option<(String, TextRange)> = None;
    for stage_index in stage_chain(&checker.stages, last.index) {
        let Some(st) = checker.stages.stages.get(stage_index) else {
            continue;
        };
        for &index in &st.instructions {
            if let Some(Command::User(u)) = checker
                .dockerfile
                .instructions
                .get(index)
                .and_then(|i| i.command.as_ref())
            {
                user = Some((u.value.clone(), u.range));
            }
        }
    }
    let Some((value, range)) = user else { return };
    let name = value.split(':').next().unwrap_or_default();
    if value.contains('$')
        || name.is_empty()
        || name == "root"
        || name.bytes().all(|c| c.is_ascii_digit())
    {
        return;
    }
    let diagnostic = checker
        .diagnostic(
            Rule::NonNumericUser,
            format!("The image runs as user `{name}`, not a numeric UID: `runAsNonRoot` cannot verify it is not root"),
            range,
        )
        .with_help("Use the UID (and GID) the user was created with, e.g. `USER 10001:10001`");
    checker.report(diagnostic);
}
