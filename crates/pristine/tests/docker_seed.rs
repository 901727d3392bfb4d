//! The seed scenario, end to end with a real Docker engine: a project whose `.venv` holds native
//! binaries for another platform (the macOS arm64 `cryptography` wheel, a Windows `.pyd`, an
//! aarch64 and a musl `.so`), `COPY . .` into a local `python:3.11-slim` stand-in. The real
//! `docker build` + `docker run` must fail with the loader's message, and `pristine check`, run
//! before the build, must report the binary, the venv and the COPY line.
//!
//! Run by `scripts/test-docker`, which builds the fixtures (`scripts/build-binary-fixtures`,
//! exported as `PRISTINE_BINARY_FIXTURES`) and the base image (`scripts/build-python-image`,
//! `pristine-test/python:3.11-slim`: Debian bookworm, Python 3.11, glibc 2.36).
#![allow(clippy::print_stderr)]

use std::fs;
use std::path::Path;
use std::process::Output;

mod common;

use common::{BASE_IMAGE as IMAGE, copy_tree, docker, fixtures, pristine};

const SITE: &str = ".venv/lib/python3.11/site-packages";

/// A project with a host-made venv (pyvenv.cfg naming a macOS interpreter) whose site-packages
/// holds the unzipped wheel `wheels/<tag>` and the extra files, and a Dockerfile running `cmd`.
fn project(tag: &str, extra: &[(&str, &str)], cmd: &str) -> tempfile::TempDir {
    let fx = fixtures("facts.tsv");
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join(SITE);
    if !tag.is_empty() {
        copy_tree(&fx.join("wheels").join(tag), &site);
    }
    for (from, to) in extra {
        let to = dir.path().join(to);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(fx.join(from), to).unwrap();
    }
    fs::write(
        dir.path().join(".venv/pyvenv.cfg"),
        "home = /opt/homebrew/opt/python@3.11/bin\ninclude-system-site-packages = false\nversion = 3.11.9\n",
    )
    .unwrap();
    fs::create_dir_all(dir.path().join("app")).unwrap();
    fs::write(dir.path().join("app/main.py"), "print('hello')\n").unwrap();
    let cmd = serde_json::to_string(cmd).unwrap();
    fs::write(
        dir.path().join("Dockerfile"),
        format!("FROM {IMAGE}\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"-c\", {cmd}]\n"),
    )
    .unwrap();
    dir
}

/// `docker build` then `docker run`; returns the run's output.
fn build_and_run(dir: &Path, name: &str) -> Output {
    let tag = format!("pristine-test/seed-{name}:latest");
    let build = docker()
        .args(["build", "-q", "--network=none", "-t", &tag])
        .arg(dir)
        .output()
        .expect("docker build");
    assert!(
        build.status.success(),
        "docker build failed: {}",
        String::from_utf8_lossy(&build.stderr)
    );
    let run = docker()
        .args(["run", "--rm", "--network=none", &tag])
        .output()
        .expect("docker run");
    let _ = docker().args(["rmi", "-f", &tag]).output();
    run
}

fn pristine_check(dir: &Path) -> Output {
    pristine()
        .arg("check")
        .arg(dir)
        .output()
        .expect("pristine check")
}

/// Imports an extension module from its file, by the name it declares, as the import system
/// would if its suffix were one this interpreter tries (a `.pyd` or another arch's
/// `cpython-311-aarch64-linux-gnu.so` never is: the package would silently fall back to pure
/// Python, which is why we load it explicitly).
fn load_extension(name: &str, path: &str) -> String {
    format!(
        "import importlib.machinery as m, importlib.util as u; \
         s = u.spec_from_loader('{name}', m.ExtensionFileLoader('{name}', '/app/{path}')); u.module_from_spec(s)"
    )
}

struct Case {
    name: &'static str,
    wheel: &'static str,
    extra: &'static [(&'static str, &'static str)],
    cmd: String,
    /// The loader's message docker run must print (and pristine_binary::compatibility gives).
    runtime_error: &'static str,
    /// What `pristine check` must name.
    binary: &'static str,
    kind: &'static str,
}

fn run_case(case: &Case) {
    let dir = project(case.wheel, case.extra, &case.cmd);
    let run = build_and_run(dir.path(), case.name);
    let stderr = String::from_utf8_lossy(&run.stderr);
    eprintln!(
        "[{}] docker run: exit {:?}\n{}",
        case.name,
        run.status.code(),
        stderr.trim_end()
    );
    assert!(
        !run.status.success(),
        "[{}] the container was expected to fail",
        case.name
    );
    assert!(
        stderr.contains(case.runtime_error),
        "[{}] expected `{}` in:\n{stderr}",
        case.name,
        case.runtime_error
    );

    let check = pristine_check(dir.path());
    let stdout = String::from_utf8_lossy(&check.stdout);
    eprintln!(
        "[{}] pristine check: exit {:?}\n{}",
        case.name,
        check.status.code(),
        stdout.trim_end()
    );
    assert_eq!(
        check.status.code(),
        Some(1),
        "[{}] pristine check must report findings",
        case.name
    );
    for needle in [case.binary, case.kind, ".venv", "COPY . ."] {
        assert!(
            stdout.contains(needle),
            "[{}] pristine check does not mention `{needle}`:\n{stdout}",
            case.name
        );
    }
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn seed_macos_cryptography() {
    run_case(&Case {
        name: "macos",
        wheel: "macos-arm64",
        extra: &[],
        cmd: format!(
            "import sys; sys.path.insert(0, '/app/{SITE}'); import cryptography.hazmat.bindings._rust"
        ),
        runtime_error: "_rust.abi3.so: invalid ELF header",
        binary: "_rust.abi3.so",
        kind: "Mach-O",
    });
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn seed_windows_pyd() {
    run_case(&Case {
        name: "windows",
        wheel: "win-amd64",
        extra: &[],
        cmd: load_extension(
            "markupsafe._speedups",
            &format!("{SITE}/markupsafe/_speedups.cp311-win_amd64.pyd"),
        ),
        runtime_error: "_speedups.cp311-win_amd64.pyd: invalid ELF header",
        binary: "_speedups.cp311-win_amd64.pyd",
        kind: "PE",
    });
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn seed_aarch64_so_on_amd64() {
    run_case(&Case {
        name: "aarch64",
        wheel: "manylinux-aarch64",
        extra: &[],
        cmd: load_extension(
            "markupsafe._speedups",
            &format!("{SITE}/markupsafe/_speedups.cpython-311-aarch64-linux-gnu.so"),
        ),
        runtime_error: "_speedups.cpython-311-aarch64-linux-gnu.so: cannot open shared object file: No such file or directory",
        binary: "_speedups.cpython-311-aarch64-linux-gnu.so",
        kind: "aarch64",
    });
}

/// A musl `.so` (musl-gcc) on the glibc image: glibc looks for musl's `libc.so`.
#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn seed_musl_so_on_glibc() {
    run_case(&Case {
        name: "musl",
        wheel: "",
        extra: &[(
            "elf/x86_64-musl.so",
            ".venv/lib/python3.11/site-packages/fixture.so",
        )],
        cmd: format!("import ctypes; ctypes.CDLL('/app/{SITE}/fixture.so')"),
        runtime_error: "libc.so: cannot open shared object file: No such file or directory",
        binary: "fixture.so",
        kind: "musl",
    });
}
