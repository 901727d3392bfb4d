//! `pristine_dockerfile::parse` on arbitrary bytes (as lossy UTF-8): no panic, `dump` and
//! `stages` work, every range is in bounds and on char boundaries, and the parse survives a
//! parse → print → parse round-trip.
//!
//! The crate has no printer that reproduces source (`dump` is BuildKit's S-expression test
//! format, which cannot be parsed back), so the printer here is the parse's own ranges: the
//! text before the first instruction (parser directives and its comments, verbatim), then each
//! instruction as the source slice of `Node::range` with the line ending that follows it,
//! preceded by its `Node::comments` as `# …` lines. The invariant:
//!
//! 1. re-parsing that text gives the same BuildKit dump, the same escape character, and per
//!    instruction the same `json` flag, comments and heredocs (name, fd, expand, chomp, body);
//! 2. printing the re-parse gives the same text again (the printer is a fixpoint).
//!
//! (1) checks that every instruction's range covers exactly what the parser read for it
//! (continuations, heredoc bodies and their terminators included) and that nothing between
//! two instructions but comments changes a parse; (2) checks that ranges are stable. Only
//! sources without a parser-layer error are compared: after a parser error BuildKit stops, and
//! the tolerant parse that follows is best effort.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pristine_dockerfile::{Dockerfile, ErrorKind, Node, parse};
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

/// The printer described in the module comment.
fn print(src: &str, df: &Dockerfile) -> String {
    let mut out = String::new();
    for (i, instruction) in df.instructions.iter().enumerate() {
        let range = instruction.node.range;
        if i == 0 {
            out.push_str(&src[..usize::from(range.start())]);
        } else {
            for comment in &instruction.node.comments {
                out.push_str("# ");
                out.push_str(comment);
                out.push('\n');
            }
        }
        // The range excludes the last line's line ending; the line ending is kept (when the
        // last line is an empty continuation line, dropping it would drop the line). The line
        // ending is what `bufio.ScanLines` drops: `\n`, `\r\n`, or a `\r` that ends the file.
        let end = usize::from(range.end());
        let rest = &src[end..];
        let ending = if rest.starts_with("\r\n") {
            2
        } else {
            usize::from(rest.starts_with('\n') || rest == "\r")
        };
        out.push_str(&src[usize::from(range.start())..end + ending]);
        if ending == 0 && i + 1 < df.instructions.len() {
            out.push('\n');
        }
    }
    out
}

/// What must survive the round-trip, per instruction.
fn shape(df: &Dockerfile) -> Vec<String> {
    df.instructions
        .iter()
        .map(|i| {
            let heredocs: Vec<_> = i
                .node
                .heredocs
                .iter()
                .map(|h| (&h.name, h.file_descriptor, h.expand, h.chomp, &h.content))
                .collect();
            format!(
                "json={} comments={:?} heredocs={:?}",
                i.node.json, i.node.comments, heredocs
            )
        })
        .collect()
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

    if df.errors.iter().any(|e| e.kind == ErrorKind::Parser) {
        return;
    }
    let printed = print(&src, &df);
    let again = parse(&printed);
    assert!(
        !again.errors.iter().any(|e| e.kind == ErrorKind::Parser),
        "the printed text has a parser error: {:?}\n--- printed ---\n{printed}",
        again.errors
    );
    assert_eq!(
        df.escape, again.escape,
        "escape\n--- printed ---\n{printed}"
    );
    assert_eq!(df.dump(), again.dump(), "dump\n--- printed ---\n{printed}");
    assert_eq!(
        shape(&df),
        shape(&again),
        "shape\n--- printed ---\n{printed}"
    );
    assert_eq!(
        printed,
        print(&printed, &again),
        "the printer is not a fixpoint"
    );
});
