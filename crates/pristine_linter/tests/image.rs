//! The image rules (`pristine image`) on images the tests build in memory with
//! `pristine_image::testing` (tar layers, a `docker save` archive, a config with history): each
//! test lints one image with one rule enabled, asserts which paths fire, and snapshots the
//! rendered diagnostics as `snapshots/image__<CODE>.snap`. Every test has firing and non-firing
//! cases side by side, as the Dockerfile fixtures do.

use std::fmt::Write as _;
use std::path::Path;

use pristine_diagnostics::Diagnostic;
use pristine_image::testing::{
    ElfSpec, Member, config, dir, docker_archive, elf_shared_object, exe, file, json, serde_json,
    symlink, tar,
};
use pristine_image::{Options, open_stream};
use pristine_linter::{LinterSettings, Rule, RuleSet, check_image};

const X86_64: u16 = 62;
const AARCH64: u16 = 183;
const SITE: &str = "app/.venv/lib/python3.11/site-packages";

/// A Debian bookworm `python:3.11-slim`: merged `/usr` (`/lib` → `usr/lib`), glibc 2.36,
/// Python 3.11 in `/usr/local/bin`, Debian's own Python 3.9 in `/usr/bin`, `libxml2`.
fn base_layer() -> Vec<u8> {
    let libc = elf_shared_object(&ElfSpec {
        machine: X86_64,
        ..ElfSpec::default()
    });
    let mut libc = libc;
    libc.extend_from_slice(
        b"GNU C Library (Debian GLIBC 2.36-9+deb12u7) stable release version 2.36.\n",
    );
    tar(&[
        file(
            "etc/os-release",
            b"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n",
        ),
        symlink("lib", "usr/lib"),
        symlink("lib64", "usr/lib64"),
        dir("usr/lib/x86_64-linux-gnu/"),
        file("usr/lib/x86_64-linux-gnu/libc.so.6", &libc),
        file(
            "usr/lib/x86_64-linux-gnu/libxml2.so.2",
            &elf_shared_object(&ElfSpec {
                machine: X86_64,
                needed: &["libc.so.6"],
                ..ElfSpec::default()
            }),
        ),
        exe("usr/local/bin/python3.11", b"\x7fELF-not-really"),
        symlink("usr/local/bin/python3", "python3.11"),
        symlink("usr/local/bin/python", "python3"),
        exe("usr/bin/python3.9", b"\x7fELF-not-really"),
        dir("usr/local/lib/python3.11/site-packages/"),
        dir("usr/local/lib/python3.11/__pycache__/"),
        file(
            "usr/local/lib/python3.11/__pycache__/os.cpython-311.pyc",
            &[0u8; 4000],
        ),
    ])
}

/// A `docker save` archive of the base layer then `layers` (each with the instruction that
/// made it), and `run` as the config's `config` object (default: `CMD ["python3"]`).
fn image(layers: &[(&str, Vec<u8>)], run: Option<serde_json::Value>) -> Vec<u8> {
    let mut history = vec!["/bin/sh -c #(nop) ADD file:bookworm-rootfs in / "];
    history.extend(layers.iter().map(|(instruction, _)| *instruction));
    let mut blobs = vec![base_layer()];
    blobs.extend(layers.iter().map(|(_, layer)| layer.clone()));
    let extra = match run {
        Some(run) => json!({ "config": run }),
        None => json!({}),
    };
    docker_archive(&blobs, &config(&history, &extra))
}

/// Lints `archive` with only `code` enabled: the diagnostics, and their rendering.
fn lint(code: &str, archive: &[u8]) -> (Vec<Diagnostic>, String) {
    let image = open_stream("image.tar", archive, &Options::default())
        .unwrap_or_else(|e| panic!("the test image does not read: {e}"));
    let rule = Rule::from_code_or_name(code).unwrap();
    let settings = LinterSettings {
        rules: RuleSet::from_iter([rule]),
        ..LinterSettings::default()
    };
    let diagnostics = check_image(&image, Path::new("image.tar"), &settings);
    assert!(
        diagnostics.iter().all(|d| d.rule.code == code),
        "{code}: a rule reported another rule's code"
    );
    let rendered = render(&diagnostics);
    (diagnostics, rendered)
}

fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let _ = writeln!(out, "{} [{}] {}", d.rule.code, d.severity, d.message);
        let _ = writeln!(out, "  --> {}", d.file.display());
        if let Some(subject) = &d.subject_path {
            let _ = writeln!(out, "   = path: {subject}");
        }
        out.push('\n');
    }
    if out.is_empty() {
        out.push_str("(no diagnostics)\n");
    }
    out
}

/// The subject paths that fired.
fn fired(diagnostics: &[Diagnostic]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d.subject_path.as_deref().unwrap_or("-"))
        .collect()
}

fn so(needed: &[&str]) -> Vec<u8> {
    elf_shared_object(&ElfSpec {
        machine: X86_64,
        needed,
        ..ElfSpec::default()
    })
}

fn site(path: &str, body: &[u8]) -> Member {
    file(&format!("{SITE}/{path}"), body)
}

fn filler(name: &str, bytes: usize) -> Member {
    file(name, &vec![b'x'; bytes])
}

#[test]
fn im002_missing_shared_library() {
    let copy = tar(&[
        // Fires: built against libpq in a builder stage, libpq5 not installed here.
        site(
            "psycopg2/_psycopg.cpython-311-x86_64-linux-gnu.so",
            &so(&["libpq.so.5", "libc.so.6"]),
        ),
        // Not: auditwheel's bundled library, found through RUNPATH `$ORIGIN`.
        site(
            "numpy/core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so",
            &elf_shared_object(&ElfSpec {
                machine: X86_64,
                needed: &["libopenblas64_p-r0-0cf96a72.3.23.so", "libc.so.6"],
                runpath: Some("$ORIGIN/../../numpy.libs"),
                ..ElfSpec::default()
            }),
        ),
        site(
            "numpy.libs/libopenblas64_p-r0-0cf96a72.3.23.so",
            &so(&["libc.so.6"]),
        ),
        // Not: a system library in the default directories (`/lib` is a symlink to `usr/lib`).
        site(
            "lxml/etree.cpython-311-x86_64-linux-gnu.so",
            &so(&["libxml2.so.2", "libc.so.6"]),
        ),
        // Not: a directory named by /etc/ld.so.conf.d.
        site(
            "oracledb/thick_impl.cpython-311-x86_64-linux-gnu.so",
            &so(&["libclntsh.so.21.1"]),
        ),
        file(
            "opt/oracle/instantclient/libclntsh.so.21.1",
            &so(&["libc.so.6"]),
        ),
        file(
            "etc/ld.so.conf.d/oracle-instantclient.conf",
            b"# Oracle\n/opt/oracle/instantclient\n",
        ),
        // Fires: DT_RPATH is ignored when DT_RUNPATH is present (ld.so(8)), so the library
        // beside it is not found.
        site(
            "legacy/_old.cpython-311-x86_64-linux-gnu.so",
            &elf_shared_object(&ElfSpec {
                machine: X86_64,
                needed: &["libold.so.1"],
                rpath: Some("$ORIGIN/../legacy.libs"),
                runpath: Some("/nonexistent/lib"),
                ..ElfSpec::default()
            }),
        ),
        site("legacy.libs/libold.so.1", &so(&["libc.so.6"])),
        // Not IM002's: an aarch64 module never gets to load its libraries (IM001).
        site(
            "markupsafe/_speedups.cpython-311-aarch64-linux-gnu.so",
            &elf_shared_object(&ElfSpec {
                machine: AARCH64,
                needed: &["libmissing.so.1"],
                ..ElfSpec::default()
            }),
        ),
    ]);
    let (diagnostics, rendered) = lint(
        "IM002",
        &image(
            &[("COPY --from=builder /venv /app/.venv # buildkit", copy)],
            None,
        ),
    );
    assert_eq!(
        fired(&diagnostics),
        [
            format!("/{SITE}/legacy/_old.cpython-311-x86_64-linux-gnu.so"),
            format!("/{SITE}/psycopg2/_psycopg.cpython-311-x86_64-linux-gnu.so"),
        ]
    );
    insta::assert_snapshot!("IM002", rendered);
}

#[test]
fn im002_musl_image_uses_musl_paths_and_message() {
    // An Alpine image: musl's loader looks in /lib, /usr/local/lib, /usr/lib and the
    // `/etc/ld-musl-<arch>.path` file.
    let base = tar(&[
        file(
            "etc/os-release",
            b"PRETTY_NAME=\"Alpine Linux v3.20\"\nID=alpine\n",
        ),
        file("lib/ld-musl-x86_64.so.1", b"\x7fELF-not-really"),
        symlink("lib/libc.musl-x86_64.so.1", "ld-musl-x86_64.so.1"),
        exe("usr/local/bin/python3.11", b"\x7fELF-not-really"),
        file(
            "etc/ld-musl-x86_64.path",
            b"/lib:/usr/local/lib:/usr/lib:/opt/extra/lib\n",
        ),
        file(
            "opt/extra/lib/libyaml-0.so.2",
            &so(&["libc.musl-x86_64.so.1"]),
        ),
    ]);
    let musl_so = |needed: &[&str]| {
        elf_shared_object(&ElfSpec {
            machine: X86_64,
            needed,
            ..ElfSpec::default()
        })
    };
    let layer = tar(&[
        site(
            "psycopg2/_psycopg.cpython-311-x86_64-linux-musl.so",
            &musl_so(&["libpq.so.5", "libc.musl-x86_64.so.1"]),
        ),
        site(
            "yaml/_yaml.cpython-311-x86_64-linux-musl.so",
            &musl_so(&["libyaml-0.so.2", "libc.musl-x86_64.so.1"]),
        ),
    ]);
    let archive = docker_archive(
        &[base, layer],
        &config(
            &["ADD alpine-minirootfs.tar.gz /", "COPY . . # buildkit"],
            &json!({}),
        ),
    );
    let (diagnostics, rendered) = lint("IM002", &archive);
    assert_eq!(
        fired(&diagnostics),
        [format!(
            "/{SITE}/psycopg2/_psycopg.cpython-311-x86_64-linux-musl.so"
        )]
    );
    assert!(
        rendered.contains("Error loading shared library libpq.so.5: No such file or directory"),
        "{rendered}"
    );
    insta::assert_snapshot!("IM002_musl", rendered);
}

#[test]
fn im005_venv_python_mismatch() {
    let layer = tar(&[
        // Fires: made by 3.12 in a builder; /usr/local/bin/python here is 3.11.
        file(
            "app/.venv/pyvenv.cfg",
            b"home = /usr/local/bin\ninclude-system-site-packages = false\nversion = 3.12.1\n",
        ),
        // Not: the image's own version (`version`, and uv's `version_info`).
        file(
            "opt/venv/pyvenv.cfg",
            b"home = /usr/local/bin\nversion = 3.11.9\n",
        ),
        file(
            "opt/uv/pyvenv.cfg",
            b"home = /usr/local/bin\nimplementation = CPython\nuv = 0.5.1\nversion_info = 3.11.4\n",
        ),
        // Not: made by Debian's /usr/bin/python3.9, which is in the image and runs it.
        file(
            "opt/tools/pyvenv.cfg",
            b"home = /usr/bin\nversion = 3.9.2\n",
        ),
        // Not: no version at all (nothing to compare).
        file("opt/bare/pyvenv.cfg", b"home = /usr/local/bin\n"),
    ]);
    let (diagnostics, rendered) = lint(
        "IM005",
        &image(
            &[(
                "COPY --from=builder /app/.venv /app/.venv # buildkit",
                layer,
            )],
            None,
        ),
    );
    assert_eq!(fired(&diagnostics), ["/app/.venv/pyvenv.cfg"]);
    insta::assert_snapshot!("IM005", rendered);
}

#[test]
fn im006_venv_relocated() {
    let cfg = b"home = /usr/local/bin\nversion = 3.11.9\n";
    let layer = tar(&[
        // Fires: made at /build/.venv, which is not in the image.
        file("app/.venv/pyvenv.cfg", cfg),
        symlink("app/.venv/bin/python", "/usr/local/bin/python3.11"),
        exe(
            "app/.venv/bin/uvicorn",
            b"#!/build/.venv/bin/python\n# -*- coding: utf-8 -*-\nimport sys\n",
        ),
        exe("app/.venv/bin/gunicorn", b"#!/build/.venv/bin/python\nimport sys\n"),
        // Not: scripts that name the venv's own interpreter, or `env`.
        file("opt/venv/pyvenv.cfg", cfg),
        symlink("opt/venv/bin/python3", "/usr/local/bin/python3"),
        symlink("opt/venv/bin/python", "python3"),
        exe("opt/venv/bin/gunicorn", b"#!/opt/venv/bin/python3\nimport sys\n"),
        exe("opt/venv/bin/tool", b"#!/usr/bin/env python3\nimport sys\n"),
        // Fires: the /bin/sh trampoline pip writes for long paths names the old place.
        file("srv/env/pyvenv.cfg", cfg),
        exe(
            "srv/env/bin/celery",
            b"#!/bin/sh\n'''exec' /home/runner/work/very/long/path/env/bin/python \"$0\" \"$@\"\n' '''\nimport sys\n",
        ),
        // Fires: copied beside another venv whose interpreter exists: runs the wrong one.
        file("srv/copy/pyvenv.cfg", cfg),
        exe("srv/copy/bin/flask", b"#!/opt/venv/bin/python3\nimport sys\n"),
    ]);
    let (diagnostics, rendered) = lint(
        "IM006",
        &image(&[("COPY --from=builder / / # buildkit", layer)], None),
    );
    assert_eq!(
        fired(&diagnostics),
        [
            "/app/.venv/bin/gunicorn",
            "/srv/copy/bin/flask",
            "/srv/env/bin/celery"
        ]
    );
    insta::assert_snapshot!("IM006", rendered);
}

#[test]
fn im010_package_cache() {
    let run = tar(&[
        // Fires: pip's and Poetry's caches, apt lists.
        dir("root/.cache/pip/http-v2/"),
        filler("root/.cache/pip/http-v2/a/b/c.body", 300 * 1024),
        dir("home/app/.cache/pypoetry/"),
        filler("home/app/.cache/pypoetry/artifacts/x.whl", 100 * 1024),
        dir("var/lib/apt/lists/"),
        filler(
            "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4",
            200 * 1024,
        ),
        // Not: an empty skeleton under 64 KiB.
        dir("root/.cache/uv/"),
        filler("root/.cache/uv/CACHEDIR.TAG", 43),
        // Not: a cache that is not a package manager's.
        dir("root/.cache/huggingface/"),
        filler("root/.cache/huggingface/model.bin", 500 * 1024),
        // Not: inside an installed package.
        dir(&format!("{SITE}/vendored/.cache/pip/")),
        filler(&format!("{SITE}/vendored/.cache/pip/x"), 100 * 1024),
    ]);
    let (diagnostics, rendered) = lint(
        "IM010",
        &image(
            &[(
                "RUN /bin/sh -c pip install -r requirements.txt # buildkit",
                run,
            )],
            None,
        ),
    );
    assert_eq!(
        fired(&diagnostics),
        [
            "/home/app/.cache/pypoetry",
            "/root/.cache/pip",
            "/var/lib/apt/lists"
        ]
    );
    insta::assert_snapshot!("IM010", rendered);
}

#[test]
fn im011_vcs_metadata() {
    let copy = tar(&[
        // Fires: the project's history.
        dir("app/.git/"),
        filler("app/.git/HEAD", 21),
        filler("app/.git/objects/pack/pack-1.pack", 5000),
        dir("srv/legacy/.hg/"),
        filler("srv/legacy/.hg/store/00changelog.i", 100),
        // Not: GitHub configuration, ignore files, a package's own metadata.
        dir("app/.github/workflows/"),
        filler("app/.github/workflows/ci.yml", 100),
        filler("app/.gitignore", 10),
        dir(&format!("{SITE}/vendored/.git/")),
        filler(&format!("{SITE}/vendored/.git/HEAD"), 21),
    ]);
    let (diagnostics, rendered) = lint("IM011", &image(&[("COPY . . # buildkit", copy)], None));
    assert_eq!(fired(&diagnostics), ["/app/.git", "/srv/legacy/.hg"]);
    insta::assert_snapshot!("IM011", rendered);
}

#[test]
fn im012_dotenv_file() {
    let copy = tar(&[
        // Fires.
        filler("app/.env", 40),
        filler("app/.env.production", 40),
        // Not: templates, direnv, a directory named `.env`, a package's test data.
        filler("app/.env.example", 40),
        filler("app/.envrc", 40),
        dir("app/config/.env/"),
        filler(&format!("{SITE}/dotenv/tests/.env"), 40),
    ]);
    let (diagnostics, rendered) = lint("IM012", &image(&[("COPY . . # buildkit", copy)], None));
    assert_eq!(fired(&diagnostics), ["/app/.env", "/app/.env.production"]);
    assert!(!rendered.contains("SECRET"), "contents are never shown");
    insta::assert_snapshot!("IM012", rendered);
}

#[test]
fn im013_credential_file() {
    let key = b"-----BEGIN OPENSSH PRIVATE KEY-----\nSECRET\n-----END OPENSSH PRIVATE KEY-----\n";
    let copy = tar(&[
        // Fires: by name, and a private key by its first line.
        file("root/.ssh/id_ed25519", key),
        file(
            "root/.aws/credentials",
            b"[default]\naws_secret_access_key=SECRET\n",
        ),
        file("app/.pypirc", b"[pypi]\npassword=SECRET\n"),
        file("root/.docker/config.json", b"{\"auths\":{}}"),
        file(
            "app/deploy/tls.key",
            b"-----BEGIN PRIVATE KEY-----\nSECRET\n",
        ),
        // Not: a public key, a certificate, a `credentials` file elsewhere, an app's
        // `config.json`, the distribution's snakeoil key.
        file("root/.ssh/id_ed25519.pub", b"ssh-ed25519 AAAA user@host\n"),
        file("app/deploy/tls.pem", b"-----BEGIN CERTIFICATE-----\nMIIB\n"),
        file("app/docs/credentials", b"how to get credentials\n"),
        file("app/config.json", b"{}"),
        file(
            "etc/ssl/private/ssl-cert-snakeoil.key",
            b"-----BEGIN PRIVATE KEY-----\nSECRET\n",
        ),
    ]);
    let (diagnostics, rendered) = lint("IM013", &image(&[("COPY . . # buildkit", copy)], None));
    assert_eq!(
        fired(&diagnostics),
        [
            "/app/.pypirc",
            "/app/deploy/tls.key",
            "/root/.aws/credentials",
            "/root/.docker/config.json",
            "/root/.ssh/id_ed25519"
        ]
    );
    assert!(!rendered.contains("SECRET"), "contents are redacted");
    insta::assert_snapshot!("IM013", rendered);
}

#[test]
fn im014_tool_cache() {
    let pyc = |name: &str| filler(name, 1000);
    let copy = tar(&[
        // Fires: test and type-checker caches, and bytecode from the host.
        dir("app/.pytest_cache/"),
        filler("app/.pytest_cache/v/cache/nodeids", 300),
        dir("app/.mypy_cache/"),
        filler("app/.mypy_cache/3.11/cache.db", 3000),
        dir("app/__pycache__/"),
        pyc("app/__pycache__/main.cpython-311.pyc"),
        dir("app/pkg/__pycache__/"),
        pyc("app/pkg/__pycache__/mod.cpython-311.pyc"),
    ]);
    // Not: bytecode a `RUN` compiled, or copied from another stage (not the build context).
    let run = tar(&[
        dir("app/gen/__pycache__/"),
        pyc("app/gen/__pycache__/schema.cpython-311.pyc"),
    ]);
    let from_stage = tar(&[
        dir("srv/lib/__pycache__/"),
        pyc("srv/lib/__pycache__/util.cpython-311.pyc"),
    ]);
    // BuildKit's history drops `--from=`: `COPY --from=builder /opt/app /opt/app` is recorded
    // as `COPY /opt/app /opt/app`.
    let from_buildkit_stage = tar(&[
        dir("opt/app/__pycache__/"),
        pyc("opt/app/__pycache__/cli.cpython-311.pyc"),
    ]);
    let (diagnostics, rendered) = lint(
        "IM014",
        &image(
            &[
                ("COPY . . # buildkit", copy),
                (
                    "RUN /bin/sh -c python -m compileall app/gen # buildkit",
                    run,
                ),
                ("COPY --from=builder /srv/lib /srv/lib", from_stage),
                ("COPY /opt/app /opt/app # buildkit", from_buildkit_stage),
            ],
            None,
        ),
    );
    assert_eq!(
        fired(&diagnostics),
        ["/app/.mypy_cache", "/app/.pytest_cache", "/app/__pycache__"]
    );
    insta::assert_snapshot!("IM014", rendered);
}

#[test]
fn im020_wasted_bytes() {
    // Fires: a 12 MiB download deleted by the next RUN.
    let download = tar(&[filler("tmp/model.tar", 12 << 20), filler("app/small", 100)]);
    let cleanup = tar(&[file("tmp/.wh.model.tar", b"")]);
    let (diagnostics, rendered) = lint(
        "IM020",
        &image(
            &[
                (
                    "RUN /bin/sh -c curl -o /tmp/model.tar https://example.com # buildkit",
                    download,
                ),
                ("RUN /bin/sh -c rm /tmp/model.tar # buildkit", cleanup),
            ],
            None,
        ),
    );
    assert_eq!(fired(&diagnostics), ["-"]);
    // Not: 100 KiB overwritten in a 2 MiB image (under 10 MiB and under 10%).
    let first = tar(&[
        filler("app/data.bin", 2 << 20),
        filler("app/config", 100 << 10),
    ]);
    let second = tar(&[filler("app/config", 100 << 10)]);
    let (quiet, quiet_rendered) = lint(
        "IM020",
        &image(
            &[
                ("COPY data.bin config /app/ # buildkit", first),
                ("COPY config /app/ # buildkit", second),
            ],
            None,
        ),
    );
    assert!(quiet.is_empty(), "{quiet_rendered}");
    insta::assert_snapshot!("IM020", rendered);
}

#[test]
fn im031_missing_healthcheck() {
    let cases = [
        // Fires: a server, no HEALTHCHECK (or `HEALTHCHECK NONE`).
        (
            "gunicorn",
            json!({"Cmd": ["gunicorn", "app:app", "-b", "0.0.0.0:8000"]}),
        ),
        (
            "python -m uvicorn with NONE",
            json!({"Cmd": ["python", "-m", "uvicorn", "main:app"], "Healthcheck": {"Test": ["NONE"]}}),
        ),
        (
            "manage.py runserver through a shell",
            json!({"Entrypoint": ["/bin/sh", "-c"], "Cmd": ["python manage.py runserver 0.0.0.0:8000"]}),
        ),
        // Not: a server with a health check, a batch job.
        (
            "gunicorn with a check",
            json!({"Cmd": ["/app/.venv/bin/gunicorn", "app:app"], "Healthcheck": {"Test": ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"]}}),
        ),
        ("a script", json!({"Cmd": ["python", "main.py"]})),
    ];
    let mut rendered = String::new();
    let mut firing = Vec::new();
    for (name, run) in cases {
        let (diagnostics, text) = lint("IM031", &image(&[], Some(run)));
        if !diagnostics.is_empty() {
            firing.push(name);
        }
        let _ = write!(rendered, "## {name}\n{text}\n");
    }
    assert_eq!(
        firing,
        [
            "gunicorn",
            "python -m uvicorn with NONE",
            "manage.py runserver through a shell"
        ]
    );
    insta::assert_snapshot!("IM031", rendered);
}

#[test]
fn im001_foreign_native_binary() {
    let elf = |machine: u16, needed: &[&str], glibc: &[&str]| {
        elf_shared_object(&ElfSpec {
            machine,
            needed,
            glibc,
            ..ElfSpec::default()
        })
    };
    let copy = tar(&[
        // Fires: another CPU under a suffix Python does not try (ModuleNotFoundError) and
        // under `.abi3.so`, which it does try (the loader's error).
        site(
            "markupsafe/_speedups.cpython-311-aarch64-linux-gnu.so",
            &elf(AARCH64, &["libc.so.6"], &["GLIBC_2.17"]),
        ),
        site("markupsafe/__init__.py", b""),
        site(
            "cryptography/hazmat/bindings/_rust.abi3.so",
            &elf(AARCH64, &["libc.so.6"], &["GLIBC_2.17"]),
        ),
        // Fires: needs GLIBC_2.38, the image has glibc 2.36.
        site(
            "orjson/orjson.cpython-311-x86_64-linux-gnu.so",
            &elf(X86_64, &["libc.so.6"], &["GLIBC_2.2.5", "GLIBC_2.38"]),
        ),
        // Fires: linked against musl, under a plain `.so` name Python tries.
        site("fixture.so", &elf(X86_64, &["libc.musl-x86_64.so.1"], &[])),
        // Not: x86_64 for glibc 2.17 (manylinux2014).
        site(
            "charset_normalizer/md.cpython-311-x86_64-linux-gnu.so",
            &elf(X86_64, &["libc.so.6"], &["GLIBC_2.2.5", "GLIBC_2.17"]),
        ),
        // Not: outside the Python environments.
        file(
            "opt/firmware/arm64/helper.so",
            &elf(AARCH64, &["libc.so.6"], &["GLIBC_2.17"]),
        ),
    ]);
    let (diagnostics, rendered) = lint("IM001", &image(&[("COPY . . # buildkit", copy)], None));
    assert_eq!(
        fired(&diagnostics),
        [
            format!("/{SITE}/cryptography/hazmat/bindings/_rust.abi3.so"),
            format!("/{SITE}/fixture.so"),
            format!("/{SITE}/markupsafe/_speedups.cpython-311-aarch64-linux-gnu.so"),
            format!("/{SITE}/orjson/orjson.cpython-311-x86_64-linux-gnu.so"),
        ]
    );
    insta::assert_snapshot!("IM001", rendered);
}

#[test]
fn im003_foreign_wheel() {
    let wheel = |dist: &str, tags: &[&str]| {
        let mut text = String::from("Wheel-Version: 1.0\nGenerator: bdist_wheel (0.43.0)\n");
        for tag in tags {
            writeln!(text, "Tag: {tag}").unwrap();
        }
        site(&format!("{dist}.dist-info/WHEEL"), text.as_bytes())
    };
    let copy = tar(&[
        // Fires: macOS, musllinux on glibc, manylinux newer than glibc 2.36, another Python,
        // another CPU.
        wheel(
            "cryptography-42.0.5",
            &["cp39-abi3-macosx_10_12_universal2"],
        ),
        wheel("MarkupSafe-2.1.5", &["cp311-cp311-musllinux_1_1_x86_64"]),
        wheel("orjson-3.10.7", &["cp311-cp311-manylinux_2_39_x86_64"]),
        wheel(
            "pydantic_core-2.20.1",
            &["cp312-cp312-manylinux_2_17_x86_64"],
        ),
        wheel("numpy-2.0.1", &["cp311-cp311-manylinux_2_17_aarch64"]),
        // Not: fitting manylinux tags, abi3 for an older CPython, pure wheels, a local build.
        wheel(
            "charset_normalizer-3.3.2",
            &[
                "cp311-cp311-manylinux_2_17_x86_64",
                "cp311-cp311-manylinux2014_x86_64",
            ],
        ),
        wheel("bcrypt-4.1.3", &["cp39-abi3-manylinux_2_28_x86_64"]),
        wheel("six-1.16.0", &["py2-none-any", "py3-none-any"]),
        wheel("mylib-0.1", &["cp311-cp311-linux_x86_64"]),
    ]);
    let (diagnostics, rendered) = lint("IM003", &image(&[("COPY . . # buildkit", copy)], None));
    assert_eq!(
        fired(&diagnostics),
        [
            format!("/{SITE}/MarkupSafe-2.1.5.dist-info/WHEEL"),
            format!("/{SITE}/cryptography-42.0.5.dist-info/WHEEL"),
            format!("/{SITE}/numpy-2.0.1.dist-info/WHEEL"),
            format!("/{SITE}/orjson-3.10.7.dist-info/WHEEL"),
            format!("/{SITE}/pydantic_core-2.20.1.dist-info/WHEEL"),
        ]
    );
    insta::assert_snapshot!("IM003", rendered);
}

#[test]
fn im004_venv_interpreter_missing() {
    let copy = tar(&[
        // Fires: a host venv (macOS interpreter).
        file(
            "app/.venv/pyvenv.cfg",
            b"home = /opt/homebrew/opt/python@3.11/bin\nversion = 3.11.9\n",
        ),
        symlink(
            "app/.venv/bin/python",
            "/opt/homebrew/opt/python@3.11/bin/python3.11",
        ),
        // Fires: a Windows venv.
        file(
            "srv/win/pyvenv.cfg",
            b"home = C:\\Python311\nversion = 3.11.9\n",
        ),
        file("srv/win/Scripts/python.exe", b"MZ"),
        // Not: made in the image by its own Python.
        file(
            "opt/venv/pyvenv.cfg",
            b"home = /usr/local/bin\nversion = 3.11.9\n",
        ),
        symlink("opt/venv/bin/python", "python3"),
        symlink("opt/venv/bin/python3", "/usr/local/bin/python3"),
    ]);
    let (diagnostics, rendered) = lint("IM004", &image(&[("COPY . . # buildkit", copy)], None));
    assert_eq!(
        fired(&diagnostics),
        ["/app/.venv/pyvenv.cfg", "/srv/win/pyvenv.cfg"]
    );
    insta::assert_snapshot!("IM004", rendered);
}

#[test]
fn im030_runs_as_root() {
    let passwd = tar(&[file(
        "etc/passwd",
        b"root:x:0:0:root:/root:/bin/bash\napp:x:10001:10001::/nonexistent:/usr/sbin/nologin\ntoor:x:0:0::/root:/bin/sh\n",
    )]);
    let cases = [
        // Fires: no user, `root`, a name whose uid is 0.
        ("no User", json!({"Cmd": ["python3"]})),
        ("root:root", json!({"User": "root:root"})),
        ("a name with uid 0", json!({"User": "toor"})),
        // Not: a named user, a numeric one.
        ("app", json!({"User": "app"})),
        ("10001:10001", json!({"User": "10001:10001"})),
    ];
    let mut rendered = String::new();
    let mut firing = Vec::new();
    for (name, run) in cases {
        let (diagnostics, text) = lint(
            "IM030",
            &image(
                &[("RUN /bin/sh -c useradd app # buildkit", passwd.clone())],
                Some(run),
            ),
        );
        if !diagnostics.is_empty() {
            firing.push(name);
        }
        let _ = write!(rendered, "## {name}\n{text}\n");
    }
    assert_eq!(firing, ["no User", "root:root", "a name with uid 0"]);
    insta::assert_snapshot!("IM030", rendered);
}
