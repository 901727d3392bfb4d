//! `pristine init`, end to end with a real Docker engine: each fixture project of
//! `crates/pristine_init/resources/test/projects/` gets `pristine init --base-image
//! pristine-test/python:3.11-slim`; `pristine check` must report nothing on the result; the image
//! is built (dependencies from the package index: `--network=host`), run, and must answer HTTP
//! and become healthy through its own HEALTHCHECK; a source-only change must rebuild with the
//! dependency layer `CACHED`; and the image must be smaller than a naive single-stage
//! `COPY . .` + `pip install` build of the same project (both sizes are printed).
//!
//! Run by `scripts/test-docker` (which builds the base image with `scripts/build-python-image`).
//! uv is copied from `pristine-test/uv:<UV_VERSION>` (`--uv-image`): a `FROM scratch` image with
//! `/uv` and `/uvx` from the `uv` wheel on PyPI, built here, because no registry (ghcr.io) is
//! reachable. CI runs pip+Flask, uv+FastAPI and Poetry+Django; the Pipenv and PDM cases are named
//! `on_demand_*` and skipped by `scripts/test-docker` unless `PRISTINE_DOCKER_INIT_ALL=1`.
#![allow(clippy::print_stderr)]

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const LOCAL_PYTHON: &str = "pristine-test/python:3.11-slim";
/// `LOCAL_PYTHON` with this network's CA bundle (which scripts/build-python-image copies in)
/// exported to the HTTP clients that do not read Debian's store: uv (SSL_CERT_FILE), Poetry
/// and Pipenv (requests: REQUESTS_CA_BUNDLE), PDM (httpx: SSL_CERT_FILE). The official image
/// needs none of this; the generated Dockerfiles do not mention it.
const BASE: &str = "pristine-test/python-ca:3.11-slim";
const UV_IMAGE: &str = "pristine-test/uv:0.13.9";

fn docker() -> Command {
    let mut command =
        Command::new(std::env::var_os("PRISTINE_DOCKER").unwrap_or_else(|| "docker".into()));
    command.env("BUILDKIT_PROGRESS", "plain");
    command
}

fn pristine() -> Command {
    Command::new(std::env::var_os("PRISTINE_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_pristine")),
        PathBuf::from,
    ))
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn run_ok(command: &mut Command, what: &str) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let all = text(&output);
    assert!(output.status.success(), "{what} failed:\n{all}");
    all
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

fn ensure_base_image() {
    let dir = tempfile::tempdir().unwrap();
    let ca = "/etc/ssl/certs/ca-certificates.crt";
    fs::write(
        dir.path().join("Dockerfile"),
        format!(
            "FROM {LOCAL_PYTHON}\nENV SSL_CERT_FILE={ca} REQUESTS_CA_BUNDLE={ca} PIP_CERT={ca}\n"
        ),
    )
    .unwrap();
    run_ok(
        docker()
            .args(["build", "--network=none", "-q", "-t", BASE])
            .arg(dir.path()),
        "docker build of the base image",
    );
}

fn ensure_uv_image() {
    let inspect = docker()
        .args(["image", "inspect", UV_IMAGE])
        .output()
        .unwrap();
    if inspect.status.success() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let version = UV_IMAGE.rsplit(':').next().unwrap();
    // The layout of ghcr.io/astral-sh/uv: the two static binaries at the root of a scratch image.
    fs::write(
        dir.path().join("Dockerfile"),
        format!(
            "FROM {BASE} AS fetch\n\
             RUN pip download --no-deps --only-binary=:all: --dest /wheel uv=={version} \\\n \
             && python -c \"import glob, zipfile; z = zipfile.ZipFile(glob.glob('/wheel/*.whl')[0]); \
             [open('/' + n.rsplit('/', 1)[1], 'wb').write(z.read(n)) for n in z.namelist() if n.endswith(('/scripts/uv', '/scripts/uvx'))]\" \\\n \
             && chmod 755 /uv /uvx\n\
             FROM scratch\n\
             COPY --from=fetch /uv /uvx /\n"
        ),
    )
    .unwrap();
    run_ok(
        docker()
            .args(["build", "--network=host", "-q", "-t", UV_IMAGE])
            .arg(dir.path()),
        "docker build of the uv image",
    );
}

/// Removes the container and images when the test ends, also on failure.
struct Cleanup(Vec<Vec<String>>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for args in &self.0 {
            let _ = docker().args(args).output();
        }
    }
}

fn http_get(port: u16) -> Option<String> {
    let mut stream =
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    stream
        .write_all(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

/// Runs the image, waits until `/` answers with `message` and Docker reports it healthy.
fn run_and_probe(tag: &str, name: &str, port: u16, message: &str) {
    let _ = docker().args(["rm", "-f", name]).output();
    run_ok(
        docker().args([
            "run",
            "-d",
            "--network=host",
            "--health-interval=2s",
            "--name",
            name,
            tag,
        ]),
        "docker run",
    );
    let start = Instant::now();
    let mut answered = false;
    let mut health = String::new();
    while start.elapsed() < Duration::from_secs(90) {
        if !answered && let Some(response) = http_get(port) {
            assert!(
                response.contains(message),
                "[{name}] `{message}` not in the answer:\n{response}"
            );
            answered = true;
            eprintln!(
                "[{name}] answered on :{port} after {:.1}s",
                start.elapsed().as_secs_f64()
            );
        }
        let inspect = docker()
            .args([
                "inspect",
                "-f",
                "{{.State.Status}} {{.State.Health.Status}}",
                name,
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&inspect.stdout)
            .trim()
            .clone_into(&mut health);
        if answered && health == "running healthy" {
            eprintln!(
                "[{name}] healthy after {:.1}s",
                start.elapsed().as_secs_f64()
            );
            let _ = docker().args(["rm", "-f", name]).output();
            return;
        }
        assert!(
            health.starts_with("running"),
            "[{name}] the container stopped ({health}):\n{}",
            text(&docker().args(["logs", name]).output().unwrap())
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let logs = text(&docker().args(["logs", name]).output().unwrap());
    let _ = docker().args(["rm", "-f", name]).output();
    panic!("[{name}] no answer/health within 90s (answered: {answered}, state: {health}):\n{logs}");
}

fn image_size(tag: &str) -> u64 {
    let out = run_ok(
        docker().args(["image", "inspect", "-f", "{{.Size}}", tag]),
        "docker image inspect",
    );
    out.trim().parse().unwrap()
}

/// The build step number (`#12`) of the first log line that contains `needle` after `[stage`.
fn step_of<'a>(log: &'a str, needle: &str) -> Option<&'a str> {
    log.lines()
        .find(|l| l.starts_with('#') && l.contains(" [") && l.contains(needle))
        .and_then(|l| l.split_whitespace().next())
}

struct Case {
    project: &'static str,
    port: u16,
    message: &'static str,
    /// The file a source-only change edits (it holds `message`).
    source: &'static str,
    /// Part of the builder's dependency-install command in the build log.
    install: &'static str,
    /// The top-level requirements of the naive build (`pip install` of them after `COPY . .`).
    naive_requirements: &'static str,
    uv: bool,
}

fn run_case(case: &Case) {
    let t0 = Instant::now();
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../pristine_init/resources/test/projects")
        .join(case.project);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join(case.project);
    copy_tree(&src, &dir);
    // What a real checkout holds: a host venv and a secret the image must not get.
    fs::create_dir_all(dir.join(".venv/bin")).unwrap();
    fs::write(dir.join(".venv/pyvenv.cfg"), "home = /usr/bin\n").unwrap();
    fs::write(dir.join(".env"), "DJANGO_SECRET_KEY=from-the-host\n").unwrap();

    ensure_base_image();
    let mut init = pristine();
    init.arg("init").arg(&dir).args(["--base-image", BASE]);
    if case.uv {
        ensure_uv_image();
        init.args(["--uv-image", UV_IMAGE]);
    }
    let explained = run_ok(&mut init, "pristine init");
    eprintln!(
        "[{}] pristine init:\n{explained}\n{}",
        case.project,
        fs::read_to_string(dir.join("Dockerfile")).unwrap()
    );
    let check = pristine().arg("check").arg(&dir).output().unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "[{}] pristine check must report nothing on the generated files:\n{}",
        case.project,
        text(&check)
    );
    // Never overwritten without --force.
    let again = pristine().arg("init").arg(&dir).output().unwrap();
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));

    let tag = format!("pristine-test/init-{}:latest", case.project);
    let naive_tag = format!("pristine-test/init-{}-naive:latest", case.project);
    let name = format!("pristine-init-{}", case.project);
    let _cleanup = Cleanup(vec![
        vec!["rm".into(), "-f".into(), name.clone()],
        vec!["rmi".into(), "-f".into(), tag.clone(), naive_tag.clone()],
    ]);

    let t_build = Instant::now();
    run_ok(
        docker()
            .args(["build", "--network=host", "-t", &tag])
            .arg(&dir),
        "docker build",
    );
    let first_build = t_build.elapsed();
    run_and_probe(&tag, &name, case.port, case.message);

    // A source-only change: the dependency layer must come from the cache.
    let source = dir.join(case.source);
    let changed = "hello again after a source change";
    let code = fs::read_to_string(&source)
        .unwrap()
        .replace(case.message, changed);
    fs::write(&source, code).unwrap();
    let t_rebuild = Instant::now();
    let log = run_ok(
        docker()
            .args(["build", "--network=host", "-t", &tag])
            .arg(&dir),
        "docker rebuild",
    );
    let rebuild = t_rebuild.elapsed();
    let step = step_of(&log, case.install)
        .unwrap_or_else(|| panic!("no `{}` step in the build log:\n{log}", case.install));
    assert!(
        log.lines().any(|l| l == format!("{step} CACHED")),
        "[{}] the dependency step {step} was not CACHED after a source-only change:\n{log}",
        case.project
    );
    let copy_venv = step_of(&log, "COPY --from=builder").unwrap();
    assert!(
        log.lines().any(|l| l == format!("{copy_venv} CACHED")),
        "[{}] the runtime's venv layer was rebuilt after a source-only change:\n{log}",
        case.project
    );
    run_and_probe(&tag, &name, case.port, changed);

    // The naive single-stage build of the same project and context.
    let naive = work.path().join("naive");
    fs::create_dir_all(&naive).unwrap();
    let naive_install = if case.naive_requirements.is_empty() {
        "pip install -r requirements.txt".to_owned()
    } else {
        format!("pip install {}", case.naive_requirements)
    };
    fs::write(
        naive.join("Dockerfile"),
        format!("FROM {BASE}\nWORKDIR /app\nCOPY . .\nRUN {naive_install}\n"),
    )
    .unwrap();
    run_ok(
        docker()
            .args(["build", "--network=host", "-q", "-t", &naive_tag, "-f"])
            .arg(naive.join("Dockerfile"))
            .arg(&dir),
        "naive docker build",
    );
    let (size, naive_size) = (image_size(&tag), image_size(&naive_tag));
    let base_size = image_size(BASE);
    eprintln!(
        "[{}] image {:.1} MB (+{:.1} MB over the base), naive single-stage {:.1} MB (+{:.1} MB); \
         first build {:.1}s, rebuild after a source change {:.1}s, case total {:.1}s",
        case.project,
        mb(size),
        mb(size - base_size),
        mb(naive_size),
        mb(naive_size - base_size),
        first_build.as_secs_f64(),
        rebuild.as_secs_f64(),
        t0.elapsed().as_secs_f64()
    );
    // Pure-Python dependencies leave the naive build little to waste (its pip cache); the
    // runtime user and the venv's scaffolding cost a few kB. Never more than 1% larger.
    assert!(
        size * 100 <= naive_size * 101,
        "[{}] the generated image ({size} B) is larger than the naive one ({naive_size} B)",
        case.project
    );
}

#[allow(clippy::cast_precision_loss)]
fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn init_pip_flask() {
    run_case(&Case {
        project: "pip-flask",
        port: 8101,
        message: "hello from pip-flask",
        source: "app/message.py",
        install: "install -r requirements.txt",
        naive_requirements: "",
        uv: false,
    });
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn init_uv_fastapi() {
    run_case(&Case {
        project: "uv-fastapi",
        port: 8102,
        message: "hello from uv-fastapi",
        source: "app/message.py",
        install: "uv sync --locked --no-install-project",
        naive_requirements: "fastapi uvicorn",
        uv: true,
    });
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn init_poetry_django() {
    run_case(&Case {
        project: "poetry-django",
        port: 8103,
        message: "hello from poetry-django",
        source: "hello/views.py",
        install: "poetry install --only main",
        naive_requirements: "'django~=5.2' gunicorn",
        uv: false,
    });
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn on_demand_pipenv_flask() {
    run_case(&Case {
        project: "pipenv-flask",
        port: 8104,
        message: "hello from pipenv-flask",
        source: "message.py",
        install: "pipenv install --deploy",
        naive_requirements: "flask==3.1.3 gunicorn==27.0.1",
        uv: false,
    });
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn on_demand_pdm_starlette() {
    run_case(&Case {
        project: "pdm-starlette",
        port: 8105,
        message: "hello from pdm-starlette",
        source: "src/pdm_starlette/message.py",
        install: "pdm install --check --prod --no-self",
        naive_requirements: "starlette uvicorn uvicorn-worker gunicorn",
        uv: false,
    });
}
