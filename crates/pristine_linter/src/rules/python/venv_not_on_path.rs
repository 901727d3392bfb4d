use pristine_dockerfile::{Command, CopySource, Source};

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{
    absolute, command, command_line, env, final_chain, final_process, is_venv_path, normalize,
    process_commands, program_name, workdir_at,
};

declare_rule! {
    /// ## What it does
    /// Checks a final image that contains a virtual environment — copied from another stage
    /// (`COPY --from=build /opt/venv /opt/venv`) or named by `ENV VIRTUAL_ENV` — but whose
    /// `PATH` does not include `<venv>/bin`, while `CMD`/`ENTRYPOINT` starts a bare `python`,
    /// `gunicorn`, `uvicorn`, … .
    ///
    /// ## Why is this bad?
    /// Each `RUN` is a new shell and only `ENV` persists, so the venv is active only if `PATH`
    /// says so. A bare `python` then resolves to the base image's `/usr/local/bin/python`
    /// without your dependencies (`ModuleNotFoundError`), and `gunicorn` is not found at all.
    /// `VIRTUAL_ENV` alone activates nothing. uv's and Docker's examples set
    /// `ENV PATH="/app/.venv/bin:$PATH"`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim AS build
    /// RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir gunicorn==22.0.0
    ///
    /// FROM python:3.12-slim
    /// COPY --from=build /opt/venv /opt/venv
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim AS build
    /// RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir gunicorn==22.0.0
    ///
    /// FROM python:3.12-slim
    /// COPY --from=build /opt/venv /opt/venv
    /// ENV PATH="/opt/venv/bin:$PATH"
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// ## References
    /// - [uv: Using uv in Docker, "Using the environment"](https://docs.astral.sh/uv/guides/integration/docker/)
    /// - [`venv` documentation](https://docs.python.org/3/library/venv.html) ("cannot be relied upon")
    /// - python-rules.md R45 `venv-not-activated`
    pub(crate) struct VenvNotOnPath {
        code: "PY052",
        name: "venv-not-on-path",
        family: Python,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Virtual environment in the final image is not on `PATH`",
    }
}

const PYTHON_PROGRAMS: &[&str] = &[
    "python",
    "python3",
    "gunicorn",
    "uvicorn",
    "celery",
    "flask",
    "fastapi",
    "daphne",
    "hypercorn",
    "granian",
    "streamlit",
    "django-admin",
];

/// PY052
pub(crate) fn venv_not_on_path(checker: &mut Checker) {
    let chain = final_chain(checker);
    let Some(final_stage) = chain.first() else {
        return;
    };
    // Venvs the final image has.
    let mut venvs: Vec<String> = Vec::new();
    if let Some(v) = env(final_stage, "VIRTUAL_ENV")
        && v.starts_with('/')
    {
        venvs.push(normalize(v));
    }
    for stage in &chain {
        for edge in &stage.copy_from {
            if !matches!(edge.source, CopySource::Stage(_)) {
                continue;
            }
            let Some(Command::Copy(copy)) = command(checker, edge.instruction) else {
                continue;
            };
            let venv_source = copy.sources.iter().any(|s| match s {
                Source::Path(p) => is_venv_path(&p.value),
                Source::Heredoc { .. } => false,
            });
            if venv_source && is_venv_path(&copy.dest.value) {
                let workdir = workdir_at(checker, stage, edge.instruction);
                if let Some(dest) = absolute(&copy.dest.value, workdir.as_deref()) {
                    venvs.push(dest);
                }
            }
        }
    }
    if venvs.is_empty() {
        return;
    }
    let path = env(final_stage, "PATH").unwrap_or("");
    let on_path = |venv: &str| {
        path.split(':')
            .any(|p| normalize(p) == format!("{venv}/bin"))
    };
    if venvs.iter().any(|v| on_path(v)) {
        return;
    }
    // Something else may activate the venv: `PATH` set through a variable we cannot see.
    if path.contains('$') {
        return;
    }
    let (entrypoint, cmd) = final_process(checker);
    let first = entrypoint.or(cmd);
    let Some(index) = first else {
        return;
    };
    let Some(line) = command_line(checker, index) else {
        return;
    };
    let commands = process_commands(line);
    let Some(words) = commands.last() else {
        return;
    };
    let mut words = words
        .iter()
        .skip_while(|w| matches!(program_name(w), "tini" | "dumb-init" | "--" | "-g" | "-s"));
    let Some(program) = words.next() else {
        return;
    };
    if program.contains('/') {
        return;
    }
    let bare = PYTHON_PROGRAMS.contains(&program.as_str()) || program.starts_with("python3.");
    if !bare {
        return;
    }
    let venv = venvs.first().cloned().unwrap_or_default();
    let range = checker
        .dockerfile
        .instructions
        .get(index)
        .map(|i| i.node.range)
        .unwrap_or_default();
    let diagnostic = checker
        .diagnostic(
            Rule::VenvNotOnPath,
            format!("`{program}` runs outside the virtual environment `{venv}`: `{venv}/bin` is not on `PATH`"),
            range,
        )
        .with_help(format!("Add `ENV PATH=\"{venv}/bin:$PATH\"` to the final stage"));
    checker.report(diagnostic);
}
