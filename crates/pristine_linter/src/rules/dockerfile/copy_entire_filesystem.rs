use pristine_dockerfile::{Command, Source};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for `COPY --from=<stage> / /`: copying a whole filesystem onto the root.
    ///
    /// ## Why is this bad?
    /// It copies the other image's entire operating system over this one — package database,
    /// `/etc/passwd`, caches, build tools — which defeats the point of a multi-stage build and
    /// can silently replace files the current base image relies on. Copy the directories you
    /// need (`/venv`, `/app`) instead, or build `FROM` that stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12 AS builder
    /// RUN python -m venv /venv && /venv/bin/pip install -r requirements.txt
    /// FROM python:3.12-slim
    /// COPY --from=builder / /
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12 AS builder
    /// RUN python -m venv /venv && /venv/bin/pip install -r requirements.txt
    /// FROM python:3.12-slim
    /// COPY --from=builder /venv /venv
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3067](https://github.com/hadolint/hadolint/wiki/DL3067)
    pub(crate) struct CopyEntireFilesystem {
        code: "DF028",
        name: "copy-entire-filesystem",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3067"],
        buildkit: [],
        summary: "`COPY --from=… / /` copies a whole filesystem",
    }
}

fn unquote(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '\'')
}

/// DF028.
pub(crate) fn copy_entire_filesystem(checker: &mut Checker) {
    let mut found = Vec::new();
    for inst in &checker.dockerfile.instructions {
        let Some(Command::Copy(copy)) = &inst.command else {
            continue;
        };
        if copy.from.is_none() || unquote(&copy.dest.value) != "/" {
            continue;
        }
        if copy
            .sources
            .iter()
            .any(|s| matches!(s, Source::Path(p) if unquote(&p.value) == "/"))
        {
            found.push(inst.range);
        }
    }
    for range in found {
        let diagnostic = checker
            .diagnostic(
                Rule::CopyEntireFilesystem,
                "Do not copy an entire filesystem from another stage",
                range,
            )
            .with_help(
                "Copy only the directories the image needs, such as the virtual environment",
            );
        checker.report(diagnostic);
    }
}
