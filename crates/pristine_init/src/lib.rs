//! `pristine init`: detect how a Python project is built and started, and generate its
//! Dockerfile and `.dockerignore`.
//!
//! No I/O: the caller walks the project, gives the list of paths and the contents of the files
//! [`wants_content`] asks for as a [`Snapshot`], and gets back the [`Detection`] (every finding
//! with the evidence it used), the generated files and one explanation per choice.
//!
//! The recipes follow each tool's documented Docker layout (shared knowledge base
//! `python-rules.md` §3: 3.1 pip, 3.2 Poetry, 3.3 uv, 3.4 Pipenv, 3.5 PDM, 3.6 multi-stage venv at
//! a fixed path, 3.7 conda) and must pass every pristine rule.

// Paths here are POSIX paths from a build context, where `X.PY` is not a Python module.
#![allow(clippy::case_sensitive_file_extension_comparisons)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

mod detect;
mod dockerignore;
mod generate;
mod python;

pub use detect::detect;
pub use generate::{UV_VERSION, generate};

/// What the caller read from the project directory.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// Every path found, relative, `/`-separated; directories end with `/`. Directories that
    /// are not entered (virtual environments, `.git`, `node_modules`) are listed with their
    /// marker files (`venv/pyvenv.cfg`, `env/conda-meta/`).
    pub paths: BTreeSet<String>,
    /// The contents of the files for which [`wants_content`] returned true (UTF-8, lossy).
    pub contents: BTreeMap<String, String>,
}

impl Snapshot {
    pub fn has(&self, path: &str) -> bool {
        self.paths.contains(path)
    }

    pub fn has_dir(&self, path: &str) -> bool {
        self.paths.contains(&format!("{path}/"))
    }

    pub fn content(&self, path: &str) -> Option<&str> {
        self.contents.get(path).map(String::as_str)
    }
}

/// Directory names that the caller should list but not enter.
pub fn is_opaque_dir(name: &str) -> bool {
    matches!(
        name,
        ".git"
            | ".hg"
            | ".svn"
            | "node_modules"
            | "__pycache__"
            | ".tox"
            | ".nox"
            | ".mypy_cache"
            | ".pytest_cache"
            | ".ruff_cache"
            | ".hypothesis"
            | "__pypackages__"
    )
}

/// Whether [`detect`] needs the content of the file at `path` (relative, `/`-separated).
pub fn wants_content(path: &str) -> bool {
    let depth = path.matches('/').count();
    let name = path.rsplit('/').next().unwrap_or(path);
    if depth == 0
        && matches!(
            name,
            "pyproject.toml"
                | "Pipfile"
                | "Pipfile.lock"
                | "poetry.lock"
                | "uv.lock"
                | "pdm.lock"
                | ".python-version"
                | "runtime.txt"
                | "environment.yml"
                | "environment.yaml"
                | "manage.py"
                | "compose.yaml"
                | "compose.yml"
                | "docker-compose.yaml"
                | "docker-compose.yml"
        )
    {
        return true;
    }
    if depth <= 3
        && (name.ends_with(".txt") || name.ends_with(".in"))
        && (name.starts_with("requirements") || path.contains("requirements/"))
    {
        return true;
    }
    depth <= 4
        && name.ends_with(".py")
        && !path
            .split('/')
            .any(|c| matches!(c, "tests" | "test" | "docs" | "migrations"))
}

/// A detected fact and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence<T> {
    pub value: T,
    /// Where it was found (`uv.lock`, ``app/main.py: `app = FastAPI()` ``), or why it is a default.
    pub evidence: String,
}

impl<T> Evidence<T> {
    pub(crate) fn new(value: T, evidence: impl Into<String>) -> Self {
        Self {
            value,
            evidence: evidence.into(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PackageManager {
    /// `requirements*.txt` (with their `-r`/`-c` includes).
    Pip,
    /// A PEP 621 `pyproject.toml` without a lock file, installed with pip.
    PipPyproject,
    Poetry,
    Uv,
    Pipenv,
    Pdm,
    Conda,
}

impl PackageManager {
    pub fn name(self) -> &'static str {
        match self {
            PackageManager::Pip => "pip",
            PackageManager::PipPyproject => "pip (pyproject.toml)",
            PackageManager::Poetry => "Poetry",
            PackageManager::Uv => "uv",
            PackageManager::Pipenv => "Pipenv",
            PackageManager::Pdm => "PDM",
            PackageManager::Conda => "conda",
        }
    }
}

impl std::str::FromStr for PackageManager {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "pip" | "requirements" => PackageManager::Pip,
            "pyproject" | "pip-pyproject" => PackageManager::PipPyproject,
            "poetry" => PackageManager::Poetry,
            "uv" => PackageManager::Uv,
            "pipenv" => PackageManager::Pipenv,
            "pdm" => PackageManager::Pdm,
            "conda" | "micromamba" | "mamba" => PackageManager::Conda,
            _ => {
                return Err(format!(
                    "unknown package manager `{s}` (pip, pyproject, poetry, uv, pipenv, pdm, conda)"
                ));
            }
        })
    }
}

impl fmt::Display for PackageManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The framework behind an HTTP app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framework {
    FastApi,
    Starlette,
    Flask,
    Django,
}

/// What the image runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum App {
    /// An ASGI app object (`module:attr`).
    Asgi {
        framework: Framework,
        target: String,
    },
    /// A WSGI app object or factory call (`module:attr`, `module:create_app()`).
    Wsgi {
        framework: Framework,
        target: String,
    },
    /// `streamlit run SCRIPT`.
    Streamlit { script: String },
    /// A console script from `[project.scripts]` / `[tool.poetry.scripts]`.
    ConsoleScript { name: String },
    /// `python SCRIPT`.
    Script { path: String },
    /// `--entrypoint`: the command, already split.
    Command { argv: Vec<String> },
}

impl App {
    pub fn is_web(&self) -> bool {
        matches!(
            self,
            App::Asgi { .. } | App::Wsgi { .. } | App::Streamlit { .. }
        )
    }
}

/// System packages a dependency needs: headers and tools to build it, libraries to run it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NativeNeed {
    pub package: String,
    pub build: Vec<&'static str>,
    pub runtime: Vec<&'static str>,
    pub evidence: String,
}

/// Everything [`detect`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detection {
    pub package_manager: Evidence<PackageManager>,
    /// The files the dependency step needs, in the order they are copied or mounted
    /// (`pyproject.toml`, `uv.lock`; `requirements.txt` and its includes; …).
    pub dependency_files: Vec<String>,
    /// The requirements file pip installs from (pip only).
    pub requirements: Option<String>,
    /// Python `X.Y`.
    pub python: Evidence<String>,
    pub app: Evidence<App>,
    /// The port an HTTP app listens on.
    pub port: Option<Evidence<u16>>,
    /// The server command (exec form), with its evidence.
    pub command: Evidence<Vec<String>>,
    /// Whether the project itself must be installed into the environment (a console script
    /// needs its entry point); otherwise the image runs it from the copied source.
    pub install_project: Option<Evidence<bool>>,
    /// Directory to put on `PYTHONPATH` (a `src/` layout run from source).
    pub python_path: Option<Evidence<String>>,
    pub native: Vec<NativeNeed>,
    pub compose: Option<String>,
    /// Normalised names of the runtime dependencies that were found.
    pub dependencies: BTreeSet<String>,
    /// Problems the user should know about (no server package, version mismatches, …).
    pub warnings: Vec<String>,
}

/// User choices (`pristine init` flags).
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub base_image: Option<String>,
    pub python: Option<String>,
    pub package_manager: Option<PackageManager>,
    /// A command line (whitespace-separated, `"`/`'` quoting) or a JSON array.
    pub entrypoint: Option<String>,
    pub port: Option<u16>,
    /// The image uv is copied from (default `ghcr.io/astral-sh/uv:<UV_VERSION>`).
    pub uv_image: Option<String>,
    /// Emit a `# syntax=docker/dockerfile:1` line (BuildKit then pulls that frontend).
    pub syntax: bool,
}

/// A generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: &'static str,
    pub content: String,
}

/// The result of `pristine init`.
#[derive(Clone, Debug)]
pub struct Init {
    pub detection: Detection,
    pub files: Vec<GeneratedFile>,
    /// One line per choice, for stderr.
    pub explanations: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InitError {
    #[error(
        "no Python project found: expected pyproject.toml, requirements*.txt, Pipfile, environment.yml or a .py file"
    )]
    NotAProject,
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
    #[error("--entrypoint: {0}")]
    Entrypoint(String),
    #[error("--python `{0}`: expected a version such as 3.12")]
    Python(String),
}

/// Detects and generates in one step.
pub fn init(snapshot: &Snapshot, options: &Options) -> Result<Init, InitError> {
    let detection = detect(snapshot, options)?;
    let (files, explanations) = generate(&detection, snapshot, options);
    Ok(Init {
        detection,
        files,
        explanations,
    })
}
