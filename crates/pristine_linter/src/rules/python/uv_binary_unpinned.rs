use pristine_dockerfile::{Base, Command, CopySource};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{ImageRef, command, has_variable};

declare_rule! {
    /// ## What it does
    /// Checks for the uv image (`ghcr.io/astral-sh/uv`) used without a uv version: in
    /// `COPY --from=…`, `RUN --mount=from=…` and `FROM`. Tags that do not start with a version
    /// (`latest`, `python3.12-bookworm-slim`, `debian`) float with every uv release; a digest
    /// counts as pinned.
    ///
    /// ## Why is this bad?
    /// uv's Docker guide: "it is best practice to pin to a specific uv version", and pinning the
    /// digest "is considered best practice in environments that require reproducible builds as
    /// tags can be moved". A new uv release can change resolution, lock-file format or flags and
    /// break a build that did not change.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY --from=ghcr.io/astral-sh/uv:latest /uv /uvx /bin/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY --from=ghcr.io/astral-sh/uv:0.5.11 /uv /uvx /bin/
    /// ```
    ///
    /// ## References
    /// - [uv: Using uv in Docker, "Installing uv"](https://docs.astral.sh/uv/guides/integration/docker/)
    /// - python-rules.md R22 `uv-binary-unpinned`
    pub(crate) struct UvBinaryUnpinned {
        code: "PY036",
        name: "uv-binary-unpinned",
        family: Python,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "uv image used without a pinned uv version",
    }
}

fn unpinned_uv(image: &str) -> bool {
    if has_variable(image) {
        return false;
    }
    let reference = ImageRef::parse(image);
    if reference.path != "astral-sh/uv" || reference.digest.is_some() {
        return false;
    }
    !reference
        .tag
        .is_some_and(|t| t.starts_with(|c: char| c.is_ascii_digit()))
}

/// PY036
pub(crate) fn uv_binary_unpinned(checker: &mut Checker) {
    let mut found = Vec::new();
    for stage in &checker.stages.stages {
        if let Base::Image(image) = &stage.base
            && unpinned_uv(image)
            && let Some(Command::From(from)) = command(checker, stage.from_instruction)
        {
            found.push((from.image.range, image.clone()));
        }
        for edge in &stage.copy_from {
            if let CopySource::Image(image) = &edge.source
                && unpinned_uv(image)
            {
                found.push((edge.range, image.clone()));
            }
        }
        for &i in &stage.instructions {
            let Some(Command::Run(run)) = command(checker, i) else {
                continue;
            };
            for mount in &run.mounts {
                if let Ok(m) = &mount.mount
                    && unpinned_uv(&m.from)
                {
                    found.push((mount.raw.range, m.from.clone()));
                }
            }
        }
    }
    for (range, image) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::UvBinaryUnpinned,
                format!("`{image}` does not pin the uv version"),
                range,
            )
            .with_help("Pin a uv version (`ghcr.io/astral-sh/uv:0.5.11`) or a digest");
        checker.report(diagnostic);
    }
}
