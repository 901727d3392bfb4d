#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks `go install <module>` without `@<version>`; `@latest` is not a pin. Local packages
    ///  (`./cmd/x`, `.`) are not reported.
    ///
    /// ## Why is this bad?
    /// An unpinned module resolves to whatever is latest on build day.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22
    /// RUN go install github.com/go-delve/delve/cmd/dlv@latest
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.22
    /// RUN go install github.com/go-delve/delve/cmd/dlv@v1.22.1
    /// ```
    ///
    /// ## References
    /// - hadolint DL3062 (`src/Hadolint/Rule/DL3062.hs`)
    pub(crate) struct GoInstallUnpinned {
        code: "DF120",
        name: "go-install-unpinned",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3062"],
        buildkit: [],
        summary: "`go install` of a module without a pinned version",
    }
}

/// DF120
pub(crate) fn go_install_unpinned(checker: &mut Checker) {
    report_invocations(
        checker,
        Rule::GoInstallUnpinned,
        |checker: &Checker, run: &RunScript, inv: &Invocation| {
            let _ = (checker, run);
            if inv.tool != Tool::Go || inv.subcommand() != "install" {
                return None;
            }
            let unpinned: Vec<String> = inv
                .opts
                .positionals
                .iter()
                .filter(|w| w.is_static && !w.text.starts_with(['.', '/']))
                .filter(|w| w.text.rsplit_once('@').is_none_or(|(_, v)| v == "latest"))
                .map(|w| format!("`{}`", w.text))
                .collect();
            (!unpinned.is_empty()).then(|| {
                (
                    format!("Pin versions in `go install`: {}", unpinned.join(", ")),
                    range_of(inv),
                )
            })
        },
    );
}
