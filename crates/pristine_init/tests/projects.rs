//! Detection and generation for each package manager and app type: the fixture projects in
//! `resources/test/projects/` (also built for real by `crates/pristine/tests/docker_init.rs`)
//! and small in-memory projects. Each snapshot holds the detection, the explanations and the
//! two generated files.

use std::fmt::Write as _;
use std::path::Path;

use pristine_init::{Options, Snapshot, init};

fn load(dir: &Path, rel: &str, snapshot: &mut Snapshot) {
    for entry in std::fs::read_dir(dir.join(rel)).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        let path = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        if entry.file_type().unwrap().is_dir() {
            snapshot.paths.insert(format!("{path}/"));
            load(dir, &path, snapshot);
        } else {
            if pristine_init::wants_content(&path) {
                snapshot
                    .contents
                    .insert(path.clone(), std::fs::read_to_string(entry.path()).unwrap());
            }
            snapshot.paths.insert(path);
        }
    }
}

fn project(name: &str) -> Snapshot {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("resources/test/projects")
        .join(name);
    let mut snapshot = Snapshot::default();
    load(&dir, "", &mut snapshot);
    snapshot
}

fn memory(files: &[(&str, &str)]) -> Snapshot {
    let mut snapshot = Snapshot::default();
    for (path, content) in files {
        let mut dir = String::new();
        for part in path.split('/').collect::<Vec<_>>().split_last().unwrap().1 {
            dir.push_str(part);
            dir.push('/');
            snapshot.paths.insert(dir.clone());
        }
        snapshot.paths.insert((*path).to_owned());
        if pristine_init::wants_content(path) {
            snapshot
                .contents
                .insert((*path).to_owned(), (*content).to_owned());
        }
    }
    snapshot
}

fn render(snapshot: &Snapshot, options: &Options) -> String {
    let result = init(snapshot, options).unwrap();
    let d = &result.detection;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "package manager: {} ({})",
        d.package_manager.value, d.package_manager.evidence
    );
    let _ = writeln!(out, "dependency files: {:?}", d.dependency_files);
    let _ = writeln!(out, "python: {} ({})", d.python.value, d.python.evidence);
    let _ = writeln!(out, "app: {:?} ({})", d.app.value, d.app.evidence);
    if let Some(port) = &d.port {
        let _ = writeln!(out, "port: {} ({})", port.value, port.evidence);
    }
    let _ = writeln!(
        out,
        "command: {:?} ({})",
        d.command.value, d.command.evidence
    );
    for n in &d.native {
        let _ = writeln!(
            out,
            "native: {} build {:?} runtime {:?} ({})",
            n.package, n.build, n.runtime, n.evidence
        );
    }
    let _ = writeln!(out, "\n--- explanations");
    for line in &result.explanations {
        let _ = writeln!(out, "{line}");
    }
    for file in &result.files {
        let _ = writeln!(out, "\n--- {}\n{}", file.path, file.content);
    }
    out
}

fn local_base() -> Options {
    Options {
        base_image: Some("pristine-test/python:3.11-slim".to_owned()),
        ..Options::default()
    }
}

#[test]
fn pip_flask_factory() {
    let mut snapshot = project("pip-flask");
    // A host venv under an unusual name and a secret, as a real checkout has them.
    snapshot.paths.insert(".pyenv311/".to_owned());
    snapshot.paths.insert(".pyenv311/pyvenv.cfg".to_owned());
    snapshot.paths.insert(".env".to_owned());
    snapshot.paths.insert(".pytest_cache/".to_owned());
    insta::assert_snapshot!(render(&snapshot, &local_base()));
}

#[test]
fn uv_fastapi() {
    insta::assert_snapshot!(render(
        &project("uv-fastapi"),
        &Options {
            uv_image: Some("pristine-test/uv:0.13.9".to_owned()),
            ..local_base()
        }
    ));
}

#[test]
fn poetry_django() {
    insta::assert_snapshot!(render(&project("poetry-django"), &local_base()));
}

#[test]
fn pipenv_flask() {
    insta::assert_snapshot!(render(&project("pipenv-flask"), &local_base()));
}

#[test]
fn pdm_starlette_gunicorn_uvicorn_workers() {
    insta::assert_snapshot!(render(&project("pdm-starlette"), &Options::default()));
}

#[test]
fn pip_psycopg2_from_source() {
    insta::assert_snapshot!(render(&project("pip-psycopg2"), &local_base()));
}

#[test]
fn pyproject_console_script_with_port() {
    insta::assert_snapshot!(render(
        &project("pyproject-cli"),
        &Options {
            port: Some(8107),
            ..local_base()
        }
    ));
}

/// `message.py` says "hello from streamlit-hello" in a string: only `streamlit_app.py`
/// imports streamlit, and it is the script `streamlit run` gets.
#[test]
fn streamlit_fixture() {
    insta::assert_snapshot!(render(&project("streamlit-hello"), &local_base()));
}

#[test]
fn streamlit_requirements() {
    insta::assert_snapshot!(render(
        &memory(&[
            ("requirements.txt", "streamlit==1.40.0\npandas==2.2.3\n"),
            ("dashboard.py", "import streamlit as st\n\nst.title('hi')\n"),
            ("runtime.txt", "python-3.11.9\n"),
        ]),
        &Options::default()
    ));
}

#[test]
fn console_script_pep621_without_lock() {
    insta::assert_snapshot!(render(
        &memory(&[
            (
                "pyproject.toml",
                "[project]\nname = \"worker\"\nversion = \"1.0\"\nrequires-python = \">=3.11,<3.13\"\ndependencies = [\"httpx>=0.27\"]\n\n[project.scripts]\nworker = \"worker.cli:main\"\n\n[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n",
            ),
            ("src/worker/__init__.py", ""),
            ("src/worker/cli.py", "def main():\n    print('work')\n"),
            ("dist/worker-1.0-py3-none-any.whl", ""),
            ("src/worker.egg-info/PKG-INFO", ""),
        ]),
        &Options::default()
    ));
}

#[test]
fn plain_main_py_without_dependencies() {
    insta::assert_snapshot!(render(
        &memory(&[
            ("main.py", "print('hello')\n"),
            (".python-version", "3.13.1\n")
        ]),
        &Options::default()
    ));
}

#[test]
fn django_psycopg2_mysqlclient_native_deps() {
    insta::assert_snapshot!(render(
        &memory(&[
            ("requirements/prod.txt", "-r base.txt\ngunicorn==23.0.0\n"),
            (
                "requirements/base.txt",
                "Django==5.1.4\npsycopg2==2.9.10\nmysqlclient==2.2.6\npsycopg2-binary==2.9.10\n"
            ),
            (
                "manage.py",
                "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.production')\n"
            ),
            ("config/__init__.py", ""),
            ("config/settings/production.py", "DEBUG = False\n"),
            ("config/wsgi.py", "application = None\n"),
            ("keys/deploy.pem", ""),
            ("db.sqlite3", ""),
        ]),
        &Options::default()
    ));
}

#[test]
fn conda_environment() {
    insta::assert_snapshot!(render(
        &memory(&[
            (
                "environment.yml",
                "name: app\ndependencies:\n  - python=3.11\n  - numpy\n"
            ),
            ("run.py", "print('hi')\n"),
        ]),
        &Options::default()
    ));
}

#[test]
fn overrides() {
    let result = init(
        &project("pipenv-flask"),
        &Options {
            python: Some("3.12".to_owned()),
            package_manager: Some("pip".parse().unwrap()),
            entrypoint: Some("gunicorn app:app --bind 0.0.0.0:9000 --workers 4".to_owned()),
            port: Some(9000),
            syntax: true,
            ..Options::default()
        },
    )
    .unwrap();
    let dockerfile = &result.files[0].content;
    assert!(dockerfile.starts_with("# syntax=docker/dockerfile:1\n"));
    assert!(dockerfile.contains("FROM python:3.12-slim-bookworm AS builder"));
    assert!(
        dockerfile
            .contains(r#"CMD ["gunicorn", "app:app", "--bind", "0.0.0.0:9000", "--workers", "4"]"#)
    );
    assert!(dockerfile.contains("EXPOSE 9000"));
    assert!(
        result
            .explanations
            .iter()
            .any(|l| l.contains("Pipfile [requires] says Python 3.11"))
    );
}

#[test]
fn not_a_project() {
    assert!(init(&memory(&[("README.md", "")]), &Options::default()).is_err());
}
