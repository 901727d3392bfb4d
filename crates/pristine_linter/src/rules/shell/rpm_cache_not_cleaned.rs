#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks `RUN`s of the final image that install with `yum`, `dnf`, `microdnf` or `zypper` and do
    ///  not clean its cache in the same `RUN` (`yum clean all`, `dnf clean all`, `zypper clean`, or
    ///  `rm -rf /var/cache/yum|dnf|zypp`). A `cache`/`tmpfs` mount on the cache directory also
    ///  satisfies it; builder stages are not reported.
    ///
    /// ## Why is this bad?
    /// The metadata and package cache stay in the layer: often over a hundred megabytes.
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
    /// RUN dnf install -y httpd && dnf clean all
    /// ```
    ///
    /// ## References
    /// - hadolint DL3032, DL3036, DL3040
    pub(crate) struct RpmCacheNotCleaned {
        code: "DF114",
        name: "rpm-cache-not-cleaned",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3032", "DL3036", "DL3040"],
        buildkit: [],
        summary: "`yum`/`dnf`/`zypper` install without cleaning the cache in the same `RUN`",
    }
}

/// DF114
pub(crate) fn rpm_cache_not_cleaned(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for (run, model) in scripts.iter().zip(checker.script_models()) {
        if !in_final_image(checker, run.stage)
            || has_cache_mount(
                checker,
                run,
                &[
                    "/var/cache/yum",
                    "/var/cache/dnf",
                    "/var/cache/libdnf5",
                    "/var/cache/zypp",
                ],
            )
        {
            continue;
        }
        let invs = &model.invocations;
        let removed = model.removals.iter().any(|r| {
            r.paths.iter().any(|p| {
                [
                    "/var/cache/yum",
                    "/var/cache/dnf",
                    "/var/cache/zypp",
                    "/var/cache/libdnf5",
                ]
                .iter()
                .any(|c| p.text.starts_with(c))
            })
        });
        for inv in invs {
            let family = match inv.tool {
                Tool::Yum | Tool::Dnf | Tool::Microdnf => "yum",
                Tool::Zypper => "zypper",
                _ => continue,
            };
            if !matches!(
                inv.subcommand(),
                "install" | "in" | "groupinstall" | "localinstall"
            ) {
                continue;
            }
            let cleaned = removed
                || invs.iter().any(|c| {
                    let same = match c.tool {
                        Tool::Yum | Tool::Dnf | Tool::Microdnf => family == "yum",
                        Tool::Zypper => family == "zypper",
                        _ => false,
                    };
                    same && (matches!(c.subcommand(), "clean" | "cc"))
                });
            if !cleaned {
                let tool = pristine_shell::basename(&inv.program.text);
                let hint = if family == "zypper" {
                    "zypper clean"
                } else {
                    "clean all"
                };
                found.push((format!("`{tool} install` without `{hint}` in the same `RUN` leaves its cache in the image"), range_of(inv)));
            }
        }
    }
    for (message, range) in found {
        let d = checker.diagnostic(Rule::RpmCacheNotCleaned, message, range);
        checker.report(d);
    }
}
