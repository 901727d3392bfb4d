#[allow(unused_imports)]
use pristine_shell::{Invocation, RunScript, Tool};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
#[allow(unused_imports)]
use crate::rules::shell::helpers::{has_cache_mount, in_final_image, range_of, report_invocations};

declare_rule! {
    /// ## What it does
    /// Checks `npm install <pkg>` for packages without a version, tag or commit (`pkg@1.2.3`,
    ///  `@scope/pkg@1`, `git+https://…#ref`). Local folders and tarballs are accepted, as in hadolint;
    ///  `npm install` without packages (from `package.json`) is not reported.
    ///
    /// ## Why is this bad?
    /// An unpinned package resolves to whatever is latest on build day.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20
    /// RUN npm install -g typescript
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:20
    /// RUN npm install -g typescript@5.4.5
    /// ```
    ///
    /// ## References
    /// - hadolint DL3016 (`src/Hadolint/Rule/DL3016.hs`)
    pub(crate) struct NpmPackageUnpinned {
        code: "DF108",
        name: "npm-package-unpinned",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: ["DL3016"],
        buildkit: [],
        summary: "`npm install` of a package without a pinned version",
    }
}

/// DF108
/// hadolint's `versionFixed` (DL3016.hs).
fn npm_pinned(p: &str) -> bool {
    if ["git://", "git+ssh://", "git+http://", "git+https://"]
        .iter()
        .any(|g| p.starts_with(g))
    {
        return p.contains('#');
    }
    if [".tar", ".tar.gz", ".tgz"].iter().any(|s| p.ends_with(s))
        || ["/", "./", "../", "~/"].iter().any(|s| p.starts_with(s))
    {
        return true;
    }
    let name = if p.starts_with('@') {
        p.split_once('/').map_or("", |(_, rest)| rest)
    } else {
        p
    };
    name.contains('@')
}

pub(crate) fn npm_package_unpinned(checker: &mut Checker) {
    report_invocations(
        checker,
        Rule::NpmPackageUnpinned,
        |checker: &Checker, run: &RunScript, inv: &Invocation| {
            let _ = (checker, run);
            if inv.tool != Tool::Npm || !matches!(inv.subcommand(), "install" | "i" | "add") {
                return None;
            }
            let unpinned: Vec<String> = inv
                .opts
                .positionals
                .iter()
                .filter(|w| w.is_static)
                .map(|w| w.text.as_str())
                .filter(|p| !npm_pinned(p))
                .map(|p| format!("`{p}`"))
                .collect();
            (!unpinned.is_empty()).then(|| {
                (
                    format!("Pin versions in `npm install`: {}", unpinned.join(", ")),
                    range_of(inv),
                )
            })
        },
    );
}
