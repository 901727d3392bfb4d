//! `pristine context [DIR]`: what Docker sends as the build context, how big it is, and why a
//! path is in or out. Also the context findings of `pristine check`.

use std::fmt::Write as _;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result};
use pristine_context::discover::Build;
use pristine_context::{
    Context, ContextError, ContextOptions, EntryKind, IgnoreFileKind, IgnoreSource, Issue,
    IssueKind, Why,
};
use pristine_diagnostics::{Diagnostic, TextRange, TextSize};
use pristine_ignore::NewError;
use pristine_linter::{LinterSettings, Rule};
use serde::Serialize;

use crate::Outcome;
use crate::cli::{ContextArgs, TextOrJson};
use crate::commands::{error_user, warn_user};
use crate::render::Sources;

pub(crate) fn context(args: &ContextArgs) -> Result<Outcome> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let opts = ContextOptions {
        context_dir: dir.clone(),
        dockerfile: args.file.clone(),
        // Sizing what the ignore file keeps out means walking the directories BuildKit skips:
        // worth it for the summary, not for `--list`/`--why`.
        measure_excluded: !args.list && args.why.is_none(),
    };
    if args.list {
        return list(args, &opts);
    }
    if let Some(path) = &args.why {
        return why(args, &opts, path);
    }
    let ctx = match pristine_context::compute(&opts) {
        Ok(ctx) => ctx,
        Err(err) => return Ok(report_context_error(&opts, &err)),
    };
    let fatal = ctx.tree.fatal_issues().count() > 0;
    let mut stdout = std::io::stdout().lock();

    match args.output_format {
        TextOrJson::Text => summary_text(&mut stdout, &ctx, args.top)?,
        TextOrJson::Json => {
            serde_json::to_writer_pretty(&mut stdout, &SummaryJson::new(&ctx, args.top))?;
            writeln!(stdout)?;
        }
    }
    stdout.flush()?;
    report_issues(&ctx);
    Ok(if fatal {
        Outcome::Error
    } else {
        Outcome::Clean
    })
}

/// `pristine context --why PATH`, from [`pristine_context::why`] (no walk of the whole context).
fn why(args: &ContextArgs, opts: &ContextOptions, path: &Path) -> Result<Outcome> {
    let answer = match pristine_context::why(opts, |root| relative_to_root(path, root)) {
        Ok(answer) => answer,
        Err(err) => return Ok(report_context_error(opts, &err)),
    };
    let why = answer
        .why
        .map_err(|err| anyhow::anyhow!("Docker would fail the build: {err}"))?;
    let mut stdout = std::io::stdout().lock();
    match args.output_format {
        TextOrJson::Text => writeln!(stdout, "{}", why_text(&answer.ignore, &answer.root, &why))?,
        TextOrJson::Json => {
            serde_json::to_writer_pretty(&mut stdout, &WhyJson::new(&answer.ignore, &why))?;
            writeln!(stdout)?;
        }
    }
    Ok(Outcome::Clean)
}

/// `pristine context --list`: the sent paths, streamed from the listing walk (no tree of
/// entries is built; see [`pristine_context::Listing`]).
fn list(args: &ContextArgs, opts: &ContextOptions) -> Result<Outcome> {
    let listing = match pristine_context::list_sent(opts) {
        Ok(listing) => listing,
        Err(err) => return Ok(report_context_error(opts, &err)),
    };
    if listing.fatal_issues().next().is_some() {
        report_issue_list(&listing.issues);
        return Ok(Outcome::Error);
    }
    let stdout = std::io::stdout().lock();
    // Hundreds of thousands of short lines: one `write` per 64 KiB, not per line.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
    match args.output_format {
        TextOrJson::Text => listing.for_each(|path| {
            out.write_all(path)?;
            out.write_all(b"\n")
        })?,
        TextOrJson::Json => {
            let mut list: Vec<String> = Vec::new();
            listing.for_each(|path| {
                list.push(String::from_utf8_lossy(path).into_owned());
                Ok::<(), std::convert::Infallible>(())
            })?;
            serde_json::to_writer_pretty(&mut out, &list)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(Outcome::Clean)
}

/// Reports why the context cannot be computed (what Docker would fail with) and where in the
/// ignore file the cause is.
fn report_context_error(opts: &ContextOptions, err: &ContextError) -> Outcome {
    error_user(&format!("Docker would fail the build: {err}"));
    if let Some(hint) = error_location(opts, err) {
        error_user(&hint);
    }
    Outcome::Error
}

/// `PATH` as given on the command line → a `/`-separated path relative to the context root.
/// A path that exists from the current directory and lies inside the context is made
/// relative; anything else is taken as relative to the context root already.
fn relative_to_root(path: &Path, root: &Path) -> Vec<u8> {
    let trailing_slash = path.as_os_str().as_bytes().ends_with(b"/");
    let absolute = if path.is_absolute() {
        Some(path.to_path_buf())
    } else {
        std::env::current_dir().ok().map(|cwd| cwd.join(path))
    };
    if let Some(abs) = absolute {
        // Canonicalise the parent only, so a symlink named on the command line is asked about
        // as the link it is (Docker never follows it).
        let resolved = match (abs.parent(), abs.file_name()) {
            (Some(parent), Some(name)) => parent.canonicalize().ok().map(|p| p.join(name)),
            _ => abs.canonicalize().ok(),
        };
        if let Some(resolved) = resolved
            && let Ok(rel) = resolved.strip_prefix(root)
        {
            let mut bytes = rel.as_os_str().as_bytes().to_vec();
            if bytes.is_empty() {
                bytes.push(b'.');
            }
            if trailing_slash {
                bytes.push(b'/');
            }
            return bytes;
        }
    }
    path.as_os_str().as_bytes().to_vec()
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ignore_name(ctx: &Context) -> String {
    ignore_file_name(&ctx.ignore, &ctx.root)
}

fn ignore_file_name(ignore: &IgnoreSource, root: &Path) -> String {
    match (&ignore.kind, &ignore.path) {
        (IgnoreFileKind::None, _) | (_, None) => "no ignore file".to_string(),
        (_, Some(path)) => display_relative(path, root),
    }
}

fn display_relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// `line N: `text`` of the ignore-file pattern with this index.
fn pattern_label(ignore: &IgnoreSource, index: usize) -> String {
    match ignore.file.patterns.get(index) {
        Some(p) => format!(
            "line {}: `{}`",
            p.line,
            lossy(p.line_text(&ignore.bytes)).trim_end()
        ),
        None => format!("pattern #{index}"),
    }
}

fn why_text(ignore_source: &IgnoreSource, root: &Path, why: &Why) -> String {
    let path = lossy(&why.path);
    let path = if why.is_dir && !path.ends_with('/') {
        format!("{path}/")
    } else {
        path
    };
    let ignore = ignore_file_name(ignore_source, root);
    let mut text = if let Some(error) = &why.unchecked {
        format!(
            "`{path}` could not be checked in the context directory ({error}); if it exists, it would be"
        )
    } else if !why.exists {
        format!("`{path}` does not exist in the context directory; if it did, it would be")
    } else if why.sent {
        format!("`{path}` is sent")
    } else {
        format!("`{path}` is excluded")
    };
    match (why.deciding_pattern, why.sent) {
        (Some(index), true) if why.sent_as_parent => {
            let _ = write!(
                text,
                ", because something below it is re-included (it is excluded by {ignore} {})",
                pattern_label(ignore_source, index)
            );
        }
        (Some(index), true) => {
            let _ = write!(
                text,
                "{} re-included by {ignore} {}",
                if why.exists { ":" } else { "" },
                pattern_label(ignore_source, index)
            );
        }
        (Some(index), false) => {
            let _ = write!(
                text,
                "{} by {ignore} {}",
                if why.exists { "" } else { " excluded" },
                pattern_label(ignore_source, index)
            );
            if let Some(dir) = &why.pruned_at
                && dir != &why.path
            {
                let _ = write!(
                    text,
                    "\n  which excludes `{}/`; BuildKit never enters it",
                    lossy(dir)
                );
            }
        }
        (None, _) => {
            // A missing path finishes "if it did, it would be" with the verdict.
            if !why.exists {
                text.push_str(" sent");
            }
            if ignore_source.kind == IgnoreFileKind::None {
                text.push_str(": there is no ignore file");
            } else {
                let _ = write!(text, ": no pattern in {ignore} matches it");
            }
        }
    }
    text
}

#[derive(Serialize)]
struct WhyJson {
    path: String,
    exists: bool,
    /// Why `exists` could not be checked (the OS error); absent when it could.
    #[serde(skip_serializing_if = "Option::is_none")]
    unchecked: Option<String>,
    is_dir: bool,
    sent: bool,
    ignore_file: Option<String>,
    pattern: Option<PatternJson>,
    pruned_at: Option<String>,
    sent_as_parent: bool,
}

#[derive(Serialize)]
struct PatternJson {
    line: u32,
    text: String,
    exception: bool,
}

impl PatternJson {
    fn new(ignore: &IgnoreSource, index: usize) -> Option<Self> {
        ignore.file.patterns.get(index).map(|p| PatternJson {
            line: p.line,
            text: lossy(p.line_text(&ignore.bytes)).trim_end().to_string(),
            exception: p.exception,
        })
    }
}

impl WhyJson {
    fn new(ignore: &IgnoreSource, why: &Why) -> Self {
        Self {
            path: lossy(&why.path),
            exists: why.exists,
            unchecked: why.unchecked.clone(),
            is_dir: why.is_dir,
            sent: why.sent,
            ignore_file: ignore.path.as_ref().map(|p| p.display().to_string()),
            pattern: why
                .deciding_pattern
                .and_then(|i| PatternJson::new(ignore, i)),
            pruned_at: why.pruned_at.as_deref().map(lossy),
            sent_as_parent: why.sent_as_parent,
        }
    }
}

pub(crate) use pristine_diagnostics::{human_bytes, plural};

/// The largest sent directories, leaving out a directory whose totals equal its parent's
/// (`.venv/lib/python3.12/` under `.venv/lib/`): the chain says nothing the parent did not.
fn largest_directories(ctx: &Context, top: usize) -> Vec<&pristine_context::PathTotals> {
    let totals: std::collections::HashMap<&[u8], (u64, u64)> = ctx
        .tree
        .stats
        .directories
        .iter()
        .map(|d| (d.path.as_slice(), (d.files, d.bytes)))
        .collect();
    ctx.tree
        .stats
        .directories
        .iter()
        .filter(|d| {
            let parent = d
                .path
                .iter()
                .rposition(|&b| b == b'/')
                .map(|i| &d.path[..i]);
            parent.and_then(|p| totals.get(p)) != Some(&(d.files, d.bytes))
        })
        .take(top)
        .collect()
}

fn largest_files(ctx: &Context, top: usize) -> Vec<(&[u8], u64)> {
    let mut files: Vec<(&[u8], u64)> = ctx
        .tree
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::File)
        .map(|e| (e.path.as_slice(), e.size))
        .collect();
    files.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    files.truncate(top);
    files
}

fn summary_text(out: &mut dyn Write, ctx: &Context, top: usize) -> Result<()> {
    let stats = &ctx.tree.stats;
    writeln!(out, "Build context: {}", ctx.root.display())?;
    let patterns = u64::try_from(ctx.ignore.file.patterns.len()).unwrap_or(u64::MAX);
    writeln!(
        out,
        "Ignore file:   {}{}",
        ignore_name(ctx),
        match ctx.ignore.kind {
            IgnoreFileKind::None => String::new(),
            IgnoreFileKind::PerDockerfile => {
                format!(
                    " ({}, per-Dockerfile: replaces `.dockerignore`)",
                    plural(patterns, "pattern", "patterns")
                )
            }
            IgnoreFileKind::ContextRoot => {
                format!(" ({})", plural(patterns, "pattern", "patterns"))
            }
        }
    )?;
    writeln!(
        out,
        "Sent:          {}, {} ({})",
        plural(stats.files_sent, "file", "files"),
        human_bytes(stats.bytes_sent),
        plural(stats.entries_sent, "entry", "entries")
    )?;
    if stats.files_excluded > 0 || !stats.by_pattern.is_empty() {
        writeln!(
            out,
            "Excluded:      {}, {}",
            plural(stats.files_excluded, "file", "files"),
            human_bytes(stats.bytes_excluded)
        )?;
    }

    let dirs = largest_directories(ctx, top);
    if !dirs.is_empty() {
        writeln!(out, "\nLargest directories:")?;
        for d in dirs {
            writeln!(
                out,
                "  {:>10}  {:>8} {:<5}  {}/",
                human_bytes(d.bytes),
                d.files,
                if d.files == 1 { "file" } else { "files" },
                lossy(&d.path)
            )?;
        }
    }
    let files = largest_files(ctx, top);
    if !files.is_empty() {
        writeln!(out, "\nLargest files:")?;
        for (path, size) in files {
            writeln!(out, "  {:>10}  {}", human_bytes(size), lossy(path))?;
        }
    }
    if !stats.by_pattern.is_empty() {
        writeln!(out, "\nWhat {} keeps out:", ignore_name(ctx))?;
        for saving in &stats.by_pattern {
            writeln!(
                out,
                "  {:>10}  {:>8} {:<5}  {}",
                human_bytes(saving.bytes),
                saving.files,
                if saving.files == 1 { "file" } else { "files" },
                pattern_label(&ctx.ignore, saving.pattern)
            )?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    root: String,
    ignore_file: Option<String>,
    ignore_file_kind: IgnoreFileKind,
    files_sent: u64,
    bytes_sent: u64,
    entries_sent: u64,
    files_excluded: u64,
    bytes_excluded: u64,
    largest_directories: Vec<&'a pristine_context::PathTotals>,
    largest_files: Vec<FileJson>,
    excluded_by: Vec<SavingJson>,
    issues: &'a [Issue],
}

#[derive(Serialize)]
struct FileJson {
    path: String,
    size: u64,
}

#[derive(Serialize)]
struct SavingJson {
    pattern: Option<PatternJson>,
    files: u64,
    bytes: u64,
    dirs_pruned: u64,
}

impl<'a> SummaryJson<'a> {
    fn new(ctx: &'a Context, top: usize) -> Self {
        let stats = &ctx.tree.stats;
        Self {
            root: ctx.root.display().to_string(),
            ignore_file: ctx.ignore.path.as_ref().map(|p| p.display().to_string()),
            ignore_file_kind: ctx.ignore.kind,
            files_sent: stats.files_sent,
            bytes_sent: stats.bytes_sent,
            entries_sent: stats.entries_sent,
            files_excluded: stats.files_excluded,
            bytes_excluded: stats.bytes_excluded,
            largest_directories: largest_directories(ctx, top),
            largest_files: largest_files(ctx, top)
                .into_iter()
                .map(|(path, size)| FileJson {
                    path: lossy(path),
                    size,
                })
                .collect(),
            excluded_by: stats
                .by_pattern
                .iter()
                .map(|s| SavingJson {
                    pattern: PatternJson::new(&ctx.ignore, s.pattern),
                    files: s.files,
                    bytes: s.bytes,
                    dirs_pruned: s.dirs_pruned,
                })
                .collect(),
            issues: &ctx.tree.issues,
        }
    }
}

fn issue_message(issue: &Issue) -> Option<String> {
    let path = lossy(&issue.path);
    Some(match &issue.kind {
        IssueKind::IgnoreFileMissing => return None,
        IssueKind::IgnoreFileUnusable { message, .. } => {
            format!("ignore file `{path}` is not used: {message}")
        }
        IssueKind::UnreadableDir { message } => {
            format!("cannot read directory `{path}`: {message}; BuildKit fails the build")
        }
        IssueKind::UnreadableFile { message } => {
            format!("cannot read `{path}`: {message}; BuildKit fails the build")
        }
        IssueKind::StatFailed { message } => {
            format!("cannot stat `{path}`: {message}; BuildKit fails the build")
        }
        IssueKind::NonUtf8Name => format!("`{path}` is not a valid UTF-8 name"),
    })
}

fn report_issues(ctx: &Context) {
    report_issue_list(&ctx.tree.issues);
}

fn report_issue_list(issues: &[Issue]) {
    for issue in issues {
        if let Some(message) = issue_message(issue) {
            if issue.fails_build() {
                error_user(&message);
            } else {
                warn_user(&message);
            }
        }
    }
}

/// Where in the ignore file an error that makes BuildKit fail comes from, for the user.
fn error_location(opts: &ContextOptions, err: &ContextError) -> Option<String> {
    let (ignore, _) = pristine_context::select_ignore_file(opts).ok()?;
    let index = pattern_index(err)?;
    let path = ignore.path.as_ref()?;
    let shown = path
        .strip_prefix(ignore_root(opts))
        .map_or_else(|_| path.clone(), |rel| opts.context_dir.join(rel));
    Some(format!(
        "the pattern is `{}` {}",
        shown.strip_prefix("./").unwrap_or(&shown).display(),
        pattern_label(&ignore, index)
    ))
}

/// The resolved context root, to show ignore-file paths relative to what the user typed.
fn ignore_root(opts: &ContextOptions) -> PathBuf {
    std::fs::canonicalize(&opts.context_dir).unwrap_or_else(|_| opts.context_dir.clone())
}

fn pattern_index(err: &ContextError) -> Option<usize> {
    match err {
        ContextError::PatternHeader { pattern } | ContextError::BadPattern { pattern, .. } => {
            Some(*pattern)
        }
        ContextError::InvalidPatterns { source, .. } => match source {
            NewError::IllegalExclusion { index } | NewError::Syntax { index } => Some(*index),
        },
        ContextError::ContextDir { .. } | ContextError::IgnoreFileParse { .. } => None,
    }
}

/// The context findings of one build, for `pristine check`.
pub(crate) fn context_diagnostics(
    build: &Build,
    settings: &LinterSettings,
    sources: &mut Sources,
) -> Result<Vec<Diagnostic>> {
    let opts = ContextOptions {
        context_dir: build.context_dir.clone(),
        dockerfile: Some(build.dockerfile.clone()),
        measure_excluded: false,
    };
    let ctx = match pristine_context::compute(&opts) {
        Ok(ctx) => ctx,
        Err(err @ ContextError::ContextDir { .. }) => {
            return Err(err).with_context(|| {
                format!(
                    "cannot compute the build context of `{}`",
                    build.dockerfile.display()
                )
            });
        }
        Err(err) => return Ok(vec![ignore_error_diagnostic(build, &opts, &err, sources)]),
    };
    let mut diagnostics = Vec::new();
    let file = &build.dockerfile;
    let context_path = |path: &[u8]| {
        let shown = build.context_dir.join(std::ffi::OsStr::from_bytes(path));
        shown
            .strip_prefix("./")
            .unwrap_or(&shown)
            .display()
            .to_string()
    };
    for issue in &ctx.tree.issues {
        let rule = match issue.kind {
            IssueKind::IgnoreFileMissing | IssueKind::IgnoreFileUnusable { .. } => continue,
            IssueKind::UnreadableDir { .. }
            | IssueKind::UnreadableFile { .. }
            | IssueKind::StatFailed { .. } => Rule::UnreadableContextEntry,
            IssueKind::NonUtf8Name => Rule::NonUtf8ContextPath,
        };
        if let Some(message) = issue_message(issue) {
            diagnostics.push(
                rule.diagnostic(message, file)
                    .with_subject_path(context_path(&issue.path)),
            );
        }
    }
    for entry in &ctx.tree.entries {
        if entry.kind == EntryKind::Special {
            let what = match entry.mode & 0o170_000 {
                0o010_000 => "named pipe",
                0o140_000 => "socket",
                0o020_000 => "character device",
                0o060_000 => "block device",
                _ => "special file",
            };
            diagnostics.push(
                Rule::SpecialFileInContext
                    .diagnostic(
                        format!(
                            "`{}` is a {what} and is sent to the builder",
                            lossy(&entry.path)
                        ),
                        file,
                    )
                    .with_subject_path(context_path(&entry.path))
                    .with_help(special_file_help(&ctx, &entry.path)),
            );
        }
    }
    diagnostics.extend(content_findings(build, &ctx, settings, sources));
    diagnostics.retain(|d| {
        Rule::from_code_or_name(d.rule.code).is_some_and(|rule| settings.rules.contains(rule))
    });
    Ok(diagnostics)
}

/// CX002's help, worded like the linter's context findings (`ContextChecker::report_finding`):
/// add the path to the ignore file, or create one when there is none.
fn special_file_help(ctx: &Context, path: &[u8]) -> String {
    if path == b".dockerignore" {
        // The ignore file itself: BuildKit reads no patterns from a FIFO or socket.
        "replace `.dockerignore` with a regular file".to_string()
    } else if ctx.ignore.kind == IgnoreFileKind::None {
        format!("create a `.dockerignore` with `{}`", lossy(path))
    } else {
        format!("add `{}` to `{}`", lossy(path), ignore_name(ctx))
    }
}

/// Reads context files for the linter's content rules: only regular files, never more than
/// asked for, never following a symlink. Shared by `check` and `check --fix`.
pub(crate) struct FsContent {
    root: PathBuf,
    /// The context directory, opened once: files are opened relative to it, so the kernel
    /// resolves only the path inside the context, not the directories above it, for each of
    /// the thousands of candidates (`None` if it cannot be opened: then by full path).
    root_fd: Option<rustix::fd::OwnedFd>,
}

impl FsContent {
    pub(crate) fn new(root: PathBuf) -> Self {
        use rustix::fs::{Mode, OFlags};
        let root_fd = rustix::fs::open(
            &root,
            OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .ok();
        Self { root, root_fd }
    }

    /// Opens the context file `path` if it is a regular file, with its size. One `open` and
    /// one `fstat` instead of `lstat` + `open` (issue #4): `O_NOFOLLOW` refuses a symlink
    /// (ELOOP), `O_NONBLOCK` makes opening a FIFO return at once instead of waiting for a
    /// writer, and the `fstat` of the opened descriptor decides — so a file replaced by a
    /// FIFO or a symlink between the walk and here is never read or followed.
    fn open_regular(&self, path: &[u8]) -> Option<(std::fs::File, u64)> {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let rel = std::ffi::OsStr::from_bytes(path);
        let fd = match &self.root_fd {
            Some(dir) => rustix::fs::openat(dir, rel, flags, Mode::empty()),
            None => rustix::fs::open(self.root.join(rel), flags, Mode::empty()),
        }
        .ok()?;
        let file = std::fs::File::from(fd);
        let md = file.metadata().ok()?;
        md.is_file().then_some((file, md.len()))
    }
}

impl pristine_linter::ContentSource for FsContent {
    fn head(&self, path: &[u8], max: usize) -> Option<Vec<u8>> {
        use std::io::Read;
        let (mut file, len) = self.open_regular(path)?;
        // The size `fstat` gave, up to `max`, read until full or end of file: one `read` for a
        // file that does not change meanwhile (`read_to_end` needs a second one to see the
        // end of file: 6 400 more system calls on the benchmark tree).
        let expected = usize::try_from(len).unwrap_or(usize::MAX).min(max);
        let mut out = vec![0; expected];
        let mut got = 0;
        while got < expected {
            match file.read(&mut out[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
        out.truncate(got);
        Some(out)
    }

    fn binary_info(&self, path: &[u8]) -> Option<pristine_binary::BinaryInfo> {
        let (file, len) = self.open_regular(path)?;
        let reader = PrefetchedFile::new(file, len)?;
        // Not a native binary (most candidates): decided from the first block alone.
        pristine_binary::sniff(reader.first_block())?;
        pristine_binary::inspect(&pristine_binary::ReadCache::new(reader)).ok()
    }

    fn stat(&self, path: &[u8]) -> Option<bool> {
        let full = self.root.join(std::ffi::OsStr::from_bytes(path));
        std::fs::symlink_metadata(full).ok().map(|md| md.is_dir())
    }

    fn list(&self, path: &[u8]) -> Option<Vec<(Vec<u8>, bool)>> {
        let full = self.root.join(std::ffi::OsStr::from_bytes(path));
        let entries = std::fs::read_dir(full).ok()?;
        Some(
            entries
                .filter_map(Result::ok)
                .map(|e| {
                    // `file_type` does not follow symlinks.
                    let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                    (e.file_name().as_bytes().to_vec(), is_dir)
                })
                .collect(),
        )
    }
}

/// A file for [`pristine_binary::inspect`]'s lazy reads (`ReadCache`): its first block is read
/// once, as it holds the ELF and program headers, `.dynstr` and the version needs of ordinary
/// shared objects (and is all of most small candidates); other ranges (the dynamic segment,
/// in the writable segment near the end) are read with `pread`, only when asked for. Reading a
/// fixed 256 KiB prefix instead cost most of `check` on a tree with 500 extension modules
/// (issue #4).
struct PrefetchedFile {
    file: std::fs::File,
    len: u64,
    first: Vec<u8>,
    pos: u64,
}

impl PrefetchedFile {
    /// How much is read up front.
    const FIRST_BLOCK: usize = 16 * 1024;

    fn new(file: std::fs::File, len: u64) -> Option<Self> {
        use std::os::unix::fs::FileExt;
        let want = usize::try_from(len).map_or(Self::FIRST_BLOCK, |l| l.min(Self::FIRST_BLOCK));
        let mut first = vec![0; want];
        let mut got = 0;
        while got < want {
            match file.read_at(&mut first[got..], got as u64) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
        first.truncate(got);
        Some(PrefetchedFile {
            file,
            len,
            first,
            pos: 0,
        })
    }

    fn first_block(&self) -> &[u8] {
        &self.first
    }
}

impl pristine_binary::ReadCacheOps for PrefetchedFile {
    fn len(&mut self) -> Result<u64, ()> {
        Ok(self.len)
    }

    fn seek(&mut self, pos: u64) -> Result<u64, ()> {
        self.pos = pos;
        Ok(pos)
    }

    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ()> {
        use std::os::unix::fs::FileExt;
        let cached = usize::try_from(self.pos)
            .ok()
            .and_then(|pos| self.first.get(pos..))
            .filter(|rest| !rest.is_empty());
        let n = match cached {
            Some(rest) => {
                let n = rest.len().min(buf.len());
                buf[..n].copy_from_slice(&rest[..n]);
                n
            }
            None => loop {
                match self.file.read_at(buf, self.pos) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => return Err(()),
                }
            },
        };
        self.pos += n as u64;
        Ok(n)
    }

    fn read_exact(&mut self, mut buf: &mut [u8]) -> Result<(), ()> {
        while !buf.is_empty() {
            match self.read(buf)? {
                0 => return Err(()),
                n => buf = &mut buf[n..],
            }
        }
        Ok(())
    }
}

/// The linter's context rules (CX004…, DI002…) over one computed context.
fn content_findings(
    build: &Build,
    ctx: &Context,
    settings: &LinterSettings,
    sources: &mut Sources,
) -> Vec<Diagnostic> {
    let dockerfile = std::fs::read(&build.dockerfile)
        .ok()
        .map(|bytes| pristine_dockerfile::parse(&String::from_utf8_lossy(&bytes)));
    // The ignore file as the user names it (under the context directory they typed).
    let ignore_file = ctx.ignore.path.as_ref().map(|path| {
        path.strip_prefix(&ctx.root)
            .map_or_else(|_| path.clone(), |rel| build.context_dir.join(rel))
    });
    if let (Some(path), Ok(text)) = (&ignore_file, std::str::from_utf8(&ctx.ignore.bytes)) {
        sources.insert(path.clone(), Arc::from(text));
    }
    let stage_platform = dockerfile.as_ref().and_then(|df| {
        let stages = df.stages();
        let stage = match &build.target {
            Some(target) => stages.by_name(target).cloned(),
            None => stages.final_stage().cloned(),
        };
        stage.and_then(|s| s.platform)
    });
    let platform = build
        .platforms
        .first()
        .cloned()
        .or_else(|| settings.target_platform.clone())
        .or(stage_platform)
        .unwrap_or_else(|| settings.default_platform.clone());
    let content = FsContent::new(ctx.root.clone());
    let facts = pristine_linter::ContextFacts {
        context: ctx,
        context_dir: &build.context_dir,
        dockerfile_path: &build.dockerfile,
        dockerfile: dockerfile.as_ref(),
        target: build.target.as_deref(),
        platform: &platform,
        ignore_file: ignore_file.as_deref(),
        content: &content,
    };
    pristine_linter::check_context(&facts, settings)
}

/// A pattern that makes BuildKit fail, pointed at in the ignore file.
fn ignore_error_diagnostic(
    build: &Build,
    opts: &ContextOptions,
    err: &ContextError,
    sources: &mut Sources,
) -> Diagnostic {
    let message = format!("Docker would fail the build: {err}");
    let Ok((ignore, _)) = pristine_context::select_ignore_file(opts) else {
        return Rule::InvalidIgnorePattern.diagnostic(message, &build.dockerfile);
    };
    let Some(path) = ignore.path.clone() else {
        return Rule::InvalidIgnorePattern.diagnostic(message, &build.dockerfile);
    };
    // Show the ignore file under the context directory as the user named it, not the
    // resolved absolute path.
    let path = path
        .strip_prefix(ignore_root(opts))
        .map_or_else(|_| path.clone(), |rel| build.context_dir.join(rel));
    let mut diagnostic = Rule::InvalidIgnorePattern.diagnostic(message, &path);
    let text = String::from_utf8_lossy(&ignore.bytes);
    // Ranges are only meaningful when the file is UTF-8 (lossy decoding shifts offsets).
    if let (Some(index), std::borrow::Cow::Borrowed(text)) = (pattern_index(err), &text)
        && let Some(pattern) = ignore.file.patterns.get(index)
        && let (Ok(start), Ok(end)) = (
            u32::try_from(pattern.range.start),
            u32::try_from(pattern.range.end),
        )
    {
        diagnostic =
            diagnostic.with_range(TextRange::new(TextSize::from(start), TextSize::from(end)));
        sources.insert(path, Arc::from(*text));
    }
    diagnostic
}

#[cfg(test)]
mod tests {
    use std::os::unix::ffi::OsStrExt;

    use pristine_linter::ContentSource;

    use super::FsContent;

    /// The lazy reader sees what a read of the whole file sees: the test binary itself (an ELF
    /// executable of several MiB, with its dynamic segment far beyond the first block), a short
    /// non-binary, and a file shorter than an ELF header.
    #[test]
    fn lazy_binary_info_matches_whole_file() {
        let exe = std::fs::canonicalize(std::env::current_exe().unwrap()).unwrap();
        let dir = exe.parent().unwrap();
        let content = FsContent::new(dir.to_path_buf());
        let name = exe.file_name().unwrap().as_bytes();
        let whole = std::fs::read(&exe).unwrap();
        let expected = pristine_binary::inspect(whole.as_slice()).unwrap();
        assert!(matches!(&expected, pristine_binary::BinaryInfo::Elf(e) if e.needed.is_known()));
        assert_eq!(content.binary_info(name), Some(expected));

        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("text.so"), b"not a binary").unwrap();
        std::fs::write(tmp.path().join("short.so"), b"\x7fELF\x02").unwrap();
        let content = FsContent::new(tmp.path().to_path_buf());
        assert_eq!(content.binary_info(b"text.so"), None);
        assert_eq!(content.binary_info(b"short.so"), None);
        assert_eq!(content.binary_info(b"missing.so"), None);
    }

    /// Only regular files are read, decided on the opened descriptor: a symlink (even to a
    /// regular file) is not followed, a FIFO without a writer does not block the open, a
    /// directory is refused.
    #[test]
    fn only_regular_files_are_opened() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::write(root.join("real.py"), b"print(1)\n").unwrap();
        std::os::unix::fs::symlink("real.py", root.join("link.py")).unwrap();
        std::fs::create_dir(root.join("dir.so")).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(root.join("fifo.so"))
            .status()
            .unwrap();
        assert!(status.success());
        let content = FsContent::new(root.to_path_buf());
        assert_eq!(content.head(b"real.py", 5).as_deref(), Some(&b"print"[..]));
        assert_eq!(content.head(b"link.py", 5), None);
        assert_eq!(content.head(b"dir.so", 5), None);
        // Without O_NONBLOCK this open would wait forever for a writer.
        assert_eq!(content.head(b"fifo.so", 5), None);
        assert_eq!(content.binary_info(b"fifo.so"), None);
        assert_eq!(content.binary_info(b"link.py"), None);
    }
}
