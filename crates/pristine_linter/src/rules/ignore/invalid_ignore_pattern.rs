use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `.dockerignore` that Docker cannot use: a pattern with invalid glob syntax
    /// (an unclosed `[`, an empty class `[]`, a trailing `\`), a reversed character range
    /// (`[z-a]`), a line that is only `!`, or a line longer than 64 KiB.
    ///
    /// ## Why is this bad?
    /// The build fails before any instruction runs, with `failed to solve: … syntax error in
    /// pattern` or `illegal exclusion pattern: "!"`, and the message does not say which line
    /// is at fault.
    ///
    /// ## Example
    /// ```text
    /// .venv
    /// [abc
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// .venv
    /// \[abc
    /// ```
    ///
    /// ## References
    /// - [Build context: .dockerignore files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    /// - moby/patternmatcher `patternmatcher.go` (`New`, `compile`), `ignorefile/ignorefile.go`
    pub(crate) struct InvalidIgnorePattern {
        code: "DI001",
        name: "invalid-ignore-pattern",
        family: Ignore,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "`.dockerignore` pattern that makes the build fail",
    }
}
