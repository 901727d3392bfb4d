#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks `wget` without `--progress=…` that is not quiet (`-q`, `--quiet`, `-nv`,
    ///  `--no-verbose`) and does not log to a file (`-o`, `-a`).
    ///
    /// ## Why is this bad?
    /// wget's default progress output for a non-terminal is a line of dots every few kilobytes: a
    ///  large download fills the build log with thousands of lines.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN wget https://example.com/big.tar.gz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN wget --progress=dot:giga https://example.com/big.tar.gz
    /// ```
    ///
    /// ## References
    /// - hadolint DL3047 (`src/Hadolint/Rule/DL3047.hs`)
    pub(crate) struct WgetWithoutProgress {
        code: "DF118",
        name: "wget-without-progress",
        family: Dockerfile,
        severity: Info,
        fix: None,
        hadolint: ["DL3047"],
        buildkit: [],
        summary: "`wget` without `--progress` bloats the build log",
    }
}

/// DF118
pub(crate) fn wget_without_progress(checker: &mut Checker) {
    report_invocations(
        checker,
        Rule::WgetWithoutProgress,
        |checker: &Checker, run: &RunScript, inv: &Invocation| {
            let _ = (checker, run);
            if inv.tool != Tool::Wget {
                return None;
            }
            let quiet = inv.opts.has(&[
                "--progress",
                "-q",
                "--quiet",
                "--no-verbose",
                "-o",
                "--output-file",
                "-a",
                "--append-output",
            ]) || inv.command.arg_texts().any(|a| a == "-nv");
            (!quiet).then(|| {
                (
                    "`wget` without `--progress=dot:giga` (or `-q`/`-nv`) floods the build log"
                        .to_owned(),
                    range_of(inv),
                )
            })
        },
    );
}
