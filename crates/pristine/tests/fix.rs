//! `pristine check --fix / --unsafe-fixes / --diff` on projects in temporary directories:
//! what is written (byte for byte), what is not, exit codes and messages.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

mod common;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The run for a snapshot, with the project directory replaced by `[PROJECT]`.
    fn render(&self, dir: &Path) -> String {
        let text = format!(
            "exit: {}\n----- stdout -----\n{}----- stderr -----\n{}",
            self.code, self.stdout, self.stderr
        );
        let root = fs::canonicalize(dir).unwrap();
        text.replace(root.to_str().unwrap(), "[PROJECT]")
            .replace(dir.to_str().unwrap(), "[PROJECT]")
    }
}

/// `pristine check --isolated ARGS` in `dir`, concise output.
fn check(dir: &Path, args: &[&str]) -> Run {
    let out = common::check_in(dir, args);
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A project with `files` (path → bytes); parent directories are created.
fn project(files: &[(&str, &[u8])]) -> TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for (path, bytes) in files {
        let full = tmp.path().join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, bytes).unwrap();
    }
    tmp
}

/// A host virtualenv as `python -m venv` leaves it: `pyvenv.cfg`, `bin/python`, site-packages.
fn add_venv(root: &Path, name: &str) {
    let venv = root.join(name);
    fs::create_dir_all(venv.join("bin")).unwrap();
    fs::create_dir_all(venv.join("lib/python3.11/site-packages/requests")).unwrap();
    fs::write(
        venv.join("pyvenv.cfg"),
        "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("/usr/bin/python3", venv.join("bin/python")).unwrap();
    fs::write(
        venv.join("lib/python3.11/site-packages/requests/__init__.py"),
        "__version__ = '2.32.3'\n",
    )
    .unwrap();
}

/// Every file below `root` (symlinks as their target text) with its bytes.
fn tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let md = fs::symlink_metadata(&path).unwrap();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            if md.is_symlink() {
                let target = fs::read_link(&path).unwrap();
                out.insert(rel, target.to_string_lossy().as_bytes().to_vec());
            } else if md.is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn read(dir: &Path, path: &str) -> String {
    fs::read_to_string(dir.join(path)).unwrap()
}

const APP: &[u8] = b"print('hello')\n";
const PYC: &[u8] = b"\x6f\x0d\x0d\x0a\0\0\0\0";

/// The Dockerfile of a project that copies its whole directory.
const COPY_ALL: &[u8] = b"FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY . .
USER 10001
CMD [\"python\", \"app.py\"]
";

#[test]
fn fix_creates_dockerignore_for_venv_and_bytecode() {
    let tmp = project(&[
        ("Dockerfile", COPY_ALL),
        ("app.py", APP),
        ("__pycache__/app.cpython-311.pyc", PYC),
        ("pkg/__pycache__/mod.cpython-311.pyc", PYC),
        ("pkg/mod.py", APP),
    ]);
    add_venv(tmp.path(), ".venv");
    let run = check(tmp.path(), &["--fix"]);
    insta::assert_snapshot!(run.render(tmp.path()));
    insta::assert_snapshot!(read(tmp.path(), ".dockerignore"), @r"
    # added by pristine
    .venv
    **/__pycache__
    ");
    assert_eq!(read(tmp.path(), "Dockerfile").as_bytes(), COPY_ALL);
    let again = check(tmp.path(), &[]);
    assert_eq!(again.code, 0, "{}", again.render(tmp.path()));
}

#[test]
fn fix_extends_an_existing_dockerignore_keeping_the_users_lines() {
    let ignore = "# mine\n*.log\n\n!keep.log\n";
    let tmp = project(&[
        ("Dockerfile", COPY_ALL),
        ("app.py", APP),
        (".dockerignore", ignore.as_bytes()),
        ("keep.log", b"kept\n"),
        ("__pycache__/app.cpython-311.pyc", PYC),
    ]);
    add_venv(tmp.path(), "venv-3.11");
    let run = check(tmp.path(), &["--fix"]);
    assert_eq!(run.code, 0, "{}", run.render(tmp.path()));
    let fixed = read(tmp.path(), ".dockerignore");
    assert!(fixed.starts_with(ignore), "{fixed}");
    insta::assert_snapshot!(fixed, @r"
    # mine
    *.log

    !keep.log
    # added by pristine
    venv-3.11
    **/__pycache__
    ");
}

#[test]
fn diff_prints_a_unified_diff_and_writes_nothing() {
    let tmp = project(&[
        (
            "Dockerfile",
            b"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nUSER 10001\nCMD python app.py\n",
        ),
        ("app.py", APP),
        ("__pycache__/app.cpython-311.pyc", PYC),
    ]);
    add_venv(tmp.path(), ".venv");
    let before = tree(tmp.path());
    let run = check(tmp.path(), &["--diff"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.render(tmp.path()));
    assert_eq!(tree(tmp.path()), before, "--diff wrote something");
    // Nothing to fix: no diff, exit 0.
    let clean = project(&[("Dockerfile", COPY_ALL), ("app.py", APP)]);
    let run = check(clean.path(), &["--diff", "--select", "DF008"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
}

const REQUIREMENTS_AFTER_SOURCE: &[u8] = b"FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
USER 10001
CMD [\"python\", \"app.py\"]
";

#[test]
fn unsafe_fixes_move_the_requirements_install_before_the_sources() {
    let files: &[(&str, &[u8])] = &[
        ("Dockerfile", REQUIREMENTS_AFTER_SOURCE),
        ("app.py", APP),
        ("requirements.txt", b"flask==3.0.3\n"),
        (".dockerignore", b".git\n"),
    ];
    // `--fix` alone does not reorder.
    let tmp = project(files);
    let run = check(tmp.path(), &["--fix"]);
    assert_eq!(run.code, 1, "{}", run.render(tmp.path()));
    assert!(run.stdout.contains("PY001"), "{}", run.stdout);
    assert_eq!(
        read(tmp.path(), "Dockerfile").as_bytes(),
        REQUIREMENTS_AFTER_SOURCE
    );

    let run = check(tmp.path(), &["--fix", "--unsafe-fixes"]);
    insta::assert_snapshot!(run.render(tmp.path()));
    insta::assert_snapshot!(read(tmp.path(), "Dockerfile"), @r#"
    FROM python:3.12-slim
    ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
    WORKDIR /app
    COPY requirements.txt ./
    RUN pip install --no-cache-dir -r requirements.txt
    COPY . .
    USER 10001
    CMD ["python", "app.py"]
    "#);
}

#[test]
fn crlf_bom_and_backtick_escape_are_kept_byte_for_byte() {
    let source = "\u{feff}# escape=`\r\n\
                  FROM python:3.12-slim\r\n\
                  WORKDIR /app\r\n\
                  COPY . .\r\n\
                  RUN pip install --no-cache-dir `\r\n    \
                  -r requirements.txt\r\n\
                  USER 10001\r\n\
                  CMD python app.py\r\n";
    let tmp = project(&[
        ("Dockerfile", source.as_bytes()),
        ("app.py", APP),
        ("requirements.txt", b"flask==3.0.3\n"),
        (".dockerignore", b".git\r\n"),
    ]);
    add_venv(tmp.path(), ".venv");
    let run = check(tmp.path(), &["--fix", "--unsafe-fixes"]);
    assert_eq!(run.code, 0, "{}", run.render(tmp.path()));
    let fixed = fs::read(tmp.path().join("Dockerfile")).unwrap();
    let expected = "\u{feff}# escape=`\r\n\
                    FROM python:3.12-slim\r\n\
                    ENV PYTHONDONTWRITEBYTECODE=1\r\n\
                    ENV PYTHONUNBUFFERED=1\r\n\
                    WORKDIR /app\r\n\
                    COPY requirements.txt ./\r\n\
                    RUN pip install --no-cache-dir `\r\n    \
                    -r requirements.txt\r\n\
                    COPY . .\r\n\
                    USER 10001\r\n\
                    CMD [\"python\", \"app.py\"]\r\n";
    assert_eq!(String::from_utf8(fixed).unwrap(), expected);
    assert_eq!(
        read(tmp.path(), ".dockerignore"),
        ".git\r\n# added by pristine\r\n.venv\r\n"
    );
}

#[test]
fn read_only_dockerfile_is_an_error_and_stays_unchanged() {
    let source: &[u8] =
        b"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nUSER 10001\nCMD python app.py\n";
    let tmp = project(&[("Dockerfile", source), ("app.py", APP)]);
    add_venv(tmp.path(), ".venv");
    let dockerfile = tmp.path().join("Dockerfile");
    fs::set_permissions(&dockerfile, fs::Permissions::from_mode(0o444)).unwrap();
    let run = check(tmp.path(), &["--fix"]);
    assert_eq!(run.code, 2, "{}", run.render(tmp.path()));
    assert_eq!(fs::read(&dockerfile).unwrap(), source);
    assert_eq!(
        fs::metadata(&dockerfile).unwrap().permissions().mode() & 0o777,
        0o444
    );
    // The ignore file was writable: its fix (the venv) counts; the Dockerfile's do not.
    assert_eq!(
        read(tmp.path(), ".dockerignore"),
        "# added by pristine\n.venv\n"
    );
    insta::assert_snapshot!(run.render(tmp.path()));
}

#[test]
fn dockerfile_with_syntax_errors_is_not_fixed() {
    let source: &[u8] =
        b"FROM python:3.12-slim\nENV PYTHONUNBUFFERED\nCOPY . .\nCMD python app.py\n";
    let tmp = project(&[("Dockerfile", source), ("app.py", APP)]);
    add_venv(tmp.path(), ".venv");
    let before = tree(tmp.path());
    let run = check(tmp.path(), &["--fix", "--unsafe-fixes"]);
    assert_eq!(run.code, 2, "{}", run.render(tmp.path()));
    assert!(
        run.stderr.contains("has syntax errors (DF001)"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(tmp.path()), before, "a file was written");
    let run = check(tmp.path(), &["--diff"]);
    assert_eq!((run.code, run.stdout.as_str()), (2, ""));
}

#[test]
fn the_dockerfiles_own_ignore_file_is_the_one_fixed() {
    let shared = "*.md\n";
    let own = "**/*.log\n";
    let tmp = project(&[
        ("app.Dockerfile", COPY_ALL),
        ("app.Dockerfile.dockerignore", own.as_bytes()),
        (".dockerignore", shared.as_bytes()),
        ("app.py", APP),
        ("__pycache__/app.cpython-311.pyc", PYC),
    ]);
    add_venv(tmp.path(), ".venv");
    let run = check(tmp.path(), &["--fix", "-f", "app.Dockerfile"]);
    assert_eq!(run.code, 0, "{}", run.render(tmp.path()));
    assert!(
        run.stderr.contains("Fixed 2 errors"),
        "{}",
        run.render(tmp.path())
    );
    assert_eq!(read(tmp.path(), ".dockerignore"), shared);
    assert_eq!(
        read(tmp.path(), "app.Dockerfile.dockerignore"),
        "**/*.log\n# added by pristine\n.venv\n**/__pycache__\n"
    );
}

#[test]
fn fixing_twice_is_fixing_once() {
    let tmp = project(&[
        (
            "Dockerfile",
            b"FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD python app.py\n",
        ),
        ("app.py", APP),
        ("requirements.txt", b"flask==3.0.3\n"),
        (".env", b"SECRET=1\n"),
        (".env.example", b"SECRET=\n"),
        (".dockerignore", b"__pycache__ # bytecode\n"),
        ("__pycache__/app.cpython-311.pyc", PYC),
        (".git/HEAD", b"ref: refs/heads/main\n"),
    ]);
    add_venv(tmp.path(), ".venv");
    let first = check(tmp.path(), &["--fix", "--unsafe-fixes"]);
    assert_ne!(first.code, 2, "{}", first.render(tmp.path()));
    let once = tree(tmp.path());
    insta::assert_snapshot!("fixing_twice_dockerfile", read(tmp.path(), "Dockerfile"));
    insta::assert_snapshot!(
        "fixing_twice_dockerignore",
        read(tmp.path(), ".dockerignore")
    );
    let second = check(tmp.path(), &["--fix", "--unsafe-fixes"]);
    assert_eq!(tree(tmp.path()), once, "the second --fix changed files");
    assert!(
        second.stderr.contains("Fixed 0 errors"),
        "{}",
        second.render(tmp.path())
    );
    let diff = check(tmp.path(), &["--diff", "--unsafe-fixes"]);
    assert_eq!((diff.code, diff.stdout.as_str()), (0, ""));
}
