//! Parses arbitrary bytes (as lossy UTF-8): no panic, `dump` and `stages` work, and every
//! range is in bounds and on char boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pristine_dockerfile::{Node, parse};
use text_size::TextRange;

fn check_range(src: &str, r: TextRange) {
    let (s, e) = (usize::from(r.start()), usize::from(r.end()));
    assert!(s <= e && e <= src.len(), "range {r:?} out of bounds");
    assert!(
        src.is_char_boundary(s) && src.is_char_boundary(e),
        "range {r:?} splits a char"
    );
}

fn check_node(src: &str, n: &Node) {
    check_range(src, n.range);
    check_range(src, n.keyword.range);
    n.flags.iter().for_each(|f| check_range(src, f.range));
    n.args.iter().for_each(|a| check_range(src, a.range));
    for h in &n.heredocs {
        check_range(src, h.marker_range);
        check_range(src, h.body_range);
        if let Some(t) = h.terminator_range {
            check_range(src, t);
        }
    }
    if let Some(t) = &n.trigger {
        check_node(src, t);
    }
}

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let df = parse(&src);
    let _ = df.dump();
    let _ = df.stages();
    for i in &df.instructions {
        check_node(&src, i);
    }
    df.errors.iter().for_each(|e| check_range(&src, e.range));
    df.warnings.iter().for_each(|w| check_range(&src, w.range));
    df.directives
        .iter()
        .for_each(|d| check_range(&src, d.range));
});
