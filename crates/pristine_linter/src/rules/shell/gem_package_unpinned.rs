#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks `gem install` for gems without a version (`gem install rails:7.1.3` or
    ///  `-v`/`--version`).
    ///
    /// ## Why is this bad?
    /// An unpinned gem resolves to whatever is latest on build day.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ruby:3.3
    /// RUN gem install bundler
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM ruby:3.3
    /// RUN gem install bundler:2.5.6
    /// ```
    ///
    /// ## References
    /// - hadolint DL3028 (`src/Hadolint/Rule/DL3028.hs`)
    pub(crate) struct GemPackageUnpinned {
        code: "DF112",
        name: "gem-package-unpinned",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3028"],
        buildkit: [],
        summary: "`gem install` of a gem without a pinned version",
    }
}

/// DF112
pub(crate) fn gem_package_unpinned(checker: &mut Checker) {
    report_invocations(
        checker,
        Rule::GemPackageUnpinned,
        |checker: &Checker, run: &RunScript, inv: &Invocation| {
            let _ = (checker, run);
            if inv.tool != Tool::Gem
                || inv.subcommand() != "install"
                || inv.opts.has(&["-v", "--version"])
            {
                return None;
            }
            let unpinned: Vec<String> = inv
                .opts
                .positionals
                .iter()
                .filter(|w| w.is_static && !w.text.contains(':'))
                .map(|w| format!("`{}`", w.text))
                .collect();
            (!unpinned.is_empty()).then(|| {
                (
                    format!("Pin versions in `gem install`: {}", unpinned.join(", ")),
                    range_of(inv),
                )
            })
        },
    );
}
