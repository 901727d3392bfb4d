//! Finding and reading configuration files.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{ConfigError, Options};

/// The files looked for in each directory, in this order (as ruff: the dot-file first).
pub const CONFIG_FILE_NAMES: [&str; 3] = [".pristine.toml", "pristine.toml", "pyproject.toml"];

#[derive(Deserialize)]
struct Pyproject {
    tool: Option<Tool>,
}

#[derive(Deserialize)]
struct Tool {
    pristine: Option<Options>,
}

fn parse<'de, T: Deserialize<'de>>(path: &Path, text: &'de str) -> Result<T, ConfigError> {
    toml::from_str(text).map_err(|err| ConfigError::Parse {
        path: path.to_path_buf(),
        text: text.to_string(),
        span: err.span().map(|span| narrow(text, span, err.message())),
        message: err.message().trim_end().to_string(),
    })
}

/// toml reports an error in an array element (a bad rule selector) at the whole array; when the
/// message names the value (`` `DF999x` ``) and it appears once, quoted, inside the span, point
/// at it instead.
fn narrow(text: &str, span: Range<usize>, message: &str) -> Range<usize> {
    let Some(name) = message.split('`').nth(1).filter(|name| !name.is_empty()) else {
        return span;
    };
    let Some(within) = text.get(span.clone()) else {
        return span;
    };
    for quote in ['"', '\''] {
        let needle = format!("{quote}{name}{quote}");
        let mut found = within.match_indices(&needle);
        if let (Some((at, _)), None) = (found.next(), found.next()) {
            return span.start + at..span.start + at + needle.len();
        }
    }
    span
}

/// Reads the options of one configuration file; `None` for a `pyproject.toml` without a
/// `[tool.pristine]` table.
fn read(path: &Path) -> Result<Option<Options>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if path
        .file_name()
        .is_some_and(|name| name == "pyproject.toml")
    {
        // Only look for `[tool.pristine]` textually first: a `pyproject.toml` that does not
        // configure pristine must not fail the run because of its other tables.
        if !text.contains("pristine") {
            return Ok(None);
        }
        let pyproject: Pyproject = parse(path, &text)?;
        Ok(pyproject.tool.and_then(|tool| tool.pristine))
    } else {
        parse(path, &text).map(Some)
    }
}

/// Reads the configuration file given with `--config PATH`.
pub fn load_file(path: &Path) -> Result<Options, ConfigError> {
    Ok(read(path)?.unwrap_or_default())
}

/// Searches `start` (a directory, or a file's directory) and its ancestors for the nearest
/// configuration file: `.pristine.toml`, `pristine.toml`, or a `pyproject.toml` with a
/// `[tool.pristine]` table.
pub fn discover(start: &Path) -> Result<Option<(PathBuf, Options)>, ConfigError> {
    let start = if start.is_dir() {
        start
    } else {
        start
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    };
    let start = std::path::absolute(start).map_err(|source| ConfigError::Io {
        path: start.to_path_buf(),
        source,
    })?;
    for dir in start.ancestors() {
        for name in CONFIG_FILE_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file()
                && let Some(options) = read(&candidate)?
            {
                return Ok(Some((candidate, options)));
            }
        }
    }
    Ok(None)
}

/// Parses a `--config KEY=VALUE` override (a line of TOML, as ruff's `--config`).
pub fn parse_override(arg: &str) -> Result<Options, ConfigError> {
    toml::from_str(arg).map_err(|err| ConfigError::Override {
        arg: arg.to_string(),
        message: err.message().trim_end().to_string(),
    })
}
