//! `pristine image` against real images built by a real Docker engine: the seed image (the
//! macOS `cryptography` wheel in a copied `.venv`), an aarch64 and a musllinux wheel in the
//! amd64/glibc `pristine-test/python:3.11-slim`, and a clean image. Each image is read by name
//! through the engine's socket and from `docker save` output, and every predicted import error
//! is compared with what `docker run … python -c "import …"` prints.
//!
//! Run by `scripts/test-docker` (after `scripts/build-binary-fixtures` and
//! `scripts/build-python-image`, with `PRISTINE_BINARY_FIXTURES` and `DOCKER_HOST` set).
#![allow(clippy::print_stderr)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BASE: &str = "pristine-test/python:3.11-slim";
const SITE: &str = "/app/.venv/lib/python3.11/site-packages";

fn fixtures() -> PathBuf {
    let dir = std::env::var_os("PRISTINE_BINARY_FIXTURES")
        .map(PathBuf::from)
        .expect(
            "PRISTINE_BINARY_FIXTURES must point at the output of scripts/build-binary-fixtures",
        );
    assert!(
        dir.join("wheels").is_dir(),
        "{} has no wheels/",
        dir.display()
    );
    dir
}

fn docker() -> Command {
    Command::new(std::env::var_os("PRISTINE_DOCKER").unwrap_or_else(|| "docker".into()))
}

fn pristine() -> Command {
    Command::new(std::env::var_os("PRISTINE_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_pristine")),
        PathBuf::from,
    ))
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Builds `tag` from a context holding a host-made `.venv` with the unzipped wheel `wheel`
/// (none if empty) and the Dockerfile lines `extra` after `COPY . .`.
fn build(tag: &str, wheel: &str, extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join(".venv/lib/python3.11/site-packages");
    fs::create_dir_all(&site).unwrap();
    if !wheel.is_empty() {
        copy_tree(&fixtures().join("wheels").join(wheel), &site);
        fs::write(
            dir.path().join(".venv/pyvenv.cfg"),
            "home = /opt/homebrew/opt/python@3.11/bin\ninclude-system-site-packages = false\nversion = 3.11.9\n",
        )
        .unwrap();
    }
    fs::create_dir_all(dir.path().join("app")).unwrap();
    fs::write(dir.path().join("app/main.py"), "print('hello')\n").unwrap();
    let copy = if wheel.is_empty() {
        "COPY app/ /app/"
    } else {
        "COPY . ."
    };
    fs::write(
        dir.path().join("Dockerfile"),
        format!("FROM {BASE}\nWORKDIR /app\n{copy}\n{extra}\nCMD [\"python\", \"main.py\"]\n"),
    )
    .unwrap();
    let out = docker()
        .args(["build", "-q", "--network=none", "-t", tag])
        .arg(dir.path())
        .output()
        .expect("docker build");
    assert!(
        out.status.success(),
        "docker build {tag}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// `pristine image ARG --output-format json`: the findings.
fn audit(arg: &str) -> (Output, Vec<serde_json::Value>) {
    let out = pristine()
        .args(["image", arg, "--output-format", "json"])
        .output()
        .expect("pristine image");
    let findings: Vec<serde_json::Value> =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "pristine image {arg}: {e}\nstdout: {}\nstderr: {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
    (out, findings)
}

fn codes(findings: &[serde_json::Value]) -> Vec<String> {
    findings
        .iter()
        .map(|f| f["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The message of the finding of `code` about a path ending in `subject`.
fn message<'a>(findings: &'a [serde_json::Value], code: &str, subject: &str) -> &'a str {
    findings
        .iter()
        .find(|f| f["code"] == code && f.to_string().contains(subject))
        .and_then(|f| f["message"].as_str())
        .unwrap_or_else(|| panic!("no {code} about `{subject}` in {findings:#?}"))
}

/// The predicted error line: the backticked text after "fails with".
fn predicted(message: &str) -> String {
    let after = message
        .split("fails with `")
        .nth(1)
        .unwrap_or_else(|| panic!("no prediction in `{message}`"));
    after.split('`').next().unwrap_or_default().to_owned()
}

/// What `python -c "import MODULE"` prints last, with the venv's site-packages on the path.
fn run_import(tag: &str, module: &str) -> String {
    let out = docker()
        .args(["run", "--rm", "--network=none", tag, "python", "-c"])
        .arg(format!(
            "import sys; sys.path.insert(0, '{SITE}'); import {module}"
        ))
        .output()
        .expect("docker run");
    assert!(
        !out.status.success(),
        "`import {module}` succeeded in {tag}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("[{tag}] docker run import {module}:\n{}", stderr.trim_end());
    stderr
        .trim_end()
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned()
}

/// Checks an image by name (socket) and from `docker save`; both must agree, and the
/// prediction for `module` must be what Python prints.
fn check_both(tag: &str, code: &str, subject: &str, module: &str) -> Vec<serde_json::Value> {
    let (by_name, findings) = audit(tag);
    assert_eq!(by_name.status.code(), Some(1), "{tag}: exit code");
    let tmp = tempfile::tempdir().unwrap();
    let tar = tmp.path().join("image.tar");
    let save = docker()
        .args(["save", "-o"])
        .arg(&tar)
        .arg(tag)
        .output()
        .expect("docker save");
    assert!(
        save.status.success(),
        "{}",
        String::from_utf8_lossy(&save.stderr)
    );
    let (_, from_tar) = audit(tar.to_str().unwrap());
    assert_eq!(
        codes(&findings),
        codes(&from_tar),
        "{tag}: socket vs docker save"
    );
    let msg = message(&findings, code, subject);
    assert_eq!(msg, message(&from_tar, code, subject));
    eprintln!("[{tag}] {code}: {msg}");
    let expected = predicted(msg);
    let actual = run_import(tag, module);
    assert_eq!(expected, actual, "{tag}: prediction vs docker run");
    findings
}

fn rmi(tag: &str) {
    let _ = docker().args(["rmi", "-f", tag]).output();
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn seed_macos_cryptography_is_flagged_with_the_exact_import_error() {
    let tag = "pristine-test/image-macos:latest";
    let _ctx = build(tag, "macos-arm64", "");
    let findings = check_both(
        tag,
        "IM001",
        "_rust.abi3.so",
        "cryptography.hazmat.bindings._rust",
    );
    let msg = message(&findings, "IM001", "_rust.abi3.so");
    assert!(msg.contains(&format!(
        "ImportError: {SITE}/cryptography/hazmat/bindings/_rust.abi3.so: invalid ELF header"
    )));
    assert!(msg.contains("COPY . ."), "{msg}");
    let found = codes(&findings);
    assert!(
        found.contains(&"IM003".to_owned()),
        "macOS wheel tag: {found:?}"
    );
    assert!(found.contains(&"IM004".to_owned()), "host venv: {found:?}");
    rmi(tag);
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn aarch64_wheel_in_amd64_image_is_flagged() {
    let tag = "pristine-test/image-aarch64:latest";
    let _ctx = build(tag, "manylinux-aarch64", "");
    let findings = check_both(
        tag,
        "IM001",
        "_speedups.cpython-311-aarch64-linux-gnu.so",
        "markupsafe._speedups",
    );
    let wheel = message(&findings, "IM003", "markupsafe");
    assert!(wheel.contains("aarch64, the image is x86_64"), "{wheel}");
    rmi(tag);
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn musllinux_wheel_in_glibc_image_is_flagged() {
    let tag = "pristine-test/image-musl:latest";
    let _ctx = build(tag, "musllinux-x86_64", "");
    let findings = check_both(
        tag,
        "IM001",
        "_speedups.cpython-311-x86_64-linux-musl.so",
        "markupsafe._speedups",
    );
    let wheel = message(&findings, "IM003", "markupsafe");
    assert!(
        wheel.contains("musl (musllinux), the image has glibc"),
        "{wheel}"
    );
    rmi(tag);
}

/// A musl `.so` that Python does try (a plain `.so` suffix): glibc's own message.
#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn musl_extension_with_a_plain_suffix_predicts_the_loader_message() {
    let tag = "pristine-test/image-musl-so:latest";
    let fx = fixtures();
    let ctx = tempfile::tempdir().unwrap();
    let site = ctx.path().join(".venv/lib/python3.11/site-packages");
    fs::create_dir_all(&site).unwrap();
    fs::copy(fx.join("elf/x86_64-musl.so"), site.join("fixture.so")).unwrap();
    fs::write(
        ctx.path().join("Dockerfile"),
        format!("FROM {BASE}\nWORKDIR /app\nCOPY . .\n"),
    )
    .unwrap();
    let out = docker()
        .args(["build", "-q", "--network=none", "-t", tag])
        .arg(ctx.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    check_both(tag, "IM001", "fixture.so", "fixture");
    rmi(tag);
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn clean_image_has_no_error() {
    let tag = "pristine-test/image-clean:latest";
    let _ctx = build(
        tag,
        "",
        "RUN python -m venv --without-pip /opt/venv && useradd --create-home app\nRUN true\nUSER app",
    );
    let (out, findings) = audit(tag);
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_ne!(out.status.code(), Some(2));
    let run = docker()
        .args([
            "run",
            "--rm",
            "--network=none",
            tag,
            "/opt/venv/bin/python",
            "-c",
            "import json",
        ])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // The human summary names the layers with their instructions.
    let text = pristine().args(["image", tag]).output().unwrap();
    let stdout = String::from_utf8_lossy(&text.stdout);
    eprintln!("{stdout}");
    assert!(stdout.contains("linux/amd64"), "{stdout}");
    assert!(stdout.contains("RUN python -m venv"), "{stdout}");
    assert!(stdout.contains("glibc 2.36"), "{stdout}");
    rmi(tag);
}
