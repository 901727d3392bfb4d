#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks `RUN`s that run `apt-get update` in a stage of the final image and do not remove
    ///  `/var/lib/apt/lists` in the same `RUN` (`rm -rf /var/lib/apt/lists/*`). A `cache` or `tmpfs`
    ///  mount on `/var/lib/apt/lists` (or `/var/lib/apt`) also satisfies it. Builder stages that the
    ///  final image does not derive from are not reported (hadolint reports every stage).
    ///
    /// ## Why is this bad?
    /// The package lists are tens of megabytes that stay in the layer; removing them in a later `RUN`
    ///  does not shrink the image.
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
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## References
    /// - hadolint DL3009 (`src/Hadolint/Rule/DL3009.hs`)
    /// - [Docker best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    pub(crate) struct AptListsNotRemoved {
        code: "DF105",
        name: "apt-lists-not-removed",
        family: Dockerfile,
        severity: Info,
        fix: None,
        hadolint: ["DL3009"],
        buildkit: [],
        summary: "`apt-get update` without removing `/var/lib/apt/lists` in the same `RUN`",
    }
}

/// DF105
pub(crate) fn apt_lists_not_removed(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for (run, model) in scripts.iter().zip(checker.script_models()) {
        if !in_final_image(checker, run.stage)
            || has_cache_mount(checker, run, &["/var/lib/apt/lists", "/var/lib/apt"])
        {
            continue;
        }
        let update = model
            .invocations
            .iter()
            .find(|i| matches!(i.tool, Tool::AptGet | Tool::Apt) && i.subcommand() == "update");
        let cleaned = model.removals.iter().any(|r| {
            r.paths.iter().any(|p| {
                p.text
                    .trim_end_matches(['*', '/'])
                    .starts_with("/var/lib/apt/lists")
            })
        });
        if let Some(update) = update
            && !cleaned
        {
            found.push((
                "Delete the apt lists (`rm -rf /var/lib/apt/lists/*`) in the `RUN` that runs `apt-get update`"
                    .to_owned(),
                range_of(update),
            ));
        }
    }
    for (message, range) in found {
        let d = checker.diagnostic(Rule::AptListsNotRemoved, message, range);
        checker.report(d);
    }
}
