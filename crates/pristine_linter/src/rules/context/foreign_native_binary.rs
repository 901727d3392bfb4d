use std::fmt::Write as _;
use std::str::FromStr;

use pristine_binary::{Compat, Platform};
use pristine_context::EntryKind;
use pristine_dockerfile::Base;
use rayon::prelude::*;

use crate::Rule;
use crate::checkers::context::{ContextChecker, Finding, Harm, basename, lossy, with_article};
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports native binaries in the build context that cannot load on the platform the image
    /// is built for, with the exact error the loader will print: Mach-O (macOS) and PE
    /// (Windows) files, ELF files of another CPU, class or byte order, binaries linked against
    /// the other C library (musl on a glibc image and the reverse), and binaries needing a
    /// newer `GLIBC_x.y` than the base image has.
    ///
    /// Candidates are chosen by name, size and mode (`*.so`, `*.so.N`, `*.pyd`, `*.dylib`,
    /// `*.dll`, executables in `bin/`), then decided by their headers only (never a full
    /// read). Findings are grouped: one per virtualenv or other directory reported as a whole,
    /// else one per package directory, naming the first binary and how many more there are.
    ///
    /// The platform comes from `--platform`, compose `platforms`, the `target-platform`
    /// setting or the final stage's `FROM --platform`, else `linux/amd64`; the C library and
    /// glibc version from the final stage's base image (`python:3.12-slim` is glibc,
    /// `*-alpine` is musl).
    ///
    /// It is an error when a `COPY`/`ADD` of a stage that reaches the image copies it, and a
    /// warning when it is only sent.
    ///
    /// ## Why is this bad?
    /// `import cryptography` in the image fails with
    /// `ImportError: …/_rust.abi3.so: invalid ELF header` when `.venv` came from a Mac; an
    /// aarch64 wheel on `linux/amd64` fails with `wrong ELF class` or `cannot open shared object
    /// file`; a manylinux binary on Alpine fails with `Error loading shared library
    /// libc.so.6`. The build succeeds and the container crashes at start.
    ///
    /// ## Example
    /// `.venv/lib/python3.12/site-packages/cryptography/hazmat/bindings/_rust.abi3.so` from
    /// `uv sync` on macOS arm64, with `COPY . .`.
    ///
    /// Use instead: exclude the environment (`**/.venv`) and install the packages in the
    /// image, for its platform.
    ///
    /// ## Fix safety
    /// The fix adds the line shown in the help to the ignore file (`.dockerignore`, or the
    /// Dockerfile's own `<name>.dockerignore`; created when missing), under a `# added by pristine`
    /// comment, after the user's lines. A line is only added if the matcher shows it excludes the
    /// finding and excludes no path a `COPY`/`ADD` names. It is safe when only the context
    /// changes (nothing copies the path); when a `COPY` copies it, excluding it changes the image
    /// (the build or the app may read it), so the fix is unsafe.
    ///
    /// ## References
    /// - glibc `elf/dl-load.c`, musl `ldso/dynlink.c` (loader errors)
    /// - [PEP 600](https://peps.python.org/pep-0600/), [PEP 656](https://peps.python.org/pep-0656/) (manylinux, musllinux)
    pub(crate) struct ForeignNativeBinary {
        code: "CX006",
        name: "foreign-native-binary",
        family: Context,
        severity: Error,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "Native binary that cannot load on the image's platform",
    }
}

/// The image platform: the build's platform plus what the final stage's base image says
/// about its C library.
fn target_platform(checker: &ContextChecker) -> Platform {
    let mut platform =
        Platform::from_str(checker.facts.platform).unwrap_or_else(|_| Platform::linux_amd64());
    if let Some(df) = checker.facts.dockerfile {
        let stages = df.stages();
        let mut stage = checker
            .facts
            .target
            .and_then(|t| stages.by_name(t))
            .or_else(|| stages.final_stage());
        // Follow `FROM <stage>` to the image it starts from.
        for _ in 0..stages.stages.len() {
            match stage.map(|s| &s.base) {
                Some(Base::Stage(i)) => stage = stages.stages.get(*i),
                _ => break,
            }
        }
        if let Some(Base::Image(image)) = stage.map(|s| &s.base) {
            platform = platform.with_base_image(image);
        }
    }
    platform
}

/// The group a binary is reported in: its outermost reported directory, else its
/// `site-packages/<package>` directory, else its parent directory.
fn group_of(checker: &ContextChecker, path: &[u8]) -> (Vec<u8>, String) {
    if let Some((dir, _)) = checker.enclosing_container(path) {
        let name = lossy(basename(dir));
        let line = if dir.contains(&b'/') {
            format!("**/{name}")
        } else {
            name
        };
        return (dir.to_vec(), line);
    }
    let marker = b"site-packages/";
    if let Some(i) = path.windows(marker.len()).position(|w| w == marker) {
        let rest = &path[i + marker.len()..];
        if let Some(j) = rest.iter().position(|&c| c == b'/') {
            let dir = path[..i + marker.len() + j].to_vec();
            let line = lossy(&dir);
            return (dir, line);
        }
    }
    let dir = crate::checkers::context::parent(path).to_vec();
    let line = if dir.is_empty() {
        lossy(path)
    } else {
        lossy(&dir)
    };
    (dir, line)
}

/// A binary's description with its article: "an ELF aarch64 (glibc) shared object", "a Mach-O
/// arm64 (macOS) bundle"; " binary" is added only when the description names no kind of file
/// ("a Mach-O arm64 (macOS) binary").
fn described(what: &str) -> String {
    let noun = if what.ends_with(')') { " binary" } else { "" };
    with_article(&format!("{what}{noun}"))
}

/// (path, description, runtime error) of one foreign binary.
type Item = (Vec<u8>, String, String);
/// (group directory, ignore-file line, binaries).
type Group = (Vec<u8>, String, Vec<Item>);

pub(crate) fn foreign_native_binary(checker: &mut ContextChecker) {
    let target = target_platform(checker);
    let platform_name = target.docker();
    let candidates: Vec<&[u8]> = checker
        .facts
        .context
        .tree
        .entries
        .iter()
        .filter(|entry| {
            entry.kind == EntryKind::File
                && pristine_binary::is_binary_candidate(
                    &String::from_utf8_lossy(&entry.path),
                    entry.size,
                    Some(entry.mode),
                )
        })
        .map(|entry| entry.path.as_slice())
        .collect();
    // Reading headers is most of this rule's time on a large context: in parallel, the
    // results kept in entry order.
    let content = checker.facts.content;
    let foreign: Vec<(&[u8], String, String)> = candidates
        .par_iter()
        .filter_map(|&path| {
            let info = content.binary_info(path)?;
            match pristine_binary::compatibility(&info, &target) {
                Compat::Foreign { runtime_error, .. } => {
                    Some((path, info.to_string(), runtime_error))
                }
                Compat::Ok => None,
            }
        })
        .collect();
    let mut groups: Vec<Group> = Vec::new();
    for (path, what, runtime_error) in foreign {
        let (dir, line) = group_of(checker, path);
        let item = (path.to_vec(), what, runtime_error);
        match groups.iter_mut().find(|(d, _, _)| *d == dir) {
            Some((_, _, items)) => items.push(item),
            None => groups.push((dir, line, vec![item])),
        }
    }
    for (dir, line, mut items) in groups {
        // Name an extension module Python imports first, if there is one.
        items.sort_by_key(|(p, _, _)| {
            (
                !pristine_binary::python_tries_to_load(&String::from_utf8_lossy(p)),
                p.clone(),
            )
        });
        let (first, what, error) = &items[0];
        let verb = if pristine_binary::python_tries_to_load(&String::from_utf8_lossy(first)) {
            "importing"
        } else {
            "loading"
        };
        let mut message = format!(
            "`{}` is {}: {verb} it in {platform_name} fails with \"{error}\"",
            checker.shown(first, false),
            described(what)
        );
        if items.len() > 1 {
            let _ = write!(
                message,
                " ({} more foreign binaries in `{}`)",
                items.len() - 1,
                checker.shown(&dir, true)
            );
        }
        let first = first.clone();
        let more = items[1..].iter().map(|(p, _, _)| p.clone()).collect();
        checker.report_finding(Finding {
            rule: Rule::ForeignNativeBinary,
            path: first,
            is_dir: false,
            more,
            message,
            ignore_lines: vec![line],
            harm: Harm::Hazard,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::described;

    #[test]
    fn articles() {
        assert_eq!(
            described("ELF aarch64 (glibc) shared object"),
            "an ELF aarch64 (glibc) shared object"
        );
        assert_eq!(
            described("Mach-O arm64 (macOS) bundle"),
            "a Mach-O arm64 (macOS) bundle"
        );
        assert_eq!(
            described("Mach-O arm64 (macOS)"),
            "a Mach-O arm64 (macOS) binary"
        );
        assert_eq!(
            described("PE x86_64 (Windows) DLL"),
            "a PE x86_64 (Windows) DLL"
        );
    }
}
