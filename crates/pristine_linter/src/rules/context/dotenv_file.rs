use pristine_context::EntryKind;

use crate::Rule;
use crate::checkers::context::{ContextChecker, Finding, Harm, basename};
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports environment files in the build context: `.env`, `.env.*` and `.envrc` (regular,
    /// non-empty files), except templates meant to be shared (`.env.example`, `.env.sample`,
    /// `.env.template`, `.env.dist`, `.env.defaults`, `.env.tpl`). Their contents are never
    /// shown. A `.env/` *directory* is a virtualenv (see `host-virtualenv`).
    ///
    /// It is an error when a `COPY`/`ADD` of a stage that reaches the image copies it
    /// (including an explicit `COPY .env .env`), and a warning when it is only sent.
    ///
    /// ## Why is this bad?
    /// `.env` files hold local secrets (database passwords, API keys). In an image they are in
    /// a layer forever, readable by anyone who can pull it, even if a later step deletes them.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY . .
    /// ```
    /// with a `.env` beside the Dockerfile.
    ///
    /// Use instead:
    /// ```text
    /// **/.env
    /// **/.env.*
    /// !**/.env.example
    /// ```
    /// and pass settings at run time (`docker run --env-file`, orchestrator secrets), or
    /// `RUN --mount=type=secret` at build time.
    ///
    /// ## Fix safety
    /// The fix adds the line shown in the help to the ignore file (`.dockerignore`, or the
    /// Dockerfile's own `<name>.dockerignore`; created when missing), under a `# added by pristine`
    /// comment, after the user's lines. A line is only added if the matcher shows it excludes the
    /// finding and excludes no path a `COPY`/`ADD` names. It is safe when only the context
    /// changes (nothing copies the path); when a `COPY` copies it, excluding it changes the image
    /// (the build or the app may read it), so the fix is unsafe.
    ///
    /// ## References
    /// - [Build secrets](https://docs.docker.com/build/building/secrets/)
    /// - goodwithtech/dockle `credential.go`
    pub(crate) struct DotenvFile {
        code: "CX009",
        name: "dotenv-file",
        family: Context,
        severity: Error,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "`.env` file in the build context",
    }
}

const TEMPLATES: &[&[u8]] = &[
    b".example",
    b".sample",
    b".template",
    b".dist",
    b".defaults",
    b".tpl",
];

pub(crate) fn is_dotenv(name: &[u8]) -> bool {
    if name == b".env" || name == b".envrc" {
        return true;
    }
    let Some(rest) = name.strip_prefix(b".env") else {
        return false;
    };
    rest.starts_with(b".")
        && !TEMPLATES
            .iter()
            .any(|t| rest.eq_ignore_ascii_case(t) || rest.ends_with(t))
}

pub(crate) fn dotenv_file(checker: &mut ContextChecker) {
    let found: Vec<Vec<u8>> = checker
        .facts
        .context
        .tree
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::File && e.size > 0 && is_dotenv(basename(&e.path)))
        .filter(|e| checker.enclosing_container(&e.path).is_none())
        .map(|e| e.path.clone())
        .collect();
    for path in found {
        let name = basename(&path);
        let line = if name == b".env" || name == b".envrc" {
            format!("**/{}", String::from_utf8_lossy(name))
        } else {
            "**/.env.*".to_string()
        };
        let message = format!(
            "`{}` is an environment file, which usually holds secrets",
            checker.shown(&path, false)
        );
        checker.report_finding(Finding {
            rule: Rule::DotenvFile,
            path,
            is_dir: false,
            more: Vec::new(),
            message,
            ignore_lines: vec![line],
            harm: Harm::Hazard,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::is_dotenv;

    #[test]
    fn names() {
        assert!(is_dotenv(b".env"));
        assert!(is_dotenv(b".env.production"));
        assert!(is_dotenv(b".envrc"));
        assert!(!is_dotenv(b".env.example"));
        assert!(!is_dotenv(b".env.local.sample"));
        assert!(!is_dotenv(b".environment"));
        assert!(!is_dotenv(b"env"));
    }
}
