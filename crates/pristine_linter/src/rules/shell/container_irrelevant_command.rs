#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks `RUN` for commands that are meaningless or harmful in an image build: `ssh`, `vim`,
    ///  `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig` (also behind
    ///  `sudo`/`env`, inside `sh -c` and heredoc scripts).
    ///
    /// ## Why is this bad?
    /// A build step has no terminal, no init system and no running services: `service x start`
    ///  starts nothing that survives the step, `vim` waits for input, `shutdown` and `mount` need
    ///  privileges a build does not have.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN service nginx start
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## References
    /// - hadolint DL3001 (`src/Hadolint/Rule/DL3001.hs`)
    pub(crate) struct ContainerIrrelevantCommand {
        code: "DF101",
        name: "container-irrelevant-command",
        family: Dockerfile,
        severity: Info,
        fix: None,
        hadolint: ["DL3001"],
        buildkit: [],
        summary: "Command that makes no sense in a container build (`ssh`, `vim`, `service`, `ps`, …)",
    }
}

/// DF101
const IRRELEVANT: &[&str] = &[
    "ssh", "vim", "shutdown", "service", "ps", "free", "top", "kill", "mount", "ifconfig",
];

pub(crate) fn container_irrelevant_command(checker: &mut Checker) {
    let mut found = Vec::new();
    for model in checker.script_models() {
        for program in model.programs.iter().flatten() {
            let name = pristine_shell::basename(&program.text);
            if IRRELEVANT.contains(&name) {
                found.push((
                    format!("`{name}` makes no sense in a container build"),
                    program.range,
                ));
            }
        }
    }
    for (message, range) in found {
        let d = checker.diagnostic(Rule::ContainerIrrelevantCommand, message, range);
        checker.report(d);
    }
}
