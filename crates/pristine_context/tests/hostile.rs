//! Hostile trees: loops, special files, unreadable directories, non-UTF-8
//! names, huge and deep directories. Correct result or a clear issue; no
//! hang, no panic.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::{Duration, Instant};

use pristine_context::{ContextOptions, EntryKind, IssueKind, compute};

fn opts(dir: &Path) -> ContextOptions {
    // Dockerfile outside the context, like `docker build -f /elsewhere DIR`.
    ContextOptions {
        context_dir: dir.join("ctx"),
        dockerfile: Some(dir.join("Dockerfile")),
        measure_excluded: true,
    }
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let ctx = tmp.path().join("ctx");
    std::fs::create_dir(&ctx).unwrap();
    (tmp, ctx)
}

fn list(o: &ContextOptions) -> Vec<String> {
    let c = compute(o).unwrap();
    c.tree
        .list()
        .iter()
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect()
}

#[test]
fn symlink_loops_are_sent_as_links() {
    let (tmp, ctx) = setup();
    std::os::unix::fs::symlink("b", ctx.join("a")).unwrap();
    std::os::unix::fs::symlink("a", ctx.join("b")).unwrap();
    std::fs::create_dir(ctx.join("d")).unwrap();
    std::os::unix::fs::symlink("..", ctx.join("d/up")).unwrap();
    std::os::unix::fs::symlink(".", ctx.join("self")).unwrap();
    let c = compute(&opts(tmp.path())).unwrap();
    let kinds: Vec<_> = c
        .tree
        .entries
        .iter()
        .map(|e| {
            (
                String::from_utf8_lossy(&e.path).into_owned(),
                e.kind.clone(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (
                "a".into(),
                EntryKind::Symlink {
                    target: b"b".to_vec()
                }
            ),
            (
                "b".into(),
                EntryKind::Symlink {
                    target: b"a".to_vec()
                }
            ),
            ("d".into(), EntryKind::Dir),
            (
                "d/up".into(),
                EntryKind::Symlink {
                    target: b"..".to_vec()
                }
            ),
            (
                "self".into(),
                EntryKind::Symlink {
                    target: b".".to_vec()
                }
            ),
        ]
    );
}

#[test]
fn fifo_and_socket_are_special_and_never_opened() {
    let (tmp, ctx) = setup();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(ctx.join("pipe"))
            .status()
            .unwrap()
            .success()
    );
    // A FIFO nobody may read: opening it would block or fail; we must not.
    assert!(
        std::process::Command::new("chmod")
            .arg("000")
            .arg(ctx.join("pipe"))
            .status()
            .unwrap()
            .success()
    );
    let _listener = std::os::unix::net::UnixListener::bind(ctx.join("sock")).unwrap();
    std::fs::write(ctx.join("f"), "x").unwrap();
    let start = Instant::now();
    let c = compute(&opts(tmp.path())).unwrap();
    assert!(start.elapsed() < Duration::from_secs(10));
    let kinds: Vec<_> = c.tree.entries.iter().map(|e| e.kind.clone()).collect();
    assert_eq!(
        kinds,
        [EntryKind::File, EntryKind::Special, EntryKind::Special]
    );
    assert_eq!(
        c.tree.list(),
        [b"f".to_vec(), b"pipe".to_vec(), b"sock".to_vec()]
    );
    assert!(
        c.tree.issues.iter().all(|i| !i.fails_build()),
        "{:?}",
        c.tree.issues
    );
}

fn running_as_root() -> bool {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("probe");
    std::fs::create_dir(&d).unwrap();
    chmod(&d, 0o000);
    let readable = std::fs::read_dir(&d).is_ok();
    chmod(&d, 0o755);
    readable
}

fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn unreadable_directory() {
    let root = running_as_root();
    for (ignore, expect_issue) in [
        (None, true),
        (Some("secret\n"), false),
        (Some("**/secret\n!secret/x\n"), false),
    ] {
        let (tmp, ctx) = setup();
        std::fs::create_dir(ctx.join("secret")).unwrap();
        std::fs::write(ctx.join("secret/x"), "x").unwrap();
        std::fs::write(ctx.join("keep"), "k").unwrap();
        if let Some(text) = ignore {
            std::fs::write(tmp.path().join("Dockerfile.dockerignore"), text).unwrap();
        }
        chmod(&ctx.join("secret"), 0o000);
        let c = compute(&opts(tmp.path()));
        chmod(&ctx.join("secret"), 0o755);
        let c = c.unwrap();
        let fatal: Vec<_> = c.tree.fatal_issues().collect();
        if root {
            // Root reads mode-000 directories, so there is nothing to report;
            // the unreadable case cannot be exercised (fsutil's own test is
            // non-root only, too).
            assert!(fatal.is_empty());
            continue;
        }
        if expect_issue {
            assert_eq!(fatal.len(), 1, "{:?}", c.tree.issues);
            assert_eq!(fatal[0].path, b"secret");
            assert!(matches!(fatal[0].kind, IssueKind::UnreadableDir { .. }));
        } else {
            // EPERM on an excluded directory is ignored, as in fsutil.
            assert!(fatal.is_empty(), "{:?}", c.tree.issues);
        }
    }
}

#[test]
fn non_utf8_names() {
    let (tmp, ctx) = setup();
    let bad = OsStr::from_bytes(b"bad\xff.txt");
    std::fs::write(ctx.join(bad), "x").unwrap();
    std::fs::write(ctx.join("good.txt"), "x").unwrap();
    let c = compute(&opts(tmp.path())).unwrap();
    assert_eq!(
        c.tree.list(),
        [b"bad\xff.txt".to_vec(), b"good.txt".to_vec()]
    );
    assert!(
        c.tree
            .issues
            .iter()
            .any(|i| i.kind == IssueKind::NonUtf8Name && i.path == b"bad\xff.txt")
    );
    // Go's regexp sees the invalid byte as one rune: `?` matches it.
    std::fs::write(tmp.path().join("Dockerfile.dockerignore"), "bad?.txt\n").unwrap();
    assert_eq!(list(&opts(tmp.path())), ["good.txt"]);
    std::fs::write(tmp.path().join("Dockerfile.dockerignore"), "bad\\xff.txt\n").unwrap();
    // `\xff` in the pattern is U+00FF, not the byte: no match.
    assert_eq!(list(&opts(tmp.path())).len(), 2);
    // An exact pattern compares raw bytes.
    std::fs::write(tmp.path().join("Dockerfile.dockerignore"), b"bad\xff.txt\n").unwrap();
    assert_eq!(list(&opts(tmp.path())), ["good.txt"]);
}

#[test]
fn hundred_thousand_files_in_one_dir() {
    let (tmp, ctx) = setup();
    let big = ctx.join("big");
    std::fs::create_dir(&big).unwrap();
    for i in 0..100_000 {
        std::fs::File::create(big.join(format!("f{i:06}"))).unwrap();
    }
    std::fs::write(tmp.path().join("Dockerfile.dockerignore"), "big/f09*\n").unwrap();
    let start = Instant::now();
    let c = compute(&opts(tmp.path())).unwrap();
    let took = start.elapsed();
    assert_eq!(c.tree.stats.files_sent, 90_000);
    assert_eq!(c.tree.stats.files_excluded, 10_000);
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

#[test]
fn five_thousand_levels_deep() {
    let (tmp, ctx) = setup();
    // The absolute path exceeds PATH_MAX, so build the chain in pieces of
    // ~1000 levels and stack them with `rename` (whose paths stay short).
    let chain = |base: &Path, depth: usize| base.join(vec!["d"; depth].join("/"));
    let first = tmp.path().join("p0");
    std::fs::create_dir_all(chain(&first, 1004)).unwrap();
    std::fs::write(chain(&first, 1004).join("leaf"), "x").unwrap();
    let mut prev = first;
    for k in 1..5 {
        let part = tmp.path().join(format!("p{k}"));
        std::fs::create_dir_all(chain(&part, 999)).unwrap();
        std::fs::rename(prev.join("d"), chain(&part, 999).join("d")).unwrap();
        prev = part;
    }
    std::fs::rename(prev.join("d"), ctx.join("d")).unwrap();
    let start = Instant::now();
    let c = compute(&opts(tmp.path())).unwrap();
    assert!(start.elapsed() < Duration::from_secs(60));
    let leaf = format!("{}leaf", "d/".repeat(5000));
    let listed = c.tree.list().iter().any(|p| p == leaf.as_bytes());
    // Either the whole tree is walked, or the walk stops where paths get too
    // long for the OS (BuildKit's Go walker fails there too) and says so.
    let too_long = c.tree.fatal_issues().any(|i| match &i.kind {
        IssueKind::UnreadableDir { message } | IssueKind::StatFailed { message } => {
            message.contains("too long")
        }
        _ => false,
    });
    assert!(listed || too_long, "{} issues", c.tree.issues.len());
    // Exclusion at the top prunes everything below, whatever the depth.
    std::fs::write(tmp.path().join("Dockerfile.dockerignore"), "d\n").unwrap();
    let c = compute(&ContextOptions {
        measure_excluded: false,
        ..opts(tmp.path())
    })
    .unwrap();
    assert!(c.tree.entries.is_empty());
    assert_eq!(c.tree.stats.by_pattern[0].dirs_pruned, 1);
}

/// Excluded counts are regular files, like the sent counts: the symlinks of an excluded venv
/// (`bin/python`) and a FIFO are not "files", in a pruned directory or excluded one by one.
#[test]
fn excluded_counts_are_regular_files_only() {
    let (tmp, ctx) = setup();
    std::fs::create_dir_all(ctx.join(".venv/bin")).unwrap();
    std::fs::write(ctx.join(".venv/pyvenv.cfg"), "home = /usr/bin\n").unwrap();
    std::os::unix::fs::symlink("/usr/bin/python3", ctx.join(".venv/bin/python")).unwrap();
    std::fs::write(ctx.join("notes.log"), "12345").unwrap();
    std::os::unix::fs::symlink("notes.log", ctx.join("latest.log")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(ctx.join("pipe.log"))
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::write(ctx.join("app.py"), "print(1)\n").unwrap();
    std::fs::write(tmp.path().join("Dockerfile.dockerignore"), ".venv\n*.log\n").unwrap();
    let c = compute(&opts(tmp.path())).unwrap();
    assert_eq!(c.tree.stats.files_sent, 1);
    // `.venv/pyvenv.cfg` and `notes.log`, not the two symlinks and the FIFO.
    assert_eq!(c.tree.stats.files_excluded, 2);
    assert_eq!(c.tree.stats.bytes_excluded, 16 + 5);
    let per_pattern: Vec<u64> = c.tree.stats.by_pattern.iter().map(|p| p.files).collect();
    assert_eq!(per_pattern, [1, 1]);
}
