use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::dockerfile::general::stage_chain;

declare_rule! {
    /// ## What it does
    /// Checks for `COPY` to a relative destination in a stage where no `WORKDIR` has been set
    /// (in the stage or a stage it is built on).
    ///
    /// ## Why is this bad?
    /// A relative destination is resolved against the base image's working directory, which
    /// the Dockerfile does not state: `COPY . .` lands in `/` on `python:3.12-slim`, mixing the
    /// application with the root filesystem, and somewhere else on an image that sets its own
    /// `WORKDIR`. Set `WORKDIR /app` first.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . .
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY . .
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3045](https://github.com/hadolint/hadolint/wiki/DL3045)
    pub(crate) struct CopyRelativeDestWithoutWorkdir {
        code: "DF027",
        name: "copy-relative-dest-without-workdir",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3045"],
        buildkit: [],
        summary: "`COPY` to a relative path before any `WORKDIR`",
    }
}

fn is_relative(dest: &str) -> bool {
    let d = dest.trim_matches(|c| c == '"' || c == '\'');
    let b = d.as_bytes();
    let windows_abs =
        b.len() >= 3 && b.get(1) == Some(&b':') && matches!(b.get(2), Some(b'\\' | b'/'));
    !(d.starts_with('/') || d.starts_with('$') || windows_abs)
}

/// DF027.
pub(crate) fn copy_relative_dest_without_workdir(checker: &mut Checker) {
    let mut found = Vec::new();
    for stage in &checker.stages.stages {
        let mut workdir_set = false;
        for stage_index in stage_chain(&checker.stages, stage.index) {
            let Some(st) = checker.stages.stages.get(stage_index) else {
                continue;
            };
            for &index in &st.instructions {
                let Some(inst) = checker.dockerfile.instructions.get(index) else {
                    continue;
                };
                match &inst.command {
                    Some(Command::Workdir(_)) => workdir_set = true,
                    Some(Command::Copy(copy))
                        if stage_index == stage.index
                            && !workdir_set
                            && is_relative(&copy.dest.value) =>
                    {
                        found.push((copy.dest.value.clone(), copy.dest.range));
                    }
                    _ => {}
                }
            }
        }
    }
    for (dest, range) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::CopyRelativeDestWithoutWorkdir,
                format!("`COPY` to a relative destination `{dest}` without `WORKDIR` set"),
                range,
            )
            .with_help("Set an absolute `WORKDIR` before, or use an absolute destination");
        checker.report(diagnostic);
    }
}
