use pristine_dockerfile::{Command, Keyword};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks that the `AS` keyword of a `FROM` line has the same case as `FROM` itself.
    ///
    /// ## Why is this bad?
    /// `FROM python:3.12 as build` mixes an upper-case instruction with a lower-case keyword.
    /// It builds, but reads inconsistently; BuildKit warns about it. A `FROM` whose own
    /// casing is mixed (`From`) is left to `inconsistent-instruction-casing`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim as build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim AS build
    /// ```
    ///
    /// ## Fix safety
    /// The fix re-cases the keyword; keywords are case-insensitive, so it is safe.
    ///
    /// ## References
    /// - [BuildKit check `FromAsCasing`](https://docs.docker.com/reference/build-checks/from-as-casing/)
    /// - BuildKit `frontend/dockerfile/instructions/parse.go` (`doesFromCaseMatchAsCase`)
    pub(crate) struct FromAsCasing {
        code: "DF004",
        name: "from-as-casing",
        family: Dockerfile,
        severity: Warning,
        fix: Always,
        hadolint: [],
        buildkit: ["FromAsCasing"],
        summary: "`AS` keyword casing does not match `FROM`",
    }
}

/// DF004: BuildKit's `doesFromCaseMatchAsCase`.
pub(crate) fn from_as_casing(checker: &mut Checker) {
    let mut found = Vec::new();
    for inst in &checker.dockerfile.instructions {
        if inst.kind() != Some(Keyword::From) || !matches!(inst.command, Some(Command::From(_))) {
            continue;
        }
        let [_, as_kw, _] = inst.args.as_slice() else {
            continue;
        };
        let from = inst.keyword.value.as_str();
        let lower = from.to_lowercase() == from;
        let upper = from.to_uppercase() == from;
        if !lower && !upper {
            continue;
        }
        let as_ok = if lower {
            as_kw.value.to_lowercase() == as_kw.value
        } else {
            as_kw.value.to_uppercase() == as_kw.value
        };
        if !as_ok {
            let wanted = if lower { "as" } else { "AS" };
            found.push((from.to_owned(), as_kw.value.clone(), as_kw.range, wanted));
        }
    }
    for (from, as_kw, range, wanted) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::FromAsCasing,
                format!("'{as_kw}' and '{from}' keywords' casing do not match"),
                range,
            )
            .with_fix(pristine_diagnostics::Fix::safe(vec![
                pristine_diagnostics::Edit::replacement(wanted, range),
            ]));
        checker.report(diagnostic);
    }
}
