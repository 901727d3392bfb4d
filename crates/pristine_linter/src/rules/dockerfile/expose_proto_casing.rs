use pristine_diagnostics::{Edit, Fix};
use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::dockerfile::general::{split_port, text};

declare_rule! {
    /// ## What it does
    /// Checks for an `EXPOSE` protocol that is not lowercase (`8000/TCP`).
    ///
    /// ## Why is this bad?
    /// Docker lower-cases the protocol anyway; the upper-case spelling is inconsistent with
    /// every other tool's output and BuildKit warns about it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// EXPOSE 8000/TCP
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// EXPOSE 8000/tcp
    /// ```
    ///
    /// ## Fix safety
    /// The fix lower-cases the protocol, which is what Docker stores: safe.
    ///
    /// ## References
    /// - [BuildKit check `ExposeProtoCasing`](https://docs.docker.com/reference/build-checks/expose-proto-casing/)
    /// - BuildKit `frontend/dockerfile/dockerfile2llb/convert_expose.go` (`parsePort`)
    pub(crate) struct ExposeProtoCasing {
        code: "DF018",
        name: "expose-proto-casing",
        family: Dockerfile,
        severity: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: ["ExposeProtoCasing"],
        summary: "`EXPOSE` protocol is not lowercase",
    }
}

/// DF018.
pub(crate) fn expose_proto_casing(checker: &mut Checker) {
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
            if spec.proto.to_lowercase() != spec.proto {
                let fixable = text(checker, port.range) == port.value;
                found.push((port.value.clone(), port.range, fixable));
            }
        }
    }
    for (raw, range, fixable) in found {
        let mut diagnostic = checker.diagnostic(
            Rule::ExposeProtoCasing,
            format!("Defined protocol '{raw}' in EXPOSE instruction should be lowercase"),
            range,
        );
        if fixable && let Some((port, proto)) = raw.rsplit_once('/') {
            diagnostic = diagnostic.with_fix(Fix::safe(vec![Edit::replacement(
                format!("{port}/{}", proto.to_lowercase()),
                range,
            )]));
        }
        checker.report(diagnostic);
    }
}
