use pristine_dockerfile::{Command, go_quote};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::dockerfile::general::{parse_port_range, split_port};

declare_rule! {
    /// ## What it does
    /// Checks that every `EXPOSE` port is a number or range within 0–65535 with a protocol of
    /// `tcp`, `udp` or `sctp`.
    ///
    /// ## Why is this bad?
    /// BuildKit refuses such a port when it builds the stage (`invalid containerPort`,
    /// `invalid proto`), after all earlier steps have run. Ports that use a variable are
    /// checked only by the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// EXPOSE 80000
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// EXPOSE 8000
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3011](https://github.com/hadolint/hadolint/wiki/DL3011)
    /// - BuildKit `frontend/dockerfile/dockerfile2llb/convert_expose.go` (`parsePort`, `parsePortRange`)
    pub(crate) struct InvalidExposePort {
        code: "DF020",
        name: "invalid-expose-port",
        family: Dockerfile,
        severity: Error,
        fix: None,
        hadolint: ["DL3011"],
        buildkit: [],
        summary: "`EXPOSE` port that BuildKit refuses",
    }
}

/// DF020.
pub(crate) fn invalid_expose_port(checker: &mut Checker) {
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
            let message = if spec.container_port.is_empty() {
                Some(format!(
                    "invalid port: {}: no port specified",
                    go_quote(&port.value)
                ))
            } else if !matches!(
                spec.proto.to_lowercase().as_str(),
                "" | "tcp" | "udp" | "sctp"
            ) {
                Some(format!(
                    "invalid port: {}: invalid proto: {}",
                    go_quote(&port.value),
                    spec.proto
                ))
            } else if let Err(reason) = parse_port_range(spec.container_port) {
                Some(format!(
                    "invalid containerPort: {} ({reason})",
                    spec.container_port
                ))
            } else {
                None
            };
            if let Some(message) = message {
                found.push((message, port.range));
            }
        }
    }
    for (message, range) in found {
        let diagnostic = checker.diagnostic(Rule::InvalidExposePort, message, range);
        checker.report(diagnostic);
    }
}
