use std::ops::Range;
use std::path::PathBuf;

/// A configuration that cannot be used. Parse errors carry the file's text and the byte span
/// of the offending key or value, so that the binary can show a code frame.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("failed to read `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid configuration in `{}`: {message}", path.display())]
    Parse {
        path: PathBuf,
        /// The whole file.
        text: String,
        /// The offending key or value.
        span: Option<Range<usize>>,
        message: String,
    },
    #[error("invalid `--config` option `{arg}`: {message}")]
    Override { arg: String, message: String },
}
