use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for empty lines inside a continued instruction (a line ending in the escape
    /// character followed by a blank line).
    ///
    /// ## Why is this bad?
    /// BuildKit skips the empty line and joins what follows to the instruction, which is rarely
    /// what the author meant when the next line was supposed to start a new instruction.
    /// BuildKit warns `Empty continuation line found in: …` and states that such lines "will
    /// become errors in a future release".
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN apt-get update && \
    ///
    ///     apt-get install -y --no-install-recommends libpq5
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN apt-get update && \
    ///     apt-get install -y --no-install-recommends libpq5
    /// ```
    ///
    /// ## References
    /// - [BuildKit check `NoEmptyContinuation`](https://docs.docker.com/reference/build-checks/no-empty-continuation/)
    /// - BuildKit `frontend/dockerfile/parser/parser.go` (`emptyContinuationLine` warning)
    pub(crate) struct EmptyContinuationLine {
        code: "DF002",
        name: "empty-continuation-line",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: ["NoEmptyContinuation"],
        summary: "Empty line inside a continued instruction",
    }
}

/// DF002: BuildKit's empty-continuation warning.
pub(crate) fn empty_continuation_line(checker: &mut Checker) {
    for warning in &checker.dockerfile.warnings {
        // The parser's only warning today is the empty continuation line; match BuildKit's text
        // so that a new warning kind is not mislabelled.
        if warning.message.starts_with("Empty continuation line") {
            let diagnostic = checker
                .diagnostic(
                    Rule::EmptyContinuationLine,
                    warning.message.clone(),
                    warning.range,
                )
                .with_help("Remove the empty line, or end the instruction before it");
            checker.report(diagnostic);
        }
    }
}
