use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::dockerfile::general::{global_args, lexer, parse_image_ref};

declare_rule! {
    /// ## What it does
    /// Expands every `FROM` image with the defaults of the global `ARG`s (as a build without
    /// `--build-arg` would) and checks that the result is a valid image reference.
    ///
    /// ## Why is this bad?
    /// `ARG TAG` without a default makes `FROM python:${TAG}` expand to `python:`, which is not
    /// a valid reference: the build works only when every caller remembers `--build-arg TAG=…`.
    /// Give the argument a default that works.
    ///
    /// Like BuildKit, this also reports a `FROM` whose literal image is not a valid reference
    /// (`FROM Python:3.12`: repository names must be lowercase).
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG PYTHON_VERSION
    /// FROM python:${PYTHON_VERSION}
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG PYTHON_VERSION=3.12
    /// FROM python:${PYTHON_VERSION}
    /// ```
    ///
    /// ## References
    /// - [BuildKit check `InvalidDefaultArgInFrom`](https://docs.docker.com/reference/build-checks/invalid-default-arg-in-from/)
    /// - BuildKit `frontend/dockerfile/dockerfile2llb/validations.go` (`validateBaseImagesWithDefaultArgs`)
    pub(crate) struct InvalidDefaultArgInFrom {
        code: "DF017",
        name: "invalid-default-arg-in-from",
        family: Dockerfile,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: ["InvalidDefaultArgInFrom"],
        summary: "`FROM` image is invalid with the default build arguments",
    }
}

/// DF017.
pub(crate) fn invalid_default_arg_in_from(checker: &mut Checker) {
    let globals = global_args(checker);
    let lex = lexer(checker);
    let mut found = Vec::new();
    for inst in &checker.dockerfile.instructions {
        let Some(Command::From(from)) = &inst.command else {
            continue;
        };
        let Ok(result) = lex.process_word(&from.image.value, &globals.env) else {
            continue;
        };
        if parse_image_ref(&result.result).is_none() {
            found.push((from.image.value.clone(), result.result, from.image.range));
        }
    }
    for (raw, expanded, range) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::InvalidDefaultArgInFrom,
                format!("Default value for ARG {raw} results in empty or invalid base image name"),
                range,
            )
            .with_help(format!(
                "With the default build arguments the image is `{expanded}`"
            ));
        checker.report(diagnostic);
    }
}
