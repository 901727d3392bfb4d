//! Detection: package manager, dependency files, Python version, app, port, native needs.

use std::collections::{BTreeSet, VecDeque};
use std::sync::LazyLock;

use regex::Regex;

use crate::python;
use crate::{
    App, Detection, Evidence, Framework, InitError, NativeNeed, Options, PackageManager, Snapshot,
};

/// PEP 503 normalisation.
pub(crate) fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// `name[extra,…] …` → (name, extras) of a PEP 508 requirement.
fn requirement_name(line: &str) -> Option<(String, Vec<String>)> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?").expect("valid regex")
    });
    let caps = RE.captures(line)?;
    let name = normalize(caps.get(1)?.as_str());
    let extras = caps
        .get(2)
        .map(|m| m.as_str().split(',').map(normalize).collect())
        .unwrap_or_default();
    Some((name, extras))
}

fn parse_toml(snapshot: &Snapshot, path: &str) -> Result<Option<toml::Table>, InitError> {
    let Some(text) = snapshot.content(path) else {
        return Ok(None);
    };
    text.parse::<toml::Table>()
        .map(Some)
        .map_err(|e| InitError::Invalid {
            file: path.to_owned(),
            message: e.message().to_owned(),
        })
}

fn get<'a>(table: Option<&'a toml::Table>, keys: &[&str]) -> Option<&'a toml::Value> {
    let mut value = table?.get(*keys.first()?)?;
    for key in &keys[1..] {
        value = value.get(key)?;
    }
    Some(value)
}

fn dirname(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// A requirements file and everything it includes with `-r`/`-c` (relative to the including
/// file, as pip resolves them); the names of the requirements.
fn requirements_closure(
    snapshot: &Snapshot,
    root: &str,
    warnings: &mut Vec<String>,
) -> (Vec<String>, BTreeSet<String>) {
    static INCLUDE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:-r|-c|--requirement|--constraint)(?:\s*=\s*|\s+|)(\S+)")
            .expect("valid regex")
    });
    let mut files = Vec::new();
    let mut names = BTreeSet::new();
    let mut queue = VecDeque::from([(root.to_owned(), false)]);
    while let Some((file, constraint)) = queue.pop_front() {
        if files.contains(&file) {
            continue;
        }
        let Some(text) = snapshot.content(&file) else {
            warnings.push(format!(
                "`{file}` is included by a requirements file but was not found"
            ));
            continue;
        };
        files.push(file.clone());
        for line in text.lines() {
            let line = line.split(" #").next().unwrap_or("").trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(caps) = INCLUDE.captures(line) {
                let rel = caps.get(1).map_or("", |m| m.as_str());
                let is_constraint = line.starts_with("-c") || line.starts_with("--constraint");
                queue.push_back((join(dirname(&file), rel), is_constraint));
                continue;
            }
            if line.starts_with('-') || line.starts_with('.') || line.contains("://") {
                if line.starts_with("-e") || line.starts_with('.') {
                    warnings.push(format!(
                        "`{file}` installs a local path (`{line}`), which needs the source before the dependency layer; install it after `COPY` instead"
                    ));
                }
                continue;
            }
            if !constraint && let Some((name, _)) = requirement_name(line) {
                names.insert(name);
            }
        }
    }
    (files, names)
}

fn pick_requirements(snapshot: &Snapshot) -> Option<String> {
    let preferred = [
        "requirements.txt",
        "requirements/prod.txt",
        "requirements/production.txt",
        "requirements/base.txt",
        "requirements/main.txt",
        "requirements/requirements.txt",
        "requirements-prod.txt",
        "requirements.prod.txt",
    ];
    if let Some(p) = preferred
        .iter()
        .find(|p| snapshot.contents.contains_key(**p))
    {
        return Some((*p).to_owned());
    }
    snapshot
        .contents
        .keys()
        .find(|p| {
            !p.contains('/')
                && p.starts_with("requirements")
                && p.ends_with(".txt")
                && !p.contains("dev")
                && !p.contains("test")
        })
        .cloned()
}

/// Names reachable from the root package's runtime dependencies in `uv.lock`.
fn uv_lock_names(lock: &toml::Table) -> BTreeSet<String> {
    let packages: Vec<&toml::Value> = lock
        .get("package")
        .and_then(toml::Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let name_of = |p: &toml::Value| p.get("name").and_then(toml::Value::as_str).map(normalize);
    let deps_of = |p: &toml::Value| -> Vec<String> {
        p.get("dependencies")
            .and_then(toml::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|d| d.get("name").and_then(toml::Value::as_str).map(normalize))
                    .collect()
            })
            .unwrap_or_default()
    };
    let roots: Vec<&toml::Value> = packages
        .iter()
        .copied()
        .filter(|p| {
            p.get("source")
                .is_some_and(|s| s.get("editable").is_some() || s.get("virtual").is_some())
        })
        .collect();
    let mut seen = BTreeSet::new();
    let mut queue: VecDeque<String> = roots.iter().flat_map(|p| deps_of(p)).collect();
    while let Some(name) = queue.pop_front() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(p) = packages
            .iter()
            .find(|p| name_of(p).as_deref() == Some(&name))
        {
            queue.extend(deps_of(p));
        }
    }
    seen
}

/// Names in a Poetry/PDM lock whose `groups` include `group` (all when there are no groups).
fn grouped_lock_names(lock: &toml::Table, group: &str) -> BTreeSet<String> {
    lock.get("package")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| {
            p.get("groups")
                .and_then(toml::Value::as_array)
                .is_none_or(|g| g.iter().any(|g| g.as_str() == Some(group)))
        })
        .filter_map(|p| p.get("name").and_then(toml::Value::as_str).map(normalize))
        .collect()
}

/// Wheel file names per package in a uv/Poetry/PDM lock (for "is there a wheel for us").
fn lock_files(lock: &toml::Table) -> Vec<(String, Vec<String>, bool)> {
    let mut out = Vec::new();
    for p in lock
        .get("package")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(name) = p.get("name").and_then(toml::Value::as_str) else {
            continue;
        };
        let mut wheels = Vec::new();
        let mut sdist = p.get("sdist").is_some();
        let mut push = |file: &str| {
            let file = file.rsplit('/').next().unwrap_or(file);
            let file = file.split('#').next().unwrap_or(file);
            if file.ends_with(".whl") {
                wheels.push(file.to_owned());
            } else if file.ends_with(".tar.gz") || file.ends_with(".zip") {
                sdist = true;
            }
        };
        for key in ["wheels", "files"] {
            for w in p
                .get(key)
                .and_then(toml::Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(f) = w
                    .get("url")
                    .or_else(|| w.get("file"))
                    .and_then(toml::Value::as_str)
                {
                    push(f);
                }
            }
        }
        out.push((normalize(name), wheels, sdist));
    }
    out
}

/// Whether a wheel installs on CPython `3.minor`, glibc x86_64 or aarch64 Linux.
fn wheel_fits(file: &str, minor: u32) -> bool {
    let stem = file.trim_end_matches(".whl");
    let parts: Vec<&str> = stem.rsplitn(4, '-').collect();
    let [plat, abi, py, ..] = parts.as_slice() else {
        return false;
    };
    let plat_ok = plat.split('.').any(|p| {
        p == "any"
            || (p.starts_with("manylinux") || p.starts_with("linux"))
                && (p.ends_with("x86_64") || p.ends_with("aarch64"))
    });
    let py_ok = py.split('.').any(|t| {
        t == "py3"
            || t == "py2"
            || t.strip_prefix("cp3")
                .and_then(|m| m.parse::<u32>().ok())
                .is_some_and(|m| m == minor || (*abi == "abi3" && m <= minor))
    });
    let abi_ok = abi
        .split('.')
        .any(|a| a == "none" || a == "abi3" || a == format!("cp3{minor}"));
    plat_ok && py_ok && abi_ok
}

struct KnownNative {
    names: &'static [&'static str],
    build: &'static [&'static str],
    runtime: &'static [&'static str],
    /// Always built from source on Linux (no manylinux wheel is published).
    always: bool,
}

/// Debian bookworm package names (the `python:*-slim` images' distribution).
const KNOWN_NATIVE: &[KnownNative] = &[
    KnownNative {
        names: &["psycopg2"],
        build: &["gcc", "libpq-dev"],
        runtime: &["libpq5"],
        always: true,
    },
    KnownNative {
        names: &["mysqlclient"],
        build: &["gcc", "pkg-config", "default-libmysqlclient-dev"],
        runtime: &["libmariadb3"],
        always: true,
    },
    KnownNative {
        names: &["pillow"],
        build: &["gcc", "libjpeg62-turbo-dev", "zlib1g-dev"],
        runtime: &["libjpeg62-turbo", "zlib1g"],
        always: false,
    },
    KnownNative {
        names: &["lxml"],
        build: &["gcc", "libxml2-dev", "libxslt1-dev"],
        runtime: &["libxml2", "libxslt1.1"],
        always: false,
    },
    KnownNative {
        names: &["python-ldap"],
        build: &["gcc", "libldap2-dev", "libsasl2-dev"],
        runtime: &["libldap-2.5-0", "libsasl2-2"],
        always: true,
    },
    KnownNative {
        names: &["psycopg-c"],
        build: &["gcc", "libpq-dev"],
        runtime: &["libpq5"],
        always: true,
    },
];

fn native_needs(
    dependencies: &BTreeSet<String>,
    lock: Option<(&str, &toml::Table)>,
    python: &str,
) -> Vec<NativeNeed> {
    let minor: u32 = python
        .strip_prefix("3.")
        .and_then(|m| m.parse().ok())
        .unwrap_or(12);
    let files = lock.map(|(_, l)| lock_files(l)).unwrap_or_default();
    let mut needs = Vec::new();
    for name in dependencies {
        let locked = files.iter().find(|(n, _, _)| n == name);
        let no_wheel = locked.is_some_and(|(_, wheels, sdist)| {
            *sdist && !wheels.iter().any(|w| wheel_fits(w, minor))
        });
        let lock_name = lock.map_or("the lock file", |(n, _)| n);
        if let Some(known) = KNOWN_NATIVE
            .iter()
            .find(|k| k.names.contains(&name.as_str()))
        {
            if known.always || no_wheel {
                needs.push(NativeNeed {
                    package: name.clone(),
                    build: known.build.to_vec(),
                    runtime: known.runtime.to_vec(),
                    evidence: if known.always {
                        format!("`{name}` is built from source on Linux (no manylinux wheel) and links to system libraries")
                    } else {
                        format!("{lock_name} has no wheel of `{name}` for CPython {python} on Linux")
                    },
                });
            }
        } else if no_wheel {
            needs.push(NativeNeed {
                package: name.clone(),
                build: vec!["build-essential"],
                runtime: Vec::new(),
                evidence: format!(
                    "{lock_name} has only a source distribution of `{name}` for CPython {python} on Linux"
                ),
            });
        }
    }
    needs
}

struct Found {
    app: Evidence<App>,
    /// The file the app lives in (for the port).
    file: Option<String>,
}

fn module_of(path: &str) -> (String, Option<String>) {
    let (path, src) = match path.strip_prefix("src/") {
        Some(rest) => (rest, Some("src".to_owned())),
        None => (path, None),
    };
    let module = path
        .trim_end_matches(".py")
        .trim_end_matches("/__init__")
        .replace('/', ".");
    (module, src)
}

fn python_files(snapshot: &Snapshot) -> Vec<(&str, &str)> {
    let mut files: Vec<(&str, &str)> = snapshot
        .contents
        .iter()
        .filter(|(p, _)| p.ends_with(".py"))
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    // Shallow files and the usual names first.
    files.sort_by_key(|(p, _)| {
        let name = p.rsplit('/').next().unwrap_or(p);
        let usual = matches!(
            name,
            "main.py" | "app.py" | "__init__.py" | "asgi.py" | "wsgi.py" | "server.py" | "api.py"
        );
        (p.matches('/').count(), !usual, p.to_string())
    });
    files
}

fn detect_django(snapshot: &Snapshot, deps: &BTreeSet<String>) -> Option<Found> {
    static SETTINGS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']"#).expect("valid regex")
    });
    let manage = snapshot.content("manage.py")?;
    let settings = SETTINGS.captures(manage)?.get(1)?.as_str().to_owned();
    let package = settings.split('.').next()?.to_owned();
    let has = |module: &str| snapshot.has(&format!("{package}/{module}.py"));
    let asgi_server = deps.contains("uvicorn") && !deps.contains("gunicorn");
    let (module, kind) = if has("asgi") && asgi_server {
        ("asgi", "ASGI")
    } else if has("wsgi") {
        ("wsgi", "WSGI")
    } else if has("asgi") {
        ("asgi", "ASGI")
    } else {
        return None;
    };
    let target = format!("{package}.{module}:application");
    let evidence = format!(
        "manage.py sets DJANGO_SETTINGS_MODULE=`{settings}`; {kind} module `{package}/{module}.py`"
    );
    let app = if module == "asgi" {
        App::Asgi {
            framework: Framework::Django,
            target,
        }
    } else {
        App::Wsgi {
            framework: Framework::Django,
            target,
        }
    };
    Some(Found {
        app: Evidence::new(app, evidence),
        file: Some("manage.py".to_owned()),
    })
}

fn detect_objects(snapshot: &Snapshot) -> Option<Found> {
    static ASGI: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)^([A-Za-z_]\w*)\s*(?::[^=\n]+)?=\s*(FastAPI|Starlette)\(")
            .expect("valid regex")
    });
    static FLASK: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)^([A-Za-z_]\w*)\s*(?::[^=\n]+)?=\s*Flask\(").expect("valid regex")
    });
    static FACTORY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)^def (create_app|make_app|app_factory)\(\s*\)").expect("valid regex")
    });
    let files = python_files(snapshot);
    for (path, text) in &files {
        if let Some(caps) = ASGI.captures(text) {
            let attr = caps.get(1).map_or("app", |m| m.as_str());
            let class = caps.get(2).map_or("FastAPI", |m| m.as_str());
            let framework = if class == "FastAPI" {
                Framework::FastApi
            } else {
                Framework::Starlette
            };
            let (module, _) = module_of(path);
            return Some(Found {
                app: Evidence::new(
                    App::Asgi {
                        framework,
                        target: format!("{module}:{attr}"),
                    },
                    format!("{path}: `{attr} = {class}(…)`"),
                ),
                file: Some((*path).to_owned()),
            });
        }
    }
    for (path, text) in &files {
        let (module, _) = module_of(path);
        if let Some(caps) = FLASK.captures(text) {
            let attr = caps.get(1).map_or("app", |m| m.as_str());
            return Some(Found {
                app: Evidence::new(
                    App::Wsgi {
                        framework: Framework::Flask,
                        target: format!("{module}:{attr}"),
                    },
                    format!("{path}: `{attr} = Flask(…)`"),
                ),
                file: Some((*path).to_owned()),
            });
        }
        if text.contains("Flask(")
            && let Some(caps) = FACTORY.captures(text)
        {
            let factory = caps.get(1).map_or("create_app", |m| m.as_str());
            return Some(Found {
                app: Evidence::new(
                    App::Wsgi {
                        framework: Framework::Flask,
                        target: format!("{module}:{factory}()"),
                    },
                    format!("{path}: application factory `{factory}()`"),
                ),
                file: Some((*path).to_owned()),
            });
        }
    }
    for (path, text) in &files {
        if IMPORTS_STREAMLIT.is_match(text) {
            return Some(Found {
                app: Evidence::new(
                    App::Streamlit {
                        script: (*path).to_owned(),
                    },
                    format!("{path} imports streamlit"),
                ),
                file: Some((*path).to_owned()),
            });
        }
    }
    None
}

/// An import statement at the start of a line: `import streamlit` (`as st`, `, x`) or
/// `from streamlit… import`, not the words inside a string (`"hello from streamlit-app"`).
static IMPORTS_STREAMLIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^[ \t]*(?:import[ \t]+streamlit\b|from[ \t]+streamlit(?:\.[\w.]+)?[ \t]+import\b)",
    )
    .expect("valid regex")
});

fn console_script(pyproject: Option<&toml::Table>) -> Option<Evidence<App>> {
    for (keys, label) in [
        (&["project", "scripts"][..], "[project.scripts]"),
        (&["tool", "poetry", "scripts"][..], "[tool.poetry.scripts]"),
    ] {
        if let Some(table) = get(pyproject, keys).and_then(toml::Value::as_table)
            && let Some((name, target)) = table.iter().next()
        {
            let target = target.as_str().unwrap_or("");
            return Some(Evidence::new(
                App::ConsoleScript { name: name.clone() },
                format!("pyproject.toml {label}: `{name} = \"{target}\"`"),
            ));
        }
    }
    None
}

static PORT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\.run\([^)]*\bport\s*=\s*(\d{2,5})").expect("valid regex"));

fn detect_port(
    snapshot: &Snapshot,
    compose: Option<&str>,
    app_file: Option<&str>,
) -> Option<Evidence<u16>> {
    if let Some(compose) = compose
        && let Some(port) = compose_port(snapshot, compose)
    {
        return Some(port);
    }
    let mut files: Vec<(&str, &str)> = python_files(snapshot);
    if let Some(app_file) = app_file {
        files.sort_by_key(|(p, _)| *p != app_file);
    }
    for (path, text) in files {
        if let Some(port) = PORT
            .captures(text)
            .and_then(|c| c.get(1))
            .and_then(|m| m.as_str().parse::<u16>().ok())
        {
            return Some(Evidence::new(
                port,
                format!("{path}: `.run(…, port={port})`"),
            ));
        }
    }
    None
}

fn compose_port(snapshot: &Snapshot, compose: &str) -> Option<Evidence<u16>> {
    let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(snapshot.content(compose)?).ok()?;
    let services = doc.get("services")?.as_mapping()?;
    // The services built from this directory first.
    let mut services: Vec<_> = services.iter().collect();
    services.sort_by_key(|(_, s)| s.get("build").is_none());
    for (name, service) in services {
        let name = name.as_str().unwrap_or("?");
        for port in service
            .get("ports")
            .and_then(serde_yaml_ng::Value::as_sequence)
            .into_iter()
            .flatten()
        {
            let container = match port {
                serde_yaml_ng::Value::Number(n) => n.as_u64().map(|n| n.to_string()),
                serde_yaml_ng::Value::String(s) => s
                    .split('/')
                    .next()
                    .and_then(|s| s.rsplit(':').next())
                    .map(str::to_owned),
                serde_yaml_ng::Value::Mapping(_) => port
                    .get("target")
                    .and_then(serde_yaml_ng::Value::as_u64)
                    .map(|n| n.to_string()),
                _ => None,
            };
            if let Some(port) = container.and_then(|c| c.parse::<u16>().ok()) {
                return Some(Evidence::new(
                    port,
                    format!("{compose}: service `{name}` publishes container port {port}"),
                ));
            }
        }
    }
    None
}

/// Splits a command line (`"` and `'` quoting) or a JSON array.
pub(crate) fn split_command(text: &str) -> Result<Vec<String>, InitError> {
    let text = text.trim();
    if text.starts_with('[') {
        return serde_json::from_str::<Vec<String>>(text)
            .map_err(|e| InitError::Entrypoint(format!("not a JSON array of strings: {e}")));
    }
    let mut argv = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut started = false;
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started {
                    argv.push(std::mem::take(&mut current));
                    started = false;
                }
            }
            (None, c) => {
                current.push(c);
                started = true;
            }
        }
    }
    if quote.is_some() {
        return Err(InitError::Entrypoint("unterminated quote".to_owned()));
    }
    if started {
        argv.push(current);
    }
    if argv.is_empty() {
        return Err(InitError::Entrypoint("empty command".to_owned()));
    }
    Ok(argv)
}

fn strs(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[allow(clippy::too_many_lines)]
pub fn detect(snapshot: &Snapshot, options: &Options) -> Result<Detection, InitError> {
    let mut warnings = Vec::new();
    let pyproject = parse_toml(snapshot, "pyproject.toml")?;
    let pyproject = pyproject.as_ref();
    let pipfile = parse_toml(snapshot, "Pipfile")?;
    let has = |p: &str| snapshot.has(p);
    let requirements = pick_requirements(snapshot);
    let has_py = snapshot.paths.iter().any(|p| p.ends_with(".py"));
    let poetry_table = get(pyproject, &["tool", "poetry"]).is_some();
    let project_deps = get(pyproject, &["project", "dependencies"]).is_some();
    let conda_file = ["environment.yml", "environment.yaml"]
        .into_iter()
        .find(|p| has(p));

    // Package manager: the lock file decides; a manifest without a lock comes next.
    let detected = if has("uv.lock") {
        Evidence::new(PackageManager::Uv, "uv.lock")
    } else if has("poetry.lock") {
        Evidence::new(PackageManager::Poetry, "poetry.lock")
    } else if has("pdm.lock") {
        Evidence::new(PackageManager::Pdm, "pdm.lock")
    } else if has("Pipfile.lock") {
        Evidence::new(PackageManager::Pipenv, "Pipfile.lock")
    } else if has("Pipfile") {
        Evidence::new(PackageManager::Pipenv, "Pipfile (no Pipfile.lock)")
    } else if let Some(r) = &requirements {
        Evidence::new(PackageManager::Pip, r.clone())
    } else if poetry_table && !project_deps {
        Evidence::new(
            PackageManager::Poetry,
            "pyproject.toml [tool.poetry] (no poetry.lock)",
        )
    } else if project_deps || get(pyproject, &["project"]).is_some() {
        Evidence::new(
            PackageManager::PipPyproject,
            "pyproject.toml [project] without a lock file",
        )
    } else if let Some(f) = conda_file {
        Evidence::new(PackageManager::Conda, f)
    } else if has_py {
        Evidence::new(
            PackageManager::Pip,
            "only Python files, no dependency manifest",
        )
    } else {
        return Err(InitError::NotAProject);
    };
    let package_manager = match options.package_manager {
        Some(pm) => Evidence::new(
            pm,
            format!("--package-manager (detected: {})", detected.value),
        ),
        None => detected,
    };
    let pm = package_manager.value;

    // Dependency files and names.
    let mut dependencies = BTreeSet::new();
    let mut dependency_files = Vec::new();
    let mut requirements_file = None;
    let mut lock: Option<(&str, toml::Table)> = None;
    let declared = |deps: &mut BTreeSet<String>| {
        for d in get(pyproject, &["project", "dependencies"])
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(toml::Value::as_str)
        {
            if let Some((name, extras)) = requirement_name(d) {
                if name == "fastapi" && extras.iter().any(|e| e == "standard") {
                    deps.insert("uvicorn".to_owned());
                }
                deps.insert(name);
            }
        }
    };
    match pm {
        PackageManager::Pip => {
            if let Some(r) = &requirements {
                let (files, names) = requirements_closure(snapshot, r, &mut warnings);
                dependency_files = files;
                dependencies = names;
                requirements_file = Some(r.clone());
            }
        }
        PackageManager::PipPyproject => {
            dependency_files.push("pyproject.toml".to_owned());
            declared(&mut dependencies);
            warnings.push(
                "no lock file: every build resolves the newest allowed versions; lock them (uv lock, pip-compile, poetry lock, pdm lock)".to_owned(),
            );
        }
        PackageManager::Uv => {
            dependency_files = strs(&["pyproject.toml", "uv.lock"]);
            declared(&mut dependencies);
            if let Some(l) = parse_toml(snapshot, "uv.lock")? {
                dependencies.extend(uv_lock_names(&l));
                lock = Some(("uv.lock", l));
            }
            if get(pyproject, &["tool", "uv", "workspace"]).is_some() {
                warnings.push("uv workspace: members are not mounted in the dependency step; see uv's Docker guide (`--no-install-workspace`)".to_owned());
            }
        }
        PackageManager::Poetry => {
            dependency_files = strs(&["pyproject.toml", "poetry.lock"]);
            declared(&mut dependencies);
            for (name, _) in get(pyproject, &["tool", "poetry", "dependencies"])
                .and_then(toml::Value::as_table)
                .into_iter()
                .flatten()
            {
                if name != "python" {
                    dependencies.insert(normalize(name));
                }
            }
            if let Some(l) = parse_toml(snapshot, "poetry.lock")? {
                dependencies.extend(grouped_lock_names(&l, "main"));
                lock = Some(("poetry.lock", l));
            } else {
                warnings.push(
                    "no poetry.lock: run `poetry lock` before building (the Dockerfile copies it)"
                        .to_owned(),
                );
            }
        }
        PackageManager::Pdm => {
            dependency_files = strs(&["pyproject.toml", "pdm.lock"]);
            declared(&mut dependencies);
            if let Some(l) = parse_toml(snapshot, "pdm.lock")? {
                dependencies.extend(grouped_lock_names(&l, "default"));
                lock = Some(("pdm.lock", l));
            }
        }
        PackageManager::Pipenv => {
            dependency_files = strs(&["Pipfile", "Pipfile.lock"]);
            for (name, _) in get(pipfile.as_ref(), &["packages"])
                .and_then(toml::Value::as_table)
                .into_iter()
                .flatten()
            {
                dependencies.insert(normalize(name));
            }
            if let Some(text) = snapshot.content("Pipfile.lock") {
                let json: serde_json::Value =
                    serde_json::from_str(text).map_err(|e| InitError::Invalid {
                        file: "Pipfile.lock".to_owned(),
                        message: e.to_string(),
                    })?;
                if let Some(default) = json.get("default").and_then(|d| d.as_object()) {
                    dependencies.extend(default.keys().map(|k| normalize(k)));
                }
            } else {
                warnings.push("no Pipfile.lock: run `pipenv lock` before building (`pipenv install --deploy` needs it)".to_owned());
            }
        }
        PackageManager::Conda => {
            if let Some(f) = conda_file {
                dependency_files.push(f.to_owned());
            }
        }
    }

    // Python version.
    let from_tag = options.base_image.as_deref().and_then(|image| {
        let tag = image.rsplit_once(':').map(|(_, t)| t)?;
        python::minor_of(tag.split('-').next()?)
    });
    let mut candidates: Vec<Evidence<String>> = Vec::new();
    if let Some(p) = &options.python {
        let minor = python::minor_of(p).ok_or_else(|| InitError::Python(p.clone()))?;
        candidates.push(Evidence::new(minor, "--python"));
    }
    if let Some(m) = snapshot
        .content(".python-version")
        .and_then(|t| t.lines().next())
        .and_then(python::minor_of)
    {
        candidates.push(Evidence::new(m, ".python-version"));
    }
    if let Some(m) = snapshot.content("runtime.txt").and_then(python::minor_of) {
        candidates.push(Evidence::new(m, "runtime.txt"));
    }
    if let Some(v) = get(pipfile.as_ref(), &["requires", "python_version"])
        .or_else(|| get(pipfile.as_ref(), &["requires", "python_full_version"]))
        .and_then(toml::Value::as_str)
        .and_then(python::minor_of)
    {
        candidates.push(Evidence::new(v, "Pipfile [requires]"));
    }
    if let Some(tag) = &from_tag {
        candidates.push(Evidence::new(tag.clone(), "the --base-image tag"));
    }
    let mut constraints: Vec<(String, &str)> = Vec::new();
    if let Some(spec) =
        get(pyproject, &["project", "requires-python"]).and_then(toml::Value::as_str)
    {
        constraints.push((spec.to_owned(), "pyproject.toml requires-python"));
    }
    if let Some(spec) =
        get(pyproject, &["tool", "poetry", "dependencies", "python"]).and_then(toml::Value::as_str)
    {
        constraints.push((
            spec.to_owned(),
            "pyproject.toml [tool.poetry.dependencies] python",
        ));
    }
    let python = if let Some(first) = candidates.first() {
        first.clone()
    } else if let Some((spec, label)) = constraints.first() {
        if let Some(m) = python::pick(spec) {
            Evidence::new(m, format!("{label} `{spec}`"))
        } else {
            warnings.push(format!(
                "{label} `{spec}` allows no CPython 3.8–3.14; using {}",
                python::default_minor()
            ));
            Evidence::new(python::default_minor(), "default")
        }
    } else if let Some(v) = snapshot.content(conda_file.unwrap_or("")).and_then(|t| {
        static CONDA_PY: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?m)^\s*-\s*python\s*=+\s*(3\.\d+)").expect("valid regex")
        });
        CONDA_PY
            .captures(t)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().to_owned())
    }) {
        Evidence::new(v, conda_file.unwrap_or("environment.yml"))
    } else {
        Evidence::new(
            python::default_minor(),
            "default (no version pinned by the project)",
        )
    };
    for (spec, label) in &constraints {
        if python::minor_allowed(spec, &python.value) == Some(false) {
            warnings.push(format!(
                "Python {} (from {}) does not satisfy {label} `{spec}`",
                python.value, python.evidence
            ));
        }
    }
    for c in &candidates {
        if c.value != python.value {
            warnings.push(format!(
                "{} says Python {} but the image uses {} (from {})",
                c.evidence, c.value, python.value, python.evidence
            ));
        }
    }

    // The app.
    let compose = [
        "compose.yaml",
        "compose.yml",
        "docker-compose.yaml",
        "docker-compose.yml",
    ]
    .into_iter()
    .find(|p| has(p))
    .map(str::to_owned);
    let found = if let Some(entry) = &options.entrypoint {
        let argv = split_command(entry)?;
        Found {
            app: Evidence::new(App::Command { argv }, "--entrypoint"),
            file: None,
        }
    } else if let Some(f) =
        detect_django(snapshot, &dependencies).or_else(|| detect_objects(snapshot))
    {
        f
    } else if let Some(app) = console_script(pyproject) {
        Found { app, file: None }
    } else if let Some(script) = ["main.py", "app.py", "__main__.py", "run.py", "server.py"]
        .into_iter()
        .find(|p| has(p))
    {
        Found {
            app: Evidence::new(
                App::Script {
                    path: script.to_owned(),
                },
                format!("{script} at the project root"),
            ),
            file: Some(script.to_owned()),
        }
    } else {
        warnings.push("no app found (no FastAPI/Starlette/Flask/Django app, Streamlit script, console script or main.py): the image runs `python`; pass --entrypoint".to_owned());
        Found {
            app: Evidence::new(
                App::Command {
                    argv: strs(&["python"]),
                },
                "nothing to run was found",
            ),
            file: None,
        }
    };
    let app = found.app;

    let port = match options.port {
        Some(p) => Some(Evidence::new(p, "--port")),
        None if app.value.is_web() => Some(
            detect_port(snapshot, compose.as_deref(), found.file.as_deref()).unwrap_or_else(|| {
                if matches!(app.value, App::Streamlit { .. }) {
                    Evidence::new(8501, "Streamlit's default port")
                } else {
                    Evidence::new(8000, "default of gunicorn and uvicorn examples")
                }
            }),
        ),
        None => None,
    };
    let port_text = port.as_ref().map_or(8000, |p| p.value).to_string();
    let bind = format!("0.0.0.0:{port_text}");

    let has_dep = |name: &str| dependencies.contains(name);
    let command = match &app.value {
        App::Asgi { target, .. } => {
            if has_dep("gunicorn") && (has_dep("uvicorn-worker") || has_dep("uvicorn")) {
                let worker = if has_dep("uvicorn-worker") {
                    "uvicorn_worker.UvicornWorker"
                } else {
                    "uvicorn.workers.UvicornWorker"
                };
                Evidence::new(
                    vec![
                        "gunicorn".to_owned(),
                        target.clone(),
                        "--worker-class".to_owned(),
                        worker.to_owned(),
                        "--bind".to_owned(),
                        bind,
                    ],
                    format!(
                        "gunicorn and {} are dependencies: gunicorn manages uvicorn workers",
                        if has_dep("uvicorn-worker") {
                            "uvicorn-worker"
                        } else {
                            "uvicorn"
                        }
                    ),
                )
            } else {
                if !has_dep("uvicorn") {
                    warnings.push("uvicorn is not among the dependencies: add it (or `fastapi[standard]`), the image starts the app with it".to_owned());
                }
                Evidence::new(
                    vec![
                        "uvicorn".to_owned(),
                        target.clone(),
                        "--host".to_owned(),
                        "0.0.0.0".to_owned(),
                        "--port".to_owned(),
                        port_text.clone(),
                    ],
                    "an ASGI app: uvicorn, listening on all interfaces (the container's network namespace)",
                )
            }
        }
        App::Wsgi { target, .. } => {
            if !has_dep("gunicorn") {
                warnings.push("gunicorn is not among the dependencies: add it, the image serves the app with it (not the development server)".to_owned());
            }
            Evidence::new(
                vec![
                    "gunicorn".to_owned(),
                    target.clone(),
                    "--bind".to_owned(),
                    bind,
                ],
                "a WSGI app: gunicorn, a production server, listening on all interfaces",
            )
        }
        App::Streamlit { script } => Evidence::new(
            vec![
                "streamlit".to_owned(),
                "run".to_owned(),
                script.clone(),
                "--server.address=0.0.0.0".to_owned(),
                format!("--server.port={port_text}"),
                "--server.headless=true".to_owned(),
            ],
            "a Streamlit script",
        ),
        App::ConsoleScript { name } => Evidence::new(
            vec![name.clone()],
            "the console script, installed with the project",
        ),
        App::Script { path } => Evidence::new(
            strs(&["python", path]),
            "the script, run by the venv's python",
        ),
        App::Command { argv } => Evidence::new(argv.clone(), app.evidence.clone()),
    };

    let python_path = match &app.value {
        App::Asgi { target, .. } | App::Wsgi { target, .. } => {
            let module = target.split(':').next().unwrap_or("");
            let file_in_src = found.file.as_deref().is_some_and(|f| f.starts_with("src/"));
            (file_in_src && !module.is_empty()).then(|| {
                Evidence::new(
                    "/app/src".to_owned(),
                    format!("`{module}` lives under src/ and the image runs it from the source"),
                )
            })
        }
        _ => None,
    };
    let install_project = match &app.value {
        App::ConsoleScript { name } => Some(Evidence::new(
            true,
            format!("the console script `{name}` exists only once the project is installed"),
        )),
        _ => None,
    };
    if install_project.is_some()
        && pm != PackageManager::Pip
        && get(pyproject, &["build-system"]).is_none()
        && !poetry_table
    {
        warnings.push("the project is installed for its console script but pyproject.toml has no [build-system]".to_owned());
    }

    let native = native_needs(
        &dependencies,
        lock.as_ref().map(|(n, l)| (*n, l)),
        &python.value,
    );

    Ok(Detection {
        package_manager,
        dependency_files,
        requirements: requirements_file,
        python,
        app,
        port,
        command,
        install_project,
        python_path,
        native,
        compose,
        dependencies,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wheels() {
        assert!(wheel_fits("flask-3.1.3-py3-none-any.whl", 11));
        assert!(wheel_fits(
            "pydantic_core-2.33.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            11
        ));
        assert!(!wheel_fits(
            "pydantic_core-2.33.2-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            11
        ));
        assert!(wheel_fits(
            "cryptography-45.0.0-cp37-abi3-manylinux_2_28_x86_64.whl",
            11
        ));
        assert!(!wheel_fits("x-1.0-cp311-cp311-win_amd64.whl", 11));
        assert!(!wheel_fits(
            "x-1.0-cp311-cp311-musllinux_1_2_x86_64.whl",
            11
        ));
    }

    #[test]
    fn streamlit_imports() {
        for yes in [
            "import streamlit as st\n",
            "import os\n    import streamlit\n",
            "from streamlit import title\n",
            "from streamlit.runtime import exists\n",
        ] {
            assert!(IMPORTS_STREAMLIT.is_match(yes), "{yes:?}");
        }
        for no in [
            "MESSAGE = \"hello from streamlit-hello\"\n",
            "# we import streamlit_extras elsewhere\n",
            "import streamlit_extras\n",
            "from streamlitx import y\n",
        ] {
            assert!(!IMPORTS_STREAMLIT.is_match(no), "{no:?}");
        }
    }

    #[test]
    fn commands() {
        assert_eq!(
            split_command(r#"gunicorn "app:create_app()" -b 0.0.0.0:80"#).unwrap(),
            ["gunicorn", "app:create_app()", "-b", "0.0.0.0:80"]
        );
        assert_eq!(split_command(r#"["a", "b c"]"#).unwrap(), ["a", "b c"]);
        assert!(split_command("'x").is_err());
        assert_eq!(normalize("Django_Extensions"), "django-extensions");
        assert_eq!(join("requirements", "../base.txt"), "base.txt");
    }
}
