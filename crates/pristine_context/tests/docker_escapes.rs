//! patternmatcher escapes only `$ ( ) + .` (its `shouldEscape` table loses
//! the bits of `|`, `{`, `}`), so those reach Go's regexp as alternation and
//! counted repetition. The expectations below are what real Docker
//! (docker 26.1.5, buildx 0.13.1) sent for the same trees.

use std::path::Path;

use pristine_context::{ContextOptions, compute};

fn context(files: &[&str], dockerignore: &str) -> Result<Vec<String>, String> {
    let tmp = tempfile::tempdir().unwrap();
    let ctx = tmp.path().join("ctx");
    std::fs::create_dir(&ctx).unwrap();
    for f in files {
        let p = ctx.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, b"").unwrap();
    }
    std::fs::write(ctx.join(".dockerignore"), dockerignore).unwrap();
    std::fs::write(tmp.path().join("Dockerfile"), "FROM scratch\n").unwrap();
    let opts = ContextOptions {
        context_dir: ctx,
        dockerfile: Some(Path::new(tmp.path()).join("Dockerfile")),
        measure_excluded: false,
    };
    compute(&opts)
        .map(|c| {
            c.tree
                .list()
                .iter()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect()
        })
        .map_err(|e| e.to_string())
}

#[test]
fn alternation_and_counts_reach_the_regexp() {
    // `?{2}` = `^[^/]{2}$`, `x*|b` = `^x[^/]*|b$`, `q?1)` = `^q[^/]1\)$`.
    let files = ["aa", "a{2}", "ab", "xb", "xyz", "x{1}", "zz", "q1", "q(1)"];
    assert_eq!(
        context(&files, "?{2}\nx*|b\nq?1)\n").unwrap(),
        [".dockerignore", "a{2}"]
    );
}

#[test]
fn counts_below_double_star() {
    let files = ["keep/x/y/aa", "keep/a{2}", "keep/x/a"];
    assert_eq!(
        context(&files, "keep/**/a{2}\n").unwrap(),
        [".dockerignore", "keep/a{2}", "keep/x/a", "keep/x/y/"]
    );
}

#[test]
fn patterns_without_glob_characters_stay_literal() {
    // Exact matches compare the text; no regexp is involved.
    let files = ["a|b", "a", "b", "a{2}", "aa"];
    assert_eq!(
        context(&files, "a|b\na{2}\n").unwrap(),
        [".dockerignore", "a", "aa", "b"]
    );
}

#[test]
fn bad_counts_fail_the_build() {
    for pattern in [
        "x{1001}*",
        "a{2,1}*",
        "*|{2}",
        "?{2}{3}",
        "\\p{greek}*",
        "\\pl*",
    ] {
        assert!(
            context(&["a"], &format!("{pattern}\n")).is_err(),
            "{pattern}"
        );
    }
    // An empty alternative matches everything; literal `{` forms are fine.
    assert_eq!(
        context(&["a", "b/c"], "a|*\n").unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(
        context(&["a{b", "a{,2}", "aa", "{"], "a{b*\na{,2}*\n{*\n").unwrap(),
        [".dockerignore", "aa"]
    );
}
