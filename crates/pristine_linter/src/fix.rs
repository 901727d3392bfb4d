//! Lint → fix → lint again until nothing changes, for one Dockerfile (ruff's
//! `lint_fix`, `crates/ruff_linter/src/linter.rs`, 0.14): each round applies every applicable
//! non-conflicting fix with [`pristine_diagnostics::apply_fixes`]; fixes dropped because they
//! overlapped an earlier one are found again by the next round's lint. A Dockerfile with syntax
//! errors (DF001) is never fixed: its edits would be computed over a parse BuildKit refuses.

use std::collections::BTreeMap;
use std::path::Path;

use pristine_diagnostics::{Applicability, Diagnostic, Fix, apply_fixes};

use crate::{LinterSettings, check_dockerfile};

/// How many lint → fix rounds before giving up (ruff: 100; pristine's fixes are few and
/// never cascade far).
pub const MAX_FIX_ROUNDS: usize = 10;

/// Which fixes to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// `--fix`: safe fixes.
    Safe,
    /// `--fix --unsafe-fixes`: safe and unsafe fixes.
    Unsafe,
}

impl FixMode {
    pub fn required(self) -> Applicability {
        match self {
            FixMode::Safe => Applicability::Safe,
            FixMode::Unsafe => Applicability::Unsafe,
        }
    }

    /// Whether `fix` is applied in this mode.
    pub fn applies(self, fix: &Fix) -> bool {
        fix.applicability >= self.required()
    }
}

/// Why a file was not fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixError {
    /// The Dockerfile does not parse; nothing was changed.
    InvalidSyntax,
    /// Fixes kept changing the file for [`MAX_FIX_ROUNDS`] rounds.
    FailedToConverge { rounds: usize },
}

impl std::fmt::Display for FixError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FixError::InvalidSyntax => f.write_str("the Dockerfile has syntax errors (DF001)"),
            FixError::FailedToConverge { rounds } => {
                write!(f, "failed to converge after {rounds} fix rounds")
            }
        }
    }
}

impl std::error::Error for FixError {}

/// A fixed Dockerfile.
#[derive(Debug, Clone)]
pub struct FixedDockerfile {
    pub text: String,
    /// Findings fixed, per rule code.
    pub fixed: BTreeMap<&'static str, usize>,
    /// The findings of the fixed text.
    pub remaining: Vec<Diagnostic>,
}

/// Whether `diagnostic`'s fix edits `file` (the diagnostic's own file unless the fix names
/// another).
pub fn fix_targets(diagnostic: &Diagnostic, file: &Path) -> bool {
    diagnostic
        .fix
        .as_ref()
        .is_some_and(|fix| fix.file.as_deref().unwrap_or(&diagnostic.file) == file)
}

/// One round over one file: applies the fixes of `diagnostics` that edit `file` and that `mode`
/// allows; returns the new text and the fixed diagnostics' codes, or `None` if nothing applied.
pub fn fix_round(
    source: &str,
    file: &Path,
    diagnostics: &[Diagnostic],
    mode: FixMode,
) -> Option<(String, Vec<&'static str>)> {
    let candidates: Vec<(&Diagnostic, &Fix)> = diagnostics
        .iter()
        .filter(|d| fix_targets(d, file))
        .filter_map(|d| d.fix.as_ref().map(|f| (d, f)))
        .filter(|(_, f)| mode.applies(f))
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let fixes: Vec<(&str, &Fix)> = candidates.iter().map(|(d, f)| (d.rule.code, *f)).collect();
    let out = apply_fixes(source, &fixes);
    if out.text == source {
        return None;
    }
    let codes = candidates
        .iter()
        .zip(&out.applied)
        .filter(|(_, applied)| **applied)
        .map(|((d, _), _)| d.rule.code)
        .collect();
    Some((out.text, codes))
}

/// Lints `source` and applies its Dockerfile fixes until a fixed point.
pub fn fix_dockerfile(
    path: &Path,
    source: &str,
    settings: &LinterSettings,
    mode: FixMode,
) -> Result<FixedDockerfile, FixError> {
    if !pristine_dockerfile::parse(source).errors.is_empty() {
        return Err(FixError::InvalidSyntax);
    }
    let mut text = source.to_string();
    let mut fixed: BTreeMap<&'static str, usize> = BTreeMap::new();
    for _ in 0..MAX_FIX_ROUNDS {
        let diagnostics = check_dockerfile(path, &text, settings);
        let Some((next, codes)) = fix_round(&text, path, &diagnostics, mode) else {
            return Ok(FixedDockerfile {
                text,
                fixed,
                remaining: diagnostics,
            });
        };
        if !pristine_dockerfile::parse(&next).errors.is_empty() {
            // A fix broke the syntax: keep the last good text rather than write it.
            return Ok(FixedDockerfile {
                text,
                fixed,
                remaining: diagnostics,
            });
        }
        for code in codes {
            *fixed.entry(code).or_default() += 1;
        }
        text = next;
    }
    Err(FixError::FailedToConverge {
        rounds: MAX_FIX_ROUNDS,
    })
}
