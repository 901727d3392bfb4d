use pristine_dockerfile::{Base, Command};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{ImageRef, command};

declare_rule! {
    /// ## What it does
    /// Checks for `FROM tiangolo/uvicorn-gunicorn-fastapi` and the other
    /// `tiangolo/uvicorn-gunicorn*` images.
    ///
    /// ## Why is this bad?
    /// The FastAPI documentation: "There used to be an official FastAPI Docker image … But it
    /// is now deprecated … You should probably not use this base Docker image". It is no longer
    /// updated, so it pins you to old Python and OS releases.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM tiangolo/uvicorn-gunicorn-fastapi:python3.11
    /// COPY ./app /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /code
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// COPY ./app ./app
    /// CMD ["fastapi", "run", "app/main.py", "--port", "80"]
    /// ```
    ///
    /// ## References
    /// - [FastAPI in containers: "Official Docker Image with Uvicorn"](https://fastapi.tiangolo.com/deployment/docker/)
    /// - python-rules.md R38 `deprecated-fastapi-base-image`
    pub(crate) struct DeprecatedFastapiBaseImage {
        code: "PY044",
        name: "deprecated-fastapi-base-image",
        family: Python,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Deprecated `tiangolo/uvicorn-gunicorn` base image",
    }
}

/// PY044
pub(crate) fn deprecated_fastapi_base_image(checker: &mut Checker) {
    let mut found = Vec::new();
    for stage in &checker.stages.stages {
        let Base::Image(image) = &stage.base else {
            continue;
        };
        let reference = ImageRef::parse(image);
        if !(reference.path.starts_with("tiangolo/uvicorn-gunicorn")
            || reference.path.starts_with("tiangolo/meinheld-gunicorn"))
        {
            continue;
        }
        if let Some(Command::From(from)) = command(checker, stage.from_instruction) {
            found.push((from.image.range, reference.path.to_owned()));
        }
    }
    for (range, path) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::DeprecatedFastapiBaseImage,
                format!("`{path}` is deprecated and no longer updated"),
                range,
            )
            .with_help(
                "Start from `python:X.Y-slim` and run `fastapi run` or `uvicorn` in exec form",
            );
        checker.report(diagnostic);
    }
}
