use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::dockerfile::general::split_port;

declare_rule! {
    /// ## What it does
    /// Checks for an IP address or a host-port mapping in `EXPOSE` (`EXPOSE 80:8000`,
    /// `EXPOSE 127.0.0.1:8000:8000`).
    ///
    /// ## Why is this bad?
    /// `EXPOSE` only documents which container ports the application listens on; publishing
    /// to a host port or address is decided by `docker run -p` or compose. Docker ignores the
    /// host part, and BuildKit announces it will become an error.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// EXPOSE 80:8000
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// EXPOSE 8000
    /// ```
    ///
    /// ## References
    /// - [BuildKit check `ExposeInvalidFormat`](https://docs.docker.com/reference/build-checks/expose-invalid-format/)
    /// - BuildKit `frontend/dockerfile/dockerfile2llb/convert_expose.go` (`parsePort`)
    pub(crate) struct ExposeInvalidFormat {
        code: "DF019",
        name: "expose-invalid-format",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: ["ExposeInvalidFormat"],
        summary: "IP address or host-port mapping in `EXPOSE`",
    }
}

/// DF019.
pub(crate) fn expose_invalid_format(checker: &mut Checker) {
    let mut found = Vec::new();
    for inst in &checker.dockerfile.instructions {
        let Some(Command::Expose(ports)) = &inst.command else {
            continue;
        };
        for port in ports {
            if port.value.contains('$') {
                continue;
            }
            let spec = split_port(&port.value);
            if !spec.ip.is_empty() || !spec.host_port.is_empty() {
                found.push((port.value.clone(), port.range));
            }
        }
    }
    for (raw, range) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::ExposeInvalidFormat,
                format!(
                    "EXPOSE instruction should not define an IP address or host-port mapping, found '{raw}'"
                ),
                range,
            )
            .with_help("Expose only the container port; publish it with `docker run -p` or compose");
        checker.report(diagnostic);
    }
}
