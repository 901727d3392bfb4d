#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks `apt-get install` without `-y` / `--yes` / `--assume-yes` (or `-qq`, which implies
    ///  it).
    ///
    /// ## Why is this bad?
    /// Without `-y` apt-get asks for confirmation; the build has no terminal, so apt-get aborts and
    ///  the build fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## References
    /// - hadolint DL3014 (`src/Hadolint/Rule/DL3014.hs`)
    pub(crate) struct AptInstallWithoutYes {
        code: "DF106",
        name: "apt-install-without-yes",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3014"],
        buildkit: [],
        summary: "`apt-get install` without `-y`",
    }
}

/// DF106
pub(crate) fn apt_install_without_yes(checker: &mut Checker) {
    report_invocations(
        checker,
        Rule::AptInstallWithoutYes,
        |checker: &Checker, run: &RunScript, inv: &Invocation| {
            let _ = (checker, run);
            if inv.tool != Tool::AptGet || inv.subcommand() != "install" {
                return None;
            }
            let quiet = inv.opts.flags.iter().filter(|f| f.name == "-q").count() >= 2
                || inv
                    .command
                    .arg_texts()
                    .any(|a| matches!(a, "-q=2" | "--quiet=2" | "-qq"));
            let yes = inv.opts.has(&["-y", "--yes", "--assume-yes"])
                || inv
                    .opts
                    .values(&["-o", "--option"])
                    .iter()
                    .any(|v| v.starts_with("APT::Get::Assume-Yes=true"));
            (!yes && !quiet).then(|| {
                (
                    "`apt-get install` without `-y` asks for confirmation and fails".to_owned(),
                    range_of(inv),
                )
            })
        },
    );
}
