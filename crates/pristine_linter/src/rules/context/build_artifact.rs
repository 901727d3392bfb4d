use pristine_context::{Entry, EntryKind};

use crate::Rule;
use crate::checkers::context::{
    Container, ContextChecker, Harm, basename, distinct_lines, lossy, parent,
};
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports Python build output in the build context: `*.egg-info/`, `.eggs/`,
    /// `__pypackages__/`, `.pdm-build/`, a `dist/` or `wheels/` holding wheels or sdists, and a
    /// setuptools `build/` (with `lib.*`, `bdist.*` or `temp.*`, or `lib/` beside a
    /// `pyproject.toml`/`setup.py`). Directories a `COPY` names explicitly (`COPY dist/ …`)
    /// are deliberate and not reported. All are reported together, once per `COPY`.
    ///
    /// A warning when a `COPY`/`ADD` copies them, information when they are only sent.
    ///
    /// ## Why is this bad?
    /// They are stale host artefacts: a `pip install .` in the image may pick up an old
    /// `build/lib` or `*.egg-info` (wrong version metadata, deleted modules coming back), and
    /// `__pypackages__` holds packages built for the host.
    ///
    /// ## Example
    /// `myapp.egg-info/` and `build/lib/` left by `pip install -e .` and `python -m build`.
    ///
    /// Use instead:
    /// ```text
    /// **/*.egg-info
    /// build
    /// dist
    /// ```
    /// and build wheels in a builder stage.
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
    /// - [github/gitignore Python.gitignore](https://github.com/github/gitignore/blob/main/Python.gitignore)
    pub(crate) struct BuildArtifact {
        code: "CX012",
        name: "build-artifact",
        family: Context,
        severity: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        summary: "Python build output in the build context",
    }
}

/// The direct children of directory `dir` among the sorted entries.
fn children<'e>(dir: &[u8], entries: &'e [Entry]) -> impl Iterator<Item = &'e Entry> {
    let mut prefix = dir.to_vec();
    prefix.push(b'/');
    let start = entries.partition_point(|e| e.path.as_slice() < prefix.as_slice());
    entries[start..]
        .iter()
        .take_while(move |e| e.path.starts_with(&prefix))
        .filter(move |e| !e.path[dir.len() + 1..].contains(&b'/'))
}

fn exists(path: &[u8], entries: &[Entry]) -> bool {
    entries
        .binary_search_by(|e| e.path.as_slice().cmp(path))
        .is_ok()
}

/// Is the directory `path` Python build output? (Called while classifying directories.)
pub(crate) fn is_build_artifact_dir(path: &[u8], entries: &[Entry]) -> bool {
    let name = basename(path);
    if name.ends_with(b".egg-info")
        || name == b".eggs"
        || name == b"__pypackages__"
        || name == b".pdm-build"
    {
        return true;
    }
    match name {
        b"dist" | b"wheels" => children(path, entries).any(|e| {
            let n = basename(&e.path);
            e.kind == EntryKind::File
                && (n.ends_with(b".whl") || n.ends_with(b".tar.gz") || n.ends_with(b".egg"))
        }),
        b"build" => {
            let setuptools = children(path, entries).any(|e| {
                let n = basename(&e.path);
                e.kind == EntryKind::Dir
                    && (n.starts_with(b"lib.")
                        || n.starts_with(b"bdist.")
                        || n.starts_with(b"temp."))
            });
            if setuptools {
                return true;
            }
            let up = parent(path);
            let sibling = |file: &[u8]| {
                let mut p = up.to_vec();
                if !p.is_empty() {
                    p.push(b'/');
                }
                p.extend_from_slice(file);
                exists(&p, entries)
            };
            let mut lib = path.to_vec();
            lib.extend_from_slice(b"/lib");
            exists(&lib, entries) && (sibling(b"pyproject.toml") || sibling(b"setup.py"))
        }
        _ => false,
    }
}

pub(crate) fn build_artifact(checker: &mut ContextChecker) {
    let items = checker.grouped_items(Container::BuildArtifact, |_| false);
    if items.is_empty() {
        return;
    }
    let lines = distinct_lines(&items, |p| {
        if basename(p).ends_with(b".egg-info") {
            "**/*.egg-info".to_string()
        } else {
            lossy(p)
        }
    });
    checker.report_group(
        Rule::BuildArtifact,
        items,
        ("build artefact", "build artefacts"),
        &lines,
        Harm::Bloat,
    );
}
