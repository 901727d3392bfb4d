#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks for the `apt` command in `RUN`.
    ///
    /// ## Why is this bad?
    /// `apt` is for interactive use: its output and behaviour may change between releases and it
    ///  warns "apt does not have a stable CLI interface" in scripts.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt update && apt install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## References
    /// - hadolint DL3027 (`src/Hadolint/Rule/DL3027.hs`)
    pub(crate) struct AptInsteadOfAptGet {
        code: "DF111",
        name: "apt-instead-of-apt-get",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3027"],
        buildkit: [],
        summary: "`apt` used in a script; use `apt-get` or `apt-cache`",
    }
}

/// DF111
pub(crate) fn apt_instead_of_apt_get(checker: &mut Checker) {
    report_invocations(
        checker,
        Rule::AptInsteadOfAptGet,
        |checker: &Checker, run: &RunScript, inv: &Invocation| {
            let _ = (checker, run);
            (inv.tool == Tool::Apt).then(|| {
                (
                    "Use `apt-get` or `apt-cache` instead of `apt`".to_owned(),
                    inv.program.range,
                )
            })
        },
    );
}
