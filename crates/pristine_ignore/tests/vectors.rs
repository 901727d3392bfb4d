//! Conformance: the `match`, `compile`, `new` and `parse` vectors of
//! `reference/dockerignore-vectors.json` (transcribed from moby/patternmatcher
//! and tonistiigi/fsutil tests). The `walk` vectors run in
//! `pristine_context`'s tests.

use std::path::PathBuf;

use pristine_ignore::{IgnoreFile, MatchInfo, MatchKind, PatternMatcher, go};
use serde_json::Value;

/// `PRISTINE_REFERENCE_DIR`, else `../../../shared/reference` if present.
/// `None` means "not available here" (a note is printed); a set variable
/// pointing at missing data is a failure.
fn reference_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PRISTINE_REFERENCE_DIR") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.join("dockerignore-vectors.json").is_file(),
            "PRISTINE_REFERENCE_DIR={} has no dockerignore-vectors.json",
            dir.display()
        );
        return Some(dir);
    }
    let fallback = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference");
    if fallback.join("dockerignore-vectors.json").is_file() {
        return Some(fallback);
    }
    #[expect(
        clippy::print_stderr,
        reason = "tell the developer why the test did nothing"
    )]
    {
        eprintln!("note: reference data not found (set PRISTINE_REFERENCE_DIR); skipping");
    }
    None
}

fn vectors() -> Option<Vec<Value>> {
    let dir = reference_dir()?;
    let text = std::fs::read_to_string(dir.join("dockerignore-vectors.json")).unwrap();
    Some(serde_json::from_str(&text).unwrap())
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// Runs one `match` vector; returns `(excluded, error)`.
fn run_match(v: &Value) -> (bool, bool) {
    let patterns = strs(&v["patterns"]);
    let path = v["path"].as_str().unwrap().as_bytes();
    let function = v["function"].as_str().unwrap();
    let Ok(pm) = PatternMatcher::new(&patterns) else {
        return (false, true);
    };
    if function.starts_with("Matches (package func") {
        // Package func Matches: the path is Clean'ed and "." never excluded.
        let f = go::clean(path);
        if f == b"." {
            return (false, false);
        }
        return match pm.matches(&f) {
            Ok(m) => (m, false),
            Err(_) => (false, true),
        };
    }
    let Ok(r) = pm.matches_or_parent_matches(path) else {
        return (false, true);
    };
    // MatchesUsingParentResults without parent info must agree...
    let (d, _) = pm
        .matches_using_parent_results(path, &MatchInfo::default())
        .unwrap();
    assert_eq!(d.excluded, r, "MatchesUsingParentResults (no info) {v}");
    // ... and, where the vector says so, with parent info built level by level.
    if function.contains("with and without parent info")
        || function.contains("MatchesUsingParentResults")
    {
        let parent = go::dir(path);
        let mut info = MatchInfo::default();
        if parent != b"." {
            let parts: Vec<&[u8]> = parent.split(|&c| c == b'/').collect();
            for i in 0..parts.len() {
                info = pm
                    .matches_using_parent_results(&parts[..=i].join(&b'/'), &info)
                    .unwrap()
                    .1;
            }
        }
        let (d, _) = pm.matches_using_parent_results(path, &info).unwrap();
        let (naive, _) = pm.matches_using_parent_results_naive(path, &info).unwrap();
        assert_eq!(d, naive, "set vs naive {v}");
        assert_eq!(d.excluded, r, "MatchesUsingParentResults (with info) {v}");
    }
    (r, false)
}

#[test]
fn dockerignore_vectors() {
    let Some(vectors) = vectors() else { return };
    let mut counts = std::collections::BTreeMap::<&str, (usize, usize)>::new();
    let mut failures = Vec::new();
    for v in &vectors {
        let kind = v["kind"].as_str().unwrap();
        let ok = match kind {
            "parse" => {
                let got: Vec<String> = match v["dockerignore"].as_str() {
                    None => Vec::new(),
                    Some(text) => IgnoreFile::parse(text.as_bytes())
                        .unwrap()
                        .pattern_strings()
                        .map(|p| String::from_utf8(p.to_vec()).unwrap())
                        .collect(),
                };
                got == strs(&v["patterns"])
            }
            "compile" => {
                let pm = PatternMatcher::new([v["pattern"].as_str().unwrap()]).unwrap();
                let p = &pm.patterns()[0];
                let want = match v["match_type"].as_str().unwrap() {
                    "exactMatch" => MatchKind::Exact,
                    "prefixMatch" => MatchKind::Prefix,
                    "suffixMatch" => MatchKind::Suffix,
                    _ => MatchKind::Regexp,
                };
                p.kind() == want && v.get("regexp").is_none_or(|r| p.go_regexp() == r.as_str())
            }
            "new" => match PatternMatcher::new(strs(&v["patterns"])) {
                Err(e) => v.get("error").and_then(Value::as_str) == Some(e.to_string().as_str()),
                Ok(pm) => {
                    v.get("error").is_none()
                        && v.get("count")
                            .is_none_or(|c| c.as_u64() == Some(pm.patterns().len() as u64))
                        && v.get("exclusions")
                            .is_none_or(|e| e.as_bool() == Some(pm.exclusions()))
                        && (v.get("match_error").is_none()
                            // Fails on every call, not only the first.
                            || (pm.matches_or_parent_matches(b"x").is_err()
                                && pm.matches_or_parent_matches(b"x").is_err()))
                }
            },
            "match" => {
                let (excluded, error) = run_match(v);
                excluded == v["excluded"].as_bool().unwrap() && error == v.get("error").is_some()
            }
            // Directory walks: crates/pristine_context/tests/cases.rs.
            "walk" => continue,
            other => panic!("unknown vector kind {other}"),
        };
        let c = counts.entry(kind).or_default();
        if ok {
            c.0 += 1;
        } else {
            c.1 += 1;
            failures.push(v.to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures ({counts:?}):\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        counts.values().map(|c| c.0).sum::<usize>(),
        212 - 43,
        "{counts:?}"
    );
}
