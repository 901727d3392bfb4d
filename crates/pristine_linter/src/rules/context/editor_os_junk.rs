use crate::Rule;
use crate::checkers::context::{Container, ContextChecker, Harm, basename, distinct_lines, lossy};
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports editor and operating-system files in the build context: `.DS_Store`,
    /// `Thumbs.db`, `desktop.ini`, `.idea/`, `.vscode/`, and Vim swap files (`*.swp`,
    /// `*.swo`). They are reported together, once per `COPY` that copies some.
    ///
    /// A warning when a `COPY`/`ADD` copies them, information when they are only sent.
    ///
    /// ## Why is this bad?
    /// They have no use in an image, they change whenever you browse or edit (rebuilding the
    /// `COPY . .` layer), and editor settings can hold local paths, tokens or run
    /// configurations with environment variables.
    ///
    /// ## Example
    /// A `.DS_Store` in every directory of a project copied with `COPY . .`.
    ///
    /// Use instead:
    /// ```text
    /// **/.DS_Store
    /// .idea
    /// .vscode
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds the line shown in the help to the ignore file (`.dockerignore`, or the
    /// Dockerfile's own `<name>.dockerignore`; created when missing), under a `# added by pristine`
    /// comment, after the user's lines. A line is only added if the matcher shows it excludes the
    /// finding and excludes no path a `COPY`/`ADD` names. What this rule finds is never meant for an
    /// image, so the fix is safe even when a broad `COPY . .` copied it.
    ///
    /// ## References
    /// - [github/gitignore Global/macOS.gitignore](https://github.com/github/gitignore/blob/main/Global/macOS.gitignore)
    pub(crate) struct EditorOsJunk {
        code: "CX013",
        name: "editor-os-junk",
        family: Context,
        severity: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "Editor and operating-system files in the build context",
    }
}

pub(crate) fn is_junk_file(name: &[u8]) -> bool {
    name == b".DS_Store"
        || name == b"Thumbs.db"
        || name == b"desktop.ini"
        || (name.starts_with(b".") && (name.ends_with(b".swp") || name.ends_with(b".swo")))
}

pub(crate) fn editor_os_junk(checker: &mut ContextChecker) {
    let items = checker.grouped_items(Container::EditorJunk, is_junk_file);
    if items.is_empty() {
        return;
    }
    let lines = distinct_lines(&items, |p| {
        let name = basename(p);
        if name.ends_with(b".swp") || name.ends_with(b".swo") {
            "**/*.sw[po]".to_string()
        } else if p.contains(&b'/') {
            format!("**/{}", lossy(name))
        } else {
            lossy(name)
        }
    });
    checker.report_group(
        Rule::EditorOsJunk,
        items,
        ("editor or OS leftover", "editor and OS leftovers"),
        &lines,
        Harm::Bloat,
    );
}
