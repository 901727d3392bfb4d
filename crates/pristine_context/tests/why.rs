//! `pristine context --why PATH`: explanations, including paths the walker
//! never visits.

use pristine_context::{ContextOptions, compute, explain};

fn setup(ignore: &str, files: &[&str]) -> (tempfile::TempDir, ContextOptions) {
    let tmp = tempfile::tempdir().unwrap();
    let ctx = tmp.path().join("ctx");
    for f in files {
        let p = ctx.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "x").unwrap();
    }
    std::fs::write(ctx.join(".dockerignore"), ignore).unwrap();
    let opts = ContextOptions {
        dockerfile: Some(tmp.path().join("Dockerfile")),
        ..ContextOptions::new(ctx)
    };
    (tmp, opts)
}

#[test]
fn path_in_pruned_directory() {
    let (_tmp, opts) = setup(
        "# venv\n.venv\n!.venvkeep\n",
        &[".venv/lib/site.py", "app.py"],
    );
    let ctx = compute(&opts).unwrap();
    let why = ctx.why(b".venv/lib/site.py").unwrap();
    assert!(why.exists && !why.sent);
    assert_eq!(why.pruned_at.as_deref(), Some(&b".venv"[..]));
    let line = &ctx.ignore.file.patterns[why.deciding_pattern.unwrap()];
    assert_eq!((line.line, line.pattern.as_slice()), (2, &b".venv"[..]));
    // Without a walk, too.
    let why2 = explain(&ctx.root, &ctx.ignore, b"./.venv/lib/site.py").unwrap();
    assert_eq!(why2.pruned_at, why.pruned_at);
    assert!(ctx.why(b"app.py").unwrap().sent);
}

#[test]
fn excluded_directory_sent_as_parent() {
    let (_tmp, opts) = setup("docs\n!**/*.md\n", &["docs/a.md", "docs/b.txt"]);
    let ctx = compute(&opts).unwrap();
    assert_eq!(
        ctx.tree.list(),
        [b".dockerignore".to_vec(), b"docs/a.md".to_vec()]
    );
    let why = ctx.why(b"docs").unwrap();
    assert!(why.sent && why.sent_as_parent && why.pruned_at.is_none());
    let why = ctx.why(b"docs/b.txt").unwrap();
    assert!(!why.sent);
    assert_eq!(why.deciding_pattern, Some(0));
    let why = ctx.why(b"docs/a.md").unwrap();
    assert!(why.sent);
    assert_eq!(why.deciding_pattern, Some(1));
}
