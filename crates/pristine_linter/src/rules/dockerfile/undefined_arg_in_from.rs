use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::dockerfile::general::{global_arg_keys, global_args, lexer, suggest};

declare_rule! {
    /// ## What it does
    /// Checks `FROM` lines (image and `--platform`) for variables that are neither a global
    /// `ARG` (declared before the first `FROM`) nor one of BuildKit's automatic platform
    /// arguments (`TARGETPLATFORM`, `BUILDARCH`, …).
    ///
    /// ## Why is this bad?
    /// `FROM` is expanded with global arguments only. An `ARG` declared inside a stage, or not
    /// at all, expands to an empty string, so `FROM python:${PY_VERSION}-slim` silently
    /// becomes `FROM python:-slim` and the build fails, or worse, picks another image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:${PYTHON_VERSION}-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG PYTHON_VERSION=3.12
    /// FROM python:${PYTHON_VERSION}-slim
    /// ```
    ///
    /// ## References
    /// - [BuildKit check `UndefinedArgInFrom`](https://docs.docker.com/reference/build-checks/undefined-arg-in-from/)
    /// - BuildKit `frontend/dockerfile/dockerfile2llb/validations.go` (`reportUnusedFromArgs`)
    pub(crate) struct UndefinedArgInFrom {
        code: "DF010",
        name: "undefined-arg-in-from",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: ["UndefinedArgInFrom"],
        summary: "`FROM` uses an undeclared build argument",
    }
}

/// DF010.
pub(crate) fn undefined_arg_in_from(checker: &mut Checker) {
    let globals = global_args(checker);
    let keys = global_arg_keys(checker, &globals);
    let lex = lexer(checker);
    let mut found = Vec::new();
    for inst in &checker.dockerfile.instructions {
        let Some(Command::From(from)) = &inst.command else {
            continue;
        };
        for word in std::iter::once(&from.image).chain(from.platform.as_ref()) {
            let Ok(result) = lex.process_word(&word.value, &globals.env) else {
                continue;
            };
            for var in result.unmatched {
                if keys.contains(&var) {
                    continue;
                }
                let mut message = format!("FROM argument '{var}' is not declared");
                if let Some(s) = suggest(&var, keys.iter().map(String::as_str), true) {
                    message = format!("{message} (did you mean {s}?)");
                }
                found.push((message, word.range));
            }
        }
    }
    for (message, range) in found {
        let diagnostic = checker
            .diagnostic(Rule::UndefinedArgInFrom, message, range)
            .with_help("Declare it with `ARG` before the first `FROM`");
        checker.report(diagnostic);
    }
}
