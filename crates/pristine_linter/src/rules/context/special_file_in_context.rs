use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports named pipes, sockets and device files in the build context.
    ///
    /// ## Why is this bad?
    /// They are never useful in an image: a socket left by a running dev server or a FIFO
    /// from a tool is sent to the builder, and `COPY .` recreates it (modern fsutil) or drops
    /// it silently (older BuildKit), depending on the builder version. pristine never opens
    /// them.
    ///
    /// ## Example
    /// `run/app.sock` left behind by a local server, with no `.dockerignore` entry.
    ///
    /// Use instead:
    /// ```text
    /// run/
    /// ```
    ///
    /// ## References
    /// - tonistiigi/fsutil `copy/copy.go` (special files)
    pub(crate) struct SpecialFileInContext {
        code: "CX002",
        name: "special-file-in-context",
        family: Context,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Named pipe, socket or device file in the build context",
    }
}
