use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports files and directories in the build context that cannot be read (permission
    /// denied, vanished while walking, I/O errors) and that the `.dockerignore` does not
    /// exclude.
    ///
    /// ## Why is this bad?
    /// BuildKit fails the whole build when it cannot read a file it has to send
    /// (`failed to solve: … permission denied`). An unreadable directory that *is* excluded is
    /// fine: BuildKit skips it (fsutil ignores `EPERM` below excluded directories).
    ///
    /// ## Example
    /// A `postgres-data/` directory owned by another user inside the project, not listed in
    /// `.dockerignore`.
    ///
    /// Use instead: exclude it.
    /// ```text
    /// postgres-data
    /// ```
    ///
    /// ## References
    /// - tonistiigi/fsutil `filter.go` (permission errors on excluded paths are ignored)
    pub(crate) struct UnreadableContextEntry {
        code: "CX001",
        name: "unreadable-context-entry",
        family: Context,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "File or directory in the build context that cannot be read",
    }
}
