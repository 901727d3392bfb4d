//! The fixer: lint an arbitrary Dockerfile with every rule, apply every fix including the
//! unsafe ones, round after round, as `pristine check --fix --unsafe-fixes` does
//! (`pristine_linter::fix`). Checked, as ruff's fix harness does
//! (`crates/ruff_linter/src/test.rs`, "Fixed source has a syntax error where the source
//! document does not", "Failed to converge"):
//!
//! - every finding's range and every edit's range lie in the text, on char boundaries;
//! - a Dockerfile without syntax errors never gets one from a fix;
//! - the rounds reach a fixed point within `MAX_FIX_ROUNDS`;
//! - `fix_dockerfile` gives that same text, and applying it again changes nothing.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use pristine_linter::fix::{FixMode, MAX_FIX_ROUNDS, fix_dockerfile, fix_round};
use pristine_linter::{LinterSettings, check_dockerfile};
use text_size::TextRange;

fn check_range(src: &str, r: TextRange, what: &str) {
    let (s, e) = (usize::from(r.start()), usize::from(r.end()));
    assert!(
        s <= e && e <= src.len(),
        "{what}: range {r:?} out of bounds\n{src}"
    );
    assert!(
        src.is_char_boundary(s) && src.is_char_boundary(e),
        "{what}: range {r:?} splits a char\n{src}"
    );
}

fuzz_target!(|data: &[u8]| {
    // Long inputs only slow the search down: every rule runs on every round.
    if data.len() > 4096 {
        return;
    }
    let source = String::from_utf8_lossy(data);
    let path = Path::new("Dockerfile");
    let settings = LinterSettings::default();
    let mode = FixMode::Unsafe;

    if !pristine_dockerfile::parse(&source).errors.is_empty() {
        // Never fixed; still linted.
        for d in check_dockerfile(path, &source, &settings) {
            if let Some(r) = d.range {
                check_range(&source, r, d.rule.code);
            }
        }
        assert!(fix_dockerfile(path, &source, &settings, mode).is_err());
        return;
    }

    let mut text = source.to_string();
    let mut converged = false;
    for _ in 0..MAX_FIX_ROUNDS {
        let diagnostics = check_dockerfile(path, &text, &settings);
        for d in &diagnostics {
            if let Some(r) = d.range
                && d.file == path
            {
                check_range(&text, r, d.rule.code);
            }
            if let Some(fix) = &d.fix
                && fix.file.as_deref().unwrap_or(&d.file) == path
            {
                for edit in fix.edits() {
                    check_range(&text, edit.range, d.rule.code);
                }
            }
        }
        let Some((next, codes)) = fix_round(&text, path, &diagnostics, mode) else {
            converged = true;
            break;
        };
        let reparsed = pristine_dockerfile::parse(&next);
        assert!(
            reparsed.errors.is_empty(),
            "fixes {codes:?} introduced a syntax error: {:?}\n--- before ---\n{text}\n--- after ---\n{next}",
            reparsed.errors
        );
        text = next;
    }
    assert!(
        converged,
        "failed to converge after {MAX_FIX_ROUNDS} rounds\n--- last ---\n{text}"
    );

    let fixed = fix_dockerfile(path, &source, &settings, mode).expect("converges");
    assert_eq!(fixed.text, text, "fix_dockerfile disagrees with the rounds");
    let again = fix_dockerfile(path, &text, &settings, mode).expect("converges");
    assert_eq!(again.text, text, "fixing the fixed text changed it");
    assert!(
        again.fixed.is_empty(),
        "fixing the fixed text fixed {:?}",
        again.fixed
    );
});
