//! The `pristine` binary: the only crate that does I/O and sets exit codes
//! (0 clean, 1 findings, 2 error).

use std::io;
use std::process::ExitCode;

use clap::Parser;

mod cli;
mod commands;
mod render;
mod render_ci;

/// mimalloc instead of the system allocator, as ruff and uv do: the linter allocates many
/// small, short-lived values (words, ranges, messages), and glibc's malloc/free were a fifth
/// of the user time of `pristine check` over the 251 corpus Dockerfiles (perf, issue #5).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What a command concluded; mapped to the exit code in one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Nothing found.
    Clean,
    /// Findings were reported.
    Findings,
    /// Something could not be done (an unreadable input, a bad argument); reported on stderr.
    Error,
}

impl Outcome {
    fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Clean => ExitCode::SUCCESS,
            Outcome::Findings => ExitCode::from(1),
            Outcome::Error => ExitCode::from(2),
        }
    }
}

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let color = match cli.color {
        cli::ColorChoice::Auto => anstream::ColorChoice::Auto,
        cli::ColorChoice::Always => anstream::ColorChoice::Always,
        cli::ColorChoice::Never => anstream::ColorChoice::Never,
    };
    color.write_global();
    match commands::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(err) => {
            // A closed pipe (`pristine context --list | head`) is not an error (as ripgrep).
            if err
                .chain()
                .filter_map(|e| e.downcast_ref::<io::Error>())
                .any(|e| e.kind() == io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            commands::error_user(&format!("{err:#}"));
            ExitCode::from(2)
        }
    }
}
