use pristine_shell::{PipFront, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{
    ImageRef, chain, chain_instructions, root_image, runs, var_before,
};

declare_rule! {
    /// ## What it does
    /// Checks for `pip install` into the system Python of a Debian 12+/Ubuntu 23.04+ image
    /// (`debian:bookworm`, `debian:trixie`, `ubuntu:24.04`, …) whose stage installs
    /// `python3-pip` with apt: no virtual environment created in the stage, pip not run from a
    /// venv path, and no `--target`/`--prefix`/`--root`, `--break-system-packages` or
    /// `PIP_BREAK_SYSTEM_PACKAGES`.
    ///
    /// ## Why is this bad?
    /// These distributions mark their Python as externally managed (PEP 668): pip refuses with
    /// `error: externally-managed-environment` and the build fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends python3-pip \
    ///     && pip3 install --no-cache-dir flask==3.0.3
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends python3-venv \
    ///     && python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir flask==3.0.3
    /// ENV PATH="/opt/venv/bin:$PATH"
    /// ```
    ///
    /// ## References
    /// - [PEP 668](https://peps.python.org/pep-0668/)
    /// - pip `src/pip/_internal/exceptions/__init__.py` (`ExternallyManagedEnvironment`)
    /// - [Uninett/nav#2695](https://github.com/Uninett/nav/issues/2695)
    /// - python-rules.md R33 `distro-python-externally-managed`
    pub(crate) struct DistroPythonExternallyManaged {
        code: "PY032",
        name: "distro-python-externally-managed",
        family: Python,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "`pip install` into an externally managed distribution Python",
    }
}

/// Debian 12+ / Ubuntu 23.04+ by tag.
fn externally_managed_base(image: &str) -> bool {
    let r = ImageRef::parse(image);
    let tag = r.tag.unwrap_or("latest");
    match r.short_name() {
        "debian" => {
            tag.starts_with("bookworm")
                || tag.starts_with("trixie")
                || tag.starts_with("12")
                || tag.starts_with("13")
                || tag == "latest"
                || tag.starts_with("stable")
        }
        "ubuntu" => {
            tag == "latest"
                || tag == "rolling"
                || tag.starts_with("noble")
                || tag.starts_with("24.")
                || tag.starts_with("25.")
                || tag.starts_with("26.")
                || tag.starts_with("23.")
        }
        _ => false,
    }
}

/// PY032
pub(crate) fn distro_python_externally_managed(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let all = runs(checker, &scripts);
    let mut found = Vec::new();
    for run in &all {
        let Some(stage) = run.stage else {
            continue;
        };
        if !root_image(&checker.stages, stage).is_some_and(externally_managed_base) {
            continue;
        }
        let chain_indices = chain_instructions(&chain(&checker.stages, stage));
        let earlier: Vec<_> = all
            .iter()
            .filter(|r| r.index <= run.index && chain_indices.contains(&r.index))
            .collect();
        let apt_pip = earlier.iter().any(|r| {
            r.model.package_installs.iter().any(|p| {
                matches!(p.tool(), Tool::AptGet | Tool::Apt)
                    && p.packages.iter().any(|w| w.text == "python3-pip")
            })
        });
        let venv = earlier.iter().any(|r| {
            r.script.commands.iter().any(|c| {
                c.arg_texts()
                    .collect::<Vec<_>>()
                    .windows(2)
                    .any(|w| w == ["-m", "venv"])
                    || c.basename() == "virtualenv"
                    || c.basename() == "uv" && c.args.first().is_some_and(|a| a.text == "venv")
            })
        }) || var_before(checker, Some(stage), run.index, "VIRTUAL_ENV").is_some()
            || var_before(checker, Some(stage), run.index, "PIP_BREAK_SYSTEM_PACKAGES").is_some();
        if !apt_pip || venv {
            continue;
        }
        for pip in &run.model.pip_installs {
            let program = &pip.invocation.command.name.text;
            if pip.front == PipFront::Uv
                || pip.break_system_packages
                || pip.target.is_some()
                || pip.prefix.is_some()
                || program.contains("venv")
                || program.contains("/opt/")
                || run.model.invocations.is_empty()
            {
                continue;
            }
            found.push(pip.invocation.command.range);
        }
    }
    for range in found {
        let diagnostic = checker
            .diagnostic(
                Rule::DistroPythonExternallyManaged,
                "pip refuses to install into this distribution's Python (`externally-managed-environment`, PEP 668)".to_owned(),
                range,
            )
            .with_help("Create a venv (`python3 -m venv /opt/venv`) and install there, or start from the official `python` image");
        checker.report(diagnostic);
    }
}
