#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks `apt-get install` without `--no-install-recommends` (or
    ///  `-o APT::Install-Recommends=false`).
    ///
    /// ## Why is this bad?
    /// Recommended packages are installed by default: often hundreds of megabytes nobody asked for
    ///  (documentation tools, X libraries).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## References
    /// - hadolint DL3015 (`src/Hadolint/Rule/DL3015.hs`)
    pub(crate) struct AptInstallRecommends {
        code: "DF107",
        name: "apt-install-recommends",
        family: Dockerfile,
        severity: Info,
        fix: None,
        hadolint: ["DL3015"],
        buildkit: [],
        summary: "`apt-get install` without `--no-install-recommends`",
    }
}

/// DF107
pub(crate) fn apt_install_recommends(checker: &mut Checker) {
    report_invocations(
        checker,
        Rule::AptInstallRecommends,
        |checker: &Checker, run: &RunScript, inv: &Invocation| {
            let _ = (checker, run);
            if inv.tool != Tool::AptGet || inv.subcommand() != "install" {
                return None;
            }
            let off = inv.opts.has(&["--no-install-recommends"])
                || inv.opts.values(&["-o", "--option"]).iter().any(|v| {
                    let v = v.to_ascii_lowercase();
                    v.starts_with("apt::install-recommends=")
                        && (v.ends_with("=false") || v.ends_with("=0"))
                });
            (!off).then(|| {
                (
                    "Avoid extra packages with `apt-get install --no-install-recommends`"
                        .to_owned(),
                    range_of(inv),
                )
            })
        },
    );
}
