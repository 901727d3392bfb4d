//! `pristine check [PATH…]`: discover builds, parse their Dockerfiles, compute their contexts,
//! report findings. Also `pristine config`, which shares the configuration loading.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use anyhow::Result;
use pristine_context::discover::{self, Build, BuildSource};
use pristine_diagnostics::{Diagnostic, LineIndex};
use pristine_linter::fix::FixMode;
use pristine_linter::suppression::Suppressions;
use pristine_linter::{Family, Rule};
use pristine_workspace::{ConfigError, Configuration, Options, OutputFormat, Settings};
use rayon::prelude::*;

use crate::Outcome;
use crate::cli::{CheckArgs, ConfigArgs, ConfigArgsCommon};
use crate::commands::{error_user, warn_user};
use crate::render::{self, Sources};

/// Builds the settings: the configuration file (`--config PATH`, or the nearest one above
/// `start`), then `--config KEY=VALUE` overrides, then the command-line flags (`cli`).
pub(crate) fn load_settings(
    common: &ConfigArgsCommon,
    start: &Path,
    cli: Options,
) -> Result<Settings, ConfigError> {
    let mut file: Option<(PathBuf, Options)> = None;
    let mut overrides = Vec::new();
    for arg in &common.config {
        let path = Path::new(arg);
        // As ruff: an existing file, or anything that is not `KEY=VALUE`, is a file.
        if path.is_file() || !arg.contains('=') {
            file = Some((path.to_path_buf(), pristine_workspace::load_file(path)?));
        } else {
            overrides.push(pristine_workspace::parse_override(arg)?);
        }
    }
    if file.is_none() && !common.isolated {
        file = pristine_workspace::discover(start)?;
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let root = file
        .as_ref()
        .and_then(|(path, _)| std::path::absolute(path).ok())
        .and_then(|path| path.parent().map(Path::to_path_buf))
        .unwrap_or(cwd);
    let mut layers = Vec::new();
    let config_file = file.map(|(path, options)| {
        layers.push(options);
        path
    });
    layers.extend(overrides);
    layers.push(Options {
        select: common.select.clone(),
        extend_select: common.extend_select.clone(),
        ignore: common.ignore.clone(),
        ..cli
    });
    Ok(Configuration {
        file: config_file,
        root,
        layers,
    }
    .resolve())
}

/// Reports a configuration error on stderr, with a code frame at the offending key or value.
pub(crate) fn report_config_error(err: &ConfigError) {
    if let ConfigError::Parse {
        path,
        text,
        span: Some(span),
        message,
    } = err
    {
        let renderer = Renderer::styled().decor_style(DecorStyle::Unicode);
        // Discovery finds absolute paths; show them as the user would type them.
        let cwd = std::env::current_dir().unwrap_or_default();
        let path = path.strip_prefix(&cwd).unwrap_or(path);
        let title = format!("invalid configuration in `{}`", path.display());
        let group = Group::with_title(Level::ERROR.primary_title(title)).element(
            Snippet::source(text.as_str())
                .path(path.display().to_string())
                .annotation(
                    AnnotationKind::Primary
                        .span(span.clone())
                        .label(message.as_str()),
                ),
        );
        let mut stderr = anstream::stderr().lock();
        let _ = writeln!(stderr, "{}", renderer.render(&[group]));
    } else {
        error_user(&err.to_string());
    }
}

/// `pristine config [PATH]`: the resolved settings as TOML.
pub(crate) fn show_config(args: &ConfigArgs) -> Result<Outcome> {
    let start = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    match load_settings(&args.config, &start, Options::default()) {
        Ok(settings) => {
            let mut stdout = anstream::stdout().lock();
            write!(stdout, "{}", settings.to_toml())?;
            stdout.flush()?;
            Ok(Outcome::Clean)
        }
        Err(err) => {
            report_config_error(&err);
            Ok(Outcome::Error)
        }
    }
}

pub(crate) fn check(args: &CheckArgs) -> Result<Outcome> {
    let lookup = |name: &str| std::env::var(name).ok();
    let start = args
        .file
        .clone()
        .or_else(|| args.paths.first().cloned())
        .unwrap_or_else(|| PathBuf::from("."));
    let cli_layer = Options {
        fail_on: args.fail_on,
        output_format: args.output_format,
        extend_exclude: (!args.extend_exclude.is_empty()).then(|| args.extend_exclude.clone()),
        ..Options::default()
    };
    let settings = match load_settings(&args.config, &start, cli_layer) {
        Ok(settings) => settings,
        Err(err) => {
            report_config_error(&err);
            return Ok(Outcome::Error);
        }
    };
    if args.show_settings {
        let mut stdout = anstream::stdout().lock();
        write!(stdout, "{}", settings.to_toml())?;
        stdout.flush()?;
        return Ok(Outcome::Clean);
    }
    let mut had_error = false;

    let builds = if let Some(file) = &args.file {
        vec![command_line_build(args, file)]
    } else {
        let paths = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths.clone()
        };
        let (builds, issues) = discover::discover(&paths, &settings.exclude, &lookup);
        for issue in issues {
            // A path the user named that does not exist is an error; anything else found
            // while searching (an unreadable directory, a broken compose file) is a warning.
            if paths.contains(&issue.path) {
                error_user(&format!("`{}`: {}", issue.path.display(), issue.message));
                had_error = true;
            } else if !args.quiet {
                warn_user(&format!("`{}`: {}", issue.path.display(), issue.message));
            }
        }
        if builds.is_empty() && !had_error && !args.quiet {
            warn_user("No Dockerfiles found under the given path(s)");
        }
        builds
    };

    if args.show_files {
        let mut stdout = anstream::stdout().lock();
        let files: BTreeSet<String> = builds
            .iter()
            .map(|b| render::display_path(&b.dockerfile))
            .collect();
        for file in files {
            writeln!(stdout, "{file}")?;
        }
        stdout.flush()?;
        return Ok(if had_error {
            Outcome::Error
        } else {
            Outcome::Clean
        });
    }

    let mut fixed_total = None;
    if args.fix || args.diff {
        let mode = if args.unsafe_fixes {
            FixMode::Unsafe
        } else {
            FixMode::Safe
        };
        let filter =
            |found: Vec<Diagnostic>, sources: &Sources, dockerfiles: &BTreeSet<PathBuf>| {
                apply_settings(found, &settings, sources, dockerfiles)
            };
        let mut summary =
            super::fix::fix_builds(&builds, &settings, mode, !args.no_context, &filter);
        had_error |= summary.had_error;
        if args.diff {
            let mut stdout = anstream::stdout().lock();
            super::fix::write_diffs(&mut stdout, &summary)?;
            stdout.flush()?;
            if !args.quiet {
                let n = summary.total();
                let mut stderr = anstream::stderr().lock();
                writeln!(
                    stderr,
                    "Would fix {n} error{} in {} file{}.",
                    if n == 1 { "" } else { "s" },
                    summary.changed.len(),
                    if summary.changed.len() == 1 { "" } else { "s" }
                )?;
            }
            return Ok(if had_error {
                Outcome::Error
            } else if summary.changed.is_empty() {
                Outcome::Clean
            } else {
                Outcome::Findings
            });
        }
        if !super::fix::write_changes(&mut summary) {
            had_error = true;
        }
        fixed_total = Some(summary.total());
    }

    // A progress bar for long scans only, on stderr, only on a terminal.
    let progress =
        (!args.quiet && builds.len() >= 20 && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(builds.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} checking {pos}/{len} builds {wide_msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });

    // Reading and linting a Dockerfile is independent of every other file: do it for all the
    // distinct Dockerfiles in parallel, then consume the results in build order below so that
    // errors are reported in the same order as before (findings are sorted anyway).
    let mut checked: HashMap<&Path, Linted> = {
        // Hashed rather than ordered: only membership matters, and a `BTreeSet` compared long
        // paths component by component on every insert.
        let mut distinct = HashSet::new();
        let unique: Vec<&Path> = builds
            .iter()
            .map(|b| b.dockerfile.as_path())
            .filter(|p| distinct.insert(*p))
            .collect();
        let lint = |path: &Path| {
            std::fs::read(path).map(|bytes| {
                // Valid UTF-8 (nearly every file) is checked by `from_utf8`'s fast validation
                // and kept as is; only an invalid file pays for the lossy copy.
                let text: Arc<str> = match String::from_utf8(bytes) {
                    Ok(text) => text.into(),
                    Err(err) => String::from_utf8_lossy(err.as_bytes()).into(),
                };
                let found = pristine_linter::check_dockerfile(path, &text, &settings.linter);
                // The line index is built here, in parallel, not on the serial path below.
                let index = LineIndex::new(&text);
                (text, index, found)
            })
        };
        if unique.len() > 1 {
            unique.par_iter().map(|&p| (p, lint(p))).collect()
        } else {
            unique.iter().map(|&p| (p, lint(p))).collect()
        }
    };

    let mut diagnostics = Vec::new();
    let mut sources = Sources::default();
    let mut seen_dockerfiles = BTreeSet::new();
    let mut seen_contexts = BTreeSet::new();
    for build in &builds {
        if let Some(bar) = &progress {
            bar.set_message(render::display_path(&build.dockerfile));
            bar.inc(1);
        }
        if seen_dockerfiles.insert(build.dockerfile.clone()) {
            let result = checked
                .remove(build.dockerfile.as_path())
                .unwrap_or_else(|| Err(std::io::Error::other("not read")));
            match result {
                Ok((text, index, found)) => {
                    diagnostics.extend(found);
                    sources.insert_indexed(build.dockerfile.clone(), text, index);
                }
                Err(err) => {
                    error_user(&format!(
                        "failed to read `{}`: {err}",
                        build.dockerfile.display()
                    ));
                    had_error = true;
                    continue;
                }
            }
        }
        if !args.no_context
            && seen_contexts.insert((build.context_dir.clone(), build.dockerfile.clone()))
        {
            match super::context::context_diagnostics(build, &settings.linter, &mut sources) {
                Ok(found) => diagnostics.extend(found),
                Err(err) => {
                    error_user(&format!("{err:#}"));
                    had_error = true;
                }
            }
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }

    let mut diagnostics = apply_settings(diagnostics, &settings, &sources, &seen_dockerfiles);
    sort_diagnostics(&mut diagnostics);
    diagnostics.dedup();
    let format = settings.output_format.unwrap_or(OutputFormat::Full);
    // Rendered into memory first, so that anstream strips colour (when it does) in one pass
    // over the report instead of once per formatted piece, or not at all when there is none.
    let mut report = Vec::new();
    if args.statistics {
        statistics(&mut report, format, &diagnostics)?;
    } else {
        render::render(&mut report, format, &diagnostics, &sources)?;
        if diagnostics.is_empty() && !had_error && format == OutputFormat::Full && !args.quiet {
            writeln!(report, "All checks passed!")?;
        }
    }
    let mut stdout = render::buffered_stdout(&report);
    stdout.write_all(&report)?;
    stdout.flush()?;
    if let Some(n) = fixed_total
        && !args.quiet
    {
        let mut stderr = anstream::stderr().lock();
        writeln!(
            stderr,
            "Fixed {n} error{} ({} remaining).",
            if n == 1 { "" } else { "s" },
            diagnostics.len()
        )?;
    }

    let failing = diagnostics
        .iter()
        .any(|d| d.severity >= settings.linter.fail_on);
    Ok(if had_error {
        Outcome::Error
    } else if !failing || args.exit_zero {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// A Dockerfile's text and findings, or why it could not be read.
type Linted = std::io::Result<(Arc<str>, LineIndex, Vec<Diagnostic>)>;

/// What the configuration says about findings after the checkers ran: rules that are not
/// enabled (context rules report unconditionally), `per-file-ignores` (matched on absolute
/// paths), severity overrides, and file-wide suppressions in a Dockerfile for the findings of
/// its build context.
fn apply_settings(
    diagnostics: Vec<Diagnostic>,
    settings: &Settings,
    sources: &Sources,
    dockerfiles: &BTreeSet<PathBuf>,
) -> Vec<Diagnostic> {
    let mut suppressions: HashMap<PathBuf, Suppressions> = HashMap::new();
    diagnostics
        .into_iter()
        .filter_map(|mut diagnostic| {
            let Some(rule) = Rule::from_code(diagnostic.rule.code) else {
                return Some(diagnostic);
            };
            if !settings.linter.rules.contains(rule) {
                return None;
            }
            // `std::path::absolute` reads the working directory: only when a pattern needs it.
            if !settings.linter.per_file_ignores.is_empty() {
                let absolute = std::path::absolute(&diagnostic.file)
                    .unwrap_or_else(|_| diagnostic.file.clone());
                if settings.linter.ignored_for_file(rule, &absolute) {
                    return None;
                }
            }
            if !matches!(rule.meta().family, Family::Dockerfile | Family::Python)
                && dockerfiles.contains(&diagnostic.file)
                && let Some(text) = sources.text(&diagnostic.file)
            {
                let found = suppressions
                    .entry(diagnostic.file.clone())
                    .or_insert_with(|| {
                        Suppressions::parse(text, &pristine_dockerfile::parse(text))
                    });
                if found.suppresses(rule, None) {
                    return None;
                }
            }
            if let Some(severity) = settings.linter.severity_overrides.get(&rule) {
                diagnostic.severity = *severity;
            }
            Some(diagnostic)
        })
        .collect()
}

/// Sorts findings by [`Diagnostic::sort_key`] (file, start, code, subject) in the same order as
/// comparing the keys, but ranks the distinct files once: `Path`'s `Ord` compares component by
/// component, which dominated the sort when it ran for every pair of findings.
fn sort_diagnostics(diagnostics: &mut Vec<Diagnostic>) {
    // `Path`'s `Hash` and `Eq` agree with its `Ord` (all by components), so equal ranks mean
    // equal paths under the old comparison and the stable sort keeps the same order.
    // The findings of a file arrive together: a path byte-equal to the previous one (hence
    // equal by components) is neither collected nor hashed again.
    let mut files: Vec<&Path> = Vec::new();
    for d in diagnostics.iter() {
        if files
            .last()
            .is_none_or(|last| last.as_os_str() != d.file.as_os_str())
        {
            files.push(&d.file);
        }
    }
    files.sort_unstable();
    files.dedup();
    let rank: HashMap<PathBuf, usize> = files
        .iter()
        .enumerate()
        .map(|(i, path)| (path.to_path_buf(), i))
        .collect();
    let mut previous: Option<(&Path, usize)> = None;
    let mut keyed: Vec<(usize, usize)> = Vec::with_capacity(diagnostics.len());
    for (i, d) in diagnostics.iter().enumerate() {
        let file_rank = match previous {
            Some((path, r)) if path.as_os_str() == d.file.as_os_str() => r,
            _ => rank.get(&d.file).copied().unwrap_or(usize::MAX),
        };
        previous = Some((&d.file, file_rank));
        keyed.push((file_rank, i));
    }
    keyed.sort_by(|&(rank_a, a), &(rank_b, b)| {
        let (_, start_a, code_a, subject_a) = diagnostics[a].sort_key();
        let (_, start_b, code_b, subject_b) = diagnostics[b].sort_key();
        rank_a
            .cmp(&rank_b)
            .then_with(|| (start_a, code_a, subject_a).cmp(&(start_b, code_b, subject_b)))
    });
    // Move every finding to its place (each index appears once, so every `take` succeeds).
    let mut slots: Vec<Option<Diagnostic>> = diagnostics.drain(..).map(Some).collect();
    diagnostics.extend(keyed.into_iter().filter_map(|(_, i)| slots[i].take()));
}

/// `--statistics`: findings per rule, most frequent first.
fn statistics(out: &mut dyn Write, format: OutputFormat, diagnostics: &[Diagnostic]) -> Result<()> {
    let mut counts: BTreeMap<(&str, &str), (usize, bool)> = BTreeMap::new();
    for diagnostic in diagnostics {
        let entry = counts
            .entry((diagnostic.rule.code, diagnostic.rule.name))
            .or_default();
        entry.0 += 1;
        entry.1 |= diagnostic.fix.is_some();
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
    if matches!(format, OutputFormat::Json | OutputFormat::JsonLines) {
        let items: Vec<_> = rows
            .iter()
            .map(|((code, name), (count, fixable))| {
                serde_json::json!({ "code": code, "name": name, "count": count, "fixable": fixable })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &items)?;
        writeln!(out)?;
        return Ok(());
    }
    let width = rows.first().map_or(1, |r| r.1.0.to_string().len());
    for ((code, name), (count, fixable)) in &rows {
        let mark = if *fixable { "[*]" } else { "[ ]" };
        writeln!(out, "{count:>width$}\t{code}\t{mark} {name}")?;
    }
    Ok(())
}

fn command_line_build(args: &CheckArgs, file: &Path) -> Build {
    let context_dir = args
        .context
        .clone()
        .unwrap_or_else(|| Build::by_convention(file.to_path_buf()).context_dir);
    Build {
        dockerfile: file.to_path_buf(),
        context_dir,
        target: args.target.clone(),
        build_args: args
            .build_args
            .iter()
            .map(|arg| match arg.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (arg.clone(), std::env::var(arg).ok()),
            })
            .collect(),
        platforms: args.platform.clone(),
        source: BuildSource::CommandLine,
    }
}

#[cfg(test)]
mod tests {
    use pristine_diagnostics::{TextRange, TextSize};

    use super::*;

    /// The ranked sort gives exactly the order of comparing `sort_key`s, including paths whose
    /// byte order differs from their component order (`a/b` < `a.b` by components) and paths
    /// that are equal by components but not by bytes (`a//b`, `a/b`), whose findings keep
    /// their relative order (stable sort).
    #[test]
    fn sort_diagnostics_matches_the_sort_key_order() {
        let files = [
            "a.b", "a/b", "a//b", "./a", "a", "a-b/c", "a/b/c", "b", "a/b/",
        ];
        let rules = [Rule::ALL[0], Rule::ALL[1], Rule::ALL[2]];
        let mut diagnostics = Vec::new();
        let mut n = 0u32;
        for round in 0..3u32 {
            for (i, file) in files.iter().enumerate() {
                for (j, rule) in rules.iter().enumerate() {
                    n += 1;
                    let mut d = rule.diagnostic(format!("finding {n}"), *file);
                    if (i + j) % 3 != 0 {
                        let start = TextSize::from((round * 7 + u32::try_from(i).unwrap()) % 5);
                        d = d.with_range(TextRange::new(start, start));
                    }
                    if j == 1 {
                        d = d.with_subject_path(format!("s{}", (i + round as usize) % 2));
                    }
                    diagnostics.push(d);
                }
            }
        }
        diagnostics.reverse();
        let mut expected = diagnostics.clone();
        expected.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        sort_diagnostics(&mut diagnostics);
        assert_eq!(diagnostics.len(), expected.len());
        for (got, want) in diagnostics.iter().zip(&expected) {
            assert_eq!(got.message, want.message);
        }
    }
}
