use pristine_context::IgnoreFileKind;
use pristine_diagnostics::Severity;

use crate::Rule;
use crate::checkers::context::{ContextChecker, human_bytes};
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a build whose context has no ignore file: neither `.dockerignore` at the
    /// context root nor `<Dockerfile>.dockerignore` beside the Dockerfile.
    ///
    /// An error when the context holds something that must not reach an image (a virtualenv,
    /// a conda environment, foreign native binaries, `.env` files, credentials — reported by
    /// their own rules), a warning otherwise.
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
    let stats = &checker.facts.context.tree.stats;
    let dir = checker.shown(b"", true);
    let mut message = format!(
        "there is no `.dockerignore`: all of `{dir}` ({} files, {}) is sent to the builder",
        stats.files_sent,
        human_bytes(stats.bytes_sent)
    );
    if checker.contaminated {
        message.push_str(", including files that must not reach an image (see the other findings)");
    }
    let mut d = checker
        .ignore_diagnostic(Rule::MissingDockerignore, message, None)
        .with_subject_path(checker.shown(b".dockerignore", false))
        .with_help(
            "create a `.dockerignore` that excludes virtualenvs, caches, `.git` and secrets",
        );
    if checker.contaminated {
        d.severity = Severity::Error;
    }
    checker.report(d);
}
