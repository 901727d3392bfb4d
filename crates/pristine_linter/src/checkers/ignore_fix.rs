//! `.dockerignore` fixes: the lines that exclude what the context rules found, appended to the
//! ignore file (created when missing) under one `# added by pristine` comment.
//!
//! Every finding's lines are checked with the real matcher before they are offered: a line is
//! added only if it excludes one of the finding's paths that is sent today, and never if it
//! would exclude a path a `COPY`/`ADD` names (a needed source). An environment-file example
//! (`.env.example`, `.env.sample`, `.env.template`) that a new line would exclude is kept with
//! a `!` exception. The user's lines are never reordered or deleted; the file's line ending
//! (CRLF or LF) and its BOM are kept.

use std::path::PathBuf;

use pristine_diagnostics::{Applicability, Edit, Fix, TextSize};
use pristine_ignore::{IgnoreFile, PatternMatcher};

use crate::checkers::context::{ContextChecker, basename};
use crate::checkers::copy_sources::CopySrc;

/// The comment the added lines are grouped under.
pub(crate) const ADDED_BY: &str = "# added by pristine";

/// A finding that an ignore-file line would fix.
pub(crate) struct IgnoreIntent {
    /// Index of the diagnostic in the checker's list.
    pub(crate) diagnostic: usize,
    pub(crate) lines: Vec<String>,
    /// The paths the lines are meant to exclude.
    pub(crate) paths: Vec<Vec<u8>>,
    pub(crate) applicability: Applicability,
}

/// An ignore file's compiled patterns (`None`: it has none).
pub(crate) struct Compiled(Option<PatternMatcher>);

impl Compiled {
    pub(crate) fn as_ref(&self) -> Option<&PatternMatcher> {
        self.0.as_ref()
    }
}

/// Compiles an ignore file's text; `None` if it does not parse or compile.
pub(crate) fn matcher_of(text: &str) -> Option<Compiled> {
    let file = IgnoreFile::parse(text.as_bytes()).ok()?;
    if file.patterns.is_empty() {
        return Some(Compiled(None));
    }
    PatternMatcher::from_ignore_file(&file)
        .ok()
        .map(|m| Compiled(Some(m)))
}

pub(crate) fn excluded(matcher: Option<&PatternMatcher>, path: &[u8]) -> bool {
    matcher.is_some_and(|m| m.matches_or_parent_matches(path).unwrap_or(false))
}

fn is_env_example(name: &[u8]) -> bool {
    [
        &b".env.example"[..],
        b".env.sample",
        b".env.template",
        b".env.dist",
    ]
    .contains(&name)
}

/// The line ending the ignore file uses (CRLF if any line ends so).
pub(crate) fn eol_of(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

impl ContextChecker<'_> {
    /// Context paths some `COPY`/`ADD` names literally: they must stay in the context.
    pub(crate) fn needed_paths(&self) -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = self
            .copies
            .iter()
            .flat_map(|c| c.sources.iter())
            .filter_map(|(src, _)| match src {
                CopySrc::Literal(s) if !s.is_empty() => Some(s.clone()),
                _ => None,
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Whether going from `old` to `new` excludes a path that a `COPY` names.
    pub(crate) fn excludes_needed(
        &self,
        old: Option<&PatternMatcher>,
        new: Option<&PatternMatcher>,
    ) -> bool {
        self.needed_paths()
            .iter()
            .any(|p| excluded(new, p) && !excluded(old, p))
    }

    /// The ignore file fixes edit: the existing one, or `.dockerignore` in the context
    /// directory when there is none.
    fn ignore_target(&self) -> Option<PathBuf> {
        if self.has_ignore_file() {
            self.facts.ignore_file.map(std::path::Path::to_path_buf)
        } else if self.facts.context.ignore.bytes.is_empty() {
            Some(self.facts.context_dir.join(".dockerignore"))
        } else {
            None
        }
    }

    /// The text to append for `intents` to `base`, or `None` when no line is useful.
    fn block_for(&self, base: &str, intents: &[&IgnoreIntent]) -> Option<String> {
        let mut current = base.to_string();
        let eol = eol_of(base);
        let needs_newline = !current.is_empty() && !current.ends_with('\n');
        let has_header = base.lines().any(|l| l.trim_end() == ADDED_BY);
        let mut added: Vec<String> = Vec::new();
        let examples: Vec<&[u8]> = self
            .facts
            .context
            .tree
            .entries
            .iter()
            .filter(|e| is_env_example(basename(&e.path)))
            .map(|e| e.path.as_slice())
            .collect();
        for intent in intents {
            for line in &intent.lines {
                if added.contains(line) {
                    continue;
                }
                let old = matcher_of(&current)?;
                let candidate = format!(
                    "{current}{}{line}{eol}",
                    if needs_newline && added.is_empty() {
                        eol
                    } else {
                        ""
                    }
                );
                let Some(new) = matcher_of(&candidate) else {
                    continue;
                };
                let useful = intent
                    .paths
                    .iter()
                    .any(|p| excluded(new.as_ref(), p) && !excluded(old.as_ref(), p));
                if !useful || self.excludes_needed(old.as_ref(), new.as_ref()) {
                    continue;
                }
                current = candidate;
                added.push(line.clone());
                // Keep the examples of environment files the new line would exclude.
                for example in &examples {
                    if excluded(new.as_ref(), example) && !excluded(old.as_ref(), example) {
                        let keep = format!("!{}", String::from_utf8_lossy(example));
                        if !added.contains(&keep) {
                            current = format!("{current}{keep}{eol}");
                            added.push(keep);
                        }
                    }
                }
            }
        }
        if added.is_empty() {
            return None;
        }
        let mut block = String::new();
        if needs_newline {
            block.push_str(eol);
        }
        if !has_header {
            block.push_str(ADDED_BY);
            block.push_str(eol);
        }
        for line in &added {
            block.push_str(line);
            block.push_str(eol);
        }
        Some(block)
    }

    /// Attaches the ignore-file fixes to the findings that recorded an intent, and to DI002.
    pub(crate) fn attach_ignore_fixes(&mut self, missing_code: &str) {
        let Some(target) = self.ignore_target() else {
            return;
        };
        let Ok(base) = std::str::from_utf8(&self.facts.context.ignore.bytes) else {
            return;
        };
        let base = base.to_string();
        let Ok(at) = u32::try_from(base.len()).map(TextSize::from) else {
            return;
        };
        let intents = std::mem::take(&mut self.ignore_intents);
        let safe: Vec<&IgnoreIntent> = intents
            .iter()
            .filter(|i| i.applicability == Applicability::Safe)
            .collect();
        let all: Vec<&IgnoreIntent> = intents.iter().collect();
        let safe_block = self.block_for(&base, &safe);
        let all_block = self.block_for(&base, &all);
        let fix_with = |block: &Option<String>, applicability| {
            block.as_ref().map(|b| {
                Fix::new(vec![Edit::insertion(b.clone(), at)], applicability).in_file(&target)
            })
        };
        let safe_fix = fix_with(&safe_block, Applicability::Safe);
        let unsafe_fix = fix_with(&all_block, Applicability::Unsafe);
        for intent in &intents {
            // Only offer a block that contains one of this finding's own lines.
            let (fix, block) = match intent.applicability {
                Applicability::Safe => (&safe_fix, &safe_block),
                _ => (&unsafe_fix, &all_block),
            };
            let own = block.as_ref().is_some_and(|b| {
                b.lines()
                    .any(|l| intent.lines.iter().any(|own| own == l.trim_end()))
            });
            if own
                && let (Some(fix), Some(d)) =
                    (fix, self.diagnostics_mut().get_mut(intent.diagnostic))
            {
                d.fix = Some(fix.clone());
            }
        }
        if let Some(fix) = safe_fix {
            for d in self.diagnostics_mut() {
                if d.rule.code == missing_code && d.fix.is_none() {
                    d.fix = Some(fix.clone());
                }
            }
        }
    }
}

impl ContextChecker<'_> {
    /// A fix replacing `range` of the ignore file with `content`: safe unless the new text
    /// excludes a path a `COPY` names, or `reincludes` (the edit makes a `!` line effective,
    /// which changes what a broad `COPY` copies). `None` if the file is not UTF-8 or the edit
    /// does not fit it.
    pub(crate) fn ignore_line_fix(
        &self,
        range: &std::ops::Range<usize>,
        content: String,
        reincludes: bool,
    ) -> Option<Fix> {
        let old = std::str::from_utf8(&self.facts.context.ignore.bytes).ok()?;
        let before = old.get(..range.start)?;
        let after = old.get(range.end..)?;
        let new = format!("{before}{content}{after}");
        let old_matcher = matcher_of(old)?;
        let new_matcher = matcher_of(&new)?;
        let applicability =
            if reincludes || self.excludes_needed(old_matcher.as_ref(), new_matcher.as_ref()) {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            };
        let start = TextSize::from(u32::try_from(range.start).ok()?);
        let end = TextSize::from(u32::try_from(range.end).ok()?);
        Some(Fix::new(
            vec![Edit::replacement(
                content,
                pristine_diagnostics::TextRange::new(start, end),
            )],
            applicability,
        ))
    }
}
