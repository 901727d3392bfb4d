//! Checks one Dockerfile.

use std::path::Path;

use pristine_diagnostics::Diagnostic;
use pristine_dockerfile::Dockerfile;

use crate::{LinterSettings, Rule};

/// Parses `source` and reports its findings.
pub fn check_dockerfile(path: &Path, source: &str, settings: &LinterSettings) -> Vec<Diagnostic> {
    let dockerfile = pristine_dockerfile::parse(source);
    check_parsed(path, &dockerfile, settings)
}

/// Reports the findings of an already parsed Dockerfile.
pub fn check_parsed(
    path: &Path,
    dockerfile: &Dockerfile,
    settings: &LinterSettings,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for error in &dockerfile.errors {
        diagnostics.push(
            Rule::InvalidSyntax
                .diagnostic(error.message.clone(), path)
                .with_range(error.range),
        );
    }
    for warning in &dockerfile.warnings {
        // The parser's only warning today is the empty continuation line; match on the text
        // BuildKit uses so a new warning kind is not silently mislabelled.
        if warning.message.starts_with("Empty continuation line") {
            diagnostics.push(
                Rule::EmptyContinuationLine
                    .diagnostic(warning.message.clone(), path)
                    .with_range(warning.range)
                    .with_help("Remove the empty line, or end the instruction before it"),
            );
        }
    }
    diagnostics.retain(|d| {
        Rule::from_code_or_name(d.rule.code).is_some_and(|rule| settings.rules.contains(rule))
    });
    diagnostics
}
