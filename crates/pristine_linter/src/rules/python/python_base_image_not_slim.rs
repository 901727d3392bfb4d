use pristine_dockerfile::{Base, Command};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{ImageRef, command, final_chain};

declare_rule! {
    /// ## What it does
    /// Checks whether the final image starts from the full `python:X.Y` image (or
    /// `python:X.Y-bookworm`) instead of `python:X.Y-slim`. Builder stages are not checked:
    /// compilers and headers belong there.
    ///
    /// ## Why is this bad?
    /// The full images are based on `buildpack-deps`: they carry compilers, headers and
    /// hundreds of Debian packages "commonly required for building" plus a second, distro
    /// `python3` under `/usr/bin`. The runtime rarely needs any of it; `-slim` "only contains
    /// the minimal Debian packages needed to run python". Build wheels in a full builder stage
    /// and copy the result into a `-slim` final stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    ///
    /// ## Fix safety
    /// The fix changes the tag to its slim variant (`3.12` → `3.12-slim`, `3.12-bookworm` →
    /// `3.12-slim-bookworm`) when the tag is written literally. It is unsafe: the slim image
    /// lacks compilers and many system libraries, so a `RUN` that builds a native package or
    /// uses a tool of the full image fails.
    ///
    /// ## References
    /// - [`python` image variants](https://hub.docker.com/_/python) (`python:<version>-slim`)
    /// - [Docker best practices: multi-stage builds](https://docs.docker.com/build/building/best-practices/)
    /// - python-rules.md R35 `base-image-variant`
    pub(crate) struct PythonBaseImageNotSlim {
        code: "PY041",
        name: "python-base-image-not-slim",
        family: Python,
        severity: Info,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "Final image is based on the full `python` image instead of `-slim`",
    }
}

/// PY041
pub(crate) fn python_base_image_not_slim(checker: &mut Checker) {
    let chain = final_chain(checker);
    let Some(root) = chain.last() else {
        return;
    };
    let Base::Image(image) = &root.base else {
        return;
    };
    if !root.unresolved.is_empty() {
        return;
    }
    let reference = ImageRef::parse(image);
    if !reference.is_official_python() {
        return;
    }
    let Some(tag) = reference.tag else {
        return;
    };
    let variant_ok = ["slim", "alpine", "windowsservercore", "nanoserver"]
        .iter()
        .any(|v| tag.contains(v));
    if variant_ok || tag == "latest" {
        return;
    }
    let Some(Command::From(from)) = command(checker, root.from_instruction) else {
        return;
    };
    let range = from.image.range;
    let message = format!("The final image is based on the full `python:{tag}` image");
    let fix = crate::rules::python::fixes::slim_tag(checker.source, range, tag);
    let mut diagnostic = checker
        .diagnostic(Rule::PythonBaseImageNotSlim, message, range)
        .with_help(
            "Use the `-slim` variant for the runtime stage; build native wheels in a builder stage",
        );
    if let Some(fix) = fix {
        diagnostic = diagnostic.with_fix(fix);
    }
    checker.report(diagnostic);
}
