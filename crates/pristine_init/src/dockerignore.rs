//! The `.dockerignore`: a small protective baseline plus what this project really contains.
//!
//! Patterns are written with `**/` because Docker's patterns are anchored at the context root
//! (python-rules.md §3.0, R11); the baseline is the union in §3.0 reduced to what must never be
//! sent whatever the project looks like, and every other line names something found.

use std::collections::BTreeMap;

use crate::{Detection, Snapshot};

/// Why a line is there, per section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Environments,
    Secrets,
    Vcs,
    Caches,
    Artefacts,
    Editors,
    Data,
}

impl Section {
    fn title(self) -> &'static str {
        match self {
            Section::Environments => {
                "Virtual environments: host-built, for another platform; the image builds its own"
            }
            Section::Secrets => "Secrets: never send them to a build",
            Section::Vcs => "Version control",
            Section::Caches => "Caches and bytecode",
            Section::Artefacts => "Build artefacts",
            Section::Editors => "Editors and operating systems",
            Section::Data => "Local data",
        }
    }
}

fn classify(name: &str, is_dir: bool) -> Option<(Section, String)> {
    let section_pattern = |s: Section, p: &str| Some((s, p.to_owned()));
    if !is_dir
        && let Some(key) = ["id_rsa", "id_ed25519", "id_ecdsa", "id_dsa"]
            .into_iter()
            .find(|k| name.starts_with(k))
    {
        return section_pattern(Section::Secrets, &format!("**/{key}*"));
    }
    match name {
        ".git" | ".hg" | ".svn" if is_dir => section_pattern(Section::Vcs, name),
        "__pycache__" | ".pytest_cache" | ".mypy_cache" | ".ruff_cache" | ".hypothesis"
        | ".tox" | ".nox" | "htmlcov" | ".ipynb_checkpoints" | "__pypackages__"
        | "node_modules" | ".pdm-build" | ".cache"
            if is_dir =>
        {
            section_pattern(Section::Caches, &format!("**/{name}"))
        }
        ".coverage" | "coverage.xml" | ".pdm-python" if !is_dir => {
            section_pattern(Section::Caches, &format!("**/{name}"))
        }
        _ if !is_dir && name.starts_with(".coverage.") => {
            section_pattern(Section::Caches, "**/.coverage.*")
        }
        _ if !is_dir && (name.ends_with(".pyc") || name.ends_with(".pyo")) => {
            section_pattern(Section::Caches, "**/*.py[cod]")
        }
        ".env" | ".envrc" | ".netrc" | ".pypirc" | ".npmrc" | ".git-credentials" if !is_dir => {
            section_pattern(Section::Secrets, &format!("**/{name}"))
        }
        _ if !is_dir && name.starts_with(".env.") => section_pattern(Section::Secrets, "**/.env.*"),
        ".aws" | ".ssh" | ".gnupg" if is_dir => {
            section_pattern(Section::Secrets, &format!("**/{name}"))
        }
        _ if !is_dir
            && (name.ends_with(".pem") || name.ends_with(".key") || name.ends_with(".p12")) =>
        {
            let ext = name.rsplit('.').next().unwrap_or("pem");
            section_pattern(Section::Secrets, &format!("**/*.{ext}"))
        }
        _ if is_dir && name.ends_with(".egg-info") => {
            section_pattern(Section::Artefacts, "**/*.egg-info")
        }
        ".DS_Store" | "Thumbs.db" if !is_dir => {
            section_pattern(Section::Editors, &format!("**/{name}"))
        }
        ".idea" | ".vscode" if is_dir => section_pattern(Section::Editors, &format!("**/{name}")),
        _ if !is_dir && (name.ends_with(".swp") || name.ends_with('~')) => section_pattern(
            Section::Editors,
            if name.ends_with('~') {
                "**/*~"
            } else {
                "**/*.swp"
            },
        ),
        _ if !is_dir && (name.ends_with(".sqlite3") || name.ends_with(".sqlite")) => {
            let ext = name.rsplit('.').next().unwrap_or("sqlite3");
            section_pattern(Section::Data, &format!("**/*.{ext}"))
        }
        _ => None,
    }
}

/// Returns the file and one explanation per line that is there because of something found.
pub(crate) fn dockerignore(snapshot: &Snapshot, detection: &Detection) -> (String, Vec<String>) {
    // pattern → (section, first path that needed it)
    let mut lines: BTreeMap<String, (Section, Option<String>)> = BTreeMap::new();
    let mut add = |pattern: String, section: Section, found: Option<String>| {
        let entry = lines.entry(pattern).or_insert((section, None));
        if entry.1.is_none() {
            entry.1 = found;
        }
    };
    // Baseline: the environment the image builds lives at /app/.venv for uv/Poetry/PDM/Pipenv,
    // where `COPY . /app` would overwrite it; bytecode, VCS and .env are never wanted.
    for (pattern, section) in [
        ("**/.venv", Section::Environments),
        ("**/__pycache__", Section::Caches),
        ("**/*.py[cod]", Section::Caches),
        (".git", Section::Vcs),
        ("**/.env", Section::Secrets),
    ] {
        add(pattern.to_owned(), section, None);
    }
    for path in &snapshot.paths {
        let is_dir = path.ends_with('/');
        let trimmed = path.trim_end_matches('/');
        let (parent, name) = trimmed.rsplit_once('/').unwrap_or(("", trimmed));
        if name == "pyvenv.cfg" && !is_dir && !parent.is_empty() {
            let venv = parent.rsplit('/').next().unwrap_or(parent);
            add(
                format!("**/{venv}"),
                Section::Environments,
                Some(format!("{parent}/ (pyvenv.cfg)")),
            );
            continue;
        }
        if name == "conda-meta" && is_dir && !parent.is_empty() {
            let env = parent.rsplit('/').next().unwrap_or(parent);
            add(
                format!("**/{env}"),
                Section::Environments,
                Some(format!("{parent}/ (conda-meta/)")),
            );
            continue;
        }
        if is_dir && parent.is_empty() && matches!(name, "dist" | "build") {
            add(name.to_owned(), Section::Artefacts, Some(path.clone()));
            continue;
        }
        if let Some((section, pattern)) = classify(name, is_dir) {
            add(pattern, section, Some(path.clone()));
        }
    }
    // Never exclude what the Dockerfile copies or mounts.
    lines.retain(|pattern, _| {
        !detection
            .dependency_files
            .iter()
            .any(|f| f == pattern.trim_start_matches("**/"))
    });

    let mut by_section: BTreeMap<Section, Vec<&String>> = BTreeMap::new();
    let mut explanations = Vec::new();
    for (pattern, (section, found)) in &lines {
        by_section.entry(*section).or_default().push(pattern);
        if let Some(found) = found {
            explanations.push(format!("`{pattern}`: found `{found}`"));
        }
    }
    let mut out = String::from(
        "# Generated by `pristine init`: what this project holds that must not reach the image.\n\
         # Patterns use **/ because .dockerignore patterns are anchored at the context root.\n",
    );
    for (section, patterns) in by_section {
        out.push('\n');
        out.push_str("# ");
        out.push_str(section.title());
        out.push('\n');
        for p in patterns {
            out.push_str(p);
            out.push('\n');
        }
    }
    (out, explanations)
}
