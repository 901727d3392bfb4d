use pristine_context::EntryKind;

use crate::Rule;
use crate::checkers::context::{ContextChecker, Finding, Harm, human_bytes, lossy};
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports each file in the build context at least as large as the `large-file-threshold`
    /// setting (default 50 MiB), outside directories other rules report as a whole
    /// (virtualenvs, `.git`, caches). Files a `COPY` names explicitly are deliberate and not
    /// reported.
    ///
    /// A warning when a `COPY`/`ADD` copies it, information when it is only sent.
    ///
    /// ## Why is this bad?
    /// Every build transfers it to the builder (BuildKit re-hashes it when it changes), and a
    /// `COPY . .` puts it into a layer: datasets, model weights, database dumps and archives
    /// usually belong in a volume, an object store or a dedicated build stage.
    ///
    /// ## Example
    /// `data/dump.sql` (2 GiB) beside `COPY . .`.
    ///
    /// Use instead:
    /// ```text
    /// data/dump.sql
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds the line shown in the help to the ignore file (`.dockerignore`, or the
    /// Dockerfile's own `<name>.dockerignore`; created when missing), under a `# added by pristine`
    /// comment, after the user's lines. A line is only added if the matcher shows it excludes the
    /// finding and excludes no path a `COPY`/`ADD` names. It is safe when only the context
    /// changes (nothing copies the path); when a `COPY` copies it, excluding it changes the image
    /// (the build or the app may read it), so the fix is unsafe.
    ///
    /// ## References
    /// - [Build context](https://docs.docker.com/build/concepts/context/)
    pub(crate) struct LargeContextFile {
        code: "CX014",
        name: "large-context-file",
        family: Context,
        severity: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "Large file in the build context",
    }
}

pub(crate) fn large_context_file(checker: &mut ContextChecker) {
    let threshold = checker.settings.large_file_threshold;
    let large: Vec<(Vec<u8>, u64)> = checker
        .facts
        .context
        .tree
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::File && e.size >= threshold)
        .filter(|e| checker.enclosing_container(&e.path).is_none())
        .filter(|e| !checker.named_by_copy(&e.path))
        .map(|e| (e.path.clone(), e.size))
        .collect();
    for (path, size) in large {
        let message = format!(
            "`{}` is {} (the threshold is {})",
            checker.shown(&path, false),
            human_bytes(size),
            human_bytes(threshold)
        );
        let line = lossy(&path);
        checker.report_finding(Finding {
            rule: Rule::LargeContextFile,
            path,
            is_dir: false,
            more: Vec::new(),
            message,
            ignore_lines: vec![line],
            harm: Harm::Bloat,
        });
    }
}
