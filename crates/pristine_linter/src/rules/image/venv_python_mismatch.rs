use pristine_image::Resolved;

use crate::Rule;
use crate::registry::declare_rule;
use crate::rules::image::{ImageChecker, venvs};

declare_rule! {
    /// ## What it does
    /// Compares the Python version recorded in each virtual environment's `pyvenv.cfg`
    /// (`version`, `version_info`) with the image's Python (`PYTHON_VERSION`, or
    /// `/usr/local/bin/python3.X`, `/usr/bin/python3.X`).
    ///
    /// ## Why is this bad?
    /// Packages live in `lib/python3.X/site-packages` and compiled modules carry
    /// `cpython-3X` suffixes: a venv made by Python 3.12 run by the image's 3.11 sees none of
    /// its packages (`ModuleNotFoundError`), and a builder stage on another Python version
    /// produces exactly that.
    ///
    /// ## Example
    /// `FROM python:3.12 AS builder` … `FROM python:3.11-slim` … `COPY --from=builder /venv /venv`.
    ///
    /// Use instead: the same base image (and Python) in every stage that builds or runs the
    /// venv.
    ///
    /// ## References
    /// - [PEP 405](https://peps.python.org/pep-0405/)
    pub(crate) struct ImageVenvPythonMismatch {
        code: "IM005",
        name: "image-venv-python-mismatch",
        family: Image,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Virtual environment made by another Python version than the image's",
    }
}

pub(crate) fn venv_python_mismatch(checker: &mut ImageChecker) {
    if !checker.enabled(Rule::ImageVenvPythonMismatch) {
        return;
    }
    let image = checker.image;
    let Some((major, minor)) = image.python else {
        return;
    };
    let mut findings = Vec::new();
    for (root, cfg) in venvs(image) {
        let Some(version) = cfg.get("version").or_else(|| cfg.get("version_info")) else {
            continue;
        };
        let mut parts = version.split('.');
        let (Some(Ok(a)), Some(Ok(b))) = (
            parts.next().map(str::parse::<u16>),
            parts.next().map(str::parse::<u16>),
        ) else {
            continue;
        };
        if (a, b) == (major, minor) {
            continue;
        }
        // The venv's `bin/python` links to `home`'s interpreter (CPython's `venv`, 3.11
        // `Lib/venv/__init__.py` `setup_python`): when `home` holds that very `python3.X` in
        // the image (Debian's `/usr/bin/python3.9` beside the image's `/usr/local/bin/python3.11`),
        // the venv runs with its own version.
        if let Some(home) = cfg.get("home")
            && matches!(
                image
                    .fs
                    .resolve(&format!("{}/python{a}.{b}", home.trim_end_matches('/'))),
                Resolved::Found(_)
            )
        {
            continue;
        }
        let layer = checker
            .layer_of(&format!("{root}/pyvenv.cfg"))
            .map(|l| checker.layer_label(l))
            .unwrap_or_default();
        findings.push((
            format!("{root}/pyvenv.cfg"),
            format!(
                "the virtual environment `/{root}` was made by Python {version}, the image has Python {major}.{minor}: its `lib/python{a}.{b}/site-packages` is not on {major}.{minor}'s path; added by {layer}"
            ),
        ));
    }
    for (path, message) in findings {
        checker.report(Rule::ImageVenvPythonMismatch, Some(&path), message);
    }
}
