//! One module per subcommand.

use anyhow::Result;

use crate::Outcome;
use crate::cli::{Cli, Command, DebugCommand};

mod check;
mod context;
mod debug;
mod fix;
mod image;
mod init;
mod rule;

pub(crate) fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Check(args) => check::check(&args),
        Command::Context(args) => context::context(&args),
        Command::Rule {
            rule,
            output_format,
        } => rule::rule(&rule, output_format),
        Command::Rules { output_format } => rule::rules(output_format),
        Command::Debug(DebugCommand::DockerfileAst { file }) => debug::dockerfile_ast(&file),
        Command::Config(args) => check::show_config(&args),
        Command::Init(args) => init::init(&args),
        Command::Image(args) => image::image(&args),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut command = Cli::command();
            let mut stdout = std::io::stdout().lock();
            clap_complete::generate(shell, &mut command, "pristine", &mut stdout);
            Ok(Outcome::Clean)
        }
    }
}

/// Writes a warning to stderr in the house style (`warning: …`, readable without colour).
pub(crate) fn warn_user(message: &str) {
    say("warning", anstyle::AnsiColor::Yellow, message);
}

/// Writes a non-fatal error to stderr; the caller makes the exit code 2.
pub(crate) fn error_user(message: &str) {
    say("error", anstyle::AnsiColor::Red, message);
}

fn say(label: &str, color: anstyle::AnsiColor, message: &str) {
    use std::io::Write;
    let mut stderr = anstream::stderr().lock();
    let style = anstyle::Style::new().bold().fg_color(Some(color.into()));
    let _ = writeln!(
        stderr,
        "{}{label}{}: {message}",
        style.render(),
        anstyle::Reset.render()
    );
}
