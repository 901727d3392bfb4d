#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{
    has_cache_mount, has_ext, in_final_image, range_of, report_invocations,
};

declare_rule! {
    /// ## What it does
    /// Checks `yum install`, `dnf install`, `microdnf install` for packages without a version
    ///  (`httpd-2.4.57`) and `zypper install` for packages without a constraint (`curl=8.0`,
    ///  `curl>=8`). `.rpm` files and packages in variables are accepted. hadolint accepts any package
    ///  name containing `-` for yum/dnf, so `python3-pip` counts as pinned there; here a version must
    ///  follow the `-` (a digit after a `-`), so more packages are reported than by hadolint.
    ///
    /// ## Why is this bad?
    /// An unpinned package resolves to whatever the repository has on build day.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM rockylinux:9
    /// RUN dnf install -y httpd
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM rockylinux:9
    /// RUN dnf install -y httpd-2.4.57
    /// ```
    ///
    /// ## References
    /// - hadolint DL3033, DL3037, DL3041
    pub(crate) struct RpmPackageUnpinned {
        code: "DF115",
        name: "rpm-package-unpinned",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3033", "DL3037", "DL3041"],
        buildkit: [],
        summary: "`yum`/`dnf`/`zypper` install of a package without a pinned version",
    }
}

/// DF115
pub(crate) fn rpm_package_unpinned(checker: &mut Checker) {
    report_invocations(
        checker,
        Rule::RpmPackageUnpinned,
        |checker: &Checker, run: &RunScript, inv: &Invocation| {
            let _ = (checker, run);
            let sub = inv.subcommand();
            let zypper = match inv.tool {
                Tool::Yum | Tool::Dnf | Tool::Microdnf if sub == "install" => false,
                Tool::Zypper if matches!(sub, "install" | "in") => true,
                _ => return None,
            };
            let unpinned: Vec<String> = inv
                .opts
                .positionals
                .iter()
                .filter(|w| w.is_static)
                .map(|w| w.text.as_str())
                .filter(|p| {
                    let pinned = has_ext(p, "rpm")
                        || p.starts_with('@')
                        || if zypper {
                            p.contains(['=', '<', '>'])
                        } else {
                            p.contains(':') && !p.contains('/')
                                || p.split('-')
                                    .skip(1)
                                    .any(|s| s.starts_with(|c: char| c.is_ascii_digit()))
                        };
                    !pinned
                })
                .map(|p| format!("`{p}`"))
                .collect();
            (!unpinned.is_empty()).then(|| {
                let tool = pristine_shell::basename(&inv.program.text);
                (
                    format!("Pin versions in `{tool} install`: {}", unpinned.join(", ")),
                    range_of(inv),
                )
            })
        },
    );
}
