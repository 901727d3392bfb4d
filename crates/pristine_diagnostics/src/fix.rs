//! Applying fixes to one file's text (ruff's `fix/edits.rs` + `apply_fixes`, simplified).
//!
//! Pure: the caller decides which fixes apply (by [`Applicability`](crate::Applicability)) and
//! to which file; this module only splices non-overlapping edits into the text. It never
//! re-serialises the file: every byte outside an accepted edit is kept as it was.

use crate::{Edit, Fix};

/// The result of one round of fixing one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedText {
    /// The text with the accepted edits applied.
    pub text: String,
    /// For each fix given to [`apply_fixes`], in the order given: whether it was applied (or an
    /// identical fix was, which counts as applying it).
    pub applied: Vec<bool>,
}

impl FixedText {
    /// How many of the given fixes were applied.
    pub fn count(&self) -> usize {
        self.applied.iter().filter(|a| **a).count()
    }
}

/// Whether edit `a` and edit `b` cannot both be applied: their ranges overlap, they start at
/// the same offset (their order would be ambiguous), or one inserts strictly inside the
/// other's replaced range.
fn conflicts(a: &Edit, b: &Edit) -> bool {
    let (s1, e1) = (a.range.start(), a.range.end());
    let (s2, e2) = (b.range.start(), b.range.end());
    s1 == s2 || (s1 < e2 && s2 < e1)
}

/// Applies the fixes of one file. `fixes` are `(rule code, fix)`; they are considered in
/// `(rule code, first edit start)` order, and a fix that overlaps one already accepted is
/// dropped for this round (the caller lints again and retries it), as ruff does. A fix whose
/// edits are identical to an accepted one counts as applied. Edits outside the text or not on
/// a character boundary make their fix inapplicable.
pub fn apply_fixes(source: &str, fixes: &[(&str, &Fix)]) -> FixedText {
    let mut order: Vec<usize> = (0..fixes.len()).collect();
    order.sort_by_key(|&i| {
        let (code, fix) = fixes[i];
        let start = fix.edits().first().map(|e| e.range.start());
        (code, start, i)
    });
    let mut applied = vec![false; fixes.len()];
    let mut accepted: Vec<&Edit> = Vec::new();
    let mut accepted_fixes: Vec<&[Edit]> = Vec::new();
    for i in order {
        let edits = fixes[i].1.edits();
        if edits.is_empty() {
            continue;
        }
        if accepted_fixes.contains(&edits) {
            applied[i] = true;
            continue;
        }
        let valid = edits.iter().all(|e| {
            let (s, t) = (usize::from(e.range.start()), usize::from(e.range.end()));
            t <= source.len() && source.is_char_boundary(s) && source.is_char_boundary(t)
        });
        let internal = edits.windows(2).any(|w| conflicts(&w[0], &w[1]));
        if !valid
            || internal
            || edits
                .iter()
                .any(|e| accepted.iter().any(|a| conflicts(a, e)))
        {
            continue;
        }
        accepted.extend(edits);
        accepted_fixes.push(edits);
        applied[i] = true;
    }
    accepted.sort_by_key(|e| (e.range.start(), e.range.end()));
    let mut text = String::with_capacity(source.len());
    let mut last = 0usize;
    for edit in accepted {
        let start = usize::from(edit.range.start());
        text.push_str(&source[last..start]);
        text.push_str(&edit.content);
        last = usize::from(edit.range.end());
    }
    text.push_str(&source[last..]);
    FixedText { text, applied }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{TextRange, TextSize};

    fn range(a: u32, b: u32) -> TextRange {
        TextRange::new(TextSize::from(a), TextSize::from(b))
    }

    #[test]
    fn applies_sorted_edits() {
        let a = Fix::safe(vec![Edit::replacement("X", range(4, 5))]);
        let b = Fix::safe(vec![Edit::insertion("<", TextSize::from(0))]);
        let out = apply_fixes("abc\ndef", &[("B", &a), ("A", &b)]);
        assert_eq!(out.text, "<abc\nXef");
        assert_eq!(out.applied, vec![true, true]);
    }

    #[test]
    fn overlap_keeps_first_by_code() {
        let a = Fix::safe(vec![Edit::replacement("1", range(0, 3))]);
        let b = Fix::safe(vec![Edit::replacement("2", range(2, 4))]);
        let out = apply_fixes("abcdef", &[("Z", &a), ("A", &b)]);
        assert_eq!(out.text, "ab2ef");
        assert_eq!(out.applied, vec![false, true]);
    }

    #[test]
    fn same_insertion_point_conflicts_but_identical_fixes_merge() {
        let a = Fix::safe(vec![Edit::insertion("x\n", TextSize::from(3))]);
        let b = Fix::safe(vec![Edit::insertion("y\n", TextSize::from(3))]);
        let c = a.clone();
        let out = apply_fixes("ab\n", &[("A", &a), ("B", &b), ("C", &c)]);
        assert_eq!(out.text, "ab\nx\n");
        assert_eq!(out.applied, vec![true, false, true]);
        assert_eq!(out.count(), 2);
    }

    #[test]
    fn adjacent_edits_both_apply() {
        let a = Fix::safe(vec![Edit::replacement("A", range(0, 1))]);
        let b = Fix::safe(vec![Edit::replacement("B", range(1, 2))]);
        assert_eq!(apply_fixes("ab", &[("A", &a), ("B", &b)]).text, "AB");
    }

    #[test]
    fn out_of_bounds_and_non_boundary_edits_are_skipped() {
        let a = Fix::safe(vec![Edit::replacement("A", range(0, 9))]);
        let b = Fix::safe(vec![Edit::replacement("B", range(1, 2))]);
        let out = apply_fixes("é", &[("A", &a), ("B", &b)]);
        assert_eq!(out.text, "é");
        assert_eq!(out.count(), 0);
    }

    #[test]
    fn bytes_outside_edits_are_kept() {
        let src = "\u{feff}FROM a\r\nRUN x \\\r\n  y\r\n";
        let a = Fix::safe(vec![Edit::replacement("b", range(8, 9))]);
        let out = apply_fixes(src, &[("A", &a)]);
        assert_eq!(out.text, "\u{feff}FROM b\r\nRUN x \\\r\n  y\r\n");
    }
}
