#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks for `zypper dist-upgrade` / `zypper dup`.
    ///
    /// ## Why is this bad?
    /// A distribution upgrade in a build changes the whole base image unpredictably; pick a newer
    ///  base image tag instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n dist-upgrade
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n install curl=8.0
    /// ```
    ///
    /// ## References
    /// - hadolint DL3035 (`src/Hadolint/Rule/DL3035.hs`)
    pub(crate) struct ZypperDistUpgrade {
        code: "DF116",
        name: "zypper-dist-upgrade",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3035"],
        buildkit: [],
        summary: "Do not use `zypper dist-upgrade` in a build",
    }
}

/// DF116
pub(crate) fn zypper_dist_upgrade(checker: &mut Checker) {
    report_invocations(
        checker,
        Rule::ZypperDistUpgrade,
        |checker: &Checker, run: &RunScript, inv: &Invocation| {
            let _ = (checker, run);
            (inv.tool == Tool::Zypper && matches!(inv.subcommand(), "dist-upgrade" | "dup")).then(
                || {
                    (
                        "Do not use `zypper dist-upgrade`: use a newer base image".to_owned(),
                        range_of(inv),
                    )
                },
            )
        },
    );
}
