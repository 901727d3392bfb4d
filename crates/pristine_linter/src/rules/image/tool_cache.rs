use crate::Rule;
use crate::checkers::context::count;
use crate::registry::declare_rule;
use crate::rules::image::leftovers::{dir_stats, dirs_named};
use crate::rules::image::{ImageChecker, human_bytes};

declare_rule! {
    /// ## What it does
    /// Reports development leftovers in the image: test and tool caches (`.pytest_cache`,
    /// `.mypy_cache`, `.ruff_cache`, `.tox`, `.nox`, `.hypothesis`, `.ipynb_checkpoints`) and
    /// `__pycache__` directories that a `COPY`/`ADD` layer brought from the build context
    /// (bytecode compiled on the host, for the host's Python), with the layer that added them.
    /// Bytecode a `RUN` compiled is not reported, nor bytecode copied from another stage: the
    /// history BuildKit writes drops `--from=`, so a `COPY` whose sources are all absolute
    /// paths (`COPY --from=builder /app /app`) counts as a stage copy.
    ///
    /// ## Why is this bad?
    /// They are dead weight; host bytecode is ignored or, with a matching Python version and
    /// a stale source mtime, can shadow the sources actually shipped.
    ///
    /// ## Example
    /// `COPY . .` without a `.dockerignore` after running the tests locally.
    ///
    /// Use instead: add `**/__pycache__`, `.pytest_cache`, `.mypy_cache`, `.ruff_cache`,
    /// `.tox` to `.dockerignore`.
    ///
    /// ## References
    /// - dockle `DKL-LI-0003`
    pub(crate) struct ImageToolCache {
        code: "IM014",
        name: "image-tool-cache",
        family: Image,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Test/tool caches or host bytecode in the image",
    }
}

pub(crate) fn tool_cache(checker: &mut ImageChecker) {
    if !checker.enabled(Rule::ImageToolCache) {
        return;
    }
    let dirs = dirs_named(checker, |_, name| {
        matches!(
            name,
            ".pytest_cache"
                | ".mypy_cache"
                | ".ruff_cache"
                | ".tox"
                | ".nox"
                | ".hypothesis"
                | ".ipynb_checkpoints"
                | "__pycache__"
        )
    });
    let mut findings = Vec::new();
    let mut bytecode: Option<(String, u64, usize, usize, usize)> = None;
    for dir in dirs {
        let (bytes, files, layer) = dir_stats(checker, &dir);
        let Some(layer) = layer else { continue };
        if dir.ends_with("__pycache__") {
            // Only bytecode that came from the build context: `RUN` compiles its own, and
            // `COPY --from` copies what another stage compiled.
            if !checker.is_context_copy_layer(layer) || files == 0 {
                continue;
            }
            let entry = bytecode.get_or_insert((dir.clone(), 0, 0, 0, layer));
            entry.1 += bytes;
            entry.2 += files;
            entry.3 += 1;
            continue;
        }
        findings.push((
            dir.clone(),
            format!(
                "`/{dir}` is a tool cache ({} in {}); added by {}",
                human_bytes(bytes),
                count(files as u64, "file"),
                checker.layer_label(layer)
            ),
        ));
    }
    if let Some((first, bytes, files, dirs, layer)) = bytecode {
        findings.push((
            first.clone(),
            format!(
                "`/{first}` and {} more `__pycache__` {} hold host bytecode ({} in {}) copied from the build context; added by {}",
                dirs - 1,
                if dirs == 2 { "directory" } else { "directories" },
                human_bytes(bytes),
                count(files as u64, "file"),
                checker.layer_label(layer)
            ),
        ));
    }
    for (path, message) in findings {
        checker.report(Rule::ImageToolCache, Some(&path), message);
    }
}
