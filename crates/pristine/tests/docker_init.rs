//! `pristine init`, end to end with a real Docker engine: each fixture project of
//! `crates/pristine_init/resources/test/projects/` gets `pristine init --base-image
//! pristine-test/python-ca:3.11-slim`; `pristine check` must report nothing on the result; the
//! image is built (dependencies from the package index: `--network=host`), run, and must answer
//! HTTP and become healthy through its own HEALTHCHECK; a source-only change must rebuild with
//! the dependency layer `CACHED`; and the image must be strictly smaller than the naive
//! single-stage build of the checkout as it was before `pristine init` (`COPY . .` and
//! `pip install`, no .dockerignore). Both sizes are printed, with the naive size the same
//! context would give (docs/init.md, "Image size").
//!
//! Run by `scripts/test-docker` (which builds the base image with `scripts/build-python-image`).
//! uv is copied from `pristine-test/uv:<UV_VERSION>` (`--uv-image`): a `FROM scratch` image with
//! `/uv` and `/uvx` from the `uv` wheel on PyPI, built here, because no registry (ghcr.io) is
//! reachable. CI runs pip+Flask, uv+FastAPI, Poetry+Django and the console script; the Pipenv,
//! PDM, psycopg2 and Streamlit cases are named `on_demand_*` and skipped by `scripts/test-docker`
//! unless `PRISTINE_DOCKER_INIT_ALL=1`.
#![allow(clippy::print_stderr)]

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

mod common;

use common::{copy_tree, pristine, text};

const LOCAL_PYTHON: &str = common::BASE_IMAGE;
/// `LOCAL_PYTHON` with this network's CA bundle (which scripts/build-python-image copies in)
/// exported to the HTTP clients that do not read Debian's store: uv (SSL_CERT_FILE), Poetry
/// and Pipenv (requests: REQUESTS_CA_BUNDLE), PDM (httpx: SSL_CERT_FILE). The official image
/// needs none of this; the generated Dockerfiles do not mention it.
const BASE: &str = "pristine-test/python-ca:3.11-slim";
const UV_IMAGE: &str = "pristine-test/uv:0.13.9";
/// `BASE` with the Python headers that python:3.11-slim has in /usr/local/include and the
/// Debian stand-in lacks (python3.11-dev): what building a C extension (psycopg2) needs besides
/// the compiler and libpq-dev, which the generated builder installs itself.
const BASE_WITH_HEADERS: &str = "pristine-test/python-ca-headers:3.11-slim";

/// The docker CLI with BuildKit's plain progress output, in which the tests find `CACHED` steps.
fn docker() -> Command {
    let mut command = common::docker();
    command.env("BUILDKIT_PROGRESS", "plain");
    command
}

fn run_ok(command: &mut Command, what: &str) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let all = text(&output);
    assert!(output.status.success(), "{what} failed:\n{all}");
    all
}

fn ensure_base_image() {
    let dir = tempfile::tempdir().unwrap();
    let ca = "/etc/ssl/certs/ca-certificates.crt";
    // debian:bookworm-slim, under python:3.11-slim, keeps apt from leaving its package caches
    // (/var/cache/apt/*.bin, 40+ MB after `apt-get update`) in a layer; the debootstrap
    // stand-in has no such file. The docker-clean of Docker's image builds
    // (https://github.com/docker/docker/blob/9a9fc01af8fb5d98b8eec0740716226fadb3735c/contrib/mkimage/debootstrap#L85-L105).
    let clean = "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true";
    fs::write(
        dir.path().join("docker-clean"),
        format!(
            "DPkg::Post-Invoke {{ \"{clean}\"; }};\nAPT::Update::Post-Invoke {{ \"{clean}\"; }};\nDir::Cache::pkgcache \"\";\nDir::Cache::srcpkgcache \"\";\n"
        ),
    )
    .unwrap();
    fs::write(
        dir.path().join("Dockerfile"),
        format!(
            "FROM {LOCAL_PYTHON}\nCOPY docker-clean /etc/apt/apt.conf.d/docker-clean\nENV SSL_CERT_FILE={ca} REQUESTS_CA_BUNDLE={ca} PIP_CERT={ca}\n"
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

fn ensure_headers_image() {
    ensure_base_image();
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("Dockerfile"),
        format!(
            "FROM {BASE}\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends python3.11-dev \\\n && rm -rf /var/lib/apt/lists/*\n"
        ),
    )
    .unwrap();
    run_ok(
        docker()
            .args(["build", "--network=host", "-q", "-t", BASE_WITH_HEADERS])
            .arg(dir.path()),
        "docker build of the base image with Python headers",
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
    /// The naive single-stage build's `RUN` after `COPY . .`: what its README would say
    /// (`pip install -r requirements.txt`, `pip install .`, or the project's top-level
    /// dependencies for the lock-file managers).
    naive_run: &'static str,
    uv: bool,
    /// Extra `pristine init` arguments.
    init_args: &'static [&'static str],
    /// Build on `BASE_WITH_HEADERS` (C extensions built from source).
    headers: bool,
    /// The project itself is installed into the venv (a console script), so a source change
    /// rebuilds the venv layer.
    venv_has_project: bool,
    /// What the answer to `GET /` must contain, when it is not `message` (a page rendered by
    /// JavaScript).
    answer: Option<&'static str>,
}

const CASE: Case = Case {
    project: "",
    port: 0,
    message: "",
    source: "",
    install: "",
    naive_run: "pip install -r requirements.txt",
    uv: false,
    init_args: &[],
    headers: false,
    venv_has_project: false,
    answer: None,
};

/// The size of the image's layer made by the first history entry whose command contains
/// `needle` (`docker history` sizes, as `docker image inspect` adds them up).
fn layer_size(tag: &str, needle: &str) -> u64 {
    let out = run_ok(
        docker().args([
            "history",
            "--no-trunc",
            "--human=false",
            "--format",
            "{{.Size}}\t{{.CreatedBy}}",
            tag,
        ]),
        "docker history",
    );
    out.lines()
        .find(|l| l.contains(needle))
        .and_then(|l| l.split('\t').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no `{needle}` layer in the history of {tag}:\n{out}"))
}

fn run_case(case: &Case) {
    let t0 = Instant::now();
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../pristine_init/resources/test/projects")
        .join(case.project);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join(case.project);
    copy_tree(&src, &dir);
    // What a real checkout holds: the developer's `python3 -m venv .venv` (with the pip that
    // command puts in it, nothing else installed) and a secret the image must not get.
    run_ok(
        Command::new("python3")
            .args(["-m", "venv"])
            .arg(dir.join(".venv")),
        "python3 -m venv .venv (the host venv of the checkout)",
    );
    fs::write(dir.join(".env"), "DJANGO_SECRET_KEY=from-the-host\n").unwrap();
    // The checkout as the naive build gets it: no Dockerfile and no .dockerignore yet.
    let checkout = work.path().join("checkout");
    copy_tree(&dir, &checkout);

    let base = if case.headers {
        ensure_headers_image();
        BASE_WITH_HEADERS
    } else {
        ensure_base_image();
        BASE
    };
    let mut init = pristine();
    init.arg("init")
        .arg(&dir)
        .args(["--base-image", base])
        .args(case.init_args);
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
    let mut cleanup = Cleanup(vec![
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
    // The rebuild below takes the tag; the first image would be left dangling.
    let first_image = run_ok(
        docker().args(["image", "inspect", "-f", "{{.Id}}", &tag]),
        "docker image inspect",
    );
    cleanup.0.push(vec![
        "rmi".into(),
        "-f".into(),
        first_image.trim().to_owned(),
    ]);
    run_and_probe(&tag, &name, case.port, case.answer.unwrap_or(case.message));

    // A source-only change: the dependency layer must come from the cache.
    let source = dir.join(case.source);
    // A per-run token: BuildKit's cache is content-addressed and outlives the images, so a fixed
    // text would let a rerun's "changed" source hit the cache of an earlier run.
    let changed = format!("hello again after a source change {}", common::run_token());
    let code = fs::read_to_string(&source)
        .unwrap()
        .replace(case.message, &changed);
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
    assert_eq!(
        log.lines().any(|l| l == format!("{copy_venv} CACHED")),
        !case.venv_has_project,
        "[{}] the runtime's venv layer must be rebuilt after a source-only change exactly when \
         the project is installed in it:\n{log}",
        case.project
    );
    run_and_probe(&tag, &name, case.port, case.answer.unwrap_or(&changed));

    // The naive single-stage build a user writes first, of the checkout as it was before
    // `pristine init` (no .dockerignore), on the same base image. Its source was changed too.
    fs::write(
        checkout.join(case.source),
        fs::read_to_string(&source).unwrap(),
    )
    .unwrap();
    let naive = work.path().join("naive.Dockerfile");
    fs::write(
        &naive,
        format!(
            "FROM {base}\nWORKDIR /app\nCOPY . .\nRUN {}\n",
            case.naive_run
        ),
    )
    .unwrap();
    run_ok(
        docker()
            .args(["build", "--network=host", "-q", "-t", &naive_tag, "-f"])
            .arg(&naive)
            .arg(&checkout),
        "naive docker build",
    );
    let (size, naive_size, base_size) =
        (image_size(&tag), image_size(&naive_tag), image_size(base));
    // The same naive build had it had the generated .dockerignore: its `COPY . .` layer
    // replaced by the generated image's `COPY . /app` (the same files, from the same context).
    let naive_context = layer_size(&naive_tag, "COPY . .");
    let context = layer_size(&tag, "COPY . /app");
    let naive_same_context = naive_size - naive_context + context;
    eprintln!(
        "[{}] image {size} B = {:.2} MB (+{:.2} MB over the base); naive single-stage {naive_size} B = \
         {:.2} MB (+{:.2} MB; its COPY . . {:.2} MB, the generated COPY . /app {:.3} MB), with the \
         generated .dockerignore it would be {naive_same_context} B = {:.2} MB; first build {:.1}s, \
         rebuild after a source change {:.1}s, case total {:.1}s",
        case.project,
        mb(size),
        mb(size - base_size),
        mb(naive_size),
        mb(naive_size - base_size),
        mb(naive_context),
        mb(context),
        mb(naive_same_context),
        first_build.as_secs_f64(),
        rebuild.as_secs_f64(),
        t0.elapsed().as_secs_f64()
    );
    assert!(
        size < naive_size,
        "[{}] the generated image ({size} B) is not smaller than the naive one ({naive_size} B)",
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
        ..CASE
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
        naive_run: "pip install fastapi uvicorn",
        uv: true,
        ..CASE
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
        naive_run: "pip install 'django~=5.2' gunicorn",
        ..CASE
    });
}

/// psycopg2 from its sdist: gcc and libpq-dev in the builder, libpq5 in the runtime. The naive
/// build must install the same compiler and headers in its only stage, or it does not build.
#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn on_demand_pip_psycopg2_native() {
    run_case(&Case {
        project: "pip-psycopg2",
        port: 8106,
        message: "hello from pip-psycopg2",
        source: "message.py",
        install: "install -r requirements.txt",
        naive_run: "apt-get update && apt-get install -y gcc libpq-dev && pip install -r requirements.txt",
        headers: true,
        ..CASE
    });
}

/// A `[project.scripts]` console script (PEP 621, no lock): the project is installed into the
/// venv after its dependencies.
#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn init_pyproject_console_script() {
    run_case(&Case {
        project: "pyproject-cli",
        port: 8107,
        message: "hello from pyproject-cli",
        source: "src/hello_cli/message.py",
        install: "install -r /tmp/requirements.txt",
        naive_run: "pip install .",
        init_args: &["--port", "8107"],
        venv_has_project: true,
        ..CASE
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
        naive_run: "pip install flask==3.1.3 gunicorn==27.0.1",
        ..CASE
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
        naive_run: "pip install starlette uvicorn uvicorn-worker gunicorn",
        ..CASE
    });
}

/// Streamlit (numpy, pandas, pyarrow: 470 MB installed, 4.6 min, hence on demand). Its page
/// is rendered by JavaScript, so `GET /` is checked for the HTML shell; the HEALTHCHECK probes
/// `/_stcore/health`.
#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn on_demand_streamlit() {
    run_case(&Case {
        project: "streamlit-hello",
        port: 8501,
        message: "hello from streamlit-hello",
        source: "message.py",
        install: "install -r requirements.txt",
        answer: Some("HTTP/1.1 200"),
        ..CASE
    });
}
