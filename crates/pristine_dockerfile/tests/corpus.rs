//! Every Dockerfile of the shared corpus (`shared/corpus/*/files/`, listed in each project's
//! `meta.json`) parses without panicking and without a parser-layer error.
//!
//! Set `PRISTINE_CORPUS_DIR` to the `corpus` folder; without it the test looks for
//! `../../../shared/corpus` next to the crate and skips if that is missing.

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use pristine_dockerfile::{ErrorKind, parse};

/// Dockerfiles BuildKit itself rejects at parse time, with the reason.
const EXPECTED_PARSER_FAILURES: &[(&str, &str)] = &[];

/// `(project, path)` of every corpus Dockerfile.
fn corpus_files() -> Option<Vec<(String, PathBuf)>> {
    let root = common::data_dir("PRISTINE_CORPUS_DIR", "corpus")?;
    let mut out = Vec::new();
    let mut projects: Vec<PathBuf> = fs::read_dir(&root)
        .expect("corpus dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("meta.json").is_file())
        .collect();
    projects.sort();
    for project in projects {
        let meta: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(project.join("meta.json")).expect("meta"))
                .expect("meta.json");
        let name = project
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        for df in meta["dockerfiles"].as_array().expect("dockerfiles") {
            let rel = df.as_str().expect("path");
            out.push((format!("{name}/{rel}"), project.join("files").join(rel)));
        }
    }
    Some(out)
}

#[test]
fn corpus_parses_without_parser_errors() {
    let Some(files) = corpus_files() else { return };
    assert_eq!(files.len(), 251, "expected 251 corpus Dockerfiles");
    let mut failures = String::new();
    let mut instruction_errors = String::new();
    for (label, path) in &files {
        let bytes = fs::read(path).unwrap_or_else(|e| panic!("{label}: {e}"));
        let src = String::from_utf8_lossy(&bytes);
        let df = parse(&src);
        let _ = df.dump();
        let expected = EXPECTED_PARSER_FAILURES.iter().find(|(l, _)| l == label);
        match (df.parser_error(), expected) {
            (Some(e), None) => {
                let lc = df.line_index.line_col(e.range.start());
                let _ = writeln!(failures, "{label}:{}: {}", lc.line, e.message);
            }
            (None, Some(_)) => {
                let _ = writeln!(failures, "{label}: expected a parser error, got none");
            }
            _ => {}
        }
        for e in df
            .errors
            .iter()
            .filter(|e| e.kind == ErrorKind::Instruction)
        {
            let lc = df.line_index.line_col(e.range.start());
            let _ = writeln!(instruction_errors, "{label}:{}: {}", lc.line, e.message);
        }
    }
    #[allow(clippy::print_stderr)]
    if !instruction_errors.is_empty() {
        eprintln!("instruction-layer errors (informational):\n{instruction_errors}");
    }
    assert!(failures.is_empty(), "{failures}");
}
