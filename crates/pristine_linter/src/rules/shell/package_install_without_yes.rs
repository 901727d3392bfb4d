#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks `yum install`, `dnf install` (also `groupinstall`, `localinstall`, `reinstall`) without
    ///  `-y`/`--assumeyes`, and `zypper install`/`remove`/`patch`/… without `-n`/`--non-interactive`
    ///  or `-y`/`--no-confirm`. `microdnf` never asks and is not reported.
    ///
    /// ## Why is this bad?
    /// Without the switch the package manager asks for confirmation; the build has no terminal and
    ///  fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM rockylinux:9
    /// RUN dnf install httpd
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM rockylinux:9
    /// RUN dnf install -y httpd
    /// ```
    ///
    /// ## References
    /// - hadolint DL3030, DL3034, DL3038
    pub(crate) struct PackageInstallWithoutYes {
        code: "DF113",
        name: "package-install-without-yes",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3030", "DL3034", "DL3038"],
        buildkit: [],
        summary: "`yum`/`dnf`/`zypper` install without a non-interactive switch",
    }
}

/// DF113
pub(crate) fn package_install_without_yes(checker: &mut Checker) {
    report_invocations(
        checker,
        Rule::PackageInstallWithoutYes,
        |checker: &Checker, run: &RunScript, inv: &Invocation| {
            let _ = (checker, run);
            let sub = inv.subcommand();
            let missing = match inv.tool {
                Tool::Yum | Tool::Dnf => {
                    matches!(
                        sub,
                        "install"
                            | "groupinstall"
                            | "localinstall"
                            | "reinstall"
                            | "upgrade"
                            | "update"
                            | "remove"
                    ) && !inv.opts.has(&["-y", "--assumeyes"])
                }
                Tool::Zypper => {
                    matches!(
                        sub,
                        "install"
                            | "in"
                            | "remove"
                            | "rm"
                            | "source-install"
                            | "si"
                            | "patch"
                            | "update"
                            | "up"
                    ) && !inv
                        .opts
                        .has(&["-n", "--non-interactive", "-y", "--no-confirm"])
                }
                _ => false,
            };
            missing.then(|| {
            let tool = pristine_shell::basename(&inv.program.text);
            (format!("`{tool} {sub}` without a non-interactive switch (`-y`) fails without a terminal"), range_of(inv))
        })
        },
    );
}
