//! Renderers: every output format is a function of the diagnostics and the sources they point
//! into. Renderers write to a `Write`; colour is stripped by `anstream` when stdout is not a
//! terminal or `NO_COLOR` is set.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use pristine_diagnostics::{Diagnostic, LineIndex, Severity, SourceLocation, TextRange};
use serde::Serialize;

pub(crate) use pristine_workspace::OutputFormat;

/// The text of every file a diagnostic may point into, with its line index.
#[derive(Default)]
pub(crate) struct Sources {
    files: HashMap<PathBuf, (Arc<str>, LineIndex)>,
}

impl Sources {
    pub(crate) fn insert(&mut self, path: PathBuf, text: Arc<str>) {
        let index = LineIndex::new(&text);
        self.files.insert(path, (text, index));
    }

    /// Like [`Sources::insert`] with the index already built (`LineIndex::new(&text)`).
    pub(crate) fn insert_indexed(&mut self, path: PathBuf, text: Arc<str>, index: LineIndex) {
        self.files.insert(path, (text, index));
    }

    pub(crate) fn text(&self, path: &Path) -> Option<&str> {
        self.files.get(path).map(|(text, _)| &**text)
    }

    fn get(&self, path: &Path) -> Option<(&str, &LineIndex)> {
        self.files.get(path).map(|(text, index)| (&**text, index))
    }

    fn range_locations(
        &self,
        path: &Path,
        range: Option<TextRange>,
    ) -> Option<(SourceLocation, SourceLocation)> {
        let range = range?;
        let (text, index) = self.get(path)?;
        Some((
            index.location(range.start(), text),
            index.location(range.end(), text),
        ))
    }
}

/// Lookups in [`Sources`] that remember the last file: findings arrive grouped by file, and
/// hashing a `Path` (component by component) cost more than formatting a concise line.
struct Cursor<'a> {
    sources: &'a Sources,
    last: Option<(&'a Path, Option<(&'a str, &'a LineIndex)>)>,
}

impl<'a> Cursor<'a> {
    fn new(sources: &'a Sources) -> Self {
        Self {
            sources,
            last: None,
        }
    }

    fn range_locations(
        &mut self,
        path: &'a Path,
        range: Option<TextRange>,
    ) -> Option<(SourceLocation, SourceLocation)> {
        let range = range?;
        let found = match self.last {
            // Byte-equal paths are equal paths; anything else is looked up.
            Some((last, found)) if last.as_os_str() == path.as_os_str() => found,
            _ => {
                let found = self.sources.get(path);
                self.last = Some((path, found));
                found
            }
        };
        let (text, index) = found?;
        Some((
            index.location(range.start(), text),
            index.location(range.end(), text),
        ))
    }
}

pub(crate) fn render(
    out: &mut dyn Write,
    format: OutputFormat,
    diagnostics: &[Diagnostic],
    sources: &Sources,
) -> io::Result<()> {
    match format {
        OutputFormat::Full => full(out, diagnostics, sources),
        OutputFormat::Concise => concise(out, diagnostics, sources),
        OutputFormat::Json => {
            let items: Vec<_> = diagnostics
                .iter()
                .map(|d| JsonDiagnostic::new(d, sources))
                .collect();
            serde_json::to_writer_pretty(&mut *out, &items)?;
            writeln!(out)
        }
        OutputFormat::JsonLines => {
            for diagnostic in diagnostics {
                serde_json::to_writer(&mut *out, &JsonDiagnostic::new(diagnostic, sources))?;
                writeln!(out)?;
            }
            Ok(())
        }
        OutputFormat::Sarif => crate::render_ci::sarif(out, diagnostics, sources),
        OutputFormat::Github => crate::render_ci::github(out, diagnostics, sources),
        OutputFormat::Gitlab => crate::render_ci::gitlab(out, diagnostics, sources),
        OutputFormat::Junit => crate::render_ci::junit(out, diagnostics, sources),
        OutputFormat::Checkstyle => crate::render_ci::checkstyle(out, diagnostics, sources),
    }
}

/// Standard output for a report: one `BufWriter` over the locked stdout, so the report is
/// written in a few large `write`s (the line-buffered `Stdout` wrote once per line), under an
/// `AutoStream` with the choice `anstream::stdout()` makes (the global `--color` choice,
/// `NO_COLOR`/`CLICOLOR_FORCE`, whether stdout is a terminal: anstream 1.0 `auto.rs`
/// `choice`). The caller flushes; a write error surfaces there, not when dropped.
///
/// `report` is what will be written: when colour would be stripped but it holds nothing that
/// anstream strips (escape sequences and control bytes other than new lines and tabs), it
/// passes through unchanged instead of through anstream's per-byte state machine (the concise
/// report of the corpus lint: 7 M instructions, on the serial path).
pub(crate) fn buffered_stdout(report: &[u8]) -> anstream::AutoStream<Box<dyn Write>> {
    let stdout = io::stdout();
    let mut choice = anstream::AutoStream::choice(&stdout);
    if choice == anstream::ColorChoice::Never && !has_control_bytes(report) {
        choice = anstream::ColorChoice::AlwaysAnsi;
    }
    let buffered: Box<dyn Write> = Box::new(io::BufWriter::with_capacity(64 * 1024, stdout.lock()));
    anstream::AutoStream::new(buffered, choice)
}

/// Bytes anstream's stripping could remove or change: C0 controls other than `\n` and `\t`
/// (ESC starts every colour sequence) and DEL. Everything else — printable ASCII and UTF-8
/// sequences — it prints as is.
fn has_control_bytes(report: &[u8]) -> bool {
    report
        .iter()
        .any(|&b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f)
}

/// The documentation page of a rule (the repository's docs; there is no website).
pub(crate) fn rule_url(name: &str) -> String {
    format!("https://github.com/pristine-dev/pristine/blob/main/docs/rules/{name}.md")
}

/// Where a finding is, for formats that need a line: its range, or line 1 column 1 of the file
/// it is reported against (a context finding about a path without a line).
pub(crate) fn line_span(
    diagnostic: &Diagnostic,
    sources: &Sources,
) -> (SourceLocation, SourceLocation) {
    sources
        .range_locations(&diagnostic.file, diagnostic.range)
        .unwrap_or((
            SourceLocation { row: 1, column: 1 },
            SourceLocation { row: 1, column: 1 },
        ))
}

/// The message, naming the path inside the context when the message does not already.
pub(crate) fn message_with_subject(diagnostic: &Diagnostic) -> String {
    match &diagnostic.subject_path {
        Some(subject) if !diagnostic.message.contains(subject.as_str()) => {
            format!("{} (path: `{subject}`)", diagnostic.message)
        }
        _ => diagnostic.message.clone(),
    }
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

pub(crate) fn display_path(path: &Path) -> String {
    let shown = path.strip_prefix("./").unwrap_or(path);
    // A UTF-8 path as is; `Display` replaces invalid bytes character by character, which was
    // 1 % of the corpus lint (once per finding, on the serial path) for paths that have none.
    shown
        .to_str()
        .map_or_else(|| shown.display().to_string(), str::to_owned)
}

/// rustc/ruff-style code frames.
fn full(out: &mut dyn Write, diagnostics: &[Diagnostic], sources: &Sources) -> io::Result<()> {
    let renderer = Renderer::styled().decor_style(DecorStyle::Unicode);
    for diagnostic in diagnostics {
        let path = display_path(&diagnostic.file);
        let mut title_group = Group::with_title(
            level(diagnostic.severity)
                .primary_title(diagnostic.message.as_str())
                .id(diagnostic.rule.code),
        );
        let mut groups: Vec<Group<'_>> = Vec::new();
        match (diagnostic.range, sources.get(&diagnostic.file)) {
            (Some(range), Some((text, _))) => {
                let span = usize::from(range.start())..usize::from(range.end());
                title_group = title_group.element(
                    Snippet::source(text)
                        .path(path.clone())
                        .fold(true)
                        .annotation(AnnotationKind::Primary.span(span)),
                );
            }
            _ => {
                title_group = title_group.element(Origin::path(path.clone()));
            }
        }
        if let Some(subject) = &diagnostic.subject_path {
            title_group = title_group.element(Level::NOTE.message(format!("path: `{subject}`")));
        }
        title_group = title_group.element(Level::NOTE.message(format!(
            "rule `{}` ({})",
            diagnostic.rule.name, diagnostic.rule.code
        )));
        groups.push(title_group);
        if let Some(help) = &diagnostic.help {
            groups.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        if let Some(fix) = &diagnostic.fix {
            let what = match fix.applicability {
                pristine_diagnostics::Applicability::Safe => "a safe fix is available",
                pristine_diagnostics::Applicability::Unsafe => "an unsafe fix is available",
                pristine_diagnostics::Applicability::DisplayOnly => "a suggested fix is shown",
            };
            groups.push(Group::with_title(Level::NOTE.secondary_title(what)));
        }
        writeln!(out, "{}\n", renderer.render(&groups))?;
    }
    summary(out, diagnostics)
}

/// `file:row:col: CODE [severity] message` — one line per finding.
fn concise(out: &mut dyn Write, diagnostics: &[Diagnostic], sources: &Sources) -> io::Result<()> {
    let mut cursor = Cursor::new(sources);
    for diagnostic in diagnostics {
        let mut location = display_path(&diagnostic.file);
        if let Some((start, _)) = cursor.range_locations(&diagnostic.file, diagnostic.range) {
            location = format!("{location}:{}:{}", start.row, start.column);
        }
        // The path inside the context only when the message does not name it already.
        writeln!(
            out,
            "{location}: {} [{}] {}",
            diagnostic.rule.code,
            diagnostic.severity,
            message_with_subject(diagnostic)
        )?;
    }
    summary(out, diagnostics)
}

fn summary(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    match diagnostics.len() {
        0 => Ok(()),
        1 => writeln!(out, "Found 1 finding."),
        n => writeln!(out, "Found {n} findings."),
    }
}

/// The JSON shape, modelled on ruff's `--output-format json`.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    name: &'a str,
    message: &'a str,
    severity: Severity,
    filename: String,
    location: Option<SourceLocation>,
    end_location: Option<SourceLocation>,
    /// The path inside the build context or image the finding is about.
    path: Option<&'a str>,
    help: Option<&'a str>,
    fix: Option<JsonFix<'a>>,
    url: String,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    message: Option<&'a str>,
    applicability: pristine_diagnostics::Applicability,
    filename: Option<String>,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    content: &'a str,
    location: Option<SourceLocation>,
    end_location: Option<SourceLocation>,
}

impl<'a> JsonDiagnostic<'a> {
    fn new(diagnostic: &'a Diagnostic, sources: &Sources) -> Self {
        let locations = sources.range_locations(&diagnostic.file, diagnostic.range);
        let fix = diagnostic.fix.as_ref().map(|fix| {
            let file = fix.file.as_deref().unwrap_or(&diagnostic.file);
            JsonFix {
                message: diagnostic.help.as_deref(),
                applicability: fix.applicability,
                filename: fix.file.as_deref().map(display_path),
                edits: fix
                    .edits()
                    .iter()
                    .map(|edit| {
                        let loc = sources.range_locations(file, Some(edit.range));
                        JsonEdit {
                            content: &edit.content,
                            location: loc.map(|l| l.0),
                            end_location: loc.map(|l| l.1),
                        }
                    })
                    .collect(),
            }
        });
        Self {
            code: diagnostic.rule.code,
            name: diagnostic.rule.name,
            message: &diagnostic.message,
            severity: diagnostic.severity,
            filename: display_path(&diagnostic.file),
            location: locations.map(|l| l.0),
            end_location: locations.map(|l| l.1),
            path: diagnostic.subject_path.as_deref(),
            help: diagnostic.help.as_deref(),
            fix,
            url: rule_url(diagnostic.rule.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use pristine_diagnostics::TextSize;

    use super::*;

    proptest::proptest! {
        /// A report without control bytes is exactly what anstream's stripping would print,
        /// so `buffered_stdout` may pass it through (any text: ASCII, non-ASCII, C1 code
        /// points, `\n` and `\t`).
        #[test]
        fn a_report_without_control_bytes_strips_to_itself(text in "(\\PC|\n|\t|\u{9b}|\u{85})*") {
            proptest::prop_assume!(!has_control_bytes(text.as_bytes()));
            // The byte stripper is the one `AutoStream` writes through.
            proptest::prop_assert_eq!(
                anstream::adapter::strip_bytes(text.as_bytes()).into_vec(),
                text.as_bytes()
            );
        }
    }

    #[test]
    fn control_bytes() {
        assert!(!has_control_bytes("a\tb\n\u{9b}ü".as_bytes()));
        assert!(has_control_bytes(b"\x1b[1mbold\x1b[0m"));
        assert!(has_control_bytes(b"bell\x07"));
        assert!(has_control_bytes(b"\r\n"));
        assert!(has_control_bytes(b"del\x7f"));
    }

    /// The cursor answers like `Sources` whatever the order of lookups: after the same file,
    /// another file, a byte-different spelling of the same path, and a file it does not hold.
    #[test]
    fn cursor_agrees_with_sources() {
        let mut sources = Sources::default();
        sources.insert(PathBuf::from("a/Dockerfile"), Arc::from("FROM x\nRUN y\n"));
        sources.insert(PathBuf::from("b/Dockerfile"), Arc::from("\n\nFROM z\n"));
        let at = |offset: u32| {
            Some(TextRange::new(
                TextSize::from(offset),
                TextSize::from(offset),
            ))
        };
        let lookups = [
            ("a/Dockerfile", at(7)),
            ("a/Dockerfile", at(2)),
            ("b/Dockerfile", at(3)),
            ("a//Dockerfile", at(8)),
            ("missing", at(0)),
            ("b/Dockerfile", None),
            ("b/Dockerfile", at(0)),
        ];
        let mut cursor = Cursor::new(&sources);
        for (path, range) in lookups {
            let path = Path::new(path);
            assert_eq!(
                cursor.range_locations(path, range),
                sources.range_locations(path, range),
                "{path:?} {range:?}"
            );
        }
        assert_eq!(
            cursor.range_locations(Path::new("a/Dockerfile"), at(7)),
            Some((
                SourceLocation { row: 2, column: 1 },
                SourceLocation { row: 2, column: 1 }
            ))
        );
    }
}
