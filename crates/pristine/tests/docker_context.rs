//! Differential tests: `pristine context DIR -f DOCKERFILE --list` against what
//! real Docker (BuildKit) puts into the build context.
//!
//! Ignored by default (they need a Docker engine >= 23 with buildx); run them with
//! `scripts/test-docker`, which starts one (see `docs/docker-testing.md`).
//!
//! * `reference_cases`: every case of `context-cases.json` (directory from
//!   `PRISTINE_REFERENCE_DIR`, default `<repo>/../shared/reference`) through real
//!   BuildKit and through pristine; asserts real Docker == pristine and
//!   pristine == the recorded `buildkit_modern` column, and reports (also as a
//!   failure) any case where real Docker disagrees with the recording.
//! * `generated_cases`: `PRISTINE_DOCKER_CASES` (default 300) random trees and
//!   ignore files from a seeded generator (`PRISTINE_DOCKER_SEED`, printed).
//!
//! How Docker is asked: one `docker buildx build` per batch of cases. Each case
//! is a named build context (`--build-context cK=DIR`, which BuildKit loads with
//! that directory's own `.dockerignore`) copied by `COPY --from=cK . /cK/` into a
//! `FROM scratch` stage that is exported with `--output type=local`. A case that
//! needs its own Dockerfile (`-f`, per-Dockerfile `X.dockerignore`) is the
//! batch's main context instead (`COPY . /main/`, at most one per batch). A
//! failing batch is split in halves until the failing case is alone, so a build
//! error is attributed to exactly one case. `PRISTINE_DOCKER_BATCH=0` builds
//! every case alone as the main context (the oracle's method, slow).
//!
//! Environment: `PRISTINE_BIN` (binary under test, default: this crate's),
//! `PRISTINE_DOCKER_SEED`, `PRISTINE_DOCKER_CASES`, `PRISTINE_DOCKER_BATCH`
//! (default 25), `PRISTINE_DOCKER_JOBS` (parallel builds, default 2), `PRISTINE_DOCKER_ONLY` (comma-separated case names or
//! generated-case numbers), `PRISTINE_DOCKER_DUMP` (write Docker's results as
//! JSON to this path prefix), `PRISTINE_DOCKER_KEEP=1` (keep the temp dirs),
//! `PRISTINE_DOCKER` (docker CLI), `PRISTINE_DOCKER_BUILDX` (buildx plugin),
//! `PRISTINE_DOCKER_VERBOSE=1` (one line per build).

#![allow(clippy::print_stderr, clippy::print_stdout)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;

use common::pristine_bin;

/// The Dockerfile pristine is shown (Docker gets a batch Dockerfile at the same path).
const DOCKERFILE_TEXT: &str = "FROM scratch\nCOPY . /ctx/\n";
const DEFAULT_CASES: usize = 300;
const DEFAULT_BATCH: usize = 25;
const DEFAULT_JOBS: usize = 2;
const PRISTINE_TIMEOUT: Duration = Duration::from_secs(60);
const MAX_REPORTED: usize = 15;

// ---------------------------------------------------------------- cases

#[derive(Clone, Debug)]
enum Node {
    File(Vec<u8>),
    Dir,
    Symlink(String),
    Fifo,
}

#[derive(Clone, Debug)]
enum DockerfileSpec {
    /// `Dockerfile` in a directory outside the context, no ignore file beside it.
    Default,
    /// A Dockerfile at this context-relative path (written over whatever is there).
    Inside(String),
    /// `name` outside the context, with `name.dockerignore` beside it if `ignore` is set.
    Outside {
        name: String,
        ignore: Option<Vec<u8>>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    /// Sorted paths; empty directories with a trailing `/`.
    List(Vec<String>),
    /// The build fails (Docker) / exit status 2 (pristine). Texts are not compared.
    Error(String),
    /// pristine did something not allowed (other exit status, bad output); never agrees.
    Bad(String),
}

fn agree(a: &Outcome, b: &Outcome) -> bool {
    match (a, b) {
        (Outcome::List(x), Outcome::List(y)) => x == y,
        (Outcome::Error(_), Outcome::Error(_)) => true,
        _ => false,
    }
}

#[derive(Clone, Debug)]
struct Case {
    name: String,
    /// Context-relative `/`-separated paths; parents are created implicitly.
    tree: BTreeMap<String, Node>,
    dockerfile: DockerfileSpec,
    /// Files written at absolute paths outside the context (reference cases only).
    outside_files: Vec<(PathBuf, Vec<u8>)>,
    /// The recorded `buildkit_modern` result (reference cases only).
    recorded: Option<Outcome>,
    /// How to regenerate the case (generated cases only).
    regenerate: Option<String>,
}

/// A case materialised on disk.
struct Prepared {
    case: Case,
    /// `<base>/ctx` is the context, `<base>/df` holds an outside Dockerfile.
    base: PathBuf,
    ctx: PathBuf,
    /// The `-f` argument.
    df: PathBuf,
}

fn write_node(path: &Path, node: &Node) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir {}: {e}", parent.display()));
    }
    match node {
        Node::File(data) => {
            if fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
                fs::remove_dir_all(path).unwrap();
            }
            fs::write(path, data).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        }
        Node::Dir => {
            fs::create_dir_all(path).unwrap_or_else(|e| panic!("mkdir {}: {e}", path.display()));
        }
        Node::Symlink(target) => std::os::unix::fs::symlink(target, path)
            .unwrap_or_else(|e| panic!("symlink {}: {e}", path.display())),
        Node::Fifo => {
            let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
            assert!(status.success(), "mkfifo {} failed", path.display());
        }
    }
}

fn prepare(case: Case, base: PathBuf) -> Prepared {
    let ctx = base.join("ctx");
    let dfdir = base.join("df");
    fs::create_dir_all(&ctx).unwrap();
    fs::create_dir_all(&dfdir).unwrap();
    for (path, data) in &case.outside_files {
        fs::write(path, data).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
    for (rel, node) in &case.tree {
        write_node(&ctx.join(rel), node);
    }
    let df = match &case.dockerfile {
        DockerfileSpec::Default => dfdir.join("Dockerfile"),
        DockerfileSpec::Inside(rel) => ctx.join(rel),
        DockerfileSpec::Outside { name, ignore } => {
            if let Some(ignore) = ignore {
                fs::write(dfdir.join(format!("{name}.dockerignore")), ignore).unwrap();
            }
            dfdir.join(name)
        }
    };
    write_node(&df, &Node::File(DOCKERFILE_TEXT.into()));
    Prepared {
        case,
        base,
        ctx,
        df,
    }
}

// ---------------------------------------------------------------- listings

fn render(list: &[String]) -> String {
    list.iter().fold(String::new(), |mut out, p| {
        out.push_str(p);
        out.push('\n');
        out
    })
}

/// What `COPY` produced below `root`: files, symlinks, fifos and empty dirs (`x/`).
fn listing(root: &Path) -> Vec<String> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) {
        let mut entries: Vec<_> = fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("read_dir {}: {e}", dir.display()))
            .map(|e| e.unwrap().file_name())
            .collect();
        if entries.is_empty() && !rel.is_empty() {
            out.push(format!("{rel}/"));
        }
        entries.sort();
        for name in entries {
            let name_str = String::from_utf8_lossy(name.as_bytes()).into_owned();
            let child_rel = if rel.is_empty() {
                name_str
            } else {
                format!("{rel}/{name_str}")
            };
            let path = dir.join(&name);
            if fs::symlink_metadata(&path).unwrap().is_dir() {
                walk(&path, &child_rel, out);
            } else {
                out.push(child_rel);
            }
        }
    }
    let mut out = Vec::new();
    if root.is_dir() {
        walk(root, "", &mut out);
    }
    out.sort();
    out
}

// ---------------------------------------------------------------- pristine

fn pristine_command(bin: &Path, p: &Prepared) -> Command {
    let mut cmd = Command::new(bin);
    cmd.arg("context")
        .arg(&p.ctx)
        .arg("-f")
        .arg(&p.df)
        .arg("--list");
    cmd
}

fn run_pristine(bin: &Path, p: &Prepared) -> Outcome {
    let out_path = p.base.join("pristine.stdout");
    let err_path = p.base.join("pristine.stderr");
    let mut child = pristine_command(bin, p)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out_path).unwrap())
        .stderr(fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > PRISTINE_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Outcome::Bad(format!("timed out after {PRISTINE_TIMEOUT:?}"));
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let stdout = fs::read(&out_path).unwrap();
    let stderr = String::from_utf8_lossy(&fs::read(&err_path).unwrap())
        .trim()
        .to_owned();
    match status.code() {
        Some(0) => match String::from_utf8(stdout) {
            Err(_) => Outcome::Bad("stdout is not UTF-8".into()),
            Ok(s) if !s.is_empty() && !s.ends_with('\n') => {
                Outcome::Bad(format!("stdout does not end with a newline: {s:?}"))
            }
            Ok(s) => Outcome::List(s.lines().map(str::to_owned).collect()),
        },
        Some(2) if stdout.is_empty() => Outcome::Error(stderr),
        Some(2) => Outcome::Bad(format!(
            "exit 2 with output on stdout: {:?}; stderr: {stderr}",
            String::from_utf8_lossy(&stdout)
        )),
        code => Outcome::Bad(format!("exit status {code:?}; stderr: {stderr}")),
    }
}

/// pristine prints one path per line, so compare the rendered text
/// (a name with a newline in it is two lines on both sides).
fn pristine_agrees(docker: &Outcome, ours: &Outcome) -> bool {
    match (docker, ours) {
        (Outcome::List(d), Outcome::List(o)) => render(d) == render(o),
        _ => agree(docker, ours),
    }
}

// ---------------------------------------------------------------- docker

struct Docker {
    cli: PathBuf,
    /// Private DOCKER_CONFIG with only the buildx plugin linked in, so no user
    /// configuration (builder selection, aliases) can leak into the builds.
    config: tempfile::TempDir,
    batch: usize,
    /// Builds run in parallel.
    jobs: usize,
    builds: std::sync::atomic::AtomicUsize,
}

fn find_buildx() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PRISTINE_DOCKER_BUILDX") {
        return Some(PathBuf::from(p));
    }
    let mut dirs = Vec::new();
    if let Some(cfg) = std::env::var_os("DOCKER_CONFIG") {
        dirs.push(PathBuf::from(cfg).join("cli-plugins"));
    } else if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".docker/cli-plugins"));
    }
    for d in [
        "/usr/local/lib/docker/cli-plugins",
        "/usr/local/libexec/docker/cli-plugins",
        "/usr/lib/docker/cli-plugins",
        "/usr/libexec/docker/cli-plugins",
        "/opt/docker-modern/usr/libexec/docker/cli-plugins",
    ] {
        dirs.push(PathBuf::from(d));
    }
    dirs.into_iter()
        .map(|d| d.join("docker-buildx"))
        .find(|p| p.is_file())
}

fn find_cli() -> PathBuf {
    if let Some(p) = std::env::var_os("PRISTINE_DOCKER") {
        return PathBuf::from(p);
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .chain([PathBuf::from("/opt/docker-modern/usr/bin")])
        .map(|d| d.join("docker"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("docker"))
}

impl Docker {
    fn connect(batch: usize) -> Docker {
        let cli = find_cli();
        let buildx = find_buildx().expect(
            "docker buildx plugin not found (set PRISTINE_DOCKER_BUILDX or run scripts/test-docker)",
        );
        let config = tempfile::Builder::new()
            .prefix("pristine-docker-config-")
            .tempdir()
            .unwrap();
        fs::write(config.path().join("config.json"), "{}\n").unwrap();
        fs::create_dir(config.path().join("cli-plugins")).unwrap();
        std::os::unix::fs::symlink(&buildx, config.path().join("cli-plugins/docker-buildx"))
            .unwrap();
        let docker = Docker {
            cli,
            config,
            batch,
            jobs: env_usize("PRISTINE_DOCKER_JOBS", DEFAULT_JOBS),
            builds: 0.into(),
        };
        let version = docker
            .command()
            .args([
                "version",
                "--format",
                "{{.Server.Version}} (client {{.Client.Version}})",
            ])
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", docker.cli.display()));
        let version_text = String::from_utf8_lossy(&version.stdout).trim().to_owned();
        assert!(
            version.status.success() && !version_text.is_empty(),
            "no Docker engine answers ({} version: {}); run scripts/test-docker",
            docker.cli.display(),
            String::from_utf8_lossy(&version.stderr).trim()
        );
        let major: u32 = version_text
            .split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or(0);
        assert!(
            major >= 23,
            "need a Docker engine >= 23 (BuildKit via buildx), got {version_text}"
        );
        let buildx_version = docker
            .command()
            .args(["buildx", "version"])
            .output()
            .unwrap();
        assert!(
            buildx_version.status.success(),
            "`docker buildx version` fails with {}: {}",
            buildx.display(),
            String::from_utf8_lossy(&buildx_version.stderr).trim()
        );
        eprintln!(
            "docker_context: engine {version_text}, {} via {}, DOCKER_HOST={}",
            String::from_utf8_lossy(&buildx_version.stdout).trim(),
            docker.cli.display(),
            std::env::var("DOCKER_HOST").unwrap_or_default()
        );
        docker
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.cli);
        for var in [
            "DOCKER_CONTEXT",
            "BUILDX_BUILDER",
            "BUILDKIT_PROGRESS",
            "DOCKER_DEFAULT_PLATFORM",
            "BUILDX_NO_DEFAULT_ATTESTATIONS",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("DOCKER_CONFIG", self.config.path());
        cmd.env("BUILDX_CONFIG", self.config.path().join("buildx"));
        cmd
    }

    /// One build of `group` (at most one case that [`needs_main_context`], or,
    /// unbatched, exactly one case): the listing of every case, or the error
    /// with the position of the case whose context failed, when BuildKit names it.
    fn build(&self, work: &Path, group: &[&Prepared]) -> Result<Vec<Outcome>, BuildError> {
        let build_no = self
            .builds
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        let dir = work.join(format!("build-{build_no}"));
        let out = dir.join("out");
        fs::create_dir_all(&dir).unwrap();
        let main = group
            .iter()
            .position(|p| self.batch == 0 || needs_main_context(&p.case));
        let mut dockerfile = String::from("FROM scratch\n");
        let mut args: Vec<std::ffi::OsString> = Vec::new();
        for (k, p) in group.iter().enumerate() {
            if Some(k) == main {
                dockerfile.push_str("COPY . /main/\n");
            } else {
                let _ = writeln!(dockerfile, "COPY --from=c{k} . /c{k}/");
                let mut arg = std::ffi::OsString::from(format!("c{k}="));
                arg.push(&p.ctx);
                args.push("--build-context".into());
                args.push(arg);
            }
        }
        let (context, df_path) = if let Some(k) = main {
            (group[k].ctx.clone(), group[k].df.clone())
        } else {
            let empty = dir.join("empty-context");
            fs::create_dir_all(&empty).unwrap();
            (empty, dir.join("Dockerfile"))
        };
        fs::write(&df_path, &dockerfile).unwrap();
        let mut dest = std::ffi::OsString::from("type=local,dest=");
        dest.push(&out);
        let started = Instant::now();
        let mut result = Ok(());
        for _attempt in 0..3 {
            let output = self
                .command()
                .args([
                    "buildx",
                    "build",
                    "--progress=plain",
                    "--no-cache",
                    "--network=none",
                ])
                .arg("--output")
                .arg(&dest)
                .arg("-f")
                .arg(&df_path)
                .args(&args)
                .arg(&context)
                .stdin(Stdio::null())
                .output()
                .expect("docker buildx build");
            if output.status.success() {
                result = Ok(());
                break;
            }
            let error = BuildError::parse(&String::from_utf8_lossy(&output.stderr), main);
            // buildx sometimes reports a failing context transfer only as
            // "context canceled"; retry to get the real error (as the oracle does).
            let retry = error.text.contains("context canceled");
            result = Err(error);
            if !retry {
                break;
            }
            let _ = fs::remove_dir_all(&out);
        }
        if std::env::var_os("PRISTINE_DOCKER_VERBOSE").is_some() {
            eprintln!(
                "docker_context: build {build_no}: {} cases{} in {:.2}s: {}",
                group.len(),
                if main.is_some() {
                    " (one as main context)"
                } else {
                    ""
                },
                started.elapsed().as_secs_f64(),
                result.as_ref().map_or_else(|e| e.text.as_str(), |()| "ok")
            );
        }
        // pristine was shown DOCKERFILE_TEXT at this path: keep it so for reproducers
        if main.is_some() {
            fs::write(&df_path, DOCKERFILE_TEXT).unwrap();
        }
        result?;
        let outcomes = (0..group.len())
            .map(|k| {
                let sub = if Some(k) == main {
                    "main".to_owned()
                } else {
                    format!("c{k}")
                };
                Outcome::List(listing(&out.join(sub)))
            })
            .collect();
        fs::remove_dir_all(&dir).unwrap();
        Ok(outcomes)
    }

    /// Builds `group` (case numbers with their cases); when the build fails, the
    /// case BuildKit blames is built alone (its own error) and the rest again;
    /// without a culprit the group is split in halves.
    fn solve(
        &self,
        work: &Path,
        group: &[(usize, &Prepared)],
        results: &mut Vec<(usize, Outcome)>,
    ) {
        let members: Vec<&Prepared> = group.iter().map(|&(_, p)| p).collect();
        match self.build(work, &members) {
            Ok(outcomes) => results.extend(group.iter().map(|&(i, _)| i).zip(outcomes)),
            Err(err) if group.len() == 1 => results.push((group[0].0, Outcome::Error(err.text))),
            Err(BuildError {
                culprit: Some(k), ..
            }) if k < group.len() => {
                self.solve(work, &group[k..=k], results);
                let rest: Vec<(usize, &Prepared)> = group
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != k)
                    .map(|(_, &m)| m)
                    .collect();
                self.solve(work, &rest, results);
            }
            Err(_) => {
                let (a, b) = group.split_at(group.len() / 2);
                self.solve(work, a, results);
                self.solve(work, b, results);
            }
        }
    }

    /// Docker's outcome for every case, in order.
    fn run_all(&self, work: &Path, cases: &[Prepared]) -> Vec<Outcome> {
        let groups = self.groups(cases);
        let queue = std::sync::Mutex::new(groups.into_iter());
        let results = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..self.jobs.max(1) {
                scope.spawn(|| {
                    loop {
                        let Some(group) = queue.lock().unwrap().next() else {
                            break;
                        };
                        let members: Vec<(usize, &Prepared)> =
                            group.iter().map(|&i| (i, &cases[i])).collect();
                        let mut solved = Vec::new();
                        self.solve(work, &members, &mut solved);
                        results.lock().unwrap().extend(solved);
                    }
                });
            }
        });
        let mut outcomes: Vec<Option<Outcome>> = vec![None; cases.len()];
        for (i, outcome) in results.into_inner().unwrap() {
            outcomes[i] = Some(outcome);
        }
        outcomes
            .into_iter()
            .map(|o| o.expect("every case has a result"))
            .collect()
    }

    /// Case numbers per build: named contexts spread evenly over the builds, at
    /// most `batch` of them and at most one case that needs the main context each.
    fn groups(&self, cases: &[Prepared]) -> Vec<Vec<usize>> {
        if self.batch == 0 {
            return (0..cases.len()).map(|i| vec![i]).collect();
        }
        let (mains, named): (Vec<usize>, Vec<usize>) =
            (0..cases.len()).partition(|&i| needs_main_context(&cases[i].case));
        let count = named.len().div_ceil(self.batch).max(mains.len()).max(1);
        let mut groups: Vec<Vec<usize>> = vec![Vec::new(); count];
        for (n, i) in named.into_iter().enumerate() {
            groups[n % count].push(i);
        }
        for (n, i) in mains.into_iter().enumerate() {
            groups[n].push(i);
        }
        groups.retain(|g| !g.is_empty());
        groups
    }
}

/// Whether Docker must see the case as the main build context: only there does
/// BuildKit look for a per-Dockerfile `<Dockerfile>.dockerignore`. Everything
/// else behaves the same in a named context (the Dockerfile itself is an
/// ordinary file of the context for BuildKit). Verified: `PRISTINE_DOCKER_BATCH=0`
/// (every case as the main context) gives the same results.
fn needs_main_context(case: &Case) -> bool {
    match &case.dockerfile {
        DockerfileSpec::Default => false,
        DockerfileSpec::Outside { ignore, .. } => ignore.is_some(),
        DockerfileSpec::Inside(rel) => {
            // the ignore file (of any type), or a symlink on the way to the Dockerfile
            case.tree.contains_key(&format!("{rel}.dockerignore"))
                || case.tree.iter().any(|(p, n)| {
                    matches!(n, Node::Symlink(_)) && rel.starts_with(&format!("{p}/"))
                })
        }
    }
}

struct BuildError {
    text: String,
    /// Position in the group of the case whose context BuildKit reports as failing.
    culprit: Option<usize>,
}

impl BuildError {
    fn parse(stderr: &str, main: Option<usize>) -> BuildError {
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        let text = lines
            .iter()
            .rev()
            .find(|l| l.starts_with("ERROR"))
            .map_or_else(
                || {
                    lines
                        .iter()
                        .rev()
                        .take(3)
                        .rev()
                        .copied()
                        .collect::<Vec<_>>()
                        .join(" | ")
                },
                |l| (*l).to_owned(),
            );
        // the failing vertex: " > [context c7] load from client:" or " > [internal] load ..."
        let culprit = lines.iter().find_map(|l| {
            let vertex = l.strip_prefix(" > [")?;
            if let Some(rest) = vertex.strip_prefix("context c") {
                rest.split(']').next()?.parse().ok()
            } else if vertex.starts_with("internal]") {
                main
            } else {
                None
            }
        });
        BuildError { text, culprit }
    }
}

// ---------------------------------------------------------------- reports

fn describe_outcome(o: &Outcome) -> String {
    match o {
        Outcome::List(l) if l.is_empty() => "    (nothing)\n".to_owned(),
        Outcome::List(l) => l.iter().fold(String::new(), |mut out, p| {
            let _ = writeln!(out, "    {p:?}");
            out
        }),
        Outcome::Error(e) => format!("    ERROR: {e}\n"),
        Outcome::Bad(e) => format!("    BAD: {e}\n"),
    }
}

fn describe_diff(a: &Outcome, b: &Outcome, a_name: &str, b_name: &str) -> String {
    let (Outcome::List(a), Outcome::List(b)) = (a, b) else {
        return String::new();
    };
    let a_set: BTreeSet<&String> = a.iter().collect();
    let b_set: BTreeSet<&String> = b.iter().collect();
    let mut out = String::new();
    for p in a_set.difference(&b_set) {
        let _ = writeln!(out, "    only in {a_name}: {p:?}");
    }
    for p in b_set.difference(&a_set) {
        let _ = writeln!(out, "    only in {b_name}: {p:?}");
    }
    out
}

fn describe_tree(case: &Case) -> String {
    let mut out = String::new();
    for (path, node) in &case.tree {
        let _ = match node {
            Node::File(data) if path.ends_with(".dockerignore") || path == "ignore.txt" => {
                writeln!(out, "    f {path:?} = {:?}", String::from_utf8_lossy(data))
            }
            Node::File(_) => writeln!(out, "    f {path:?}"),
            Node::Dir => writeln!(out, "    d {path:?}"),
            Node::Symlink(t) => writeln!(out, "    l {path:?} -> {t:?}"),
            Node::Fifo => writeln!(out, "    p {path:?}"),
        };
    }
    match &case.dockerfile {
        DockerfileSpec::Default => {}
        DockerfileSpec::Inside(rel) => {
            let _ = writeln!(out, "    -f {rel:?} (inside the context)");
        }
        DockerfileSpec::Outside { name, ignore } => {
            let _ = writeln!(
                out,
                "    -f ../df/{name:?} (outside), {name}.dockerignore = {:?}",
                ignore
                    .as_ref()
                    .map(|i| String::from_utf8_lossy(i).into_owned())
            );
        }
    }
    out
}

fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A `printf` format argument that prints exactly `data`.
fn sh_printf(data: &[u8]) -> String {
    let mut out = String::from("'");
    for &b in data {
        match b {
            b'\\' => out.push_str(r"\\"),
            b'%' => out.push_str("%%"),
            b'\'' => out.push_str(r"'\''"),
            b'\n' => out.push_str(r"\n"),
            b' '..=b'~' => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out.push('\'');
    out
}

/// A shell script that rebuilds the case in a temp dir and runs pristine and the oracle.
fn reproducer(p: &Prepared) -> String {
    let case = &p.case;
    let mut s =
        String::from("d=$(mktemp -d) && mkdir -p \"$d/ctx\" \"$d/df\" && cd \"$d/ctx\" && (\n");
    for (path, data) in &case.outside_files {
        let _ = writeln!(
            s,
            "  printf {} > {}",
            sh_printf(data),
            sh_quote(&path.to_string_lossy())
        );
    }
    for (path, node) in &case.tree {
        let q = sh_quote(path);
        if let Some((parent, _)) = path.rsplit_once('/') {
            let _ = write!(s, "  mkdir -p {} && ", sh_quote(parent));
        } else {
            s.push_str("  ");
        }
        let _ = match node {
            Node::File(data) => writeln!(s, "printf {} > {q}", sh_printf(data)),
            Node::Dir => writeln!(s, "mkdir -p {q}"),
            Node::Symlink(t) => writeln!(s, "ln -s {} {q}", sh_quote(t)),
            Node::Fifo => writeln!(s, "mkfifo {q}"),
        };
    }
    let df = match &case.dockerfile {
        DockerfileSpec::Default => "$d/df/Dockerfile".to_owned(),
        DockerfileSpec::Inside(rel) => format!("$d/ctx/{rel}"),
        DockerfileSpec::Outside { name, ignore } => {
            if let Some(ignore) = ignore {
                let _ = writeln!(
                    s,
                    "  printf {} > \"$d/df/\"{}",
                    sh_printf(ignore),
                    sh_quote(&format!("{name}.dockerignore"))
                );
            }
            format!("$d/df/{name}")
        }
    };
    let _ = writeln!(
        s,
        "  printf {} > \"{df}\"\n)",
        sh_printf(DOCKERFILE_TEXT.as_bytes())
    );
    let _ = writeln!(s, "pristine context \"$d/ctx\" -f \"{df}\" --list");
    let _ = writeln!(
        s,
        "shared/oracle/docker-context --dirs -f \"{df}\" \"$d/ctx\""
    );
    s
}

fn report(case_no: usize, p: &Prepared, docker: &Outcome, ours: &Outcome) -> String {
    let case = &p.case;
    let mut s = format!("=== case {case_no} {:?}\n", case.name);
    if let Some(how) = &case.regenerate {
        let _ = writeln!(s, "  regenerate: {how}");
    }
    let _ = write!(
        s,
        "  tree (context {}):\n{}",
        p.ctx.display(),
        describe_tree(case)
    );
    let _ = write!(s, "  real Docker:\n{}", describe_outcome(docker));
    let _ = write!(s, "  pristine:\n{}", describe_outcome(ours));
    if let Some(rec) = &case.recorded {
        let _ = write!(s, "  recorded buildkit_modern:\n{}", describe_outcome(rec));
    }
    s.push_str(&describe_diff(docker, ours, "Docker", "pristine"));
    let _ = write!(s, "  reproducer (sh):\n{}", reproducer(p));
    s
}

// ---------------------------------------------------------------- driver

fn env_usize(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        _ => default,
    }
}

fn only_filter() -> Option<BTreeSet<String>> {
    let v = std::env::var("PRISTINE_DOCKER_ONLY").ok()?;
    let set: BTreeSet<String> = v
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    (!set.is_empty()).then_some(set)
}

fn ms_per(d: Duration, n: usize) -> f64 {
    d.as_secs_f64() * 1000.0 / f64::from(u32::try_from(n.max(1)).unwrap_or(u32::MAX))
}

/// Runs all cases through Docker and pristine; returns the failure reports.
fn run_differential(label: &str, cases: Vec<Case>) -> Vec<String> {
    let total = Instant::now();
    let work = tempfile::Builder::new()
        .prefix(&format!("pristine-docker-{label}-"))
        .tempdir()
        .unwrap();
    let keep = std::env::var_os("PRISTINE_DOCKER_KEEP").is_some_and(|v| v == "1");
    let prepared: Vec<Prepared> = cases
        .into_iter()
        .enumerate()
        .map(|(i, c)| prepare(c, work.path().join(format!("case-{i}"))))
        .collect();
    let t_prepare = total.elapsed();

    let bin = pristine_bin();
    let start = Instant::now();
    let ours: Vec<Outcome> = prepared.iter().map(|p| run_pristine(&bin, p)).collect();
    let t_pristine = start.elapsed();

    let docker = Docker::connect(env_usize("PRISTINE_DOCKER_BATCH", DEFAULT_BATCH));
    let start = Instant::now();
    let theirs = docker.run_all(work.path(), &prepared);
    let t_docker = start.elapsed();

    if let Ok(prefix) = std::env::var("PRISTINE_DOCKER_DUMP") {
        let dump: serde_json::Map<String, Value> = prepared
            .iter()
            .zip(&theirs)
            .map(|(p, o)| {
                let v = match o {
                    Outcome::List(l) => serde_json::json!(l),
                    Outcome::Error(e) | Outcome::Bad(e) => serde_json::json!({ "error": e }),
                };
                (p.case.name.clone(), v)
            })
            .collect();
        let path = format!("{prefix}{label}.json");
        fs::write(&path, serde_json::to_string_pretty(&dump).unwrap()).unwrap();
        eprintln!("docker_context: wrote Docker's results to {path}");
    }

    let mut failures = Vec::new();
    let mut counts = BTreeMap::<&str, usize>::new();
    for (i, ((p, d), o)) in prepared.iter().zip(&theirs).zip(&ours).enumerate() {
        let mut problems = Vec::new();
        if !pristine_agrees(d, o) {
            problems.push("pristine != real Docker");
            *counts.entry("pristine != Docker").or_default() += 1;
        }
        if let Some(rec) = &p.case.recorded {
            if !pristine_agrees(rec, o) {
                problems.push("pristine != recorded buildkit_modern");
                *counts.entry("pristine != recorded").or_default() += 1;
            }
            if !agree(rec, d) {
                problems.push(
                    "real Docker != recorded buildkit_modern (the recording or this Docker is off)",
                );
                *counts.entry("Docker != recorded").or_default() += 1;
            }
        }
        if matches!(d, Outcome::Error(_)) {
            *counts.entry("Docker build errors").or_default() += 1;
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}  => {}\n",
                report(i, p, d, o),
                problems.join("; ")
            ));
        }
    }
    let n = prepared.len();
    eprintln!(
        "docker_context: {label}: {n} cases, {} failing; Docker: {} builds (batch {}, {} jobs) in {:.1}s = {:.0} ms/case; \
         pristine: {:.1}s = {:.1} ms/case; setup {:.1}s; total {:.1}s; {counts:?}",
        failures.len(),
        docker.builds.load(std::sync::atomic::Ordering::Relaxed),
        docker.batch,
        docker.jobs,
        t_docker.as_secs_f64(),
        ms_per(t_docker, n),
        t_pristine.as_secs_f64(),
        ms_per(t_pristine, n),
        t_prepare.as_secs_f64(),
        total.elapsed().as_secs_f64(),
    );
    if keep {
        eprintln!("docker_context: keeping {}", work.keep().display());
    }
    failures
}

fn finish(label: &str, failures: &[String]) {
    if failures.is_empty() {
        return;
    }
    for f in failures.iter().take(MAX_REPORTED) {
        eprintln!("{f}");
    }
    if failures.len() > MAX_REPORTED {
        eprintln!(
            "... and {} more failing cases",
            failures.len() - MAX_REPORTED
        );
    }
    panic!("{label}: {} cases failed (details above)", failures.len());
}

// ---------------------------------------------------------------- reference cases

fn reference_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PRISTINE_REFERENCE_DIR") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.join("context-cases.json").is_file(),
            "PRISTINE_REFERENCE_DIR={} has no context-cases.json",
            dir.display()
        );
        return Some(dir);
    }
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference");
    default
        .join("context-cases.json")
        .is_file()
        .then_some(default)
}

fn json_outcome(v: &Value) -> Option<Outcome> {
    match v {
        Value::Array(a) => Some(Outcome::List(
            a.iter().map(|p| p.as_str().unwrap().to_owned()).collect(),
        )),
        Value::Object(o) => Some(Outcome::Error(
            o.get("error")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
        )),
        _ => None,
    }
}

fn reference_case(v: &Value) -> Case {
    let strs = |key: &str| -> Vec<String> {
        v.get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|s| s.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    };
    let contents = v.get("file_contents").and_then(Value::as_object);
    let mut tree = BTreeMap::new();
    for f in strs("files") {
        let data = contents
            .and_then(|c| c.get(&f))
            .and_then(Value::as_str)
            .map_or_else(|| format!("{f}\n"), str::to_owned);
        tree.insert(f, Node::File(data.into_bytes()));
    }
    for d in strs("dirs") {
        tree.insert(d.trim_end_matches('/').to_owned(), Node::Dir);
    }
    if let Some(links) = v.get("symlinks").and_then(Value::as_object) {
        for (link, target) in links {
            tree.insert(
                link.clone(),
                Node::Symlink(target.as_str().unwrap().to_owned()),
            );
        }
    }
    for f in strs("fifos") {
        tree.insert(f, Node::Fifo);
    }
    if let Some(text) = v.get("dockerignore").and_then(Value::as_str) {
        tree.insert(".dockerignore".into(), Node::File(text.as_bytes().to_vec()));
    }
    let dockerfile = match v.get("dockerfile") {
        Some(df) if df.get("inside").is_some() => {
            DockerfileSpec::Inside(df["inside"].as_str().unwrap().to_owned())
        }
        Some(df) if df.get("outside").is_some() => DockerfileSpec::Outside {
            name: df["outside"].as_str().unwrap().to_owned(),
            ignore: df
                .get("ignore")
                .and_then(Value::as_str)
                .map(|s| s.as_bytes().to_vec()),
        },
        _ => DockerfileSpec::Default,
    };
    let outside_files = v
        .get("outside_files")
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .map(|(p, c)| (PathBuf::from(p), c.as_str().unwrap().as_bytes().to_vec()))
                .collect()
        })
        .unwrap_or_default();
    Case {
        name: v["name"].as_str().unwrap().to_owned(),
        tree,
        dockerfile,
        outside_files,
        recorded: v.get("buildkit_modern").and_then(json_outcome),
        regenerate: None,
    }
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn reference_cases() {
    let Some(dir) = reference_dir() else {
        eprintln!(
            "docker_context: reference_cases SKIPPED: set PRISTINE_REFERENCE_DIR (shared/reference)"
        );
        return;
    };
    let text = fs::read_to_string(dir.join("context-cases.json")).unwrap();
    let all: Vec<Value> = serde_json::from_str(&text).unwrap();
    let only = only_filter();
    let cases: Vec<Case> = all
        .iter()
        .map(reference_case)
        .filter(|c| only.as_ref().is_none_or(|o| o.contains(&c.name)))
        .collect();
    assert!(!cases.is_empty(), "no reference case selected");
    let failures = run_differential("reference", cases);
    finish("reference_cases", &failures);
}

// ---------------------------------------------------------------- generated cases

/// SplitMix64: small, seedable, good enough to pick test inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap()).unwrap()
    }

    /// Inclusive range.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    fn word(&mut self, xs: &[&'static str]) -> &'static str {
        xs[self.below(xs.len())]
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const DIR_NAMES: &[&str] = &[
    "src",
    "app",
    "pkg",
    "docs",
    "tests",
    "data",
    "build",
    "dist",
    "lib",
    "tmp",
    "logs",
    "static",
    "node_modules",
    ".git",
    ".cache",
    "sub",
    "a",
    "b",
    "my dir",
    "ünïcode",
    "日本",
    ".hidden",
    "x.y",
    "keep",
    "build-1",
    "__pycache__",
    ".venv",
    "venv",
    "migrations",
    "ab",
];
const FILE_NAMES: &[&str] = &[
    "a+b.txt",
    "(x).py",
    "a{2}",
    "$HOME",
    "x|y",
    "c^d",
    "a]b",
    "e\u{301}.txt",
    "ü",
    "main.py",
    "app.py",
    "__init__.py",
    "models.py",
    "README.md",
    "CHANGES.md",
    "setup.py",
    "pyproject.toml",
    "requirements.txt",
    "poetry.lock",
    "a.txt",
    "b.txt",
    "debug.log",
    "x.pyc",
    ".env",
    ".gitignore",
    ".dockerignore",
    "Dockerfile",
    "notes.md",
    "file with space.txt",
    "ümlaut.py",
    "日本語.txt",
    "data.csv",
    "keep",
    ".keep",
    "a1",
    "a2",
    "ab",
    "abc",
    "A.TXT",
    "star*name",
    "q?mark",
    "br[ack]et",
    "back\\slash",
    "trailing ",
    " leading",
    "#hash",
    "!bang",
    "a.b.c",
    "core",
    "x",
    "Dockerfile.dockerignore",
    ".DS_Store",
    "x.pyo",
];
const EXTS: &[&str] = &[
    "py", "pyc", "md", "txt", "log", "toml", "csv", "lock", "cfg",
];
const PY_PATTERNS: &[&str] = &[
    ".venv",
    "venv/",
    "**/__pycache__",
    "**/*.pyc",
    "*.py[cod]",
    "*.egg-info",
    ".git",
    "**/.DS_Store",
    "**/node_modules",
    "*.md",
    "**",
    "*",
    "docs",
    ".env",
    "**/.env",
    "tests/",
    "**/*.log",
    "build/**",
    "dist/*",
    ".*",
    "**/.*",
    "__pycache__",
    "*.txt",
    "!README.md",
    "data/**/*.csv",
    "Dockerfile*",
    ".dockerignore",
];
const EXCEPTION_PATTERNS: &[&str] = &[
    "**/*.md",
    "**/*.py",
    "*/keep",
    "**/keep",
    "**/__init__.py",
    "src",
    "src/**",
    "*.py",
    "docs/*.md",
    "**/.keep",
    "a*",
    "**/a?",
    ".venv/lib",
    "data/*",
    "[a-m]*",
    "**/[!x]*",
];
const ERROR_LINES: &[&str] = &["[z-a]x", "[", "!", "a\\", "[]", "x[", "!  "];
const COMMENTS: &[&str] = &["# comment", "#", "# !keep", "#*.py", "## x"];
const BLANKS: &[&str] = &["", "  ", "\t", " \t "];

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}/{name}")
    }
}

fn gen_tree(rng: &mut Rng) -> BTreeMap<String, Node> {
    let mut tree = BTreeMap::new();
    let mut dirs: Vec<String> = vec![String::new()];
    for _ in 0..rng.range(1, 14) {
        let parent = rng.pick(&dirs).clone();
        if parent.matches('/').count() >= 4 {
            continue;
        }
        let path = join(&parent, rng.word(DIR_NAMES));
        if !tree.contains_key(&path) {
            tree.insert(path.clone(), Node::Dir);
            dirs.push(path);
        }
    }
    if rng.percent(30) {
        // a virtualenv
        let venv = if rng.percent(70) { ".venv" } else { "venv" };
        for (p, n) in [
            ("pyvenv.cfg", Node::File(b"home = /usr/bin\n".to_vec())),
            ("bin/python", Node::Symlink("/usr/bin/python3".into())),
            ("bin/python3", Node::Symlink("python".into())),
            (
                "lib/python3.12/site-packages/pkg/__init__.py",
                Node::File(b"\n".to_vec()),
            ),
            (
                "lib/python3.12/site-packages/pkg/__pycache__/__init__.cpython-312.pyc",
                Node::File(b"\n".to_vec()),
            ),
            (
                "lib/python3.12/site-packages/pkg-1.0.dist-info/RECORD",
                Node::File(b"\n".to_vec()),
            ),
        ] {
            tree.insert(format!("{venv}/{p}"), n);
        }
    }
    for _ in 0..rng.range(2, 22) {
        let parent = rng.pick(&dirs).clone();
        let name = if rng.percent(25) {
            format!("f{}.{}", rng.below(5), rng.pick(EXTS))
        } else {
            (*rng.pick(FILE_NAMES)).to_owned()
        };
        let path = join(&parent, &name);
        let root_ignore = parent.is_empty() && name == ".dockerignore";
        if !root_ignore && !tree.contains_key(&path) {
            let data = format!("{path}\n").into_bytes();
            tree.insert(path, Node::File(data));
        }
    }
    if rng.percent(40) {
        // __pycache__ next to some modules
        let parent = rng.pick(&dirs).clone();
        let cache = join(&parent, "__pycache__");
        if matches!(tree.get(&cache), None | Some(Node::Dir)) {
            tree.insert(
                join(&cache, "mod.cpython-312.pyc"),
                Node::File(b"\0pyc".to_vec()),
            );
        }
    }
    if rng.percent(60) {
        for _ in 0..rng.range(1, 4) {
            let parent = rng.pick(&dirs).clone();
            let path = join(
                &parent,
                rng.word(&["link", "current", "latest", "ln.txt", "py", "lnk dir"]),
            );
            if tree.contains_key(&path) {
                continue;
            }
            let target = match rng.below(7) {
                0 => (*rng.pick(FILE_NAMES)).to_owned(), // sibling, maybe dangling
                1 => format!("../{}", rng.pick(DIR_NAMES)), // up, maybe outside
                2 => (*rng.pick(&["/etc/hostname", "/usr/bin/python3", "/tmp"])).to_owned(), // absolute
                3 => "does-not-exist".to_owned(),       // dangling
                4 => ".".to_owned(),                    // loop to own dir
                5 => (*rng.pick(DIR_NAMES)).to_owned(), // to a dir
                _ => format!(
                    "/{}",
                    tree.keys()
                        .nth(rng.below(tree.len()))
                        .cloned()
                        .unwrap_or_default()
                ),
            };
            tree.insert(path, Node::Symlink(target));
        }
    }
    if rng.percent(3) {
        let parent = rng.pick(&dirs).clone();
        let path = join(&parent, "pipe");
        tree.entry(path).or_insert(Node::Fifo);
    }
    tree
}

/// Replaces the character at a random position of `s` by what `f` makes of it.
fn replace_char(rng: &mut Rng, s: &str, f: impl Fn(char) -> String) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return s.to_owned();
    }
    let at = rng.below(chars.len());
    let mut out: String = chars[..at].iter().collect();
    out.push_str(&f(chars[at]));
    out.extend(&chars[at + 1..]);
    out
}

fn gen_pattern(rng: &mut Rng, paths: &[&String], deep: bool) -> String {
    let candidates: Vec<&String> = if deep {
        let d: Vec<&String> = paths.iter().copied().filter(|p| p.contains('/')).collect();
        if d.is_empty() { paths.to_vec() } else { d }
    } else {
        paths.to_vec()
    };
    let path = if candidates.is_empty() {
        "x".to_owned()
    } else {
        (*rng.pick(&candidates)).clone()
    };
    let (parent, base) = path
        .rsplit_once('/')
        .map_or(("", path.as_str()), |(p, b)| (p, b));
    let in_parent = |s: &str| {
        if parent.is_empty() {
            s.to_owned()
        } else {
            format!("{parent}/{s}")
        }
    };
    match rng.below(18) {
        0 | 1 => path.clone(),
        2 => format!("{path}/"),
        3 => format!("/{path}"),
        4 => format!("./{path}"),
        5 => {
            let mut comps: Vec<&str> = path.split('/').collect();
            let i = rng.below(comps.len());
            comps[i] = "*";
            comps.join("/")
        }
        6 => in_parent(&format!("*.{}", rng.pick(EXTS))),
        7 => format!("**/{base}"),
        8 => format!("**/*.{}", rng.pick(EXTS)),
        9 => format!("{path}/**"),
        10 => format!("{path}/*"),
        11 => replace_char(
            rng,
            &path,
            |c| if c == '/' { "/".into() } else { "?".into() },
        ),
        12 => {
            let kind = rng.below(3);
            replace_char(rng, &path, move |c| match (c, kind) {
                ('/', _) => "/".into(),
                (c, 0) => format!("[{c}x]"),
                (_, 1) => "[^/]".into(),
                (c, _) if c.is_ascii_lowercase() => "[a-z]".into(),
                (c, _) => format!("[{c}]"),
            })
        }
        13 => (*rng.pick(PY_PATTERNS)).to_owned(),
        14 => format!("**{}", &base[base.len().min(base.find('.').unwrap_or(0))..]),
        15 => in_parent(&format!("{}*", base.chars().next().unwrap_or('x'))),
        16 => match path.split_once('/') {
            Some((first, _)) => format!("{first}/**/{base}"),
            None => format!("**/{base}/**"),
        },
        _ => format!("no-such-{}", rng.below(3)),
    }
}

/// One more twist on a pattern: escapes, Unicode spaces, redundant path
/// elements, extra globs.
fn mutate(rng: &mut Rng, pat: &str) -> String {
    match rng.below(13) {
        // `\x`: a literal glob char or an RE2 class escape (`\d`, `\w`, `\s`)
        0 => {
            let class = rng.word(&["\\d", "\\w", "\\s", "\\S"]);
            replace_char(rng, pat, |c| match c {
                '/' => "/".into(),
                c if c.is_ascii_punctuation() || c == ' ' => format!("\\{c}"),
                _ => class.into(),
            })
        }
        // `\x` for any x: RE2 rejects unknown escapes like `\m` (build error)
        1 => replace_char(rng, pat, |c| {
            if c == '/' {
                "/".into()
            } else {
                format!("\\{c}")
            }
        }),
        12 => format!("{pat}|x"),
        2 => format!("\u{a0}{pat}\u{3000}"),
        3 => format!("**/{pat}"),
        4 => format!("{pat}/**"),
        5 => format!("{pat}**"),
        6 => pat.replacen('/', "//", 1),
        7 => pat.replacen('/', "/./", 1),
        8 => format!("x/../{pat}"),
        9 => replace_char(rng, pat, |c| if c == '/' { "/".into() } else { "*".into() }),
        10 => format!("{pat}\u{feff}"),
        _ => format!("/{pat}/"),
    }
}

fn gen_ignore(rng: &mut Rng, tree: &BTreeMap<String, Node>) -> Vec<u8> {
    let paths: Vec<&String> = tree.keys().collect();
    let mut lines: Vec<String> = Vec::new();
    for i in 0..rng.range(1, 9) {
        let roll = rng.below(100);
        if roll < 7 {
            lines.push((*rng.pick(COMMENTS)).to_owned());
            continue;
        }
        if roll < 12 {
            lines.push((*rng.pick(BLANKS)).to_owned());
            continue;
        }
        let exception = if i == 0 {
            rng.percent(5)
        } else {
            rng.percent(35)
        };
        let mut pat = if exception && rng.percent(40) {
            (*rng.pick(EXCEPTION_PATTERNS)).to_owned()
        } else {
            gen_pattern(rng, &paths, exception)
        };
        if rng.percent(25) {
            pat = mutate(rng, &pat);
        }
        if exception {
            pat = format!("{}{pat}", if rng.percent(15) { "! " } else { "!" });
        }
        if rng.percent(8) {
            pat = format!("  {pat} ");
        }
        lines.push(pat);
    }
    if rng.percent(2) {
        let at = rng.below(lines.len() + 1);
        lines.insert(at, (*rng.pick(ERROR_LINES)).to_owned());
    }
    let sep = if rng.percent(10) { "\r\n" } else { "\n" };
    let mut text = lines.join(sep);
    if rng.percent(80) {
        text.push_str(sep);
    }
    if rng.percent(3) {
        text.insert(0, '\u{feff}');
    }
    text.into_bytes()
}

fn gen_case(seed: u64, n: usize) -> Case {
    let mut rng = Rng(seed
        ^ (u64::try_from(n)
            .unwrap()
            .wrapping_mul(0xA076_1D64_78BD_642F)));
    let _ = rng.next();
    let mut tree = gen_tree(&mut rng);
    let mut dockerfile = DockerfileSpec::Default;
    let roll = rng.below(100);
    if roll < 8 {
        let name = (*rng.pick(&["Dockerfile", "app.Dockerfile", "prod.Dockerfile"])).to_owned();
        let ignore = match rng.below(10) {
            0 | 1 => None,
            2 => Some(Vec::new()),
            _ => Some(gen_ignore(&mut rng, &tree)),
        };
        dockerfile = DockerfileSpec::Outside { name, ignore };
    } else if roll < 15 {
        let rel = (*rng.pick(&[
            "Dockerfile",
            "docker/Dockerfile",
            "docker/app.Dockerfile",
            "Dockerfile.prod",
        ]))
        .to_owned();
        tree.retain(|p, _| p != "docker" || !rel.starts_with("docker/"));
        tree.insert(rel.clone(), Node::File(DOCKERFILE_TEXT.into()));
        if rng.percent(50) {
            let ignore = gen_ignore(&mut rng, &tree);
            tree.insert(format!("{rel}.dockerignore"), Node::File(ignore));
        }
        dockerfile = DockerfileSpec::Inside(rel);
    }
    match rng.below(100) {
        0..=87 => {
            let ignore = gen_ignore(&mut rng, &tree);
            tree.insert(".dockerignore".into(), Node::File(ignore));
        }
        88..=91 => {
            let ignore = gen_ignore(&mut rng, &tree);
            tree.insert("ignore.txt".into(), Node::File(ignore));
            let target = if rng.percent(50) {
                "ignore.txt"
            } else {
                "/ignore.txt"
            };
            tree.insert(".dockerignore".into(), Node::Symlink(target.into()));
        }
        92..=93 => {
            tree.insert(".dockerignore".into(), Node::Dir);
        }
        _ => {}
    }
    Case {
        name: format!("gen-{n}"),
        tree,
        dockerfile,
        outside_files: Vec::new(),
        recorded: None,
        regenerate: Some(format!(
            "PRISTINE_DOCKER_SEED={seed} PRISTINE_DOCKER_ONLY={n} scripts/test-docker generated_cases"
        )),
    }
}

fn seed() -> u64 {
    match std::env::var("PRISTINE_DOCKER_SEED") {
        Ok(s) if !s.trim().is_empty() => s
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("bad PRISTINE_DOCKER_SEED={s:?}")),
        _ => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap();
            (now.as_secs() ^ (u64::from(now.subsec_nanos()) << 20) ^ u64::from(std::process::id()))
                % 1_000_000_000
        }
    }
}

#[test]
#[ignore = "needs a Docker engine: run by .ci/run via scripts/test-docker"]
fn generated_cases() {
    let seed = seed();
    let count = env_usize("PRISTINE_DOCKER_CASES", DEFAULT_CASES);
    eprintln!(
        "docker_context: generated_cases: PRISTINE_DOCKER_SEED={seed} PRISTINE_DOCKER_CASES={count}"
    );
    let only = only_filter();
    let cases: Vec<Case> = (0..count)
        .filter(|n| {
            only.as_ref()
                .is_none_or(|o| o.contains(&n.to_string()) || o.contains(&format!("gen-{n}")))
        })
        .map(|n| gen_case(seed, n))
        .collect();
    assert!(!cases.is_empty(), "no generated case selected");
    let failures = run_differential("generated", cases);
    if !failures.is_empty() {
        eprintln!("docker_context: generated_cases failed with PRISTINE_DOCKER_SEED={seed}");
    }
    finish("generated_cases", &failures);
}
