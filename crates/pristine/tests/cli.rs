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
    assert_eq!(value["files_sent"], 6);
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

// ---------------------------------------------------------------------------------------------
// Output formats, configuration, suppressions, statistics (issue 6)

/// One tree with every kind of finding: a Dockerfile with a syntax error and an unused
/// suppression (a finding with a fix), a context finding without a line (a named pipe in the
/// context), and a `.dockerignore` finding.
const STABLE_RULES: &str = "DF001,DF002,DF090,DI001,CX002";

fn formats_tree() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::create_dir_all(root.join("app")).unwrap();
    fs::write(
        root.join("app/Dockerfile"),
        "FROM python:3.12-slim\n# pristine: ignore[DF002]\nCOPY --chmod 755 app.py /app/\nRUN echo \"100% done, really: yes\"\n",
    )
    .unwrap();
    let status = Command::new("mkfifo")
        .arg(root.join("app/pipe"))
        .status()
        .unwrap();
    assert!(status.success());
    fs::create_dir_all(root.join("web")).unwrap();
    fs::write(
        root.join("web/Dockerfile"),
        "FROM python:3.12-slim\nCOPY . /app\n",
    )
    .unwrap();
    fs::write(root.join("web/.dockerignore"), ".venv\n[abc\n").unwrap();
    tmp
}

#[test]
fn every_output_format_on_the_same_findings() {
    // Only these rules, so that the snapshots do not change whenever a rule is added.
    let tmp = formats_tree();
    for format in [
        "full",
        "concise",
        "json",
        "json-lines",
        "sarif",
        "github",
        "gitlab",
        "junit",
        "checkstyle",
    ] {
        insta::assert_snapshot!(
            format!("format_{format}"),
            run(
                tmp.path(),
                &[
                    "check",
                    "--isolated",
                    "--select",
                    STABLE_RULES,
                    "--output-format",
                    format
                ]
            )
        );
    }
}

fn reference_dir() -> PathBuf {
    match std::env::var_os("PRISTINE_REFERENCE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference"),
    }
}

fn corpus_dir() -> PathBuf {
    match std::env::var_os("PRISTINE_CORPUS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
    }
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let schema_path = reference_dir().join("sarif/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&schema_path).unwrap_or_else(|e| {
            panic!(
                "{} (set PRISTINE_REFERENCE_DIR): {e}",
                schema_path.display()
            )
        }))
        .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let tmp = formats_tree();
    let (code, stdout) = run_bytes(
        tmp.path(),
        &[
            "check",
            "--isolated",
            "--select",
            STABLE_RULES,
            "--output-format",
            "sarif",
        ],
    );
    assert_eq!(code, 1);
    let sarif: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(sarif["runs"][0]["results"].as_array().unwrap().len() >= 4);
    // An empty run is valid too.
    let clean = tempfile::tempdir().unwrap();
    fs::write(clean.path().join("Dockerfile"), "FROM python:3.12-slim\n").unwrap();
    let (code, stdout) = run_bytes(
        clean.path(),
        &[
            "check",
            "--isolated",
            "--select",
            "DF001",
            "--output-format",
            "sarif",
        ],
    );
    assert_eq!(code, 0);
    let sarif: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    assert!(validator.is_valid(&sarif));
}

#[test]
fn config_error_points_at_the_value() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("Dockerfile"), "FROM python:3.12-slim\n").unwrap();
    fs::write(
        tmp.path().join("pyproject.toml"),
        "[project]\nname = \"app\"\n\n[tool.pristine]\nselect = [\"DF\"]\nfail-on = \"fatal\"\n",
    )
    .unwrap();
    insta::assert_snapshot!(run(tmp.path(), &["check"]));
    fs::write(
        tmp.path().join("pristine.toml"),
        "select = [\"DF001\", \"no-such-rule\"]\n",
    )
    .unwrap();
    insta::assert_snapshot!(run(tmp.path(), &["check"]));
    insta::assert_snapshot!(run(
        tmp.path(),
        &["check", "--isolated", "--config", "fail-on = 3"]
    ));
}

/// Two findings: DF001 (error) and DF002 (warning).
fn two_findings_tree() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("sub/legacy")).unwrap();
    let dockerfile = "FROM python:3.12-slim\nFOO bar\nRUN a \\\n\n  b\n";
    fs::write(tmp.path().join("sub/Dockerfile"), dockerfile).unwrap();
    fs::write(tmp.path().join("sub/legacy/Dockerfile"), dockerfile).unwrap();
    tmp
}

fn codes(dir: &Path, args: &[&str]) -> (i32, Vec<String>) {
    let mut all = vec!["check", "--no-context", "--output-format", "concise"];
    all.extend_from_slice(args);
    let (code, stdout) = run_bytes(dir, &all);
    let lines = String::from_utf8(stdout)
        .unwrap()
        .lines()
        // Only the two rules these tests are about: other rules come and go.
        .filter(|l| l.contains(": DF001 ") || l.contains(": DF002 "))
        .map(|l| {
            let (loc, rest) = l.split_once(": ").unwrap();
            format!(
                "{loc} {}",
                rest.split_whitespace()
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        })
        .collect();
    (code, lines)
}

#[test]
fn config_discovery_and_precedence() {
    let tmp = two_findings_tree();
    let root = tmp.path();
    let all = [
        "sub/Dockerfile:2:1 DF001 [error]",
        "sub/Dockerfile:3:1 DF002 [warning]",
        "sub/legacy/Dockerfile:2:1 DF001 [error]",
        "sub/legacy/Dockerfile:3:1 DF002 [warning]",
    ];
    // Defaults.
    assert_eq!(codes(root, &["sub"]), (1, all.map(String::from).to_vec()));
    // A pristine.toml above the checked path is found (from the checked path upwards).
    fs::write(
        root.join("pristine.toml"),
        "ignore = [\"DF002\"]\nseverity = { DF001 = \"warning\" }\n",
    )
    .unwrap();
    assert_eq!(
        codes(root.join("sub").as_path(), &["."]).1,
        [
            "Dockerfile:2:1 DF001 [warning]",
            "legacy/Dockerfile:2:1 DF001 [warning]"
        ]
    );
    // The command line wins over the file: `--select` replaces the file's selection.
    assert_eq!(
        codes(root, &["sub", "--select", "DF002"]).1,
        [
            "sub/Dockerfile:3:1 DF002 [warning]",
            "sub/legacy/Dockerfile:3:1 DF002 [warning]"
        ]
    );
    // `--config KEY=VALUE` wins over the file.
    assert_eq!(
        codes(root, &["sub", "--config", "severity = { DF001 = 'info' }"]).1,
        [
            "sub/Dockerfile:2:1 DF001 [info]",
            "sub/legacy/Dockerfile:2:1 DF001 [info]"
        ]
    );
    // fail-on: warnings only do not fail at `error`.
    let both = ["sub", "--select", "DF001,DF002"];
    assert_eq!(
        codes(root, &[&both[..], &["--fail-on", "error"]].concat()).0,
        0
    );
    assert_eq!(
        codes(root, &[&both[..], &["--fail-on", "warning"]].concat()).0,
        1
    );
    // A nearer .pristine.toml wins over the outer file; --isolated ignores both.
    fs::write(
        root.join("sub/.pristine.toml"),
        "fail-on = \"error\"\nselect = [\"DF002\"]\n",
    )
    .unwrap();
    assert_eq!(codes(root.join("sub").as_path(), &["."]).0, 0);
    assert_eq!(
        codes(root, &["sub", "--isolated"]),
        (1, all.map(String::from).to_vec())
    );
    // `--config PATH` names the file.
    assert_eq!(
        codes(root, &["sub", "--config", "pristine.toml"]).1,
        [
            "sub/Dockerfile:2:1 DF001 [warning]",
            "sub/legacy/Dockerfile:2:1 DF001 [warning]"
        ]
    );
}

#[test]
fn per_file_ignores() {
    let tmp = two_findings_tree();
    fs::write(
        tmp.path().join("pyproject.toml"),
        "[tool.pristine.per-file-ignores]\n\"sub/legacy/*\" = [\"ALL\"]\n\"Dockerfile\" = [\"empty-continuation-line\"]\n",
    )
    .unwrap();
    assert_eq!(
        codes(tmp.path(), &["sub"]).1,
        ["sub/Dockerfile:2:1 DF001 [error]"]
    );
}

#[test]
fn suppressions_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("Dockerfile"),
        "# check=skip=NoEmptyContinuation\nFROM python:3.12-slim\n# pristine: ignore[DF001]\nFOO bar\nBAZ qux # pristine: ignore[invalid-syntax]\n# hadolint ignore=DL1000\nQUX x\nRUN a \\\n\n  b\nNOPE x\n",
    )
    .unwrap();
    assert_eq!(codes(tmp.path(), &[]).1, ["Dockerfile:11:1 DF001 [error]"]);
    fs::write(
        tmp.path().join("Dockerfile"),
        "FROM python:3.12-slim\n# pristine: ignore-file[DF001]\nNOPE x\n",
    )
    .unwrap();
    assert_eq!(codes(tmp.path(), &["--select", "DF"]), (0, vec![]));
}

#[test]
fn hadolint_pragma_on_a_corpus_file() {
    // nautobot's Dockerfile carries `# hadolint ignore=…` pragmas: they are read without
    // findings of their own, and pristine still checks the file.
    let file = corpus_dir().join("nautobot__nautobot/files/docker/Dockerfile");
    assert!(
        file.is_file(),
        "{} (set PRISTINE_CORPUS_DIR)",
        file.display()
    );
    let (code, stdout) = run_bytes(
        Path::new("."),
        &[
            "check",
            "--isolated",
            "--no-context",
            "--output-format",
            "json",
            file.to_str().unwrap(),
        ],
    );
    assert!(code == 0 || code == 1, "{code}");
    let findings: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    assert!(
        findings
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["code"] != "DF090"),
        "hadolint pragmas are never reported as unused"
    );
}

#[test]
fn statistics_on_the_corpus() {
    let corpus = corpus_dir();
    assert!(
        corpus.is_dir(),
        "{} (set PRISTINE_CORPUS_DIR)",
        corpus.display()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_pristine"))
        .args([
            "check",
            "--isolated",
            "--statistics",
            "--exit-zero",
            "--quiet",
        ])
        .arg(&corpus)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut total = 0;
    for line in stdout.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 3, "{line}");
        total += fields[0].trim().parse::<usize>().unwrap();
        assert!(Path::new(fields[1]).to_str().unwrap().len() == 5, "{line}");
        assert!(
            fields[2].starts_with("[*] ") || fields[2].starts_with("[ ] "),
            "{line}"
        );
    }
    assert!(total > 0, "no findings on the corpus:\n{stdout}");
}

#[test]
fn show_settings_config_and_completions() {
    let tmp = two_findings_tree();
    fs::write(
        tmp.path().join("pristine.toml"),
        "ignore = [\"DF002\"]\ntarget-platform = \"linux/arm64\"\n",
    )
    .unwrap();
    let out = run(tmp.path(), &["config"]);
    assert!(out.starts_with("exit: 0"), "{out}");
    assert!(out.contains("target-platform = \"linux/arm64\""), "{out}");
    assert!(
        out.contains("\"DF001\"") && !out.contains("\"DF002\""),
        "{out}"
    );
    let shown = run(tmp.path(), &["check", "--show-settings"]);
    assert_eq!(shown, out);
    insta::assert_snapshot!(run(tmp.path(), &["check", "--show-files"]), @r"
    exit: 0
    ----- stdout -----
    sub/Dockerfile
    sub/legacy/Dockerfile
    ----- stderr -----
    ");
    for shell in ["bash", "zsh", "fish"] {
        let out = run(tmp.path(), &["completions", shell]);
        assert!(
            out.starts_with("exit: 0") && out.contains("show-settings"),
            "{shell}"
        );
    }
}

/// Every path below `dir` (not following symlinks), relative and `/`-separated.
fn all_paths(dir: &Path, rel: &str, out: &mut Vec<String>) {
    let mut names: Vec<_> = fs::read_dir(dir.join(rel))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    for name in names {
        let path = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        out.push(path.clone());
        if fs::symlink_metadata(dir.join(&path)).unwrap().is_dir() {
            all_paths(dir, &path, out);
        }
    }
}

#[test]
fn why_agrees_with_list_for_every_path() {
    // `--why` decides from the path and its ancestors (and walks an excluded directory only
    // to see whether something below it is sent); `--list` walks everything. They must agree
    // on every path: sent files are listed, sent directories are listed as `dir/` or hold
    // listed paths.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for f in [
        "Dockerfile",
        "app/main.py",
        "app/cache/x.pyc",
        "drop/keep.md",
        "drop/sub/keep.md",
        "drop/sub/x.txt",
        "drop/only/x.txt",
        "gone/a/b.txt",
        "docs/a.md",
        "docs/b.txt",
        "x.pyc",
    ] {
        let p = root.join(f);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, "x").unwrap();
    }
    for d in ["empty", "drop/empty", "gone/empty", "app/empty"] {
        fs::create_dir_all(root.join(d)).unwrap();
    }
    std::os::unix::fs::symlink("app", root.join("link")).unwrap();
    std::os::unix::fs::symlink("nowhere", root.join("drop/dangling")).unwrap();
    let mut paths = Vec::new();
    all_paths(root, "", &mut paths);
    paths.extend(["missing".to_string(), "drop/missing".to_string()]);
    for ignore in [
        "",
        "drop\n!drop/**/keep.md\ngone\n**/*.pyc\n",
        "drop\n!drop/keep.md\n",
        "*\n!app\n",
        "**\n!**/\n",
        "drop/sub\n!drop/sub/keep.md\n",
        "docs\n!docs/*.md\nlink\n*/empty\n!gone/empty\n",
        "drop/*/\n!drop/only/x.txt\n",
    ] {
        fs::write(root.join(".dockerignore"), ignore).unwrap();
        let (code, listed) = run_bytes(root, &["context", "--list"]);
        assert_eq!(code, 0, "{ignore:?}");
        let listed = String::from_utf8(listed).unwrap();
        let listed: Vec<&str> = listed.lines().collect();
        for path in &paths {
            let in_list = listed.iter().any(|l| {
                *l == path.as_str()
                    || l.strip_prefix(path.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            });
            let (code, json) =
                run_bytes(root, &["context", "--why", path, "--output-format", "json"]);
            assert_eq!(code, 0, "{ignore:?} {path}");
            let why: serde_json::Value = serde_json::from_slice(&json).unwrap();
            let exists = fs::symlink_metadata(root.join(path)).is_ok();
            assert_eq!(why["exists"], exists, "{ignore:?} {path}");
            assert_eq!(why["sent"], in_list, "{ignore:?} {path}: {why}");
        }
    }
}

#[test]
fn why_says_when_a_path_cannot_be_checked() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::process::CommandExt;
    // A path that exists but cannot be looked up: `--why` says so, with the OS error, instead
    // of "does not exist". First a name over PATH_MAX (4 096): std cannot create it by path,
    // so python3 descends with dir_fd (as adversarial.rs does).
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let status = Command::new("python3")
        .arg("-c")
        .arg(
            "import os\nfd = os.open('.', os.O_RDONLY)\nfor _ in range(2100):\n    \
             os.mkdir('d', dir_fd=fd)\n    n = os.open('d', os.O_RDONLY, dir_fd=fd)\n    \
             os.close(fd)\n    fd = n\n",
        )
        .current_dir(root)
        .status()
        .expect("python3");
    assert!(status.success());
    let deep = "d/".repeat(2100);
    let out = run(root, &["context", "--why", &deep]);
    assert!(
        out.contains("could not be checked in the context directory (File name too long (os error 36)); if it exists, it would be sent: there is no ignore file"),
        "{out}"
    );
    // A path under a directory this process cannot search (as root: run as `nobody`).
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::create_dir(root.join("locked")).unwrap();
    fs::write(root.join("locked/inside.py"), "x").unwrap();
    fs::set_permissions(root, fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pristine"));
    cmd.args(["context", "--why", "locked/inside.py"])
        .current_dir(root);
    if fs::metadata("/proc/self").unwrap().uid() == 0 {
        cmd.uid(65534).gid(65534);
    }
    let out = cmd.output().expect("run pristine");
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "`locked/inside.py` could not be checked in the context directory (Permission denied (os error 13)); if it exists, it would be sent: there is no ignore file\n",
        "{out:?}"
    );
}

#[test]
fn special_files_and_a_fifo_ignore_file_are_worded_for_what_is_there() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::write(root.join("Dockerfile"), "FROM scratch\nCOPY . /\n").unwrap();
    for fifo in ["fifo", ".dockerignore"] {
        let status = Command::new("mkfifo")
            .arg(root.join(fifo))
            .status()
            .unwrap();
        assert!(status.success());
    }
    // `.dockerignore` is a FIFO: BuildKit reads no patterns from it; DI002 says what it is
    // instead of "there is no `.dockerignore`".
    let out = run(root, &["check", "--output-format", "full"]);
    assert!(
        out.contains(
            "warning[DI002]: `.dockerignore` is a named pipe, not a regular file, so BuildKit reads no patterns from it: all of `./` (1 file, 22 B) is sent to the builder"
        ),
        "{out}"
    );
    assert!(
        out.contains("help: replace `.dockerignore` (a named pipe) with a regular file"),
        "{out}"
    );
    assert!(
        out.contains("help: replace `.dockerignore` with a regular file\n"),
        "{out}"
    );
    // No ignore file: CX002 says to create one (was "Add `fifo` to no ignore file").
    assert!(
        out.contains("help: create a `.dockerignore` with `fifo`\n"),
        "{out}"
    );
    fs::remove_file(root.join(".dockerignore")).unwrap();
    let out = run(root, &["check", "--output-format", "full"]);
    assert!(
        out.contains("warning[DI002]: there is no `.dockerignore`: all of `./` (1 file, 22 B)"),
        "{out}"
    );
    fs::write(root.join(".dockerignore"), "x\n").unwrap();
    let out = run(root, &["check", "--output-format", "full"]);
    assert!(
        out.contains("help: add `fifo` to `.dockerignore`\n"),
        "{out}"
    );
    // The summary counts in the right number.
    let out = run(root, &["context"]);
    assert!(
        out.contains("Ignore file:   .dockerignore (1 pattern)\n"),
        "{out}"
    );
    assert!(
        out.contains("Sent:          2 files, 24 B (3 entries)\n"),
        "{out}"
    );
    fs::write(root.join(".dockerignore"), "fifo\nDockerfile\n").unwrap();
    let out = run(root, &["context"]);
    assert!(
        out.contains("Sent:          1 file, 16 B (1 entry)\n"),
        "{out}"
    );
    assert!(out.contains(" 1 file   line 2: `Dockerfile`\n"), "{out}");
}
