use crate::Rule;
use crate::checkers::context::{
    Container, ContextChecker, Finding, Harm, count, human_bytes, lossy,
};
use crate::registry::declare_rule;
use std::fmt::Write as _;

declare_rule! {
    /// ## What it does
    /// Reports a Python virtual environment (a directory with a `pyvenv.cfg`) that is sent
    /// with the build context: one finding per environment, with its size, its file count and
    /// the host interpreter path that `pyvenv.cfg`'s `home =` line leaks.
    ///
    /// It is an error when a `COPY`/`ADD` of a stage that reaches the image copies it
    /// (`COPY . .`), and a warning when it is only sent to the builder.
    ///
    /// ## Why is this bad?
    /// A virtualenv is not relocatable: its scripts carry absolute shebangs of the host, its
    /// `bin/python` is a symlink to a host interpreter that does not exist in the image, and
    /// its extension modules were built for the host (a macOS `.so` fails with `invalid ELF
    /// header`). CPython's documentation: "environments are inherently non-portable". uv:
    /// "add `.venv` to a `.dockerignore` … The project virtual environment is dependent on
    /// your local platform and should be created from scratch in the image". When the image
    /// builds its own `/app/.venv`, a later `COPY . /app` merges the host one over it.
    ///
    /// ## Example
    /// A project with `.venv/` created by `uv sync` on a Mac, no `.dockerignore`, and
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY . .
    /// ```
    ///
    /// Use instead: a `.dockerignore` with
    /// ```text
    /// **/.venv
    /// ```
    /// and create the environment in the image (`RUN uv sync --frozen`).
    ///
    /// ## Fix safety
    /// The fix adds the line shown in the help to the ignore file (`.dockerignore`, or the
    /// Dockerfile's own `<name>.dockerignore`; created when missing), under a `# added by pristine`
    /// comment, after the user's lines. A line is only added if the matcher shows it excludes the
    /// finding and excludes no path a `COPY`/`ADD` names. What this rule finds is never meant for an
    /// image, so the fix is safe even when a broad `COPY . .` copied it.
    ///
    /// ## References
    /// - [venv — Creation of virtual environments](https://docs.python.org/3/library/venv.html)
    /// - [PEP 405](https://peps.python.org/pep-0405/)
    /// - [uv: Using uv in Docker](https://docs.astral.sh/uv/guides/integration/docker/)
    pub(crate) struct HostVirtualenv {
        code: "CX004",
        name: "host-virtualenv",
        family: Context,
        severity: Error,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "Host virtualenv sent with the build context",
    }
}

/// The interesting keys of a `pyvenv.cfg` (`key = value` lines).
#[derive(Debug, Default)]
pub(crate) struct PyvenvCfg {
    pub(crate) home: Option<String>,
    pub(crate) version: Option<String>,
    pub(crate) creator: Option<String>,
}

pub(crate) fn parse_pyvenv_cfg(bytes: &[u8]) -> PyvenvCfg {
    let mut cfg = PyvenvCfg::default();
    for line in String::from_utf8_lossy(bytes).lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim().to_string();
        match key.trim().to_ascii_lowercase().as_str() {
            "home" => cfg.home = Some(value),
            "version" | "version_info" if cfg.version.is_none() => cfg.version = Some(value),
            "uv" => cfg.creator = Some(format!("uv {value}")),
            "virtualenv" => cfg.creator = Some(format!("virtualenv {value}")),
            _ => {}
        }
    }
    cfg
}

/// What a `home =` path says about the host.
pub(crate) fn host_os(home: &str) -> Option<&'static str> {
    let h = home.trim();
    if h.starts_with("/Users/")
        || h.starts_with("/opt/homebrew")
        || h.starts_with("/Library/")
        || h.starts_with("/Applications/")
    {
        Some("macOS")
    } else if h.len() >= 3
        && h.as_bytes()[1] == b':'
        && (h.as_bytes()[2] == b'\\' || h.as_bytes()[2] == b'/')
        || h.starts_with("\\\\")
    {
        Some("Windows")
    } else {
        None
    }
}

pub(crate) fn host_virtualenv(checker: &mut ContextChecker) {
    for dir in checker.top_containers(Container::Venv) {
        let (files, bytes) = checker.totals(&dir);
        let mut cfg_path = dir.clone();
        cfg_path.extend_from_slice(b"/pyvenv.cfg");
        let cfg = checker
            .facts
            .content
            .head(&cfg_path, 16 * 1024)
            .map(|b| parse_pyvenv_cfg(&b))
            .unwrap_or_default();
        let mut message = format!("`{}` is a host virtualenv", checker.shown(&dir, true));
        let mut about = Vec::new();
        if let Some(version) = &cfg.version {
            about.push(format!("Python {version}"));
        }
        if let Some(creator) = &cfg.creator {
            about.push(format!("made by {creator}"));
        }
        about.push(format!("{}, {}", count(files, "file"), human_bytes(bytes)));
        let _ = write!(message, " ({})", about.join(", "));
        if let Some(home) = &cfg.home {
            let _ = write!(
                message,
                "; `pyvenv.cfg` points at the host interpreter in `{home}`"
            );
            if let Some(os) = host_os(home) {
                let _ = write!(
                    message,
                    ", a {os} path: this environment cannot run in a Linux image"
                );
            }
        }
        let name = lossy(crate::checkers::context::basename(&dir));
        let pattern = if dir.contains(&b'/') {
            format!("**/{name}")
        } else {
            name
        };
        checker.report_finding(Finding {
            rule: Rule::HostVirtualenv,
            path: dir,
            is_dir: true,
            more: Vec::new(),
            message,
            ignore_lines: vec![pattern],
            harm: Harm::Hazard,
        });
    }
}
