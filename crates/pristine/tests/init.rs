//! `pristine init` from the command line: on every fixture project and on small projects for the
//! other app types, the generated Dockerfile and `.dockerignore` must pass `pristine check`
//! (every rule, exit 0); files are never overwritten without `--force`; `--stdout`/`--diff`
//! preview. The real builds are in `docker_init.rs`.

use std::fs;
use std::path::{Path, PathBuf};

mod common;

use common::{copy_tree, pristine, text};

fn fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join(name);
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../pristine_init/resources/test/projects")
            .join(name),
        &dir,
    );
    (work, dir)
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
}

/// `pristine init DIR ARGS…` then `pristine check DIR` (all rules) must report nothing.
fn init_then_check(dir: &Path, args: &[&str]) -> String {
    // A host venv under its own name, a secret, caches: what a checkout really holds.
    write(
        dir,
        &[
            ("venv-host/pyvenv.cfg", "home = /opt/homebrew/bin\n"),
            (".env", "SECRET_KEY=from-the-host\n"),
            (".pytest_cache/README.md", ""),
            ("app/__pycache__/x.cpython-311.pyc", ""),
        ],
    );
    let init = pristine().arg("init").arg(dir).args(args).output().unwrap();
    assert!(
        init.status.success(),
        "pristine init failed:\n{}",
        text(&init)
    );
    let check = pristine()
        .args(["check", "--isolated", "--select", "ALL"])
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "pristine check reports findings on the generated files:\n{}\n--- Dockerfile\n{}\n--- .dockerignore\n{}",
        text(&check),
        fs::read_to_string(dir.join("Dockerfile")).unwrap(),
        fs::read_to_string(dir.join(".dockerignore")).unwrap()
    );
    let ignore = fs::read_to_string(dir.join(".dockerignore")).unwrap();
    assert!(ignore.contains("**/venv-host\n"), "{ignore}");
    assert!(ignore.contains("**/.env\n"), "{ignore}");
    String::from_utf8_lossy(&init.stderr).into_owned()
}

#[test]
fn fixture_projects_pass_check() {
    for (name, args) in [
        ("pip-flask", &[][..]),
        ("uv-fastapi", &[][..]),
        ("uv-fastapi", &["--uv-image", "pristine-test/uv:0.13.9"][..]),
        ("poetry-django", &[][..]),
        ("pipenv-flask", &[][..]),
        (
            "pdm-starlette",
            &["--base-image", "pristine-test/python:3.11-slim"][..],
        ),
        ("pip-psycopg2", &[][..]),
        ("pyproject-cli", &["--port", "8107"][..]),
        ("streamlit-hello", &[][..]),
    ] {
        let (_work, dir) = fixture(name);
        let stderr = init_then_check(&dir, args);
        assert!(stderr.contains("package manager:"), "{name}: {stderr}");
    }
}

#[test]
fn other_app_types_pass_check() {
    let cases: &[&[(&str, &str)]] = &[
        // Django with dependencies compiled against system libraries.
        &[
            (
                "requirements.txt",
                "Django==5.1.4\npsycopg2==2.9.10\nmysqlclient==2.2.6\ngunicorn==23.0.0\n",
            ),
            (
                "manage.py",
                "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"site_config.settings\")\n",
            ),
            ("site_config/__init__.py", ""),
            ("site_config/settings.py", ""),
            ("site_config/wsgi.py", "application = None\n"),
        ],
        // A console script of a PEP 621 project without a lock (installed after the source).
        &[
            (
                "pyproject.toml",
                "[project]\nname = \"worker\"\nversion = \"1\"\nrequires-python = \">=3.11\"\ndependencies = [\"httpx\"]\n[project.scripts]\nworker = \"worker:main\"\n[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n",
            ),
            ("worker.py", "def main():\n    pass\n"),
        ],
        // Streamlit.
        &[
            ("requirements.txt", "streamlit==1.40.0\n"),
            ("streamlit_app.py", "import streamlit as st\n"),
        ],
        // A plain script.
        &[("main.py", "print('hi')\n")],
        // conda (micromamba's image): only checked here, no conda channel is reachable to build it.
        &[
            (
                "environment.yml",
                "name: app\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - flask\n  - gunicorn\n",
            ),
            (
                "app.py",
                "from flask import Flask\n\napp = Flask(__name__)\n",
            ),
        ],
    ];
    for files in cases {
        let work = tempfile::tempdir().unwrap();
        write(work.path(), files);
        init_then_check(work.path(), &[]);
    }
}

#[test]
fn never_overwrites_without_force_and_previews() {
    let (_work, dir) = fixture("pip-flask");
    fs::write(dir.join("Dockerfile"), "FROM scratch\n").unwrap();
    let refused = pristine().arg("init").arg(&dir).output().unwrap();
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(text(&refused).contains("--force"), "{}", text(&refused));
    assert_eq!(
        fs::read_to_string(dir.join("Dockerfile")).unwrap(),
        "FROM scratch\n"
    );
    assert!(!dir.join(".dockerignore").exists());

    let diff = pristine()
        .arg("init")
        .arg(&dir)
        .arg("--diff")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&diff.stdout);
    assert!(diff.status.success());
    assert!(
        out.contains("--- a/Dockerfile\n+++ b/Dockerfile\n"),
        "{out}"
    );
    assert!(out.contains("-FROM scratch\n"), "{out}");
    assert!(
        out.contains("--- /dev/null\n+++ b/.dockerignore\n"),
        "{out}"
    );

    let stdout = pristine()
        .arg("init")
        .arg(&dir)
        .arg("--stdout")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&stdout.stdout);
    assert!(out.starts_with("# ==> Dockerfile <==\n"), "{out}");
    assert!(out.contains("# ==> .dockerignore <==\n"), "{out}");
    assert_eq!(
        fs::read_to_string(dir.join("Dockerfile")).unwrap(),
        "FROM scratch\n"
    );

    let forced = pristine()
        .arg("init")
        .arg(&dir)
        .arg("--force")
        .output()
        .unwrap();
    assert!(forced.status.success(), "{}", text(&forced));
    assert!(
        fs::read_to_string(dir.join("Dockerfile"))
            .unwrap()
            .contains("AS builder")
    );
}

#[test]
fn errors() {
    let work = tempfile::tempdir().unwrap();
    let empty = pristine().arg("init").arg(work.path()).output().unwrap();
    assert_eq!(empty.status.code(), Some(2));
    assert!(
        text(&empty).contains("no Python project found"),
        "{}",
        text(&empty)
    );
    let bad = pristine()
        .arg("init")
        .arg(work.path())
        .args(["--package-manager", "conan"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
