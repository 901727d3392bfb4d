//! The Dockerfile: a builder stage with the package manager (and build tools when a dependency
//! needs them) that fills a virtual environment, and a runtime stage from the same base image
//! that copies only that environment, at the same absolute path (venvs are not relocatable:
//! python-rules.md §3.6, R40), then the source.

use crate::dockerignore::dockerignore;
use crate::{App, Detection, Framework, GeneratedFile, Options, PackageManager, Snapshot};

/// uv's version in `COPY --from=ghcr.io/astral-sh/uv:<version>` (pinned: R22).
pub const UV_VERSION: &str = "0.13.9";
const POETRY_VERSION: &str = "2.5.1";
const PDM_VERSION: &str = "2.29.4";
/// hishel 2.0 breaks PDM 2.29.4 (`AttributeError: SyncSqliteStorage`), and its `locked` extra
/// pins a certifi release that PyPI no longer serves: pin the one dependency that matters.
const PDM_HISHEL: &str = "hishel==1.4.0";
/// Bytecode for what PDM installed (`-q`: errors only; already compiled files are skipped).
const PDM_COMPILE: &str = "/app/.venv/bin/python -m compileall -q /app/.venv/lib";
const PIPENV_VERSION: &str = "2026.10.3";
const MICROMAMBA_IMAGE: &str = "mambaorg/micromamba:1.5.10";
/// pip of the base image, installing into the app's venv (pip ≥ 22.3).
const PIP: &str = "python -m pip --python /opt/venv/bin/python";
/// The non-root user of the runtime stage (numeric in `USER`: DF029).
const UID: u32 = 10001;

struct Out {
    text: String,
    why: Vec<String>,
}

impl Out {
    fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
    }
    fn why(&mut self, text: impl Into<String>) {
        self.why.push(text.into());
    }
}

fn json_array(items: &[String]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|i| serde_json::to_string(i).unwrap_or_default())
        .collect();
    format!("[{}]", items.join(", "))
}

fn healthcheck(detection: &Detection) -> Option<String> {
    let port = detection.port.as_ref()?.value;
    let path = if matches!(detection.app.value, App::Streamlit { .. }) {
        "/_stcore/health"
    } else {
        "/"
    };
    // Any HTTP answer below 500 means the server is up (an app may have no route at `/`,
    // Django answers 400 to an unexpected Host); refused or timed-out connections fail.
    let code = format!(
        "import sys, urllib.request, urllib.error\n\
         try: urllib.request.urlopen('http://127.0.0.1:{port}{path}', timeout=4)\n\
         except urllib.error.HTTPError as e: sys.exit(e.code >= 500)\n\
         except OSError: sys.exit(1)"
    );
    Some(json_array(&["python".to_owned(), "-c".to_owned(), code]))
}

fn venv_of(pm: PackageManager) -> &'static str {
    match pm {
        PackageManager::Pip | PackageManager::PipPyproject => "/opt/venv",
        PackageManager::Conda => "/opt/conda",
        _ => "/app/.venv",
    }
}

fn apt_install(out: &mut Out, packages: &[&str], purpose: &str) {
    out.line(&format!("# {purpose}."));
    out.line("# Debian's stable release only gets security fixes, so these are left unpinned;");
    out.line("# pin them (`pkg=VERSION`) if you need bit-for-bit rebuilds.");
    out.line("# pristine: ignore[apt-package-unpinned]");
    out.line(&format!(
        "RUN apt-get update \\\n && apt-get install -y --no-install-recommends {} \\\n && rm -rf /var/lib/apt/lists/*",
        packages.join(" ")
    ));
}

/// The runtime stage puts the venv's `bin/` on `PATH` and never activates it, so the activation
/// scripts are dead weight (14 kB from `venv`, about 25 kB from virtualenv and uv: `activate*`,
/// `Activate.ps1`, `deactivate*`, uv's `pydoc.bat`); removed in the builder, they never reach a
/// runtime layer.
fn drop_activation(venv: &str) -> String {
    format!(
        "rm -f {venv}/bin/activate* {venv}/bin/Activate.ps1 {venv}/bin/deactivate* {venv}/bin/pydoc.bat"
    )
}

fn tool_venv(out: &mut Out, dir: &str, spec: &str) {
    out.line(&format!(
        "RUN --mount=type=cache,target=/root/.cache/pip \\\n    python -m venv {dir} && {dir}/bin/pip install {spec}"
    ));
}

#[allow(clippy::too_many_lines)]
fn builder(out: &mut Out, d: &Detection, options: &Options, base: &str) {
    let pm = d.package_manager.value;
    let install_project = d.install_project.as_ref().is_some_and(|e| e.value);
    out.line(&format!("FROM {base} AS builder"));
    let mut build: Vec<&str> = d
        .native
        .iter()
        .flat_map(|n| n.build.iter().copied())
        .collect();
    build.sort_unstable();
    build.dedup();
    if !build.is_empty() {
        apt_install(
            out,
            &build,
            "Compilers and headers to build the dependencies that need them",
        );
        for n in &d.native {
            out.why(format!(
                "builder: {} for `{}` ({})",
                n.build.join(", "),
                n.package,
                n.evidence
            ));
        }
    }
    match pm {
        PackageManager::Pip | PackageManager::PipPyproject => {
            out.line("ENV PIP_DISABLE_PIP_VERSION_CHECK=1");
            out.line(&format!(
                "RUN python -m venv --without-pip /opt/venv \\\n && {}",
                drop_activation("/opt/venv")
            ));
            out.why("builder: /opt/venv without its own pip (the base image's pip installs into it with --python), so the runtime image carries no installer, and without the activation scripts (PATH does their job)");
            out.line("WORKDIR /app");
            if pm == PackageManager::Pip {
                if let Some(req) = &d.requirements {
                    let mut lines = vec!["--mount=type=cache,target=/root/.cache/pip".to_owned()];
                    for f in &d.dependency_files {
                        lines.push(format!("--mount=type=bind,source={f},target={f}"));
                    }
                    lines.push(format!("{PIP} install -r {req}"));
                    out.line(&format!("RUN {}", lines.join(" \\\n    ")));
                    out.why(format!(
                        "builder: `pip install -r {req}` into /opt/venv with the requirement files bind-mounted ({}), before the source, with pip's cache in a cache mount (Docker's Python guide)",
                        d.dependency_files.join(", ")
                    ));
                } else {
                    out.why("builder: no requirements file, so the venv holds only what the base image's pip brings");
                }
                if install_project {
                    out.line("COPY . /app");
                    out.line(&format!(
                        "RUN --mount=type=cache,target=/root/.cache/pip {PIP} install --no-deps ."
                    ));
                }
            } else {
                out.line("# pip has no \"dependencies only\" install before 26.2 (`--only-deps`): read them from");
                out.line("# pyproject.toml, so that source changes do not reinstall them.");
                out.line(
                    "RUN --mount=type=cache,target=/root/.cache/pip \\\n    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \\\n    python -c \"import tomllib; print('\\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project'].get('dependencies', [])))\" > /tmp/requirements.txt \\\n && python -m pip --python /opt/venv/bin/python install -r /tmp/requirements.txt",
                );
                out.why("builder: the [project] dependencies, read with tomllib (Python ≥ 3.11), are installed before the source is copied");
                if install_project {
                    out.line("COPY . /app");
                    out.line(&format!(
                        "RUN --mount=type=cache,target=/root/.cache/pip {PIP} install --no-deps ."
                    ));
                    out.why("builder: the project itself is installed (not editable) after the source, with --no-deps");
                }
            }
        }
        PackageManager::Uv => {
            let image = options
                .uv_image
                .clone()
                .unwrap_or_else(|| format!("ghcr.io/astral-sh/uv:{UV_VERSION}"));
            out.line(&format!("COPY --from={image} /uv /uvx /bin/"));
            out.why(format!(
                "builder: uv is copied from `{image}` (uv's Docker guide; pinned; only in the builder){}",
                if options.uv_image.is_some() { " — from --uv-image" } else { "" }
            ));
            out.line(
                "ENV UV_COMPILE_BYTECODE=1 \\\n    UV_LINK_MODE=copy \\\n    UV_PYTHON_DOWNLOADS=0",
            );
            out.why("builder: UV_COMPILE_BYTECODE=1 (faster start), UV_LINK_MODE=copy (the cache is a mount), UV_PYTHON_DOWNLOADS=0 (use the base image's Python, which the runtime stage also has)");
            out.line("WORKDIR /app");
            out.line(&format!("RUN --mount=type=cache,target=/root/.cache/uv \\\n    --mount=type=bind,source=uv.lock,target=uv.lock \\\n    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \\\n    uv sync --locked --no-install-project --no-dev \\\n && {}",
                drop_activation("/app/.venv")
            ));
            out.why("builder: `uv sync --locked --no-install-project --no-dev` with uv.lock and pyproject.toml bind-mounted: the dependency layer only changes with the lock (uv's \"intermediate layers\")");
            if install_project {
                out.line("COPY . /app");
                out.line("RUN --mount=type=cache,target=/root/.cache/uv \\\n    uv sync --locked --no-dev --no-editable");
                out.why("builder: the project is installed non-editable after the source (its console script)");
            }
        }
        PackageManager::Poetry => {
            out.line("ENV POETRY_NO_INTERACTION=1 \\\n    POETRY_VIRTUALENVS_CREATE=1 \\\n    POETRY_VIRTUALENVS_IN_PROJECT=1 \\\n    POETRY_VIRTUALENVS_OPTIONS_NO_PIP=1");
            tool_venv(out, "/opt/poetry", &format!("poetry=={POETRY_VERSION}"));
            out.why(format!("builder: Poetry {POETRY_VERSION} in its own venv /opt/poetry, never in the app's environment (Poetry's install docs)"));
            out.line("WORKDIR /app");
            out.line("COPY pyproject.toml poetry.lock ./");
            out.line(&format!(
                "RUN --mount=type=cache,target=/root/.cache/pypoetry \\\n    /opt/poetry/bin/poetry install --only main --no-root --no-directory --compile \\\n && {}",
                drop_activation("/app/.venv")
            ));
            out.why("builder: `poetry install --only main --no-root --no-directory` after copying only pyproject.toml and poetry.lock (Poetry FAQ), into /app/.venv (POETRY_VIRTUALENVS_IN_PROJECT)");
            out.why("builder: `--compile`: Poetry's installer writes no bytecode by default, and the runtime (PYTHONDONTWRITEBYTECODE=1, source owned by root) would compile every import at each start");
            if install_project {
                out.line("COPY . /app");
                out.line("RUN --mount=type=cache,target=/root/.cache/pypoetry \\\n    /opt/poetry/bin/poetry install --only main --compile");
                out.why("builder: the project is installed (editable, as Poetry does) after the source; the runtime stage has the source at the same /app");
            }
        }
        PackageManager::Pipenv => {
            out.line("ENV PIPENV_VENV_IN_PROJECT=1");
            tool_venv(out, "/opt/pipenv", &format!("pipenv=={PIPENV_VERSION}"));
            out.why(format!("builder: Pipenv {PIPENV_VERSION} in its own venv /opt/pipenv; PIPENV_VENV_IN_PROJECT=1 puts the app's environment at /app/.venv"));
            out.line("WORKDIR /app");
            // Pipenv installs with its own vendored pip run by the environment's python
            // (pipenv/utils/pip.py, get_runnable_pip, 2026.10.3), so the environment needs no
            // pip; left to itself it seeds pip and setuptools (9 MB) through virtualenv. It takes
            // a venv as existing only when it has `bin/activate` (pipenv/utils/venv_locator.py,
            // `exists`), so the activation scripts go after the install.
            out.line("RUN python -m venv --without-pip /app/.venv");
            out.why("builder: /app/.venv made beforehand without pip, which Pipenv then uses (its virtualenv would add pip and setuptools, 9 MB); the activation scripts are removed after the install");
            out.line("COPY Pipfile Pipfile.lock ./");
            out.line(&format!(
                "RUN --mount=type=cache,target=/root/.cache/pip \\\n    --mount=type=cache,target=/root/.cache/pipenv \\\n    /opt/pipenv/bin/pipenv install --deploy \\\n && {}",
                drop_activation("/app/.venv")
            ));
            out.why("builder: `pipenv install --deploy` (fails when Pipfile.lock is out of date) after copying only Pipfile and Pipfile.lock (Pipenv's Docker page)");
        }
        PackageManager::Pdm => {
            out.line("ENV PDM_CHECK_UPDATE=false");
            tool_venv(out, "/opt/pdm", &format!("pdm=={PDM_VERSION} {PDM_HISHEL}"));
            out.why(format!("builder: PDM {PDM_VERSION} in its own venv /opt/pdm, with {PDM_HISHEL} (hishel 2.0 breaks it)"));
            out.line("WORKDIR /app");
            out.line("COPY pyproject.toml pdm.lock ./");
            out.line(&format!(
                "RUN --mount=type=cache,target=/root/.cache/pdm \\\n    /opt/pdm/bin/pdm install --check --prod --no-self --no-editable \\\n && {PDM_COMPILE} \\\n && {}",
                drop_activation("/app/.venv")
            ));
            out.why("builder: `pdm install --check --prod --no-self` after copying only pyproject.toml and pdm.lock (PDM's multi-stage recipe, split so that the source comes later)");
            out.why("builder: PDM's installer writes no bytecode (it has no option for it): `compileall` does, as pip and uv's UV_COMPILE_BYTECODE do, so that the runtime does not compile every import at each start");
            if install_project {
                out.line("COPY . /app");
                out.line(&format!(
                    "RUN --mount=type=cache,target=/root/.cache/pdm \\\n    /opt/pdm/bin/pdm install --check --prod --no-editable \\\n && {PDM_COMPILE}"
                ));
            }
        }
        PackageManager::Conda => {}
    }
}

fn runtime_env(d: &Detection, venv: &str) -> String {
    let mut env = vec![
        "PYTHONDONTWRITEBYTECODE=1".to_owned(),
        "PYTHONUNBUFFERED=1".to_owned(),
        format!("PATH=\"{venv}/bin:$PATH\""),
    ];
    if let Some(p) = &d.python_path {
        env.push(format!("PYTHONPATH={}", p.value));
    }
    format!("ENV {}", env.join(" \\\n    "))
}

fn tail(out: &mut Out, d: &Detection) {
    if let Some(port) = &d.port {
        out.line(&format!("EXPOSE {}", port.value));
        out.why(format!("EXPOSE {} ({})", port.value, port.evidence));
    }
    if let Some(check) = healthcheck(d) {
        out.line(&format!(
            "HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \\\n    CMD {check}"
        ));
        out.why("HEALTHCHECK with the image's own Python (urllib), so no curl is needed; any HTTP status below 500 counts as up");
    }
    out.line(&format!("CMD {}", json_array(&d.command.value)));
    out.why(format!(
        "CMD {} in exec form, so the server is PID 1 and gets SIGTERM ({}; {})",
        d.command.value.join(" "),
        d.app.evidence,
        d.command.evidence
    ));
}

fn conda(out: &mut Out, d: &Detection, base: &str) {
    let file = d
        .dependency_files
        .first()
        .map_or("environment.yml", String::as_str);
    out.line(&format!("FROM {base}"));
    out.line(&format!(
        "COPY --chown=$MAMBA_USER:$MAMBA_USER {file} /tmp/environment.yml"
    ));
    out.line("RUN micromamba install -y -n base -f /tmp/environment.yml \\\n && micromamba clean --all --yes");
    out.line("ENV PYTHONDONTWRITEBYTECODE=1 \\\n    PYTHONUNBUFFERED=1 \\\n    PATH=\"/opt/conda/bin:$PATH\"");
    out.line("WORKDIR /app");
    out.line("COPY --chown=$MAMBA_USER:$MAMBA_USER . /app");
    out.why(format!(
        "conda: micromamba's image (non-root `$MAMBA_USER`, keeps its entrypoint so CMD runs in the environment) installs {file} before the source (micromamba-docker quick start)"
    ));
    tail(out, d);
}

/// The generated files and the explanation of every choice.
pub fn generate(
    d: &Detection,
    snapshot: &Snapshot,
    options: &Options,
) -> (Vec<GeneratedFile>, Vec<String>) {
    let pm = d.package_manager.value;
    let mut out = Out {
        text: String::new(),
        why: Vec::new(),
    };
    out.why(format!(
        "package manager: {} ({})",
        pm, d.package_manager.evidence
    ));
    out.why(format!("Python {} ({})", d.python.value, d.python.evidence));
    let base = match (&options.base_image, pm) {
        (Some(b), _) => {
            out.why(format!("base image {b} (--base-image)"));
            b.clone()
        }
        (None, PackageManager::Conda) => {
            out.why(format!(
                "base image {MICROMAMBA_IMAGE} (micromamba, pinned)"
            ));
            MICROMAMBA_IMAGE.to_owned()
        }
        (None, _) => {
            let b = format!("python:{}-slim-bookworm", d.python.value);
            out.why(format!(
                "base image {b}: the official image, -slim, Python minor and Debian release pinned (R34/R35)"
            ));
            b
        }
    };
    if options.syntax {
        out.line("# syntax=docker/dockerfile:1");
        out.why("`# syntax=docker/dockerfile:1` (--syntax): BuildKit pulls that frontend image before each build");
    }
    out.line(&format!(
        "# Generated by `pristine init` ({}). `pristine init` explains each choice on stderr.",
        describe(d)
    ));
    out.line("# Cache mounts need BuildKit, the default builder since Docker 23.");
    out.line("");

    if pm == PackageManager::Conda {
        conda(&mut out, d, &base);
    } else {
        builder(&mut out, d, options, &base);
        let venv = venv_of(pm);
        out.line("");
        out.line(&format!("FROM {base}"));
        out.why(format!(
            "runtime stage FROM the same image as the builder (the venv links to its Python), with only {venv} copied from the builder, at the same path (venvs are not relocatable)"
        ));
        out.line(&runtime_env(d, venv));
        out.why(format!(
            "ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 (logs unbuffered), PATH starts with {venv}/bin{}",
            d.python_path
                .as_ref()
                .map(|p| format!(", PYTHONPATH={} ({})", p.value, p.evidence))
                .unwrap_or_default()
        ));
        let mut runtime: Vec<&str> = d
            .native
            .iter()
            .flat_map(|n| n.runtime.iter().copied())
            .collect();
        runtime.sort_unstable();
        runtime.dedup();
        let user = format!(
            "groupadd --system --gid {UID} app \\\n && useradd --system --no-log-init --uid {UID} --gid {UID} --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app"
        );
        if runtime.is_empty() {
            out.line(&format!("RUN {user}"));
        } else {
            out.line("# Shared libraries the compiled dependencies load at run time (no compilers here).");
            out.line(
                "# Debian's stable release only gets security fixes, so these are left unpinned.",
            );
            out.line("# pristine: ignore[apt-package-unpinned]");
            out.line(&format!(
                "RUN apt-get update \\\n && apt-get install -y --no-install-recommends {} \\\n && rm -rf /var/lib/apt/lists/* \\\n && {user}",
                runtime.join(" ")
            ));
            out.why(format!(
                "runtime: only the shared libraries {} (no compilers or headers)",
                runtime.join(", ")
            ));
        }
        out.why(format!(
            "a system user `app` (uid {UID}, no home, no shell); USER is numeric so that Kubernetes' runAsNonRoot can verify it"
        ));
        out.line("WORKDIR /app");
        out.line(&format!("COPY --from=builder {venv} {venv}"));
        out.line("COPY . /app");
        out.why("the source is copied last, read-only (owned by root); the .dockerignore keeps environments, caches and secrets out");
        out.line(&format!("USER {UID}:{UID}"));
        tail(&mut out, d);
    }
    if let Some(compose) = &d.compose {
        out.why(format!(
            "{compose} exists: it is left as is; `pristine check` also checks its builds"
        ));
    }
    let (ignore, ignore_why) = dockerignore(snapshot, d);
    out.why
        .extend(ignore_why.into_iter().map(|w| format!(".dockerignore {w}")));
    for w in &d.warnings {
        out.why.push(format!("warning: {w}"));
    }
    (
        vec![
            GeneratedFile {
                path: "Dockerfile",
                content: out.text,
            },
            GeneratedFile {
                path: ".dockerignore",
                content: ignore,
            },
        ],
        out.why,
    )
}

fn describe(d: &Detection) -> String {
    let framework = |f: &Framework| match f {
        Framework::FastApi => "FastAPI",
        Framework::Starlette => "Starlette",
        Framework::Flask => "Flask",
        Framework::Django => "Django",
    };
    let app = match &d.app.value {
        App::Asgi { framework: f, .. } | App::Wsgi { framework: f, .. } => framework(f).to_owned(),
        App::Streamlit { .. } => "Streamlit".to_owned(),
        App::ConsoleScript { name } => format!("console script {name}"),
        App::Script { path } => path.clone(),
        App::Command { .. } => "custom command".to_owned(),
    };
    format!(
        "{}, {app}, Python {}",
        d.package_manager.value, d.python.value
    )
}
