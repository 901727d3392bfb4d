use pristine_shell::Tool;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{final_chain, is_python_chain, runs};

declare_rule! {
    /// ## What it does
    /// Checks the final image (the final stage and the stages it is built `FROM`) for compilers
    /// and headers installed with `apt-get`/`apk` and not removed in the same `RUN`:
    /// `build-essential`, `build-base`, `gcc`, `g++`, `make`, `cmake`, `clang`, `musl-dev`,
    /// `*-dev`/`*-devel` packages. Removal counts when the same `RUN` runs
    /// `apt-get purge|remove|autoremove` or `apk del` (for example of a `--virtual` group).
    ///
    /// ## Why is this bad?
    /// Docker's best practices: production "may not require build tools such as compilers …
    /// A small image with minimal dependencies can considerably lower the attack surface".
    /// Compile wheels in a builder stage and install only runtime libraries (`libpq5`, not
    /// `libpq-dev`) in the final one.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \
    ///     && pip install --no-cache-dir psycopg2==2.9.9
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim AS build
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \
    ///     && pip wheel --no-cache-dir -w /wheels psycopg2==2.9.9
    ///
    /// FROM python:3.12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \
    ///     && rm -rf /var/lib/apt/lists/*
    /// RUN --mount=from=build,source=/wheels,target=/wheels pip install --no-cache-dir /wheels/*
    /// ```
    ///
    /// ## References
    /// - [Docker best practices: multi-stage builds](https://docs.docker.com/build/building/best-practices/#use-multi-stage-builds)
    /// - python-rules.md R42 `build-tools-in-runtime-image`
    pub(crate) struct BuildToolsInRuntimeImage {
        code: "PY051",
        name: "build-tools-in-runtime-image",
        family: Python,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Compilers or headers left in the final image",
    }
}

fn is_build_tool(package: &str) -> bool {
    let name = package
        .split(['=', '>', '<', '~'])
        .next()
        .unwrap_or(package);
    matches!(
        name,
        "build-essential"
            | "build-base"
            | "gcc"
            | "g++"
            | "make"
            | "cmake"
            | "clang"
            | "musl-dev"
            | "cargo"
            | "rust"
            | "gfortran"
            | "autoconf"
            | "automake"
            | "libtool"
    ) || name.ends_with("-dev")
        || name.ends_with("-devel")
}

/// PY051
pub(crate) fn build_tools_in_runtime_image(checker: &mut Checker) {
    let chain = final_chain(checker);
    if !is_python_chain(checker, &chain) {
        return;
    }
    let stages: Vec<usize> = chain.iter().map(|s| s.index).collect();
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for run in runs(checker, &scripts) {
        if !run.stage.is_some_and(|s| stages.contains(&s)) {
            continue;
        }
        let removes = run.model.invocations.iter().any(|inv| match inv.tool {
            Tool::AptGet | Tool::Apt => {
                matches!(inv.subcommand(), "purge" | "remove" | "autoremove")
            }
            Tool::Apk => inv.subcommand() == "del",
            _ => false,
        });
        if removes {
            continue;
        }
        for install in &run.model.package_installs {
            if !matches!(install.tool(), Tool::AptGet | Tool::Apt | Tool::Apk) {
                continue;
            }
            let tools: Vec<&str> = install
                .packages
                .iter()
                .filter(|w| is_build_tool(&w.text))
                .map(|w| w.text.as_str())
                .collect();
            if !tools.is_empty() {
                found.push((install.invocation.command.range, tools.join("`, `")));
            }
        }
    }
    for (range, tools) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::BuildToolsInRuntimeImage,
                format!("The final image keeps build tools: `{tools}`"),
                range,
            )
            .with_help("Build in a separate stage and copy the result, or purge the build tools in the same `RUN`");
        checker.report(diagnostic);
    }
}
