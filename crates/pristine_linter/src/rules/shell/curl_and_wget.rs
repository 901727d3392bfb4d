#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks stages whose `RUN`s use both `curl` and `wget`; reports the uses of the tool that
    ///  appears second. Unlike hadolint, which looks at the whole file, each stage is an image of its
    ///  own here: a builder using `curl` and a runtime stage using `wget` is not reported.
    ///
    /// ## Why is this bad?
    /// Two download tools means two packages installed, and two sets of flags to keep consistent.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSLO https://e.com/a && wget -q https://e.com/b
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSLO https://e.com/a && curl -fsSLO https://e.com/b
    /// ```
    ///
    /// ## References
    /// - hadolint DL4001 (`src/Hadolint/Rule/DL4001.hs`)
    pub(crate) struct CurlAndWget {
        code: "DF121",
        name: "curl-and-wget",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL4001"],
        buildkit: [],
        summary: "Both `curl` and `wget` used in one stage",
    }
}

/// DF121
pub(crate) fn curl_and_wget(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for run in scripts.iter() {
        let _ = run;
    }
    let mut per_stage: std::collections::BTreeMap<
        Option<usize>,
        Vec<(Tool, pristine_diagnostics::TextRange)>,
    > = std::collections::BTreeMap::new();
    for (run, model) in scripts.iter().zip(checker.script_models()) {
        for inv in &model.invocations {
            if matches!(inv.tool, Tool::Curl | Tool::Wget) {
                per_stage
                    .entry(run.stage)
                    .or_default()
                    .push((inv.tool, inv.program.range));
            }
        }
    }
    for uses in per_stage.values() {
        let Some(&(first, _)) = uses.first() else {
            continue;
        };
        if uses.iter().all(|(t, _)| *t == first) {
            continue;
        }
        for (tool, range) in uses.iter().filter(|(t, _)| *t != first) {
            let (this, other) = if *tool == Tool::Curl {
                ("curl", "wget")
            } else {
                ("wget", "curl")
            };
            found.push((format!("Either use `wget` or `curl`, not both: `{this}` here, `{other}` earlier in the stage"), *range));
        }
    }
    for (message, range) in found {
        let d = checker.diagnostic(Rule::CurlAndWget, message, range);
        checker.report(d);
    }
}
