//! Helpers shared by the command-line suites (`init.rs`, `fix.rs` and the real-Docker suites
//! `docker_seed.rs`, `docker_image.rs`, `docker_fix.rs`, `docker_fix_layering.rs`,
//! `docker_context.rs`, `docker_init.rs`): the binary under test, the
//! docker CLI, the native binary fixtures of `scripts/build-binary-fixtures`, the local base
//! image of `scripts/build-python-image`, and the image clean-up and `CACHED` check of the
//! builds. Each suite is its own test binary and uses a part of this.
#![allow(dead_code, reason = "each test binary uses a part of the helpers")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The local `python:3.11-slim` stand-in (Debian bookworm, Python 3.11, glibc 2.36) made by
/// `scripts/build-python-image`.
pub(crate) const BASE_IMAGE: &str = "pristine-test/python:3.11-slim";

/// The binary under test: `PRISTINE_BIN`, else the one cargo built for these tests.
pub(crate) fn pristine_bin() -> PathBuf {
    std::env::var_os("PRISTINE_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_pristine")),
        PathBuf::from,
    )
}

pub(crate) fn pristine() -> Command {
    Command::new(pristine_bin())
}

/// The docker CLI: `PRISTINE_DOCKER`, else `docker` on the `PATH` (talking to `DOCKER_HOST`).
pub(crate) fn docker() -> Command {
    Command::new(std::env::var_os("PRISTINE_DOCKER").unwrap_or_else(|| "docker".into()))
}

/// The output of `scripts/build-binary-fixtures` (`PRISTINE_BINARY_FIXTURES`), which must hold
/// `required` (what the suite reads first).
pub(crate) fn fixtures(required: &str) -> PathBuf {
    let dir = std::env::var_os("PRISTINE_BINARY_FIXTURES")
        .map(PathBuf::from)
        .expect(
            "PRISTINE_BINARY_FIXTURES must point at the output of scripts/build-binary-fixtures",
        );
    assert!(
        dir.join(required).exists(),
        "{} has no {required} (scripts/build-binary-fixtures)",
        dir.display()
    );
    dir
}

/// Copies the directory `from` to `to`: files, directories, and symlinks as the links they are
/// (a fixture venv's `bin/python` and `lib64`).
pub(crate) fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(entry.path()).unwrap(), &target).unwrap();
        } else if kind.is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A token unique to this run: BuildKit's cache is content-addressed and outlives the images,
/// so a test's files carry it to keep an earlier run's layers from being reused.
pub(crate) fn run_token() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    )
}

/// A finished command's stdout followed by its stderr, as text.
pub(crate) fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Removes a test's images when it ends, passed or not.
pub(crate) struct Images(pub(crate) Vec<String>);

impl Drop for Images {
    fn drop(&mut self) {
        for tag in &self.0 {
            let _ = docker().args(["rmi", "-f", tag]).output();
        }
    }
}

/// The image id `tag` names, if it exists (a rebuild under the same tag leaves the previous
/// id dangling: the suites remove it).
pub(crate) fn image_id(tag: &str) -> Option<String> {
    let out = docker()
        .args(["image", "inspect", "--format", "{{.Id}}", tag])
        .output()
        .ok()?;
    let id = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    (out.status.success() && !id.is_empty()).then_some(id)
}

/// BuildKit's plain progress: whether the step whose line contains `needle` was `CACHED`.
pub(crate) fn step_cached(log: &str, needle: &str) -> bool {
    let step = log
        .lines()
        .find(|l| l.starts_with('#') && l.contains(needle))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("no step `{needle}` in the build output:\n{log}"));
    log.lines().any(|l| l == format!("{step} CACHED"))
}

/// `pristine check --isolated --output-format concise ARGS` in `dir`, its output echoed to
/// stderr for the test log.
#[allow(clippy::print_stderr, reason = "the test log")]
pub(crate) fn check_in(dir: &Path, args: &[&str]) -> Output {
    let out = pristine()
        .arg("check")
        .arg("--isolated")
        .args(["--output-format", "concise"])
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        // The tests read the concise format: a format chosen in the environment must not win.
        .env_remove("PRISTINE_OUTPUT_FORMAT")
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", pristine_bin().display()));
    eprintln!(
        "pristine check {}: exit {:?}\n{}{}",
        args.join(" "),
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `docker build --progress=plain --network=NETWORK -t TAG DIR`; panics on failure; returns
/// BuildKit's progress output. A rebuild under the same tag leaves the previous image dangling
/// ([`Images`] removes tags only): it is removed, on the vfs driver every layer is a full copy.
pub(crate) fn build_replacing(dir: &Path, tag: &str, network: &str) -> String {
    let previous = image_id(tag);
    let out = docker()
        .args([
            "build",
            "--progress=plain",
            &format!("--network={network}"),
            "-t",
            tag,
        ])
        .arg(dir)
        .env("DOCKER_BUILDKIT", "1")
        .output()
        .expect("docker build");
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "docker build failed:\n{log}");
    if let Some(previous) = previous
        && image_id(tag).as_ref() != Some(&previous)
    {
        let _ = docker().args(["rmi", &previous]).output();
    }
    log
}
