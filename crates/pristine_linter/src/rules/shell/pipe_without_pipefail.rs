#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks `RUN`s with a pipeline (`curl … | sh`) whose shell does not have `pipefail` set: neither
    ///  by `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` nor by `set -o pipefail` in the script (nor
    ///  `bash -o pipefail -c`). Exec-form `RUN` and non-POSIX `SHELL`s are skipped.
    ///
    /// ## Why is this bad?
    /// A pipeline's status is its last command's: `curl https://… | tar xz` succeeds when the
    ///  download fails, and the build goes on with a broken layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSL https://e.com/x.tgz | tar xz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://e.com/x.tgz | tar xz
    /// ```
    ///
    /// ## References
    /// - hadolint DL4006 (`src/Hadolint/Rule/DL4006.hs`)
    /// - ShellCheck SC2312-adjacent
    pub(crate) struct PipeWithoutPipefail {
        code: "DF123",
        name: "pipe-without-pipefail",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL4006"],
        buildkit: [],
        summary: "`RUN` with a pipe and no `pipefail`",
    }
}

/// DF123
pub(crate) fn pipe_without_pipefail(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for run in scripts.iter() {
        if run.form != pristine_shell::RunForm::Shell
            || !run.posix_shell()
            || run.shell_has_pipefail()
            || run.script.options.pipefail
        {
            continue;
        }
        let set_pipefail = run.script.commands.iter().any(|c| {
            c.basename() == "set"
                && c.args.windows(2).any(|w| {
                    w[0].text.ends_with('o')
                        && w[0].text.starts_with(['-'])
                        && w[1].text == "pipefail"
                })
        }) || run.script.commands.iter().any(|c| {
            matches!(c.basename(), "bash" | "zsh" | "ksh")
                && c.args.windows(2).any(|w| {
                    w[0].text.starts_with('-')
                        && w[0].text.ends_with('o')
                        && w[1].text == "pipefail"
                })
        });
        if set_pipefail {
            continue;
        }
        let Some(first) = run
            .script
            .commands
            .iter()
            .position(|c| c.connector == Some(pristine_shell::Connector::Pipe))
        else {
            continue;
        };
        let Some(id) = run.script.commands.get(first).and_then(|c| c.pipeline) else {
            continue;
        };
        let members: Vec<_> = run
            .script
            .commands
            .iter()
            .filter(|c| c.pipeline == Some(id))
            .collect();
        let start = members.iter().map(|c| c.range.start()).min();
        let end = members.iter().map(|c| c.range.end()).max();
        if let (Some(s), Some(e)) = (start, end) {
            found.push((
                "Set `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` (or `set -o pipefail`) before a `RUN` with a pipe".to_owned(),
                pristine_diagnostics::TextRange::new(s, e.max(s)),
            ));
        }
    }
    for (message, range) in found {
        let d = checker.diagnostic(Rule::PipeWithoutPipefail, message, range);
        checker.report(d);
    }
}
