//! The stage model: global `ARG`s, stages, bases, `COPY --from` edges and the per-stage
//! `USER`/`WORKDIR`/`ENV`/`SHELL`, following `dockerfile2llb/convert.go` (moby/buildkit,
//! reference snapshot 73ed6825c4b7) without any build context or image configuration:
//! values an image would provide (its `ENV`, `WORKDIR`, `USER`) are unknown here, and build
//! arguments are not given, so `ARG` defaults are used.
//!
//! Words are expanded with [`crate::lex::Lex`] as BuildKit does: a variable that is not set
//! expands to the empty string; the names that were not set are kept in `unresolved` fields so
//! callers can tell.

use text_size::TextRange;

use crate::instructions::Command;
use crate::lex::{EnvList, Lex};
use crate::{Dockerfile, go};

/// The stages of a Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stages {
    /// `ARG`s before the first `FROM` (`metaArgs`), defaults expanded in order.
    pub global_args: Vec<Variable>,
    pub stages: Vec<Stage>,
}

/// A variable (`ARG` or `ENV`) with its expanded value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    /// `None` for an `ARG` without default (and no global value).
    pub value: Option<String>,
    /// The instruction that defined it (index into [`Dockerfile::instructions`]).
    pub instruction: usize,
    pub range: TextRange,
}

/// Where a stage starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// `FROM scratch`.
    Scratch,
    /// A previous stage, by index.
    Stage(usize),
    /// An image reference (expanded).
    Image(String),
}

/// What a `COPY --from` refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopySource {
    /// A stage, by index (named or numeric `--from`).
    Stage(usize),
    /// An image or other external reference.
    Image(String),
}

/// A `COPY --from` edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyFrom {
    /// Index into [`Dockerfile::instructions`].
    pub instruction: usize,
    pub source: CopySource,
    /// The `--from` flag.
    pub range: TextRange,
}

/// One build stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// Position among the stages (what `--from=0` refers to).
    pub index: usize,
    /// The lower-cased `AS` name.
    pub name: Option<String>,
    /// Index of the `FROM` instruction.
    pub from_instruction: usize,
    /// Indices of the stage's instructions after `FROM`.
    pub instructions: Vec<usize>,
    /// The `FROM` image after global-`ARG` expansion.
    pub image: String,
    /// Variables referenced by the image or platform that have no value.
    pub unresolved: Vec<String>,
    /// `--platform` after expansion.
    pub platform: Option<String>,
    pub base: Base,
    pub copy_from: Vec<CopyFrom>,
    /// `ARG`s declared in the stage, in order.
    pub args: Vec<Variable>,
    /// `ENV` after each instruction, final values in order of first definition.
    pub env: Vec<Variable>,
    /// The last `USER` (expanded), if any.
    pub user: Option<String>,
    /// The working directory: `/` resolved against each `WORKDIR` (the base image's own
    /// `WORKDIR` is unknown and taken as `/`).
    pub workdir: String,
    /// The `SHELL` in effect at the end of the stage (default `/bin/sh -c`).
    pub shell: Vec<String>,
}

impl Stage {
    /// Is this the last stage (the default build target)?
    pub fn is_final(&self, stages: &Stages) -> bool {
        self.index + 1 == stages.stages.len()
    }
}

impl Stages {
    /// The last stage: the default target.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// A stage by (case-insensitive) name.
    pub fn by_name(&self, name: &str) -> Option<&Stage> {
        let lower = go::to_lower(name);
        self.stages
            .iter()
            .find(|s| s.name.as_deref() == Some(&lower))
    }

    /// The stage an instruction belongs to.
    pub fn stage_of(&self, instruction: usize) -> Option<&Stage> {
        self.stages
            .iter()
            .find(|s| s.from_instruction == instruction || s.instructions.contains(&instruction))
    }
}

/// `path.Join` + `path.Clean` for WORKDIR (`system.NormalizeWorkdir`).
fn resolve_workdir(current: &str, requested: &str) -> String {
    let joined = if requested.starts_with('/') {
        requested.to_owned()
    } else {
        format!("{current}/{requested}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

struct Expander {
    lex: Lex,
}

impl Expander {
    /// Expands `word`; on a lexer error the raw word is kept.
    fn expand(&self, word: &str, env: &EnvList, unresolved: &mut Vec<String>) -> String {
        match self.lex.process_word(word, env) {
            Ok(r) => {
                for u in r.unmatched {
                    if !unresolved.contains(&u) {
                        unresolved.push(u);
                    }
                }
                r.result
            }
            Err(_) => word.to_owned(),
        }
    }
}

fn env_list(vars: &[&Variable]) -> EnvList {
    let mut env = EnvList::new();
    for v in vars {
        if let Some(value) = &v.value {
            env.push(v.name.clone(), value.clone());
        }
    }
    env
}

/// Builds the stage model of `df`.
pub fn stages(df: &Dockerfile) -> Stages {
    let ex = Expander {
        lex: Lex::new(df.escape),
    };
    let mut out = Stages::default();
    let mut scratch_unresolved = Vec::new();
    for (i, inst) in df.instructions.iter().enumerate() {
        let Some(command) = &inst.command else {
            if let Some(stage) = out.stages.last_mut() {
                stage.instructions.push(i);
            }
            continue;
        };
        if out.stages.is_empty()
            && let Command::Arg(defs) = command
        {
            for d in defs {
                let env = env_list(&out.global_args.iter().collect::<Vec<_>>());
                let value = d
                    .default
                    .as_ref()
                    .map(|v| ex.expand(&v.value, &env, &mut scratch_unresolved));
                out.global_args.push(Variable {
                    name: d.name.value.clone(),
                    value,
                    instruction: i,
                    range: d.name.range,
                });
            }
            continue;
        }
        if let Command::From(from) = command {
            let env = env_list(&out.global_args.iter().collect::<Vec<_>>());
            let mut unresolved = Vec::new();
            let image = ex.expand(&from.image.value, &env, &mut unresolved);
            let platform = from
                .platform
                .as_ref()
                .map(|p| ex.expand(&p.value, &env, &mut unresolved));
            let base = if image.eq_ignore_ascii_case("scratch") {
                Base::Scratch
            } else if let Some(s) = out
                .stages
                .iter()
                .find(|s| s.name.as_deref() == Some(go::to_lower(&image).as_str()))
            {
                Base::Stage(s.index)
            } else {
                Base::Image(image.clone())
            };
            // A stage based on another inherits its environment, user, workdir and shell.
            let (env, user, workdir, shell) = match &base {
                Base::Stage(b) => out.stages.get(*b).map_or_else(default_state, |s| {
                    (
                        s.env.clone(),
                        s.user.clone(),
                        s.workdir.clone(),
                        s.shell.clone(),
                    )
                }),
                _ => default_state(),
            };
            let index = out.stages.len();
            out.stages.push(Stage {
                index,
                name: from.name.as_ref().map(|n| n.value.clone()),
                from_instruction: i,
                instructions: Vec::new(),
                image,
                unresolved,
                platform,
                base,
                copy_from: Vec::new(),
                args: Vec::new(),
                env,
                user,
                workdir,
                shell,
            });
            continue;
        }
        // Borrowed, not cloned: this runs for every instruction of every stage.
        let global_args = &out.global_args;
        let stage_count = out.stages.len();
        let Some((stage, earlier)) = out.stages.split_last_mut() else {
            continue;
        };
        stage.instructions.push(i);
        // ARG values first, ENV shadows them (Docker: "ENV always overrides ARG").
        let scope = |stage: &Stage| {
            let vars: Vec<&Variable> = stage.args.iter().chain(stage.env.iter()).collect();
            env_list(&vars)
        };
        let mut unresolved = Vec::new();
        match command {
            Command::Arg(defs) => {
                // A stage ARG is expanded as a whole against the scope before it (`ARG A=1 B=x$A`
                // gives B=x), unlike the global ARGs above, which BuildKit expands pair by pair
                // (convert.go's metaArgs loop). Checked with dockerd 26.1 / buildx 0.13:
                // `ARG G=1 H=$G` (global) → H=1; `ARG A=1 B=x$A` (stage) → B=x;
                // `ENV E=1` then `ENV E=2 F=y$E` → F=y1.
                let env = scope(stage);
                for d in defs {
                    let value = match &d.default {
                        Some(v) => Some(ex.expand(&v.value, &env, &mut unresolved)),
                        // `ARG NAME` in a stage imports the global value.
                        None => global_args
                            .iter()
                            .rev()
                            .find(|g| g.name == d.name.value)
                            .and_then(|g| g.value.clone()),
                    };
                    stage.args.push(Variable {
                        name: d.name.value.clone(),
                        value,
                        instruction: i,
                        range: d.name.range,
                    });
                }
            }
            Command::Env(pairs) => {
                // One ENV instruction is expanded as a whole against the environment before it:
                // `ENV abc=bye def=$abc` gives def the previous abc. BuildKit v0.13
                // frontend/dockerfile/dockerfile2llb/convert.go `dispatch` expands every word of
                // the command (`cmd.Expand`) before `dispatchEnv` adds any of the pairs; the
                // Dockerfile reference ("Environment replacement") documents this example.
                let env = scope(stage);
                for kv in pairs {
                    let name = ex.expand(&kv.key.value, &env, &mut unresolved);
                    let value = ex.expand(&kv.value.value, &env, &mut unresolved);
                    let var = Variable {
                        name,
                        value: Some(value),
                        instruction: i,
                        range: kv.key.range,
                    };
                    match stage.env.iter_mut().find(|v| v.name == var.name) {
                        Some(existing) => *existing = var,
                        None => stage.env.push(var),
                    }
                }
            }
            Command::User(u) => {
                let env = scope(stage);
                stage.user = Some(ex.expand(&u.value, &env, &mut unresolved));
            }
            Command::Workdir(w) => {
                let env = scope(stage);
                let path = ex.expand(&w.value, &env, &mut unresolved);
                stage.workdir = resolve_workdir(&stage.workdir, &path);
            }
            Command::Shell(args) => {
                stage.shell = args.iter().map(|a| a.value.clone()).collect();
            }
            Command::Copy(copy) => {
                if let Some(from) = &copy.from {
                    let lower = go::to_lower(&from.value);
                    let source = if let Some(idx) = earlier
                        .iter()
                        .map(|s| s.name.as_deref())
                        .chain(std::iter::once(stage.name.as_deref()))
                        .position(|n| n == Some(lower.as_str()))
                    {
                        CopySource::Stage(idx)
                    } else if let Ok(idx) = from.value.parse::<usize>()
                        && idx < stage_count
                    {
                        CopySource::Stage(idx)
                    } else {
                        CopySource::Image(from.value.clone())
                    };
                    stage.copy_from.push(CopyFrom {
                        instruction: i,
                        source,
                        range: from.range,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

type State = (Vec<Variable>, Option<String>, String, Vec<String>);

fn default_state() -> State {
    (
        Vec::new(),
        None,
        "/".to_owned(),
        vec!["/bin/sh".to_owned(), "-c".to_owned()],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    #[test]
    fn workdir_resolution() {
        assert_eq!(resolve_workdir("/", "app"), "/app");
        assert_eq!(resolve_workdir("/app", "src/../lib/"), "/app/lib");
        assert_eq!(resolve_workdir("/app", "/abs"), "/abs");
    }

    #[test]
    fn model() {
        let df = parse(
            "ARG PY=3.12\nARG BASE=python:${PY}-slim\nFROM $BASE AS Build\nARG X=1 Y=x$X\nENV A=1 B=\"x $A\"\n\
             ENV A=2 C=$A\nWORKDIR app\nWORKDIR src\nUSER app\nFROM build\nCOPY --from=build /a /b\n\
             COPY --from=0 /a /b\nCOPY --from=alpine /a /b\nFROM scratch\n",
        );
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        let st = df.stages();
        assert_eq!(st.global_args.len(), 2);
        let s0 = &st.stages[0];
        assert_eq!(s0.image, "python:3.12-slim");
        assert_eq!(s0.name.as_deref(), Some("build"));
        assert_eq!(s0.workdir, "/app/src");
        assert_eq!(s0.user.as_deref(), Some("app"));
        let args: Vec<(&str, Option<&str>)> = s0
            .args
            .iter()
            .map(|v| (v.name.as_str(), v.value.as_deref()))
            .collect();
        assert_eq!(args, [("X", Some("1")), ("Y", Some("x"))]);
        let env: Vec<(&str, Option<&str>)> = s0
            .env
            .iter()
            .map(|v| (v.name.as_str(), v.value.as_deref()))
            .collect();
        // Both ENV lines see the environment before them, not the pairs before them.
        assert_eq!(env, [("A", Some("2")), ("B", Some("x ")), ("C", Some("1"))]);
        let s1 = &st.stages[1];
        assert_eq!(s1.base, Base::Stage(0));
        assert_eq!(s1.workdir, "/app/src");
        let sources: Vec<&CopySource> = s1.copy_from.iter().map(|c| &c.source).collect();
        assert_eq!(
            sources,
            [
                &CopySource::Stage(0),
                &CopySource::Stage(0),
                &CopySource::Image("alpine".to_owned())
            ]
        );
        assert_eq!(st.final_stage().map(|s| &s.base), Some(&Base::Scratch));
        assert!(st.by_name("BUILD").is_some());
    }
}
