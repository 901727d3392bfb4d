//! Checks one build context: what BuildKit sends (from [`pristine_context`]), cross-referenced
//! with the `COPY`/`ADD` instructions that copy it, and the ignore file that shaped it.
//!
//! Pure: file contents come through [`ContentSource`], which the binary implements.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use pristine_context::{Context, EntryKind, IgnoreFileKind};
use pristine_diagnostics::{Applicability, Diagnostic, Severity, TextRange, TextSize};
use pristine_dockerfile::Dockerfile;

use crate::checkers::copy_sources::{ContextCopy, context_copies};
use crate::checkers::ignore_fix::IgnoreIntent;
use crate::{LinterSettings, Rule, rules};

/// Reads files of the context directory for the rules that look at contents (private keys,
/// `pyvenv.cfg`, credentials in `pip.conf`, binary headers). Paths are relative to the
/// context root, `/`-separated, exactly as in [`pristine_context::Entry::path`].
///
/// `Sync`: the rules that read many files (binary headers, credential candidates) read them
/// from several threads, so that the open/read system calls of thousands of files overlap
/// (issue #4).
pub trait ContentSource: Sync {
    /// At most the first `max` bytes of the regular file `path`; `None` if it cannot be read.
    fn head(&self, path: &[u8], max: usize) -> Option<Vec<u8>>;
    /// Whether `path` exists in the context directory, sent or not (`Some(true)` for a
    /// directory), without following a final symlink. Used for paths the ignore file
    /// excludes, which are not in the context's entries.
    fn stat(&self, path: &[u8]) -> Option<bool>;
    /// The names in directory `path` of the context directory (`b""` is the root), sent or
    /// not, each with whether it is a directory (not following symlinks); `None` if it
    /// cannot be listed. Used to expand a wildcard `COPY` source over excluded paths.
    fn list(&self, path: &[u8]) -> Option<Vec<(Vec<u8>, bool)>> {
        let _ = path;
        None
    }
    /// [`pristine_binary::inspect`] of the regular file `path`: `None` if it cannot be read or
    /// is not a native binary. The default inspects its first 256 KiB (from [`Self::head`]);
    /// a source that can read ranges should
    /// pass a lazy reader instead (`pristine_binary::ReadCache`), which reads only the headers,
    /// the dynamic segment and the version tables, and knows every fact.
    fn binary_info(&self, path: &[u8]) -> Option<pristine_binary::BinaryInfo> {
        let bytes = self.head(path, BINARY_PREFIX)?;
        pristine_binary::inspect(bytes.as_slice()).ok()
    }
}

/// How much of a file [`ContentSource::binary_info`] reads by default: enough for the headers,
/// dynamic segment and version needs of real extension modules.
pub(crate) const BINARY_PREFIX: usize = 256 * 1024;

/// Everything the context rules read about one build.
pub struct ContextFacts<'a> {
    /// What BuildKit sends.
    pub context: &'a Context,
    /// The context directory as the user named it: findings name paths below it.
    pub context_dir: &'a Path,
    /// The Dockerfile of the build, where `COPY`-related findings point.
    pub dockerfile_path: &'a Path,
    /// The parsed Dockerfile (`None` if it could not be read).
    pub dockerfile: Option<&'a Dockerfile>,
    /// `--target`: the stage that is built (default: the last).
    pub target: Option<&'a str>,
    /// The platform the image is built for (`linux/amd64`).
    pub platform: &'a str,
    /// The ignore file as shown to the user (under [`Self::context_dir`]), if there is one.
    pub ignore_file: Option<&'a Path>,
    /// File contents.
    pub content: &'a dyn ContentSource,
}

/// What a directory in the context is, when it is something rules report as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Container {
    Venv,
    Conda,
    Vcs,
    ToolCache,
    Bytecode,
    BuildArtifact,
    EditorJunk,
}

/// How bad a finding is once it is known whether the image gets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Harm {
    /// Breaks the image or leaks secrets: an error when copied, a warning when only sent.
    Hazard,
    /// Bloat and cache churn: a warning when copied, information when only sent.
    Bloat,
}

/// A context finding before it is tied to a `COPY`.
pub(crate) struct Finding {
    pub(crate) rule: Rule,
    /// The path named (a directory without trailing `/`).
    pub(crate) path: Vec<u8>,
    pub(crate) is_dir: bool,
    /// Other paths of a grouped finding; the `COPY` of any of them counts.
    pub(crate) more: Vec<Vec<u8>>,
    /// What it is, without the "copied/sent" part.
    pub(crate) message: String,
    /// What to add to the ignore file.
    pub(crate) ignore_lines: Vec<String>,
    pub(crate) harm: Harm,
}

/// The facts a context rule reads, and where it reports.
pub(crate) struct ContextChecker<'a> {
    pub(crate) facts: &'a ContextFacts<'a>,
    pub(crate) settings: &'a LinterSettings,
    pub(crate) copies: Vec<ContextCopy>,
    /// Directories reported as a whole, by path.
    pub(crate) containers: HashMap<Vec<u8>, Container>,
    /// Recursive (files, bytes) of every sent directory.
    totals: HashMap<&'a [u8], (u64, u64)>,
    /// A hazard (venv, secrets, foreign binaries) was reported: a missing ignore file is then
    /// an error.
    pub(crate) contaminated: bool,
    /// Some context finding (hazard or bloat) was reported.
    pub(crate) reported: bool,
    diagnostics: Vec<Diagnostic>,
    /// Ignore-file lines that would fix a reported finding (see `ignore_fix`).
    pub(crate) ignore_intents: Vec<IgnoreIntent>,
    /// See [`Self::effective_exceptions`].
    effective_exceptions: OnceCell<HashSet<usize>>,
}

pub(crate) fn basename(path: &[u8]) -> &[u8] {
    path.rsplit(|&c| c == b'/').next().unwrap_or(path)
}

pub(crate) fn parent(path: &[u8]) -> &[u8] {
    path.iter()
        .rposition(|&c| c == b'/')
        .map_or(&[][..], |i| &path[..i])
}

pub(crate) fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `noun` with its indefinite article, by the first letter as spoken: "an ELF …", "an editor
/// or OS leftover", "a Mach-O …", "a PE …" (every noun phrase the rules use starts with a
/// letter whose sound matches its spelling).
pub(crate) fn with_article(noun: &str) -> String {
    let article = if noun.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {noun}")
}

/// The distinct ignore-file lines `line` gives for `items`, sorted.
pub(crate) fn distinct_lines(
    items: &[(Vec<u8>, bool)],
    line: impl Fn(&[u8]) -> String,
) -> Vec<String> {
    let mut lines: Vec<String> = items.iter().map(|(p, _)| line(p)).collect();
    lines.sort();
    lines.dedup();
    lines
}

pub(crate) use pristine_diagnostics::human_bytes;

/// `1 file`, `2 files`: [`pristine_diagnostics::plural`] of a noun whose plural takes an `s`.
pub(crate) fn count(n: u64, noun: &str) -> String {
    pristine_diagnostics::plural(n, noun, &format!("{noun}s"))
}

const VCS_DIRS: &[&[u8]] = &[b".git", b".hg", b".svn", b".bzr"];
pub(crate) const TOOL_CACHE_DIRS: &[&[u8]] = &[
    b".mypy_cache",
    b".pytest_cache",
    b".ruff_cache",
    b".tox",
    b".nox",
    b"node_modules",
    b".ipynb_checkpoints",
    b".hypothesis",
    b".pyre",
    b".pytype",
    b"htmlcov",
];
const EDITOR_DIRS: &[&[u8]] = &[b".idea", b".vscode"];

impl<'a> ContextChecker<'a> {
    fn new(facts: &'a ContextFacts<'a>, settings: &'a LinterSettings) -> Self {
        let copies = facts
            .dockerfile
            .map(|df| context_copies(df, facts.target))
            .unwrap_or_default();
        let totals = facts
            .context
            .tree
            .stats
            .directories
            .iter()
            .map(|d| (d.path.as_slice(), (d.files, d.bytes)))
            .collect();
        let mut checker = Self {
            facts,
            settings,
            copies,
            containers: HashMap::new(),
            totals,
            contaminated: false,
            reported: false,
            diagnostics: Vec::new(),
            ignore_intents: Vec::new(),
            effective_exceptions: OnceCell::new(),
        };
        checker.find_containers();
        checker
    }

    /// Classifies the directories that rules report as a whole.
    fn find_containers(&mut self) {
        let entries = &self.facts.context.tree.entries;
        let mut found = HashMap::new();
        for entry in entries {
            let name = basename(&entry.path);
            let up = parent(&entry.path);
            match entry.kind {
                EntryKind::File if name == b"pyvenv.cfg" && !up.is_empty() => {
                    found.insert(up.to_vec(), Container::Venv);
                }
                EntryKind::Dir if name == b"conda-meta" && !up.is_empty() => {
                    found.insert(up.to_vec(), Container::Conda);
                }
                EntryKind::Dir => {
                    let kind = if VCS_DIRS.contains(&name) {
                        Container::Vcs
                    } else if TOOL_CACHE_DIRS.contains(&name) {
                        Container::ToolCache
                    } else if name == b"__pycache__" {
                        Container::Bytecode
                    } else if EDITOR_DIRS.contains(&name) {
                        Container::EditorJunk
                    } else if rules::context::build_artifact::is_build_artifact_dir(
                        &entry.path,
                        entries,
                    ) {
                        Container::BuildArtifact
                    } else {
                        continue;
                    };
                    // A venv found through its pyvenv.cfg wins over its directory name.
                    found.entry(entry.path.clone()).or_insert(kind);
                }
                _ => {}
            }
        }
        self.containers = found;
    }

    /// The outermost container strictly above `path`.
    pub(crate) fn enclosing_container<'p>(&self, path: &'p [u8]) -> Option<(&'p [u8], Container)> {
        for (i, &c) in path.iter().enumerate() {
            if c == b'/' {
                let prefix = &path[..i];
                if let Some(&kind) = self.containers.get(prefix) {
                    return Some((prefix, kind));
                }
            }
        }
        None
    }

    /// Containers of `kind` that are not inside another container, in path order.
    pub(crate) fn top_containers(&self, kind: Container) -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = self
            .containers
            .iter()
            .filter(|(path, k)| **k == kind && self.enclosing_container(path).is_none())
            .map(|(path, _)| path.clone())
            .collect();
        out.sort();
        out
    }

    /// The ignore-file exceptions that re-include something sent: matching every sent path
    /// against the patterns is costly, and two rules need it.
    pub(crate) fn effective_exceptions(&self) -> &HashSet<usize> {
        self.effective_exceptions
            .get_or_init(|| rules::ignore::ineffective_ignore_exception::effective_exceptions(self))
    }

    /// What a grouped rule reports: the directories of `kind` that are in no other reported
    /// directory, then the sent files whose name `is_item` accepts that are in no reported
    /// directory (each `(path, is_dir)`).
    pub(crate) fn grouped_items(
        &self,
        kind: Container,
        is_item: impl Fn(&[u8]) -> bool,
    ) -> Vec<(Vec<u8>, bool)> {
        let mut items: Vec<(Vec<u8>, bool)> = self
            .top_containers(kind)
            .into_iter()
            .map(|p| (p, true))
            .collect();
        for entry in &self.facts.context.tree.entries {
            if entry.kind == EntryKind::File
                && is_item(basename(&entry.path))
                && self.enclosing_container(&entry.path).is_none()
            {
                items.push((entry.path.clone(), false));
            }
        }
        items
    }

    /// Recursive (files, bytes) sent at or below directory `path`.
    pub(crate) fn totals(&self, path: &[u8]) -> (u64, u64) {
        self.totals.get(path).copied().unwrap_or((0, 0))
    }

    /// The path as the user sees it: under the context directory as they named it.
    pub(crate) fn shown(&self, path: &[u8], is_dir: bool) -> String {
        let joined: PathBuf = self
            .facts
            .context_dir
            .join(std::ffi::OsStr::new(&*String::from_utf8_lossy(path)));
        let mut shown = joined
            .strip_prefix("./")
            .unwrap_or(&joined)
            .display()
            .to_string();
        if shown.is_empty() {
            shown.push('.');
        }
        if is_dir && !shown.ends_with('/') {
            shown.push('/');
        }
        shown
    }

    /// `.dockerignore` (or the per-Dockerfile ignore file) by name.
    pub(crate) fn ignore_name(&self) -> String {
        self.facts
            .ignore_file
            .and_then(Path::file_name)
            .map_or_else(
                || ".dockerignore".to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
    }

    pub(crate) fn has_ignore_file(&self) -> bool {
        self.facts.context.ignore.kind != IgnoreFileKind::None && self.facts.ignore_file.is_some()
    }

    /// The first `COPY`/`ADD` that copies one of `paths`.
    pub(crate) fn copy_of<'p>(
        &self,
        paths: impl IntoIterator<Item = &'p [u8]>,
    ) -> Option<&ContextCopy> {
        let paths: Vec<&[u8]> = paths.into_iter().collect();
        self.copies
            .iter()
            .find(|c| paths.iter().any(|p| c.copies(p)))
    }

    /// Whether the ignore file excludes the sent directory `path` itself: it is in the
    /// context only because a `!` line re-includes something below it (`.git/` with
    /// `!.git/HEAD`), so the user has already dealt with it.
    pub(crate) fn excluded_by_ignore_file(&self, path: &[u8]) -> bool {
        self.facts
            .context
            .matcher
            .as_ref()
            .is_some_and(|m| m.matches_or_parent_matches(path).unwrap_or(false))
    }

    /// Whether a `COPY`/`ADD` names `path` explicitly (deliberate, not swept in by `COPY .`).
    pub(crate) fn named_by_copy(&self, path: &[u8]) -> bool {
        self.copies.iter().any(|c| c.names(path))
    }

    /// A diagnostic about the ignore file (or the Dockerfile when there is none), at `range`
    /// of the ignore file if given.
    pub(crate) fn ignore_diagnostic(
        &self,
        rule: Rule,
        message: impl Into<String>,
        range: Option<std::ops::Range<usize>>,
    ) -> Diagnostic {
        match self.facts.ignore_file {
            Some(file) => {
                let mut d = rule.diagnostic(message, file);
                // Ranges only make sense when the file is UTF-8 (the renderer shows text).
                if let Some(range) = range
                    && std::str::from_utf8(&self.facts.context.ignore.bytes).is_ok()
                    && let (Ok(start), Ok(end)) =
                        (u32::try_from(range.start), u32::try_from(range.end))
                {
                    d = d.with_range(TextRange::new(TextSize::from(start), TextSize::from(end)));
                }
                d
            }
            None => rule.diagnostic(message, self.facts.dockerfile_path),
        }
    }

    /// Reports a context finding: at the `COPY` that copies it (more severe), or against the
    /// ignore file when it is only sent.
    #[expect(
        clippy::needless_pass_by_value,
        reason = "a finding is built to be reported once"
    )]
    pub(crate) fn report_finding(&mut self, finding: Finding) {
        if finding.harm == Harm::Hazard {
            self.contaminated = true;
        }
        self.reported = true;
        let copy = self.copy_of(
            std::iter::once(finding.path.as_slice()).chain(finding.more.iter().map(Vec::as_slice)),
        );
        let ignore = self.ignore_name();
        let lines = finding
            .ignore_lines
            .iter()
            .map(|l| format!("`{l}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        let help = if self.has_ignore_file() {
            format!("add {lines} to `{ignore}`")
        } else {
            format!("create a `.dockerignore` with {lines}")
        };
        let subject = self.shown(&finding.path, finding.is_dir);
        let mut diagnostic = if let Some(copy) = copy {
            let mut message = finding.message.clone();
            let _ = write!(
                message,
                ", and `{}` on line {} copies {} into the image",
                copy.keyword,
                copy.line,
                if finding.more.is_empty() {
                    "it"
                } else {
                    "them"
                }
            );
            let mut d = finding
                .rule
                .diagnostic(message, self.facts.dockerfile_path)
                .with_range(copy.range);
            d.severity = match finding.harm {
                Harm::Hazard => Severity::Error,
                Harm::Bloat => Severity::Warning,
            };
            d
        } else {
            let message = format!(
                "{}; {} sent to the builder (no COPY/ADD copies {})",
                finding.message,
                if finding.more.is_empty() {
                    "it is"
                } else {
                    "they are"
                },
                if finding.more.is_empty() {
                    "it"
                } else {
                    "them"
                }
            );
            let mut d = self.ignore_diagnostic(finding.rule, message, None);
            d.severity = match finding.harm {
                Harm::Hazard => Severity::Warning,
                Harm::Bloat => Severity::Info,
            };
            d
        };
        diagnostic = diagnostic.with_subject_path(subject).with_help(help);
        let paths: Vec<Vec<u8>> = std::iter::once(finding.path.clone())
            .chain(finding.more.iter().cloned())
            .collect();
        // Excluding what a COPY names would break the build: no fix. Host environments,
        // bytecode, tool caches and editor files swept in by a broad `COPY .` are never meant
        // for the image: excluding them is safe. Anything else a COPY copies (VCS metadata
        // that setuptools-scm reads, an `.env` the app loads, build artefacts, binaries,
        // large files) changes the image's content: unsafe.
        if !paths.iter().any(|p| self.named_by_copy(p)) {
            let always_safe = matches!(
                finding.rule,
                Rule::HostVirtualenv
                    | Rule::HostCondaEnvironment
                    | Rule::BytecodeCache
                    | Rule::ToolCache
                    | Rule::EditorOsJunk
            );
            let applicability = if always_safe || copy.is_none() {
                Applicability::Safe
            } else {
                Applicability::Unsafe
            };
            self.ignore_intents.push(IgnoreIntent {
                diagnostic: self.diagnostics.len(),
                lines: finding.ignore_lines.clone(),
                paths,
                applicability,
            });
        }
        self.diagnostics.push(diagnostic);
    }

    pub(crate) fn diagnostics_mut(&mut self) -> &mut Vec<Diagnostic> {
        &mut self.diagnostics
    }

    /// The sent entry at `path`.
    pub(crate) fn entry(&self, path: &[u8]) -> Option<&'a pristine_context::Entry> {
        let entries = &self.facts.context.tree.entries;
        entries
            .binary_search_by(|e| e.path.as_slice().cmp(path))
            .ok()
            .and_then(|i| entries.get(i))
    }

    /// Files and bytes at or below `path` (a directory or a file).
    pub(crate) fn size_of(&self, path: &[u8], is_dir: bool) -> (u64, u64) {
        if is_dir {
            self.totals(path)
        } else {
            (1, self.entry(path).map_or(0, |e| e.size))
        }
    }

    /// Reports many paths of one kind as few findings: one per `COPY` that copies some of them,
    /// plus one for those only sent. Paths a `COPY` names explicitly are left out (copying them
    /// is deliberate). `what` names one item (`bytecode cache`) and `plural` several.
    pub(crate) fn report_group(
        &mut self,
        rule: Rule,
        items: Vec<(Vec<u8>, bool)>,
        what: (&str, &str),
        ignore_lines: &[impl AsRef<str>],
        harm: Harm,
    ) {
        // (index of the COPY that copies them, paths)
        type Group = (Option<usize>, Vec<(Vec<u8>, bool)>);
        let mut groups: Vec<Group> = Vec::new();
        for (path, is_dir) in items {
            if self.named_by_copy(&path) || (is_dir && self.excluded_by_ignore_file(&path)) {
                continue;
            }
            let copy = self.copies.iter().position(|c| c.copies(&path));
            match groups.iter_mut().find(|(c, _)| *c == copy) {
                Some((_, list)) => list.push((path, is_dir)),
                None => groups.push((copy, vec![(path, is_dir)])),
            }
        }
        for (_, mut list) in groups {
            list.sort();
            let (files, bytes) = list.iter().fold((0, 0), |(f, b), (p, d)| {
                let (pf, pb) = self.size_of(p, *d);
                (f + pf, b + pb)
            });
            let (first, first_dir) = list[0].clone();
            let shown = self.shown(&first, first_dir);
            let message = if list.len() == 1 {
                format!(
                    "`{shown}` is {} ({}, {})",
                    with_article(what.0),
                    count(files, "file"),
                    human_bytes(bytes)
                )
            } else {
                format!(
                    "`{shown}` and {} more {} ({}, {})",
                    list.len() - 1,
                    what.1,
                    count(files, "file"),
                    human_bytes(bytes)
                )
            };
            let more = list[1..].iter().map(|(p, _)| p.clone()).collect();
            self.report_finding(Finding {
                rule,
                path: first,
                is_dir: first_dir,
                more,
                message,
                ignore_lines: ignore_lines.iter().map(|s| s.as_ref().to_owned()).collect(),
                harm,
            });
        }
    }

    pub(crate) fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    pub(crate) fn enabled(&self, rule: Rule) -> bool {
        self.settings.rules.contains(rule)
    }
}

/// Checks one build context. See [`ContextFacts`].
pub fn check_context(facts: &ContextFacts<'_>, settings: &LinterSettings) -> Vec<Diagnostic> {
    let mut checker = ContextChecker::new(facts, settings);

    // One line per rule: the rule runs only when enabled. Context rules come first: the
    // missing-ignore-file rule reads what they found.
    macro_rules! run {
        ($($rule:ident => $check:path,)*) => {
            $(
                if checker.enabled(Rule::$rule) {
                    $check(&mut checker);
                }
            )*
        };
    }
    run! {
        HostVirtualenv => rules::context::host_virtualenv::host_virtualenv,
        HostCondaEnvironment => rules::context::host_conda_environment::host_conda_environment,
        ForeignNativeBinary => rules::context::foreign_native_binary::foreign_native_binary,
        BytecodeCache => rules::context::bytecode_cache::bytecode_cache,
        VcsMetadata => rules::context::vcs_metadata::vcs_metadata,
        DotenvFile => rules::context::dotenv_file::dotenv_file,
        CredentialFile => rules::context::credential_file::credential_file,
        ToolCache => rules::context::tool_cache::tool_cache,
        BuildArtifact => rules::context::build_artifact::build_artifact,
        EditorOsJunk => rules::context::editor_os_junk::editor_os_junk,
        LargeContextFile => rules::context::large_context_file::large_context_file,
        // @@ context rules (CX004-CX199)
        IgnoreTrailingComment => rules::ignore::ignore_trailing_comment::ignore_trailing_comment,
        RootAnchoredIgnorePattern => rules::ignore::root_anchored_ignore_pattern::root_anchored_ignore_pattern,
        IgnorePatternMatchesNothing => rules::ignore::ignore_pattern_matches_nothing::ignore_pattern_matches_nothing,
        IneffectiveIgnoreException => rules::ignore::ineffective_ignore_exception::ineffective_ignore_exception,
        CopySourceExcluded => rules::ignore::copy_source_excluded::copy_source_excluded,
        MissingDockerignore => rules::ignore::missing_dockerignore::missing_dockerignore,
        // @@ ignore-file rules (DI002-DI099)
    }

    checker.attach_ignore_fixes(Rule::MissingDockerignore.meta().code);
    checker.diagnostics
}
