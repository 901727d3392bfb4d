//! `pristine check [PATH…]`: discover builds, parse their Dockerfiles, compute their contexts,
//! report findings.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use pristine_context::discover::{self, Build, BuildSource};
use pristine_linter::LinterSettings;

use crate::Outcome;
use crate::cli::{CheckArgs, OutputFormat};
use crate::commands::{error_user, warn_user};
use crate::render::{self, Sources};

pub(crate) fn check(args: &CheckArgs) -> Result<Outcome> {
    let lookup = |name: &str| std::env::var(name).ok();
    let settings = LinterSettings::default();
    let mut had_error = false;

    let builds = if let Some(file) = &args.file {
        vec![command_line_build(args, file)]
    } else {
        let paths = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths.clone()
        };
        let (builds, issues) = discover::discover(&paths, &args.extend_exclude, &lookup);
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

    let mut diagnostics = Vec::new();
    let mut sources = Sources::default();
    let mut seen_dockerfiles = BTreeSet::new();
    let mut seen_contexts = BTreeSet::new();
    for build in &builds {
        if seen_dockerfiles.insert(build.dockerfile.clone()) {
            match std::fs::read(&build.dockerfile) {
                Ok(bytes) => {
                    let text: Arc<str> = String::from_utf8_lossy(&bytes).into();
                    diagnostics.extend(pristine_linter::check_dockerfile(
                        &build.dockerfile,
                        &text,
                        &settings,
                    ));
                    sources.insert(build.dockerfile.clone(), text);
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
            match super::context::context_diagnostics(build, &settings, &mut sources) {
                Ok(found) => diagnostics.extend(found),
                Err(err) => {
                    error_user(&format!("{err:#}"));
                    had_error = true;
                }
            }
        }
    }

    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
    let format = args.output_format.unwrap_or(OutputFormat::Full);
    let mut stdout = anstream::stdout().lock();
    render::render(&mut stdout, format, &diagnostics, &sources)?;
    if diagnostics.is_empty() && !had_error && format == OutputFormat::Full && !args.quiet {
        writeln!(stdout, "All checks passed!")?;
    }
    stdout.flush()?;

    Ok(if had_error {
        Outcome::Error
    } else if diagnostics.is_empty() || args.exit_zero {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
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
