use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a Dockerfile that BuildKit refuses to build: a parse error (bad parser
    /// directive, unterminated heredoc, nested JSON, `ENV` without a value, a line over 64 KiB,
    /// a file without instructions) or an instruction error (unknown instruction, unknown or
    /// duplicate flag, wrong number of arguments, invalid stage name, invalid `--mount`).
    ///
    /// ## Why is this bad?
    /// `docker build` stops with `failed to solve: dockerfile parse error` before it runs
    /// anything. The message is the one BuildKit prints.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV PYTHONUNBUFFERED
    /// COPY --chmod 755 app.py /app/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV PYTHONUNBUFFERED=1
    /// COPY --chmod=755 app.py /app/
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference](https://docs.docker.com/reference/dockerfile/)
    /// - BuildKit `frontend/dockerfile/parser/parser.go`, `frontend/dockerfile/instructions/parse.go`
    pub(crate) struct InvalidSyntax {
        code: "DF001",
        name: "invalid-syntax",
        family: Dockerfile,
        severity: Error,
        fix: None,
        hadolint: ["DL1000", "DL3043", "DL3061"],
        buildkit: [],
        summary: "Dockerfile that BuildKit refuses to parse",
    }
}

/// DF001: every error of both BuildKit parser layers.
pub(crate) fn invalid_syntax(checker: &mut Checker) {
    for error in &checker.dockerfile.errors {
        let diagnostic =
            checker.diagnostic(Rule::InvalidSyntax, error.message.clone(), error.range);
        checker.report(diagnostic);
    }
}
