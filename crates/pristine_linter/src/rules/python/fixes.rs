//! Unsafe Dockerfile fixes of the Python rules that move or add whole instructions: the
//! dependency layering of PY001, the slim base of PY041, the non-root `USER` of PY070.
//!
//! Every edit inserts or deletes whole lines at line starts, in the file's own line ending, and
//! copies instruction text verbatim (continuations, escape character, heredocs untouched).

use std::fmt::Write as _;

use pristine_diagnostics::{Edit, Fix, TextRange, TextSize};
use pristine_dockerfile::{Command, Keyword};
use pristine_shell::{Script, Tool};

use crate::checkers::dockerfile::Checker;
use crate::rules::python::helpers::command;

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

fn size(offset: usize) -> Option<TextSize> {
    u32::try_from(offset).ok().map(TextSize::from)
}

/// PY001: `COPY <requirements> ./` and the install, moved before `COPY . .`, as Docker's cache
/// guide and FastAPI's Docker guide lay it out. Only for the plain case: the whole-context
/// `COPY . .` (or `./`) and the `RUN` in the same stage with nothing but `COPY`/`ADD`/`LABEL`/
/// `EXPOSE` between them, a `RUN` without heredocs whose commands are all `pip install`s of
/// top-level requirement files (no packages, paths or editables: they may need the sources).
pub(crate) fn requirements_layering(
    checker: &Checker,
    copy: usize,
    run: usize,
    script: &Script,
) -> Option<Fix> {
    let instructions = &checker.dockerfile.instructions;
    if !plain_context_copy(checker, copy) {
        return None;
    }
    let stage = checker.stages.stage_of(copy)?.index;
    if checker.stages.stage_of(run).map(|s| s.index) != Some(stage) {
        return None;
    }
    for i in copy + 1..run {
        let kind = instructions.get(i)?.node.kind();
        if !matches!(
            kind,
            Some(Keyword::Copy | Keyword::Add | Keyword::Label | Keyword::Expose)
        ) {
            return None;
        }
    }
    let run_inst = instructions.get(run)?;
    if !run_inst.node.heredocs.is_empty() {
        return None;
    }
    let mut files: Vec<String> = Vec::new();
    let invocations = pristine_shell::invocations(script);
    if invocations.is_empty() {
        return None;
    }
    let installs = pristine_shell::pip_installs(script);
    for inv in &invocations {
        let pip = installs.iter().find(|p| p.invocation.index == inv.index)?;
        if !matches!(inv.tool, Tool::Pip(_))
            || !pip.packages.is_empty()
            || !pip.editables.is_empty()
            || pip.requirements.is_empty()
        {
            return None;
        }
        for file in pip.requirements.iter().chain(&pip.constraints) {
            let plain = file
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(ch));
            if !plain || file.starts_with('.') {
                return None;
            }
            if !files.contains(file) {
                files.push(file.clone());
            }
        }
    }
    let source = checker.source;
    let eol = eol(source);
    let copy_start = line_start(
        source,
        usize::from(instructions.get(copy)?.node.range.start()),
    )?;
    let run_range = run_inst.node.range;
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
    let flags: Vec<&str> = instructions
        .get(copy)?
        .node
        .flags
        .iter()
        .map(|f| f.value.as_str())
        .collect();
    let keyword = instructions.get(copy)?.node.keyword.value.as_str();
    let mut copy_line = keyword.to_string();
    for part in flags
        .iter()
        .copied()
        .chain(files.iter().map(String::as_str))
    {
        copy_line.push(' ');
        copy_line.push_str(part);
    }
    copy_line.push_str(" ./");
    let insertion = format!("{copy_line}{eol}{run_text}{eol}");
    Some(Fix::unsafe_edits(vec![
        Edit::insertion(insertion, size(copy_start)?),
        Edit::deletion(TextRange::new(size(run_start)?, size(run_end)?)),
    ]))
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
        let end = usize::from(instructions.get(last)?.node.range.end());
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
    pre_install(
        checker,
        copy,
        run,
        script,
        &PreInstall {
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
            option: "--no-install-project",
        },
    )
}

/// PY003: Poetry's documented layering (FAQ, "Docker"): `COPY pyproject.toml poetry.lock* ./`
/// and the same `poetry install` with `--no-root` before `COPY . .` (`poetry.lock*`: a project
/// without a lock file still builds).
pub(crate) fn poetry_layering(
    checker: &Checker,
    copy: usize,
    run: usize,
    script: &Script,
) -> Option<Fix> {
    pre_install(
        checker,
        copy,
        run,
        script,
        &PreInstall {
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
            option: "--no-root",
        },
    )
}

/// PY006: PDM's layering (its Dockerfile example): `COPY pyproject.toml pdm.lock* ./` and the
/// same `pdm install` with `--no-self` before `COPY . .`.
pub(crate) fn pdm_layering(
    checker: &Checker,
    copy: usize,
    run: usize,
    script: &Script,
) -> Option<Fix> {
    pre_install(
        checker,
        copy,
        run,
        script,
        &PreInstall {
            tool: Tool::Pdm,
            subcommand: "install",
            required: &[],
            forbidden: &["--project", "-p", "--no-self", "--global", "-g"],
            manifests: Some("pyproject.toml pdm.lock*"),
            binds: &[],
            option: "--no-self",
        },
    )
}

/// A dependency-only install to put before the whole-context copy.
struct PreInstall<'a> {
    tool: Tool,
    subcommand: &'a str,
    /// At least one of these options must be on the install (empty: none needed).
    required: &'a [&'a str],
    /// None of these may be.
    forbidden: &'a [&'a str],
    /// `COPY <manifests> ./` before the install, when the manifests are copied.
    manifests: Option<&'a str>,
    /// `RUN` flags that bind the manifests instead.
    binds: &'a [&'a str],
    /// The option that makes the install skip the project itself, put after the subcommand.
    option: &'a str,
}

/// The shared layering fix of PY003/PY004: inserts before `COPY . .` the manifests (copied or
/// bind-mounted) and the same install with `pre.option`. Only the plain case: the whole-context
/// `COPY . .` directly followed (bar `LABEL`/`EXPOSE`) by the `RUN` in the same stage, whose
/// script parses and starts with the one install (a tool installed earlier in the same `RUN`
/// would be missing), without a bind mount or heredoc.
fn pre_install(
    checker: &Checker,
    copy: usize,
    run: usize,
    script: &Script,
    pre: &PreInstall,
) -> Option<Fix> {
    let instructions = &checker.dockerfile.instructions;
    if !plain_context_copy(checker, copy) || script.has_error {
        return None;
    }
    let stage = checker.stages.stage_of(copy)?.index;
    if checker.stages.stage_of(run).map(|s| s.index) != Some(stage) {
        return None;
    }
    for i in copy + 1..run {
        let kind = instructions.get(i)?.node.kind();
        if !matches!(kind, Some(Keyword::Label | Keyword::Expose)) {
            return None;
        }
    }
    let run_inst = instructions.get(run)?;
    if !run_inst.node.heredocs.is_empty() {
        return None;
    }
    let mut installs = pristine_shell::invocations(script)
        .into_iter()
        .filter(|i| i.tool == pre.tool && i.subcommand() == pre.subcommand);
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
    let command = install.command.range;
    let word_end = install.subcommands.first()?.range.end();
    let head = source.get(usize::from(command.start())..usize::from(word_end))?;
    let tail = source.get(usize::from(word_end)..usize::from(command.end()))?;
    let mut insertion = String::new();
    if let Some(manifests) = pre.manifests {
        let copy_node = &instructions.get(copy)?.node;
        insertion.push_str(&copy_node.keyword.value);
        for flag in &copy_node.flags {
            let _ = write!(insertion, " {}", flag.value);
        }
        let _ = write!(insertion, " {manifests} ./{eol}");
    }
    // One flag per line, as the tools' guides write it, with the file's escape character.
    let escape = checker.dockerfile.escape;
    insertion.push_str(&run_inst.node.keyword.value);
    for flag in flags.iter().chain(pre.binds) {
        let _ = write!(insertion, " {flag} {escape}{eol}   ");
    }
    let _ = write!(insertion, " {head} {}{tail}{eol}", pre.option);
    let copy_start = line_start(
        source,
        usize::from(instructions.get(copy)?.node.range.start()),
    )?;
    Some(Fix::unsafe_edits(vec![Edit::insertion(
        insertion,
        size(copy_start)?,
    )]))
}

/// A whole-context `COPY . .` (or `./`): one source, no `--from`, `--parents` or `--exclude`.
fn plain_context_copy(checker: &Checker, copy: usize) -> bool {
    let Some(Command::Copy(c)) = command(checker, copy) else {
        return false;
    };
    let is_dot = |s: &str| s == "." || s == "./";
    c.from.is_none()
        && !c.parents
        && c.excludes.is_empty()
        && c.sources.len() == 1
        && c.sources
            .iter()
            .all(|s| matches!(s, pristine_dockerfile::Source::Path(p) if is_dot(p.value.as_str())))
        && is_dot(c.dest.value.as_str())
}
