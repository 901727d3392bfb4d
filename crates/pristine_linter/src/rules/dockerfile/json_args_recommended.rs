use pristine_diagnostics::{Edit, Fix, TextRange};
use pristine_dockerfile::{Command, CommandLine};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::dockerfile::general::stage_chain;

declare_rule! {
    /// ## What it does
    /// Checks for `CMD` and `ENTRYPOINT` in shell form (`CMD gunicorn app:app`) in a stage
    /// that has not set its own `SHELL`.
    ///
    /// ## Why is this bad?
    /// The shell form runs the command as `/bin/sh -c "…"`: the shell becomes PID 1 and does
    /// not forward `SIGTERM`, so `docker stop` waits for its timeout and then kills the
    /// application without a graceful shutdown (gunicorn, uvicorn and Celery all rely on
    /// `SIGTERM`). The exec form (a JSON array) runs the program directly.
    ///
    /// As in BuildKit, a stage (or a stage it is built on) that sets `SHELL` is exempt: the
    /// author chose a shell on purpose. hadolint's DL3025 does not have this exemption.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD gunicorn --bind 0.0.0.0:8000 app:app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
    /// ```
    ///
    /// ## Fix safety
    /// The fix rewrites a one-line shell-form command into the exec form only when it is plain
    /// words (no quotes, variables, globs, redirections, operators or escapes), so that
    /// `/bin/sh -c` would have run exactly those words; it is safe. The process then runs as
    /// PID 1 and receives signals, which is the point of the rule. Other commands get no fix.
    ///
    /// ## References
    /// - [BuildKit check `JSONArgsRecommended`](https://docs.docker.com/reference/build-checks/json-args-recommended/)
    /// - [hadolint DL3025](https://github.com/hadolint/hadolint/wiki/DL3025)
    /// - BuildKit `frontend/dockerfile/dockerfile2llb/convert.go` (`dispatchCmd`, `dispatchEntrypoint`)
    pub(crate) struct JsonArgsRecommended {
        code: "DF008",
        name: "json-args-recommended",
        family: Dockerfile,
        severity: Warning,
        fix: Sometimes,
        hadolint: ["DL3025"],
        buildkit: ["JSONArgsRecommended"],
        summary: "`CMD`/`ENTRYPOINT` in shell form",
    }
}

/// DF008.
pub(crate) fn json_args_recommended(checker: &mut Checker) {
    let mut found = Vec::new();
    for stage in &checker.stages.stages {
        // SHELL in a base stage carries over (`d.image.Config.Shell`).
        let mut shell_set = stage_chain(&checker.stages, stage.index)
            .iter()
            .filter(|&&i| i != stage.index)
            .filter_map(|&i| checker.stages.stages.get(i))
            .flat_map(|s| s.instructions.iter())
            .any(|&i| {
                matches!(
                    checker
                        .dockerfile
                        .instructions
                        .get(i)
                        .and_then(|x| x.command.as_ref()),
                    Some(Command::Shell(_))
                )
            });
        for &index in &stage.instructions {
            let Some(inst) = checker.dockerfile.instructions.get(index) else {
                continue;
            };
            match &inst.command {
                Some(Command::Shell(_)) => shell_set = true,
                Some(Command::Cmd(line) | Command::Entrypoint(line))
                    if !line.json && !shell_set =>
                {
                    found.push((
                        inst.keyword.value.clone(),
                        inst.range,
                        exec_form(checker.source, line),
                    ));
                }
                _ => {}
            }
        }
    }
    for (name, range, fix) in found {
        let mut diagnostic = checker
            .diagnostic(
                Rule::JsonArgsRecommended,
                format!(
                    "JSON arguments recommended for {name} to prevent unintended behavior related to OS signals"
                ),
                range,
            )
            .with_help("Use the exec form: a JSON array such as `[\"gunicorn\", \"app:app\"]`");
        if let Some((range, json)) = fix {
            diagnostic = diagnostic.with_fix(Fix::safe(vec![Edit::replacement(json, range)]));
        }
        checker.report(diagnostic);
    }
}

/// The exec form of a one-line shell-form command that uses no shell feature: only words of
/// plain characters (no quotes, variables, globs, redirections, operators, escapes), so that
/// `/bin/sh -c` would run exactly these words.
fn exec_form(source: &str, line: &CommandLine) -> Option<(TextRange, String)> {
    let [arg] = line.args.as_slice() else {
        return None;
    };
    if !line.files.is_empty()
        || source.get(std::ops::Range::<usize>::from(arg.range)) != Some(arg.value.as_str())
    {
        return None;
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    let words: Vec<&str> = arg
        .value
        .split([' ', '\t'])
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || !words.iter().all(|w| w.chars().all(plain)) {
        return None;
    }
    let json = words
        .iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(", ");
    Some((arg.range, format!("[{json}]")))
}
