//! Facts shared by the Python rules: which stages make up the final image, image references,
//! the process the image starts, and the environment it runs with.

use pristine_diagnostics::{Edit, Fix, TextRange};
use pristine_dockerfile::{Base, Command, CommandLine, Stage, Stages};

use crate::Rule;
use crate::checkers::dockerfile::Checker;

/// A stage and the stages it is built `FROM`, nearest first (`FROM base AS final` inherits
/// `base`'s filesystem, environment and user).
pub(crate) fn chain(stages: &Stages, index: usize) -> Vec<&Stage> {
    let mut out = Vec::new();
    let mut next = Some(index);
    while let Some(i) = next {
        let Some(stage) = stages.stages.get(i) else {
            break;
        };
        // A malformed file could name a later stage; stop on a cycle.
        if out.iter().any(|s: &&Stage| s.index == stage.index) {
            break;
        }
        out.push(stage);
        next = match stage.base {
            Base::Stage(b) if b < i => Some(b),
            _ => None,
        };
    }
    out
}

/// The stages whose instructions end up in the final image: the final stage and its bases.
pub(crate) fn final_chain<'a>(checker: &'a Checker) -> Vec<&'a Stage> {
    checker
        .stages
        .final_stage()
        .map(|s| chain(&checker.stages, s.index))
        .unwrap_or_default()
}

/// The image a stage finally starts from (following `FROM <stage>`), if it is an image.
pub(crate) fn root_image(stages: &Stages, index: usize) -> Option<&str> {
    let chain = chain(stages, index);
    match &chain.last()?.base {
        Base::Image(image) => Some(image.as_str()),
        _ => None,
    }
}

/// Indices of the instructions of `chain`, in file order.
pub(crate) fn chain_instructions(chain: &[&Stage]) -> Vec<usize> {
    let mut out: Vec<usize> = chain
        .iter()
        .flat_map(|s| s.instructions.iter().copied())
        .collect();
    out.sort_unstable();
    out
}

/// The typed command of instruction `index`.
pub(crate) fn command<'a>(checker: &'a Checker, index: usize) -> Option<&'a Command> {
    checker.dockerfile.instructions.get(index)?.command.as_ref()
}

/// The source range of instruction `index` (empty range at 0 if it does not exist).
pub(crate) fn range(checker: &Checker, index: usize) -> TextRange {
    checker
        .dockerfile
        .instructions
        .get(index)
        .map_or_else(TextRange::default, |i| i.node.range)
}

/// An image reference split into repository path, tag and digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageRef<'a> {
    /// Registry host, when the first path component looks like one.
    pub(crate) registry: Option<&'a str>,
    /// The repository path without registry (`library/python`, `astral-sh/uv`).
    pub(crate) path: &'a str,
    pub(crate) tag: Option<&'a str>,
    pub(crate) digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    pub(crate) fn parse(reference: &'a str) -> Self {
        let (rest, digest) = match reference.split_once('@') {
            Some((r, d)) => (r, Some(d)),
            None => (reference, None),
        };
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(colon) => (
                &rest[..last_slash + colon],
                Some(&rest[last_slash + colon + 1..]),
            ),
            None => (rest, None),
        };
        let (registry, path) = match name.split_once('/') {
            Some((first, tail))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (Some(first), tail)
            }
            _ => (None, name),
        };
        Self {
            registry,
            path,
            tag,
            digest,
        }
    }

    /// The last path component (`python` for `docker.io/library/python`).
    pub(crate) fn short_name(&self) -> &'a str {
        self.path.rsplit('/').next().unwrap_or(self.path)
    }

    /// The Docker Official Image `python` (also through mirrors of `library/`).
    pub(crate) fn is_official_python(&self) -> bool {
        self.path == "python" || self.path.ends_with("library/python")
    }
}

/// `3.12` of a `python` image tag like `3.12.4-slim-bookworm`, when the tag starts with at
/// least `major.minor`.
pub(crate) fn python_minor(tag: &str) -> Option<(u32, u32)> {
    let version = tag.split('-').next()?;
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// The libc family of a Python image: `true` for musl (Alpine).
pub(crate) fn is_alpine_image(image: &ImageRef) -> bool {
    image.short_name() == "alpine" || image.tag.is_some_and(|t| t.contains("alpine"))
}

/// Does the stage chain look like a Python image: a Python base image, or a `RUN` that uses a
/// Python tool, or a Python process started by `CMD`/`ENTRYPOINT`?
pub(crate) fn is_python_chain(checker: &Checker, chain: &[&Stage]) -> bool {
    if let Some(last) = chain.last()
        && let Base::Image(image) = &last.base
        && is_python_base(image)
    {
        return true;
    }
    chain_instructions(chain).into_iter().any(|i| {
        let Some(inst) = checker.dockerfile.instructions.get(i) else {
            return false;
        };
        let text = inst.node.original.to_ascii_lowercase();
        matches!(
            inst.command,
            Some(Command::Run(_) | Command::Cmd(_) | Command::Entrypoint(_))
        ) && [
            "pip ", "pip3 ", "python", "uv sync", "uv pip", "poetry", "pipenv", "pdm ", "gunicorn",
            "uvicorn",
        ]
        .iter()
        .any(|needle| text.contains(needle))
    })
}

/// Base images known to carry a Python interpreter for applications.
pub(crate) fn is_python_base(image: &str) -> bool {
    let r = ImageRef::parse(image);
    let name = r.short_name();
    r.is_official_python()
        || name == "python"
        || name.starts_with("python3")
        || r.path.starts_with("tiangolo/")
        || r.path == "astral-sh/uv" && r.tag.is_some_and(|t| t.contains("python"))
        || matches!(
            r.path,
            "continuumio/miniconda3"
                | "continuumio/anaconda3"
                | "mambaorg/micromamba"
                | "condaforge/miniforge3"
                | "condaforge/mambaforge"
        )
}

/// Value of `name` in the environment at the end of the stage (inherited values included).
pub(crate) fn env<'a>(stage: &'a Stage, name: &str) -> Option<&'a str> {
    stage
        .env
        .iter()
        .find(|v| v.name == name)
        .and_then(|v| v.value.as_deref())
}

/// The effective `ENTRYPOINT` and `CMD` of the final image as instruction indices (the last
/// of each in the final chain).
pub(crate) fn final_process(checker: &Checker) -> (Option<usize>, Option<usize>) {
    let chain = final_chain(checker);
    let mut entrypoint = None;
    let mut cmd = None;
    for i in chain_instructions(&chain) {
        match command(checker, i) {
            Some(Command::Entrypoint(_)) => entrypoint = Some(i),
            Some(Command::Cmd(_)) => cmd = Some(i),
            _ => {}
        }
    }
    (entrypoint, cmd)
}

/// The command line of a `CMD`/`ENTRYPOINT` instruction.
pub(crate) fn command_line<'a>(checker: &'a Checker, index: usize) -> Option<&'a CommandLine> {
    match command(checker, index)? {
        Command::Cmd(c) | Command::Entrypoint(c) => Some(c),
        _ => None,
    }
}

/// Is `word` a shell program (`sh`, `/bin/bash`, …)?
pub(crate) fn is_shell_program(word: &str) -> bool {
    matches!(
        word.rsplit('/').next().unwrap_or(word),
        "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh"
    )
}

/// The words a process command line runs, for recognising servers: exec-form elements, with a
/// `sh -c "…"` script and shell-form text split at whitespace and at `&&`, `||`, `;`, `|`.
///
/// This is a deliberately shallow reading for CMD/ENTRYPOINT heuristics (quotes are dropped,
/// nothing is expanded); the RUN rules use the shell parser.
pub(crate) fn process_commands(line: &CommandLine) -> Vec<Vec<String>> {
    let text = if line.json {
        let args: Vec<&str> = line.args.iter().map(|a| a.value.as_str()).collect();
        match args.as_slice() {
            [shell, flag, script, ..]
                if is_shell_program(shell) && flag.starts_with('-') && flag.contains('c') =>
            {
                (*script).to_owned()
            }
            _ => {
                return vec![args.iter().map(|a| (*a).to_owned()).collect()];
            }
        }
    } else {
        line.args
            .iter()
            .map(|a| a.value.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut commands = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for raw in text.split_whitespace() {
        let word: String = raw.chars().filter(|c| !matches!(c, '"' | '\'')).collect();
        if matches!(word.as_str(), "&&" | "||" | ";" | "|" | "&") {
            commands.push(std::mem::take(&mut current));
            continue;
        }
        let trailing_sep = word.ends_with(';');
        let word = word.trim_end_matches(';').to_owned();
        if !word.is_empty() {
            current.push(word);
        }
        if trailing_sep {
            commands.push(std::mem::take(&mut current));
        }
    }
    commands.push(current);
    commands.retain(|c| !c.is_empty());
    // `exec gunicorn …` runs gunicorn.
    for c in &mut commands {
        while c.first().is_some_and(|w| w == "exec") {
            c.remove(0);
        }
    }
    commands
}

/// The program of a command without its directory (`/app/.venv/bin/gunicorn` → `gunicorn`).
pub(crate) fn program_name(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// What Python server a command starts, looking through `python -m X`, `uv run`, `poetry run`,
/// `pipenv run`, `pdm run`: the server's name and its arguments.
pub(crate) fn server_command(words: &[String]) -> Option<(&str, &[String])> {
    let mut i = 0;
    loop {
        let word = words.get(i)?;
        let program = program_name(word);
        match program {
            "uv" | "poetry" | "pipenv" | "pdm" | "hatch" | "rye"
                if words.get(i + 1).is_some_and(|w| w == "run") =>
            {
                i += 2;
                // Skip `uv run --frozen` style flags.
                while words.get(i).is_some_and(|w| w.starts_with('-')) {
                    i += 1;
                }
            }
            "uvx" => i += 1,
            p if p.starts_with("python") => {
                let next = words.get(i + 1)?;
                if next == "-m" {
                    let module = words.get(i + 2)?;
                    return Some((module.as_str(), words.get(i + 3..).unwrap_or(&[])));
                }
                if next.starts_with('-') {
                    i += 1;
                    continue;
                }
                // `python manage.py runserver`
                return Some((program_name(next), words.get(i + 2..).unwrap_or(&[])));
            }
            _ => return Some((program, words.get(i + 1..).unwrap_or(&[]))),
        }
    }
}

/// `$NAME` / `${NAME}` appears in `text`.
pub(crate) fn has_variable(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .windows(2)
        .any(|w| w[0] == b'$' && (w[1] == b'{' || w[1] == b'_' || w[1].is_ascii_alphabetic()))
}

/// The working directory in effect at instruction `index` of `stage`'s chain, when it is known
/// (every `WORKDIR` literal, and an absolute one before any relative path).
pub(crate) fn workdir_at(checker: &Checker, stage: &Stage, index: usize) -> Option<String> {
    let chain = chain(&checker.stages, stage.index);
    let mut current: Option<String> = None;
    for i in chain_instructions(&chain) {
        if i >= index {
            break;
        }
        if let Some(Command::Workdir(w)) = command(checker, i) {
            if has_variable(&w.value) {
                return None;
            }
            current = Some(if w.value.starts_with('/') {
                normalize(&w.value)
            } else {
                normalize(&format!("{}/{}", current?, w.value))
            });
        }
    }
    current
}

/// `path` made absolute against `workdir` and cleaned (`None` when relative and the working
/// directory is unknown, or when it holds a variable).
pub(crate) fn absolute(path: &str, workdir: Option<&str>) -> Option<String> {
    if has_variable(path) {
        return None;
    }
    if path.starts_with('/') {
        Some(normalize(path))
    } else {
        Some(normalize(&format!("{}/{path}", workdir?)))
    }
}

/// `path.Clean` for absolute paths.
pub(crate) fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
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

/// Does a path name a virtual environment by its conventional name (`.venv`, `venv`,
/// `/opt/venv`, `/opt/app-venv`, `virtualenv`)?
pub(crate) fn is_venv_path(path: &str) -> bool {
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let last = last.to_ascii_lowercase();
    last == ".venv"
        || last == "venv"
        || last.ends_with("-venv")
        || last.ends_with("_venv")
        || last == "virtualenv"
        || last == ".virtualenv"
}

/// Reports a final Python image whose environment lacks `name` (PY060, PY061), with a fix
/// that sets it to 1 after the final `FROM`.
pub(crate) fn report_missing_env(checker: &mut Checker, rule: Rule, name: &str) {
    let chain = final_chain(checker);
    let Some(final_stage) = chain.first() else {
        return;
    };
    if env(final_stage, name).is_some()
        || !is_python_chain(checker, &chain)
        || !base_config_known(checker)
    {
        return;
    }
    let from = final_stage.from_instruction;
    let Some(node) = checker.dockerfile.instructions.get(from).map(|i| &i.node) else {
        return;
    };
    let range = node.range;
    let mut diagnostic = checker
        .diagnostic(
            rule,
            format!("The final image does not set `{name}`"),
            range,
        )
        .with_help(format!("Add `ENV {name}=1`"));
    // After a `FROM` whose continuation runs to the end of the file, the line would be joined
    // to the `FROM`: no fix.
    if !crate::rules::python::fixes::ends_open(checker, range) {
        diagnostic = diagnostic.with_fix(Fix::safe(vec![Edit::insertion(
            // In the file's own line ending: a `\n` in a CRLF file would leave a mixed file.
            format!(
                "{}ENV {name}=1",
                crate::rules::python::fixes::eol(checker.source)
            ),
            range.end(),
        )]));
    }
    checker.report(diagnostic);
}

/// A `RUN` with its parsed script, for the rules over pip/uv/poetry/… .
pub(crate) struct Run<'c> {
    pub(crate) index: usize,
    /// The stage index (`None` before the first `FROM`).
    pub(crate) stage: Option<usize>,
    pub(crate) script: &'c pristine_shell::Script,
    /// The script's recognised commands, shared by every rule.
    pub(crate) model: &'c pristine_shell::ScriptModel<'c>,
    pub(crate) mounts: Vec<&'c pristine_dockerfile::mount::Mount>,
}

/// Every `RUN` of the Dockerfile (not `ONBUILD` triggers), with its parse and typed mounts.
/// `scripts` is [`Checker::run_scripts`].
pub(crate) fn runs<'c>(
    checker: &'c Checker,
    scripts: &'c [pristine_shell::RunScript],
) -> Vec<Run<'c>> {
    scripts
        .iter()
        .zip(checker.script_models())
        .filter(|(rs, _)| !rs.onbuild)
        .map(|(rs, model)| Run {
            index: rs.instruction,
            stage: rs.stage,
            script: &rs.script,
            model,
            mounts: match command(checker, rs.instruction) {
                Some(Command::Run(run)) => run
                    .mounts
                    .iter()
                    .filter_map(|m| m.mount.as_ref().ok())
                    .collect(),
                _ => Vec::new(),
            },
        })
        .collect()
}

impl Run<'_> {
    /// A cache or tmpfs mount whose target contains one of `needles`.
    pub(crate) fn has_cache_mount(&self, needles: &[&str]) -> bool {
        self.mounts.iter().any(|m| {
            matches!(
                m.ty,
                pristine_dockerfile::mount::MountType::Cache
                    | pristine_dockerfile::mount::MountType::Tmpfs
            ) && needles.iter().any(|n| m.target.contains(n))
        })
    }

    /// Does a command after position `after` remove a path containing one of `needles`
    /// (`rm -rf /root/.cache/pip`)?
    pub(crate) fn removes_after(&self, after: usize, needles: &[&str]) -> bool {
        self.model.removals.iter().any(|r| {
            r.invocation.index > after
                && r.paths
                    .iter()
                    .any(|p| needles.iter().any(|n| p.text.contains(n)))
        })
    }

    /// Does a command after position `after` have the given name and first argument(s)?
    pub(crate) fn runs_after(&self, after: usize, name: &str, args: &[&str]) -> bool {
        self.script.commands.iter().enumerate().any(|(i, c)| {
            i > after
                && c.basename() == name
                && args
                    .iter()
                    .enumerate()
                    .all(|(k, a)| c.args.get(k).is_some_and(|w| w.text == *a))
        })
    }
}

/// The value of `name` as set by `ENV` or an `ARG` default in `stage`'s chain before
/// instruction `before` (raw text, quotes removed).
pub(crate) fn var_before(
    checker: &Checker,
    stage: Option<usize>,
    before: usize,
    name: &str,
) -> Option<String> {
    let stage = stage?;
    let chain = chain(&checker.stages, stage);
    let mut value = None;
    for i in chain_instructions(&chain) {
        if i >= before {
            break;
        }
        match command(checker, i) {
            Some(Command::Env(pairs)) => {
                for kv in pairs {
                    if kv.key.value == name {
                        value = Some(
                            kv.value
                                .value
                                .trim_matches(|c| c == '"' || c == '\'')
                                .to_owned(),
                        );
                    }
                }
            }
            Some(Command::Arg(defs)) => {
                for d in defs {
                    if d.name.value == name
                        && let Some(default) = &d.default
                    {
                        value = Some(
                            default
                                .value
                                .trim_matches(|c| c == '"' || c == '\'')
                                .to_owned(),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    value
}

/// Is `name` set for command `cmd` of a `RUN`: inline (`X=1 pip …`), `export X=…` earlier in
/// the script, or by `ENV`/`ARG` before the `RUN`?
pub(crate) fn var_set(
    checker: &Checker,
    run: &Run,
    cmd: &pristine_shell::Command,
    name: &str,
) -> bool {
    cmd.assignments.iter().any(|a| a.name == name)
        || run.script.commands.iter().any(|c| {
            c.range.start() < cmd.range.start()
                && matches!(c.basename(), "export" | "declare")
                && c.assignments.iter().any(|a| a.name == name)
        })
        || var_before(checker, run.stage, run.index, name).is_some()
}

/// Is a stage part of the final image (the final stage or one it is built `FROM`)?
pub(crate) fn in_final_image(checker: &Checker, stage: Option<usize>) -> bool {
    stage.is_some_and(|s| final_chain(checker).iter().any(|f| f.index == s))
}

/// The first whole-context copy (`COPY . …`, `ADD . …`, `COPY ./ …`) in `stage`'s chain before
/// `before`: its instruction index.
pub(crate) fn context_copy_before(
    checker: &Checker,
    stage: Option<usize>,
    before: usize,
) -> Option<usize> {
    let chain = chain(&checker.stages, stage?);
    chain_instructions(&chain).into_iter().take_while(|&i| i < before).find(|&i| {
        let (sources, from) = match command(checker, i) {
            Some(Command::Copy(c)) => (&c.sources, c.from.is_some()),
            Some(Command::Add(a)) => (&a.sources, false),
            _ => return false,
        };
        !from
            && sources.iter().any(|s| {
                matches!(s, pristine_dockerfile::Source::Path(p) if matches!(p.value.as_str(), "." | "./" | "*" | "./*" | ".*"))
            })
    })
}

/// 1-based line of instruction `index`.
pub(crate) fn line_of(checker: &Checker, index: usize) -> u32 {
    checker
        .dockerfile
        .instructions
        .get(index)
        .map_or(0, |i| i.node.start_line)
}

/// The fix of a layering finding: `(checker, whole-context COPY, RUN, the RUN's script)`.
pub(crate) type LayeringFix<'f> = dyn Fn(&Checker, usize, usize, &pristine_shell::Script) -> Option<pristine_diagnostics::Fix>
    + 'f;

/// The layering check shared by PY001–PY006: every invocation `is_install` accepts that runs
/// after a whole-context copy of its stage, when no invocation `is_earlier_install` accepts
/// ran before that copy (the documented "dependencies first, then sources" layering); `fix`
/// proposes a fix for each finding.
pub(crate) fn report_install_after_context_copy_with_fix(
    checker: &mut Checker,
    rule: Rule,
    what: &str,
    is_install: &dyn Fn(&pristine_shell::Script, &pristine_shell::Invocation) -> bool,
    is_earlier_install: &dyn Fn(&pristine_shell::Script, &pristine_shell::Invocation) -> bool,
    fix: &LayeringFix,
) {
    let scripts = checker.run_scripts();
    let all = runs(checker, &scripts);
    let mut found = Vec::new();
    for run in &all {
        for inv in &run.model.invocations {
            if !is_install(run.script, inv) {
                continue;
            }
            let Some(copy) = context_copy_before(checker, run.stage, run.index) else {
                continue;
            };
            let Some(stage) = run.stage else {
                continue;
            };
            let chain_indices = chain_instructions(&chain(&checker.stages, stage));
            let layered = all.iter().any(|r| {
                r.index < copy
                    && chain_indices.contains(&r.index)
                    && r.model
                        .invocations
                        .iter()
                        .any(|i| is_earlier_install(r.script, i))
            });
            if layered {
                continue;
            }
            let fix = fix(checker, copy, run.index, run.script);
            found.push((inv.command.range, line_of(checker, copy), fix));
        }
    }
    for (range, line, fix) in found {
        let mut diagnostic = checker
            .diagnostic(
                rule,
                format!("{what} runs after the whole build context is copied (line {line}): any source change reinstalls every dependency"),
                range,
            )
            .with_help("Copy only the dependency manifests and lock file first, install the dependencies, then copy the sources");
        if let Some(fix) = fix {
            diagnostic = diagnostic.with_fix(fix);
        }
        checker.report(diagnostic);
    }
}

/// Is the configuration (`ENV`, `USER`) of the final image's base known to be the plain
/// default — a Docker Official Image (`python`, `debian`, `ubuntu`, `alpine`, …) or a generic
/// base — rather than an application image (`freqtradeorg/freqtrade`, `prefecthq/prefect`) that
/// may set `USER` or `ENV` itself?
pub(crate) fn base_config_known(checker: &Checker) -> bool {
    let chain = final_chain(checker);
    let Some(root) = chain.last() else {
        return false;
    };
    match &root.base {
        Base::Scratch => true,
        Base::Stage(_) => false,
        Base::Image(image) => {
            let r = ImageRef::parse(image);
            (!r.path.contains('/') || r.path.starts_with("library/")) && !has_variable(r.path)
                || matches!(
                    r.path,
                    "nvidia/cuda"
                        | "pytorch/pytorch"
                        | "continuumio/miniconda3"
                        | "continuumio/anaconda3"
                        | "condaforge/miniforge3"
                        | "astral-sh/uv"
                        | "chainguard/wolfi-base"
                )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_refs() {
        let r = ImageRef::parse("python:3.12-slim");
        assert_eq!(
            (r.path, r.tag, r.digest),
            ("python", Some("3.12-slim"), None)
        );
        assert!(r.is_official_python());
        let r = ImageRef::parse("localhost:5000/library/python:3.11@sha256:ab");
        assert_eq!(r.registry, Some("localhost:5000"));
        assert_eq!(
            (r.path, r.tag, r.digest),
            ("library/python", Some("3.11"), Some("sha256:ab"))
        );
        let r = ImageRef::parse("ghcr.io/astral-sh/uv");
        assert_eq!(
            (r.registry, r.path, r.tag),
            (Some("ghcr.io"), "astral-sh/uv", None)
        );
        assert_eq!(python_minor("3.12.4-slim"), Some((3, 12)));
        assert_eq!(python_minor("3-slim"), None);
    }

    #[test]
    fn process_words() {
        let line = CommandLine {
            args: vec![pristine_dockerfile::Spanned {
                value: "cd /app && exec gunicorn -b 0.0.0.0:80 app:app".to_owned(),
                range: TextRange::default(),
            }],
            json: false,
            files: Vec::new(),
        };
        let cmds = process_commands(&line);
        assert_eq!(cmds.len(), 2);
        assert_eq!(cmds[1][0], "gunicorn");
        let (server, args) = server_command(&cmds[1]).unwrap();
        assert_eq!(server, "gunicorn");
        assert_eq!(args.len(), 3);
    }
}
