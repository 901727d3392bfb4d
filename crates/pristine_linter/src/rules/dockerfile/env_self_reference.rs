use pristine_dockerfile::Command;
use pristine_dockerfile::lex::{EnvGetter, EnvList};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::dockerfile::general::{global_args, lexer, walk_stage};

declare_rule! {
    /// ## What it does
    /// Checks for an `ENV` that uses a variable defined by another pair of the same
    /// instruction, when that variable was not defined before (`ENV A=/opt B=$A/bin`).
    ///
    /// ## Why is this bad?
    /// All pairs of one `ENV` are expanded with the variables as they were *before* the
    /// instruction, so `B` becomes `/bin`, not `/opt/bin`. Split the instruction in two.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV VENV=/opt/venv PATH="$VENV/bin:$PATH"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV VENV=/opt/venv
    /// ENV PATH="$VENV/bin:$PATH"
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3044](https://github.com/hadolint/hadolint/wiki/DL3044)
    /// - [Dockerfile reference: environment replacement](https://docs.docker.com/reference/dockerfile/#environment-replacement)
    pub(crate) struct EnvSelfReference {
        code: "DF026",
        name: "env-self-reference",
        family: Dockerfile,
        severity: Error,
        fix: None,
        hadolint: ["DL3044"],
        buildkit: [],
        summary: "`ENV` uses a variable it defines itself",
    }
}

/// DF026.
pub(crate) fn env_self_reference(checker: &mut Checker) {
    let globals = global_args(checker);
    let lex = lexer(checker);
    let empty = EnvList::new();
    let mut found = Vec::new();
    for stage in &checker.stages.stages {
        walk_stage(checker, &globals, stage.index, |step| {
            let Command::Env(pairs) = step.command else {
                return;
            };
            if !step.own {
                return;
            }
            for (i, kv) in pairs.iter().enumerate() {
                let Ok(result) = lex.process_word(&kv.value.value, &empty) else {
                    continue;
                };
                for var in result.unmatched {
                    let same = pairs
                        .iter()
                        .enumerate()
                        .any(|(j, other)| j != i && other.key.value == var);
                    let before = step.env.get(&var).is_some() || step.declared_args.contains(&var);
                    if same && !before {
                        found.push((var, kv.value.range));
                    }
                }
            }
        });
    }
    for (var, range) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::EnvSelfReference,
                format!(
                    "Do not refer to an environment variable within the same `ENV` statement where it is defined: `${var}` is not set yet"
                ),
                range,
            )
            .with_help(format!("Define `{var}` in an `ENV` of its own before this one"));
        checker.report(diagnostic);
    }
}
