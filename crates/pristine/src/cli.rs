//! Command-line arguments (clap derive), following ruff's conventions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use pristine_workspace::{OutputFormat, RuleSelector, SeverityName};

/// Make Python container builds correct, small and fast.
///
/// pristine checks Dockerfiles, `.dockerignore` files and what a build context really
/// contains, the way BuildKit sees them.
#[derive(Debug, Parser)]
#[command(name = "pristine", author, version = env!("PRISTINE_LONG_VERSION"), about, long_about = None)]
#[command(propagate_version = true, arg_required_else_help = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// When to colour the output (`NO_COLOR` is honoured in `auto`)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub(crate) color: ColorChoice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check Dockerfiles, their ignore files and build contexts
    Check(CheckArgs),
    /// Show what Docker sends as the build context of a directory
    Context(ContextArgs),
    /// Audit a built image (a `docker save` tarball, an OCI layout, or an image by name
    /// through the Docker engine) and predict what fails when it runs
    Image(ImageArgs),
    /// Explain a rule (by code or name)
    Rule {
        /// A rule code (`DF001`) or name (`invalid-syntax`)
        rule: String,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        output_format: TextOrJson,
    },
    /// List all rules
    Rules {
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        output_format: TextOrJson,
    },
    /// Print the resolved configuration (the file found, defaults, overrides)
    Config(ConfigArgs),
    /// Write a Dockerfile and a .dockerignore for the Python project in DIR
    Init(InitArgs),
    /// Print a shell completion script
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Tools for debugging pristine itself
    #[command(subcommand)]
    Debug(DebugCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum DebugCommand {
    /// Print a Dockerfile's parse in BuildKit's test `result` format
    DockerfileAst {
        /// The Dockerfile (`-` for standard input)
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Files or directories to check [default: .]
    pub(crate) paths: Vec<PathBuf>,
    /// Check this Dockerfile (as `docker build -f`); the context is `--context` or the
    /// Dockerfile's directory
    #[arg(short = 'f', long = "file", value_name = "DOCKERFILE")]
    pub(crate) file: Option<PathBuf>,
    /// The build context directory for `--file`
    #[arg(long, value_name = "DIR", requires = "file")]
    pub(crate) context: Option<PathBuf>,
    /// Build arguments (`NAME=value`, or `NAME` to take it from the environment)
    #[arg(long = "build-arg", value_name = "NAME[=VALUE]", requires = "file")]
    pub(crate) build_args: Vec<String>,
    /// Target platform(s), e.g. `linux/amd64`
    #[arg(
        long,
        value_name = "PLATFORM",
        value_delimiter = ',',
        requires = "file"
    )]
    pub(crate) platform: Vec<String>,
    /// The stage to build
    #[arg(long, value_name = "STAGE", requires = "file")]
    pub(crate) target: Option<String>,
    /// Output format [default: full]
    #[arg(long, value_enum, env = "PRISTINE_OUTPUT_FORMAT")]
    pub(crate) output_format: Option<OutputFormat>,
    #[command(flatten)]
    pub(crate) config: ConfigArgsCommon,
    /// Exit with 0 even when there are findings
    #[arg(long)]
    pub(crate) exit_zero: bool,
    /// Exit with 1 only for findings at or above this severity [default: info]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub(crate) fail_on: Option<SeverityName>,
    /// Print the number of findings per rule instead of the findings
    #[arg(long)]
    pub(crate) statistics: bool,
    /// Print the resolved settings and exit
    #[arg(long)]
    pub(crate) show_settings: bool,
    /// Print the Dockerfiles (and their build contexts) that would be checked, and exit
    #[arg(long)]
    pub(crate) show_files: bool,
    /// Directory names to skip when searching for Dockerfiles (in addition to `.git`,
    /// `node_modules`, virtual environments, …)
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub(crate) extend_exclude: Vec<String>,
    /// Only parse Dockerfiles; do not walk the build contexts
    #[arg(long)]
    pub(crate) no_context: bool,
    /// Apply the safe fixes (to the Dockerfile and its ignore file only), then report what
    /// remains
    #[arg(long)]
    pub(crate) fix: bool,
    /// With `--fix` or `--diff`, also apply the unsafe fixes (they may change what the build
    /// produces)
    #[arg(long)]
    pub(crate) unsafe_fixes: bool,
    /// Print the fixes as a unified diff and write nothing; exit 1 if there is a diff
    #[arg(long)]
    pub(crate) diff: bool,
    /// Print nothing but the findings
    #[arg(short, long)]
    pub(crate) quiet: bool,
}

/// Options that select the configuration, shared by `check` and `config`.
#[derive(Debug, Args)]
pub(crate) struct ConfigArgsCommon {
    /// A configuration file (`pristine.toml`, `pyproject.toml`), or a `KEY=VALUE` option in
    /// TOML (`--config "fail-on = 'error'"`) that overrides the file; repeatable
    #[arg(long, value_name = "CONFIG_OPTION")]
    pub(crate) config: Vec<String>,
    /// Ignore configuration files
    #[arg(long)]
    pub(crate) isolated: bool,
    /// Rules to run (codes, names, prefixes such as `DF`, or `ALL`), replacing the configured ones
    #[arg(long, value_delimiter = ',', value_name = "RULE", value_parser = parse_selector)]
    pub(crate) select: Option<Vec<RuleSelector>>,
    /// Rules to run in addition to the selected ones
    #[arg(long, value_delimiter = ',', value_name = "RULE", value_parser = parse_selector)]
    pub(crate) extend_select: Option<Vec<RuleSelector>>,
    /// Rules not to run
    #[arg(long, value_delimiter = ',', value_name = "RULE", value_parser = parse_selector)]
    pub(crate) ignore: Option<Vec<RuleSelector>>,
}

fn parse_selector(value: &str) -> Result<RuleSelector, String> {
    value.parse()
}

#[derive(Debug, Args)]
pub(crate) struct ConfigArgs {
    /// The path whose configuration is shown [default: .]
    pub(crate) path: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) config: ConfigArgsCommon,
}

#[derive(Debug, Args)]
pub(crate) struct ContextArgs {
    /// The build context directory [default: .]
    pub(crate) dir: Option<PathBuf>,
    /// The Dockerfile (as `docker build -f`); selects `<Dockerfile>.dockerignore` if present
    #[arg(short = 'f', long = "file", value_name = "DOCKERFILE")]
    pub(crate) file: Option<PathBuf>,
    /// Print exactly the sent paths, one per line (empty directories with a trailing `/`)
    #[arg(long, conflicts_with = "why")]
    pub(crate) list: bool,
    /// Explain whether PATH is sent, and which ignore-file line decided it
    #[arg(long, value_name = "PATH")]
    pub(crate) why: Option<PathBuf>,
    /// How many of the largest directories and files to show
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub(crate) top: usize,
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub(crate) output_format: TextOrJson,
}

#[derive(Debug, Args)]
pub(crate) struct ImageArgs {
    /// A `docker save` tarball, an OCI image layout (directory or tarball), or an image
    /// reference read from the Docker engine at `DOCKER_HOST` (default: the local socket)
    pub(crate) image: String,
    /// The platform to read from a multi-platform index [default: the first Linux one]
    #[arg(long, value_name = "PLATFORM")]
    pub(crate) platform: Option<String>,
    /// Output format [default: full, with a summary of the layers]
    #[arg(long, value_enum, env = "PRISTINE_OUTPUT_FORMAT")]
    pub(crate) output_format: Option<OutputFormat>,
    #[command(flatten)]
    pub(crate) config: ConfigArgsCommon,
    /// Exit with 0 even when there are findings
    #[arg(long)]
    pub(crate) exit_zero: bool,
    /// Exit with 1 only for findings at or above this severity [default: info]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub(crate) fail_on: Option<SeverityName>,
    /// How many layers the summary lists (the largest)
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub(crate) top: usize,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// The project directory [default: .]
    pub(crate) dir: Option<PathBuf>,
    /// The base image of both stages [default: python:<version>-slim-bookworm]
    #[arg(long, value_name = "IMAGE")]
    pub(crate) base_image: Option<String>,
    /// The Python version (`3.12`) instead of the detected one
    #[arg(long, value_name = "VERSION")]
    pub(crate) python: Option<String>,
    /// The package manager instead of the detected one (pip, pyproject, poetry, uv, pipenv, pdm, conda)
    #[arg(long, value_name = "NAME")]
    pub(crate) package_manager: Option<String>,
    /// The command the image runs (`gunicorn app:app -b 0.0.0.0:8000`, or a JSON array)
    #[arg(long, value_name = "COMMAND", allow_hyphen_values = true)]
    pub(crate) entrypoint: Option<String>,
    /// The port the app listens on instead of the detected one
    #[arg(long)]
    pub(crate) port: Option<u16>,
    /// The image uv is copied from [default: ghcr.io/astral-sh/uv:<pinned version>]
    #[arg(long, value_name = "IMAGE")]
    pub(crate) uv_image: Option<String>,
    /// Start the Dockerfile with `# syntax=docker/dockerfile:1` (BuildKit then pulls that frontend)
    #[arg(long)]
    pub(crate) syntax: bool,
    /// Overwrite an existing Dockerfile or .dockerignore
    #[arg(long)]
    pub(crate) force: bool,
    /// Print a diff against the existing files instead of writing
    #[arg(long, conflicts_with = "stdout")]
    pub(crate) diff: bool,
    /// Print the files instead of writing them
    #[arg(long)]
    pub(crate) stdout: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum TextOrJson {
    Text,
    Json,
}
