#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks `useradd -u <uid>` with a UID of more than 5 digits and without `-l` /
    ///  `--no-log-init`.
    ///
    /// ## Why is this bad?
    /// `useradd` reserves space in `/var/log/lastlog` and `faillog` up to the UID: with a large UID
    ///  the sparse file becomes gigabytes in the layer (a Go archive/tar bug, moby#5419).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -u 123456 app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -l -u 123456 app
    /// ```
    ///
    /// ## References
    /// - hadolint DL3046 (`src/Hadolint/Rule/DL3046.hs`)
    /// - [moby#5419](https://github.com/moby/moby/issues/5419)
    pub(crate) struct UseraddWithoutNoLogInit {
        code: "DF117",
        name: "useradd-without-no-log-init",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3046"],
        buildkit: [],
        summary: "`useradd` with a high UID without `-l`",
    }
}

/// DF117
pub(crate) fn useradd_without_no_log_init(checker: &mut Checker) {
    report_invocations(
        checker,
        Rule::UseraddWithoutNoLogInit,
        |checker: &Checker, run: &RunScript, inv: &Invocation| {
            let _ = (checker, run);
            if inv.tool != Tool::Useradd || inv.opts.has(&["-l", "--no-log-init"]) {
                return None;
            }
            let uid = inv.opts.value(&["-u", "--uid"])?;
            (uid.len() > 5 && uid.chars().all(|c| c.is_ascii_digit())).then(|| {
                (
                    "`useradd` with a high UID without `-l` creates a huge `/var/log/lastlog`"
                        .to_owned(),
                    range_of(inv),
                )
            })
        },
    );
}
