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
    /// Checks `apk add` for packages without a version constraint (`curl=8.5.0-r0`, `curl~8.5`,
    ///  `curl>8`). `.apk` files are accepted; the name of `--virtual`/`-t` is not a package (hadolint
    ///  gets that right too), and packages in variables are not reported.
    ///
    /// ## Why is this bad?
    /// An unpinned package resolves to whatever the Alpine mirror has on build day.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl=8.9.1-r1
    /// ```
    ///
    /// ## References
    /// - hadolint DL3018 (`src/Hadolint/Rule/DL3018.hs`)
    pub(crate) struct ApkPackageUnpinned {
        code: "DF109",
        name: "apk-package-unpinned",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3018"],
        buildkit: [],
        summary: "`apk add` of a package without a pinned version",
    }
}

/// DF109
pub(crate) fn apk_package_unpinned(checker: &mut Checker) {
    report_invocations(
        checker,
        Rule::ApkPackageUnpinned,
        |checker: &Checker, run: &RunScript, inv: &Invocation| {
            let _ = (checker, run);
            if inv.tool != Tool::Apk || inv.subcommand() != "add" {
                return None;
            }
            let unpinned: Vec<String> = inv
                .opts
                .positionals
                .iter()
                .filter(|w| w.is_static)
                .map(|w| w.text.as_str())
                .filter(|p| !(p.contains(['=', '~', '<', '>']) || has_ext(p, "apk")))
                .map(|p| format!("`{p}`"))
                .collect();
            (!unpinned.is_empty()).then(|| {
                (
                    format!("Pin versions in `apk add`: {}", unpinned.join(", ")),
                    range_of(inv),
                )
            })
        },
    );
}
