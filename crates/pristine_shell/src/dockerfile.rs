//! The scripts of a Dockerfile's `RUN` instructions, with positions in the Dockerfile.

use pristine_dockerfile::{Dockerfile, Keyword, Node, Stages};
use text_size::{TextRange, TextSize};

use crate::map::SourceMap;
use crate::parse::{SHELLS, Strategy, parse_mapped_with};
use crate::script::{Command, Context, Script, Word, basename};

/// How a `RUN` gives its command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunForm {
    /// `RUN apt-get update && …` (possibly with heredocs whose bodies are shell).
    Shell,
    /// `RUN ["pip", "install", "x"]`: one command, no shell (unless it runs `sh -c`).
    Exec,
}

/// The parsed shell of one `RUN` (or `ONBUILD RUN`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunScript {
    /// Index into [`Dockerfile::instructions`].
    pub instruction: usize,
    /// Index into [`Stages::stages`] (`None` before the first `FROM`).
    pub stage: Option<usize>,
    /// An `ONBUILD RUN` trigger.
    pub onbuild: bool,
    pub form: RunForm,
    /// The `SHELL` in effect for this instruction (default `["/bin/sh", "-c"]`).
    pub shell: Vec<String>,
    /// The instruction's range.
    pub range: TextRange,
    /// The command line, then each heredoc body that is run as shell (`RUN <<EOF`,
    /// `RUN bash <<EOF`, a `#!/bin/sh` shebang), in order.
    pub script: Script,
}

impl RunScript {
    /// Does the `SHELL` set `-o pipefail` (`SHELL ["/bin/bash", "-o", "pipefail", "-c"]`)?
    pub fn shell_has_pipefail(&self) -> bool {
        self.shell
            .windows(2)
            .any(|w| w[0] == "-o" && w[1] == "pipefail")
            || self.shell.iter().any(|a| {
                a.starts_with('-') && !a.starts_with("--") && a.ends_with('o') && {
                    let i = self.shell.iter().position(|x| x == a);
                    i.and_then(|i| self.shell.get(i + 1))
                        .is_some_and(|n| n == "pipefail")
                }
            })
    }

    /// Is the `SHELL` a POSIX-like shell (not PowerShell or cmd)?
    pub fn posix_shell(&self) -> bool {
        self.shell
            .first()
            .is_none_or(|s| SHELLS.contains(&basename(s)))
    }
}

/// The default `SHELL`.
fn default_shell() -> Vec<String> {
    vec!["/bin/sh".to_owned(), "-c".to_owned()]
}

/// Every `RUN` and `ONBUILD RUN` of `dockerfile`, parsed. `source` is the text it was parsed
/// from. RUNs under a non-POSIX `SHELL` (PowerShell, cmd) get an empty script.
pub fn run_scripts(dockerfile: &Dockerfile, source: &str, stages: &Stages) -> Vec<RunScript> {
    run_scripts_with(dockerfile, source, stages, Strategy::Fast)
}

/// [`run_scripts`] with a chosen parsing [`Strategy`].
pub fn run_scripts_with(
    dockerfile: &Dockerfile,
    source: &str,
    stages: &Stages,
    strategy: Strategy,
) -> Vec<RunScript> {
    let mut out = Vec::new();
    // The SHELL in effect, per stage, following FROM <stage> inheritance.
    let mut stage_shells: Vec<Vec<String>> = Vec::new();
    let mut shell = default_shell();
    let mut stage: Option<usize> = None;
    for (index, instruction) in dockerfile.instructions.iter().enumerate() {
        let node = &instruction.node;
        match node.kind() {
            Some(Keyword::From) => {
                if let Some(i) = stage {
                    store(&mut stage_shells, i, shell.clone());
                }
                let s = stages.stage_of(index);
                stage = s.map(|s| s.index);
                shell = match s.map(|s| &s.base) {
                    Some(pristine_dockerfile::Base::Stage(parent)) => stage_shells
                        .get(*parent)
                        .cloned()
                        .unwrap_or_else(default_shell),
                    _ => default_shell(),
                };
            }
            Some(Keyword::Shell) if node.json => {
                shell = node.args.iter().map(|a| a.value.clone()).collect();
            }
            Some(Keyword::Run) => {
                out.push(run_script(
                    node,
                    index,
                    stage,
                    false,
                    &shell,
                    source,
                    dockerfile.escape,
                    strategy,
                ));
            }
            Some(Keyword::Onbuild) => {
                if let Some(trigger) = node.trigger.as_deref()
                    && trigger.kind() == Some(Keyword::Run)
                {
                    let mut rs = run_script(
                        trigger,
                        index,
                        stage,
                        true,
                        &shell,
                        source,
                        dockerfile.escape,
                        strategy,
                    );
                    rs.range = node.range;
                    // BuildKit attaches heredocs to the outer node.
                    if rs.form == RunForm::Shell && trigger.heredocs.is_empty() {
                        add_heredocs(&mut rs, node, source, strategy);
                    }
                    out.push(rs);
                }
            }
            _ => {}
        }
    }
    out
}

fn store(shells: &mut Vec<Vec<String>>, i: usize, shell: Vec<String>) {
    if shells.len() <= i {
        shells.resize(i + 1, default_shell());
    }
    if let Some(slot) = shells.get_mut(i) {
        *slot = shell;
    }
}

#[expect(clippy::too_many_arguments, reason = "private, one call per RUN form")]
fn run_script(
    node: &Node,
    instruction: usize,
    stage: Option<usize>,
    onbuild: bool,
    shell: &[String],
    source: &str,
    escape: char,
    strategy: Strategy,
) -> RunScript {
    let mut rs = RunScript {
        instruction,
        stage,
        onbuild,
        form: if node.json {
            RunForm::Exec
        } else {
            RunForm::Shell
        },
        shell: shell.to_vec(),
        range: node.range,
        script: Script::default(),
    };
    if node.json {
        rs.script = exec_script(node, source, escape, strategy);
        return rs;
    }
    if !rs.posix_shell() {
        return rs;
    }
    if let Some(arg) = node.args.first() {
        let map = SourceMap::joined(source, arg.range, &arg.value, escape);
        rs.script = parse_mapped_with(&arg.value, &map, strategy);
    }
    add_heredocs(&mut rs, node, source, strategy);
    rs
}

/// Parses the heredoc bodies that the shell runs: all of them when the command line is only
/// heredoc markers (`RUN <<EOF`, BuildKit runs the body as the script), or when a command of
/// the line is a shell reading stdin (`RUN bash <<EOF`, `RUN sh -s <<EOF`). A body starting
/// with a shebang is shell only when the shebang names a shell.
fn add_heredocs(rs: &mut RunScript, node: &Node, source: &str, strategy: Strategy) {
    if node.heredocs.is_empty() {
        return;
    }
    let only_markers = node
        .args
        .first()
        .is_some_and(|a| a.value.split_whitespace().all(|w| w.starts_with("<<")));
    let shell_reads_stdin = rs.script.commands.iter().any(|c| {
        SHELLS.contains(&c.basename())
            && !c
                .args
                .iter()
                .any(|a| a.text.starts_with('-') && a.text.contains('c'))
            && c.args.iter().all(|a| a.text.starts_with('-'))
    });
    if !only_markers && !shell_reads_stdin {
        return;
    }
    if only_markers {
        rs.script = Script::default();
    }
    for heredoc in &node.heredocs {
        let content = if heredoc.chomp {
            pristine_dockerfile::chomp_heredoc_content(&heredoc.content)
        } else {
            heredoc.content.clone()
        };
        if let Some(first) = content.lines().next()
            && let Some(interpreter) = first.strip_prefix("#!")
        {
            let mut parts = interpreter.split_whitespace();
            let program = match parts.next().map(basename) {
                Some("env") => parts.next().unwrap_or_default(),
                Some(p) => p,
                None => "",
            };
            if !SHELLS.contains(&program) {
                continue;
            }
        }
        let start = heredoc.body_range.start();
        let len = heredoc.body_range.len();
        // Chomped bodies lose leading tabs: positions are then only line-accurate.
        let map = if heredoc.chomp && content.len() != heredoc.content.len() {
            SourceMap::collapsed(heredoc.body_range)
        } else {
            SourceMap::identity(start, len)
        };
        let _ = source;
        let mut body = parse_mapped_with(&content, &map, strategy);
        if !only_markers {
            for c in &mut body.commands {
                c.context.nested_shell = true;
            }
        }
        rs.script.extend(body);
    }
}

/// `RUN ["pip", "install", "x"]`: the argv as one command; `["sh", "-c", "…"]` also parses
/// the script.
fn exec_script(node: &Node, source: &str, escape: char, strategy: Strategy) -> Script {
    let _ = escape;
    let words: Vec<Word> = node
        .args
        .iter()
        .map(|a| Word {
            text: a.value.clone(),
            raw: source
                .get(usize::from(a.range.start())..usize::from(a.range.end()))
                .unwrap_or_default()
                .to_owned(),
            range: a.range,
            is_static: true,
        })
        .collect();
    let mut iter = words.into_iter();
    let Some(name) = iter.next() else {
        return Script::default();
    };
    let args: Vec<Word> = iter.collect();
    let end = args.last().map_or(name.range.end(), |a| a.range.end());
    let command = Command {
        range: TextRange::new(name.range.start(), end.max(name.range.start())),
        name,
        args,
        assignments: Vec::new(),
        redirects: Vec::new(),
        connector: None,
        followed_by: None,
        context: Context::default(),
        pipeline: None,
    };
    let mut script = Script {
        commands: vec![command.clone()],
        ..Script::default()
    };
    if SHELLS.contains(&command.basename()) {
        let c_at = command.args.iter().position(|a| {
            a.text.starts_with('-') && !a.text.starts_with("--") && a.text.contains('c')
        });
        if let Some(script_word) = c_at.and_then(|i| command.args.get(i + 1)) {
            // JSON strings may hold escapes: positions are the JSON string's.
            let map = SourceMap::collapsed(script_word.range);
            let mut nested = parse_mapped_with(&script_word.text, &map, strategy);
            for c in &mut nested.commands {
                c.context.nested_shell = true;
            }
            script.extend(nested);
        }
    }
    let _ = TextSize::default();
    script
}
