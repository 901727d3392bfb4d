use pristine_dockerfile::{Command, go_quote};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::dockerfile::general::{global_args, lexer, parse_platform};

declare_rule! {
    /// ## What it does
    /// Checks for `FROM --platform=<constant>` (such as `linux/amd64`), unless the stage name
    /// mentions that OS or architecture (`AS build-amd64`).
    ///
    /// ## Why is this bad?
    /// A constant platform pins the stage to one architecture: on an arm64 machine (Apple
    /// silicon, Graviton) or in a multi-platform build the image is built for the wrong
    /// platform and runs under emulation or not at all. Use `$BUILDPLATFORM` for stages that
    /// only produce files, and nothing for the rest.
    ///
    /// hadolint's DL3029 reports every `--platform` except `$BUILDPLATFORM`/`$TARGETPLATFORM`,
    /// including ones from build arguments; like BuildKit, pristine reports only constants,
    /// which are the ones that cannot adapt.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 python:3.12-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ```
    ///
    /// ## References
    /// - [BuildKit check `FromPlatformFlagConstDisallowed`](https://docs.docker.com/reference/build-checks/from-platform-flag-const-disallowed/)
    /// - [hadolint DL3029](https://github.com/hadolint/hadolint/wiki/DL3029)
    /// - BuildKit `frontend/dockerfile/dockerfile2llb/validations.go` (`reportConstPlatformDisallowed`)
    pub(crate) struct FromPlatformFlagConstDisallowed {
        code: "DF016",
        name: "from-platform-flag-const-disallowed",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3029"],
        buildkit: ["FromPlatformFlagConstDisallowed"],
        summary: "`FROM --platform` with a constant value",
    }
}

/// DF016.
pub(crate) fn from_platform_flag_const_disallowed(checker: &mut Checker) {
    let globals = global_args(checker);
    let lex = lexer(checker);
    let host_arch = checker
        .settings
        .default_platform
        .split('/')
        .nth(1)
        .unwrap_or("amd64")
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
        if !result.matched.is_empty() || !result.unmatched.is_empty() {
            continue;
        }
        let Some((os, arch)) = parse_platform(&result.result, &host_arch) else {
            continue;
        };
        let name = from.name.as_ref().map_or("", |n| n.value.as_str());
        if name.contains(os.as_str()) || name.contains(arch.as_str()) {
            continue;
        }
        found.push((result.result, platform.range));
    }
    for (value, range) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::FromPlatformFlagConstDisallowed,
                format!(
                    "FROM --platform flag should not use constant value {}",
                    go_quote(&value)
                ),
                range,
            )
            .with_help("Use `--platform=$BUILDPLATFORM` for build-only stages, or remove the flag");
        checker.report(diagnostic);
    }
}
