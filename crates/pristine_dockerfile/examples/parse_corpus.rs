//! Parses every Dockerfile-like file under a directory N times and prints the time per pass.
//!
//! ```text
//! cargo run --release -p pristine_dockerfile --example parse_corpus -- ../shared/corpus 100
//! ```
//!
//! Output (one line, for benchmark scripts): `files=<n> bytes=<b> passes=<N> per_pass_us=<t>`.

use std::path::{Path, PathBuf};
use std::time::Instant;

fn is_dockerfile(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !lower.ends_with(".dockerignore")
        && Path::new(&lower).extension().is_none_or(|e| e != "json")
        && (lower.starts_with("dockerfile")
            || lower.starts_with("containerfile")
            || lower.ends_with(".dockerfile"))
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(is_dockerfile)
        {
            out.push(path);
        }
    }
}

#[allow(clippy::print_stdout, clippy::print_stderr)]
fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: parse_corpus <dir> [passes]");
        std::process::exit(2);
    };
    let passes: u32 = args
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100)
        .max(1);
    let mut files = Vec::new();
    collect(Path::new(&dir), &mut files);
    files.sort();
    let sources: Vec<String> = files
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    let bytes: usize = sources.iter().map(String::len).sum();
    let mut instructions = 0usize;
    let start = Instant::now();
    for _ in 0..passes {
        for src in &sources {
            let df = pristine_dockerfile::parse(src);
            instructions += std::hint::black_box(df.instructions.len());
        }
    }
    let per_pass = start.elapsed() / passes;
    println!(
        "files={} bytes={bytes} passes={passes} instructions={} per_pass_us={}",
        sources.len(),
        instructions / passes as usize,
        per_pass.as_micros()
    );
}
