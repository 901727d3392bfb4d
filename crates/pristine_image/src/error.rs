//! Typed errors: what made an image unreadable, and where.

use std::io;

/// Why an image could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    // The cause is part of each message, so it is not also a `#[source]`: an error chain
    // printed with `{:#}` (anyhow, in the CLI) would repeat it.
    #[error("cannot read `{path}`: {error}")]
    Io { path: String, error: io::Error },
    /// Neither `manifest.json` (docker save) nor `index.json` (OCI layout).
    #[error(
        "`{0}` is not an image: no `manifest.json` (docker save) or `index.json` (OCI layout) in it"
    )]
    NotAnImage(String),
    #[error("invalid {what}: {message}")]
    BadMetadata { what: String, message: String },
    #[error("the image refers to `{0}`, which is not in the archive")]
    MissingBlob(String),
    #[error("no image for platform `{wanted}` (the index has: {available})")]
    NoPlatform { wanted: String, available: String },
    #[error("layer {index} (`{blob}`): {problem}")]
    Layer {
        /// 1-based, as shown to users.
        index: usize,
        blob: String,
        problem: LayerProblem,
    },
    /// A problem in the outer archive (the `docker save` tarball itself).
    #[error("`{path}`: {problem}")]
    Archive { path: String, problem: LayerProblem },
    #[error("more than {0} metadata bytes (JSON members) in the archive")]
    TooMuchMetadata(u64),
    #[error("the image has more than {0} files; raise the limit to read it")]
    TooManyEntries(usize),
    #[error("Docker engine: {0}")]
    Docker(String),
}

/// Why a tar stream (a layer or the outer archive) could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LayerProblem {
    #[error("member `{name}` escapes the image root (Docker refuses to apply such a layer)")]
    Breakout { name: String },
    #[error("hardlink `{name}` points outside the image root: `{target}`")]
    HardlinkBreakout { name: String, target: String },
    #[error("corrupt tar header at byte {offset} (bad checksum or number)")]
    BadHeader { offset: u64 },
    #[error("truncated at byte {offset}")]
    Truncated { offset: u64 },
    #[error("truncated: the archive ends at byte {offset} without an end-of-archive marker")]
    NoEndMarker { offset: u64 },
    #[error("{what} of {size} bytes at byte {offset} exceeds the limit of {limit}")]
    HugeHeader {
        what: &'static str,
        size: u64,
        offset: u64,
        limit: u64,
    },
    #[error(
        "decompresses to more than {limit} bytes from {compressed} compressed bytes (a decompression bomb?)"
    )]
    Bomb { limit: u64, compressed: u64 },
    #[error("corrupt {format} data: {message}")]
    Decompress {
        format: &'static str,
        message: String,
    },
    #[error("{0}")]
    Io(io::Error),
}

impl LayerProblem {
    pub(crate) fn from_io(err: io::Error) -> Self {
        // The bomb guard and the decoders report through io::Error; unwrap ours.
        if err
            .get_ref()
            .is_some_and(<dyn std::error::Error + Send + Sync>::is::<LayerProblem>)
        {
            if let Some(inner) = err.into_inner()
                && let Ok(problem) = inner.downcast::<LayerProblem>()
            {
                return *problem;
            }
            return LayerProblem::Io(io::Error::other("unknown"));
        }
        LayerProblem::Io(err)
    }
}
