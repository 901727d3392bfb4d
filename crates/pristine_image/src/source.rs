//! Where blobs come from: an OCI layout or extracted `docker save` directory, a tarball of
//! either (indexed once, then read by offset), or a one-pass stream (the Docker Engine API),
//! and the manifests that say which blobs make the image.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::Value;

use crate::error::{ImageError, LayerProblem};
use crate::layer::{self, Compression, LayerScan, Limits};
use crate::tar::{Input, Kind, Reader, Region, Streamed};

/// The most JSON (manifests, configs, indexes) kept from an archive.
const MAX_METADATA: u64 = 64 << 20;
/// The largest single JSON document read.
const MAX_DOCUMENT: u64 = 16 << 20;

/// What the input was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `docker save` (a `manifest.json` with layer paths), as a tarball or directory.
    DockerArchive,
    /// An OCI image layout (`index.json`, `blobs/`), as a tarball or directory.
    OciLayout,
}

/// Blob access.
pub(crate) enum Store {
    Dir(PathBuf),
    Tar {
        path: PathBuf,
        /// name → (data offset, size)
        members: HashMap<String, (u64, u64)>,
        /// name → target name (symlinks and hardlinks between members)
        links: HashMap<String, String>,
    },
    Stream {
        docs: HashMap<String, Vec<u8>>,
        layers: HashMap<String, Result<(LayerScan, u64), LayerProblem>>,
        links: HashMap<String, String>,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ImageError + '_ {
    move |error| ImageError::Io {
        path: path.display().to_string(),
        error,
    }
}

fn clean(name: &[u8]) -> String {
    let text = String::from_utf8_lossy(name);
    text.split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// A link target relative to the member's directory.
fn link_target(member: &str, target: &[u8], hard: bool) -> String {
    let target = String::from_utf8_lossy(target);
    if hard || target.starts_with('/') {
        return clean(target.as_bytes());
    }
    let dir = member.rsplit_once('/').map_or("", |(d, _)| d);
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn follow<'a>(links: &'a HashMap<String, String>, mut name: &'a str) -> &'a str {
    for _ in 0..8 {
        match links.get(name) {
            Some(target) => name = target,
            None => break,
        }
    }
    name
}

impl Store {
    pub(crate) fn open_tar(path: &Path) -> Result<Store, ImageError> {
        let file = File::open(path).map_err(io_err(path))?;
        let len = file.metadata().map_err(io_err(path))?.len();
        let region = Region::new(file, 0, len).map_err(io_err(path))?;
        let mut reader = Reader::new(region);
        let mut members = HashMap::new();
        let mut links = HashMap::new();
        let archive_err = |problem| ImageError::Archive {
            path: path.display().to_string(),
            problem,
        };
        while let Some(header) = reader.next_header().map_err(archive_err)? {
            let name = clean(&header.name);
            match header.kind {
                Kind::File => {
                    members.insert(name, (reader.position(), header.size));
                }
                Kind::Symlink | Kind::Hardlink => {
                    let target = link_target(&name, &header.link, header.kind == Kind::Hardlink);
                    links.insert(name, target);
                }
                _ => {}
            }
        }
        Ok(Store::Tar {
            path: path.to_path_buf(),
            members,
            links,
        })
    }

    /// Reads a whole stream once: JSON documents are kept, layer blobs are scanned as they
    /// pass (their order in the archive does not matter; the manifest, often last, picks).
    pub(crate) fn read_stream<R: Read>(stream: R, limits: &Limits) -> Result<Store, ImageError> {
        let mut reader = Reader::new(Streamed::new(stream));
        let mut docs = HashMap::new();
        let mut layers = HashMap::new();
        let mut links = HashMap::new();
        let mut metadata = 0u64;
        let archive_err = |problem| ImageError::Archive {
            path: "image stream".to_owned(),
            problem,
        };
        while let Some(header) = reader.next_header().map_err(archive_err)? {
            let name = clean(&header.name);
            match header.kind {
                Kind::Symlink | Kind::Hardlink => {
                    let target = link_target(&name, &header.link, header.kind == Kind::Hardlink);
                    links.insert(name, target);
                    continue;
                }
                Kind::File if header.size > 0 => {}
                _ => continue,
            }
            let size = header.size;
            let mut body = BufReader::with_capacity(64 * 1024, Body(&mut reader));
            let prefix = body
                .fill_buf()
                .map_err(|e| archive_err(LayerProblem::from_io(e)))?;
            let json = prefix.first() == Some(&b'{') || prefix.first() == Some(&b'[');
            if json && size <= MAX_DOCUMENT {
                metadata += size;
                if metadata > MAX_METADATA {
                    return Err(ImageError::TooMuchMetadata(MAX_METADATA));
                }
                let mut data = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
                body.read_to_end(&mut data)
                    .map_err(|e| archive_err(LayerProblem::from_io(e)))?;
                docs.insert(name, data);
                continue;
            }
            let layer_like =
                Compression::sniff(prefix) != Compression::None || layer::looks_like_tar(prefix);
            if !layer_like {
                continue;
            }
            let mut budget = limits.max_entries;
            let scanned = layer::scan_blob(&mut body, size, limits, &mut budget);
            // Whatever the scan left of the blob is skipped with the member.
            drop(body);
            if let Err(LayerProblem::Truncated { .. } | LayerProblem::Io(_)) = &scanned
                && reader.body_left() > 0
            {
                // The layer's own data is corrupt; the outer archive may still be fine.
            }
            layers.insert(name, scanned.map(|s| (s, size)));
        }
        Ok(Store::Stream {
            docs,
            layers,
            links,
        })
    }

    pub(crate) fn exists(&self, name: &str) -> bool {
        match self {
            Store::Dir(root) => root.join(name).is_file(),
            Store::Tar { members, links, .. } => members.contains_key(follow(links, name)),
            Store::Stream {
                docs,
                layers,
                links,
            } => {
                let name = follow(links, name);
                docs.contains_key(name) || layers.contains_key(name)
            }
        }
    }

    /// A small document (JSON), bounded.
    pub(crate) fn read_doc(&self, name: &str) -> Result<Vec<u8>, ImageError> {
        match self {
            Store::Dir(root) => {
                let path = root.join(name);
                let file = File::open(&path).map_err(io_err(&path))?;
                let mut data = Vec::new();
                file.take(MAX_DOCUMENT + 1)
                    .read_to_end(&mut data)
                    .map_err(io_err(&path))?;
                if data.len() as u64 > MAX_DOCUMENT {
                    return Err(ImageError::TooMuchMetadata(MAX_DOCUMENT));
                }
                Ok(data)
            }
            Store::Tar {
                path,
                members,
                links,
            } => {
                let &(offset, size) = members
                    .get(follow(links, name))
                    .ok_or_else(|| ImageError::MissingBlob(name.to_owned()))?;
                if size > MAX_DOCUMENT {
                    return Err(ImageError::TooMuchMetadata(MAX_DOCUMENT));
                }
                let file = File::open(path).map_err(io_err(path))?;
                let mut region = Region::new(file, offset, size).map_err(io_err(path))?;
                let mut data = Vec::new();
                region.read_to_end(&mut data).map_err(io_err(path))?;
                Ok(data)
            }
            Store::Stream { docs, links, .. } => docs
                .get(follow(links, name))
                .cloned()
                .ok_or_else(|| ImageError::MissingBlob(name.to_owned())),
        }
    }

    /// Scans the layers (in parallel where the input allows it), in the given order.
    pub(crate) fn scan_layers(
        &mut self,
        names: &[String],
        limits: &Limits,
    ) -> Result<Vec<(LayerScan, u64)>, ImageError> {
        let layer_err = |index: usize, name: &str, problem| ImageError::Layer {
            index: index + 1,
            blob: name.to_owned(),
            problem,
        };
        match self {
            Store::Dir(root) => names
                .par_iter()
                .enumerate()
                .map(|(i, name)| {
                    let path = root.join(name);
                    let file = File::open(&path).map_err(io_err(&path))?;
                    let size = file.metadata().map_err(io_err(&path))?.len();
                    scan_region(file, 0, size, limits)
                        .map(|s| (s, size))
                        .map_err(|p| layer_err(i, name, p))
                })
                .collect(),
            Store::Tar {
                path,
                members,
                links,
            } => names
                .par_iter()
                .enumerate()
                .map(|(i, name)| {
                    let &(offset, size) = members
                        .get(follow(links, name))
                        .ok_or_else(|| ImageError::MissingBlob(name.clone()))?;
                    let file = File::open(&*path).map_err(io_err(path))?;
                    scan_region(file, offset, size, limits)
                        .map(|s| (s, size))
                        .map_err(|p| layer_err(i, name, p))
                })
                .collect(),
            Store::Stream { layers, links, .. } => {
                let mut out = Vec::with_capacity(names.len());
                for (i, name) in names.iter().enumerate() {
                    let key = follow(links, name).to_owned();
                    // A layer listed twice (the same diff twice) was stored once.
                    let scanned = match layers.get(&key) {
                        Some(Ok((scan, size))) if names[i + 1..].contains(name) => {
                            Ok((scan.clone(), *size))
                        }
                        _ => layers
                            .remove(&key)
                            .ok_or_else(|| ImageError::MissingBlob(name.clone()))?,
                    };
                    out.push(scanned.map_err(|p| layer_err(i, name, p))?);
                }
                Ok(out)
            }
        }
    }
}

/// Scans a blob stored at `[offset, offset + size)` of `file`.
fn scan_region(
    mut file: File,
    offset: u64,
    size: u64,
    limits: &Limits,
) -> Result<LayerScan, LayerProblem> {
    let mut magic = [0u8; 4];
    {
        let mut region = Region::new(&mut file, offset, size).map_err(LayerProblem::Io)?;
        let mut got = 0;
        while got < magic.len() {
            match region.read(&mut magic[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) => return Err(LayerProblem::Io(e)),
            }
        }
    }
    let region = Region::new(file, offset, size).map_err(LayerProblem::Io)?;
    let mut budget = limits.max_entries;
    if Compression::sniff(&magic) == Compression::None {
        layer::scan_seekable(region, &mut budget, limits.max_entries)
    } else {
        layer::scan_blob(region, size, limits, &mut budget)
    }
}

/// The current member's body as a reader.
struct Body<'a, I: Input>(&'a mut Reader<I>);

impl<I: Input> Read for Body<'_, I> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read_body(buf).map_err(std::io::Error::other)
    }
}

/// The manifest and config picked for the image.
pub(crate) struct Resolved {
    pub(crate) format: Format,
    pub(crate) config: Value,
    /// Layer blob names in order.
    pub(crate) layers: Vec<String>,
    pub(crate) repo_tags: Vec<String>,
}

fn parse(what: &str, data: &[u8]) -> Result<Value, ImageError> {
    serde_json::from_slice(data).map_err(|e| ImageError::BadMetadata {
        what: what.to_owned(),
        message: e.to_string(),
    })
}

fn bad(what: &str, message: &str) -> ImageError {
    ImageError::BadMetadata {
        what: what.to_owned(),
        message: message.to_owned(),
    }
}

fn blob_name(digest: &str) -> Result<String, ImageError> {
    let (alg, hex) = digest
        .split_once(':')
        .ok_or_else(|| bad("descriptor", &format!("digest `{digest}` has no algorithm")))?;
    if alg.is_empty()
        || hex.is_empty()
        || !alg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'+')
        || !hex.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(bad("descriptor", &format!("invalid digest `{digest}`")));
    }
    Ok(format!("blobs/{alg}/{hex}"))
}

fn platform_of(desc: &Value) -> Option<(String, String, Option<String>)> {
    let p = desc.get("platform")?;
    Some((
        p.get("os")?.as_str()?.to_owned(),
        p.get("architecture")?.as_str()?.to_owned(),
        p.get("variant").and_then(Value::as_str).map(str::to_owned),
    ))
}

fn platform_text((os, arch, variant): &(String, String, Option<String>)) -> String {
    match variant {
        Some(v) => format!("{os}/{arch}/{v}"),
        None => format!("{os}/{arch}"),
    }
}

/// Picks the manifest: `manifest.json` (docker save) first, else `index.json` (OCI).
pub(crate) fn resolve(
    store: &Store,
    platform: Option<&pristine_binary::Platform>,
) -> Result<Resolved, ImageError> {
    if store.exists("manifest.json") {
        let manifest = parse("manifest.json", &store.read_doc("manifest.json")?)?;
        let first = manifest
            .as_array()
            .and_then(|a| a.first())
            .ok_or_else(|| bad("manifest.json", "no image in it"))?;
        let config = first
            .get("Config")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("manifest.json", "no `Config`"))?;
        let layers = first
            .get("Layers")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("manifest.json", "no `Layers`"))?
            .iter()
            .map(|l| {
                l.as_str()
                    .map(|s| clean(s.as_bytes()))
                    .ok_or_else(|| bad("manifest.json", "a layer is not a string"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let repo_tags = first
            .get("RepoTags")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let config_name = clean(config.as_bytes());
        let config = parse(&config_name, &store.read_doc(&config_name)?)?;
        return Ok(Resolved {
            format: Format::DockerArchive,
            config,
            layers,
            repo_tags,
        });
    }
    if !store.exists("index.json") {
        return Err(ImageError::NotAnImage(String::new()));
    }
    let mut doc = parse("index.json", &store.read_doc("index.json")?)?;
    let mut repo_tags = Vec::new();
    // Nested indexes: at most a few levels.
    for _ in 0..4 {
        if doc.get("layers").is_some() {
            break;
        }
        let manifests = doc
            .get("manifests")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("index", "no `manifests`"))?;
        // Only descriptors whose blob is there (a docker save of one platform of a
        // multi-platform image lists the others too).
        let present: Vec<&Value> = manifests
            .iter()
            .filter(|d| {
                d.get("digest")
                    .and_then(Value::as_str)
                    .and_then(|dg| blob_name(dg).ok())
                    .is_some_and(|n| store.exists(&n))
            })
            .collect();
        let chosen = match platform {
            Some(want) => present
                .iter()
                .find(|d| {
                    platform_of(d).is_some_and(|(os, arch, variant)| {
                        let parsed: Option<pristine_binary::Platform> =
                            platform_text(&(os.clone(), arch.clone(), variant.clone()))
                                .parse()
                                .ok();
                        parsed.is_some_and(|p| {
                            p.os == want.os
                                && p.arch == want.arch
                                && (want.variant.is_none() || p.variant == want.variant)
                        })
                    })
                })
                .or_else(|| present.iter().find(|d| platform_of(d).is_none()))
                .copied(),
            None => present
                .iter()
                .find(|d| {
                    platform_of(d).is_some_and(|(os, arch, _)| os == "linux" && arch != "unknown")
                })
                .or_else(|| present.iter().find(|d| platform_of(d).is_none()))
                .or_else(|| present.first())
                .copied(),
        };
        let Some(chosen) = chosen else {
            let available: Vec<String> = manifests
                .iter()
                .filter_map(platform_of)
                .map(|p| platform_text(&p))
                .collect();
            return Err(ImageError::NoPlatform {
                wanted: platform.map_or_else(|| "linux/*".to_owned(), ToString::to_string),
                available: if available.is_empty() {
                    "no platforms".to_owned()
                } else {
                    available.join(", ")
                },
            });
        };
        if let Some(name) = chosen
            .pointer("/annotations/io.containerd.image.name")
            .and_then(Value::as_str)
        {
            repo_tags.push(name.to_owned());
        }
        let digest = chosen
            .get("digest")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("index", "a descriptor has no digest"))?;
        let name = blob_name(digest)?;
        doc = parse(&name, &store.read_doc(&name)?)?;
    }
    let config_digest = doc
        .pointer("/config/digest")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("manifest", "no config"))?;
    let config_name = blob_name(config_digest)?;
    let config = parse(&config_name, &store.read_doc(&config_name)?)?;
    let layers = doc
        .get("layers")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("manifest", "no layers"))?
        .iter()
        .map(|l| {
            l.get("digest")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("manifest", "a layer has no digest"))
                .and_then(blob_name)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Resolved {
        format: Format::OciLayout,
        config,
        layers,
        repo_tags,
    })
}
