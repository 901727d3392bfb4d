//! Reads a built container image without running it: a `docker save` tarball (both the classic
//! `manifest.json` + `<id>/layer.tar` layout and the OCI-style one of Docker 25+), an OCI image
//! layout (directory or tarball; an index with several platforms is resolved by platform), or
//! an image streamed from a Docker engine (feature `docker`).
//!
//! Layers are read once, in one pass each (in parallel when the input can be read at several
//! offsets), compressed with gzip or zstd or not at all, whatever the media type claims. File
//! bodies are read only where a check needs bytes: the headers of native binaries (as
//! [`pristine_binary::BinaryInfo`]), `#!` lines, `pyvenv.cfg`, `WHEEL`, `os-release`, the
//! loader configuration, `libc.so.6`'s version; everything else is skipped (by seeking in an
//! uncompressed layer of a file). Memory grows with the number of files, not their size.
//!
//! Hostile input gives a typed [`ImageError`], never a panic: member names escaping the root,
//! hardlinks outside it, corrupt or huge headers, decompression bombs, truncated layers.
//! Nothing is ever written to disk.
//!
//! This crate prints nothing.

mod error;
mod fs;
mod layer;
mod source;
mod tar;

#[cfg(feature = "docker")]
pub mod docker;

#[cfg(feature = "testing")]
pub mod testing;

use std::io::Read;
use std::path::Path;

use pristine_binary::{Arch, GlibcVersion, Libc, Platform};
use serde_json::Value;

pub use error::{ImageError, LayerProblem};
pub use fs::{FileSystem, Node, NodeKind, Resolved, Waste};
pub use layer::{Compression, Content, Limits};
pub use source::Format;

use source::Store;

/// How to read an image.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// For an index with several platforms (default: the first Linux one).
    pub platform: Option<Platform>,
    pub limits: Limits,
}

/// One layer and the history entry that made it.
#[derive(Debug, Clone)]
pub struct Layer {
    /// The blob's name in the archive (`blobs/sha256/…` or `<id>/layer.tar`).
    pub blob: String,
    /// The blob's size as stored (compressed or not).
    pub stored_size: u64,
    /// The uncompressed tar stream's size.
    pub tar_size: u64,
    pub compression: Compression,
    /// Members (files, directories, links, whiteouts).
    pub entries: usize,
    /// Bytes of regular files it adds.
    pub file_bytes: u64,
    /// The instruction that made it (`RUN pip install …`, `COPY . .`), from the config history.
    pub instruction: Option<String>,
    /// Member names that were absolute (`/etc/x`): applied below the root, as Docker does.
    pub absolute_names: u32,
}

/// What the image's config says about running it.
#[derive(Debug, Clone, Default)]
pub struct RunConfig {
    pub user: Option<String>,
    pub env: Vec<String>,
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    /// `HEALTHCHECK` test (`["CMD", …]`, `["NONE"]`), if any.
    pub healthcheck: Option<Vec<String>>,
    pub exposed_ports: Vec<String>,
    pub working_dir: Option<String>,
}

impl RunConfig {
    /// The value of an environment variable.
    pub fn env(&self, name: &str) -> Option<&str> {
        self.env.iter().rev().find_map(|kv| {
            kv.split_once('=')
                .and_then(|(k, v)| (k == name).then_some(v))
        })
    }
}

/// A read image.
#[derive(Debug)]
pub struct Image {
    /// How the user named it (a path or an image reference).
    pub source: String,
    pub format: Format,
    pub repo_tags: Vec<String>,
    /// `os/arch[/variant]` from the config, with the C library and glibc version found in the
    /// filesystem.
    pub platform: Platform,
    pub config: RunConfig,
    pub layers: Vec<Layer>,
    pub fs: FileSystem,
    /// `PRETTY_NAME` of `/etc/os-release`.
    pub os_name: Option<String>,
    /// The image's Python (`/usr/local/bin/python3.11`, `/usr/bin/python3.11`, or
    /// `PYTHON_VERSION`), as (major, minor).
    pub python: Option<(u16, u16)>,
    /// Where the glibc version was read (`usr/lib/x86_64-linux-gnu/libc.so.6`).
    pub libc_path: Option<String>,
}

/// Reads an image from a path: a directory (OCI layout or extracted `docker save`) or a
/// tarball of either.
pub fn open_path(path: &Path, options: &Options) -> Result<Image, ImageError> {
    let meta = std::fs::metadata(path).map_err(|error| ImageError::Io {
        path: path.display().to_string(),
        error,
    })?;
    let mut store = if meta.is_dir() {
        Store::Dir(path.to_path_buf())
    } else {
        Store::open_tar(path)?
    };
    assemble(path.display().to_string(), &mut store, options)
}

/// Reads an image from a one-pass stream of a `docker save` or OCI tarball.
pub fn open_stream(name: &str, stream: impl Read, options: &Options) -> Result<Image, ImageError> {
    let mut store = Store::read_stream(stream, &options.limits)?;
    assemble(name.to_owned(), &mut store, options)
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// `created_by` of a history entry as the Dockerfile instruction it came from.
pub fn instruction(created_by: &str) -> String {
    let mut text = created_by.trim();
    if let Some(rest) = text.strip_suffix("# buildkit") {
        text = rest.trim_end();
    }
    // `|2 A=1 B=2 /bin/sh -c …`: build arguments the classic builder records.
    if let Some(rest) = text.strip_prefix('|')
        && let Some((count, rest)) = rest.split_once(' ')
        && let Ok(n) = count.parse::<usize>()
    {
        let mut rest = rest;
        for _ in 0..n {
            rest = rest.split_once(' ').map_or("", |(_, r)| r);
        }
        text = rest;
    }
    if let Some(rest) = text.strip_prefix("/bin/sh -c ") {
        let rest = rest.trim_start();
        return match rest.strip_prefix("#(nop)") {
            Some(nop) => nop.trim().to_owned(),
            None => format!("RUN {rest}"),
        };
    }
    if let Some(rest) = text.strip_prefix("RUN /bin/sh -c ") {
        return format!("RUN {rest}");
    }
    text.to_owned()
}

fn assemble(source: String, store: &mut Store, options: &Options) -> Result<Image, ImageError> {
    let resolved = source::resolve(store, options.platform.as_ref()).map_err(|e| match e {
        ImageError::NotAnImage(_) => ImageError::NotAnImage(source.clone()),
        other => other,
    })?;
    let config = &resolved.config;
    let scans = store.scan_layers(&resolved.layers, &options.limits)?;

    // History entries that made a layer, in order.
    let history: Vec<Option<String>> = config
        .get("history")
        .and_then(Value::as_array)
        .map(|h| {
            h.iter()
                .filter(|e| {
                    !e.get("empty_layer")
                        .and_then(Value::as_bool)
                        .unwrap_or(false)
                })
                .map(|e| {
                    e.get("created_by")
                        .and_then(Value::as_str)
                        .map(instruction)
                        .or_else(|| e.get("comment").and_then(Value::as_str).map(str::to_owned))
                })
                .collect()
        })
        .unwrap_or_default();
    let history_fits = history.len() == scans.len();

    let mut fs = FileSystem::default();
    let mut layers = Vec::with_capacity(scans.len());
    let mut total_entries = 0usize;
    for (index, ((scan, stored_size), blob)) in scans.into_iter().zip(&resolved.layers).enumerate()
    {
        total_entries += scan.entries.len();
        if total_entries > options.limits.max_entries {
            return Err(ImageError::TooManyEntries(options.limits.max_entries));
        }
        let file_bytes = scan
            .entries
            .iter()
            .filter(|e| e.kind == layer::RawKind::File)
            .map(|e| e.size)
            .sum();
        layers.push(Layer {
            blob: blob.clone(),
            stored_size,
            tar_size: scan.tar_bytes,
            compression: scan.compression.unwrap_or(Compression::None),
            entries: scan.entries.len(),
            file_bytes,
            instruction: if history_fits {
                history.get(index).cloned().flatten()
            } else {
                None
            },
            absolute_names: scan.absolute_names,
        });
        fs.apply(index, scan);
    }

    let run = config.get("config").cloned().unwrap_or(Value::Null);
    let run = RunConfig {
        user: run
            .get("User")
            .and_then(Value::as_str)
            .filter(|u| !u.is_empty())
            .map(str::to_owned),
        env: strings(run.get("Env")),
        entrypoint: strings(run.get("Entrypoint")),
        cmd: strings(run.get("Cmd")),
        healthcheck: run.pointer("/Healthcheck/Test").map(|t| strings(Some(t))),
        exposed_ports: run
            .get("ExposedPorts")
            .and_then(Value::as_object)
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default(),
        working_dir: run
            .get("WorkingDir")
            .and_then(Value::as_str)
            .filter(|w| !w.is_empty())
            .map(str::to_owned),
    };

    let os = config
        .get("os")
        .and_then(Value::as_str)
        .unwrap_or("linux")
        .to_owned();
    let arch_name = config
        .get("architecture")
        .and_then(Value::as_str)
        .unwrap_or("amd64");
    let variant = config
        .get("variant")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut platform = format!(
        "{os}/{arch_name}{}",
        variant
            .as_deref()
            .map(|v| format!("/{v}"))
            .unwrap_or_default()
    )
    .parse::<Platform>()
    .unwrap_or_else(|_| Platform {
        os: os.clone(),
        arch: Arch::from_name(arch_name).unwrap_or(Arch::Amd64),
        variant: variant.clone(),
        libc: None,
        glibc: None,
    });
    let (libc, glibc, libc_path) = detect_libc(&fs);
    platform.libc = libc;
    platform.glibc = glibc;

    let os_name = ["etc/os-release", "usr/lib/os-release"]
        .iter()
        .find_map(|p| match fs.content(p) {
            Some(Content::Text(text)) => text.lines().find_map(|l| {
                l.strip_prefix("PRETTY_NAME=")
                    .map(|v| v.trim_matches('"').to_owned())
            }),
            _ => None,
        });
    let python = detect_python(&fs, &run);

    Ok(Image {
        source,
        format: resolved.format,
        repo_tags: resolved.repo_tags,
        platform,
        config: run,
        layers,
        fs,
        os_name,
        python,
        libc_path,
    })
}

/// musl if the musl loader is there; glibc (with its release) if `libc.so.6` is.
fn detect_libc(fs: &FileSystem) -> (Option<Libc>, Option<GlibcVersion>, Option<String>) {
    let musl = fs.below("lib").any(|(p, _)| {
        p.rsplit('/')
            .next()
            .is_some_and(|n| n.starts_with("ld-musl-"))
    });
    if musl {
        return (Some(Libc::Musl), None, None);
    }
    let mut found: Option<(Option<GlibcVersion>, String)> = None;
    for (path, node) in fs.iter() {
        if path.rsplit('/').next() != Some("libc.so.6") {
            continue;
        }
        let path = path.to_owned();
        let version = match &node.kind {
            NodeKind::Symlink(_) => match fs.resolve(&path) {
                Resolved::Found(target) => match fs.content(&target) {
                    Some(Content::Glibc(v)) => Some(*v),
                    _ => None,
                },
                _ => continue,
            },
            _ => match fs.content(&path) {
                Some(Content::Glibc(v)) => Some(*v),
                _ => None,
            },
        };
        let better = match &found {
            None => true,
            Some((v, _)) => version.is_some() && v.is_none(),
        };
        if better {
            found = Some((version, path));
        }
    }
    match found {
        Some((version, path)) => (Some(Libc::Glibc), version, Some(path)),
        None => (None, None, None),
    }
}

fn detect_python(fs: &FileSystem, run: &RunConfig) -> Option<(u16, u16)> {
    if let Some(v) = run.env("PYTHON_VERSION") {
        let mut parts = v.split('.');
        if let (Some(Ok(major)), Some(Ok(minor))) = (
            parts.next().map(str::parse::<u16>),
            parts.next().map(str::parse::<u16>),
        ) {
            return Some((major, minor));
        }
    }
    for dir in ["usr/local/bin", "usr/bin"] {
        let mut best: Option<(u16, u16)> = None;
        for (path, _) in fs.below(dir) {
            let name = &path[dir.len() + 1..];
            if let Some(version) = name.strip_prefix("python")
                && let Some((major, minor)) = version.split_once('.')
                && let (Ok(major), Ok(minor)) = (major.parse::<u16>(), minor.parse::<u16>())
                && matches!(fs.resolve(path), Resolved::Found(_))
            {
                best = best.max(Some((major, minor)));
            }
        }
        if best.is_some() {
            return best;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::instruction;

    #[test]
    fn instructions() {
        assert_eq!(
            instruction("/bin/sh -c #(nop)  CMD [\"python3\"]"),
            "CMD [\"python3\"]"
        );
        assert_eq!(
            instruction("/bin/sh -c apt-get update"),
            "RUN apt-get update"
        );
        assert_eq!(instruction("COPY . . # buildkit"), "COPY . .");
        assert_eq!(
            instruction("RUN /bin/sh -c pip install x # buildkit"),
            "RUN pip install x"
        );
        assert_eq!(instruction("|1 V=3 /bin/sh -c make"), "RUN make");
    }
}
