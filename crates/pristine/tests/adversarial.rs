//! Hostile build contexts and images through the real binary (issue #11): symlink loops, FIFOs
//! and sockets, unreadable entries, non-UTF-8 names, 1 000 000 files, 5 000 levels of nesting,
//! a 10 GB sparse file; and images with escaping names, hardlinks outside, symlink chains, huge
//! headers, a gzip bomb and truncated layers.
//!
//! Every run is bounded: the child runs in its own process group under a deadline and is killed
//! (and the test fails) when the deadline passes, so a FIFO that gets opened fails the test
//! instead of hanging it. Peak memory comes from GNU time (`/usr/bin/time -f %M`) when it is
//! installed. Every run must exit 0, 1 or 2 without a panic, and say something precise.
#![expect(
    clippy::print_stdout,
    reason = "each run's measurements are the suite's record (cargo test -- --nocapture)"
)]

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::fs;
use std::io::{Read, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------- the harness

/// The bounds of one run. The limits are several times what a debug build measured on a loaded
/// 2-core machine (see each case), so they catch a hang or an unbounded structure, not noise.
#[derive(Clone, Copy)]
struct Bounds {
    seconds: u64,
    peak_mb: u64,
}

const SMALL: Bounds = Bounds {
    seconds: 30,
    peak_mb: 200,
};

#[derive(Debug)]
struct Run {
    what: String,
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
    seconds: f64,
    /// From GNU time; `None` when `/usr/bin/time` is not installed.
    peak_kb: Option<u64>,
    /// The most bytes the process had read (`rchar` of `/proc/PID/io`), sampled while it ran: a
    /// lower bound.
    read_bytes: u64,
}

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

const TIME: &str = "/usr/bin/time";
const TIME_MARK: &str = "pristine-adversarial maxrss_kb=";

fn has_gnu_time() -> bool {
    Path::new(TIME).is_file()
}

/// Runs `pristine ARGS` in `dir`, as `uid` when given, under `bounds`, and checks what every run
/// must satisfy: it ends before the deadline, exits 0, 1 or 2, does not panic, and stays under
/// the memory bound.
fn pristine_as(dir: &Path, args: &[&OsStr], bounds: Bounds, uid: Option<u32>) -> Run {
    let bin = env!("CARGO_BIN_EXE_pristine");
    let what = format!(
        "pristine {}",
        args.iter()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let mut cmd = if has_gnu_time() {
        let mut c = Command::new(TIME);
        c.arg("-f").arg(format!("{TIME_MARK}%M")).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("PRISTINE_OUTPUT_FORMAT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so that the deadline kills pristine and not only GNU time.
        .process_group(0);
    if let Some(uid) = uid {
        cmd.uid(uid).gid(uid);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{what}: spawn: {e}"));
    let pid = child.id();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let deadline = Duration::from_secs(bounds.seconds);
    let mut read_bytes = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        read_bytes = read_bytes.max(tree_rchar(pid));
        if start.elapsed() > deadline {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .status();
            let _ = child.wait();
            let stderr = String::from_utf8_lossy(&err.join().unwrap()).into_owned();
            panic!(
                "{what} in {}: still running after {} s (killed)\nstderr: {}",
                dir.display(),
                bounds.seconds,
                tail(&stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let seconds = start.elapsed().as_secs_f64();
    let stdout = out.join().unwrap();
    let mut stderr = String::from_utf8_lossy(&err.join().unwrap()).into_owned();
    let mut peak_kb = None;
    if has_gnu_time() {
        // GNU time appends its line (and "Command exited with non-zero status N") to stderr.
        let mut kept = String::new();
        for line in stderr.lines() {
            if let Some(kb) = line.strip_prefix(TIME_MARK) {
                peak_kb = kb.trim().parse().ok();
            } else if !line.starts_with("Command exited with non-zero status")
                && !line.starts_with("Command terminated by signal")
            {
                kept.push_str(line);
                kept.push('\n');
            }
        }
        stderr = kept;
    }
    let run = Run {
        what,
        code: status.code(),
        stdout,
        stderr,
        seconds,
        peak_kb,
        read_bytes,
    };
    println!(
        "{}: exit {:?}, {:.2} s, peak {} KB, read ≥ {} B",
        run.what,
        run.code,
        run.seconds,
        run.peak_kb
            .map_or_else(|| "unmeasured (no /usr/bin/time)".into(), |k| k.to_string()),
        run.read_bytes
    );
    assert!(
        !run.stderr.contains("panicked"),
        "{}: panicked\n{}",
        run.what,
        run.stderr
    );
    assert!(
        matches!(run.code, Some(0..=2)),
        "{}: exit {:?} (0, 1 or 2 expected)\nstderr: {}",
        run.what,
        run.code,
        tail(&run.stderr)
    );
    if let Some(kb) = run.peak_kb {
        assert!(
            kb <= bounds.peak_mb * 1024,
            "{}: peak RSS {kb} KB > {} MB",
            run.what,
            bounds.peak_mb
        );
    }
    run
}

fn pristine(dir: &Path, args: &[&str], bounds: Bounds) -> Run {
    let args = os(args);
    pristine_as(dir, &args, bounds, None)
}

/// `rchar` of the process and its children (GNU time's child is the pristine process).
fn tree_rchar(pid: u32) -> u64 {
    let mut total = rchar(pid);
    if let Ok(children) = fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")) {
        for child in children.split_whitespace() {
            if let Ok(child) = child.parse::<u32>() {
                total += tree_rchar(child);
            }
        }
    }
    total
}

fn rchar(pid: u32) -> u64 {
    fs::read_to_string(format!("/proc/{pid}/io"))
        .ok()
        .and_then(|io| {
            io.lines()
                .find_map(|l| l.strip_prefix("rchar:").map(|v| v.trim().parse().ok()))
                .flatten()
        })
        .unwrap_or(0)
}

/// The last 2 000 characters, for assertion messages about huge outputs.
fn tail(s: &str) -> &str {
    let mut start = s.len().saturating_sub(2000);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// The four context views of a directory and the lint of its Dockerfile.
struct Views {
    list: Run,
    summary: Run,
    why: Run,
    check: Run,
}

fn views(dir: &Path, why: &OsStr, bounds: Bounds) -> Views {
    let mut why_args = os(&["context", "--why"]);
    why_args.push(why);
    Views {
        list: pristine_as(dir, &os(&["context", "--list"]), bounds, None),
        summary: pristine_as(dir, &os(&["context"]), bounds, None),
        why: pristine_as(dir, &why_args, bounds, None),
        check: pristine_as(
            dir,
            &os(&["check", "--output-format", "concise"]),
            bounds,
            None,
        ),
    }
}

fn dockerfile(dir: &Path) {
    fs::write(
        dir.join("Dockerfile"),
        "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"main.py\"]\n",
    )
    .unwrap();
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

fn os<'a>(args: &[&'a str]) -> Vec<&'a OsStr> {
    args.iter().map(|a| OsStr::new(*a)).collect()
}

fn lines(stdout: &[u8]) -> Vec<&[u8]> {
    stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect()
}

/// `haystack` contains `needle`, with both in the message when it does not.
#[track_caller]
fn says(run: &Run, stream: &str, needle: &str) {
    let text = if stream == "stdout" {
        run.stdout()
    } else {
        run.stderr.clone()
    };
    assert!(
        text.contains(needle),
        "{}: {stream} lacks {needle:?}\n{stream}: {}",
        run.what,
        tail(&text)
    );
}

// ---------------------------------------------------------------- contexts

#[test]
fn symlink_loops_are_sent_as_links_and_never_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    dockerfile(root);
    fs::write(root.join("main.py"), "print(1)\n").unwrap();
    std::os::unix::fs::symlink("self", root.join("self")).unwrap();
    std::os::unix::fs::symlink("b", root.join("a")).unwrap();
    std::os::unix::fs::symlink("a", root.join("b")).unwrap();
    fs::create_dir_all(root.join("pkg/sub")).unwrap();
    // A directory link to an ancestor, to the root, and an absolute one out of the context.
    std::os::unix::fs::symlink("../..", root.join("pkg/sub/up")).unwrap();
    std::os::unix::fs::symlink(".", root.join("pkg/here")).unwrap();
    std::os::unix::fs::symlink("/", root.join("pkg/slash")).unwrap();
    // A chain of 100 links (more than the kernel's 40 hops).
    fs::create_dir(root.join("chain")).unwrap();
    for i in 0..100 {
        std::os::unix::fs::symlink(format!("c{}", i + 1), root.join(format!("chain/c{i}")))
            .unwrap();
    }
    fs::write(root.join("chain/c100"), "end").unwrap();

    let v = views(root, OsStr::new("pkg/sub/up"), SMALL);
    assert_eq!(v.list.code, Some(0), "{}", v.list.stderr);
    let listed = lines(&v.list.stdout);
    for link in [
        "self",
        "a",
        "b",
        "pkg/sub/up",
        "pkg/here",
        "pkg/slash",
        "chain/c0",
    ] {
        assert!(
            listed.contains(&link.as_bytes()),
            "{link} not listed: {}",
            v.list.stdout()
        );
    }
    // BuildKit sends links as links: nothing below a directory link.
    assert!(
        !listed
            .iter()
            .any(|l| l.starts_with(b"pkg/sub/up/") || l.starts_with(b"pkg/slash/")),
        "followed a directory link: {}",
        v.list.stdout()
    );
    // Dockerfile, main.py, self, a, b, 3 links in pkg/, 101 in chain/.
    assert_eq!(listed.len(), 109, "{}", v.list.stdout());
    assert_eq!(v.summary.code, Some(0), "{}", v.summary.stderr);
    says(&v.summary, "stdout", "Sent:");
    assert_eq!(v.why.code, Some(0));
    assert_eq!(
        v.why.stdout(),
        "`pkg/sub/up` is sent: there is no ignore file\n"
    );
    // Findings (no .dockerignore, root user, …) but no read error: links are not read.
    assert_eq!(v.check.code, Some(1), "{}", v.check.stderr);
    says(&v.check, "stdout", "DI002");
    assert!(!v.check.stdout().contains("CX001"), "{}", v.check.stdout());
}

#[test]
fn fifos_and_sockets_are_never_opened() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::write(
        root.join("Dockerfile"),
        "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt pyproject.toml ./\n\
         RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n",
    )
    .unwrap();
    // FIFOs where pristine reads files: the manifests a COPY names, a virtualenv's
    // `pyvenv.cfg`, an extension module's headers, a secret's first bytes. Opening any of them
    // blocks until a writer comes: the deadline would kill the run.
    fs::create_dir(root.join(".venv")).unwrap();
    for name in [
        "requirements.txt",
        "pyproject.toml",
        "ext.cpython-311-x86_64-linux-gnu.so",
        ".venv/pyvenv.cfg",
        ".env",
        "fifo",
    ] {
        mkfifo(&root.join(name));
    }
    let _socket = std::os::unix::net::UnixListener::bind(root.join("sock")).unwrap();

    let v = views(root, OsStr::new("fifo"), SMALL);
    assert_eq!(v.list.code, Some(0), "{}", v.list.stderr);
    assert_eq!(
        v.list.stdout(),
        ".env\n.venv/pyvenv.cfg\nDockerfile\next.cpython-311-x86_64-linux-gnu.so\nfifo\n\
         pyproject.toml\nrequirements.txt\nsock\n"
    );
    assert_eq!(v.summary.code, Some(0), "{}", v.summary.stderr);
    // Special files are entries, not files: the Dockerfile is the one file.
    says(&v.summary, "stdout", "(9 entries)");
    assert_eq!(v.why.stdout(), "`fifo` is sent: there is no ignore file\n");
    assert_eq!(v.check.code, Some(1), "{}", v.check.stderr);
    for name in [
        "requirements.txt",
        "pyproject.toml",
        ".venv/pyvenv.cfg",
        "ext.cpython-311-x86_64-linux-gnu.so",
        ".env",
        "fifo",
    ] {
        says(
            &v.check,
            "stdout",
            &format!("CX002 [warning] `{name}` is a named pipe and is sent to the builder"),
        );
    }
    says(
        &v.check,
        "stdout",
        "CX002 [warning] `sock` is a socket and is sent to the builder",
    );
}

#[test]
fn a_fifo_as_the_ignore_file_is_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    dockerfile(root);
    mkfifo(&root.join(".dockerignore"));
    let v = views(root, OsStr::new(".dockerignore"), SMALL);
    assert_eq!(v.list.code, Some(0), "{}", v.list.stderr);
    assert_eq!(v.list.stdout(), ".dockerignore\nDockerfile\n");
    says(&v.summary, "stderr", "is not used");
    says(&v.summary, "stderr", "not a regular file");
    assert!(matches!(v.check.code, Some(1 | 2)), "{}", v.check.stderr);
}

fn is_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .map(|v| v.split_whitespace().next() == Some("0"))
        })
        .unwrap_or(false)
}

const NOBODY: u32 = 65534;

/// Restores `locked/`'s bits so that the temporary directory can be removed.
struct Restore(PathBuf);

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = fs::set_permissions(self.0.join("locked"), fs::Permissions::from_mode(0o755));
    }
}

#[test]
fn unreadable_entries_are_reported_not_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    dockerfile(root);
    fs::create_dir(root.join("locked")).unwrap();
    fs::write(root.join("locked/inside.py"), "x").unwrap();
    fs::write(root.join("secret.txt"), "s").unwrap();
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(root.join("secret.txt"), fs::Permissions::from_mode(0o000)).unwrap();
    let _restore = Restore(root.to_path_buf());

    let uid = if is_root() {
        // Permission bits do not deny root. As root, the meaningful check is that pristine does
        // not judge by the bits (root's BuildKit reads these entries): everything is listed.
        let list = pristine(root, &["context", "--list"], SMALL);
        assert_eq!(list.code, Some(0), "{}", list.stderr);
        assert_eq!(
            list.stdout(),
            "Dockerfile\nlocked/inside.py\nsecret.txt\n",
            "as root, mode 000 entries are readable and sent"
        );
        // Then deny for real by running pristine as `nobody`.
        fs::set_permissions(root, fs::Permissions::from_mode(0o755)).unwrap();
        println!("running as root: the permission-denied sub-case runs pristine as uid {NOBODY}");
        Some(NOBODY)
    } else {
        None
    };
    if let Some(uid) = uid {
        // A container without CAP_SETUID cannot switch: say so and keep the as-root result.
        let probe = Command::new(env!("CARGO_BIN_EXE_pristine"))
            .arg("--version")
            .uid(uid)
            .gid(uid)
            .output();
        if !probe.as_ref().is_ok_and(|o| o.status.success()) {
            println!(
                "SKIPPED the permission-denied sub-case: cannot run pristine as uid {uid} \
                 ({probe:?}); the as-root sub-case above ran"
            );
            return;
        }
    }
    // BuildKit fails the build when it cannot read an entry it must send: --list and the
    // summary exit 2 and name both entries; `check` reports them as CX001 findings.
    let list = pristine_as(root, &os(&["context", "--list"]), SMALL, uid);
    assert_eq!(list.code, Some(2), "{list:?}");
    assert!(list.stdout.is_empty(), "{}", list.stdout());
    says(
        &list,
        "stderr",
        "error: cannot read directory `locked`: Permission denied",
    );
    says(
        &list,
        "stderr",
        "error: cannot read `secret.txt`: Permission denied",
    );
    let summary = pristine_as(root, &os(&["context"]), SMALL, uid);
    assert_eq!(summary.code, Some(2), "{summary:?}");
    says(&summary, "stderr", "cannot read directory `locked`");
    let why = pristine_as(root, &os(&["context", "--why", "locked"]), SMALL, uid);
    assert_eq!(why.stdout(), "`locked/` is sent: there is no ignore file\n");
    let check = pristine_as(
        root,
        &os(&["check", "--output-format", "concise"]),
        SMALL,
        uid,
    );
    assert_eq!(check.code, Some(1), "{check:?}");
    says(
        &check,
        "stdout",
        "CX001 [error] cannot read directory `locked`: Permission denied (os error 13); BuildKit fails the build",
    );
    says(
        &check,
        "stdout",
        "CX001 [error] cannot read `secret.txt`: Permission denied (os error 13)",
    );
}

#[test]
fn non_utf8_names_are_kept_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    dockerfile(root);
    let dir = OsStr::from_bytes(b"d\xc3\x28ir");
    fs::create_dir(root.join(dir)).unwrap();
    fs::write(root.join(dir).join(OsStr::from_bytes(b"f\xff\xfe.py")), "x").unwrap();
    fs::write(root.join(OsStr::from_bytes(b"latin1-caf\xe9.txt")), "x").unwrap();
    // An ignore pattern that matches one non-UTF-8 name by a wildcard.
    fs::write(root.join(".dockerignore"), "latin1-*\n").unwrap();

    let why = OsString::from_vec(b"d\xc3\x28ir/f\xff\xfe.py".to_vec());
    let v = views(root, &why, SMALL);
    assert_eq!(v.list.code, Some(0), "{}", v.list.stderr);
    assert_eq!(
        v.list.stdout,
        b".dockerignore\nDockerfile\nd\xc3\x28ir/f\xff\xfe.py\n".to_vec()
    );
    assert_eq!(v.summary.code, Some(0));
    says(&v.summary, "stdout", "Ignore file:   .dockerignore");
    assert_eq!(v.why.code, Some(0));
    says(
        &v.why,
        "stdout",
        "is sent: no pattern in .dockerignore matches it",
    );
    let excluded = pristine_as(
        root,
        &[
            OsStr::new("context"),
            OsStr::new("--why"),
            OsStr::from_bytes(b"latin1-caf\xe9.txt"),
        ],
        SMALL,
        None,
    );
    says(
        &excluded,
        "stdout",
        "is excluded by .dockerignore line 1: `latin1-*`",
    );
    assert_eq!(v.check.code, Some(1), "{}", v.check.stderr);
    says(
        &v.check,
        "stdout",
        "CX003 [warning] `d\u{fffd}(ir/f\u{fffd}\u{fffd}.py` is not a valid UTF-8 name",
    );
}

/// A Dockerfile whose text is not UTF-8, at a path that is not either: linted with each invalid
/// byte read as U+FFFD (what `from_utf8_lossy` gives; the fast path for valid files must not
/// change that), and named by the lossy path in the report.
#[test]
fn a_non_utf8_dockerfile_is_linted_lossily() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let name = OsStr::from_bytes(b"Dockerfile.caf\xe9");
    fs::write(
        root.join(name),
        b"FROM python:3.12-slim\nLABEL note=\"caf\xe9\"\nFOO bar\xff\n",
    )
    .unwrap();
    let run = pristine_as(
        root,
        &[
            OsStr::new("check"),
            OsStr::new("--no-context"),
            OsStr::new("--output-format"),
            OsStr::new("concise"),
            name,
        ],
        SMALL,
        None,
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    says(&run, "stdout", "Dockerfile.caf\u{fffd}:3:1: DF001");
    says(&run, "stdout", "FOO");
}

/// A tmpfs when there is one: creating and removing a million inodes there takes seconds, not
/// the half minute a journaled disk takes.
fn big_tempdir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::tempdir_in(shm)
    {
        return dir;
    }
    tempfile::tempdir().unwrap()
}

#[test]
fn a_million_files_in_bounded_time_and_memory() {
    const DIRS: usize = 1000;
    const PER_DIR: usize = 1000;
    let tmp = big_tempdir();
    let root = tmp.path();
    dockerfile(root);
    let start = Instant::now();
    // Two threads: the machine has two cores and creating inodes is kernel time.
    std::thread::scope(|s| {
        for half in 0..2 {
            s.spawn(move || {
                let mut name = String::new();
                for d in (half..DIRS).step_by(2) {
                    let dir = root.join(format!("d{d:03}"));
                    fs::create_dir(&dir).unwrap();
                    for f in 0..PER_DIR {
                        name.clear();
                        let _ = write!(name, "f{f:03}.py");
                        fs::File::create(dir.join(&name)).unwrap();
                    }
                }
            });
        }
    });
    println!(
        "created {} files in {} in {:.1} s",
        DIRS * PER_DIR,
        root.display(),
        start.elapsed().as_secs_f64()
    );
    // Measured (debug build, 2-core machine, ext4, alone): --list 3.0 s and 160 MB, summary
    // 5.2 s and 130 MB, --why 6.2 s and 105 MB, check 9.2 s and 172 MB; with the other tests
    // beside it on a loaded machine, check took 26 s. The bounds leave 3× (≈ 500 bytes per file).
    let bounds = Bounds {
        seconds: 90,
        peak_mb: 512,
    };
    let v = views(root, OsStr::new("d500/f500.py"), bounds);
    assert_eq!(v.list.code, Some(0), "{}", v.list.stderr);
    let listed = lines(&v.list.stdout);
    assert_eq!(listed.len(), DIRS * PER_DIR + 1);
    assert_eq!(listed[0], b"Dockerfile");
    assert_eq!(listed[1], b"d000/f000.py");
    assert_eq!(listed[DIRS * PER_DIR], b"d999/f999.py");
    assert_eq!(v.summary.code, Some(0), "{}", v.summary.stderr);
    says(&v.summary, "stdout", "1000001 files");
    assert_eq!(
        v.why.stdout(),
        "`d500/f500.py` is sent: there is no ignore file\n"
    );
    assert_eq!(v.check.code, Some(1), "{}", v.check.stderr);
    says(&v.check, "stdout", "DI002");
    says(&v.check, "stdout", "1000001 files");
}

#[test]
fn nesting_5000_levels_deep_is_a_clear_error() {
    const DEPTH: usize = 5000;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    dockerfile(root);
    // The path is ~10 000 bytes, beyond PATH_MAX (4 096): std cannot create it by path, so
    // python3 descends with dir_fd (mkdirat/openat).
    let status = Command::new("python3")
        .arg("-c")
        .arg(format!(
            "import os\nfd = os.open('.', os.O_RDONLY)\nfor _ in range({DEPTH}):\n    \
             os.mkdir('d', dir_fd=fd)\n    n = os.open('d', os.O_RDONLY, dir_fd=fd)\n    \
             os.close(fd)\n    fd = n\n\
             f = os.open('leaf.py', os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)\nos.close(f)\n"
        ))
        .current_dir(root)
        .status()
        .expect("python3");
    assert!(status.success());

    let deep = "d/".repeat(10);
    let v = views(root, OsStr::new(deep.trim_end_matches('/')), SMALL);
    // Neither BuildKit (Go's lstat by full path) nor pristine can name an entry past PATH_MAX:
    // the build fails, and pristine says where and why instead of listing a partial context.
    for run in [&v.list, &v.summary] {
        assert_eq!(run.code, Some(2), "{}", tail(&run.stderr));
        says(run, "stderr", "error: cannot read directory `d/d/d/");
        says(run, "stderr", "File name too long (os error 36)");
    }
    assert!(v.list.stdout.is_empty());
    assert_eq!(v.why.code, Some(0));
    assert_eq!(
        v.why.stdout(),
        format!("`{deep}` is sent: there is no ignore file\n")
    );
    assert_eq!(v.check.code, Some(1));
    says(
        &v.check,
        "stdout",
        "CX001 [error] cannot read directory `d/d/d/",
    );
    says(
        &v.check,
        "stdout",
        "File name too long (os error 36); BuildKit fails the build",
    );
}

#[test]
fn a_sparse_10_gb_file_is_sized_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    dockerfile(root);
    // Also a binary candidate by name: pristine reads at most a header prefix of such files.
    for name in ["huge.bin", "huge.so"] {
        let f = fs::File::create(root.join(name)).unwrap();
        f.set_len(10 << 30).unwrap();
    }
    let v = views(root, OsStr::new("huge.bin"), SMALL);
    for run in [&v.list, &v.summary, &v.why, &v.check] {
        // Reading either file would be 10 GiB; a header prefix is kilobytes.
        assert!(
            run.read_bytes < 64 << 20,
            "{} read {} bytes",
            run.what,
            run.read_bytes
        );
    }
    assert_eq!(v.list.stdout(), "Dockerfile\nhuge.bin\nhuge.so\n");
    says(&v.summary, "stdout", "Sent:          3 files, 20.0 GiB");
    says(&v.summary, "stdout", "10.0 GiB  huge.bin");
    assert_eq!(
        v.why.stdout(),
        "`huge.bin` is sent: there is no ignore file\n"
    );
    assert_eq!(v.check.code, Some(1));
    says(
        &v.check,
        "stdout",
        "CX014 [warning] `huge.bin` is 10.0 GiB (the threshold is 50.0 MiB)",
    );
}

#[test]
fn why_of_a_missing_path_finishes_its_sentence() {
    // Found by this suite: with no ignore file (or no matching pattern), `--why` of a path that
    // does not exist printed "… if it did, it would be" and stopped.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    dockerfile(root);
    let run = pristine(root, &["context", "--why", "nope.py"], SMALL);
    assert_eq!(run.code, Some(0));
    assert_eq!(
        run.stdout(),
        "`nope.py` does not exist in the context directory; if it did, it would be sent: there is no ignore file\n"
    );
    fs::write(root.join(".dockerignore"), "*.txt\n").unwrap();
    let run = pristine(root, &["context", "--why", "nope.py"], SMALL);
    assert_eq!(
        run.stdout(),
        "`nope.py` does not exist in the context directory; if it did, it would be sent: no pattern in .dockerignore matches it\n"
    );
}

// ---------------------------------------------------------------- images

/// A ustar member; names over 100 bytes get a PAX `path` record.
struct Member<'a> {
    name: &'a str,
    kind: u8,
    body: &'a [u8],
    link: &'a str,
    /// A size field that lies.
    size: Option<u64>,
}

fn member<'a>(name: &'a str, body: &'a [u8]) -> Member<'a> {
    Member {
        name,
        kind: b'0',
        body,
        link: "",
        size: None,
    }
}

fn link<'a>(name: &'a str, kind: u8, target: &'a str) -> Member<'a> {
    Member {
        kind,
        link: target,
        ..member(name, b"")
    }
}

fn header(name: &[u8], kind: u8, size: u64, link: &[u8]) -> [u8; 512] {
    fn octal(field: &mut [u8], value: u64) {
        let text = format!("{value:0width$o}", width = field.len() - 1);
        field[..text.len()].copy_from_slice(text.as_bytes());
    }
    let mut h = [0u8; 512];
    let n = name.len().min(100);
    h[..n].copy_from_slice(&name[..n]);
    octal(&mut h[100..108], 0o644);
    octal(&mut h[108..116], 0);
    octal(&mut h[116..124], 0);
    octal(&mut h[124..136], size);
    octal(&mut h[136..148], 0);
    h[156] = kind;
    let l = link.len().min(100);
    h[157..157 + l].copy_from_slice(&link[..l]);
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u64 = h.iter().map(|&b| u64::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    h
}

fn pad(out: &mut Vec<u8>) {
    out.resize(out.len().next_multiple_of(512), 0);
}

fn tar(members: &[Member], end: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for m in members {
        if m.name.len() > 100 {
            let body = format!(" path={}\n", m.name);
            let mut len = body.len() + 1;
            while format!("{len}{body}").len() != len {
                len += 1;
            }
            let record = format!("{len}{body}");
            out.extend_from_slice(&header(b"PaxHeader", b'x', record.len() as u64, b""));
            out.extend_from_slice(record.as_bytes());
            pad(&mut out);
        }
        let size = m.size.unwrap_or(m.body.len() as u64);
        out.extend_from_slice(&header(m.name.as_bytes(), m.kind, size, m.link.as_bytes()));
        out.extend_from_slice(m.body);
        pad(&mut out);
    }
    if end {
        out.extend_from_slice(&[0u8; 1024]);
    }
    out
}

fn gzip(data: &[u8], level: &str) -> Vec<u8> {
    let mut child = Command::new("gzip")
        .args(["-c", level, "-n"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("gzip");
    let mut stdin = child.stdin.take().unwrap();
    let data = data.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success());
    out.stdout
}

/// A `docker save` tarball of these layers.
fn docker_archive(layers: &[Vec<u8>]) -> Vec<u8> {
    let config = br#"{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/local/bin:/usr/bin:/bin"],"Cmd":["python3"]},"history":[{"created_by":"x"}]}"#;
    let names: Vec<String> = (0..layers.len())
        .map(|i| format!("layer{i}/layer.tar"))
        .collect();
    let manifest = format!(
        r#"[{{"Config":"cfg.json","RepoTags":["hostile:latest"],"Layers":[{}]}}]"#,
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(",")
    );
    let mut members: Vec<Member> = names
        .iter()
        .zip(layers)
        .map(|(n, l)| member(n, l))
        .collect();
    members.push(member("cfg.json", config));
    members.push(member("manifest.json", manifest.as_bytes()));
    tar(&members, true)
}

fn image(layers: &[Vec<u8>], bounds: Bounds) -> Run {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("img.tar"), docker_archive(layers)).unwrap();
    let run = pristine(
        tmp.path(),
        &["image", "img.tar", "--output-format", "concise"],
        bounds,
    );
    says_each_cause_once(&run);
    run
}

/// An error chain names each cause once. Found by this suite: every layer and I/O error of
/// `pristine image` ended with its cause twice ("…: truncated at byte 1: truncated at byte 1"),
/// because the cause was both in the message and the `#[source]`.
#[track_caller]
fn says_each_cause_once(run: &Run) {
    for line in run.stderr.lines().filter(|l| l.starts_with("error:")) {
        let parts: Vec<&str> = line.split(": ").collect();
        assert!(
            !parts.windows(2).any(|w| w[0] == w[1]),
            "{}: a cause is repeated: {line}",
            run.what
        );
    }
}

fn base() -> Vec<u8> {
    tar(
        &[
            member("etc/os-release", b"ID=debian\n"),
            member("usr/local/bin/python3.11", b"#!/bin/sh\n"),
        ],
        true,
    )
}

#[test]
fn image_member_escaping_with_dot_dot_is_refused() {
    let run = image(
        &[
            base(),
            tar(&[member("../../etc/passwd", b"root::0:0")], true),
        ],
        SMALL,
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    says(
        &run,
        "stderr",
        "member `../../etc/passwd` escapes the image root (Docker refuses to apply such a layer)",
    );
    assert!(!Path::new("/etc/passwd").exists() || fs::read("/etc/passwd").unwrap() != b"root::0:0");
}

#[test]
fn image_absolute_member_names_stay_below_the_root() {
    let run = image(&[base(), tar(&[member("/etc/hostile", b"x")], true)], SMALL);
    assert!(matches!(run.code, Some(0 | 1)), "{run:?}");
    says(&run, "stdout", "Found");
    assert!(!Path::new("/etc/hostile").exists());
}

#[test]
fn image_hardlink_outside_is_refused() {
    let run = image(
        &[
            base(),
            tar(
                &[link("etc/shadow-link", b'1', "../../../etc/shadow")],
                true,
            ),
        ],
        SMALL,
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    says(
        &run,
        "stderr",
        "layer 2 (`layer1/layer.tar`): hardlink `etc/shadow-link` points outside the image root: `../../../etc/shadow`",
    );
}

#[test]
fn image_symlink_loops_and_chains_resolve_boundedly() {
    let names: Vec<(String, String)> = (0..200)
        .map(|i| (format!("chain/{i}"), format!("{}", i + 1)))
        .collect();
    let mut members = vec![
        link("loop/a", b'2', "b"),
        link("loop/b", b'2', "a"),
        link("usr/local/bin/python", b'2', "python"),
        link("escape", b'2', "../../../../etc/passwd"),
        link("lib/deep", b'2', "/lib/deep/x"),
    ];
    members.extend(names.iter().map(|(n, t)| link(n, b'2', t)));
    members.push(member("chain/200", b"end"));
    let run = image(&[base(), tar(&members, true)], SMALL);
    assert!(matches!(run.code, Some(0 | 1)), "{run:?}");
}

#[test]
fn image_huge_header_is_refused_without_reading_it() {
    let mut layer = header(b"PaxHeader", b'x', 10 << 30, b"").to_vec();
    layer.extend_from_slice(&[b'a'; 4096]);
    let run = image(&[base(), layer], SMALL);
    assert_eq!(run.code, Some(2), "{run:?}");
    says(
        &run,
        "stderr",
        "of 10737418240 bytes at byte 0 exceeds the limit of",
    );
}

#[test]
fn image_gzip_bomb_stops_at_the_limit() {
    // A member claiming 6 GiB, then 64 concatenated gzip members of 64 MiB of zeros each: 4 GiB
    // of tar from ~4 MiB of gzip. pristine's limit (the larger of 1 GiB and 200× the compressed
    // size) stops it after 1 GiB of output.
    let zeros = gzip(&vec![0u8; 64 << 20], "-9");
    let mut blob = gzip(&header(b"bomb", b'0', 6 << 30, b""), "-1");
    for _ in 0..64 {
        blob.extend_from_slice(&zeros);
    }
    let run = image(
        &[base(), blob],
        Bounds {
            seconds: 60,
            peak_mb: 200,
        },
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    says(&run, "stderr", "(a decompression bomb?)");
}

#[test]
fn image_truncated_layers_are_reported() {
    let full = tar(&[member("a", &[7u8; 5000]), member("b", b"x")], true);
    let cut_body = image(&[base(), full[..2048].to_vec()], SMALL);
    assert_eq!(cut_body.code, Some(2), "{cut_body:?}");
    says(
        &cut_body,
        "stderr",
        "layer 2 (`layer1/layer.tar`): truncated at byte",
    );
    let no_end = image(&[base(), tar(&[member("a", b"x")], false)], SMALL);
    assert_eq!(no_end.code, Some(2), "{no_end:?}");
    let gz = gzip(&full, "-1");
    let cut_gzip = image(&[base(), gz[..gz.len() / 2].to_vec()], SMALL);
    assert_eq!(cut_gzip.code, Some(2), "{cut_gzip:?}");
    // The outer archive cut short.
    let tmp = tempfile::tempdir().unwrap();
    let archive = docker_archive(&[base(), full]);
    fs::write(tmp.path().join("img.tar"), &archive[..archive.len() - 1500]).unwrap();
    let outer = pristine(tmp.path(), &["image", "img.tar"], SMALL);
    assert_eq!(outer.code, Some(2), "{outer:?}");
    says_each_cause_once(&outer);
}
