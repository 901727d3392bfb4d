//! Context rules over real directories built in temporary directories: the context is
//! computed by `pristine_context` exactly as for `pristine check`, and the findings are
//! snapshotted.

use std::fmt::Write as _;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use pristine_context::ContextOptions;
use pristine_linter::{ContentSource, ContextFacts, LinterSettings, check_context};

struct Fs(PathBuf);

impl ContentSource for Fs {
    fn head(&self, path: &[u8], max: usize) -> Option<Vec<u8>> {
        let mut bytes = std::fs::read(self.0.join(std::ffi::OsStr::from_bytes(path))).ok()?;
        bytes.truncate(max);
        Some(bytes)
    }

    fn stat(&self, path: &[u8]) -> Option<bool> {
        std::fs::symlink_metadata(self.0.join(std::ffi::OsStr::from_bytes(path)))
            .ok()
            .map(|m| m.is_dir())
    }

    fn list(&self, path: &[u8]) -> Option<Vec<(Vec<u8>, bool)>> {
        let entries = std::fs::read_dir(self.0.join(std::ffi::OsStr::from_bytes(path))).ok()?;
        Some(
            entries
                .map(|e| {
                    let e = e.unwrap();
                    (
                        e.file_name().as_bytes().to_vec(),
                        e.file_type().unwrap().is_dir(),
                    )
                })
                .collect(),
        )
    }
}

/// Writes `files` (path, content) under a new temporary directory.
fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, content).unwrap();
    }
    dir
}

/// A thin 64-bit Mach-O bundle header for arm64 (`MH_MAGIC_64`, `CPU_TYPE_ARM64`,
/// `MH_BUNDLE`, no load commands): what `_rust.abi3.so` starts with in a macOS wheel.
fn macho_arm64_bundle() -> Vec<u8> {
    let mut b = Vec::new();
    for word in [0xfeed_facf_u32, 0x0100_000c, 0, 8, 0, 0, 0, 0] {
        b.extend_from_slice(&word.to_le_bytes());
    }
    b
}

fn check(dir: &Path, platform: &str) -> String {
    let ctx = pristine_context::compute(&ContextOptions {
        context_dir: dir.to_path_buf(),
        dockerfile: Some(dir.join("Dockerfile")),
        measure_excluded: false,
    })
    .unwrap();
    let source = std::fs::read_to_string(dir.join("Dockerfile")).unwrap_or_default();
    let dockerfile = pristine_dockerfile::parse(&source);
    let ignore = ctx
        .ignore
        .path
        .as_ref()
        .map(|_| PathBuf::from(".dockerignore"));
    let content = Fs(ctx.root.clone());
    let facts = ContextFacts {
        context: &ctx,
        context_dir: Path::new("."),
        dockerfile_path: Path::new("Dockerfile"),
        dockerfile: Some(&dockerfile),
        target: None,
        platform,
        ignore_file: ignore.as_deref(),
        content: &content,
    };
    let mut diagnostics = check_context(&facts, &LinterSettings::default());
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let ignore_text = String::from_utf8_lossy(&ctx.ignore.bytes).into_owned();
    let mut out = String::new();
    for d in &diagnostics {
        let _ = writeln!(out, "{} [{}] {}", d.rule.code, d.severity, d.message);
        let text = if d.file == Path::new("Dockerfile") {
            &source
        } else {
            &ignore_text
        };
        match d.range {
            Some(range) => {
                let start = usize::from(range.start());
                let end = usize::from(range.end());
                let _ = writeln!(out, "  --> {} `{}`", d.file.display(), &text[start..end]);
            }
            None => {
                let _ = writeln!(out, "  --> {}", d.file.display());
            }
        }
        if let Some(subject) = &d.subject_path {
            let _ = writeln!(out, "   = path: {subject}");
        }
        if let Some(help) = &d.help {
            let _ = writeln!(out, "   = help: {help}");
        }
    }
    if out.is_empty() {
        out.push_str("(no diagnostics)\n");
    }
    out
}

/// Fails naming the first of `needles` that `out` contains (`what`: "leaked", "reported").
fn assert_absent(out: &str, needles: &[&str], what: &str) {
    for needle in needles {
        assert!(!out.contains(needle), "{needle} {what}:\n{out}");
    }
}

#[test]
fn host_venv_copied_without_dockerignore() {
    let macho = macho_arm64_bundle();
    let dir = project(&[
        (
            "Dockerfile",
            b"FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nCOPY . .\nCMD [\"python\", \"-m\", \"app\"]\n",
        ),
        ("requirements.txt", b"cryptography\n"),
        (
            ".venv/pyvenv.cfg",
            b"home = /Users/alice/.pyenv/versions/3.12.3/bin\ninclude-system-site-packages = false\nversion = 3.12.3\nuv = 0.4.20\n",
        ),
        (
            ".venv/lib/python3.12/site-packages/cryptography/hazmat/bindings/_rust.abi3.so",
            &macho,
        ),
        (
            ".venv/lib/python3.12/site-packages/cryptography/__init__.py",
            b"",
        ),
        ("src/app/__init__.py", b""),
        ("src/app/__pycache__/__init__.cpython-312.pyc", b"\x00\x01"),
        ("src/app/__pycache__/main.cpython-312.pyc", b"\x00\x01"),
        ("tests/__pycache__/test_x.cpython-312.pyc", b"\x00"),
        (".git/HEAD", b"ref: refs/heads/main\n"),
        (".mypy_cache/3.12/app.json", b"{}"),
        (".DS_Store", b"\x00\x00\x00\x01Bud1"),
        ("myapp.egg-info/PKG-INFO", b"Metadata-Version: 2.1\n"),
    ]);
    insta::assert_snapshot!(check(dir.path(), "linux/amd64"));
}

#[test]
fn secrets_are_redacted() {
    let dir = project(&[
        ("Dockerfile", b"FROM python:3.12-slim\nCOPY app/ /app/\n"),
        ("app/main.py", b"print('hi')\n"),
        (".dockerignore", b"Dockerfile\n"),
        (".env", b"DATABASE_PASSWORD=hunter2-very-secret\n"),
        (".env.example", b"DATABASE_PASSWORD=\n"),
        (".env.production", b"API_KEY=sk-live-abcdef\n"),
        (
            "app/deploy_key",
            b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA-secret-material\n-----END OPENSSH PRIVATE KEY-----\n",
        ),
        ("app/cert.pem", b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
        (
            "pip.conf",
            b"[global]\nindex-url = https://bob:hunter2-token@pypi.example.com/simple\n",
        ),
        (
            "uv.toml",
            b"[[index]]\nurl = \"https://${UV_USER}:${UV_TOKEN}@pypi.example.com/simple\"\n",
        ),
        (".netrc", b"machine pypi.example.com login bob password hunter2\n"),
        (".aws/credentials", b"[default]\naws_secret_access_key = abc123secret\n"),
        (
            "gcp-key.json",
            b"{\n  \"type\": \"service_account\",\n  \"project_id\": \"p\",\n  \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nsecretvalue\\n\"\n}\n",
        ),
        (
            ".docker/config.json",
            b"{\"auths\": {\"registry.example.com\": {\"auth\": \"Ym9iOmh1bnRlcjI=\"}}}",
        ),
    ]);
    let out = check(dir.path(), "linux/amd64");
    assert_absent(
        &out,
        &[
            "hunter2",
            "sk-live",
            "secret-material",
            "abc123secret",
            "secretvalue",
            "Ym9iOmh1bnRlcjI",
        ],
        "leaked",
    );
    insta::assert_snapshot!(out);
}

#[test]
fn ignore_file_traps() {
    let dir = project(&[
        (
            "Dockerfile",
            b"FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt README.md ./\nCOPY src/ ./src/\n",
        ),
        (
            ".dockerignore",
            b".venv  # local env\n__pycache__\n*.pyc\n!README.md\n*.md\nvenv\n*.txt\n!keep.txt\n",
        ),
        ("requirements.txt", b"flask\n"),
        ("README.md", b"# app\n"),
        ("keep.txt", b"x\n"),
        (".venv/pyvenv.cfg", b"home = /usr/bin\nversion = 3.12.1\n"),
        (".venv/bin/python", b""),
        ("src/pkg/__init__.py", b""),
        ("src/pkg/__pycache__/__init__.cpython-312.pyc", b"\x00"),
        ("src/pkg/mod.pyc", b"\x00"),
    ]);
    insta::assert_snapshot!(check(dir.path(), "linux/amd64"));
}

#[test]
fn copy_of_an_excluded_file_without_exceptions() {
    let dir = project(&[
        (
            "Dockerfile",
            b"FROM python:3.12-slim\nCOPY pyproject.toml README.md ./\nRUN pip install .\n",
        ),
        (".dockerignore", b"**/*.md\n.git\n"),
        (
            "pyproject.toml",
            b"[project]\nname = \"x\"\nreadme = \"README.md\"\n",
        ),
        ("README.md", b"# x\n"),
    ]);
    insta::assert_snapshot!(check(dir.path(), "linux/amd64"));
}

#[test]
fn only_sent_is_less_severe_and_multistage_reach() {
    let macho = macho_arm64_bundle();
    let dir = project(&[
        (
            "Dockerfile",
            b"FROM python:3.12-slim AS unused\nCOPY . /all\n\nFROM python:3.12-slim AS build\nCOPY src/ /src/\n\nFROM python:3.12-slim\nCOPY --from=build /src /app\n",
        ),
        (".dockerignore", b".git\n"),
        ("venv/pyvenv.cfg", b"home = C:\\Python312\nversion = 3.12.0\n"),
        ("venv/Lib/site-packages/x/_speedups.pyd", b"MZ\x90\x00"),
        ("venv/lib/python3.12/site-packages/y/_y.cpython-312-darwin.so", &macho),
        ("src/app.py", b""),
        ("src/__pycache__/app.cpython-312.pyc", b"\x00"),
    ]);
    insta::assert_snapshot!(check(dir.path(), "linux/amd64"));
}

#[test]
fn wildcard_copy_sources_and_excluded_matches() {
    // `requirements*.txt`: every match excluded → fails ("no source files were specified").
    // `*.cfg`: one match excluded, one sent → BuildKit copies the sent one; no finding.
    // `conf/*.ini`: nothing matches on disk at all → not this rule's business.
    let dir = project(&[
        (
            "Dockerfile",
            b"FROM python:3.12-slim\nCOPY requirements*.txt ./\nCOPY *.cfg ./\nCOPY conf/*.ini ./\nCOPY src/ ./src/\n",
        ),
        (".dockerignore", b"*.txt\nlocal.cfg\n.git\n"),
        ("requirements.txt", b"flask\n"),
        ("requirements-dev.txt", b"pytest\n"),
        ("setup.cfg", b"[metadata]\n"),
        ("local.cfg", b"x\n"),
        ("src/app.py", b""),
    ]);
    insta::assert_snapshot!(check(dir.path(), "linux/amd64"));
}

#[test]
fn root_anchored_patterns_report_only_junk_below() {
    // `__pycache__` and `.env` only match at the root while junk of those names is sent
    // below: reported. `core` and `tests` name source directories below the root (a root data
    // directory and the top-level suite were meant): not reported. `*` with `!src` excludes
    // everything at the root and re-includes `src/`: not reported.
    let dir = project(&[
        ("Dockerfile", b"FROM python:3.12-slim\nCOPY src/ ./src/\n"),
        (
            ".dockerignore",
            b"*\n!src\n__pycache__\n.env\ncore\ntests\n",
        ),
        ("src/app/__init__.py", b""),
        ("src/app/__pycache__/__init__.cpython-312.pyc", b"\x00"),
        ("src/app/.env", b"SECRET=1\n"),
        ("src/app/core/models.py", b""),
        ("src/tests/test_app.py", b""),
    ]);
    insta::assert_snapshot!(check(dir.path(), "linux/amd64"));
}

#[test]
fn deliberately_excluded_vcs_dir_and_small_contexts() {
    // `.git` is excluded with `!.git/HEAD` re-included on purpose: no vcs-metadata finding.
    let dir = project(&[
        ("Dockerfile", b"FROM python:3.12-slim\nCOPY app.py .\n"),
        (".dockerignore", b".git\n!.git/HEAD\n"),
        (".git/HEAD", b"ref: refs/heads/main\n"),
        (".git/config", b"[core]\n"),
        ("app.py", b""),
    ]);
    insta::assert_snapshot!(check(dir.path(), "linux/amd64"));
    // No `.dockerignore`, nothing to keep out and only one file copied: no missing-dockerignore.
    let dir = project(&[
        ("Dockerfile", b"FROM python:3.12-slim\nCOPY app.py .\n"),
        ("app.py", b""),
    ]);
    assert_eq!(check(dir.path(), "linux/amd64"), "(no diagnostics)\n");
    // The same with `COPY . .`: reported, whatever is added later goes into the image.
    let dir = project(&[
        ("Dockerfile", b"FROM python:3.12-slim\nCOPY . .\n"),
        ("app.py", b""),
    ]);
    assert!(check(dir.path(), "linux/amd64").contains("DI002"));
}

#[test]
fn local_files_made_from_templates_are_protective() {
    // `config/config.yml` and `config/config.env` are made from the committed examples beside
    // them: excluding them is protective, not reported. `config/secrets.yml` has no template
    // and `config/moved.yml` only a template of another name: reported.
    let dir = project(&[
        ("Dockerfile", b"FROM python:3.12-slim\nCOPY . /app\n"),
        (
            ".dockerignore",
            b"config/config.yml\nconfig/config.env\nconfig/local.toml\nconfig/secrets.yml\nconfig/moved.yml\n",
        ),
        ("config/config.example.yml", b"token: ''\n"),
        ("config/config.example.env", b"TOKEN=\n"),
        ("config/local.toml.sample", b"[x]\n"),
        ("config/moved-old.example.yml", b"a: 1\n"),
        ("app.py", b""),
    ]);
    insta::assert_snapshot!(check(dir.path(), "linux/amd64"));
}

/// Next.js, Create React App and Vite read `.env` files at build time and document the
/// defaults as committed; only their `*.local` files hold secrets. A `.env` beside any other
/// `package.json` (an Express API), an unreadable one, or a name outside the tool's set is
/// still reported.
#[test]
fn frontend_env_defaults_are_not_secrets() {
    let dir = project(&[
        ("Dockerfile", b"FROM node:20-slim\nCOPY . /app\n"),
        (
            "web/package.json",
            b"{\"name\": \"web\", \"dependencies\": {\"next\": \"15.0.0\", \"react\": \"19.0.0\"}}",
        ),
        ("web/.env", b"NEXT_PUBLIC_API_URL=https://api.example.com\n"),
        ("web/.env.production", b"NEXT_PUBLIC_SENTRY=1\n"),
        ("web/.env.local", b"STRIPE_SECRET=sk-live-1\n"),
        ("web/.env.staging", b"X=1\n"),
        (
            "ui/package.json",
            b"{\"devDependencies\": {\"vite\": \"^6.0.0\"}}",
        ),
        ("ui/.env.staging", b"VITE_API=https://staging.example.com\n"),
        ("ui/.env.production.local", b"VITE_TOKEN=secret\n"),
        (
            "cra/package.json",
            b"{\"dependencies\": {\"react-scripts\": \"5.0.1\"}}",
        ),
        ("cra/.env.development", b"REACT_APP_API=http://localhost\n"),
        (
            "api/package.json",
            b"{\"dependencies\": {\"express\": \"4.21.0\"}}",
        ),
        ("api/.env", b"DATABASE_URL=postgres://u:p@db/app\n"),
        ("broken/package.json", b"{\"dependencies\": {\"next\": "),
        ("broken/.env", b"TOKEN=1\n"),
        ("nested/app/.env", b"TOKEN=1\n"),
        (
            "nested/package.json",
            b"{\"dependencies\": {\"vite\": \"6\"}}",
        ),
    ]);
    let out = check(dir.path(), "linux/amd64");
    assert_absent(
        &out,
        &[
            "web/.env`",
            "web/.env.production",
            "ui/.env.staging",
            "cra/.env.development",
        ],
        "reported",
    );
    insta::assert_snapshot!(out);
}

/// `root-anchored-ignore-pattern` does not count a front-end's committed `.env` as junk that
/// `.env` at the root misses (its fix, `**/.env`, would break the front-end's build); an API's
/// `.env` beside a `package.json` without such a tool still is.
#[test]
fn root_anchored_env_pattern_leaves_frontend_defaults() {
    let frontend_only = project(&[
        ("Dockerfile", b"FROM node:20-slim\nCOPY . /app\n"),
        (".dockerignore", b".env\n"),
        (".env", b"SECRET=1\n"),
        (
            "ui/package.json",
            b"{\"devDependencies\": {\"vite\": \"^6.0.0\"}}",
        ),
        ("ui/.env", b"VITE_API=https://api.example.com\n"),
    ]);
    let out = check(frontend_only.path(), "linux/amd64");
    assert!(!out.contains("DI004"), "{out}");
    let with_api = project(&[
        ("Dockerfile", b"FROM node:20-slim\nCOPY . /app\n"),
        (".dockerignore", b".env\n"),
        (".env", b"SECRET=1\n"),
        (
            "ui/package.json",
            b"{\"devDependencies\": {\"vite\": \"^6.0.0\"}}",
        ),
        ("ui/.env", b"VITE_API=https://api.example.com\n"),
        (
            "api/package.json",
            b"{\"dependencies\": {\"express\": \"4\"}}",
        ),
        ("api/.env", b"DATABASE_URL=postgres://u:p@db/app\n"),
    ]);
    let out = check(with_api.path(), "linux/amd64");
    assert!(
        out.contains("DI004 [warning] line 1: `.env` only matches at the context root, so `api/.env` below it is sent"),
        "{out}"
    );
    assert!(!out.contains("ui/.env"), "{out}");
}
