#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks `RUN`s of the final image with `yarn install` and no `yarn cache clean` in the same
    ///  `RUN`. A `cache` mount on yarn's cache directory also satisfies it.
    ///
    /// ## Why is this bad?
    /// yarn keeps a copy of every package in its cache, which stays in the layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20
    /// RUN yarn install --frozen-lockfile
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:20
    /// RUN yarn install --frozen-lockfile && yarn cache clean
    /// ```
    ///
    /// ## References
    /// - hadolint DL3060 (`src/Hadolint/Rule/DL3060.hs`)
    pub(crate) struct YarnCacheNotCleaned {
        code: "DF119",
        name: "yarn-cache-not-cleaned",
        family: Dockerfile,
        severity: Info,
        fix: None,
        hadolint: ["DL3060"],
        buildkit: [],
        summary: "`yarn install` without `yarn cache clean` in the same `RUN`",
    }
}

/// DF119
pub(crate) fn yarn_cache_not_cleaned(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for (run, model) in scripts.iter().zip(checker.script_models()) {
        if !in_final_image(checker, run.stage)
            || has_cache_mount(
                checker,
                run,
                &[
                    "/usr/local/share/.cache/yarn",
                    "/root/.cache/yarn",
                    "/root/.yarn",
                ],
            )
        {
            continue;
        }
        let cleaned = model.tool_invocations(Tool::Yarn).any(|i| {
            i.subcommand() == "cache"
                && i.opts
                    .positionals
                    .first()
                    .is_some_and(|w| w.text == "clean")
        });
        if cleaned {
            continue;
        }
        for inv in model
            .tool_invocations(Tool::Yarn)
            .filter(|i| i.subcommand() == "install")
        {
            found.push((
                "`yarn install` without `yarn cache clean` leaves the cache in the image"
                    .to_owned(),
                range_of(inv),
            ));
        }
    }
    for (message, range) in found {
        let d = checker.diagnostic(Rule::YarnCacheNotCleaned, message, range);
        checker.report(d);
    }
}
