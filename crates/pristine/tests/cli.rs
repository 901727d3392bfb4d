//! Whole runs of the binary: exit code, stdout and stderr, snapshotted.

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Runs `pristine ARGS` in `dir` and renders the result for a snapshot.
fn run(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_pristine"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("PRISTINE_OUTPUT_FORMAT")
        .output()
        .expect("run pristine");
    format!(
        "exit: {}\n----- stdout -----\n{}----- stderr -----\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn run_bytes(dir: &Path, args: &[&str]) -> (i32, Vec<u8>) {
    let out = Command::new(env!("CARGO_BIN_EXE_pristine"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run pristine");
    (out.status.code().unwrap_or(-1), out.stdout)
}

#[test]
fn check_broken_full() {
    insta::assert_snapshot!(run(&fixtures().join("broken"), &["check", "--no-context"]));
}

#[test]
fn check_broken_concise() {
    insta::assert_snapshot!(run(
        &fixtures().join("broken"),
        &["check", "--no-context", "--output-format", "concise"]
    ));
}

#[test]
fn check_broken_json() {
    insta::assert_snapshot!(run(
        &fixtures().join("broken"),
        &["check", "--no-context", "--output-format", "json"]
    ));
}

#[test]
fn check_broken_json_lines() {
    insta::assert_snapshot!(run(
        &fixtures().join("broken"),
        &["check", "--no-context", "--output-format", "json-lines"]
    ));
}

#[test]
fn check_clean_project_finds_compose_and_convention_builds() {
    insta::assert_snapshot!(run(&fixtures().join("project"), &["check"]));
}

#[test]
fn check_exit_zero() {
    let out = run(
        &fixtures().join("broken"),
        &[
            "check",
            "--exit-zero",
            "--quiet",
            "--output-format",
            "concise",
        ],
    );
    assert!(out.starts_with("exit: 0\n"), "{out}");
}

#[test]
fn check_missing_path_is_an_error() {
    insta::assert_snapshot!(run(&fixtures(), &["check", "does-not-exist"]));
}

#[test]
fn check_invalid_ignore_pattern_points_at_the_line() {
    insta::assert_snapshot!(run(&fixtures().join("badignore"), &["check"]));
}

#[test]
fn context_invalid_pattern_fails_like_docker() {
    insta::assert_snapshot!(run(&fixtures().join("badignore"), &["context", "--list"]));
}

#[test]
fn context_list_and_why() {
    let dir = fixtures().join("project");
    insta::assert_snapshot!(run(&dir, &["context", "--list"]));
    insta::assert_snapshot!(run(&dir, &["context", "--why", "app/main.py"]));
    insta::assert_snapshot!(run(&dir, &["context", "--why", ".venv/bin/python"]));
}

#[test]
fn context_summary_json_is_valid() {
    let dir = fixtures().join("project");
    let (code, stdout) = run_bytes(&dir, &["context", "--output-format", "json"]);
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_slice(&stdout).expect("valid JSON");
    assert_eq!(value["files_sent"], 5);
    assert_eq!(value["ignore_file_kind"], "context-root");
}

#[test]
fn context_list_keeps_non_utf8_names_and_hostile_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::write(root.join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt")), "x").unwrap();
    std::os::unix::fs::symlink("loop", root.join("loop")).unwrap();
    std::os::unix::fs::symlink("b", root.join("a")).unwrap();
    std::os::unix::fs::symlink("a", root.join("b")).unwrap();
    let status = Command::new("mkfifo")
        .arg(root.join("fifo"))
        .status()
        .unwrap();
    assert!(status.success());
    let _socket = std::os::unix::net::UnixListener::bind(root.join("sock")).unwrap();
    fs::create_dir(root.join("empty")).unwrap();

    let (code, stdout) = run_bytes(root, &["context", "--list"]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        b"a\nb\ncaf\xe9.txt\nempty/\nfifo\nloop\nsock\n".to_vec(),
        "{}",
        String::from_utf8_lossy(&stdout)
    );

    // `check` reports the special files and the non-UTF-8 name, and exits 1.
    fs::write(root.join("Dockerfile"), "FROM scratch\nCOPY . /\n").unwrap();
    let out = run(root, &["check", "--output-format", "concise"]);
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(
        out.contains("CX002 [warning] `fifo` is a named pipe"),
        "{out}"
    );
    assert!(out.contains("CX002 [warning] `sock` is a socket"), "{out}");
    assert!(
        out.contains("CX003 [warning] `caf\u{fffd}.txt` is not a valid UTF-8 name"),
        "{out}"
    );
}

#[test]
fn debug_dockerfile_ast() {
    insta::assert_snapshot!(run(
        &fixtures().join("project"),
        &["debug", "dockerfile-ast", "app/Dockerfile"]
    ));
    insta::assert_snapshot!(run(
        &fixtures().join("broken"),
        &["debug", "dockerfile-ast", "Dockerfile"]
    ));
}

#[test]
fn rule_explains_itself() {
    insta::assert_snapshot!(run(&fixtures(), &["rule", "DF002"]));
    let out = run(&fixtures(), &["rule", "no-such-rule"]);
    assert!(out.starts_with("exit: 2\n"), "{out}");
}

#[test]
fn rules_json_lists_every_rule() {
    let (code, stdout) = run_bytes(&fixtures(), &["rules", "--output-format", "json"]);
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    assert!(value.as_array().unwrap().len() >= 6);
}

#[test]
fn version_has_the_package_version() {
    let (code, stdout) = run_bytes(&fixtures(), &["--version"]);
    assert_eq!(code, 0);
    let text = String::from_utf8(stdout).unwrap();
    assert!(
        text.starts_with(&format!("pristine {}", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
}

#[test]
fn usage_error_exits_2() {
    let out = run(&fixtures(), &["check", "--no-such-flag"]);
    assert!(out.starts_with("exit: 2\n"), "{out}");
}

#[test]
fn context_summary_text() {
    let dir = fixtures().join("project");
    let root = dir.canonicalize().unwrap();
    let root = regex_escape(&root.display().to_string());
    insta::with_settings!({filters => vec![(root.as_str(), "[FIXTURE]")]}, {
        insta::assert_snapshot!(run(&dir, &["context"]));
    });
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$".contains(c);
            special
                .then_some('\\')
                .into_iter()
                .chain(std::iter::once(c))
        })
        .collect()
}
