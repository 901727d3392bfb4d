//! Build discovery: which builds a project has.
//!
//! A [`Build`] is what `docker build` (or `docker compose build`) is given: a Dockerfile, a
//! context directory, and the target, build args and platforms. Builds come from three
//! sources, strongest first:
//!
//! 1. the command line (`pristine check -f Dockerfile --context dir`), built by the caller;
//! 2. compose files (`compose.yaml`, `docker-compose.yml`, …): each service's `build:`;
//! 3. the convention that a Dockerfile found in a directory is built with that directory as
//!    its context (`docker build .` next to it).
//!
//! A Dockerfile that a compose file builds is reported with the compose build(s) only, not
//! again by convention, so that every Dockerfile is checked once per real build.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

use serde_yaml_ng::Value;

/// Where a build came from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum BuildSource {
    /// Given on the command line.
    CommandLine,
    /// A `build:` section of a compose file.
    Compose { file: PathBuf, service: String },
    /// A Dockerfile found while walking; its directory is the context.
    Convention,
}

/// One build: what `docker build -f DOCKERFILE CONTEXT` is given.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Build {
    pub dockerfile: PathBuf,
    pub context_dir: PathBuf,
    /// `--target` / compose `build.target`.
    pub target: Option<String>,
    /// `--build-arg` / compose `build.args`, in order; `None` = passed through from the
    /// environment (`--build-arg NAME`, compose `args: [NAME]`).
    pub build_args: Vec<(String, Option<String>)>,
    /// `--platform` / compose `build.platforms` or the service's `platform`.
    pub platforms: Vec<String>,
    pub source: BuildSource,
}

impl Build {
    /// A build by convention: the Dockerfile's directory is the context.
    pub fn by_convention(dockerfile: PathBuf) -> Self {
        let context_dir = dockerfile
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let context_dir = if context_dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            context_dir
        };
        Self {
            dockerfile,
            context_dir,
            target: None,
            build_args: Vec::new(),
            platforms: Vec::new(),
            source: BuildSource::Convention,
        }
    }
}

/// Something discovery could not use; reported to the user, never fatal for other builds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscoveryIssue {
    pub path: PathBuf,
    pub message: String,
}

/// Directory names never searched for Dockerfiles: VCS metadata, dependency trees, caches.
/// Virtual environments and conda environments are recognised by their marker files instead
/// of their names (see [`is_environment_dir`]).
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".jj",
    "node_modules",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "site-packages",
    ".eggs",
];

/// File extensions that mark a `Dockerfile.*` name as documentation, a template or a backup
/// rather than a Dockerfile (`Dockerfile.md`, `Dockerfile.j2`, `Dockerfile.dockerignore`).
const NON_DOCKERFILE_EXTENSIONS: &[&str] = &[
    "dockerignore",
    "md",
    "rst",
    "txt",
    "json",
    "yml",
    "yaml",
    "toml",
    "sh",
    "py",
    "bak",
    "orig",
    "rej",
    "swp",
    "j2",
    "jinja",
    "jinja2",
    "tmpl",
    "tpl",
    "template",
    "erb",
    "mustache",
];

/// Whether a file name is Dockerfile-like: `Dockerfile`, `Containerfile`, `Dockerfile.*`,
/// `Dockerfile-*`, `Containerfile.*`, `*.Dockerfile`, `*.dockerfile`, `*.Containerfile`
/// (case-insensitive for the `Dockerfile`/`Containerfile` stem, as editors and Docker's docs
/// use both spellings), excluding documentation, templates and per-Dockerfile ignore files.
pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if let Some((_, ext)) = lower.rsplit_once('.')
        && NON_DOCKERFILE_EXTENSIONS.contains(&ext)
    {
        return false;
    }
    for stem in ["dockerfile", "containerfile"] {
        if lower == stem {
            return true;
        }
        if let Some(rest) = lower.strip_prefix(stem)
            && (rest.starts_with('.') || rest.starts_with('-'))
            && rest.len() > 1
        {
            return true;
        }
        if let Some(head) = lower.strip_suffix(stem)
            && head.len() > 1
            && head.ends_with('.')
        {
            return true;
        }
    }
    false
}

/// Whether a file name is a compose file Docker Compose reads: `compose.yaml`, `compose.yml`,
/// `docker-compose.yaml`, `docker-compose.yml`, and their override/variant files
/// (`compose.override.yaml`, `docker-compose.prod.yml`).
pub fn is_compose_name(name: &str) -> bool {
    let Some(stem) = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
    else {
        return false;
    };
    ["compose", "docker-compose"].iter().any(|base| {
        stem == *base
            || stem
                .strip_prefix(base)
                .is_some_and(|rest| rest.starts_with('.') && rest.len() > 1)
    })
}

/// A virtual environment (`pyvenv.cfg`) or conda environment (`conda-meta/`): never searched.
fn is_environment_dir(dir: &Path) -> bool {
    dir.join("pyvenv.cfg").is_file() || dir.join("conda-meta").is_dir()
}

/// What a directory walk found.
#[derive(Debug, Default)]
pub struct Found {
    pub dockerfiles: Vec<PathBuf>,
    pub compose_files: Vec<PathBuf>,
    pub issues: Vec<DiscoveryIssue>,
}

/// Walks `root` (never following symlinks) for Dockerfile-like and compose files.
/// `extra_excludes` are further directory names to skip.
pub fn find_build_files(root: &Path, extra_excludes: &[String]) -> Found {
    let mut found = Found::default();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) => {
                found.issues.push(DiscoveryIssue {
                    path: dir.clone(),
                    message: format!("cannot read directory: {err}"),
                });
                continue;
            }
        };
        let mut subdirs = Vec::new();
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    found.issues.push(DiscoveryIssue {
                        path: dir.clone(),
                        message: format!("cannot read directory entry: {err}"),
                    });
                    continue;
                }
            };
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name();
            // Non-UTF-8 names can be neither Dockerfiles nor skipped names; directories with
            // such names are still searched.
            let name = name.to_str();
            let path = entry.path();
            if file_type.is_dir() {
                if name.is_some_and(|n| {
                    SKIPPED_DIRS.contains(&n) || extra_excludes.iter().any(|x| x == n)
                }) {
                    continue;
                }
                if is_environment_dir(&path) {
                    continue;
                }
                subdirs.push(path);
            } else if file_type.is_file() {
                match name {
                    Some(n) if is_dockerfile_name(n) => found.dockerfiles.push(path),
                    Some(n) if is_compose_name(n) => found.compose_files.push(path),
                    _ => {}
                }
            }
        }
        // Reverse so the depth-first walk visits subdirectories in name order.
        subdirs.sort();
        stack.extend(subdirs.into_iter().rev());
    }
    found.dockerfiles.sort();
    found.compose_files.sort();
    found
}

/// Lexically normalise a path (`a/./b/../c` → `a/c`) without touching the file system, as
/// Compose does for relative `context` values.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(
                    out.components().next_back(),
                    Some(Component::Normal(_)) | None
                ) && out.pop()
                {
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out
    }
}

/// Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `$VAR` and `$$` interpolation,
/// with `lookup` giving variables (the binary passes the process environment). Unset
/// variables without a default become empty, as Compose does (with a warning there).
pub fn interpolate(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
        } else if let Some(after) = rest.strip_prefix('{') {
            let end = after
                .find('}')
                .ok_or_else(|| format!("invalid interpolation format for `{text}`"))?;
            let inner = &after[..end];
            rest = &after[end + 1..];
            let (name, value) = if let Some((name, default)) = inner.split_once(":-") {
                (
                    name,
                    lookup(name)
                        .filter(|v| !v.is_empty())
                        .unwrap_or_else(|| default.to_string()),
                )
            } else if let Some((name, default)) = inner.split_once('-') {
                (name, lookup(name).unwrap_or_else(|| default.to_string()))
            } else if let Some((name, message)) =
                inner.split_once(":?").or_else(|| inner.split_once('?'))
            {
                (
                    name,
                    lookup(name).filter(|v| !v.is_empty()).ok_or_else(|| {
                        format!("required variable `{name}` is missing: {message}")
                    })?,
                )
            } else {
                (inner, lookup(inner).unwrap_or_default())
            };
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!("invalid interpolation format for `{text}`"));
            }
            out.push_str(&value);
        } else {
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if len == 0 {
                out.push('$');
            } else {
                out.push_str(&lookup(&rest[..len]).unwrap_or_default());
                rest = &rest[len..];
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn scalar_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The builds of one compose file (`compose_dir` = the directory holding it; relative contexts
/// are resolved against it). `text` is the file's content.
pub fn compose_builds(
    compose_file: &Path,
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<(Vec<Build>, Vec<DiscoveryIssue>), DiscoveryIssue> {
    let issue = |message: String| DiscoveryIssue {
        path: compose_file.to_path_buf(),
        message,
    };
    let mut doc: Value =
        serde_yaml_ng::from_str(text).map_err(|err| issue(format!("invalid YAML: {err}")))?;
    doc.apply_merge()
        .map_err(|err| issue(format!("invalid YAML merge key: {err}")))?;
    let compose_dir = compose_file
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let mut builds = Vec::new();
    let mut issues = Vec::new();
    let Some(services) = doc.get("services").and_then(Value::as_mapping) else {
        return Ok((builds, issues));
    };
    for (name, service) in services {
        let Some(service_name) = scalar_string(name) else {
            continue;
        };
        let Some(build) = service.get("build") else {
            continue;
        };
        let mut interp = |s: &str| -> Option<String> {
            match interpolate(s, lookup) {
                Ok(v) => Some(v),
                Err(message) => {
                    issues.push(issue(format!("service `{service_name}`: {message}")));
                    None
                }
            }
        };
        let (context, dockerfile, target, args, platforms) = match build {
            Value::String(context) => (Some(context.clone()), None, None, Vec::new(), Vec::new()),
            Value::Mapping(_) => {
                if build.get("dockerfile_inline").is_some() {
                    issues.push(issue(format!(
                        "service `{service_name}`: `dockerfile_inline` is not checked"
                    )));
                    continue;
                }
                let context = build.get("context").and_then(scalar_string);
                let dockerfile = build.get("dockerfile").and_then(scalar_string);
                let target = build.get("target").and_then(scalar_string);
                let args = match build.get("args") {
                    Some(Value::Mapping(map)) => map
                        .iter()
                        .filter_map(|(k, v)| {
                            Some((
                                scalar_string(k)?,
                                if v.is_null() { None } else { scalar_string(v) },
                            ))
                        })
                        .collect(),
                    Some(Value::Sequence(items)) => items
                        .iter()
                        .filter_map(scalar_string)
                        .map(|item| match item.split_once('=') {
                            Some((k, v)) => (k.to_string(), Some(v.to_string())),
                            None => (item, None),
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                let mut platforms: Vec<String> = build
                    .get("platforms")
                    .and_then(Value::as_sequence)
                    .map(|items| items.iter().filter_map(scalar_string).collect())
                    .unwrap_or_default();
                if platforms.is_empty() {
                    platforms.extend(service.get("platform").and_then(scalar_string));
                }
                (context, dockerfile, target, args, platforms)
            }
            _ => {
                issues.push(issue(format!(
                    "service `{service_name}`: `build` must be a string or a mapping"
                )));
                continue;
            }
        };
        let context = context.unwrap_or_else(|| ".".to_string());
        let Some(context) = interp(&context) else {
            continue;
        };
        // Remote contexts (git URLs, tarballs over HTTP) are not on this machine.
        if context.contains("://") || context.starts_with("git@") {
            issues.push(issue(format!(
                "service `{service_name}`: remote build context `{context}` is not checked"
            )));
            continue;
        }
        let context_dir = normalize(&compose_dir.join(&context));
        let dockerfile = match dockerfile {
            Some(d) => match interp(&d) {
                Some(d) => normalize(&context_dir.join(d)),
                None => continue,
            },
            None => context_dir.join("Dockerfile"),
        };
        let target = target.and_then(|t| interp(&t));
        let args = args
            .into_iter()
            .map(|(k, v)| (k, v.and_then(|v| interp(&v))))
            .collect();
        let platforms = platforms.iter().filter_map(|p| interp(p)).collect();
        builds.push(Build {
            dockerfile,
            context_dir,
            target,
            build_args: args,
            platforms,
            source: BuildSource::Compose {
                file: compose_file.to_path_buf(),
                service: service_name,
            },
        });
    }
    Ok((builds, issues))
}

/// All builds under `paths`: each path may be a directory (searched), a Dockerfile-like file
/// (built by convention unless a compose file found in the same search builds it), or a
/// compose file. Builds are returned sorted and without duplicates.
pub fn discover(
    paths: &[PathBuf],
    extra_excludes: &[String],
    lookup: &dyn Fn(&str) -> Option<String>,
) -> (Vec<Build>, Vec<DiscoveryIssue>) {
    // Collected, then sorted and deduplicated once: a `BTreeSet` compared long paths component
    // by component on every insert (12 000 instructions per insert for the corpus's 251
    // Dockerfiles, on the serial path); a sort of the usually sorted input takes one pass.
    let mut dockerfiles = Vec::new();
    let mut compose_files = BTreeSet::new();
    let mut issues = Vec::new();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            let found = find_build_files(path, extra_excludes);
            dockerfiles.extend(found.dockerfiles);
            compose_files.extend(found.compose_files);
            issues.extend(found.issues);
        } else if is_compose_name(name) {
            compose_files.insert(path.clone());
        } else if path.exists() {
            // An explicitly named file is a Dockerfile whatever its name.
            dockerfiles.push(path.clone());
        } else {
            issues.push(DiscoveryIssue {
                path: path.clone(),
                message: "no such file or directory".to_string(),
            });
        }
    }

    dockerfiles.sort();
    dockerfiles.dedup();
    let mut builds = Vec::new();
    let mut built_by_compose = BTreeSet::new();
    for compose_file in &compose_files {
        let text = match fs::read_to_string(compose_file) {
            Ok(text) => text,
            Err(err) => {
                issues.push(DiscoveryIssue {
                    path: compose_file.clone(),
                    message: format!("cannot read compose file: {err}"),
                });
                continue;
            }
        };
        match compose_builds(compose_file, &text, lookup) {
            Ok((found, found_issues)) => {
                issues.extend(found_issues);
                for build in found {
                    if !build.dockerfile.is_file() {
                        issues.push(DiscoveryIssue {
                            path: compose_file.clone(),
                            message: format!(
                                "{}: Dockerfile `{}` does not exist",
                                match &build.source {
                                    BuildSource::Compose { service, .. } =>
                                        format!("service `{service}`"),
                                    _ => String::new(),
                                },
                                build.dockerfile.display()
                            ),
                        });
                        continue;
                    }
                    built_by_compose.insert(same_file_key(&build.dockerfile));
                    builds.push(build);
                }
            }
            Err(issue) => issues.push(issue),
        }
    }
    for dockerfile in dockerfiles {
        // Without compose builds there is nothing to compare with, and `canonicalize` costs a
        // `readlink` per path component (2 056 of them for the corpus's 251 Dockerfiles).
        if built_by_compose.is_empty() || !built_by_compose.contains(&same_file_key(&dockerfile)) {
            builds.push(Build::by_convention(dockerfile));
        }
    }
    builds.sort();
    builds.dedup();
    (builds, issues)
}

/// A key under which two spellings of one file compare equal (`./a/Dockerfile`, `a/Dockerfile`).
fn same_file_key(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| normalize(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names() {
        for yes in [
            "Dockerfile",
            "dockerfile",
            "Containerfile",
            "Dockerfile.dev",
            "Dockerfile-prod",
            "app.Dockerfile",
            "python3.11-slim.dockerfile",
            "Dockerfile.windows",
        ] {
            assert!(is_dockerfile_name(yes), "{yes}");
        }
        for no in [
            "Dockerfile.dockerignore",
            "app.Dockerfile.dockerignore",
            "Dockerfile.md",
            "Dockerfile.j2",
            ".dockerfile",
            "Dockerfile.",
            "mydockerfile",
            "dockerfiles",
            "README.md",
        ] {
            assert!(!is_dockerfile_name(no), "{no}");
        }
    }

    #[test]
    fn compose_names() {
        for yes in [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yml",
            "docker-compose.prod.yml",
            "compose.override.yaml",
        ] {
            assert!(is_compose_name(yes), "{yes}");
        }
        for no in [
            "compose.json",
            "my-compose.yml",
            "docker-compose.",
            "compose..yml",
        ] {
            assert!(!is_compose_name(no), "{no}");
        }
    }

    #[test]
    fn normalizes_lexically() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("./.")), PathBuf::from("."));
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
        assert_eq!(normalize(Path::new("/a/../../b")), PathBuf::from("/b"));
    }

    #[test]
    fn interpolation() {
        let env = |k: &str| (k == "SET").then(|| "v".to_string());
        assert_eq!(interpolate("${SET}/x", &env).unwrap(), "v/x");
        assert_eq!(interpolate("${UNSET:-d}", &env).unwrap(), "d");
        assert_eq!(interpolate("${UNSET-d}", &env).unwrap(), "d");
        assert_eq!(interpolate("$SET-$$", &env).unwrap(), "v-$");
        assert_eq!(interpolate("$UNSET", &env).unwrap(), "");
        assert!(interpolate("${UNSET:?need it}", &env).is_err());
        assert!(interpolate("${unclosed", &env).is_err());
    }

    #[test]
    fn compose_forms() {
        let yaml = r"
x-common: &common
  context: ./api
  args:
    A: 1
services:
  web:
    build: ./web
  api:
    build:
      <<: *common
      dockerfile: docker/Dockerfile.prod
      target: prod
      platforms: [linux/arm64]
  worker:
    platform: linux/amd64
    build:
      context: .
      args: [B=2, C]
  db:
    image: postgres
  remote:
    build: https://github.com/x/y.git
";
        let (builds, issues) =
            compose_builds(Path::new("proj/compose.yaml"), yaml, &|_| None).unwrap();
        assert_eq!(builds.len(), 3, "{builds:#?}");
        assert_eq!(issues.len(), 1, "{issues:?}");
        let web = &builds[0];
        assert_eq!(web.context_dir, PathBuf::from("proj/web"));
        assert_eq!(web.dockerfile, PathBuf::from("proj/web/Dockerfile"));
        let api = &builds[1];
        assert_eq!(api.context_dir, PathBuf::from("proj/api"));
        assert_eq!(
            api.dockerfile,
            PathBuf::from("proj/api/docker/Dockerfile.prod")
        );
        assert_eq!(api.target.as_deref(), Some("prod"));
        assert_eq!(api.build_args, vec![("A".into(), Some("1".into()))]);
        assert_eq!(api.platforms, vec!["linux/arm64".to_string()]);
        let worker = &builds[2];
        assert_eq!(worker.context_dir, PathBuf::from("proj"));
        assert_eq!(worker.platforms, vec!["linux/amd64".to_string()]);
        assert_eq!(
            worker.build_args,
            vec![("B".into(), Some("2".into())), ("C".into(), None)]
        );
    }

    #[test]
    fn invalid_compose_is_an_issue() {
        assert!(compose_builds(Path::new("compose.yaml"), "services: [", &|_| None).is_err());
    }

    #[test]
    fn discovery_prefers_compose_builds() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("app/docker")).unwrap();
        fs::create_dir_all(root.join(".venv/lib")).unwrap();
        fs::write(root.join(".venv/pyvenv.cfg"), "home = /usr/bin\n").unwrap();
        fs::write(root.join(".venv/lib/Dockerfile"), "FROM x\n").unwrap();
        fs::create_dir_all(root.join("node_modules/x")).unwrap();
        fs::write(root.join("node_modules/x/Dockerfile"), "FROM x\n").unwrap();
        fs::write(root.join("app/docker/Dockerfile"), "FROM x\n").unwrap();
        fs::write(root.join("Dockerfile"), "FROM x\n").unwrap();
        fs::write(
            root.join("compose.yaml"),
            "services:\n  app:\n    build:\n      context: app\n      dockerfile: docker/Dockerfile\n",
        )
        .unwrap();
        let (builds, issues) = discover(&[root.to_path_buf()], &[], &|_| None);
        assert!(issues.is_empty(), "{issues:?}");
        let got: Vec<_> = builds
            .iter()
            .map(|b| {
                (
                    b.dockerfile.strip_prefix(root).unwrap().to_path_buf(),
                    b.context_dir.strip_prefix(root).unwrap().to_path_buf(),
                    matches!(b.source, BuildSource::Compose { .. }),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (PathBuf::from("Dockerfile"), PathBuf::from(""), false),
                (
                    PathBuf::from("app/docker/Dockerfile"),
                    PathBuf::from("app"),
                    true
                ),
            ]
        );
    }
}
