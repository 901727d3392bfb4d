use pristine_dockerfile::{Command, go_quote};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::dockerfile::general::{global_args, lexer, walk_stage};

declare_rule! {
    /// ## What it does
    /// Checks for a relative `WORKDIR` in a stage where no absolute `WORKDIR` was set before
    /// (in the stage or a stage it is built on).
    ///
    /// ## Why is this bad?
    /// A relative `WORKDIR` is resolved against the base image's working directory, which you
    /// do not control: `WORKDIR app` is `/app` on `python:3.12` but `/usr/src/app` on an image
    /// that sets `WORKDIR /usr/src`, and it changes when the base image does.
    ///
    /// Like BuildKit, and unlike hadolint's DL3000, only the first `WORKDIR` that sets the
    /// directory is checked: `WORKDIR /app` followed by `WORKDIR src` is well defined. Paths
    /// are checked after variable expansion; a path using a variable pristine cannot resolve
    /// (from the base image's environment) is not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// ```
    ///
    /// ## References
    /// - [BuildKit check `WorkdirRelativePath`](https://docs.docker.com/reference/build-checks/workdir-relative-path/)
    /// - [hadolint DL3000](https://github.com/hadolint/hadolint/wiki/DL3000)
    /// - BuildKit `frontend/dockerfile/dockerfile2llb/convert.go` (`dispatchWorkdir`)
    pub(crate) struct RelativeWorkdir {
        code: "DF011",
        name: "relative-workdir",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3000"],
        buildkit: ["WorkdirRelativePath"],
        summary: "Relative `WORKDIR` without an absolute one before it",
    }
}

/// DF011.
pub(crate) fn relative_workdir(checker: &mut Checker) {
    let globals = global_args(checker);
    let lex = lexer(checker);
    let mut found = Vec::new();
    for stage in &checker.stages.stages {
        let mut workdir_set = false;
        walk_stage(checker, &globals, stage.index, |step| {
            let Command::Workdir(path) = step.command else {
                return;
            };
            if !workdir_set
                && step.own
                && let Ok(result) = lex.process_word(&path.value, step.env)
                && result.unmatched.is_empty()
                && !result.result.starts_with('/')
            {
                found.push((result.result, path.range));
            }
            workdir_set = true;
        });
    }
    for (path, range) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::RelativeWorkdir,
                format!(
                    "Relative workdir {} can have unexpected results if the base image changes",
                    go_quote(&path)
                ),
                range,
            )
            .with_help("Use an absolute path");
        checker.report(diagnostic);
    }
}
