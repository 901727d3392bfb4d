//! `pristine image` against real images built by a real Docker engine: the seed image (the
//! macOS `cryptography` wheel in a copied `.venv`), an aarch64 and a musllinux wheel in the
//! amd64/glibc `pristine-test/python:3.11-slim`, extension modules compiled here with the host's
//! C compiler whose `DT_NEEDED` library is missing or whose `GLIBC_2.38` need is newer than the
//! image's glibc 2.36, and the image `pristine init` writes for a small Flask project. Each image
//! is read by name through the engine's socket and from `docker save` output, and every
//! predicted import error is compared with what `docker run … python -c "import …"` prints.
//!
//! Run by `scripts/test-docker` (after `scripts/build-binary-fixtures` and
//! `scripts/build-python-image`, with `PRISTINE_BINARY_FIXTURES` and `DOCKER_HOST` set). The
//! compiled fixtures need `cc` and the Python 3.11 headers (`python3.11-dev`) on the host; the
//! `pristine init` image installs Flask from the package index (`--network=host`).
#![allow(clippy::print_stderr)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

use common::{BASE_IMAGE as BASE, copy_tree, docker, fixtures, pristine};

const SITE: &str = "/app/.venv/lib/python3.11/site-packages";

/// Builds `tag` from a context holding a host-made `.venv` with the unzipped wheel `wheel`.
fn build(tag: &str, wheel: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join(".venv/lib/python3.11/site-packages");
    copy_tree(&fixtures("wheels").join("wheels").join(wheel), &site);
    fs::write(
        dir.path().join(".venv/pyvenv.cfg"),
        "home = /opt/homebrew/opt/python@3.11/bin\ninclude-system-site-packages = false\nversion = 3.11.9\n",
    )
    .unwrap();
    fs::create_dir_all(dir.path().join("app")).unwrap();
    fs::write(dir.path().join("app/main.py"), "print('hello')\n").unwrap();
    fs::write(
        dir.path().join("Dockerfile"),
        format!("FROM {BASE}\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"main.py\"]\n"),
    )
    .unwrap();
    docker_build(tag, dir.path(), "none");
    dir
}

/// `docker build -q --network=NETWORK -t TAG DIR`; panics with BuildKit's output on failure.
fn docker_build(tag: &str, dir: &Path, network: &str) {
    let out = docker()
        .args(["build", "-q", &format!("--network={network}"), "-t", tag])
        .arg(dir)
        .output()
        .expect("docker build");
    assert!(
        out.status.success(),
        "docker build {tag}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `pristine image ARG --output-format json`: the findings.
fn audit(arg: &str) -> (Output, Vec<serde_json::Value>) {
    let out = pristine()
        .args(["image", arg, "--output-format", "json"])
        .output()
        .expect("pristine image");
    let findings: Vec<serde_json::Value> =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "pristine image {arg}: {e}\nstdout: {}\nstderr: {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
    (out, findings)
}

fn codes(findings: &[serde_json::Value]) -> Vec<String> {
    findings
        .iter()
        .map(|f| f["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The message of the finding of `code` about a path ending in `subject`.
fn message<'a>(findings: &'a [serde_json::Value], code: &str, subject: &str) -> &'a str {
    findings
        .iter()
        .find(|f| f["code"] == code && f.to_string().contains(subject))
        .and_then(|f| f["message"].as_str())
        .unwrap_or_else(|| panic!("no {code} about `{subject}` in {findings:#?}"))
}

/// The predicted error line: the backticked text after "fails with", up to the "`; " that
/// ends it (glibc's own message quotes with a backtick: "version `GLIBC_2.38' not found").
fn predicted(message: &str) -> String {
    let after = message
        .split("fails with `")
        .nth(1)
        .unwrap_or_else(|| panic!("no prediction in `{message}`"));
    after.split("`; ").next().unwrap_or_default().to_owned()
}

/// What `python -c "import MODULE"` prints last, with the venv's site-packages on the path.
fn run_import(tag: &str, module: &str) -> String {
    let out = docker()
        .args(["run", "--rm", "--network=none", tag, "python", "-c"])
        .arg(format!(
            "import sys; sys.path.insert(0, '{SITE}'); import {module}"
        ))
        .output()
        .expect("docker run");
    assert!(
        !out.status.success(),
        "`import {module}` succeeded in {tag}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("[{tag}] docker run import {module}:\n{}", stderr.trim_end());
    stderr
        .trim_end()
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned()
}

/// Checks an image by name (socket) and from `docker save`; both must agree, and the
/// prediction for `module` must be what Python prints.
fn check_both(tag: &str, code: &str, subject: &str, module: &str) -> Vec<serde_json::Value> {
    let (by_name, findings) = audit(tag);
    assert_eq!(by_name.status.code(), Some(1), "{tag}: exit code");
    let tmp = tempfile::tempdir().unwrap();
    let tar = tmp.path().join("image.tar");
    let save = docker()
        .args(["save", "-o"])
        .arg(&tar)
        .arg(tag)
        .output()
        .expect("docker save");
    assert!(
        save.status.success(),
        "{}",
        String::from_utf8_lossy(&save.stderr)
    );
    let (_, from_tar) = audit(tar.to_str().unwrap());
    assert_eq!(
        codes(&findings),
        codes(&from_tar),
        "{tag}: socket vs docker save"
    );
    let msg = message(&findings, code, subject);
    assert_eq!(msg, message(&from_tar, code, subject));
    eprintln!("[{tag}] {code}: {msg}");
    let expected = predicted(msg);
    let actual = run_import(tag, module);
    assert_eq!(expected, actual, "{tag}: prediction vs docker run");
    findings
}

fn rmi(tag: &str) {
    let _ = docker().args(["rmi", "-f", tag]).output();
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn seed_macos_cryptography_is_flagged_with_the_exact_import_error() {
    let tag = "pristine-test/image-macos:latest";
    let _ctx = build(tag, "macos-arm64");
    let findings = check_both(
        tag,
        "IM001",
        "_rust.abi3.so",
        "cryptography.hazmat.bindings._rust",
    );
    let msg = message(&findings, "IM001", "_rust.abi3.so");
    assert!(msg.contains(&format!(
        "ImportError: {SITE}/cryptography/hazmat/bindings/_rust.abi3.so: invalid ELF header"
    )));
    assert!(msg.contains("COPY . ."), "{msg}");
    let found = codes(&findings);
    assert!(
        found.contains(&"IM003".to_owned()),
        "macOS wheel tag: {found:?}"
    );
    assert!(found.contains(&"IM004".to_owned()), "host venv: {found:?}");
    rmi(tag);
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn aarch64_wheel_in_amd64_image_is_flagged() {
    let tag = "pristine-test/image-aarch64:latest";
    let _ctx = build(tag, "manylinux-aarch64");
    let findings = check_both(
        tag,
        "IM001",
        "_speedups.cpython-311-aarch64-linux-gnu.so",
        "markupsafe._speedups",
    );
    let wheel = message(&findings, "IM003", "markupsafe");
    assert!(wheel.contains("aarch64, the image is x86_64"), "{wheel}");
    rmi(tag);
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn musllinux_wheel_in_glibc_image_is_flagged() {
    let tag = "pristine-test/image-musl:latest";
    let _ctx = build(tag, "musllinux-x86_64");
    let findings = check_both(
        tag,
        "IM001",
        "_speedups.cpython-311-x86_64-linux-musl.so",
        "markupsafe._speedups",
    );
    let wheel = message(&findings, "IM003", "markupsafe");
    assert!(
        wheel.contains("musl (musllinux), the image has glibc"),
        "{wheel}"
    );
    rmi(tag);
}

/// A musl `.so` that Python does try (a plain `.so` suffix): glibc's own message.
#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn musl_extension_with_a_plain_suffix_predicts_the_loader_message() {
    let tag = "pristine-test/image-musl-so:latest";
    let fx = fixtures("wheels");
    let ctx = tempfile::tempdir().unwrap();
    let site = ctx.path().join(".venv/lib/python3.11/site-packages");
    fs::create_dir_all(&site).unwrap();
    fs::copy(fx.join("elf/x86_64-musl.so"), site.join("fixture.so")).unwrap();
    fs::write(
        ctx.path().join("Dockerfile"),
        format!("FROM {BASE}\nWORKDIR /app\nCOPY . .\n"),
    )
    .unwrap();
    docker_build(tag, ctx.path(), "none");
    check_both(tag, "IM001", "fixture.so", "fixture");
    rmi(tag);
}

/// The C compiler and the Python 3.11 headers of the host (a Debian bookworm host has both with
/// `gcc python3.11-dev`), for the extension modules compiled below.
fn python_include() -> PathBuf {
    ["/usr/include/python3.11", "/usr/local/include/python3.11"]
        .iter()
        .map(PathBuf::from)
        .find(|d| d.join("Python.h").is_file())
        .expect(
            "the compiled fixtures need the Python 3.11 headers (apt-get install python3.11-dev)",
        )
}

fn cc(args: &[&str], dir: &Path) {
    let out = Command::new("cc")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("cc (the compiled fixtures need a C compiler)");
    assert!(
        out.status.success(),
        "cc {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CPython extension module `name` whose `PyInit_<name>` calls `call` (declared by `decl`),
/// so that the linker records the dependency.
fn extension_source(name: &str, decl: &str, call: &str) -> String {
    format!(
        "#include <Python.h>\n\
         extern {decl};\n\
         static struct PyModuleDef def = {{PyModuleDef_HEAD_INIT, \"{name}\", NULL, -1, NULL}};\n\
         PyMODINIT_FUNC PyInit_{name}(void) {{ char b[8]; (void)b; {call}; return PyModule_Create(&def); }}\n"
    )
}

/// Compiles, into `site`:
/// - `needsdep` linked against `libpristinedep.so.1`, which is NOT copied (the psycopg2-without-
///   libpq5 case: built in one place, run where the library is absent);
/// - `hasdep` linked against the same library, which is copied into `hasdep.libs/` and found
///   through `DT_RUNPATH` `$ORIGIN/hasdep.libs` (auditwheel's layout): it imports;
/// - `newglibc` needing `strlcpy@GLIBC_2.38` (linked against a stub `libc.so.6` that defines it
///   with that version, as a module built on a glibc 2.38 system does), in a glibc 2.36 image.
fn compile_extensions(site: &Path) {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let include = format!("-I{}", python_include().display());
    fs::write(w.join("dep.c"), "int pristine_dep(void) { return 1; }\n").unwrap();
    cc(
        &[
            "-shared",
            "-fPIC",
            "-Wl,-soname,libpristinedep.so.1",
            "dep.c",
            "-o",
            "libpristinedep.so.1",
        ],
        w,
    );
    for (name, runpath) in [
        ("needsdep", "-Wl,--enable-new-dtags"),
        (
            "hasdep",
            "-Wl,--enable-new-dtags,-rpath,$ORIGIN/hasdep.libs",
        ),
    ] {
        fs::write(
            w.join(format!("{name}.c")),
            extension_source(name, "int pristine_dep(void)", "pristine_dep()"),
        )
        .unwrap();
        let out = site.join(format!("{name}.cpython-311-x86_64-linux-gnu.so"));
        cc(
            &[
                "-shared",
                "-fPIC",
                &include,
                runpath,
                &format!("{name}.c"),
                "-L.",
                "-l:libpristinedep.so.1",
                "-o",
                out.to_str().unwrap(),
            ],
            w,
        );
    }
    fs::create_dir_all(site.join("hasdep.libs")).unwrap();
    fs::copy(
        w.join("libpristinedep.so.1"),
        site.join("hasdep.libs/libpristinedep.so.1"),
    )
    .unwrap();
    // A stub libc.so.6 exporting strlcpy at version GLIBC_2.38, only to link against.
    fs::create_dir_all(w.join("stub")).unwrap();
    fs::write(
        w.join("stub/libc.c"),
        "unsigned long strlcpy(char *d, const char *s, unsigned long n) { (void)d; (void)s; return n; }\n",
    )
    .unwrap();
    fs::write(
        w.join("stub/libc.map"),
        "GLIBC_2.38 { global: strlcpy; local: *; };\n",
    )
    .unwrap();
    cc(
        &[
            "-shared",
            "-fPIC",
            "-nostdlib",
            "-Wl,-soname,libc.so.6",
            "-Wl,--version-script=stub/libc.map",
            "stub/libc.c",
            "-o",
            "stub/libc.so.6",
        ],
        w,
    );
    fs::write(
        w.join("newglibc.c"),
        extension_source(
            "newglibc",
            "unsigned long strlcpy(char *, const char *, unsigned long)",
            "strlcpy(b, \"x\", sizeof b)",
        ),
    )
    .unwrap();
    let out = site.join("newglibc.cpython-311-x86_64-linux-gnu.so");
    cc(
        &[
            "-shared",
            "-fPIC",
            "-nostdlib",
            &include,
            "newglibc.c",
            "stub/libc.so.6",
            "-o",
            out.to_str().unwrap(),
        ],
        w,
    );
}

/// What `python -c "import MODULE"` prints, with the venv's site-packages on the path, when it
/// succeeds.
fn run_import_ok(tag: &str, module: &str) {
    let out = docker()
        .args(["run", "--rm", "--network=none", tag, "python", "-c"])
        .arg(format!(
            "import sys; sys.path.insert(0, '{SITE}'); import {module}; print('imported', {module}.__name__)"
        ))
        .output()
        .expect("docker run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains(&format!("imported {module}")),
        "[{tag}] `import {module}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("[{tag}] docker run import {module}: {}", stdout.trim());
}

/// Extension modules compiled here, in one image: `needsdep`, whose `DT_NEEDED` library is
/// nowhere in the image (IM002), and `newglibc`, which needs `GLIBC_2.38` in the glibc 2.36 image
/// (IM001): each prediction is exactly what `docker run` prints. `hasdep`, whose library is
/// bundled beside it and found through `$ORIGIN`, is not reported, and imports.
#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn compiled_extensions_missing_library_and_glibc_too_new_match_docker_run() {
    let tag = "pristine-test/image-compiled:latest";
    let ctx = tempfile::tempdir().unwrap();
    let site = ctx.path().join(".venv/lib/python3.11/site-packages");
    fs::create_dir_all(&site).unwrap();
    compile_extensions(&site);
    fs::write(
        ctx.path().join("Dockerfile"),
        format!("FROM {BASE}\nWORKDIR /app\nCOPY . .\n"),
    )
    .unwrap();
    docker_build(tag, ctx.path(), "none");
    let findings = check_both(
        tag,
        "IM002",
        "needsdep.cpython-311-x86_64-linux-gnu.so",
        "needsdep",
    );
    let msg = message(&findings, "IM002", "needsdep");
    assert!(msg.contains("`libpristinedep.so.1`"), "{msg}");
    let findings = check_both(
        tag,
        "IM001",
        "newglibc.cpython-311-x86_64-linux-gnu.so",
        "newglibc",
    );
    let msg = message(&findings, "IM001", "newglibc");
    assert!(msg.contains("GLIBC_2.38"), "{msg}");
    assert!(
        !findings.iter().any(|f| f.to_string().contains("hasdep")),
        "the bundled library is found through $ORIGIN: {findings:#?}"
    );
    run_import_ok(tag, "hasdep");
    rmi(tag);
}

/// The image `pristine init` writes for a small Flask project (pip, gunicorn; MarkupSafe has a
/// C extension) has no error-severity finding, by name and from `docker save`, and the native
/// module IM001/IM002 do not flag imports in `docker run`.
#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn clean_image_built_by_pristine_init_has_no_error() {
    let tag = "pristine-test/image-init-clean:latest";
    let project = tempfile::tempdir().unwrap();
    let dir = project.path();
    fs::write(
        dir.join("requirements.txt"),
        "flask==3.0.3\nmarkupsafe==2.1.5\ngunicorn==23.0.0\n",
    )
    .unwrap();
    fs::write(
        dir.join("app.py"),
        "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get(\"/\")\ndef index():\n    return \"hello\"\n",
    )
    .unwrap();
    let init = pristine()
        .args(["init", "--base-image", BASE])
        .arg(dir)
        .output()
        .expect("pristine init");
    assert!(
        init.status.success(),
        "pristine init: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    let dockerfile = fs::read_to_string(dir.join("Dockerfile")).unwrap();
    assert!(
        dockerfile.contains("COPY --from=builder /opt/venv /opt/venv"),
        "{dockerfile}"
    );
    // pip installs from the package index.
    docker_build(tag, dir, "host");

    let (by_name, findings) = audit(tag);
    let tmp = tempfile::tempdir().unwrap();
    let tar = tmp.path().join("image.tar");
    let save = docker()
        .args(["save", "-o"])
        .arg(&tar)
        .arg(tag)
        .output()
        .expect("docker save");
    assert!(
        save.status.success(),
        "{}",
        String::from_utf8_lossy(&save.stderr)
    );
    let (from_save, from_tar) = audit(tar.to_str().unwrap());
    assert_eq!(codes(&findings), codes(&from_tar), "socket vs docker save");
    for f in &findings {
        eprintln!("[{tag}] {} [{}] {}", f["code"], f["severity"], f["message"]);
    }
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    for out in [&by_name, &from_save] {
        assert_eq!(
            out.status.code(),
            Some(i32::from(!findings.is_empty())),
            "exit code"
        );
    }
    // No native-module finding, and the C extension does import.
    let run = docker()
        .args(["run", "--rm", "--network=none", tag, "python", "-c"])
        .arg("import markupsafe._speedups, flask, gunicorn; print('imported')")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // The human summary names the platform, the libc and the layers with their instructions.
    let text = pristine().args(["image", tag]).output().unwrap();
    let stdout = String::from_utf8_lossy(&text.stdout);
    eprintln!("{stdout}");
    assert!(stdout.contains("linux/amd64"), "{stdout}");
    assert!(stdout.contains("glibc 2.36"), "{stdout}");
    assert!(stdout.contains("COPY /opt/venv /opt/venv"), "{stdout}");
    rmi(tag);
}
