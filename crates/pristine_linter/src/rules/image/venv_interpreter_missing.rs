use pristine_image::Resolved;

use crate::Rule;
use crate::registry::declare_rule;
use crate::rules::image::{ImageChecker, venvs};

declare_rule! {
    /// ## What it does
    /// For every virtual environment in the image (a directory with `pyvenv.cfg`), checks
    /// that its interpreter `bin/python` resolves to a file in the image, and that the `home`
    /// of `pyvenv.cfg` (the base interpreter's directory) exists there and is not a host path
    /// (`/Users/…`, `/opt/homebrew/…`, `C:\…`).
    ///
    /// ## Why is this bad?
    /// The venv's `bin/python` is a symlink to the interpreter that made it. Made on the host
    /// or in a builder stage with another Python location, it dangles in the image: running
    /// it, or any console script of the venv, fails with
    /// `exec /app/.venv/bin/python: no such file or directory`.
    ///
    /// ## Example
    /// A `.venv` made by `uv venv` on macOS (`home = /opt/homebrew/opt/python@3.12/bin`)
    /// copied with `COPY . .`.
    ///
    /// Use instead: create the venv in the image (or in a builder stage with the same base
    /// image and the same venv path).
    ///
    /// ## References
    /// - [PEP 405](https://peps.python.org/pep-0405/)
    pub(crate) struct ImageVenvInterpreterMissing {
        code: "IM004",
        name: "image-venv-interpreter-missing",
        family: Image,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Virtual environment whose interpreter does not exist in the image",
    }
}

pub(crate) fn is_host_path(path: &str) -> bool {
    path.starts_with("/Users/")
        || path.starts_with("/opt/homebrew")
        || path.starts_with("/Library/")
        || path.starts_with("/usr/local/Cellar")
        || path.starts_with("/home/")
        || path.as_bytes().get(1) == Some(&b':')
}

pub(crate) fn venv_interpreter_missing(checker: &mut ImageChecker) {
    if !checker.enabled(Rule::ImageVenvInterpreterMissing) {
        return;
    }
    let image = checker.image;
    let mut findings = Vec::new();
    for (root, cfg) in venvs(image) {
        let home = cfg.get("home").cloned().unwrap_or_default();
        let home_missing = !home.is_empty() && !image.fs.is_dir(home.trim_end_matches(['/', '\\']));
        let mut problems = Vec::new();
        let python = ["bin/python", "bin/python3"]
            .iter()
            .map(|p| format!("{root}/{p}"))
            .find(|p| image.fs.get(p).is_some());
        match &python {
            Some(python) => match image.fs.resolve(python) {
                Resolved::Found(_) => {}
                Resolved::Missing(missing) => problems.push(format!(
                    "`/{python}` points at `/{missing}`, which does not exist in the image: running it fails with `exec /{python}: no such file or directory`"
                )),
                Resolved::Loop => problems.push(format!("`/{python}` is a symlink loop")),
            },
            None if image.fs.is_dir(&format!("{root}/Scripts")) => {
                problems.push("it is a Windows venv (`Scripts/`, no `bin/python`)".to_owned());
            }
            None => problems.push("it has no `bin/python`".to_owned()),
        }
        if home_missing {
            let host = if is_host_path(&home) {
                " (a host path)"
            } else {
                ""
            };
            problems.push(format!(
                "`pyvenv.cfg` says `home = {home}`{host}, which is not in the image"
            ));
        }
        if problems.is_empty() {
            continue;
        }
        let layer = checker
            .layer_of(&format!("{root}/pyvenv.cfg"))
            .map(|l| checker.layer_label(l))
            .unwrap_or_default();
        findings.push((
            format!("{root}/pyvenv.cfg"),
            format!(
                "the virtual environment `/{root}` cannot run in this image: {}; added by {layer}",
                problems.join("; ")
            ),
        ));
    }
    for (path, message) in findings {
        checker.report(Rule::ImageVenvInterpreterMissing, Some(&path), message);
    }
}
