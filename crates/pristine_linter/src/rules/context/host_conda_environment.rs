use crate::Rule;
use crate::checkers::context::{
    Container, ContextChecker, Finding, Harm, basename, count, human_bytes, lossy,
};
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a conda (or mamba, micromamba, pixi) environment — a directory with a
    /// `conda-meta/` — that is sent with the build context, one finding per environment with
    /// its size and file count.
    ///
    /// It is an error when a `COPY`/`ADD` of a stage that reaches the image copies it, and a
    /// warning when it is only sent.
    ///
    /// ## Why is this bad?
    /// conda-pack: "conda environments are not relocatable. Simply moving an environment to a
    /// different directory can render it partially or completely inoperable". Its binaries
    /// are built for the host platform, and it is usually hundreds of megabytes.
    ///
    /// ## Example
    /// `.pixi/envs/default/` (created by `pixi install`) with `COPY . /app`.
    ///
    /// Use instead:
    /// ```text
    /// .pixi
    /// ```
    /// and create the environment in the image from `environment.yml` or the lock file.
    ///
    /// ## Fix safety
    /// The fix adds the line shown in the help to the ignore file (`.dockerignore`, or the
    /// Dockerfile's own `<name>.dockerignore`; created when missing), under a `# added by pristine`
    /// comment, after the user's lines. A line is only added if the matcher shows it excludes the
    /// finding and excludes no path a `COPY`/`ADD` names. What this rule finds is never meant for an
    /// image, so the fix is safe even when a broad `COPY . .` copied it.
    ///
    /// ## References
    /// - [conda-pack](https://conda.github.io/conda-pack/)
    pub(crate) struct HostCondaEnvironment {
        code: "CX005",
        name: "host-conda-environment",
        family: Context,
        severity: Error,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "Host conda environment sent with the build context",
    }
}

pub(crate) fn host_conda_environment(checker: &mut ContextChecker) {
    for dir in checker.top_containers(Container::Conda) {
        let (files, bytes) = checker.totals(&dir);
        let message = format!(
            "`{}` is a conda environment ({}, {})",
            checker.shown(&dir, true),
            count(files, "file"),
            human_bytes(bytes)
        );
        // `.pixi/envs/default` → ignore `.pixi`; otherwise the directory itself.
        let top = dir.split(|&c| c == b'/').next().unwrap_or(&dir);
        let pattern = if top == b".pixi" {
            ".pixi".to_string()
        } else if dir.contains(&b'/') {
            format!("**/{}", lossy(basename(&dir)))
        } else {
            lossy(&dir)
        };
        checker.report_finding(Finding {
            rule: Rule::HostCondaEnvironment,
            path: dir,
            is_dir: true,
            more: Vec::new(),
            message,
            ignore_lines: vec![pattern],
            harm: Harm::Hazard,
        });
    }
}
