use pristine_image::{Content, Resolved};

use crate::Rule;
use crate::registry::declare_rule;
use crate::rules::image::{ImageChecker, venvs};

declare_rule! {
    /// ## What it does
    /// Reads the `#!` line of the console scripts in each virtual environment's `bin/`
    /// (`uvicorn`, `gunicorn`, `pip`, …), including the `/bin/sh` trampoline pip and uv
    /// write for long paths, and reports a venv whose scripts name another venv's
    /// interpreter: the venv was made at another path and moved.
    ///
    /// ## Why is this bad?
    /// Console scripts hard-code the absolute path of the interpreter they were installed
    /// with. Moved (a `COPY --from=builder /build/.venv /app/.venv`, or a host venv),
    /// `CMD ["uvicorn", …]` fails with `exec /app/.venv/bin/uvicorn: no such file or
    /// directory`, or silently runs another environment's Python.
    ///
    /// ## Example
    /// `RUN python -m venv /build/.venv && …` in a builder, then
    /// `COPY --from=builder /build/.venv /app/.venv`.
    ///
    /// Use instead: create the venv at the path it is used from in every stage (e.g.
    /// `/opt/venv`), or run tools as `python -m uvicorn`.
    ///
    /// ## References
    /// - distlib `scripts.py` (shebangs and the `/bin/sh` trampoline)
    pub(crate) struct ImageVenvRelocated {
        code: "IM006",
        name: "image-venv-relocated",
        family: Image,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Virtual environment moved after its scripts were installed",
    }
}

/// The interpreter a script runs: `#!/x/bin/python`, or the trampoline's `'''exec' /x/bin/python`.
pub(crate) fn interpreter(script: &str) -> Option<&str> {
    let mut lines = script.lines();
    let first = lines.next()?.strip_prefix("#!")?.trim();
    if first == "/bin/sh"
        && let Some(second) = lines.next()
        && let Some(rest) = second.strip_prefix("'''exec' ")
    {
        return rest.split_whitespace().next().map(|s| s.trim_matches('"'));
    }
    first.split_whitespace().next()
}

pub(crate) fn venv_relocated(checker: &mut ImageChecker) {
    if !checker.enabled(Rule::ImageVenvRelocated) {
        return;
    }
    let image = checker.image;
    let mut findings = Vec::new();
    for (root, _) in venvs(image) {
        let bin = format!("{root}/bin");
        let mut moved: Vec<(String, String)> = Vec::new();
        for (path, _) in image.fs.below(&bin) {
            if path[bin.len() + 1..].contains('/') {
                continue;
            }
            let Some(Content::Script(script)) = image.fs.content(path) else {
                continue;
            };
            let Some(python) = interpreter(script) else {
                continue;
            };
            let Some(dir) = python.strip_suffix(python.rsplit('/').next().unwrap_or("")) else {
                continue;
            };
            let name = python.rsplit('/').next().unwrap_or("");
            if !name.starts_with("python") || dir.trim_end_matches('/') == format!("/{bin}") {
                continue;
            }
            // Only interpreters inside a venv-like `…/bin/`: `#!/usr/bin/env python3` and
            // `#!/usr/local/bin/python` scripts are fine.
            if !dir.ends_with("/bin/")
                || dir == "/usr/bin/"
                || dir == "/usr/local/bin/"
                || dir == "/bin/"
            {
                continue;
            }
            moved.push((path.to_owned(), python.to_owned()));
        }
        let Some((script, python)) = moved.first() else {
            continue;
        };
        let exists = matches!(image.fs.resolve(python), Resolved::Found(_));
        let effect = if exists {
            format!("they run `{python}`, another environment's interpreter")
        } else {
            format!(
                "`{python}` does not exist, so running `/{script}` fails with `exec /{script}: no such file or directory`"
            )
        };
        let old_root = python
            .strip_suffix(python.rsplit('/').next().unwrap_or(""))
            .and_then(|d| d.strip_suffix("/bin/"))
            .unwrap_or(python);
        let layer = checker
            .layer_of(script)
            .map(|l| checker.layer_label(l))
            .unwrap_or_default();
        findings.push((
            script.clone(),
            format!(
                "the virtual environment `/{root}` was made at `{old_root}` and moved: {} of its scripts name `{python}`; {effect}; added by {layer}",
                moved.len()
            ),
        ));
    }
    for (path, message) in findings {
        checker.report(Rule::ImageVenvRelocated, Some(&path), message);
    }
}
