//! Conformance with BuildKit's parser fixtures (`shared/reference/buildkit-parser-testfiles`,
//! copied from moby/buildkit@73ed6825c4b7 `frontend/dockerfile/parser/`).
//!
//! Set `PRISTINE_REFERENCE_DIR` to the `reference` folder; without it the test looks for
//! `../../../shared/reference` next to the crate and skips if that is missing.

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use pristine_dockerfile::{ErrorKind, detect_syntax, parse, parse_directive};
use serde_json::Value;

fn testfiles_dir() -> Option<PathBuf> {
    let dir =
        common::data_dir("PRISTINE_REFERENCE_DIR", "reference")?.join("buildkit-parser-testfiles");
    assert!(dir.is_dir(), "missing {}", dir.display());
    Some(dir)
}

fn case_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn name(p: &Path) -> String {
    p.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn testfiles_dump_like_buildkit() {
    let Some(root) = testfiles_dir() else { return };
    let cases = case_dirs(&root.join("testfiles"));
    assert_eq!(cases.len(), 33, "expected 33 positive fixtures");
    let mut failures = String::new();
    for case in &cases {
        let src = fs::read_to_string(case.join("Dockerfile")).expect("Dockerfile");
        let expected = fs::read_to_string(case.join("result")).expect("result");
        let df = parse(&src);
        if let Some(e) = df.parser_error() {
            let _ = writeln!(
                failures,
                "{}: unexpected parser error: {}",
                name(case),
                e.message
            );
            continue;
        }
        let got = df.dump();
        if got != expected {
            let _ = writeln!(
                failures,
                "{}: dump differs\n--- expected\n{expected}--- got\n{got}",
                name(case)
            );
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn negative_testfiles_are_rejected() {
    let Some(root) = testfiles_dir() else { return };
    let cases = case_dirs(&root.join("testfiles-negative"));
    assert_eq!(cases.len(), 4, "expected 4 negative fixtures");
    for case in &cases {
        let src = fs::read_to_string(case.join("Dockerfile")).expect("Dockerfile");
        let df = parse(&src);
        assert!(
            df.parser_error().is_some(),
            "{}: parser.Parse should fail",
            name(case)
        );
    }
}

fn check_line_numbers(src: &str, start: u64, end: u64, children: &[Value], label: &str) {
    let df = parse(src);
    assert!(
        df.parser_error().is_none(),
        "{label}: {:?}",
        df.parser_error()
    );
    let got: Vec<(u32, u32)> = df
        .instructions
        .iter()
        .map(|i| (i.start_line, i.end_line))
        .collect();
    let want: Vec<(u32, u32)> = children
        .iter()
        .map(|c| {
            let n = |i: usize| u32::try_from(c[i].as_u64().expect("line")).expect("u32");
            (n(0), n(1))
        })
        .collect();
    assert_eq!(got, want, "{label}: child line ranges");
    let first = got.first().map(|c| u64::from(c.0));
    let last = got.last().map(|c| u64::from(c.1));
    assert_eq!(
        (first, last),
        (Some(start), Some(end)),
        "{label}: AST range"
    );
}

#[test]
fn line_numbers_like_buildkit() {
    let Some(root) = testfiles_dir() else { return };
    let src = fs::read_to_string(root.join("testfile-line/Dockerfile")).expect("Dockerfile");
    check_line_numbers(
        &src,
        5,
        31,
        &[
            Value::from(vec![5, 5]),
            Value::from(vec![11, 12]),
            Value::from(vec![17, 31]),
        ],
        "testfile-line",
    );
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

/// Runs one vector; returns an error description on mismatch.
#[allow(clippy::too_many_lines)]
fn run_vector(root: &Path, v: &Value) -> Result<(), String> {
    let kind = str_of(v, "kind");
    match kind {
        "parseWords" => {
            let got = pristine_dockerfile::parse_words(str_of(v, "input"), '\\');
            let want: Vec<&str> = v["expect"]
                .as_array()
                .expect("expect")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            (got == want)
                .then_some(())
                .ok_or_else(|| format!("got {got:?}, want {want:?}"))
        }
        "lineNumbers" => {
            let src = fs::read_to_string(root.join(str_of(v, "dockerfile_file")))
                .map_err(|e| e.to_string())?;
            let children = v["children"].as_array().expect("children");
            check_line_numbers(
                &src,
                v["ast_start"].as_u64().expect("start"),
                v["ast_end"].as_u64().expect("end"),
                children,
                "lineNumbers",
            );
            Ok(())
        }
        "warnings" => {
            let df = parse(str_of(v, "dockerfile"));
            let count =
                usize::try_from(v["warnings_count"].as_u64().expect("count")).expect("usize");
            if df.warnings.len() != count {
                return Err(format!(
                    "{} warnings, want {count}: {:?}",
                    df.warnings.len(),
                    df.warnings
                ));
            }
            let all: String = df
                .warnings
                .iter()
                .flat_map(|w| [w.message.as_str(), "\n"])
                .collect();
            for needle in v["warning_contains"].as_array().expect("contains") {
                let needle = needle.as_str().expect("str");
                if !all.contains(needle) {
                    return Err(format!("warnings {all:?} lack {needle:?}"));
                }
            }
            Ok(())
        }
        "error" => {
            let df = parse(str_of(v, "dockerfile"));
            let want = str_of(v, "error");
            match df.parser_error() {
                Some(e) if e.message == want => Ok(()),
                other => Err(format!("got {other:?}, want {want:?}")),
            }
        }
        "heredocs" => {
            let df = parse(str_of(v, "dockerfile"));
            if let Some(e) = df.parser_error() {
                return Err(format!("parser error {e:?}"));
            }
            let want = v["children_heredocs_from_index_1"]
                .as_array()
                .expect("heredocs");
            if df.instructions.len() != want.len() + 1 {
                return Err(format!(
                    "{} instructions, want {}",
                    df.instructions.len(),
                    want.len() + 1
                ));
            }
            for (i, (inst, w)) in df.instructions.iter().skip(1).zip(want).enumerate() {
                let got: Vec<Value> = inst
                    .heredocs
                    .iter()
                    .map(|h| {
                        serde_json::json!({
                            "Name": h.name, "Content": h.content, "Expand": h.expand,
                            "Chomp": h.chomp, "FileDescriptor": h.file_descriptor,
                        })
                    })
                    .collect();
                let want_list = w.as_array().cloned().unwrap_or_default();
                if got != want_list {
                    return Err(format!("child {}: got {got:?}, want {want_list:?}", i + 1));
                }
            }
            Ok(())
        }
        "chompHeredoc" => {
            let got = pristine_dockerfile::chomp_heredoc_content(str_of(v, "input"));
            (got == str_of(v, "expect"))
                .then_some(())
                .ok_or_else(|| format!("got {got:?}"))
        }
        "parseHeredoc" => {
            let got = pristine_dockerfile::parse_heredoc(str_of(v, "input"));
            if v["error"].as_bool() == Some(true) {
                return got
                    .is_err()
                    .then_some(())
                    .ok_or_else(|| format!("expected error, got {got:?}"));
            }
            let got = got
                .map_err(|e| format!("unexpected error {e}"))?
                .map(|h| h.name);
            let want = v["name"].as_str().map(str::to_owned);
            (got == want)
                .then_some(())
                .ok_or_else(|| format!("got {got:?}, want {want:?}"))
        }
        "heredocsFromLine" => {
            let got = pristine_dockerfile::heredoc_names_from_line(str_of(v, "line"))
                .map_err(|e| format!("unexpected error {e}"))?;
            let want: Vec<&str> = v["names"]
                .as_array()
                .expect("names")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            (got == want)
                .then_some(())
                .ok_or_else(|| format!("got {got:?}, want {want:?}"))
        }
        "directives" => {
            let df = parse(str_of(v, "input"));
            let got: Vec<(String, String)> = df
                .directives
                .iter()
                .map(|d| (d.name.clone(), d.value.clone()))
                .collect();
            let want: Vec<(String, String)> = v["expect"]
                .as_array()
                .expect("expect")
                .iter()
                .map(|d| (str_of(d, "name").to_owned(), str_of(d, "value").to_owned()))
                .collect();
            (got == want)
                .then_some(())
                .ok_or_else(|| format!("got {got:?}, want {want:?}"))
        }
        "detectSyntax" | "parseDirective" => {
            let input = str_of(v, "input");
            let got = if kind == "detectSyntax" {
                detect_syntax(input)
            } else {
                parse_directive(str_of(v, "key"), input)
            };
            let ok = v["ok"].as_bool().expect("ok");
            match (&got, ok) {
                (None, false) => Ok(()),
                (Some(d), true) => {
                    if let Some(r) = v["ref"].as_str()
                        && d.reference != r
                    {
                        return Err(format!("ref {:?}, want {r:?}", d.reference));
                    }
                    if let Some(c) = v["cmdline"].as_str()
                        && d.cmdline != c
                    {
                        return Err(format!("cmdline {:?}, want {c:?}", d.cmdline));
                    }
                    if let Some(l) = v["line"].as_u64()
                        && u64::from(d.line) != l
                    {
                        return Err(format!("line {}, want {l}", d.line));
                    }
                    Ok(())
                }
                _ => Err(format!("got {got:?}, want ok={ok}")),
            }
        }
        other => Err(format!("unknown vector kind {other}")),
    }
}

#[test]
fn parser_unit_vectors() {
    let Some(root) = testfiles_dir() else { return };
    let text = fs::read_to_string(root.join("parser-unit-vectors.json")).expect("vectors");
    let vectors: Vec<Value> = serde_json::from_str(&text).expect("json");
    assert_eq!(vectors.len(), 61);
    let mut failures = String::new();
    for (i, v) in vectors.iter().enumerate() {
        let label = format!(
            "#{i} {} {}",
            str_of(v, "kind"),
            v.get("input")
                .or_else(|| v.get("line"))
                .and_then(Value::as_str)
                .map(|s| s.chars().take(40).collect::<String>())
                .unwrap_or_default()
        );
        if let Err(e) = run_vector(&root, v) {
            let _ = writeln!(failures, "{label}: {e}");
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn negative_fixture_errors_are_parser_layer() {
    let Some(root) = testfiles_dir() else { return };
    let src = fs::read_to_string(root.join("testfiles-negative/shykes-nested-json/Dockerfile"))
        .expect("Dockerfile");
    let df = parse(&src);
    let e = df.parser_error().expect("error");
    assert_eq!(e.kind, ErrorKind::Parser);
    assert_eq!(
        e.message,
        "when using JSON array syntax, arrays must be comprised of strings only"
    );
}
