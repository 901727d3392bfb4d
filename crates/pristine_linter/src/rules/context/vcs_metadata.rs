use crate::Rule;
use crate::checkers::context::{Container, ContextChecker, Harm, basename, distinct_lines, lossy};
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports version-control metadata in the build context: `.git` (directory, or the file
    /// of a worktree or submodule), `.hg`, `.svn`, `.bzr`.
    ///
    /// A warning when a `COPY`/`ADD` copies it, information when it is only sent.
    ///
    /// ## Why is this bad?
    /// It is often the largest thing in a project, it changes on every commit, fetch and
    /// checkout (invalidating the `COPY . .` layer), and it holds the whole history —
    /// including secrets removed from the working tree long ago. BuildKit drops `.git` only
    /// for Git-URL contexts, never for a local directory.
    ///
    /// ## Example
    /// `docker build .` in a clone with no `.dockerignore`.
    ///
    /// Use instead:
    /// ```text
    /// .git
    /// ```
    /// and pass the revision as a build argument or label.
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
    /// - [Build context](https://docs.docker.com/build/concepts/context/)
    pub(crate) struct VcsMetadata {
        code: "CX008",
        name: "vcs-metadata",
        family: Context,
        severity: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "Version-control metadata in the build context",
    }
}

pub(crate) fn vcs_metadata(checker: &mut ContextChecker) {
    // A `.git` file: a worktree or submodule pointer.
    let items = checker.grouped_items(Container::Vcs, |name| name == b".git");
    if items.is_empty() {
        return;
    }
    let lines = distinct_lines(&items, |p| {
        let name = lossy(basename(p));
        if p.contains(&b'/') {
            format!("**/{name}")
        } else {
            name
        }
    });
    checker.report_group(
        Rule::VcsMetadata,
        items,
        ("version-control directory", "version-control directories"),
        &lines,
        Harm::Bloat,
    );
}
