//! The unsafe layering fixes of PY005 (Pipenv) and PY002 (a PEP 621 project installed with
//! `pip install .`) with a real Docker engine: `pristine check --fix --unsafe-fixes` on a
//! project whose Dockerfile installs after `COPY . .`, then the fixed Dockerfile builds, the
//! image runs the app, and after a source-only change the second build reuses the
//! dependency-install layer (`CACHED` in BuildKit's plain progress), which the unfixed
//! Dockerfile does not.
//!
//! - Pipenv: `RUN pipenv sync --system` after `COPY . .`; the fix moves it behind
//!   `COPY Pipfile Pipfile.lock* ./` (Pipenv's Docker page). The lock pins `six` with its
//!   PyPI hashes, so the install really downloads and installs a package.
//! - PEP 621: `pip install .` after `COPY . .` with pip pinned `>=26.2` in an earlier `RUN`;
//!   the fix adds `COPY pyproject.toml ./` and `pip install --only-deps .` before the sources.
//! - The same project installed with `uv pip install --system .`: the fix adds
//!   `COPY pyproject.toml ./` and `uv pip install --system -r pyproject.toml`.
//! - `WORKDIR /app` + `COPY . /app` + `pip install -r requirements.txt` (PY001): the fix adds
//!   `COPY requirements.txt /app/` and moves the install before the sources.
//!
//! Run by `scripts/test-docker` (base image `pristine-test/python:3.11-slim` from
//! `scripts/build-python-image`). These builds install from PyPI, so they use
//! `--network=host`.
#![allow(clippy::print_stderr)]

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::{BASE_IMAGE as IMAGE, Images, docker, step_cached};

fn pristine(dir: &Path, args: &[&str]) -> Output {
    common::check_in(dir, args)
}

/// `docker build --progress=plain --network=host`; see [`common::build_replacing`].
fn build(dir: &Path, tag: &str) -> String {
    common::build_replacing(dir, tag, "host")
}

fn run(tag: &str) -> Output {
    docker()
        .args(["run", "--rm", "--network=none", tag])
        .output()
        .expect("docker run")
}

/// The shared scenario: the unfixed Dockerfile re-runs `install` after a source change; the
/// fixed one has `manifests_copy` and `dependency_install` before `COPY . .`, builds, runs
/// the app (which imports `six`), and reuses the dependency layer after a source change.
fn fixed_layering_caches_dependencies(
    dir: &Path,
    name: &str,
    install: &str,
    manifests_copy: &str,
    dependency_install: &str,
) {
    fixed_layering_caches_dependencies_into(
        dir,
        name,
        install,
        manifests_copy,
        dependency_install,
        "COPY . .",
    );
}

/// [`fixed_layering_caches_dependencies`] with the whole-context copy `context_copy`.
fn fixed_layering_caches_dependencies_into(
    dir: &Path,
    name: &str,
    install: &str,
    manifests_copy: &str,
    dependency_install: &str,
    context_copy: &str,
) {
    let token = common::run_token();
    let app = |version: &str| format!("import six\nprint('{version}', six.__name__)  # {token}\n");
    fs::write(dir.join("app.py"), app("v1")).unwrap();
    fs::write(dir.join(".dockerignore"), ".git\n").unwrap();
    let unfixed = format!("pristine-test/fix-{name}-before:latest");
    let fixed = format!("pristine-test/fix-{name}-after:latest");
    let _images = Images(vec![unfixed.clone(), fixed.clone()]);

    build(dir, &unfixed);
    fs::write(dir.join("app.py"), app("v2")).unwrap();
    let log = build(dir, &unfixed);
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
    assert!(pos(manifests_copy) < pos(dependency_install));
    assert!(pos(dependency_install) < pos(context_copy));

    build(dir, &fixed);
    let out = run(&fixed);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "v2 six\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fs::write(dir.join("app.py"), app("v3")).unwrap();
    let log = build(dir, &fixed);
    eprintln!("second build of the fixed Dockerfile:\n{log}");
    assert!(
        step_cached(&log, dependency_install),
        "the dependency install was not CACHED after a source-only change:\n{log}"
    );
    assert!(
        !step_cached(&log, context_copy),
        "the source COPY cannot be cached after a source change:\n{log}"
    );
    let out = run(&fixed);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "v3 six\n");
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn pipenv_layering_fix_builds_and_caches_the_install_layer() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let install = "pipenv sync --system";
    fs::write(
        dir.join("Dockerfile"),
        format!(
            "FROM {IMAGE}\nRUN pip install --no-cache-dir pipenv==2026.10.3\nWORKDIR /app\nCOPY . .\nRUN {install}\nCMD [\"python\", \"app.py\"]\n"
        ),
    )
    .unwrap();
    fs::write(
        dir.join("Pipfile"),
        "[[source]]\nurl = \"https://pypi.org/simple\"\nverify_ssl = true\nname = \"pypi\"\n\n[packages]\nsix = \"==1.17.0\"\n",
    )
    .unwrap();
    // `pipenv sync` installs what the lock says (it does not compare the Pipfile's hash), with
    // pip's hash checking on the listed hashes: the sha256 of six 1.17.0's wheel and sdist as
    // `pip download` fetched them from PyPI.
    fs::write(
        dir.join("Pipfile.lock"),
        r#"{
    "_meta": {
        "hash": {"sha256": "0000000000000000000000000000000000000000000000000000000000000000"},
        "pipfile-spec": 6,
        "requires": {},
        "sources": [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": true}]
    },
    "default": {
        "six": {
            "hashes": [
                "sha256:4721f391ed90541fddacab5acf947aa0d3dc7d27b2e1e8eda2be8970586c3274",
                "sha256:ff70335d468e7eb6ec65b95b99d3a2836546063f63acc5171de367e834932a81"
            ],
            "index": "pypi",
            "version": "==1.17.0"
        }
    },
    "develop": {}
}
"#,
    )
    .unwrap();
    fixed_layering_caches_dependencies(
        dir,
        "pipenv",
        install,
        "COPY Pipfile Pipfile.lock* ./",
        install,
    );
}

/// A PEP 621 project (setuptools) of one module, `app.py`, that depends on `six`.
fn pep621_project(dir: &Path) {
    fs::write(
        dir.join("pyproject.toml"),
        "[build-system]\nrequires = [\"setuptools>=61\"]\nbuild-backend = \"setuptools.build_meta\"\n\n[project]\nname = \"layering-demo\"\nversion = \"0.1.0\"\ndependencies = [\"six==1.17.0\"]\n\n[tool.setuptools]\npy-modules = [\"app\"]\n",
    )
    .unwrap();
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn pep621_only_deps_fix_builds_and_caches_the_install_layer() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let install = "pip install --no-cache-dir .";
    fs::write(
        dir.join("Dockerfile"),
        format!(
            "FROM {IMAGE}\nRUN pip install --no-cache-dir \"pip>=26.2\"\nWORKDIR /app\nCOPY . .\nRUN {install}\nCMD [\"python\", \"-c\", \"import app\"]\n"
        ),
    )
    .unwrap();
    pep621_project(dir);
    fixed_layering_caches_dependencies(
        dir,
        "pep621",
        install,
        "COPY pyproject.toml ./",
        "pip install --only-deps --no-cache-dir .",
    );
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn uv_pip_layering_fix_builds_and_caches_the_install_layer() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let install = "uv pip install --system --no-cache .";
    // uv from its PyPI wheel (the wheel carries the binary), as no registry image is reachable;
    // uv does not read Debian's CA store, so it gets the image's bundle (which holds this
    // machine's CA) through SSL_CERT_FILE, as docker_init.rs does.
    fs::write(
        dir.join("Dockerfile"),
        format!(
            "FROM {IMAGE}\nENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt\nRUN pip install --no-cache-dir uv==0.13.9\nWORKDIR /app\nCOPY . .\nRUN {install}\nCMD [\"python\", \"-c\", \"import app\"]\n"
        ),
    )
    .unwrap();
    pep621_project(dir);
    fixed_layering_caches_dependencies(
        dir,
        "uv-pip",
        install,
        "COPY pyproject.toml ./",
        "uv pip install --system --no-cache -r pyproject.toml",
    );
}

/// The most common real shape: `WORKDIR /app` + `COPY . /app` + `pip install -r
/// requirements.txt`; the fix copies `requirements.txt` to `/app/` before the install.
#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn pip_requirements_into_workdir_fix_builds_and_caches_the_install_layer() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let install = "pip install --no-cache-dir -r requirements.txt";
    fs::write(
        dir.join("Dockerfile"),
        format!(
            "FROM {IMAGE}\nWORKDIR /app\nCOPY . /app\nRUN {install}\nCMD [\"python\", \"app.py\"]\n"
        ),
    )
    .unwrap();
    fs::write(dir.join("requirements.txt"), "six==1.17.0\n").unwrap();
    fixed_layering_caches_dependencies_into(
        dir,
        "pip-workdir",
        install,
        "COPY requirements.txt /app/",
        install,
        "COPY . /app",
    );
}
