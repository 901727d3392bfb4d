use pristine_diagnostics::TextRange;
use pristine_dockerfile::lex::EnvGetter;
use pristine_dockerfile::{Base, Command, Source, Spanned};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::dockerfile::general::{
    builtin_args, global_args, lexer, stage_chain, suggest, walk_stage,
};

declare_rule! {
    /// ## What it does
    /// Checks instructions that BuildKit expands (`ENV`, `LABEL`, `ARG` defaults, `COPY`,
    /// `ADD`, `USER`, `WORKDIR`, `VOLUME`, `STOPSIGNAL`) for variables that are not defined
    /// at that point.
    ///
    /// ## Why is this bad?
    /// An undefined variable expands to an empty string without error: `COPY app.py $APP_HOME/`
    /// copies to `/`, `WORKDIR /opt/$NAME` is `/opt/`. The most common cause is a global `ARG`
    /// (declared before the first `FROM`) used inside a stage without re-declaring it there:
    /// global arguments are only in scope for `FROM` lines.
    ///
    /// BuildKit knows the base image's environment; pristine does not read images. To stay
    /// precise, a variable is reported only when pristine can tell it is undefined: the stage
    /// is built on `scratch`, or the variable is a global `ARG` or platform argument not
    /// declared in the stage, or the stage defines it only later. (`RUN` is not checked: the
    /// shell, not BuildKit, expands it.)
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG APP_HOME=/srv/app
    /// FROM python:3.12-slim
    /// COPY . $APP_HOME
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG APP_HOME=/srv/app
    /// FROM python:3.12-slim
    /// ARG APP_HOME
    /// COPY . $APP_HOME
    /// ```
    ///
    /// ## References
    /// - [BuildKit check `UndefinedVar`](https://docs.docker.com/reference/build-checks/undefined-var/)
    /// - BuildKit `frontend/dockerfile/dockerfile2llb/validations.go` (`reportUnmatchedVariables`)
    pub(crate) struct UndefinedVar {
        code: "DF012",
        name: "undefined-var",
        family: Dockerfile,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: ["UndefinedVar"],
        summary: "Variable used before it is defined",
    }
}

/// The words BuildKit expands in `command` (`SupportsSingleWordExpansion`), `ARG` defaults
/// aside.
fn expanded_words(command: &Command) -> Vec<&Spanned> {
    let mut words = Vec::new();
    match command {
        Command::Env(pairs) | Command::Label(pairs) => {
            for kv in pairs {
                words.push(&kv.key);
                words.push(&kv.value);
            }
        }
        Command::Copy(copy) => {
            words.extend(copy.sources.iter().filter_map(|s| match s {
                Source::Path(p) => Some(p),
                Source::Heredoc { .. } => None,
            }));
            words.push(&copy.dest);
            words.extend(copy.chown.iter().chain(copy.chmod.iter()));
        }
        Command::Add(add) => {
            words.extend(add.sources.iter().filter_map(|s| match s {
                Source::Path(p) => Some(p),
                Source::Heredoc { .. } => None,
            }));
            words.push(&add.dest);
            words.extend(add.chown.iter().chain(add.chmod.iter()));
        }
        Command::User(w) | Command::Workdir(w) | Command::StopSignal(w) => words.push(w),
        Command::Volume(v) => words.extend(v.iter()),
        _ => {}
    }
    words
}

/// Names an `ARG` or `ENV` of `command` defines.
fn defines(command: &Command) -> Vec<&str> {
    match command {
        Command::Arg(defs) => defs.iter().map(|d| d.name.value.as_str()).collect(),
        Command::Env(pairs) => pairs.iter().map(|kv| kv.key.value.as_str()).collect(),
        _ => Vec::new(),
    }
}

/// Variables official and vendor images commonly set with `ENV` (`python:*` sets
/// `PYTHON_VERSION`, `plone/*` sets `PLONE_VERSION`): a global `ARG` of that name used in a
/// stage may be shadowed by the image's own value, which BuildKit sees and pristine does not.
fn maybe_from_image(var: &str, image: &str) -> bool {
    const COMMON: [&str; 12] = [
        "PATH",
        "HOME",
        "LANG",
        "GPG_KEY",
        "PYTHON_VERSION",
        "PYTHON_SHA256",
        "PYTHON_PIP_VERSION",
        "NODE_VERSION",
        "YARN_VERSION",
        "GOLANG_VERSION",
        "JAVA_HOME",
        "JAVA_VERSION",
    ];
    if COMMON.contains(&var) {
        return true;
    }
    var.strip_suffix("_VERSION")
        .is_some_and(|p| !p.is_empty() && image.to_lowercase().contains(&p.to_lowercase()))
}

/// DF012.
pub(crate) fn undefined_var(checker: &mut Checker) {
    let globals = global_args(checker);
    let builtins: Vec<&str> = builtin_args(checker).iter().map(|(k, _)| *k).collect();
    let lex = lexer(checker);
    let mut found: Vec<(String, TextRange, Option<String>)> = Vec::new();
    for stage in &checker.stages.stages {
        let root_is_scratch = stage_chain(&checker.stages, stage.index)
            .first()
            .and_then(|&i| checker.stages.stages.get(i))
            .is_some_and(|s| s.base == Base::Scratch);
        let root_image = stage_chain(&checker.stages, stage.index)
            .first()
            .and_then(|&i| checker.stages.stages.get(i))
            .map_or_else(String::new, |s| s.image.clone());
        // Names the stage defines, with the instruction defining them.
        let later: Vec<(usize, &str)> = stage
            .instructions
            .iter()
            .filter_map(|&i| {
                checker
                    .dockerfile
                    .instructions
                    .get(i)
                    .and_then(|x| x.command.as_ref())
                    .map(|c| (i, c))
            })
            .flat_map(|(i, c)| defines(c).into_iter().map(move |n| (i, n)))
            .collect();
        walk_stage(checker, &globals, stage.index, |step| {
            if !step.own {
                return;
            }
            let mut check = |word: &Spanned, env: &pristine_dockerfile::lex::EnvList| {
                // Only a `$` refers to a variable: a word without one has no unmatched name,
                // and most words have none (skips building the processed word and its split).
                if !word.value.contains('$') {
                    return;
                }
                let Ok(result) = lex.process_word(&word.value, env) else {
                    return;
                };
                for var in result.unmatched {
                    if step.declared_args.contains(&var) {
                        continue;
                    }
                    let global = (globals.declared.contains(&var)
                        || builtins.contains(&var.as_str()))
                        && (root_is_scratch || !maybe_from_image(&var, &root_image));
                    let defined_later = later.iter().any(|(i, n)| *i > step.index && *n == var);
                    if !(root_is_scratch || global || defined_later) {
                        continue;
                    }
                    let keys: Vec<&str> = env.keys().collect();
                    let mut message = format!("Usage of undefined variable '${var}'");
                    if let Some(s) = suggest(&var, keys.iter().copied(), true) {
                        message = format!("{message} (did you mean ${s}?)");
                    }
                    let help = if global {
                        Some(format!(
                            "`{var}` is a global build argument, in scope only for `FROM` lines; \
                             declare `ARG {var}` in this stage to use it"
                        ))
                    } else if defined_later {
                        Some(format!(
                            "`{var}` is defined only further down in this stage"
                        ))
                    } else {
                        None
                    };
                    if !found
                        .iter()
                        .any(|(m, r, _)| *m == message && *r == word.range)
                    {
                        found.push((message, word.range, help));
                    }
                }
            };
            for word in expanded_words(step.command) {
                check(word, step.env);
            }
            if let Command::Arg(defs) = step.command {
                // Each default is expanded with the ARGs before it in the same instruction.
                let mut env = step.env.clone();
                for def in defs {
                    if let Some(default) = &def.default {
                        check(default, &env);
                        if let Ok(r) = lex.process_word(&default.value, &env) {
                            env.push(def.name.value.clone(), r.result);
                        }
                    } else if let Some(v) = globals.env.get(&def.name.value) {
                        env.push(def.name.value.clone(), v.to_owned());
                    }
                }
            }
        });
    }
    for (message, range, help) in found {
        let mut diagnostic = checker.diagnostic(Rule::UndefinedVar, message, range);
        if let Some(help) = help {
            diagnostic = diagnostic.with_help(help);
        }
        checker.report(diagnostic);
    }
}
