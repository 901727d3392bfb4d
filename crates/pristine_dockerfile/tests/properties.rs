//! Property tests: parsing never panics, and every range is in bounds and on char boundaries.

use pristine_dockerfile::{Node, parse};
use proptest::prelude::*;
use text_size::TextRange;

fn check_range(src: &str, r: TextRange, what: &str) {
    let (s, e) = (usize::from(r.start()), usize::from(r.end()));
    assert!(
        s <= e && e <= src.len(),
        "{what} {r:?} out of bounds ({})",
        src.len()
    );
    assert!(
        src.is_char_boundary(s) && src.is_char_boundary(e),
        "{what} {r:?} not on char boundaries"
    );
}

fn check_node(src: &str, n: &Node) {
    check_range(src, n.range, "node");
    check_range(src, n.keyword.range, "keyword");
    for f in &n.flags {
        check_range(src, f.range, "flag");
    }
    for a in &n.args {
        check_range(src, a.range, "arg");
    }
    for h in &n.heredocs {
        check_range(src, h.marker_range, "heredoc marker");
        check_range(src, h.body_range, "heredoc body");
        if let Some(t) = h.terminator_range {
            check_range(src, t, "heredoc terminator");
        }
    }
    assert!(
        n.start_line >= 1 && n.start_line <= n.end_line,
        "lines {n:?}"
    );
    if let Some(t) = &n.trigger {
        check_node(src, t);
    }
}

/// Parses and checks all invariants; shared with the fuzz target's logic.
fn check(src: &str) {
    let df = parse(src);
    let _ = df.dump();
    let _ = df.stages();
    for i in &df.instructions {
        check_node(src, i);
    }
    for e in &df.errors {
        check_range(src, e.range, "error");
    }
    for w in &df.warnings {
        check_range(src, w.range, "warning");
    }
    for d in &df.directives {
        check_range(src, d.range, "directive");
    }
}

const SNIPPETS: &[&str] = &[
    "FROM python:3.12 AS build\n",
    "# syntax=docker/dockerfile:1\n",
    "# escape=`\n",
    "RUN echo hi \\\n  there\n",
    "RUN <<EOF\necho a\nEOF\n",
    "COPY <<-'X' <<Y /dst\n\tx\n\tX\ny\nY\n",
    "ENV A=1 B=\"2 3\" C='x'\n",
    "ENV A 1 2\n",
    "LABEL a=b\n",
    "CMD [\"a\", \"b\"]\n",
    "CMD [\"a\", [1]]\n",
    "ONBUILD RUN <<E\nx\nE\n",
    "HEALTHCHECK --interval=5s CMD curl x\n",
    "COPY --from=build --chown=1:1 a b\n",
    "ARG X=1 Y\n",
    "WORKDIR /app\n",
    "\\\n",
    "# comment\n",
    "\n",
    "  \t\n",
    "RUN a \\\n\n  b\n",
    "é `\r\n",
    "\u{feff}FROM x\n",
    "FROM --platform=$BUILDPLATFORM x\n",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_strings_never_panic(src in "\\PC*") {
        check(&src);
    }

    #[test]
    fn arbitrary_ascii_with_structure_never_panics(src in "[ -~\t\r\n\\\\`\"'<>=\\[\\]$#{}-]{0,200}") {
        check(&src);
    }

    #[test]
    fn mutated_dockerfiles_never_panic(
        parts in proptest::collection::vec(0..SNIPPETS.len(), 0..12),
        cut in 0usize..400,
        insert in "\\PC{0,4}",
    ) {
        let mut src: String = parts.iter().map(|&i| SNIPPETS[i]).collect();
        let mut at = cut.min(src.len());
        while !src.is_char_boundary(at) {
            at -= 1;
        }
        src.insert_str(at, &insert);
        check(&src);
        let truncated: String = src.chars().take(cut).collect();
        check(&truncated);
    }
}
