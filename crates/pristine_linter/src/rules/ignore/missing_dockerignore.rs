use pristine_context::{IgnoreFileKind, IssueKind};
use pristine_diagnostics::Severity;

use crate::Rule;
use crate::checkers::context::{ContextChecker, count, human_bytes};
use crate::checkers::copy_sources::CopySrc;
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a build whose context has no ignore file: neither `.dockerignore` at the
    /// context root nor `<Dockerfile>.dockerignore` beside the Dockerfile.
    ///
    /// An error when the context holds something that must not reach an image (a virtualenv,
    /// a conda environment, foreign native binaries, `.env` files, credentials — reported by
    /// their own rules), a warning otherwise. Silent when there is nothing to keep out yet
    /// and nothing sweeps the context into the image: no other context finding and no
    /// `COPY`/`ADD` of the whole context or of a directory (a context of a few files for an
    /// image that copies one script or nothing at all).
    ///
    /// ## Why is this bad?
    /// Without it everything in the directory is sent to the builder on every build, and a
    /// `COPY . .` puts all of it into the image: `.git`, virtualenvs, caches, secrets.
    ///
    /// ## Example
    /// A project with a `Dockerfile` and no `.dockerignore`.
    ///
    /// Use instead: a `.dockerignore` such as
    /// ```text
    /// **/.venv
    /// **/__pycache__
    /// **/*.py[co]
    /// **/.env
    /// .git
    /// ```
    ///
    /// ## Fix safety
    /// The fix creates `.dockerignore` with the safe lines of the other context findings (see
    /// their rules); there is no fix when they found nothing to exclude. It is safe.
    ///
    /// ## References
    /// - [Build context: .dockerignore files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    pub(crate) struct MissingDockerignore {
        code: "DI002",
        name: "missing-dockerignore",
        family: Ignore,
        severity: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "Build context without a `.dockerignore`",
    }
}

pub(crate) fn missing_dockerignore(checker: &mut ContextChecker) {
    if checker.facts.context.ignore.kind != IgnoreFileKind::None {
        return;
    }
    if !checker.reported && !copies_a_directory(checker) {
        return;
    }
    let stats = &checker.facts.context.tree.stats;
    let dir = checker.shown(b"", true);
    // An ignore file that exists but is a FIFO, a directory, … : BuildKit reads no patterns
    // from it (see `pristine_context::IgnoreSource`); "there is no `.dockerignore`" would
    // contradict what the user sees.
    let not_a_file = checker
        .facts
        .context
        .tree
        .issues
        .iter()
        .find_map(|issue| match &issue.kind {
            IssueKind::IgnoreFileUnusable {
                not_a_file: Some(what),
                ..
            } => {
                let name = issue
                    .path
                    .rsplit(|&c| c == b'/')
                    .next()
                    .unwrap_or(&issue.path);
                Some((String::from_utf8_lossy(name).into_owned(), *what))
            }
            _ => None,
        });
    let why = match &not_a_file {
        Some((name, what)) => {
            format!("`{name}` is {what}, not a regular file, so BuildKit reads no patterns from it")
        }
        None => "there is no `.dockerignore`".to_string(),
    };
    let mut message = format!(
        "{why}: all of `{dir}` ({}, {}) is sent to the builder",
        count(stats.files_sent, "file"),
        human_bytes(stats.bytes_sent)
    );
    if checker.contaminated {
        message.push_str(", including files that must not reach an image (see the other findings)");
    }
    let mut d = checker
        .ignore_diagnostic(Rule::MissingDockerignore, message, None)
        .with_subject_path(checker.shown(b".dockerignore", false))
        .with_help(match &not_a_file {
            Some((name, what)) => format!(
                "replace `{name}` ({what}) with a regular file that excludes virtualenvs, caches, `.git` and secrets"
            ),
            None => {
                "create a `.dockerignore` that excludes virtualenvs, caches, `.git` and secrets"
                    .to_string()
            }
        });
    if checker.contaminated {
        d.severity = Severity::Error;
    }
    checker.report(d);
}

/// Whether some `COPY`/`ADD` copies the context root or a directory of it, or uses a
/// wildcard: whatever appears there later goes into the image.
fn copies_a_directory(checker: &ContextChecker) -> bool {
    checker.copies.iter().any(|copy| {
        copy.sources.iter().any(|(src, _)| match src {
            CopySrc::Literal(path) => {
                path.is_empty()
                    || checker
                        .entry(path)
                        .is_some_and(|e| e.kind == pristine_context::EntryKind::Dir)
            }
            CopySrc::Glob(_) => true,
        })
    })
}
