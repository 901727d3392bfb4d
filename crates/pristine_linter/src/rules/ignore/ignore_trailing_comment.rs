use pristine_diagnostics::Severity;
use pristine_ignore::PatternMatcher;
use std::fmt::Write as _;

use crate::Rule;
use crate::checkers::context::{ContextChecker, lossy};
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports an ignore-file line with a trailing comment, such as `.venv  # local env`.
    ///
    /// An error when the pattern before the `#` would exclude something that is sent (the
    /// line was meant to exclude it and does not), a warning otherwise.
    ///
    /// ## Why is this bad?
    /// A `#` starts a comment only at the very beginning of a line. Anywhere else it is part
    /// of the pattern: `.venv  # local env` only matches a file literally named
    /// `.venv  # local env`, so `.venv` is sent and copied.
    ///
    /// ## Example
    /// ```text
    /// .venv  # local env
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// # local env
    /// .venv
    /// ```
    ///
    /// ## Fix safety
    /// The fix moves the comment to its own line above the pattern, so the pattern excludes
    /// what it says. That changes the build context: it is safe unless the pattern then
    /// excludes a path a `COPY`/`ADD` names, or the line is a `!` exception (re-including
    /// files changes what a broad `COPY` copies); then it is unsafe.
    ///
    /// ## References
    /// - moby/patternmatcher `ignorefile/ignorefile.go` (`ReadAll`: comments only at the start of a line)
    pub(crate) struct IgnoreTrailingComment {
        code: "DI003",
        name: "ignore-trailing-comment",
        family: Ignore,
        severity: Error,
        fix: Always,
        hadolint: [],
        buildkit: [],
        summary: "`.dockerignore` line with a trailing comment, which is part of the pattern",
    }
}

/// The part of a pattern before a whitespace-preceded `#`, if there is one.
pub(crate) fn before_trailing_comment(pattern: &[u8]) -> Option<&[u8]> {
    let hash = pattern
        .windows(2)
        .position(|w| (w[0] == b' ' || w[0] == b'\t') && w[1] == b'#')?;
    let intended = pattern[..hash].trim_ascii();
    (!intended.is_empty()).then_some(intended)
}

pub(crate) fn ignore_trailing_comment(checker: &mut ContextChecker) {
    let ignore = &checker.facts.context.ignore;
    let mut found = Vec::new();
    for p in &ignore.file.patterns {
        let Some(intended) = before_trailing_comment(p.cleaned()) else {
            continue;
        };
        // What the line was meant to exclude, among what is sent.
        let sent = PatternMatcher::new([intended]).ok().and_then(|m| {
            checker
                .facts
                .context
                .tree
                .entries
                .iter()
                .find(|e| m.matches_or_parent_matches(&e.path).unwrap_or(false))
                .map(|e| e.path.clone())
        });
        found.push((
            p.line,
            p.range.clone(),
            lossy(p.line_text(&ignore.bytes)),
            lossy(intended),
            p.exception,
            sent,
        ));
    }
    for (line, range, text, intended, exception, sent) in found {
        let bang = if exception { "!" } else { "" };
        let mut message = format!(
            "line {line}: `{}` is one pattern: `#` starts a comment only at the beginning of a line",
            text.trim_end()
        );
        let severity = if let (Some(path), false) = (&sent, exception) {
            let _ = write!(
                message,
                ", so `{intended}` is not excluded and `{}` is sent",
                checker.shown(path, false)
            );
            Severity::Error
        } else {
            let _ = write!(message, ", so it does not apply to `{intended}`");
            Severity::Warning
        };
        let fix = comment_on_own_line(checker, &range, exception);
        let mut d = checker
            .ignore_diagnostic(Rule::IgnoreTrailingComment, message, Some(range))
            .with_help(format!(
                "put the comment on its own line and keep `{bang}{intended}`"
            ));
        d.severity = severity;
        if let Some(fix) = fix
            && d.range.is_some()
        {
            d = d.with_fix(fix);
        }
        checker.report(d);
    }
}

/// The fix: the comment moved to its own line above the pattern, the pattern kept as written
/// (indentation included), in the file's line ending.
fn comment_on_own_line(
    checker: &ContextChecker,
    range: &std::ops::Range<usize>,
    exception: bool,
) -> Option<pristine_diagnostics::Fix> {
    let bytes = &checker.facts.context.ignore.bytes;
    let line = std::str::from_utf8(bytes.get(range.clone())?).ok()?;
    let hash = line
        .as_bytes()
        .windows(2)
        .position(|w| (w[0] == b' ' || w[0] == b'\t') && w[1] == b'#')?;
    let pattern = line[..hash].trim_end();
    let comment = line[hash..].trim();
    let eol = crate::checkers::ignore_fix::eol_of(std::str::from_utf8(bytes).ok()?);
    checker.ignore_line_fix(range, format!("{comment}{eol}{pattern}"), exception)
}
