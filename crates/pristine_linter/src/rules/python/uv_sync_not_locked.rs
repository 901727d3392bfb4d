use pristine_shell::Tool;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{runs, var_set};

declare_rule! {
    /// ## What it does
    /// Checks for `uv sync` without `--locked` or `--frozen` (or `UV_LOCKED`/`UV_FROZEN`).
    ///
    /// ## Why is this bad?
    /// Without them uv re-resolves when `pyproject.toml` and `uv.lock` disagree and installs what it
    /// resolves now, not what was locked and tested. `--locked`: "Assert that the uv.lock will
    /// remain unchanged … If the lockfile is missing or needs to be updated, uv will exit with an
    /// error"; `--frozen`: "Sync without updating the uv.lock file". For the first sync of a
    /// workspace use `--frozen` (the lock cannot be validated without every member's
    /// `pyproject.toml`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN uv sync --no-dev
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN uv sync --locked --no-dev
    /// ```
    ///
    /// ## References
    /// - [uv: Using uv in Docker](https://docs.astral.sh/uv/guides/integration/docker/)
    /// - uv `crates/uv-cli/src/lib.rs` (`--locked`, `--frozen`)
    /// - python-rules.md R20, R28 `lock-not-enforced`
    pub(crate) struct UvSyncNotLocked {
        code: "PY020",
        name: "uv-sync-not-locked",
        family: Python,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "`uv sync` without `--locked` or `--frozen`",
    }
}

/// PY020
pub(crate) fn uv_sync_not_locked(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for run in runs(checker, &scripts) {
        for inv in &run.model.invocations {
            if !(inv.tool == Tool::Uv && inv.subcommand() == "sync") {
                continue;
            }
            if inv.opts.has(&["--locked", "--frozen"])
                || var_set(checker, &run, inv.command, "UV_LOCKED")
                || var_set(checker, &run, inv.command, "UV_FROZEN")
            {
                continue;
            }
            found.push((inv.command.range, "`uv sync` without `--locked` or `--frozen` may resolve again and rewrite `uv.lock`".to_owned()));
        }
    }
    for (range, message) in found {
        let diagnostic = checker
            .diagnostic(Rule::UvSyncNotLocked, message, range)
            .with_help("Use `uv sync --locked` (fail when the lock is stale) or `--frozen` (use the lock as is)");
        checker.report(diagnostic);
    }
}
