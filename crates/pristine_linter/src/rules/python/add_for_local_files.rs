use pristine_diagnostics::{Edit, Fix};
use pristine_dockerfile::{Command, Source};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::has_variable;

declare_rule! {
    /// ## What it does
    /// Checks for `ADD` with only local sources that are not tar archives (`ADD . /app`,
    /// `ADD requirements.txt .`). URLs, Git repositories and local `.tar`, `.tar.gz`, `.tgz`,
    /// `.tar.bz2`, `.tar.xz`, … (which `ADD` extracts) are accepted; sources with variables are
    /// skipped.
    ///
    /// ## Why is this bad?
    /// `ADD` does more than copy: it extracts local archives and fetches URLs. For plain files
    /// `COPY` says what happens, and Docker's best practices recommend it. uv's example used
    /// `ADD . /app` for a while and now uses `COPY`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ADD . /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . /app
    /// ```
    ///
    /// ## Fix safety
    /// Replacing `ADD` with `COPY` is safe when no source is an archive or URL and no
    /// `ADD`-only flag (`--checksum`, `--keep-git-dir`, `--unpack`) is given; the fix is only
    /// offered then.
    ///
    /// ## References
    /// - [Docker best practices: ADD or COPY](https://docs.docker.com/build/building/best-practices/#add-or-copy)
    /// - hadolint DL3020
    /// - python-rules.md R59 `add-instead-of-copy`
    pub(crate) struct AddForLocalFiles {
        code: "PY076",
        name: "add-for-local-files",
        family: Python,
        severity: Warning,
        fix: Sometimes,
        hadolint: ["DL3020"],
        buildkit: [],
        summary: "`ADD` used for local files instead of `COPY`",
    }
}

const ARCHIVES: &[&str] = &[
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz2",
    ".tbz",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tzst",
    ".tar.lz",
    ".tar.lzma",
    ".tlz",
    ".gz",
    ".bz2",
    ".xz",
];

fn is_remote(source: &str) -> bool {
    source.contains("://") || source.starts_with("git@")
}

/// PY076
pub(crate) fn add_for_local_files(checker: &mut Checker) {
    let mut found = Vec::new();
    for inst in &checker.dockerfile.instructions {
        let Some(Command::Add(add)) = &inst.command else {
            continue;
        };
        let all_local_files = add.sources.iter().all(|s| match s {
            Source::Path(p) => {
                let lower = p.value.to_ascii_lowercase();
                !is_remote(&p.value)
                    && !has_variable(&p.value)
                    && !ARCHIVES.iter().any(|ext| lower.ends_with(ext))
            }
            Source::Heredoc { .. } => true,
        });
        if !all_local_files || add.sources.is_empty() {
            continue;
        }
        let add_only_flags = add.checksum.is_some()
            || add.unpack.is_some()
            || inst
                .node
                .flags
                .iter()
                .any(|f| f.value.trim_start_matches('-').starts_with("keep-git-dir"));
        found.push((inst.node.keyword.range, add_only_flags));
    }
    for (keyword, add_only_flags) in found {
        let mut diagnostic = checker
            .diagnostic(
                Rule::AddForLocalFiles,
                "Use `COPY` instead of `ADD` for local files".to_owned(),
                keyword,
            )
            .with_help("Replace `ADD` with `COPY`");
        if !add_only_flags {
            diagnostic = diagnostic.with_fix(Fix::safe(vec![Edit::replacement("COPY", keyword)]));
        }
        checker.report(diagnostic);
    }
}
