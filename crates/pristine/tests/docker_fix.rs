//! `pristine check --fix` end to end with a real Docker engine.
//!
//! - The seed project (a host `.venv` holding the macOS arm64 `cryptography` wheel, `COPY . .`
//!   into a local `python:3.11-slim` stand-in): the build's `docker run` fails with the loader's
//!   `invalid ELF header`; after `pristine check --fix` the `.dockerignore` excludes the venv, the
//!   rebuilt image has no `/app/.venv` and the app fails only because `cryptography` is not
//!   installed (`ModuleNotFoundError`), never with the ELF error.
//! - A pip project (`COPY . .` then `pip install -r requirements.txt`): `--fix --unsafe-fixes`
//!   moves the requirements `COPY` + install before `COPY . .` (PY001) and adds a non-root
//!   `USER`; the result builds and runs, and after a source-only change the second build reuses
//!   the install layer (`CACHED` in BuildKit's plain progress), which the unfixed Dockerfile
//!   does not.
//!
//! Run by `scripts/test-docker` (fixtures from `scripts/build-binary-fixtures`, exported as
//! `PRISTINE_BINARY_FIXTURES`; base image `pristine-test/python:3.11-slim` from
//! `scripts/build-python-image`). The engine has no network: the requirements name no package
//! (pip still reads the file and runs), and every build uses `--network=none`.
#![allow(clippy::print_stderr)]

use std::fs;
use std::path::Path;
use std::process::Output;

mod common;

use common::{BASE_IMAGE as IMAGE, Images, copy_tree, docker, fixtures, step_cached};

const SITE: &str = ".venv/lib/python3.11/site-packages";

fn pristine(dir: &Path, args: &[&str]) -> Output {
    common::check_in(dir, args)
}

/// `docker build --progress=plain --network=none`; see [`common::build_replacing`].
fn build(dir: &Path, tag: &str) -> String {
    common::build_replacing(dir, tag, "none")
}

fn run(tag: &str, cmd: &[&str]) -> Output {
    docker()
        .args(["run", "--rm", "--network=none", tag])
        .args(cmd)
        .output()
        .expect("docker run")
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn seed_fix_excludes_the_venv_and_the_elf_error_is_gone() {
    let fx = fixtures("wheels/macos-arm64");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    copy_tree(&fx.join("wheels/macos-arm64"), &dir.join(SITE));
    fs::write(
        dir.join(".venv/pyvenv.cfg"),
        "home = /opt/homebrew/opt/python@3.11/bin\ninclude-system-site-packages = false\nversion = 3.11.9\n",
    )
    .unwrap();
    fs::create_dir_all(dir.join("app")).unwrap();
    fs::write(dir.join("app/main.py"), "print('hello')\n").unwrap();
    // The app imports the native module from where the host venv put it, as the seed does.
    let cmd = serde_json::to_string(&format!(
        "import sys; sys.path.insert(0, '/app/{SITE}'); import cryptography.hazmat.bindings._rust"
    ))
    .unwrap();
    fs::write(
        dir.join("Dockerfile"),
        format!("FROM {IMAGE}\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"-c\", {cmd}]\n"),
    )
    .unwrap();
    let before = "pristine-test/fix-seed-before:latest";
    let after = "pristine-test/fix-seed-after:latest";
    let _images = Images(vec![before.into(), after.into()]);

    build(dir, before);
    let out = run(before, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!(
        "before the fix: docker run exit {:?}\n{stderr}",
        out.status.code()
    );
    assert!(
        !out.status.success() && stderr.contains("invalid ELF header"),
        "the unfixed seed must fail with the ELF error:\n{stderr}"
    );

    let fix = pristine(dir, &["--fix"]);
    assert_ne!(fix.status.code(), Some(2), "pristine check --fix failed");
    let ignore = fs::read_to_string(dir.join(".dockerignore")).expect(".dockerignore written");
    eprintln!(".dockerignore:\n{ignore}");
    assert!(
        ignore.lines().any(|l| l.trim() == ".venv"),
        ".dockerignore does not exclude .venv:\n{ignore}"
    );
    let check = pristine(dir, &[]);
    let found = String::from_utf8_lossy(&check.stdout);
    assert!(
        !found.contains("CX004") && !found.contains("CX005"),
        "the venv is still reported:\n{found}"
    );

    build(dir, after);
    let probe = run(
        after,
        &[
            "python",
            "-c",
            "import os, sys; sys.exit(1 if os.path.exists('/app/.venv') else 0)",
        ],
    );
    assert!(
        probe.status.success(),
        "the fixed image still contains /app/.venv"
    );
    let main = run(after, &["python", "app/main.py"]);
    assert_eq!(String::from_utf8_lossy(&main.stdout), "hello\n");
    let out = run(after, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!(
        "after the fix: docker run exit {:?}\n{stderr}",
        out.status.code()
    );
    assert!(
        !stderr.contains("invalid ELF header"),
        "the ELF error is still there:\n{stderr}"
    );
    // The app now fails only for the dependency it never installed.
    assert!(
        stderr.contains("ModuleNotFoundError: No module named 'cryptography'"),
        "{stderr}"
    );
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn pip_reorder_fix_builds_and_caches_the_install_layer() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let dockerfile = format!(
        "FROM {IMAGE}\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD [\"python\", \"app.py\"]\n"
    );
    fs::write(dir.join("Dockerfile"), &dockerfile).unwrap();
    // BuildKit's cache is content-addressed and outlives the images: a token unique to this
    // run keeps an earlier run's layers from being reused.
    let token = common::run_token();
    let app = |version: &str| format!("print('{version}')  # {token}\n");
    fs::write(
        dir.join("requirements.txt"),
        format!("# the app has no third-party dependencies ({token})\n"),
    )
    .unwrap();
    fs::write(dir.join("app.py"), app("v1")).unwrap();
    fs::write(dir.join(".dockerignore"), ".git\n").unwrap();
    let unfixed = "pristine-test/fix-pip-before:latest";
    let fixed = "pristine-test/fix-pip-after:latest";
    let _images = Images(vec![unfixed.into(), fixed.into()]);
    let install = "pip install --no-cache-dir -r requirements.txt";

    // Unfixed: a source change re-runs the install.
    build(dir, unfixed);
    fs::write(dir.join("app.py"), app("v2")).unwrap();
    let log = build(dir, unfixed);
    assert!(
        !step_cached(&log, install),
        "the unfixed Dockerfile reused the install layer after a source change:\n{log}"
    );

    let fix = pristine(dir, &["--fix", "--unsafe-fixes"]);
    assert_ne!(fix.status.code(), Some(2), "pristine check --fix failed");
    let text = fs::read_to_string(dir.join("Dockerfile")).unwrap();
    eprintln!("fixed Dockerfile:\n{text}");
    let pos = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("`{needle}` not in the fixed Dockerfile:\n{text}"))
    };
    assert!(pos("COPY requirements.txt ./") < pos(install));
    assert!(pos(install) < pos("COPY . ."));

    build(dir, fixed);
    let out = run(fixed, &[]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "v2\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fs::write(dir.join("app.py"), app("v3")).unwrap();
    let log = build(dir, fixed);
    eprintln!("second build of the fixed Dockerfile:\n{log}");
    assert!(
        step_cached(&log, install),
        "the install step was not CACHED after a source-only change:\n{log}"
    );
    assert!(
        !step_cached(&log, "COPY . ."),
        "the source COPY cannot be cached after a source change:\n{log}"
    );
    let out = run(fixed, &[]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "v3\n");
}
