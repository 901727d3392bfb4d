//! `pristine init [DIR]`: write a Dockerfile and a `.dockerignore` for a Python project.
//!
//! The I/O half: walk the project (without entering environments, VCS metadata or caches),
//! read the few files `pristine_init` asks for, print the explanations on stderr, and write,
//! print or diff the generated files. Existing files are never overwritten without `--force`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use pristine_init::{Options, PackageManager, Snapshot};

use crate::Outcome;
use crate::cli::InitArgs;
use crate::commands::{error_user, warn_user};

/// Files larger than this are not read (a generated module is no app entry point).
const MAX_READ: u64 = 512 * 1024;
/// Stop walking after this many entries (a data directory in the project).
const MAX_ENTRIES: usize = 50_000;
const MAX_DEPTH: usize = 8;

fn walk(root: &Path) -> Result<Snapshot> {
    let mut snapshot = Snapshot::default();
    let mut stack = vec![(PathBuf::new(), 0usize)];
    while let Some((rel, depth)) = stack.pop() {
        let dir = root.join(&rel);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if rel.as_os_str().is_empty() => {
                return Err(err).with_context(|| format!("cannot read {}", root.display()));
            }
            Err(err) => {
                warn_user(&format!("cannot read {}: {err}", dir.display()));
                continue;
            }
        };
        for entry in entries.flatten() {
            if snapshot.paths.len() >= MAX_ENTRIES {
                warn_user(&format!(
                    "stopped listing {} after {MAX_ENTRIES} entries",
                    root.display()
                ));
                return Ok(snapshot);
            }
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let rel_path = rel.join(name);
            let Some(text) = rel_path.to_str() else {
                continue;
            };
            let text = text.replace('\\', "/");
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                snapshot.paths.insert(format!("{text}/"));
                let path = entry.path();
                let venv = path.join("pyvenv.cfg").is_file();
                let conda = path.join("conda-meta").is_dir();
                if venv {
                    snapshot.paths.insert(format!("{text}/pyvenv.cfg"));
                }
                if conda {
                    snapshot.paths.insert(format!("{text}/conda-meta/"));
                }
                if !(venv || conda || pristine_init::is_opaque_dir(name)) && depth < MAX_DEPTH {
                    stack.push((rel_path, depth + 1));
                }
            } else {
                snapshot.paths.insert(text.clone());
                if kind.is_file()
                    && pristine_init::wants_content(&text)
                    && entry.metadata().is_ok_and(|m| m.len() <= MAX_READ)
                    && let Ok(bytes) = fs::read(entry.path())
                {
                    snapshot
                        .contents
                        .insert(text, String::from_utf8_lossy(&bytes).into_owned());
                }
            }
        }
    }
    Ok(snapshot)
}

pub(crate) fn init(args: &InitArgs) -> Result<Outcome> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let package_manager = match &args.package_manager {
        Some(name) => match name.parse::<PackageManager>() {
            Ok(pm) => Some(pm),
            Err(message) => {
                error_user(&format!("--package-manager: {message}"));
                return Ok(Outcome::Error);
            }
        },
        None => None,
    };
    let options = Options {
        base_image: args.base_image.clone(),
        python: args.python.clone(),
        package_manager,
        entrypoint: args.entrypoint.clone(),
        port: args.port,
        uv_image: args.uv_image.clone(),
        syntax: args.syntax,
    };
    let snapshot = walk(&dir)?;
    let result = match pristine_init::init(&snapshot, &options) {
        Ok(result) => result,
        Err(err) => {
            error_user(&format!("{}: {err}", dir.display()));
            return Ok(Outcome::Error);
        }
    };

    {
        let mut stderr = anstream::stderr().lock();
        for line in &result.explanations {
            if let Some(warning) = line.strip_prefix("warning: ") {
                drop(stderr);
                warn_user(warning);
                stderr = anstream::stderr().lock();
            } else {
                writeln!(stderr, "  {line}")?;
            }
        }
    }

    let mut stdout = anstream::stdout().lock();
    if args.stdout {
        for (i, file) in result.files.iter().enumerate() {
            if i > 0 {
                writeln!(stdout)?;
            }
            writeln!(stdout, "# ==> {} <==", file.path)?;
            write!(stdout, "{}", file.content)?;
        }
        return Ok(Outcome::Clean);
    }
    if args.diff {
        for file in &result.files {
            let path = dir.join(file.path);
            let old = fs::read_to_string(&path).unwrap_or_default();
            let old_name = if path.exists() {
                format!("a/{}", file.path)
            } else {
                "/dev/null".to_owned()
            };
            write!(
                stdout,
                "{}",
                unified_diff(&old, &file.content, &old_name, &format!("b/{}", file.path))
            )?;
        }
        return Ok(Outcome::Clean);
    }

    let existing: Vec<&str> = result
        .files
        .iter()
        .filter(|f| dir.join(f.path).exists())
        .map(|f| f.path)
        .collect();
    if !existing.is_empty() && !args.force {
        error_user(&format!(
            "{} already exist{} in {}: not overwritten (use --force, or --diff to compare)",
            existing.join(" and "),
            if existing.len() == 1 { "s" } else { "" },
            dir.display()
        ));
        return Ok(Outcome::Error);
    }
    for file in &result.files {
        let path = dir.join(file.path);
        fs::write(&path, &file.content)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let mut stderr = anstream::stderr().lock();
    writeln!(
        stderr,
        "wrote {} in {}",
        result
            .files
            .iter()
            .map(|f| f.path)
            .collect::<Vec<_>>()
            .join(" and "),
        dir.display()
    )?;
    Ok(Outcome::Clean)
}

/// A unified diff (3 lines of context) of two small texts, from a longest common subsequence
/// of their lines; empty when they are equal.
#[allow(clippy::many_single_char_names)]
fn unified_diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    use std::fmt::Write as _;
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // lcs[i][j]: LCS length of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // The edit script: (tag, old line number, new line number, text).
    let mut ops: Vec<(char, usize, usize, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push((' ', i, j, a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            // Deletions before insertions, as diff(1) prints them.
            ops.push(('-', i, j, a[i]));
            i += 1;
        } else {
            ops.push(('+', i, j, b[j]));
            j += 1;
        }
    }
    if ops.iter().all(|op| op.0 == ' ') {
        return String::new();
    }
    let mut out = format!("--- {old_name}\n+++ {new_name}\n");
    let changed: Vec<usize> = (0..ops.len()).filter(|&k| ops[k].0 != ' ').collect();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(3);
        let mut end = changed[k];
        while k < changed.len() && changed[k] <= end + 6 {
            end = changed[k];
            k += 1;
        }
        let end = (end + 4).min(ops.len());
        let hunk = &ops[start..end];
        let old_len = hunk.iter().filter(|op| op.0 != '+').count();
        let new_len = hunk.iter().filter(|op| op.0 != '-').count();
        let old_start = hunk.first().map_or(0, |op| op.1) + usize::from(old_len > 0);
        let new_start = hunk.first().map_or(0, |op| op.2) + usize::from(new_len > 0);
        let _ = writeln!(out, "@@ -{old_start},{old_len} +{new_start},{new_len} @@");
        for (tag, _, _, text) in hunk {
            out.push(*tag);
            out.push_str(text);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unified_diff;

    #[test]
    fn diff() {
        assert_eq!(unified_diff("a\nb\n", "a\nb\n", "x", "y"), "");
        assert_eq!(
            unified_diff("a\nb\nc\n", "a\nB\nc\nd\n", "a/f", "b/f"),
            "--- a/f\n+++ b/f\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n c\n+d\n"
        );
        assert_eq!(
            unified_diff("", "x\n", "/dev/null", "b/f"),
            "--- /dev/null\n+++ b/f\n@@ -0,0 +1,1 @@\n+x\n"
        );
    }
}
