//! Reading one layer: decompression (sniffed, whatever the media type says), the tar members,
//! and the few bytes the checks need, in one pass.

use std::io::{self, BufRead, BufReader, Read};

use pristine_binary::{BinaryInfo, GlibcVersion};

use crate::error::LayerProblem;
use crate::tar::{self, Input, Kind, Reader, Streamed};

/// How a layer blob is compressed, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    pub fn sniff(prefix: &[u8]) -> Compression {
        if prefix.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if prefix.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

/// Limits that keep a hostile image from using unbounded memory or time.
#[derive(Debug, Clone)]
pub struct Limits {
    /// A compressed layer may expand to `max(min_expansion, ratio × compressed size)` bytes.
    pub max_expansion_ratio: u64,
    pub min_expansion: u64,
    /// Files (tar members) in the whole image.
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // Text-heavy layers compress about 10×; deflate cannot exceed ~1032×.
            max_expansion_ratio: 200,
            min_expansion: 1 << 30,
            max_entries: 2_000_000,
        }
    }
}

/// What the checks read from a file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// A native binary's headers.
    Binary(Box<BinaryInfo>),
    /// A binary candidate (by name or mode) without ELF/Mach-O/PE magic or `#!`.
    NotBinary,
    /// The first line of a `#!` script, and for the `/bin/sh` trampoline that pip and uv write
    /// for long paths, the second (`'''exec' /path/python "$0" "$@"`).
    Script(Box<str>),
    /// A small configuration file (lossy UTF-8).
    Text(Box<str>),
    /// `libc.so.6`: the glibc release it is.
    Glibc(GlibcVersion),
    /// Starts with `-----BEGIN … PRIVATE KEY-----`.
    PrivateKey,
}

/// A member of a layer, normalised.
#[derive(Debug, Clone)]
pub(crate) struct RawEntry {
    /// Relative to the root, `/`-separated, no `.`/`..`/empty components.
    pub(crate) path: Box<str>,
    pub(crate) kind: RawKind,
    pub(crate) size: u64,
    pub(crate) mode: u32,
    pub(crate) uid: u32,
    pub(crate) content: Option<Content>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RawKind {
    File,
    Dir,
    Symlink(Box<str>),
    /// Normalised target path.
    Hardlink(Box<str>),
    Other,
    /// `.wh.<name>`: `path` is the deleted path.
    Whiteout,
    /// `.wh..wh..opq`: `path` is the directory whose lower contents are hidden.
    Opaque,
}

/// One layer, read.
#[derive(Debug, Default, Clone)]
pub(crate) struct LayerScan {
    pub(crate) entries: Vec<RawEntry>,
    /// Bytes of the (uncompressed) tar stream.
    pub(crate) tar_bytes: u64,
    /// Member names that were absolute (`/etc/x`); Docker applies them below the root.
    pub(crate) absolute_names: u32,
    pub(crate) compression: Option<Compression>,
}

/// How much of a binary is read for its headers (as the context rules do).
pub(crate) const BINARY_PREFIX: usize = 256 * 1024;
/// The largest configuration file kept.
const TEXT_MAX: u64 = 64 * 1024;

/// Normalises a member name; `Ok(None)` for the root itself.
pub(crate) fn normalize(name: &[u8], absolute: &mut bool) -> Result<Option<String>, LayerProblem> {
    let text = String::from_utf8_lossy(name);
    if text.starts_with('/') {
        *absolute = true;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in text.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(LayerProblem::Breakout {
                        name: text.into_owned(),
                    });
                }
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return Ok(None);
    }
    Ok(Some(parts.join("/")))
}

/// What to read of a file, decided by path, size and mode before reading a byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Nothing,
    Binary,
    Text,
    Glibc,
    KeyHead,
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[allow(
    clippy::case_sensitive_file_extension_comparisons,
    reason = "image paths are case-sensitive"
)]
fn want(path: &str, size: u64, mode: u32) -> Want {
    if size == 0 {
        return Want::Nothing;
    }
    let name = basename(path);
    let parent = path.rsplit('/').nth(1).unwrap_or("");
    if name == "libc.so.6" && size <= 64 << 20 {
        return Want::Glibc;
    }
    if size <= TEXT_MAX
        && (name == "pyvenv.cfg"
            || (name == "WHEEL" && parent.ends_with(".dist-info"))
            || path == "etc/os-release"
            || path == "usr/lib/os-release"
            || path == "etc/passwd"
            || path == "etc/ld.so.conf"
            || path.starts_with("etc/ld.so.conf.d/")
            || (path.starts_with("etc/ld-musl-") && name.ends_with(".path")))
    {
        return Want::Text;
    }
    if pristine_binary::is_binary_candidate(path, size, Some(mode)) {
        return Want::Binary;
    }
    if size <= TEXT_MAX
        && (name.starts_with("id_rsa")
            || name.starts_with("id_ecdsa")
            || name.starts_with("id_ed25519")
            || name.starts_with("id_dsa")
            || name.ends_with(".pem")
            || name.ends_with(".key"))
        && !path.starts_with("etc/ssl/")
        && !path.starts_with("usr/share/ca-certificates/")
        && !path.starts_with("usr/lib/ssl/")
    {
        return Want::KeyHead;
    }
    Want::Nothing
}

/// Reads one layer's members. `buf` is a scratch buffer reused across files.
pub(crate) fn scan<I: Input>(
    reader: &mut Reader<I>,
    entry_budget: &mut usize,
    max_entries: usize,
) -> Result<LayerScan, LayerProblem> {
    let mut scan = LayerScan::default();
    let mut buf = vec![0u8; BINARY_PREFIX];
    while let Some(header) = reader.next_header()? {
        let mut absolute = false;
        let Some(path) = normalize(&header.name, &mut absolute)? else {
            continue;
        };
        if absolute {
            scan.absolute_names += 1;
        }
        if *entry_budget == 0 {
            return Err(LayerProblem::Io(io::Error::other(format!(
                "more than {max_entries} files in the image"
            ))));
        }
        *entry_budget -= 1;
        let name = basename(&path);
        let (kind, path) = if let Some(target) = name.strip_prefix(".wh.") {
            let dir = &path[..path.len() - name.len()];
            if target == ".wh..opq" {
                (RawKind::Opaque, dir.trim_end_matches('/').to_owned())
            } else if target.is_empty() || target.starts_with(".wh.") {
                // Other AUFS metadata (`.wh..wh.plnk`, `.wh..wh.aufs`): not files.
                continue;
            } else {
                (RawKind::Whiteout, format!("{dir}{target}"))
            }
        } else {
            let kind = match header.kind {
                Kind::File => RawKind::File,
                Kind::Dir => RawKind::Dir,
                Kind::Symlink => RawKind::Symlink(
                    String::from_utf8_lossy(&header.link)
                        .into_owned()
                        .into_boxed_str(),
                ),
                Kind::Hardlink => {
                    let mut ignored = false;
                    let target = normalize(&header.link, &mut ignored).map_err(|_| {
                        LayerProblem::HardlinkBreakout {
                            name: path.clone(),
                            target: String::from_utf8_lossy(&header.link).into_owned(),
                        }
                    })?;
                    let Some(target) = target else {
                        return Err(LayerProblem::HardlinkBreakout {
                            name: path,
                            target: String::from_utf8_lossy(&header.link).into_owned(),
                        });
                    };
                    RawKind::Hardlink(target.into_boxed_str())
                }
                Kind::Other => RawKind::Other,
            };
            (kind, path)
        };
        let content = if kind == RawKind::File {
            read_content(reader, &path, header.size, header.mode, &mut buf)?
        } else {
            None
        };
        scan.entries.push(RawEntry {
            path: path.into_boxed_str(),
            kind,
            size: header.size,
            mode: header.mode,
            uid: u32::try_from(header.uid).unwrap_or(u32::MAX),
            content,
        });
    }
    scan.tar_bytes = reader.position();
    Ok(scan)
}

fn read_prefix<I: Input>(
    reader: &mut Reader<I>,
    buf: &mut [u8],
    max: usize,
) -> Result<usize, LayerProblem> {
    let max = max.min(buf.len());
    let mut filled = 0;
    while filled < max && reader.body_left() > 0 {
        filled += reader.read_body(&mut buf[filled..max])?;
    }
    Ok(filled)
}

fn read_content<I: Input>(
    reader: &mut Reader<I>,
    path: &str,
    size: u64,
    mode: u32,
    buf: &mut [u8],
) -> Result<Option<Content>, LayerProblem> {
    match want(path, size, mode) {
        Want::Nothing => Ok(None),
        Want::Text => {
            let n = read_prefix(reader, buf, TEXT_MAX as usize)?;
            Ok(Some(Content::Text(
                String::from_utf8_lossy(&buf[..n])
                    .into_owned()
                    .into_boxed_str(),
            )))
        }
        Want::KeyHead => {
            let n = read_prefix(reader, buf, 256)?;
            let head = &buf[..n];
            let key = head.starts_with(b"-----BEGIN")
                && memchr::memmem::find(head, b"PRIVATE KEY-----").is_some();
            Ok(key.then_some(Content::PrivateKey))
        }
        Want::Binary => {
            let n = read_prefix(reader, buf, BINARY_PREFIX)?;
            let head = &buf[..n];
            if head.starts_with(b"#!") {
                return Ok(Some(Content::Script(script_head(head))));
            }
            Ok(Some(match pristine_binary::inspect(head) {
                Ok(info) => Content::Binary(Box::new(info)),
                Err(_) => Content::NotBinary,
            }))
        }
        Want::Glibc => {
            // The banner `GNU C Library (Debian GLIBC 2.36-9+deb12u7) stable release version
            // 2.36.` (glibc's version.c), else the highest `GLIBC_2.N` version name.
            let mut best: Option<GlibcVersion> = None;
            let mut carry: Vec<u8> = Vec::new();
            let mut chunk = vec![0u8; 64 * 1024];
            loop {
                let n = read_prefix(reader, &mut chunk, 64 * 1024)?;
                if n == 0 {
                    break;
                }
                carry.extend_from_slice(&chunk[..n]);
                if let Some(v) = release_version(&carry) {
                    return Ok(Some(Content::Glibc(v)));
                }
                for at in memchr::memmem::find_iter(&carry, b"GLIBC_2.") {
                    let end = carry[at..]
                        .iter()
                        .position(|&b| b == 0)
                        .map_or(carry.len(), |e| at + e);
                    if let Ok(name) = std::str::from_utf8(&carry[at..end])
                        && let Some(v) = GlibcVersion::from_symbol_version(name)
                    {
                        best = best.max(Some(v));
                    }
                }
                let keep = carry.len().saturating_sub(64);
                carry.drain(..keep);
            }
            Ok(best.map(Content::Glibc))
        }
    }
}

fn release_version(data: &[u8]) -> Option<GlibcVersion> {
    let needle = b"release version ";
    let at = memchr::memmem::find(data, needle)? + needle.len();
    let rest = &data[at..];
    let end = rest
        .iter()
        .position(|&b| !(b.is_ascii_digit() || b == b'.'))?;
    let text = std::str::from_utf8(&rest[..end])
        .ok()?
        .trim_end_matches('.');
    text.parse().ok()
}

/// The first line, plus the second for the `'''exec'` trampoline, at most 1 KiB.
fn script_head(head: &[u8]) -> Box<str> {
    let head = &head[..head.len().min(1024)];
    let mut lines = head.split(|&b| b == b'\n');
    let first = lines.next().unwrap_or_default();
    let mut out = String::from_utf8_lossy(first).into_owned();
    if first.trim_ascii_end() == b"#!/bin/sh"
        && let Some(second) = lines.next()
        && second.starts_with(b"'''exec'")
    {
        out.push('\n');
        out.push_str(&String::from_utf8_lossy(second));
    }
    out.into_boxed_str()
}

/// Reads the first bytes of `raw` to pick a decoder, then scans the layer. `compressed` is the
/// blob's size, for the expansion limit.
pub(crate) fn scan_blob<R: Read>(
    raw: R,
    compressed: u64,
    limits: &Limits,
    entry_budget: &mut usize,
) -> Result<LayerScan, LayerProblem> {
    let mut raw = BufReader::with_capacity(256 * 1024, raw);
    let prefix = raw.fill_buf().map_err(LayerProblem::from_io)?;
    let compression = Compression::sniff(prefix);
    let limit = limits
        .min_expansion
        .max(limits.max_expansion_ratio.saturating_mul(compressed));
    let mut scan = match compression {
        Compression::None => {
            let mut reader = Reader::new(Streamed::new(raw));
            scan(&mut reader, entry_budget, limits.max_entries)?
        }
        Compression::Gzip => {
            let decoder = flate2::bufread::MultiGzDecoder::new(raw);
            let guarded = Guard::new(decoder, limit, compressed, "gzip");
            let mut reader = Reader::new(Streamed::new(guarded));
            scan(&mut reader, entry_budget, limits.max_entries)?
        }
        Compression::Zstd => {
            let decoder = zstd::stream::read::Decoder::with_buffer(raw)
                .map_err(|e| decompress_error("zstd", &e))?;
            let guarded = Guard::new(decoder, limit, compressed, "zstd");
            let mut reader = Reader::new(Streamed::new(guarded));
            scan(&mut reader, entry_budget, limits.max_entries)?
        }
    };
    scan.compression = Some(compression);
    Ok(scan)
}

/// Scans a layer that is an uncompressed region of a seekable file: bodies that are not
/// needed are skipped by seeking.
pub(crate) fn scan_seekable<I: Input>(
    input: I,
    entry_budget: &mut usize,
    max_entries: usize,
) -> Result<LayerScan, LayerProblem> {
    let mut reader = Reader::new(input);
    let mut scan = scan(&mut reader, entry_budget, max_entries)?;
    scan.compression = Some(Compression::None);
    Ok(scan)
}

fn decompress_error(format: &'static str, err: &io::Error) -> LayerProblem {
    LayerProblem::Decompress {
        format,
        message: err.to_string(),
    }
}

/// Counts decompressed bytes and stops at the limit; maps decoder errors to typed problems.
struct Guard<R> {
    inner: R,
    read: u64,
    limit: u64,
    compressed: u64,
    format: &'static str,
}

impl<R> Guard<R> {
    fn new(inner: R, limit: u64, compressed: u64, format: &'static str) -> Self {
        Guard {
            inner,
            read: 0,
            limit,
            compressed,
            format,
        }
    }
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = match self.inner.read(buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Err(e),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Err(e),
            Err(e) => {
                return Err(io::Error::other(decompress_error(self.format, &e)));
            }
        };
        self.read += n as u64;
        if self.read > self.limit {
            return Err(io::Error::other(LayerProblem::Bomb {
                limit: self.limit,
                compressed: self.compressed,
            }));
        }
        Ok(n)
    }
}

/// Whether the first block of an uncompressed blob is a tar header, or the end-of-archive
/// block of an empty layer (a `RUN` that changed nothing is 1024 zero bytes).
pub(crate) fn looks_like_tar(prefix: &[u8]) -> bool {
    tar::checksum_ok(prefix) || prefix.get(..512).is_some_and(|b| b.iter().all(|&x| x == 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise() {
        let mut abs = false;
        assert_eq!(
            normalize(b"./usr/bin/", &mut abs).unwrap().as_deref(),
            Some("usr/bin")
        );
        assert!(!abs);
        assert_eq!(
            normalize(b"/etc//x", &mut abs).unwrap().as_deref(),
            Some("etc/x")
        );
        assert!(abs);
        assert_eq!(
            normalize(b"a/../b", &mut abs).unwrap().as_deref(),
            Some("b")
        );
        assert!(normalize(b"../etc/passwd", &mut abs).is_err());
        assert!(normalize(b"a/../../x", &mut abs).is_err());
        assert_eq!(normalize(b"./", &mut abs).unwrap(), None);
    }

    #[test]
    fn glibc_banner() {
        let data = b"xxGNU C Library (Debian GLIBC 2.36-9+deb12u7) stable release version 2.36.\n";
        assert_eq!(release_version(data), Some(GlibcVersion::new(2, 36)));
    }

    #[test]
    fn trampoline() {
        let head =
            b"#!/bin/sh\n'''exec' /very/long/venv/bin/python \"$0\" \"$@\"\n' '''\nimport x\n";
        assert_eq!(
            &*script_head(head),
            "#!/bin/sh\n'''exec' /very/long/venv/bin/python \"$0\" \"$@\""
        );
    }
}
