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
    /// Checks `apt-get install` for packages without a version (`curl` rather than
    ///  `curl=7.88.1-10+deb12u5`). Packages given as a release (`pkg/bookworm-backports`) or a
    ///  `.deb` file count as pinned, as in hadolint. Unlike hadolint, the values of options
    ///  (`-o Dpkg::Options::=…`, `-t bookworm`) are not mistaken for packages, and packages held in
    ///  variables (`$PACKAGES`) are not reported.
    ///
    /// ## Why is this bad?
    /// Without a version the image gets whatever the mirror has on build day: two builds of the same
    ///  Dockerfile differ, and an upgrade can break the image without any change to the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
    /// ```
    ///
    /// ## References
    /// - hadolint DL3008 (`src/Hadolint/Rule/DL3008.hs`)
    pub(crate) struct AptPackageUnpinned {
        code: "DF104",
        name: "apt-package-unpinned",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3008"],
        buildkit: [],
        summary: "`apt-get install` of a package without a pinned version",
    }
}

/// DF104
pub(crate) fn apt_package_unpinned(checker: &mut Checker) {
    report_invocations(
        checker,
        Rule::AptPackageUnpinned,
        |checker: &Checker, run: &RunScript, inv: &Invocation| {
            let _ = (checker, run);
            if inv.tool != Tool::AptGet || inv.subcommand() != "install" {
                return None;
            }
            let unpinned: Vec<String> = inv
                .opts
                .positionals
                .iter()
                .filter(|w| w.is_static)
                .map(|w| w.text.as_str())
                .filter(|p| !(p.contains('=') || p.contains('/') || has_ext(p, "deb")))
                .map(|p| format!("`{p}`"))
                .collect();
            (!unpinned.is_empty()).then(|| {
                (
                    format!("Pin versions in `apt-get install`: {}", unpinned.join(", ")),
                    range_of(inv),
                )
            })
        },
    );
}
