#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks for `ln` with `/bin/sh` as an operand (`ln -sf /bin/bash /bin/sh`).
    ///
    /// ## Why is this bad?
    /// Replacing `/bin/sh` changes the shell of every program in the image, not only of the build;
    ///  the `SHELL` instruction changes the shell `RUN` uses and nothing else.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN ln -sf /bin/bash /bin/sh
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// SHELL ["/bin/bash", "-c"]
    /// ```
    ///
    /// ## References
    /// - hadolint DL4005 (`src/Hadolint/Rule/DL4005.hs`)
    pub(crate) struct LnBinSh {
        code: "DF122",
        name: "ln-bin-sh",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL4005"],
        buildkit: [],
        summary: "Use `SHELL` instead of linking `/bin/sh`",
    }
}

/// DF122
pub(crate) fn ln_bin_sh(checker: &mut Checker) {
    report_invocations(
        checker,
        Rule::LnBinSh,
        |checker: &Checker, run: &RunScript, inv: &Invocation| {
            let _ = (checker, run);
            (inv.tool == Tool::Ln && inv.opts.positionals.iter().any(|w| w.text == "/bin/sh")).then(
                || {
                    (
                        "Use `SHELL` to change the default shell instead of linking `/bin/sh`"
                            .to_owned(),
                        range_of(inv),
                    )
                },
            )
        },
    );
}
