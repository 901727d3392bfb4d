#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks for `cd` in `RUN`. A `cd` inside a subshell `( cd x && make )` or a command
    ///  substitution is accepted: it cannot leak into later commands (hadolint flags those too).
    ///
    /// ## Why is this bad?
    /// The directory a `RUN` changes to is forgotten at the end of the step; later instructions
    ///  run in the `WORKDIR`. `WORKDIR` states the directory once, creates it, and is visible to every
    ///  following instruction.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN cd /app && pip install .
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// RUN pip install .
    /// ```
    ///
    /// ## References
    /// - hadolint DL3003 (`src/Hadolint/Rule/DL3003.hs`)
    /// - [Dockerfile reference: WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
    pub(crate) struct CdInRun {
        code: "DF102",
        name: "cd-in-run",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3003"],
        buildkit: [],
        summary: "Use `WORKDIR` instead of `cd` in `RUN`",
    }
}

/// DF102
pub(crate) fn cd_in_run(checker: &mut Checker) {
    report_invocations(
        checker,
        Rule::CdInRun,
        |checker: &Checker, run: &RunScript, inv: &Invocation| {
            let _ = (checker, run);
            (inv.tool == Tool::Cd
                && !inv.command.context.subshell
                && !inv.command.context.substitution)
                .then(|| {
                    (
                        "Use `WORKDIR` to switch to a directory".to_owned(),
                        range_of(inv),
                    )
                })
        },
    );
}
