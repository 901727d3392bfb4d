use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for `# pristine: ignore[…]` and `# pristine: ignore-file[…]` comments that
    /// suppress nothing: the rule did not fire where the comment applies, the rule is not
    /// enabled, or the code names no rule.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real finding of that rule on the line, and tells
    /// readers about a problem that is no longer there.
    ///
    /// hadolint pragmas (`# hadolint ignore=…`) and BuildKit's `# check=skip=…` directive are
    /// honoured too but never reported: other tools read them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// # pristine: ignore[DF001]
    /// RUN pip install --no-cache-dir uv
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir uv
    /// ```
    ///
    /// ## Fix safety
    /// The fix removes the unused codes, or the whole comment when none of its codes is used.
    /// It is safe: comments do not change the build. There is no fix where the words are not
    /// a comment to Docker: BuildKit only strips comments that start a line, so a trailing
    /// `# pristine: ignore[…]` is part of the instruction's arguments except after the shell
    /// form of `RUN`, `CMD` and `ENTRYPOINT` (where the shell reads it as a comment), and a line
    /// of a heredoc body is the content of a file or script.
    ///
    /// ## References
    /// - [ruff's `unused-noqa` (RUF100)](https://docs.astral.sh/ruff/rules/unused-noqa/)
    pub(crate) struct UnusedSuppression {
        code: "DF090",
        name: "unused-suppression",
        family: Dockerfile,
        severity: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "Suppression comment that suppresses nothing",
    }
}
