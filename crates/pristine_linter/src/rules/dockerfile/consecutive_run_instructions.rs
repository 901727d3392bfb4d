use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::dockerfile::general::stage_chain;

declare_rule! {
    /// ## What it does
    /// Checks for consecutive `RUN` instructions with the same flags that each run one or two
    /// commands, in the stages that make up the final image.
    ///
    /// ## Why is this bad?
    /// Each `RUN` adds a layer: files deleted in a later `RUN` still take space in the earlier
    /// layer, and many small layers slow pulls. Joining short steps with `&&` keeps the image
    /// smaller.
    ///
    /// Builder stages are not reported: their layers never reach the final image, and separate
    /// steps there give better caching. hadolint's DL3059 reports them in every stage. As in
    /// hadolint, comments do not break a sequence, any other instruction does, and steps with
    /// more than two commands or different flags (`--mount`) are left alone; commands are
    /// counted by splitting on `&&`, `||`, `;`, `|` and newlines outside quotes.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends libpq5
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends libpq5
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3059](https://github.com/hadolint/hadolint/wiki/DL3059)
    pub(crate) struct ConsecutiveRunInstructions {
        code: "DF030",
        name: "consecutive-run-instructions",
        family: Dockerfile,
        severity: Info,
        fix: None,
        hadolint: ["DL3059"],
        buildkit: [],
        summary: "Consecutive short `RUN` instructions in the final image",
    }
}

/// Commands in a shell script: separators `&&`, `||`, `;`, `|`, newline outside quotes.
fn count_commands(script: &str) -> usize {
    let mut count = 0;
    let mut current_has_word = false;
    let mut quote: Option<char> = None;
    let mut chars = script.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                } else if c == '\\' && q == '"' {
                    chars.next();
                }
            }
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    current_has_word = true;
                }
                '\\' => {
                    chars.next();
                }
                '&' | '|' | ';' | '\n' => {
                    if c == '&' && chars.peek() != Some(&'&') {
                        // A background `&` also ends a command.
                    } else if matches!(c, '&' | '|') && chars.peek() == Some(&c) {
                        chars.next();
                    }
                    if current_has_word {
                        count += 1;
                    }
                    current_has_word = false;
                }
                c if c.is_whitespace() => {}
                _ => current_has_word = true,
            },
        }
    }
    if current_has_word {
        count += 1;
    }
    count
}

/// DF030.
pub(crate) fn consecutive_run_instructions(checker: &mut Checker) {
    let Some(last) = checker.stages.final_stage() else {
        return;
    };
    let mut found = Vec::new();
    for stage_index in stage_chain(&checker.stages, last.index) {
        let Some(st) = checker.stages.stages.get(stage_index) else {
            continue;
        };
        // hadolint's state: the flags and command count of the RUN a sequence is compared to.
        let mut previous: Option<(Vec<String>, usize)> = None;
        for &index in &st.instructions {
            let Some(inst) = checker.dockerfile.instructions.get(index) else {
                continue;
            };
            let Some(Command::Run(run)) = &inst.command else {
                previous = None;
                continue;
            };
            let flags: Vec<String> = inst.flags.iter().map(|f| f.value.clone()).collect();
            let count = if run.command.json {
                1
            } else {
                let mut n: usize = run
                    .command
                    .args
                    .iter()
                    .map(|a| count_commands(&a.value))
                    .sum();
                n += run
                    .command
                    .files
                    .iter()
                    .map(|f| count_commands(&f.data))
                    .sum::<usize>();
                n
            };
            match &previous {
                Some((prev_flags, prev_count))
                    if *prev_flags == flags && count <= 2 && *prev_count <= 2 =>
                {
                    found.push(inst.range);
                }
                _ => previous = Some((flags, count)),
            }
        }
    }
    for range in found {
        let diagnostic = checker
            .diagnostic(
                Rule::ConsecutiveRunInstructions,
                "Multiple consecutive `RUN` instructions. Consider consolidation.",
                range,
            )
            .with_help("Join the commands with `&&` in one `RUN`");
        checker.report(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use super::count_commands;

    #[test]
    fn counts() {
        assert_eq!(count_commands("apt-get update"), 1);
        assert_eq!(count_commands("a && b || c; d | e"), 5);
        assert_eq!(count_commands("echo 'a && b'"), 1);
        assert_eq!(count_commands("a \\\n && b"), 2);
    }
}
