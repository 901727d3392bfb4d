use pristine_dockerfile::Command;
use pristine_dockerfile::lex::EnvGetter;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::dockerfile::general::{global_args, lexer};

declare_rule! {
    /// ## What it does
    /// Checks for `FROM --platform=$TARGETPLATFORM`.
    ///
    /// ## Why is this bad?
    /// Every stage is built for the target platform unless told otherwise, so the flag does
    /// nothing but add noise. (`--platform=$BUILDPLATFORM`, which runs a stage natively when
    /// cross-building, is the useful form.)
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM python:3.12-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ```
    ///
    /// ## References
    /// - [BuildKit check `RedundantTargetPlatform`](https://docs.docker.com/reference/build-checks/redundant-target-platform/)
    /// - [hadolint DL3065](https://github.com/hadolint/hadolint/wiki/DL3065)
    /// - BuildKit `frontend/dockerfile/dockerfile2llb/validations.go` (`reportRedundantTargetPlatform`)
    pub(crate) struct RedundantTargetPlatform {
        code: "DF015",
        name: "redundant-target-platform",
        family: Dockerfile,
        severity: Info,
        fix: None,
        hadolint: ["DL3065"],
        buildkit: ["RedundantTargetPlatform"],
        summary: "`FROM --platform=$TARGETPLATFORM` is the default",
    }
}

/// DF015.
pub(crate) fn redundant_target_platform(checker: &mut Checker) {
    let globals = global_args(checker);
    let lex = lexer(checker);
    let target = globals
        .env
        .get("TARGETPLATFORM")
        .unwrap_or_default()
        .to_owned();
    let mut found = Vec::new();
    for inst in &checker.dockerfile.instructions {
        let Some(Command::From(from)) = &inst.command else {
            continue;
        };
        let Some(platform) = &from.platform else {
            continue;
        };
        let Ok(result) = lex.process_word(&platform.value, &globals.env) else {
            continue;
        };
        if result.matched == ["TARGETPLATFORM"]
            && result.unmatched.is_empty()
            && result.result == target
        {
            found.push((platform.value.clone(), platform.range));
        }
    }
    for (value, range) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::RedundantTargetPlatform,
                format!(
                    "Setting platform to predefined {value} in FROM is redundant as this is the default behavior"
                ),
                range,
            )
            .with_help("Remove the `--platform` flag");
        checker.report(diagnostic);
    }
}
