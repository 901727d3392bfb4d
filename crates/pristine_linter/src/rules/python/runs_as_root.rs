use pristine_dockerfile::{Base, Command};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{
    ImageRef, base_config_known, chain_instructions, command, final_chain, has_variable,
    is_python_chain, range,
};

declare_rule! {
    /// ## What it does
    /// Checks that the final image runs as a non-root user: the last `USER` of the final stage
    /// (or of the stages it is built `FROM`) must exist and not be `root`, `0`, `root:…` or
    /// `0:…`. Builder stages are not checked. Without any `USER`, the finding is only made when
    /// the base is an image whose user is known to be root (an official image such as `python`,
    /// `debian`); an application image (`freqtradeorg/freqtrade`) may set its own `USER`. A `USER` whose value comes from a variable
    /// without a default, and base images known to switch to a non-root user themselves
    /// (`mambaorg/micromamba`, `jupyter/*`, distroless `:nonroot`, Chainguard), are accepted.
    ///
    /// Compared with hadolint DL3002, which only fires on an explicit `USER root` that is the
    /// last `USER` of a stage (also builder stages): this rule also reports a final image with
    /// no `USER` at all, and never a builder stage.
    ///
    /// ## Why is this bad?
    /// Docker's best practices: "If a service can run without privileges, use USER to change
    /// to a non-root user". A compromised Python process running as root owns the container
    /// and every writable mount.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN useradd --create-home app
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN useradd --create-home app
    /// USER app
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// ## Fix safety
    /// When the final stage has no `USER`, the fix adds `RUN useradd --create-home --uid 10001
    /// app` (`adduser -D -u 10001 app` on Alpine) and `USER 10001` before the stage's first
    /// `CMD`/`ENTRYPOINT` (or at its end). It is unsafe: the process loses root, so writing to
    /// files copied as root, binding ports below 1024 or installing at run time fails.
    ///
    /// ## References
    /// - [Docker best practices: USER](https://docs.docker.com/build/building/best-practices/#user)
    /// - [uv-docker-example `Dockerfile`](https://github.com/astral-sh/uv-docker-example/blob/main/Dockerfile) (`USER nonroot`)
    /// - hadolint DL3002 (issues #405, #1014 on multi-stage builds)
    /// - python-rules.md R47 `runs-as-root`
    pub(crate) struct RunsAsRoot {
        code: "PY070",
        name: "runs-as-root",
        family: Python,
        severity: Warning,
        fix: Sometimes,
        hadolint: ["DL3002"],
        buildkit: [],
        summary: "Final image runs as `root`",
    }
}

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    name == "root" || name == "0"
}

/// Base images that switch to a non-root user themselves.
fn base_is_non_root(image: &str) -> bool {
    let r = ImageRef::parse(image);
    r.path == "mambaorg/micromamba"
        || r.path.starts_with("jupyter/")
        || r.path.starts_with("chainguard/")
        || r.registry == Some("cgr.dev")
        || (r.path.starts_with("distroless/") && r.tag.is_some_and(|t| t.contains("nonroot")))
        || r.path.starts_with("bitnami/")
}

/// PY070
pub(crate) fn runs_as_root(checker: &mut Checker) {
    let chain = final_chain(checker);
    let Some(final_stage) = chain.first() else {
        return;
    };
    let Some(root) = chain.last() else {
        return;
    };
    if !is_python_chain(checker, &chain) {
        return;
    }
    let last_user = chain_instructions(&chain)
        .into_iter()
        .rev()
        .find(|&i| matches!(command(checker, i), Some(Command::User(_))));
    let mut fix = None;
    let (message, at) = match last_user {
        None => {
            match &root.base {
                Base::Image(image) if !base_is_non_root(image) && base_config_known(checker) => {
                    let alpine = ImageRef::parse(image)
                        .tag
                        .is_some_and(|t| t.contains("alpine"));
                    fix = crate::rules::python::fixes::non_root_user(
                        checker,
                        &final_stage.instructions,
                        alpine,
                    );
                }
                _ => return,
            }
            (
                "The final image runs as `root`: the final stage has no `USER`".to_owned(),
                final_stage.from_instruction,
            )
        }
        Some(i) => {
            let Some(Command::User(raw)) = command(checker, i) else {
                return;
            };
            let expanded = final_stage.user.as_deref().unwrap_or("");
            if has_variable(&raw.value) && (expanded.is_empty() || expanded.starts_with(':')) {
                return;
            }
            if !is_root(expanded) {
                return;
            }
            (
                format!("The final image runs as `root`: the last `USER` is `{expanded}`"),
                i,
            )
        }
    };
    let mut diagnostic = checker
        .diagnostic(Rule::RunsAsRoot, message, range(checker, at))
        .with_help("Create an unprivileged user and switch to it with `USER` at the end of the final stage");
    if let Some(fix) = fix {
        diagnostic = diagnostic.with_fix(fix);
    }
    checker.report(diagnostic);
}
