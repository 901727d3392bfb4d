//! Unsafe Dockerfile fixes of the Python rules that move or add whole instructions: the
//! dependency layering of PY001–PY006, the slim base of PY041, the non-root `USER` of PY070.
//!
//! Every edit inserts or deletes whole lines at line starts, in the file's own line ending, and
//! copies instruction text verbatim (continuations, escape character, heredocs untouched).

use std::fmt::Write as _;

use pristine_diagnostics::{Edit, Fix, TextRange, TextSize};
use pristine_dockerfile::{Command, Keyword};
use pristine_shell::{Invocation, PipFront, Script, Tool};

use crate::checkers::dockerfile::Checker;
use crate::rules::python::helpers::{
    absolute, chain, chain_instructions, command, has_variable, var_before, workdir_at,
};

/// The line ending of the Dockerfile (CRLF if any line ends so).
pub(crate) fn eol(source: &str) -> &'static str {
    if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// The start of the line of `offset`, when only blanks precede `offset` on it.
fn line_start(source: &str, offset: usize) -> Option<usize> {
    let start = source.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let start = if start == 0 && source.starts_with('\u{feff}') {
        3
    } else {
        start
    };
    source
        .get(start..offset)?
        .chars()
        .all(|c| c == ' ' || c == '\t')
        .then_some(start)
}

/// The end of the line that `offset` is on or ends, after its terminator.
fn line_end(source: &str, offset: usize) -> usize {
    let rest = source.get(offset..).unwrap_or_default();
    match rest.find('\n') {
        Some(i) if rest[..i].trim().is_empty() => offset + i + 1,
        _ if rest.trim().is_empty() => source.len(),
        _ => offset,
    }
}

/// Whether the instruction spanning `range` ends in a line continuation that found no line to
/// join (the file ends after it, or only empty and comment lines do): BuildKit would join a
/// line put after it to the instruction, so no fix may append after it or move it before
/// another line. Found by the `fix_converge` fuzz target: `ENV e=v\` at the end of the file
/// took PY070's `RUN useradd …` as more `ENV` arguments.
pub(crate) fn ends_open(checker: &Checker, range: TextRange) -> bool {
    let start = usize::from(range.start());
    let end = usize::from(range.end());
    let rest = checker.source.get(end..).unwrap_or_default();
    let only_trivia_follows = rest.lines().all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#')
    });
    only_trivia_follows
        && checker
            .source
            .get(start..end)
            .unwrap_or_default()
            .lines()
            .rev()
            .find(|line| {
                let line = line.trim();
                !line.is_empty() && !line.starts_with('#')
            })
            .is_some_and(|line| line.trim_end().ends_with(checker.dockerfile.escape))
}

fn size(offset: usize) -> Option<TextSize> {
    u32::try_from(offset).ok().map(TextSize::from)
}

/// PY001: `COPY <requirements> <dest>/` and the install, moved before the whole-context copy,
/// as Docker's cache guide and FastAPI's Docker guide lay it out. Only for the plain case: the
/// whole-context `COPY . <dest>` (see [`context_copy`]) and the `RUN` in the same stage with
/// nothing but `COPY`/`ADD`/`LABEL`/`EXPOSE` between them, a `RUN` without heredocs whose
/// commands are all `pip install`s of requirement files (no packages, paths or editables: they
/// may need the sources) that lie directly in the copy's destination: `-r requirements.txt`
/// with the destination the working directory, `-r /src/requirements.txt` after `COPY . /src`.
/// The `RUN` moves verbatim, so it reads the same paths, now holding the same files.
pub(crate) fn requirements_layering(
    checker: &Checker,
    copy: usize,
    run: usize,
    script: &Script,
) -> Option<Fix> {
    let site = layering_site(
        checker,
        copy,
        run,
        &[Keyword::Copy, Keyword::Add, Keyword::Label, Keyword::Expose],
    )?;
    // A `cd` would make the requirement paths relative to another directory.
    if script
        .commands
        .iter()
        .any(|c| matches!(c.basename(), "cd" | "pushd" | "popd"))
    {
        return None;
    }
    let mut files: Vec<String> = Vec::new();
    let invocations = pristine_shell::invocations(script);
    if invocations.is_empty() {
        return None;
    }
    for inv in &invocations {
        let pip = pristine_shell::pip_install(inv)?;
        if !pip.packages.is_empty() || !pip.editables.is_empty() || pip.requirements.is_empty() {
            return None;
        }
        for file in pip.requirements.iter().chain(&pip.constraints) {
            let name = site
                .dest
                .child(&Place::resolve(file, site.workdir.as_deref())?)?;
            let plain = name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(ch));
            if !plain || name.starts_with('.') {
                return None;
            }
            if !files.contains(&name) {
                files.push(name);
            }
        }
    }
    move_before_copy(checker, &site, run, &files.join(" "))
}

/// PY005: Pipenv's Docker page: `COPY Pipfile Pipfile.lock ./`, `RUN pipenv install --deploy
/// --system`, then `COPY . .`. The `RUN` moves before `COPY . .` (`Pipfile.lock*`: without a
/// lock file the install behaves as it did). Only when the `RUN` is nothing but one
/// `pipenv install`/`sync` of the Pipfile (no packages, editables or requirement files, which
/// name other files), directly after `COPY . .` (bar `LABEL`/`EXPOSE`), and `PIPENV_PIPFILE`
/// does not point elsewhere.
pub(crate) fn pipenv_layering(
    checker: &Checker,
    copy: usize,
    run: usize,
    script: &Script,
) -> Option<Fix> {
    let site = layering_site(checker, copy, run, &[Keyword::Label, Keyword::Expose])?;
    // Pipenv reads the `Pipfile` of the working directory.
    if !site.lands_in_workdir() || script.has_error || script.commands.len() != 1 {
        return None;
    }
    let invocations = pristine_shell::invocations(script);
    let [install] = invocations.as_slice() else {
        return None;
    };
    let stage = checker.stages.stage_of(run).map(|s| s.index);
    if install.tool != Tool::Pipenv
        || !matches!(install.subcommand(), "install" | "sync")
        || !install.opts.positionals.is_empty()
        || install
            .opts
            .has(&["-e", "--editable", "-r", "--requirements"])
        || !install.command.assignments.is_empty()
        || var_before(checker, stage, run, "PIPENV_PIPFILE").is_some()
    {
        return None;
    }
    move_before_copy(checker, &site, run, "Pipfile Pipfile.lock*")
}

/// `COPY [flags] <files> <dest>/` and the `RUN` verbatim inserted before the whole-context
/// copy, and the `RUN` deleted where it was.
fn move_before_copy(checker: &Checker, site: &Site, run: usize, files: &str) -> Option<Fix> {
    let instructions = &checker.dockerfile.instructions;
    let source = checker.source;
    let eol = eol(source);
    let copy_start = line_start(source, usize::from(site.range.start()))?;
    let run_range = instructions.get(run)?.node.range;
    if ends_open(checker, run_range) {
        return None;
    }
    let mut run_start = line_start(source, usize::from(run_range.start()))?;
    let run_end = line_end(source, usize::from(run_range.end()));
    // The RUN is the last line and the file has no final newline: take the line break before
    // it too, so the file still ends without one (and a USER appended after it by PY070's fix
    // in the same round does not leave an empty line).
    if run_end == source.len() && !source.ends_with('\n') {
        let before = source.get(..run_start).unwrap_or_default();
        if let Some(stripped) = before.strip_suffix(eol)
            && stripped.len() > copy_start
        {
            run_start = stripped.len();
        }
    }
    let run_text = source.get(usize::from(run_range.start())..usize::from(run_range.end()))?;
    let mut insertion = manifests_copy(checker, site, files);
    let _ = write!(insertion, "{run_text}{eol}");
    Some(Fix::unsafe_edits(vec![
        Edit::insertion(insertion, size(copy_start)?),
        Edit::deletion(TextRange::new(size(run_start)?, size(run_end)?)),
    ]))
}

/// `COPY [the flags of the whole-context copy] <files> <dest>/` and a line break. Always
/// `COPY`, also for an `ADD . <dest>`: `ADD` unpacks a local file that is a tar archive, which
/// the files inside the directory `ADD .` copies never are, so `COPY` copies them as it did.
/// The trailing slash makes `<dest>` a directory for one file too (BuildKit copies a lone file
/// to a destination without one as that file name).
fn manifests_copy(checker: &Checker, site: &Site, files: &str) -> String {
    let mut line = site.keyword.clone();
    for flag in site.flags {
        let _ = write!(line, " {}", flag.value);
    }
    let _ = write!(line, " {files} {}{}", site.dest_text, eol(checker.source));
    line
}

/// The plain shape of every layering fix: `copy` is a whole-context copy (see
/// [`context_copy`]), `run` a `RUN` without heredocs in the same stage after it, and only
/// instructions of the `between` kinds stand between them (never a `WORKDIR`: the `RUN` runs
/// in the working directory of the copy).
fn layering_site<'c>(
    checker: &'c Checker,
    copy: usize,
    run: usize,
    between: &[Keyword],
) -> Option<Site<'c>> {
    let instructions = &checker.dockerfile.instructions;
    let site = context_copy(checker, copy)?;
    let stage = checker.stages.stage_of(copy)?.index;
    if checker.stages.stage_of(run).map(|s| s.index) != Some(stage) {
        return None;
    }
    for i in copy + 1..run {
        let kind = instructions.get(i)?.node.kind()?;
        if !between.contains(&kind) {
            return None;
        }
    }
    instructions
        .get(run)?
        .node
        .heredocs
        .is_empty()
        .then_some(site)
}

/// PY041: `python:<tag>` → `python:<tag>-slim` (`3.12-bookworm` → `3.12-slim-bookworm`), when
/// the tag is written literally at the end of the image reference.
pub(crate) fn slim_tag(source: &str, image: TextRange, tag: &str) -> Option<Fix> {
    let text = source.get(usize::from(image.start())..usize::from(image.end()))?;
    if !text.ends_with(&format!(":{tag}")) || text.contains('$') {
        return None;
    }
    let new_tag = match tag.split_once('-') {
        Some((version, distro)) => format!("{version}-slim-{distro}"),
        None => format!("{tag}-slim"),
    };
    let start = usize::from(image.end()) - tag.len();
    Some(Fix::unsafe_edits(vec![Edit::replacement(
        new_tag,
        TextRange::new(size(start)?, image.end()),
    )]))
}

/// PY070: an unprivileged user created and switched to before the final stage's first
/// `CMD`/`ENTRYPOINT` (or at its end), with a numeric UID (`USER 10001`, which Kubernetes'
/// `runAsNonRoot` can verify). Not when the stage already runs `useradd`/`adduser`: it has a
/// user of its own, whose name the fix cannot know for sure.
pub(crate) fn non_root_user(
    checker: &Checker,
    stage_instructions: &[usize],
    alpine: bool,
) -> Option<Fix> {
    let source = checker.source;
    let eol = eol(source);
    let instructions = &checker.dockerfile.instructions;
    let first_process = stage_instructions.iter().copied().find(|&i| {
        matches!(
            instructions.get(i).and_then(|x| x.node.kind()),
            Some(Keyword::Cmd | Keyword::Entrypoint)
        )
    });
    // A stage that creates its own user knows its name better: no fix.
    let creates_user = stage_instructions.iter().any(|&i| {
        instructions.get(i).is_some_and(|x| {
            x.node.kind() == Some(Keyword::Run)
                && (x.node.original.contains("useradd") || x.node.original.contains("adduser"))
        })
    });
    if creates_user {
        return None;
    }
    let create = if alpine {
        "RUN adduser -D -u 10001 app"
    } else {
        "RUN useradd --create-home --uid 10001 app"
    };
    let (at, text) = if let Some(i) = first_process {
        (
            line_start(source, usize::from(instructions.get(i)?.node.range.start()))?,
            format!("{create}{eol}USER 10001{eol}"),
        )
    } else {
        let last = *stage_instructions.last()?;
        let last_range = instructions.get(last)?.node.range;
        if ends_open(checker, last_range) {
            return None;
        }
        let end = usize::from(last_range.end());
        let after = line_end(source, end);
        if after == end && end != source.len() {
            return None;
        }
        let lead = if source.get(..after).is_some_and(|s| s.ends_with('\n')) {
            ""
        } else {
            eol
        };
        (after, format!("{lead}{create}{eol}USER 10001{eol}"))
    };
    Some(Fix::unsafe_edits(vec![Edit::insertion(text, size(at)?)]))
}

/// PY004: uv's "intermediate layers" before `COPY . .`: the same `uv sync` with
/// `--no-install-project`, on bind-mounted `uv.lock` and `pyproject.toml` (uv's Docker guide).
/// The `uv sync` after `COPY . .` stays (it installs the project). Only with `--locked` or
/// `--frozen` (so `uv.lock` exists) and without project/package/workspace options.
pub(crate) fn uv_layering(
    checker: &Checker,
    copy: usize,
    run: usize,
    script: &Script,
) -> Option<Fix> {
    pre_install(checker, copy, run, script, &UV_SYNC)
}

const UV_SYNC: PreInstall = PreInstall {
    tool: Tool::Uv,
    subcommand: "sync",
    required: &["--locked", "--frozen"],
    forbidden: &[
        "--project",
        "--directory",
        "--package",
        "--all-packages",
        "--no-install-project",
        "--no-install-workspace",
        "--only-install-project",
    ],
    manifests: None,
    binds: &[
        "--mount=type=bind,source=uv.lock,target=uv.lock",
        "--mount=type=bind,source=pyproject.toml,target=pyproject.toml",
    ],
    rewrite: Rewrite::Option("--no-install-project"),
};

/// PY003: Poetry's documented layering (FAQ, "Docker"): `COPY pyproject.toml poetry.lock* ./`
/// and the same `poetry install` with `--no-root` before `COPY . .` (`poetry.lock*`: a project
/// without a lock file still builds).
pub(crate) fn poetry_layering(
    checker: &Checker,
    copy: usize,
    run: usize,
    script: &Script,
) -> Option<Fix> {
    pre_install(checker, copy, run, script, &POETRY_INSTALL)
}

const POETRY_INSTALL: PreInstall = PreInstall {
    tool: Tool::Poetry,
    subcommand: "install",
    required: &[],
    forbidden: &[
        "--directory",
        "-C",
        "--project",
        "-P",
        "--no-root",
        "--only-root",
    ],
    manifests: Some("pyproject.toml poetry.lock*"),
    binds: &[],
    rewrite: Rewrite::Option("--no-root"),
};

/// PY006: PDM's layering (its Dockerfile example): `COPY pyproject.toml pdm.lock* ./` and the
/// same `pdm install` with `--no-self` before `COPY . .`.
pub(crate) fn pdm_layering(
    checker: &Checker,
    copy: usize,
    run: usize,
    script: &Script,
) -> Option<Fix> {
    pre_install(checker, copy, run, script, &PDM_INSTALL)
}

const PDM_INSTALL: PreInstall = PreInstall {
    tool: Tool::Pdm,
    subcommand: "install",
    required: &[],
    forbidden: &["--project", "-p", "--no-self", "--global", "-g"],
    manifests: Some("pyproject.toml pdm.lock*"),
    binds: &[],
    rewrite: Rewrite::Option("--no-self"),
};

/// PY002: the project's dependencies from `pyproject.toml` alone, before `COPY . .`; the
/// install of the project after it stays.
///
/// - `uv pip install .`: uv's Docker guide ("Installing a project"): `COPY pyproject.toml ./`,
///   `uv pip install -r pyproject.toml`, then the sources and the project. Only for a plain
///   `.` (an editable or extras would need `-e`/`--extra` translated).
/// - `pip install .`: `pip install --only-deps .` (pip 26.2 NEWS, "Installing only
///   dependencies" in pip's user guide), only when an earlier `RUN` pins that pip (see
///   [`pip_has_only_deps`]): older pips reject the option.
///
/// The install must be the `RUN`'s first command and name only the project.
pub(crate) fn project_layering(
    checker: &Checker,
    copy: usize,
    run: usize,
    script: &Script,
) -> Option<Fix> {
    let install = pristine_shell::pip_installs(script).into_iter().next()?;
    let targets: Vec<&str> = install
        .packages
        .iter()
        .map(|w| w.text.as_str())
        .chain(install.editables.iter().map(String::as_str))
        .collect();
    let [target] = targets.as_slice() else {
        return None;
    };
    let project = |t: &str| {
        t == "."
            || t == "./"
            || t.strip_prefix("./")
                .or_else(|| t.strip_prefix('.'))
                .is_some_and(|extras| extras.starts_with('[') && extras.ends_with(']'))
    };
    if !project(target) {
        return None;
    }
    if install.front == PipFront::Uv {
        if !install.editables.is_empty() || !matches!(*target, "." | "./") {
            return None;
        }
        return pre_install(checker, copy, run, script, &UV_PIP_INSTALL);
    }
    if !pip_has_only_deps(checker, copy, &install.invocation) {
        return None;
    }
    let pre = PreInstall {
        tool: Tool::Pip(install.front),
        ..PIP_INSTALL
    };
    pre_install(checker, copy, run, script, &pre)
}

const PIP_INSTALL: PreInstall = PreInstall {
    tool: Tool::Pip(PipFront::Pip),
    subcommand: "install",
    required: &[],
    // pip refuses `--only-deps` with these (`check_only_deps`, pip 26.2).
    forbidden: &[
        "--only-deps",
        "--no-deps",
        "-r",
        "--requirement",
        "--requirements-from-script",
        "--group",
    ],
    manifests: Some("pyproject.toml"),
    binds: &[],
    rewrite: Rewrite::Option("--only-deps"),
};

const UV_PIP_INSTALL: PreInstall = PreInstall {
    tool: Tool::Pip(PipFront::Uv),
    subcommand: "pip install",
    required: &[],
    forbidden: &[
        "--no-deps",
        "-r",
        "--requirement",
        "--requirements",
        "--group",
        "--extra",
        "--all-extras",
        "--only-binary",
    ],
    manifests: Some("pyproject.toml"),
    binds: &[],
    rewrite: Rewrite::Project("-r pyproject.toml"),
};

/// Does the pip that runs `install` have `--only-deps` (pip >= 26.2)? Known only when an
/// earlier `RUN` of the stage chain, before the whole-context `COPY`, installs `pip` pinned at
/// or above 26.2 (`pip==26.2`, `pip>=26.2`, `pip~=26.3`) with the same program word, and no
/// instruction after it changes which pip that word runs (an `ENV` of `PATH` or
/// `VIRTUAL_ENV`, a `RUN` that makes a venv). An unpinned `--upgrade pip` is not enough: the
/// newest pip an index offers for the image's Python may be older.
fn pip_has_only_deps(checker: &Checker, copy: usize, install: &Invocation) -> bool {
    let Some(stage) = checker.stages.stage_of(copy) else {
        return false;
    };
    let chain = chain_instructions(&chain(&checker.stages, stage.index));
    let scripts = checker.run_scripts();
    let mut upgraded = false;
    for i in chain.into_iter().take_while(|&i| i < copy) {
        match command(checker, i) {
            Some(pristine_dockerfile::Command::Env(pairs))
                if pairs
                    .iter()
                    .any(|kv| matches!(kv.key.value.as_str(), "PATH" | "VIRTUAL_ENV")) =>
            {
                upgraded = false;
            }
            Some(pristine_dockerfile::Command::Run(_)) => {
                let Some(rs) = scripts.iter().find(|s| s.instruction == i && !s.onbuild) else {
                    continue;
                };
                let makes_venv = rs.script.commands.iter().any(|c| {
                    c.basename() == "virtualenv"
                        || c.arg_texts()
                            .collect::<Vec<_>>()
                            .windows(2)
                            .any(|w| w == ["-m", "venv"])
                });
                if makes_venv {
                    upgraded = false;
                }
                let pins = pristine_shell::pip_installs(&rs.script).iter().any(|p| {
                    p.invocation.program.text == install.program.text
                        && p.packages.iter().any(|w| pins_pip_26_2(&w.text))
                });
                if pins {
                    upgraded = true;
                }
            }
            _ => {}
        }
    }
    upgraded
}

/// Is `spec` a requirement on `pip` whose versions are all >= 26.2 (`pip==26.2`,
/// `pip>=26.2,<27`, `pip~=26.3`, `pip===26.2.1`)?
fn pins_pip_26_2(spec: &str) -> bool {
    let Some(rest) = spec
        .get(..3)
        .filter(|name| name.eq_ignore_ascii_case("pip"))
        .and_then(|_| spec.get(3..))
    else {
        return false;
    };
    rest.split(',').any(|clause| {
        let clause = clause.trim();
        let version = ["===", "==", "~=", ">="]
            .iter()
            .find_map(|op| clause.strip_prefix(op));
        let Some(version) = version else {
            return false;
        };
        let mut parts = version.trim().split('.').map(str::parse::<u32>);
        match (parts.next(), parts.next()) {
            (Some(Ok(major)), Some(Ok(minor))) => (major, minor) >= (26, 2),
            (Some(Ok(major)), None) => major > 26,
            _ => false,
        }
    })
}

/// A dependency-only install to put before the whole-context copy.
struct PreInstall<'a> {
    tool: Tool,
    /// The subcommand path (`install`, `pip install`).
    subcommand: &'a str,
    /// At least one of these options must be on the install (empty: none needed).
    required: &'a [&'a str],
    /// None of these may be.
    forbidden: &'a [&'a str],
    /// `COPY <manifests> ./` before the install, when the manifests are copied.
    manifests: Option<&'a str>,
    /// `RUN` flags that bind the manifests instead.
    binds: &'a [&'a str],
    /// How the install becomes dependency-only.
    rewrite: Rewrite<'a>,
}

/// How a project install becomes a dependency-only install.
enum Rewrite<'a> {
    /// This option, put after the subcommand (`poetry install --no-root`).
    Option(&'a str),
    /// This in place of the project operand `.` (`uv pip install -r pyproject.toml`).
    Project(&'a str),
}

/// The shared layering fix of PY002/PY003/PY004/PY006: inserts before `COPY . .` the
/// manifests (copied or bind-mounted) and the same install made dependency-only by
/// `pre.rewrite`. Only the plain case: the whole-context `COPY . .` directly followed (bar
/// `LABEL`/`EXPOSE`) by the `RUN` in the same stage, whose script parses and starts with the
/// one install (a tool installed earlier in the same `RUN` would be missing), without a bind
/// mount or heredoc.
fn pre_install(
    checker: &Checker,
    copy: usize,
    run: usize,
    script: &Script,
    pre: &PreInstall,
) -> Option<Fix> {
    let site = layering_site(checker, copy, run, &[Keyword::Label, Keyword::Expose])?;
    // The tools read the project from the working directory: the context must land there.
    if !site.lands_in_workdir() || script.has_error {
        return None;
    }
    let run_inst = checker.dockerfile.instructions.get(run)?;
    let mut installs = pristine_shell::invocations(script)
        .into_iter()
        .filter(|i| i.tool == pre.tool && i.subcommand_path() == pre.subcommand);
    let install = installs.next()?;
    if installs.next().is_some()
        || install.index != 0
        || (!pre.required.is_empty() && !install.opts.has(pre.required))
        || install.opts.has(pre.forbidden)
    {
        return None;
    }
    let flags: Vec<&str> = run_inst
        .node
        .flags
        .iter()
        .map(|f| f.value.as_str())
        .collect();
    if flags.iter().any(|f| {
        f.contains("type=bind") || f.contains(char::is_whitespace) || f.contains(['"', '\''])
    }) {
        return None;
    }
    let source = checker.source;
    let eol = eol(source);
    let text = |from: TextSize, to: TextSize| source.get(usize::from(from)..usize::from(to));
    let command = install.command.range;
    let new_command = match pre.rewrite {
        Rewrite::Option(option) => {
            let word_end = install.subcommands.last()?.range.end();
            format!(
                "{} {option}{}",
                text(command.start(), word_end)?,
                text(word_end, command.end())?
            )
        }
        Rewrite::Project(operand) => {
            let [project] = install.opts.positionals.as_slice() else {
                return None;
            };
            format!(
                "{}{operand}{}",
                text(command.start(), project.range.start())?,
                text(project.range.end(), command.end())?
            )
        }
    };
    let mut insertion = match pre.manifests {
        Some(manifests) => manifests_copy(checker, &site, manifests),
        None => String::new(),
    };
    // One flag per line, as the tools' guides write it, with the file's escape character.
    let escape = checker.dockerfile.escape;
    insertion.push_str(&run_inst.node.keyword.value);
    for flag in flags.iter().chain(pre.binds) {
        let _ = write!(insertion, " {flag} {escape}{eol}   ");
    }
    let _ = write!(insertion, " {new_command}{eol}");
    let copy_start = line_start(source, usize::from(site.range.start()))?;
    Some(Fix::unsafe_edits(vec![Edit::insertion(
        insertion,
        size(copy_start)?,
    )]))
}

/// A whole-context copy that a layering fix can put the manifests copy before.
struct Site<'c> {
    /// The range of the whole-context `COPY`/`ADD`.
    range: TextRange,
    /// `COPY` in the case the file writes its keywords in.
    keyword: String,
    /// Its flags (`--chown`, `--chmod`, `--link`), verbatim.
    flags: &'c [pristine_dockerfile::Spanned],
    /// Its destination as written, with a trailing `/`.
    dest_text: String,
    /// Where the destination resolves.
    dest: Place,
    /// The working directory of the copy (and of the `RUN`), when known.
    workdir: Option<String>,
}

impl Site<'_> {
    /// Does the context land in the working directory (`COPY . .`, `WORKDIR /app` +
    /// `COPY . /app/`)?
    fn lands_in_workdir(&self) -> bool {
        Place::resolve(".", self.workdir.as_deref()).as_ref() == Some(&self.dest)
    }
}

/// A directory or file of the build container: absolute, or relative to a working directory
/// that is not known but is the same for every path compared (no `WORKDIR` stands between
/// the copy and the `RUN`).
#[derive(Debug, PartialEq, Eq)]
enum Place {
    Absolute(String),
    InWorkdir(String),
}

impl Place {
    /// `path` cleaned (`path.Clean`, as BuildKit resolves `COPY` destinations and the shell
    /// resolves file operands) and made absolute when it is or the working directory is known.
    /// `None` for a variable, or a relative path that leaves an unknown working directory.
    fn resolve(path: &str, workdir: Option<&str>) -> Option<Place> {
        if has_variable(path) || path.is_empty() {
            return None;
        }
        if path.starts_with('/') || workdir.is_some() {
            return absolute(path, workdir).map(Place::Absolute);
        }
        let mut parts: Vec<&str> = Vec::new();
        for part in path.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                p => parts.push(p),
            }
        }
        Some(Place::InWorkdir(parts.join("/")))
    }

    /// The path of `file` below this directory.
    fn child(&self, file: &Place) -> Option<String> {
        let (dir, file) = match (self, file) {
            (Place::Absolute(d), Place::Absolute(f)) => (d.trim_end_matches('/'), f.as_str()),
            (Place::InWorkdir(d), Place::InWorkdir(f)) if d.is_empty() => {
                return Some(f.clone()).filter(|f| !f.is_empty());
            }
            (Place::InWorkdir(d), Place::InWorkdir(f)) => (d.as_str(), f.as_str()),
            _ => return None,
        };
        file.strip_prefix(dir)?
            .strip_prefix('/')
            .filter(|rest| !rest.is_empty())
            .map(str::to_owned)
    }
}

/// The whole-context copy `copy` when a fix can copy manifests to the same place: `COPY . <dest>`
/// or `ADD . <dest>` (also `./`) with one source, no `--from`, `--parents`, `--exclude` or
/// `ADD`-only flags, and a destination without variables that resolves (against the stage's
/// working directory, see [`workdir_at`]) to a known place: `.`, `./`, or any path when the
/// working directory is known (`WORKDIR /app` + `COPY . /app`).
fn context_copy<'c>(checker: &'c Checker, copy: usize) -> Option<Site<'c>> {
    let node = &checker.dockerfile.instructions.get(copy)?.node;
    let is_dot = |s: &[pristine_dockerfile::Source]| matches!(s, [pristine_dockerfile::Source::Path(p)] if matches!(p.value.as_str(), "." | "./"));
    let dest = match command(checker, copy)? {
        Command::Copy(c)
            if c.from.is_none() && !c.parents && c.excludes.is_empty() && is_dot(&c.sources) =>
        {
            &c.dest
        }
        Command::Add(a)
            if !a.keep_git_dir
                && a.checksum.is_none()
                && a.unpack.is_none()
                && a.excludes.is_empty()
                && is_dot(&a.sources) =>
        {
            &a.dest
        }
        _ => return None,
    };
    // Only the flags `COPY` shares with `ADD`; the destination is written back unquoted.
    let copy_flag = |f: &str| {
        ["--chown=", "--chmod=", "--link"]
            .iter()
            .any(|p| f.starts_with(p))
    };
    let escape = checker.dockerfile.escape;
    if !node.flags.iter().all(|f| copy_flag(&f.value))
        || dest
            .value
            .chars()
            .any(|c| c.is_whitespace() || c == escape || matches!(c, '"' | '\'' | '$'))
    {
        return None;
    }
    let stage = checker.stages.stage_of(copy)?;
    let workdir = workdir_at(checker, stage, copy);
    let place = Place::resolve(&dest.value, workdir.as_deref())?;
    let keyword = if node.keyword.value.chars().any(|c| c.is_ascii_lowercase()) {
        "copy"
    } else {
        "COPY"
    };
    let keyword = if node.kind() == Some(Keyword::Copy) {
        node.keyword.value.clone()
    } else {
        keyword.to_owned()
    };
    let dest_text = if dest.value.ends_with('/') {
        dest.value.clone()
    } else {
        format!("{}/", dest.value)
    };
    Some(Site {
        range: node.range,
        keyword,
        flags: &node.flags,
        dest_text,
        dest: place,
        workdir,
    })
}

#[cfg(test)]
mod tests {
    use super::Place;

    #[test]
    fn places() {
        let abs = |p: &str| Place::Absolute(p.to_owned());
        assert_eq!(Place::resolve("/app/", None), Some(abs("/app")));
        assert_eq!(Place::resolve(".", Some("/app")), Some(abs("/app")));
        assert_eq!(Place::resolve("./", Some("/app")), Some(abs("/app")));
        assert_eq!(Place::resolve("/app/./", Some("/x")), Some(abs("/app")));
        assert_eq!(Place::resolve("../app", Some("/app")), Some(abs("/app")));
        assert_eq!(
            Place::resolve("./", None),
            Some(Place::InWorkdir(String::new()))
        );
        assert_eq!(Place::resolve("../x", None), None);
        assert_eq!(Place::resolve("$APP", Some("/app")), None);
        let r = |p: &str, w: Option<&str>| Place::resolve(p, w).unwrap();
        assert_eq!(
            abs("/app").child(&r("requirements.txt", Some("/app"))),
            Some("requirements.txt".to_owned())
        );
        assert_eq!(
            r("/src", Some("/app")).child(&r("/src/req.txt", Some("/app"))),
            Some("req.txt".to_owned())
        );
        assert_eq!(
            r("/src", Some("/app")).child(&r("req.txt", Some("/app"))),
            None
        );
        assert_eq!(abs("/app").child(&abs("/app")), None);
        assert_eq!(abs("/app").child(&abs("/application/r.txt")), None);
        assert_eq!(
            r(".", None).child(&r("./requirements.txt", None)),
            Some("requirements.txt".to_owned())
        );
        assert_eq!(r(".", None).child(&r("/requirements.txt", None)), None);
        assert_eq!(
            r("src", None).child(&r("src/r.txt", None)),
            Some("r.txt".to_owned())
        );
    }
}
