//! pristine's configuration, in three layers (as ruff's `ruff_workspace`):
//!
//! - [`Options`]: what a user writes in `[tool.pristine]` of `pyproject.toml`, in
//!   `pristine.toml` / `.pristine.toml`, or as `--config KEY=VALUE`; serde with
//!   `deny_unknown_fields`, every field documented; the JSON schema is generated from it;
//! - [`Configuration`]: the layers found (file, overrides, command line), in order;
//! - [`Settings`]: resolved and immutable, handed to the linter.
//!
//! Reading files is the only I/O here ([`discover`], [`load_file`]); nothing prints.

mod discovery;
mod error;
mod options;
mod settings;

pub use discovery::{CONFIG_FILE_NAMES, discover, load_file, parse_override};
pub use error::ConfigError;
pub use options::{Options, OutputFormat, RuleSelector, SeverityName};
pub use settings::{Configuration, Settings};

/// The JSON schema of [`Options`], as committed in `pristine.schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Options);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
