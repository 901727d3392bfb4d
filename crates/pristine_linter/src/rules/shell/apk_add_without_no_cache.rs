#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks `apk add` without `--no-cache`. A `cache` mount on `/var/cache/apk`, or removing
    ///  `/var/cache/apk` in the same `RUN`, also satisfies it (hadolint accepts only the first two).
    ///
    /// ## Why is this bad?
    /// Without `--no-cache` the package index stays in `/var/cache/apk` and in the layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add curl=8.9.1-r1
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl=8.9.1-r1
    /// ```
    ///
    /// ## References
    /// - hadolint DL3019 (`src/Hadolint/Rule/DL3019.hs`)
    pub(crate) struct ApkAddWithoutNoCache {
        code: "DF110",
        name: "apk-add-without-no-cache",
        family: Dockerfile,
        severity: Info,
        fix: None,
        hadolint: ["DL3019"],
        buildkit: [],
        summary: "`apk add` without `--no-cache`",
    }
}

/// DF110
pub(crate) fn apk_add_without_no_cache(checker: &mut Checker) {
    report_invocations(
        checker,
        Rule::ApkAddWithoutNoCache,
        |checker: &Checker, run: &RunScript, inv: &Invocation| {
            let _ = (checker, run);
            if inv.tool != Tool::Apk || inv.subcommand() != "add" || inv.opts.has(&["--no-cache"]) {
                return None;
            }
            if has_cache_mount(checker, run, &["/var/cache/apk"]) {
                return None;
            }
            let removed = checker
                .script_model(run)
                .removals
                .iter()
                .any(|r| r.paths.iter().any(|p| p.text.starts_with("/var/cache/apk")));
            (!removed).then(|| {
                (
                    "Use `apk add --no-cache` to keep the package index out of the image"
                        .to_owned(),
                    range_of(inv),
                )
            })
        },
    );
}
