use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::runs;

declare_rule! {
    /// ## What it does
    /// Checks for ways around PEP 668's "externally managed environment" guard:
    /// `pip install --break-system-packages`, `ENV PIP_BREAK_SYSTEM_PACKAGES=…`, and
    /// `rm …/EXTERNALLY-MANAGED`.
    ///
    /// ## Why is this bad?
    /// The guard exists because pip and the distribution's package manager both write to
    /// `/usr/lib/python3*/`: pip can replace files apt owns and break system tools. PEP 668
    /// recommends a venv even "in single-application container images". The official `python`
    /// image has no marker (its Python in `/usr/local` belongs to pip), so there this flag is
    /// not needed at all.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends python3-pip \
    ///     && pip install --break-system-packages --no-cache-dir flask==3.0.3
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
    /// - python-rules.md R33 `distro-python-externally-managed`
    pub(crate) struct BreakSystemPackages {
        code: "PY033",
        name: "break-system-packages",
        family: Python,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "PEP 668 `externally-managed-environment` guard bypassed",
    }
}

/// PY033
pub(crate) fn break_system_packages(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for run in runs(checker, &scripts) {
        for pip in &run.model.pip_installs {
            if pip.break_system_packages {
                found.push((
                    pip.invocation.command.range,
                    "`--break-system-packages` overrides the distribution's Python guard",
                ));
            }
        }
        for rm in &run.model.removals {
            if rm
                .paths
                .iter()
                .any(|p| p.text.contains("EXTERNALLY-MANAGED"))
            {
                found.push((
                    rm.invocation.command.range,
                    "Removing `EXTERNALLY-MANAGED` disables the distribution's Python guard",
                ));
            }
        }
    }
    for inst in &checker.dockerfile.instructions {
        if let Some(pristine_dockerfile::Command::Env(pairs)) = &inst.command {
            for kv in pairs {
                if kv.key.value == "PIP_BREAK_SYSTEM_PACKAGES" {
                    found.push((
                        kv.key.range,
                        "`PIP_BREAK_SYSTEM_PACKAGES` overrides the distribution's Python guard",
                    ));
                }
            }
        }
    }
    for (range, message) in found {
        let diagnostic = checker
            .diagnostic(Rule::BreakSystemPackages, message.to_owned(), range)
            .with_help("Install into a virtual environment (`python3 -m venv /opt/venv`), or use the official `python` image");
        checker.report(diagnostic);
    }
}
