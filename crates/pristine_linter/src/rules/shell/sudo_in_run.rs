#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks for `sudo` in `RUN`.
    ///
    /// ## Why is this bad?
    /// A build step runs as the current `USER`; `sudo` needs a TTY and a sudoers setup, behaves
    ///  unpredictably, and ships a setuid binary. Switch with `USER root` … `USER app`, or use `gosu`
    ///  / `su-exec` in an entrypoint.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// USER app
    /// RUN sudo apt-get update
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// USER root
    /// RUN apt-get update
    /// USER app
    /// ```
    ///
    /// ## References
    /// - hadolint DL3004 (`src/Hadolint/Rule/DL3004.hs`)
    pub(crate) struct SudoInRun {
        code: "DF103",
        name: "sudo-in-run",
        family: Dockerfile,
        severity: Error,
        fix: None,
        hadolint: ["DL3004"],
        buildkit: [],
        summary: "Do not use `sudo` in `RUN`",
    }
}

/// DF103
pub(crate) fn sudo_in_run(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for run in scripts.iter() {
        for c in &run.script.commands {
            if c.basename() == "sudo" {
                found.push((
                    "Do not use `sudo`: switch with `USER`, or use `gosu`".to_owned(),
                    c.name.range,
                ));
            }
        }
    }
    for (message, range) in found {
        let d = checker.diagnostic(Rule::SudoInRun, message, range);
        checker.report(d);
    }
}
