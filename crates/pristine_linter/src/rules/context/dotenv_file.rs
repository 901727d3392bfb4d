use pristine_context::EntryKind;

use crate::Rule;
use crate::checkers::context::{ContextChecker, Finding, Harm, basename, parent};
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports environment files in the build context: `.env`, `.env.*` and `.envrc` (regular,
    /// non-empty files), except templates meant to be shared (`.env.example`, `.env.sample`,
    /// `.env.template`, `.env.dist`, `.env.defaults`, `.env.tpl`). Their contents are never
    /// shown. A `.env/` *directory* is a virtualenv (see `host-virtualenv`).
    ///
    /// Not reported either: the files a front-end build tool reads at build time and documents
    /// as committed defaults, beside a `package.json` that depends on it — Next.js (`next`) and
    /// Create React App (`react-scripts`): `.env`, `.env.development`, `.env.production`,
    /// `.env.test`; Vite (`vite`): `.env` and `.env.<mode>`. All three keep secrets in
    /// `*.local` files, which are still reported. Excluding the defaults would break the
    /// `npm run build` of the image, so beside such a `package.json` the line offered is
    /// `**/.env*.local` (those tools' own `.gitignore` line) or the file's own path, never
    /// `**/.env.*`.
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
    /// - [Next.js: environment variables](https://nextjs.org/docs/app/guides/environment-variables)
    ///   ("`.env`, `.env.development`, and `.env.production` files should be included in your
    ///   repository as they define defaults. `.env*.local` should be added to `.gitignore`")
    /// - [Vite: env variables and modes](https://vite.dev/guide/env-and-mode) (`.env.[mode]`;
    ///   "`.env.*.local` files are local-only and can contain sensitive variables")
    /// - [Create React App: custom environment variables](https://create-react-app.dev/docs/adding-custom-environment-variables/)
    ///   ("`.env` files should be checked into source control (with the exclusion of
    ///   `.env*.local`)")
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

/// Whether an environment file name is one of a tool's committed defaults.
type IsDefault = fn(&[u8]) -> bool;

/// The front-end build tools that load `.env` files from their project directory, and whether
/// a file name (`.env`, `.env.<mode>`) is one of the defaults each documents as committed.
const FRONTEND_TOOLS: &[(&str, IsDefault)] = &[
    ("next", fixed_modes),
    ("react-scripts", fixed_modes),
    ("vite", any_mode),
];

/// Next.js and Create React App: `.env` and the files of the three modes they run in.
fn fixed_modes(name: &[u8]) -> bool {
    matches!(
        name,
        b".env" | b".env.development" | b".env.production" | b".env.test"
    )
}

/// Vite: `.env` and `.env.<mode>` for any mode (`vite build --mode staging`).
fn any_mode(name: &[u8]) -> bool {
    name == b".env"
        || name
            .strip_prefix(b".env.")
            .is_some_and(|mode| !mode.is_empty())
}

/// The entries of [`FRONTEND_TOOLS`] that the `package.json` in `dir` depends on.
fn frontend_tools(checker: &ContextChecker, dir: &[u8]) -> Vec<IsDefault> {
    let mut manifest = dir.to_vec();
    if !manifest.is_empty() {
        manifest.push(b'/');
    }
    manifest.extend_from_slice(b"package.json");
    // A manifest larger than this is no front-end's; a cut one does not parse and the file is
    // reported as before.
    let Some(bytes) = checker.facts.content.head(&manifest, 1 << 20) else {
        return Vec::new();
    };
    let Ok(serde_json::Value::Object(package)) = serde_json::from_slice(&bytes) else {
        return Vec::new();
    };
    FRONTEND_TOOLS
        .iter()
        .filter(|(tool, _)| {
            ["dependencies", "devDependencies"]
                .iter()
                .any(|key| package.get(*key).and_then(|d| d.get(*tool)).is_some())
        })
        .map(|&(_, defaults)| defaults)
        .collect()
}

/// Whether `name` is a default of one of `tools` (a `*.local` file never is: every one of
/// those tools keeps secrets there).
fn is_default_of(name: &[u8], tools: &[IsDefault]) -> bool {
    !name.ends_with(b".local") && tools.iter().any(|default| default(name))
}

/// Whether the environment file `path` is a committed default of a front-end build tool that
/// the `package.json` beside it depends on: not a secret, and the image's build reads it (also
/// for `root-anchored-ignore-pattern`, which must not count it as junk).
pub(crate) fn is_frontend_default(checker: &ContextChecker, path: &[u8]) -> bool {
    let name = basename(path);
    name != b".envrc" && is_default_of(name, &frontend_tools(checker, parent(path)))
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
        let tools = if name == b".envrc" {
            Vec::new()
        } else {
            frontend_tools(checker, parent(&path))
        };
        // A committed default of the front-end build tool beside it (see above).
        if is_default_of(name, &tools) {
            continue;
        }
        let line = if !tools.is_empty() && name.ends_with(b".local") {
            // The tools' own `.gitignore` line: it leaves their defaults in.
            "**/.env*.local".to_string()
        } else if !tools.is_empty() {
            // `**/.env.*` would exclude the defaults the front-end build reads too.
            String::from_utf8_lossy(&path).into_owned()
        } else if name == b".env" || name == b".envrc" {
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
