use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports context paths whose names are not valid UTF-8.
    ///
    /// ## Why is this bad?
    /// Docker sends them, but `.dockerignore` patterns are matched against the name with
    /// invalid bytes replaced, tools in the image may fail to open them, and since 2023
    /// BuildKit percent-encodes such names in transit. They are almost always accidents
    /// (archives extracted with the wrong encoding).
    ///
    /// ## Example
    /// A file `data/caf\xe9.csv` written by a Latin-1 tool.
    ///
    /// Use instead: rename the file to UTF-8, or exclude it.
    ///
    /// ## References
    /// - moby/buildkit `session/filesync/filesync.go` (non-ASCII path encoding)
    pub(crate) struct NonUtf8ContextPath {
        code: "CX003",
        name: "non-utf8-context-path",
        family: Context,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Build-context path that is not valid UTF-8",
    }
}
