//! Suppression comments in a Dockerfile.
//!
//! - `# pristine: ignore[DF001,empty-continuation-line]` on its own line suppresses those rules
//!   on the next instruction (all its lines); at the end of a line it suppresses them on the
//!   instruction that line belongs to.
//! - `# pristine: ignore-file[DF002]` anywhere suppresses them in the whole file.
//! - `# hadolint ignore=DL3008,DL3009` (on the line above an instruction) and
//!   `# hadolint global ignore=DL3008` (whole file) are honoured through each rule's `hadolint`
//!   aliases, so that existing pragmas keep working when a project moves to pristine.
//! - BuildKit's `# check=skip=NoEmptyContinuation,…;error=true` parser directive skips the
//!   rules with those `buildkit` aliases (`skip=all`: every rule that has one), and `error=true`
//!   reports the remaining BuildKit checks as errors, as `docker build` fails on them.
//!
//! Only pristine's own comments are reported when they suppress nothing
//! ([`unused-suppression`](crate::rules::dockerfile::unused_suppression)): hadolint pragmas and
//! the `check` directive are also read by other tools, which may well use them.

use pristine_diagnostics::{Diagnostic, Edit, Fix, LineIndex, Severity, TextRange, TextSize};
use pristine_dockerfile::Dockerfile;

use crate::{LinterSettings, Rule, RuleSet};

/// Who wrote the suppression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuppressionSource {
    /// `# pristine: ignore[…]` / `# pristine: ignore-file[…]`.
    Pristine,
    /// `# hadolint ignore=…` / `# hadolint global ignore=…`.
    Hadolint,
    /// `# check=skip=…`.
    BuildKit,
}

/// One code named in a suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuppressedCode {
    /// As written (`DF001`, `invalid-syntax`, `DL3008`, `JSONArgsRecommended`).
    pub code: String,
    /// Where it is written.
    pub range: TextRange,
    /// The pristine rules it names (none for an unknown code; several for an alias that more
    /// than one rule covers).
    pub rules: Vec<Rule>,
}

/// One suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub source: SuppressionSource,
    /// The 1-based lines it covers; `None` for the whole file.
    pub lines: Option<(u32, u32)>,
    /// The comment (for a trailing comment: from the `#` to the end of the line).
    pub range: TextRange,
    /// What deleting the comment removes: its whole line when it stands alone, else the
    /// comment and the blanks before it. `None` when the words are not a comment to BuildKit
    /// or the shell, so that editing them would change the instruction (see
    /// [`trailing_comment_is_removable`]).
    pub removal: Option<TextRange>,
    /// The text between the brackets of a pristine comment (what a fix rewrites).
    pub list_range: Option<TextRange>,
    pub codes: Vec<SuppressedCode>,
}

/// Every suppression of one Dockerfile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Suppressions {
    pub items: Vec<Suppression>,
    /// `# check=error=true`: BuildKit checks fail the build.
    pub buildkit_error: bool,
}

fn hadolint_alias(code: &str) -> Vec<Rule> {
    Rule::ALL
        .iter()
        .copied()
        .filter(|rule| {
            rule.meta()
                .hadolint
                .iter()
                .any(|c| c.eq_ignore_ascii_case(code))
        })
        .collect()
}

fn buildkit_alias(name: &str) -> Vec<Rule> {
    Rule::ALL
        .iter()
        .copied()
        .filter(|rule| {
            let aliases = rule.meta().buildkit;
            if name.eq_ignore_ascii_case("all") {
                !aliases.is_empty()
            } else {
                aliases.iter().any(|c| c.eq_ignore_ascii_case(name))
            }
        })
        .collect()
}

/// A code in a pristine comment: a rule code or name, or a hadolint code.
fn pristine_code(code: &str) -> Vec<Rule> {
    match Rule::from_code_or_name(code) {
        Some(rule) => vec![rule],
        None => hadolint_alias(code),
    }
}

/// Splits `list` (starting at byte `offset` of the source) at `sep`, trimming blanks; returns
/// each non-empty item with its range.
fn split_codes(list: &str, offset: usize, sep: &[char]) -> Vec<(String, TextRange)> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in list.split(sep) {
        let lead = piece.len() - piece.trim_start().len();
        let item = piece.trim();
        if !item.is_empty() {
            let at = offset + start + lead;
            out.push((item.to_string(), range(at, at + item.len())));
        }
        start += piece.len() + 1;
    }
    out
}

fn range(start: usize, end: usize) -> TextRange {
    TextRange::new(
        TextSize::try_from(start).unwrap_or_default(),
        TextSize::try_from(end).unwrap_or_default(),
    )
}

/// Whether `range` lies inside a heredoc body: there a line is the content of a file (`COPY`)
/// or of a script, not a Dockerfile comment, and deleting it changes what is built.
fn in_heredoc_body(dockerfile: &Dockerfile, range: TextRange) -> bool {
    dockerfile
        .instructions
        .iter()
        .flat_map(|i| &i.heredocs)
        .any(|h| h.body_range.intersect(range).is_some_and(|r| !r.is_empty()))
}

/// Whether a trailing `# pristine: ignore[…]` (`comment`: the blanks before it to the end of the
/// line) is a comment that can go without changing the instruction. BuildKit only strips
/// comments that start a line (`parser.go`, `isComment`); after an instruction the words are
/// its arguments, except in the shell form of `RUN`/`CMD`/`ENTRYPOINT`, where `/bin/sh -c`
/// reads a `#` that starts a word as a comment to the end of the line. So: that shell form, a
/// blank before the `#`, nothing after the `]` (the caller checks), no `SHELL` instruction
/// (`cmd /S /C` has no such comment), outside heredoc bodies. Anything else
/// (`COPY a b # pristine: ignore[X]`) gets no fix: the fuzzer turned
/// `COPY -# pristine: ignore[DF000]` into `COPY -`.
fn trailing_comment_is_removable(
    dockerfile: &Dockerfile,
    comment: TextRange,
    blanks: usize,
) -> bool {
    use pristine_dockerfile::Keyword;
    if blanks == 0 || in_heredoc_body(dockerfile, comment) {
        return false;
    }
    if dockerfile
        .instructions
        .iter()
        .any(|i| i.kind() == Some(Keyword::Shell))
    {
        return false;
    }
    dockerfile.instructions.iter().any(|i| {
        i.range.contains_range(comment)
            && !i.json
            && matches!(
                i.kind(),
                Some(Keyword::Run | Keyword::Cmd | Keyword::Entrypoint)
            )
    })
}

/// Parses `pristine: ignore[…]` / `pristine: ignore-file[…]` after a `#` at `hash` (an offset in
/// `line`): `(file_wide, list_start, list)`.
fn parse_pristine(line: &str, hash: usize) -> Option<(bool, usize, &str)> {
    let rest = line.get(hash + 1..)?;
    let body = rest.trim_start();
    let body = body.strip_prefix("pristine:")?.trim_start();
    let (file_wide, after) = if let Some(after) = body.strip_prefix("ignore-file[") {
        (true, after)
    } else {
        (false, body.strip_prefix("ignore[")?)
    };
    let close = after.find(']')?;
    let list_start = line.len() - after.len();
    Some((file_wide, list_start, after.get(..close)?))
}

/// Parses `hadolint [global] ignore=A,B` after the `#` of a comment line:
/// `(global, list_start, list)`.
fn parse_hadolint(line: &str, hash: usize) -> Option<(bool, usize, &str)> {
    let body = line.get(hash + 1..)?.trim_start();
    let body = body.strip_prefix("hadolint")?;
    if !body.starts_with([' ', '\t']) {
        return None;
    }
    let body = body.trim_start();
    let (global, body) = match body.strip_prefix("global") {
        Some(rest) if rest.starts_with([' ', '\t']) => (true, rest.trim_start()),
        _ => (false, body),
    };
    let list = body
        .strip_prefix("ignore")?
        .trim_start()
        .strip_prefix('=')?;
    // hadolint reads codes separated by commas (with optional blanks); anything after the list
    // is a comment.
    let end = list
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == ',' || c == ' ' || c == '\t'))
        .map_or(list.len(), |(i, _)| i);
    Some((global, line.len() - list.len(), list.get(..end)?))
}

impl Suppressions {
    /// Finds the suppressions of `source` (parsed as `dockerfile`), resolving codes through the
    /// registry.
    pub fn parse(source: &str, dockerfile: &Dockerfile) -> Self {
        Self::parse_with(source, dockerfile, &hadolint_alias, &buildkit_alias)
    }

    pub(crate) fn parse_with(
        source: &str,
        dockerfile: &Dockerfile,
        hadolint: &dyn Fn(&str) -> Vec<Rule>,
        buildkit: &dyn Fn(&str) -> Vec<Rule>,
    ) -> Self {
        let mut out = Suppressions::default();
        let index = LineIndex::new(source);
        // The instruction whose lines include `line`, or the first one after it.
        let instruction_at = |line: u32| {
            dockerfile
                .instructions
                .iter()
                .find(|i| i.start_line <= line && line <= i.end_line)
                .map(|i| (i.start_line, i.end_line))
        };
        let next_instruction = |line: u32| {
            dockerfile
                .instructions
                .iter()
                .find(|i| i.start_line > line)
                .map_or((line + 1, line + 1), |i| (i.start_line, i.end_line))
        };
        for line_no in 0..index.line_count() {
            let line_range = index.line_range(line_no, source);
            let Some(line) =
                source.get(usize::from(line_range.start())..usize::from(line_range.end()))
            else {
                continue;
            };
            // Every suppression comment below (own-line or trailing) starts at a `#`: a line
            // without one is skipped with a single memchr instead of the `rfind`s.
            if !line.as_bytes().contains(&b'#') {
                continue;
            }
            let base = usize::from(line_range.start());
            let row = u32::try_from(line_no + 1).unwrap_or(u32::MAX);
            let trimmed = line.trim_start();
            let own_line = trimmed.starts_with('#');
            // A comment line inside a continued instruction belongs to it; BuildKit drops it.
            let own_line_range = own_line.then(|| {
                let end = source
                    .get(usize::from(line_range.end())..)
                    .map_or(0, |rest| {
                        if rest.starts_with("\r\n") {
                            2
                        } else {
                            usize::from(rest.starts_with('\n'))
                        }
                    });
                TextRange::new(
                    line_range.start(),
                    line_range.end() + TextSize::try_from(end).unwrap_or_default(),
                )
            });
            // pristine's comment: on its own line, or trailing (the last `# pristine:` of the
            // line).
            let hash = if own_line {
                Some(line.len() - trimmed.len())
            } else {
                line.rfind("# pristine:")
                    .or_else(|| line.rfind("#pristine:"))
            };
            if let Some(hash) = hash
                && let Some((file_wide, list_start, list)) = parse_pristine(line, hash)
            {
                let lines = if file_wide {
                    None
                } else if own_line {
                    Some(next_instruction(row))
                } else {
                    Some(instruction_at(row).unwrap_or((row, row)))
                };
                let codes = split_codes(list, base + list_start, &[','])
                    .into_iter()
                    .map(|(code, range)| SuppressedCode {
                        rules: pristine_code(&code),
                        code,
                        range,
                    })
                    .collect();
                let blanks = line.get(..hash).map_or(0, |before| {
                    before.len() - before.trim_end_matches([' ', '\t']).len()
                });
                let comment = range(base + hash, base + line.len());
                out.items.push(Suppression {
                    source: SuppressionSource::Pristine,
                    lines,
                    range: comment,
                    removal: if let Some(whole_line) = own_line_range {
                        (!in_heredoc_body(dockerfile, whole_line)).then_some(whole_line)
                    } else {
                        let comment = range(base + hash - blanks, base + line.len());
                        let nothing_after = line
                            .get(list_start + list.len() + 1..)
                            .is_some_and(|after| after.trim().is_empty());
                        (nothing_after
                            && trailing_comment_is_removable(dockerfile, comment, blanks))
                        .then_some(comment)
                    },
                    list_range: Some(range(base + list_start, base + list_start + list.len())),
                    codes,
                });
                continue;
            }
            if own_line
                && let Some((global, list_start, list)) =
                    parse_hadolint(line, line.len() - trimmed.len())
            {
                let codes = split_codes(list, base + list_start, &[',', ' ', '\t'])
                    .into_iter()
                    .map(|(code, range)| SuppressedCode {
                        rules: hadolint(&code),
                        code,
                        range,
                    })
                    .collect();
                out.items.push(Suppression {
                    source: SuppressionSource::Hadolint,
                    lines: (!global).then(|| next_instruction(row)),
                    range: range(base + line.len() - trimmed.len(), base + line.len()),
                    removal: Some(own_line_range.unwrap_or(line_range)),
                    list_range: None,
                    codes,
                });
            }
        }
        if let Some(directive) = dockerfile.directive("check") {
            // `skip=A,B;error=true` (BuildKit's `parseLintOptions`, linter/linter.go).
            let value = directive.value.as_str();
            let value_offset = source
                .get(usize::from(directive.range.start())..usize::from(directive.range.end()))
                .and_then(|text| text.rfind(value))
                .map_or(usize::from(directive.range.start()), |i| {
                    usize::from(directive.range.start()) + i
                });
            let mut start = 0;
            for part in value.split(';') {
                let (key, val) = part.split_once('=').unwrap_or((part, ""));
                let key_trimmed = key.trim();
                if key_trimmed.eq_ignore_ascii_case("skip") {
                    let val_offset = value_offset + start + key.len() + 1;
                    let codes = split_codes(val, val_offset, &[','])
                        .into_iter()
                        .map(|(code, range)| SuppressedCode {
                            rules: buildkit(&code),
                            code,
                            range,
                        })
                        .collect();
                    out.items.push(Suppression {
                        source: SuppressionSource::BuildKit,
                        lines: None,
                        range: directive.range,
                        removal: Some(directive.range),
                        list_range: None,
                        codes,
                    });
                } else if key_trimmed.eq_ignore_ascii_case("error") {
                    out.buildkit_error = val.trim().eq_ignore_ascii_case("true");
                }
                start += part.len() + 1;
            }
        }
        out
    }

    /// Whether `rule` is suppressed at 1-based `row` (`None`: a finding without a line).
    pub fn suppresses(&self, rule: Rule, row: Option<u32>) -> bool {
        self.matching(rule, row).next().is_some()
    }

    fn matching(&self, rule: Rule, row: Option<u32>) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.items.iter().enumerate().flat_map(move |(i, item)| {
            let covers = match (item.lines, row) {
                (None, _) => true,
                (Some((first, last)), Some(row)) => first <= row && row <= last,
                (Some(_), None) => false,
            };
            item.codes
                .iter()
                .enumerate()
                .filter(move |(_, code)| covers && code.rules.contains(&rule))
                .map(move |(j, _)| (i, j))
        })
    }
}

/// Removes suppressed findings, applies `# check=error=true`, and reports unused pristine
/// suppressions (when that rule is enabled).
pub(crate) fn apply(
    diagnostics: Vec<Diagnostic>,
    source: &str,
    dockerfile: &Dockerfile,
    settings: &LinterSettings,
    path: &std::path::Path,
) -> Vec<Diagnostic> {
    let suppressions = Suppressions::parse(source, dockerfile);
    if suppressions.items.is_empty() && !suppressions.buildkit_error {
        return diagnostics;
    }
    let index = LineIndex::new(source);
    let mut used: Vec<Vec<bool>> = suppressions
        .items
        .iter()
        .map(|item| vec![false; item.codes.len()])
        .collect();
    let mut kept = Vec::with_capacity(diagnostics.len());
    for mut diagnostic in diagnostics {
        let Some(rule) = Rule::from_code_or_name(diagnostic.rule.code) else {
            kept.push(diagnostic);
            continue;
        };
        let row = diagnostic
            .range
            .map(|r| u32::try_from(index.line_of(r.start()) + 1).unwrap_or(u32::MAX));
        let mut suppressed = false;
        for (i, j) in suppressions.matching(rule, row) {
            suppressed = true;
            if let Some(flag) = used.get_mut(i).and_then(|u| u.get_mut(j)) {
                *flag = true;
            }
        }
        if suppressed {
            continue;
        }
        if suppressions.buildkit_error && !rule.meta().buildkit.is_empty() {
            diagnostic.severity = Severity::Error;
        }
        kept.push(diagnostic);
    }
    if settings.rules.contains(Rule::UnusedSuppression)
        && !suppressions.suppresses(Rule::UnusedSuppression, None)
    {
        for (item, used) in suppressions.items.iter().zip(&used) {
            if item.source != SuppressionSource::Pristine {
                continue;
            }
            kept.extend(unused_diagnostics(item, used, &settings.rules, path));
        }
    }
    kept
}

/// The findings of `unused-suppression` for one comment: one per code that suppressed nothing,
/// each with a fix that removes the code (or the whole comment when nothing in it is used).
fn unused_diagnostics(
    item: &Suppression,
    used: &[bool],
    enabled: &RuleSet,
    path: &std::path::Path,
) -> Vec<Diagnostic> {
    let unused: Vec<usize> = (0..item.codes.len())
        .filter(|&j| !used.get(j).copied().unwrap_or(false))
        .collect();
    if unused.is_empty() {
        return Vec::new();
    }
    // No fix at all where the comment is not one to BuildKit or the shell: rewriting the code
    // list would change the instruction as much as deleting it.
    let fix = item.removal.map(|removal| {
        if unused.len() == item.codes.len() {
            Edit::deletion(removal)
        } else {
            let keep: Vec<&str> = item
                .codes
                .iter()
                .enumerate()
                .filter(|(j, _)| !unused.contains(j))
                .map(|(_, c)| c.code.as_str())
                .collect();
            Edit::replacement(keep.join(", "), item.list_range.unwrap_or(item.range))
        }
    });
    unused
        .into_iter()
        .filter_map(|j| item.codes.get(j))
        .map(|code| {
            let message = match code.rules.as_slice() {
                [] => format!("Suppression names an unknown rule `{}`", code.code),
                rules if rules.iter().all(|r| !enabled.contains(*r)) => format!(
                    "Unused suppression of `{}` (the rule is not enabled)",
                    code.code
                ),
                _ => format!("Unused suppression of `{}`", code.code),
            };
            let diagnostic = Rule::UnusedSuppression
                .diagnostic(message, path)
                .with_range(code.range)
                .with_help("Remove the unused suppression");
            match &fix {
                Some(edit) => diagnostic.with_fix(Fix::safe(vec![edit.clone()])),
                None => diagnostic,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::check_dockerfile;

    fn codes(source: &str) -> Vec<String> {
        let diagnostics =
            check_dockerfile(Path::new("Dockerfile"), source, &LinterSettings::default());
        let index = LineIndex::new(source);
        diagnostics
            .iter()
            .map(|d| {
                let row = d.range.map_or(0, |r| index.line_of(r.start()) + 1);
                format!("{}:{row}", d.rule.code)
            })
            .collect()
    }

    #[test]
    fn without_suppressions_both_fire() {
        assert_eq!(
            codes("FROM a:1\nFOO bar\nBAZ qux\n"),
            ["DF001:2", "DF001:3"]
        );
    }

    #[test]
    fn pristine_ignore_on_the_line_above() {
        assert_eq!(
            codes("FROM a:1\n# pristine: ignore[DF001]\nFOO bar\nBAZ qux\n"),
            ["DF001:4"]
        );
        // By name, and covering every line of a continued instruction.
        assert_eq!(
            codes("FROM a:1\n# pristine: ignore[invalid-syntax]\nFOO bar \\\n  more\nBAZ qux\n"),
            ["DF001:5"]
        );
    }

    #[test]
    fn pristine_ignore_on_the_line() {
        assert_eq!(
            codes("FROM a:1\nFOO bar # pristine: ignore[DF001]\nBAZ qux\n"),
            ["DF001:3"]
        );
    }

    #[test]
    fn pristine_ignore_file() {
        assert_eq!(
            codes("FROM a:1\nFOO bar\nBAZ qux\n# pristine: ignore-file[DF001]\n"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn hadolint_pragmas_through_aliases() {
        // DF001 covers hadolint's DL1000.
        assert_eq!(
            codes("FROM a:1\n# hadolint ignore=DL3008, DL1000\nFOO bar\nBAZ qux\n"),
            ["DF001:4"]
        );
        assert_eq!(
            codes("# hadolint global ignore=DL1000\nFROM a:1\nFOO bar\nBAZ qux\n"),
            Vec::<String>::new()
        );
        // Unknown hadolint codes are not ours to report.
        assert_eq!(
            codes("FROM a:1\n# hadolint ignore=DL3008\nRUN x\n"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn buildkit_check_directive() {
        let source = "# check=skip=NoEmptyContinuation\nFROM a:1\nRUN a \\\n\n  b\n";
        assert_eq!(codes(source), Vec::<String>::new());
        let source = "# check=skip=all\nFROM a:1\nRUN a \\\n\n  b\n";
        assert_eq!(codes(source), Vec::<String>::new());
        let source = "# check=error=true\nFROM a:1\nRUN a \\\n\n  b\n";
        let diagnostics =
            check_dockerfile(Path::new("Dockerfile"), source, &LinterSettings::default());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].rule.code, "DF002");
        assert_eq!(diagnostics[0].severity, Severity::Error);
    }

    #[test]
    fn unused_suppressions_are_reported_with_a_fix() {
        let source = "FROM a:1\n# pristine: ignore[DF001, DF002, nope]\nFOO bar\nRUN ok # pristine: ignore[DF001]\n";
        assert_eq!(codes(source), ["DF090:2", "DF090:2", "DF090:4"]);
        let diagnostics =
            check_dockerfile(Path::new("Dockerfile"), source, &LinterSettings::default());
        let messages: Vec<_> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "Unused suppression of `DF002`",
                "Suppression names an unknown rule `nope`",
                "Unused suppression of `DF001`"
            ]
        );
        // The partly used comment keeps its used code; the unused trailing one goes.
        let edit = &diagnostics[0].fix.as_ref().unwrap().edits()[0];
        assert_eq!(edit.content, "DF001");
        assert_eq!(&source[edit.range], "DF001, DF002, nope");
        let edit = &diagnostics[2].fix.as_ref().unwrap().edits()[0];
        assert_eq!(&source[edit.range], " # pristine: ignore[DF001]");
        // Suppressing the rule itself, file-wide.
        let quiet = format!("{source}# pristine: ignore-file[DF090]\n");
        assert_eq!(codes(&quiet), Vec::<String>::new());
    }

    /// The fix of an unused trailing suppression deletes the comment; outside the shell form of
    /// `RUN`/`CMD`/`ENTRYPOINT` those words are the instruction's arguments, and the fuzzer
    /// (`fix_converge`) saw `COPY -# pristine: ignore[DF000]` "fixed" into `COPY -`.
    #[test]
    fn unused_suppression_in_instruction_arguments_gets_no_fix_found_by_fuzzing() {
        let fixes = |source: &str| -> Vec<Option<String>> {
            check_dockerfile(Path::new("Dockerfile"), source, &LinterSettings::default())
                .iter()
                .filter(|d| d.rule.code == "DF090")
                .map(|d| {
                    d.fix
                        .as_ref()
                        .map(|f| source[f.edits()[0].range].to_string())
                })
                .collect()
        };
        // Arguments of a non-shell instruction: reported, never edited.
        assert_eq!(fixes("FROM a:1\nCOPY -# pristine: ignore[DF000]\n"), [None]);
        assert_eq!(
            fixes("FROM a:1\nCOPY a b c # pristine: ignore[DF001]\n"),
            [None]
        );
        assert_eq!(
            fixes("FROM a:1\nCOPY a b c/ # pristine: ignore[DF001, nope]\n"),
            [None, None]
        );
        // Not a shell comment: no blank before the `#`, or words after the `]` (a quote).
        assert_eq!(
            fixes("FROM a:1\nRUN echo a# pristine: ignore[DF001]\n"),
            [None]
        );
        assert_eq!(
            fixes("FROM a:1\nRUN echo \"a # pristine: ignore[DF001]\" && b\n"),
            [None]
        );
        // A line of a heredoc body is file or script content.
        assert_eq!(
            fixes("FROM a:1\nCOPY <<EOF /x\n# pristine: ignore[DF001]\nEOF\n"),
            [None]
        );
        assert_eq!(
            fixes("FROM a:1\nCOPY <<EOF /x\nk=v # pristine: ignore[DF001]\nEOF\n"),
            [None]
        );
        // Another shell may not read `#` as a comment.
        assert_eq!(
            fixes("FROM a:1\nSHELL [\"cmd\", \"/S\", \"/C\"]\nRUN ok # pristine: ignore[DF001]\n"),
            [None]
        );
        // Shell comments and comment lines still go.
        assert_eq!(
            fixes("FROM a:1\nRUN ok # pristine: ignore[DF001]\n"),
            [Some(" # pristine: ignore[DF001]".to_string())]
        );
        assert_eq!(
            fixes("FROM a:1\nCMD run --it # pristine: ignore[DF001]\n"),
            [Some(" # pristine: ignore[DF001]".to_string())]
        );
        assert_eq!(
            fixes("FROM a:1\n# pristine: ignore[DF001]\nCOPY a b\n"),
            [Some("# pristine: ignore[DF001]\n".to_string())]
        );
    }

    fn corpus_dir() -> PathBuf {
        match std::env::var_os("PRISTINE_CORPUS_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        }
    }

    /// A real Dockerfile with `# hadolint ignore=DL3008` above two `RUN apt-get install`s: the
    /// pragmas are found and cover exactly the instruction below them. The alias table is
    /// stubbed (DL3008 → `empty-continuation-line`) so that the test does not depend on which
    /// rules exist; `hadolint_pragmas_through_aliases` covers the real table.
    #[test]
    fn hadolint_pragma_on_a_corpus_file() {
        let path = corpus_dir().join("CTFd__CTFd/files/Dockerfile");
        let source = std::fs::read_to_string(&path).unwrap_or_else(|err| {
            panic!("read {} (set PRISTINE_CORPUS_DIR): {err}", path.display())
        });
        let dockerfile = pristine_dockerfile::parse(&source);
        let stub = |code: &str| {
            if code == "DL3008" {
                vec![Rule::EmptyContinuationLine]
            } else {
                Vec::new()
            }
        };
        let suppressions = Suppressions::parse_with(&source, &dockerfile, &stub, &|_| Vec::new());
        let hadolint: Vec<_> = suppressions
            .items
            .iter()
            .filter(|s| s.source == SuppressionSource::Hadolint)
            .collect();
        assert_eq!(hadolint.len(), 2, "{hadolint:#?}");
        for item in &hadolint {
            assert_eq!(item.codes.len(), 1);
            assert_eq!(&source[item.codes[0].range], "DL3008");
            let (first, last) = item.lines.unwrap();
            let comment_row = LineIndex::new(&source).line_of(item.range.start()) as u32 + 1;
            assert_eq!(first, comment_row + 1, "covers the instruction right below");
            let instruction = dockerfile
                .instructions
                .iter()
                .find(|i| i.start_line == first)
                .unwrap();
            assert_eq!(instruction.keyword.value, "RUN");
            assert_eq!(last, instruction.end_line);
            assert!(suppressions.suppresses(Rule::EmptyContinuationLine, Some(last)));
            assert!(!suppressions.suppresses(Rule::EmptyContinuationLine, Some(last + 1)));
            assert!(!suppressions.suppresses(Rule::InvalidSyntax, Some(first)));
        }
    }
}
