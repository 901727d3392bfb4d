//! `pristine check --fix / --unsafe-fixes / --diff`: lint → fix → lint again until nothing
//! changes, per build, over the Dockerfile and the ignore file of its context only; then write
//! the changed files atomically, or print their unified diff.
//!
//! The rounds run on texts in memory: the Dockerfile is linted from its fixed text, and the
//! build context is computed with the fixed ignore-file text
//! ([`pristine_context::compute_with_ignore`]), so `--diff` sees exactly what `--fix` would
//! write.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use pristine_context::discover::Build;
use pristine_context::{ContextOptions, IgnoreFileKind};
use pristine_diagnostics::Diagnostic;
use pristine_linter::fix::{FixMode, MAX_FIX_ROUNDS, fix_round};
use pristine_workspace::Settings;

use crate::commands::context::FsContent;
use crate::commands::error_user;
use crate::render::Sources;

/// A file the fixes touch: its bytes on disk (`None` if it does not exist), its text now, and
/// the findings its fixes fixed, per rule code.
struct FileState {
    original: Option<Vec<u8>>,
    text: String,
    fixed: BTreeMap<&'static str, usize>,
}

/// Applies the configuration to a round's findings (see `check::apply_settings`).
pub(crate) type Filter<'a> =
    dyn Fn(Vec<Diagnostic>, &Sources, &BTreeSet<PathBuf>) -> Vec<Diagnostic> + 'a;

/// What fixing found.
#[derive(Default)]
pub(crate) struct FixSummary {
    /// A build could not be fixed (syntax error, non-UTF-8, no convergence, write error).
    pub(crate) had_error: bool,
    /// Files whose text changed, in path order.
    pub(crate) changed: Vec<PathBuf>,
    files: BTreeMap<PathBuf, FileState>,
}

impl FixSummary {
    /// Fixed findings, over the files still to write (or written): after [`write_changes`], a
    /// file that could not be written no longer counts.
    pub(crate) fn total(&self) -> usize {
        self.files.values().flat_map(|s| s.fixed.values()).sum()
    }
}

/// Reads `path` as UTF-8; `Ok(None)` if it does not exist.
fn read_text(path: &Path) -> Result<Option<(Vec<u8>, String)>> {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8(bytes.clone())
                .with_context(|| format!("`{}` is not UTF-8; not fixing it", path.display()))?;
            Ok(Some((bytes, text)))
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err).with_context(|| format!("failed to read `{}`", path.display())),
    }
}

impl FixSummary {
    fn text_of(&mut self, path: &Path) -> Result<String> {
        if let Some(state) = self.files.get(path) {
            return Ok(state.text.clone());
        }
        let (original, text) = match read_text(path)? {
            Some((bytes, text)) => (Some(bytes), text),
            None => (None, String::new()),
        };
        self.files.insert(
            path.to_path_buf(),
            FileState {
                original,
                text: text.clone(),
                fixed: BTreeMap::new(),
            },
        );
        Ok(text)
    }
}

/// The ignore file a build's fixes may edit, as shown to the user: the one BuildKit uses, or
/// `.dockerignore` in the context directory when there is none.
fn ignore_target(build: &Build) -> Option<PathBuf> {
    let opts = ContextOptions {
        context_dir: build.context_dir.clone(),
        dockerfile: Some(build.dockerfile.clone()),
        measure_excluded: false,
    };
    let (ignore, _) = pristine_context::select_ignore_file(&opts).ok()?;
    let root = std::fs::canonicalize(&build.context_dir).ok()?;
    match (ignore.kind, ignore.path) {
        (IgnoreFileKind::None, _) | (_, None) => Some(build.context_dir.join(".dockerignore")),
        (_, Some(path)) => Some(
            path.strip_prefix(&root)
                .map_or_else(|_| path.clone(), |rel| build.context_dir.join(rel)),
        ),
    }
}

/// The context findings of `build` with the Dockerfile's and the ignore file's current texts.
fn context_findings(
    build: &Build,
    dockerfile_text: &str,
    ignore: Option<(&Path, &str)>,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let opts = ContextOptions {
        context_dir: build.context_dir.clone(),
        dockerfile: Some(build.dockerfile.clone()),
        measure_excluded: false,
    };
    let ctx = match ignore {
        Some((_, text)) => pristine_context::compute_with_ignore(&opts, text.as_bytes()),
        None => pristine_context::compute(&opts),
    };
    // An ignore file BuildKit refuses: nothing to fix from the context.
    let Ok(ctx) = ctx else {
        return Vec::new();
    };
    let dockerfile = pristine_dockerfile::parse(dockerfile_text);
    let ignore_file = ctx.ignore.path.as_ref().map(|path| {
        path.strip_prefix(&ctx.root)
            .map_or_else(|_| path.clone(), |rel| build.context_dir.join(rel))
    });
    let platform = build
        .platforms
        .first()
        .cloned()
        .or_else(|| settings.linter.target_platform.clone())
        .unwrap_or_else(|| settings.linter.default_platform.clone());
    let content = FsContent::new(ctx.root.clone());
    let facts = pristine_linter::ContextFacts {
        context: &ctx,
        context_dir: &build.context_dir,
        dockerfile_path: &build.dockerfile,
        dockerfile: Some(&dockerfile),
        target: build.target.as_deref(),
        platform: &platform,
        ignore_file: ignore_file.as_deref(),
        content: &content,
    };
    pristine_linter::check_context(&facts, &settings.linter)
}

/// Runs the fix rounds of every build. `filter` applies the configuration (enabled rules,
/// per-file ignores, suppressions) to a round's findings, as for reporting.
pub(crate) fn fix_builds(
    builds: &[Build],
    settings: &Settings,
    mode: FixMode,
    with_context: bool,
    filter: &Filter,
) -> FixSummary {
    let mut summary = FixSummary::default();
    let mut seen = BTreeSet::new();
    for build in builds {
        if !seen.insert((build.dockerfile.clone(), build.context_dir.clone())) {
            continue;
        }
        if let Err(err) = fix_build(build, settings, mode, with_context, filter, &mut summary) {
            error_user(&format!("{err:#}"));
            summary.had_error = true;
        }
    }
    summary.changed = summary
        .files
        .iter()
        .filter(|(_, s)| s.original.as_deref() != Some(s.text.as_bytes()))
        .filter(|(_, s)| s.original.is_some() || !s.text.is_empty())
        .map(|(p, _)| p.clone())
        .collect();
    summary
}

fn fix_build(
    build: &Build,
    settings: &Settings,
    mode: FixMode,
    with_context: bool,
    filter: &Filter,
    summary: &mut FixSummary,
) -> Result<()> {
    let dockerfile = build.dockerfile.clone();
    let Some(_) = read_text(&dockerfile)? else {
        bail!("failed to read `{}`: not found", dockerfile.display());
    };
    let ignore = with_context.then(|| ignore_target(build)).flatten();
    let start_df = summary.text_of(&dockerfile)?;
    if !pristine_dockerfile::parse(&start_df).errors.is_empty() {
        bail!(
            "not fixing `{}`: it has syntax errors (DF001)",
            dockerfile.display()
        );
    }
    let start_ignore = match &ignore {
        Some(path) => Some(summary.text_of(path)?),
        None => None,
    };
    // Per file: a build that fails to converge counts nothing.
    let mut fixed: BTreeMap<PathBuf, BTreeMap<&'static str, usize>> = BTreeMap::new();
    let dockerfiles: BTreeSet<PathBuf> = BTreeSet::from([dockerfile.clone()]);
    for _ in 0..MAX_FIX_ROUNDS {
        let df_text = summary.text_of(&dockerfile)?;
        let mut diagnostics =
            pristine_linter::check_dockerfile(&dockerfile, &df_text, &settings.linter);
        let mut sources = Sources::default();
        sources.insert(dockerfile.clone(), Arc::from(df_text.as_str()));
        let ignore_state = match &ignore {
            Some(path) => {
                let text = summary.text_of(path)?;
                let exists = summary
                    .files
                    .get(path)
                    .is_some_and(|s| s.original.is_some());
                Some((path.clone(), text, exists))
            }
            None => None,
        };
        if let Some((path, text, exists)) = &ignore_state {
            sources.insert(path.clone(), Arc::from(text.as_str()));
            // The context as on disk until the ignore file changes (or is created).
            let overlay = (summary
                .files
                .get(path)
                .is_some_and(|s| s.original.as_deref() != Some(s.text.as_bytes()))
                && (*exists || !text.is_empty()))
            .then_some((path.as_path(), text.as_str()));
            diagnostics.extend(context_findings(build, &df_text, overlay, settings));
        }
        let diagnostics = filter(diagnostics, &sources, &dockerfiles);
        let mut changed = false;
        let targets = std::iter::once(dockerfile.clone()).chain(ignore.clone());
        for target in targets {
            let text = summary.text_of(&target)?;
            if let Some((next, codes)) = fix_round(&text, &target, &diagnostics, mode) {
                if target == dockerfile && !pristine_dockerfile::parse(&next).errors.is_empty() {
                    bail!(
                        "a fix would break the syntax of `{}`; not fixing it (please report this)",
                        dockerfile.display()
                    );
                }
                let counts = fixed.entry(target.clone()).or_default();
                for code in codes {
                    *counts.entry(code).or_default() += 1;
                }
                if let Some(state) = summary.files.get_mut(&target) {
                    state.text = next;
                }
                changed = true;
            }
        }
        if !changed {
            for (path, counts) in fixed {
                if let Some(state) = summary.files.get_mut(&path) {
                    for (code, n) in counts {
                        *state.fixed.entry(code).or_default() += n;
                    }
                }
            }
            return Ok(());
        }
    }
    // Leave this build's files as they were.
    if let Some(state) = summary.files.get_mut(&dockerfile) {
        state.text = start_df;
    }
    if let (Some(path), Some(text)) = (&ignore, start_ignore)
        && let Some(state) = summary.files.get_mut(path)
    {
        state.text = text;
    }
    bail!(
        "failed to converge after {MAX_FIX_ROUNDS} fix rounds on `{}`; nothing written for it (please report this)",
        dockerfile.display()
    )
}

/// Writes the unified diff of every changed file.
pub(crate) fn write_diffs(out: &mut dyn std::io::Write, summary: &FixSummary) -> Result<()> {
    for path in &summary.changed {
        let Some(state) = summary.files.get(path) else {
            continue;
        };
        let old = state
            .original
            .as_deref()
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        let shown = crate::render::display_path(path);
        let old_name = if state.original.is_some() {
            format!("a/{shown}")
        } else {
            "/dev/null".to_string()
        };
        let diff = similar::TextDiff::from_lines(old.as_ref(), state.text.as_str());
        write!(
            out,
            "{}",
            diff.unified_diff()
                .context_radius(3)
                .header(&old_name, &format!("b/{shown}"))
                .missing_newline_hint(true)
        )?;
    }
    Ok(())
}

/// Writes every changed file: a temporary file beside it, the original's permissions, then a
/// rename over it. A read-only file (or directory) is an error, reported per file; its fixes
/// then no longer count as fixed (the file is left as it was).
pub(crate) fn write_changes(summary: &mut FixSummary) -> bool {
    let mut ok = true;
    let mut written = Vec::with_capacity(summary.changed.len());
    for path in &summary.changed {
        let Some(state) = summary.files.get_mut(path) else {
            continue;
        };
        if let Err(err) = write_atomic(path, state.text.as_bytes(), state.original.is_some()) {
            error_user(&format!("{err:#}"));
            state.fixed.clear();
            ok = false;
        } else {
            written.push(path.clone());
        }
    }
    summary.changed = written;
    ok
}

fn write_atomic(path: &Path, bytes: &[u8], existed: bool) -> Result<()> {
    // Write through a symlink to the file it names, as an editor would.
    let target = if existed {
        std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    } else {
        path.to_path_buf()
    };
    let permissions = if existed {
        let md = std::fs::metadata(&target)
            .with_context(|| format!("failed to write `{}`", path.display()))?;
        if md.permissions().readonly() {
            bail!("cannot fix `{}`: the file is read-only", path.display());
        }
        Some(md.permissions())
    } else {
        None
    };
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".pristine-fix-")
        .tempfile_in(&dir)
        .with_context(|| {
            format!(
                "cannot fix `{}`: cannot write in `{}`",
                path.display(),
                dir.display()
            )
        })?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("failed to write `{}`", path.display()))?;
    let permissions = permissions.unwrap_or_else(|| {
        use std::os::unix::fs::PermissionsExt;
        // A new file: what `touch` would give under the usual umask.
        std::fs::Permissions::from_mode(0o644)
    });
    std::fs::set_permissions(temp.path(), permissions)
        .with_context(|| format!("failed to write `{}`", path.display()))?;
    temp.persist(&target)
        .map_err(|e| e.error)
        .with_context(|| format!("failed to write `{}`", path.display()))?;
    Ok(())
}
