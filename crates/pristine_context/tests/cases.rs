//! Conformance: the 125 real-Docker cases of `reference/context-cases.json`
//! (column `buildkit_modern`: buildx 0.13 + BuildKit v0.13), and the `walk`
//! vectors of `reference/dockerignore-vectors.json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pristine_context::{ContextError, ContextOptions, EntryKind, compute, list_sent};
use serde_json::Value;

/// `PRISTINE_REFERENCE_DIR`, else `../../../shared/reference` if present.
/// A set variable pointing at missing data is a failure.
fn reference_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PRISTINE_REFERENCE_DIR") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.join("context-cases.json").is_file(),
            "PRISTINE_REFERENCE_DIR={} has no data",
            dir.display()
        );
        return Some(dir);
    }
    let fallback = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference");
    if fallback.join("context-cases.json").is_file() {
        return Some(fallback);
    }
    note("reference data not found (set PRISTINE_REFERENCE_DIR); skipping");
    None
}

#[expect(clippy::print_stderr, reason = "test progress notes")]
fn note(msg: &str) {
    eprintln!("note: {msg}");
}

fn load(name: &str) -> Option<Vec<Value>> {
    let dir = reference_dir()?;
    Some(serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap())
}

fn strs(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

fn write(path: &Path, content: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

/// Builds a case's context in `tmp/ctx` and returns the options to compute it
/// (Dockerfile outside the context unless the case puts it inside).
fn build(tmp: &Path, case: &Value, patterns_outside: Option<&[String]>) -> ContextOptions {
    let ctx = tmp.join("ctx");
    let outside = tmp.join("df");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let contents = case.get("file_contents").cloned().unwrap_or(Value::Null);
    for f in strs(case.get("files")) {
        let content = contents
            .get(&f)
            .and_then(Value::as_str)
            .map_or_else(|| format!("{f}\n"), str::to_owned);
        write(&ctx.join(&f), &content);
    }
    for d in strs(case.get("dirs")) {
        std::fs::create_dir_all(ctx.join(d.trim_end_matches('/'))).unwrap();
    }
    if let Some(links) = case.get("symlinks").and_then(Value::as_object) {
        for (link, target) in links {
            let at = ctx.join(link);
            std::fs::create_dir_all(at.parent().unwrap()).unwrap();
            std::os::unix::fs::symlink(target.as_str().unwrap(), at).unwrap();
        }
    }
    for f in strs(case.get("fifos")) {
        let ok = std::process::Command::new("mkfifo")
            .arg(ctx.join(f))
            .status()
            .unwrap()
            .success();
        assert!(ok, "mkfifo");
    }
    if let Some(files) = case.get("outside_files").and_then(Value::as_object) {
        for (path, content) in files {
            // The symlink target of the case; BuildKit must NOT read it.
            write(Path::new(path), content.as_str().unwrap());
        }
    }
    // Upstream unit tests (`exclude_patterns`) have no .dockerignore file.
    if let (Some(text), None) = (
        case.get("dockerignore").and_then(Value::as_str),
        patterns_outside,
    ) {
        write(&ctx.join(".dockerignore"), text);
    }
    let dockerfile = match case.get("dockerfile") {
        Some(df) if df.get("inside").is_some() => {
            let p = ctx.join(df["inside"].as_str().unwrap());
            write(&p, "FROM scratch\nCOPY . /ctx/\n");
            p
        }
        Some(df) if df.get("outside").is_some() => {
            let p = outside.join(df["outside"].as_str().unwrap());
            write(&p, "FROM scratch\nCOPY . /ctx/\n");
            if let Some(text) = df.get("ignore").and_then(Value::as_str) {
                write(
                    &outside.join(format!("{}.dockerignore", df["outside"].as_str().unwrap())),
                    text,
                );
            }
            p
        }
        _ => {
            let p = outside.join("Dockerfile");
            write(&p, "FROM scratch\nCOPY . /ctx/\n");
            p
        }
    };
    if let Some(patterns) = patterns_outside {
        // Upstream unit tests hand the patterns to the walker directly: pass
        // them through a per-Dockerfile ignore file outside the context.
        write(
            &PathBuf::from(format!("{}.dockerignore", dockerfile.display())),
            &patterns.join("\n"),
        );
    }
    ContextOptions {
        context_dir: ctx,
        dockerfile: Some(dockerfile),
        measure_excluded: true,
    }
}

fn listing(opts: &ContextOptions) -> Result<Vec<String>, ContextError> {
    let ctx = compute(opts)?;
    let list: Vec<String> = ctx
        .tree
        .list()
        .iter()
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    // `pristine context --list` walks without building the tree; it must list exactly the
    // same, with the same fatal issues.
    let fast = list_sent(opts)?;
    let mut listed = Vec::new();
    fast.for_each(|p| {
        listed.push(p.to_vec());
        Ok::<(), ()>(())
    })
    .unwrap();
    assert_eq!(listed, ctx.tree.list(), "list_sent differs from compute");
    assert_eq!(
        fast.fatal_issues().count(),
        ctx.tree.fatal_issues().count(),
        "list_sent and compute disagree on fatal issues"
    );
    Ok(list)
}

/// `expected` is a listing or `{"error": text}`; an error matches when
/// Docker's message contains ours.
fn same(got: &Result<Vec<String>, ContextError>, expected: &Value) -> bool {
    match (got, expected.get("error")) {
        (Ok(list), None) => *list == strs(Some(expected)),
        (Err(e), Some(msg)) => msg.as_str().unwrap().contains(&e.to_string()),
        _ => false,
    }
}

#[test]
fn context_cases_buildkit_modern() {
    let Some(cases) = load("context-cases.json") else {
        return;
    };
    let mut failures = Vec::new();
    for case in &cases {
        let tmp = tempfile::tempdir().unwrap();
        let opts = build(tmp.path(), case, None);
        let got = listing(&opts);
        if !same(&got, &case["buildkit_modern"]) {
            failures.push(format!(
                "{}: got {got:?}, want {}",
                case["name"], case["buildkit_modern"]
            ));
        }
    }
    note(&format!(
        "context cases: {}/{} agree with buildkit_modern",
        cases.len() - failures.len(),
        cases.len()
    ));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(cases.len(), 125);
}

fn is_root() -> bool {
    // Root reads mode-000 directories; detect it by trying.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("x");
    std::fs::create_dir(&d).unwrap();
    set_mode(&d, 0o000);
    let readable = std::fs::read_dir(&d).is_ok();
    set_mode(&d, 0o755);
    readable
}

fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn walk_vectors() {
    let Some(vectors) = load("dockerignore-vectors.json") else {
        return;
    };
    let root = is_root();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for v in vectors.iter().filter(|v| v["kind"] == "walk") {
        let src = v["source"].as_str().unwrap();
        // Legacy-builder tar layouts and layered FilterFS: not what BuildKit's
        // single-list walk produces.
        if v.get("wire").is_some() && v.get("context_arg").is_none()
            || v.get("exclude_patterns_layers").is_some()
        {
            *counts.entry("not applicable").or_default() += 1;
            continue;
        }
        let tmp = tempfile::tempdir().unwrap();
        let patterns = v.get("exclude_patterns").map(|p| strs(Some(p)));
        let mut opts = build(tmp.path(), v, patterns.as_deref());
        if let Some(arg) = v.get("context_arg").and_then(Value::as_str) {
            opts.context_dir = tmp.path().join("ctx").join(arg);
        }
        let unreadable = strs(v.get("unreadable"));
        for d in &unreadable {
            set_mode(&opts.context_dir.join(d), 0o000);
        }
        let result = compute(&opts);
        let listed = list_sent(&opts);
        for d in &unreadable {
            set_mode(&opts.context_dir.join(d), 0o755);
        }
        let mut checks = Vec::new();
        let fatal = |c: &pristine_context::Context| c.tree.fatal_issues().next().is_some();
        match &result {
            Err(e) => {
                let expected = v.get("error").is_some()
                    || ["context", "context_buildkit"]
                        .iter()
                        .any(|k| v.get(*k).is_some_and(|c| c.get("error").is_some()));
                checks.push(("error", expected, e.to_string()));
            }
            Ok(c) => {
                let list: Vec<String> = c
                    .tree
                    .list()
                    .iter()
                    .map(|p| String::from_utf8_lossy(p).into_owned())
                    .collect();
                // `--list`'s walker: the same paths and the same verdict on failing.
                match &listed {
                    Ok(l) => {
                        let mut fast = Vec::new();
                        l.for_each(|p| {
                            fast.push(String::from_utf8_lossy(p).into_owned());
                            Ok::<(), ()>(())
                        })
                        .unwrap();
                        checks.push(("list_sent", fast == list, format!("{fast:?}")));
                        checks.push((
                            "list_sent fatal",
                            l.fatal_issues().next().is_some() == fatal(c),
                            format!("{:?}", l.issues),
                        ));
                    }
                    Err(e) => checks.push(("list_sent", false, e.to_string())),
                }
                if v.get("error").is_some() {
                    // Unreadable-directory vectors: BuildKit fails; we report an
                    // error-severity issue. As root nothing is unreadable.
                    if root && !unreadable.is_empty() {
                        *counts.entry("skipped (root reads mode 000)").or_default() += 1;
                        continue;
                    }
                    checks.push(("error issue", fatal(c), format!("{:?}", c.tree.issues)));
                } else if !unreadable.is_empty() {
                    checks.push(("no error issue", !fatal(c), format!("{:?}", c.tree.issues)));
                }
                for key in ["context", "context_buildkit", "wire"] {
                    if let Some(want) = v.get(key) {
                        checks.push((
                            key,
                            want.get("error").is_none() && list == strs(Some(want)),
                            format!("{list:?}"),
                        ));
                    }
                }
                if let Some(emitted) = v.get("emitted") {
                    let mut want: Vec<String> = strs(Some(emitted))
                        .iter()
                        .map(|e| e.split_once(' ').unwrap().1.to_owned())
                        .collect();
                    want.sort();
                    let got: Vec<String> = c
                        .tree
                        .entries
                        .iter()
                        .map(|e| String::from_utf8_lossy(&e.path).into_owned())
                        .collect();
                    checks.push(("emitted", got == want, format!("{got:?}")));
                }
                for p in strs(v.get("asserted_context")) {
                    checks.push(("asserted_context", list.contains(&p), format!("{list:?}")));
                }
                if v.get("asserted_context").is_some() {
                    let n = strs(v.get("asserted_context")).len();
                    checks.push((
                        "asserted_context exact",
                        list.len() == n,
                        format!("{list:?}"),
                    ));
                }
                for p in strs(v.get("asserted_present")) {
                    checks.push(("asserted_present", list.contains(&p), format!("{list:?}")));
                }
                for p in strs(v.get("asserted_absent")) {
                    checks.push(("asserted_absent", !list.contains(&p), format!("{list:?}")));
                }
                if let Some(open) = v.get("open").and_then(Value::as_object) {
                    // filterFS.Open uses MatchesOrParentMatches.
                    for (path, want) in open {
                        let why = c.why(path.as_bytes()).unwrap();
                        checks.push((
                            "open",
                            why.sent == (want == "ok"),
                            format!("{path}: {why:?}"),
                        ));
                    }
                }
                for e in &c.tree.entries {
                    if let EntryKind::Symlink { target } = &e.kind {
                        assert!(!target.is_empty());
                    }
                }
            }
        }
        assert!(!checks.is_empty(), "nothing checked for {v}");
        let bad: Vec<_> = checks.iter().filter(|c| !c.1).collect();
        if bad.is_empty() {
            *counts.entry("agree").or_default() += 1;
        } else {
            failures.push(format!("{src}: {bad:?}"));
        }
    }
    note(&format!(
        "walk vectors: {counts:?}, failures {}",
        failures.len()
    ));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
