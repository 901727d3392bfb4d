//! A streaming tar reader with hard limits, for untrusted layers.
//!
//! Why not the `tar` crate: it reads GNU long names and PAX headers of any size into memory
//! (`read_all`), so a hostile layer can make it allocate gigabytes; and a linter wants to skip
//! bodies by seeking when the input allows it. This reader understands what image layers
//! contain (ustar, GNU `L`/`K` long names, PAX `x`/`g` records, base-256 numbers), verifies
//! every header checksum, and never buffers more than [`MAX_META`] bytes of metadata.

use std::io::{self, Read, Seek, SeekFrom};

use crate::error::LayerProblem;

/// The largest PAX record block or GNU long name accepted (Linux paths are at most 4096 bytes).
pub(crate) const MAX_META: u64 = 1 << 20;
const BLOCK: u64 = 512;

/// A byte source that can skip forward, by seeking where possible.
pub(crate) trait Input: Read {
    /// Skips `n` bytes; an early end of input is [`io::ErrorKind::UnexpectedEof`].
    fn skip(&mut self, n: u64) -> io::Result<()>;
}

/// Any reader, skipping by reading into a scratch buffer.
pub(crate) struct Streamed<R> {
    pub(crate) inner: R,
    scratch: Vec<u8>,
}

impl<R: Read> Streamed<R> {
    pub(crate) fn new(inner: R) -> Self {
        Streamed {
            inner,
            scratch: Vec::new(),
        }
    }
}

impl<R: Read> Read for Streamed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf)
    }
}

impl<R: Read> Input for Streamed<R> {
    fn skip(&mut self, mut n: u64) -> io::Result<()> {
        if self.scratch.is_empty() {
            self.scratch = vec![0; 128 * 1024];
        }
        while n > 0 {
            let want = usize::try_from(n.min(self.scratch.len() as u64)).unwrap_or(0);
            let got = self.inner.read(&mut self.scratch[..want])?;
            if got == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            n -= got as u64;
        }
        Ok(())
    }
}

/// A region `[start, start + len)` of a seekable file, skipping by seeking.
pub(crate) struct Region<F> {
    file: F,
    /// Bytes left in the region.
    left: u64,
}

impl<F: Read + Seek> Region<F> {
    pub(crate) fn new(mut file: F, start: u64, len: u64) -> io::Result<Self> {
        file.seek(SeekFrom::Start(start))?;
        Ok(Region { file, left: len })
    }
}

impl<F: Read> Read for Region<F> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let max = usize::try_from(self.left.min(buf.len() as u64)).unwrap_or(buf.len());
        if max == 0 {
            return Ok(0);
        }
        let got = self.file.read(&mut buf[..max])?;
        self.left -= got as u64;
        Ok(got)
    }
}

impl<F: Read + Seek> Input for Region<F> {
    fn skip(&mut self, n: u64) -> io::Result<()> {
        if n > self.left {
            self.left = 0;
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let offset = i64::try_from(n).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
        self.file.seek(SeekFrom::Current(offset))?;
        self.left -= n;
        Ok(())
    }
}

/// What a member is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    File,
    Dir,
    Symlink,
    Hardlink,
    /// Devices, FIFOs, and anything else without content.
    Other,
}

/// One member's header, after long names and PAX records are applied.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub(crate) name: Vec<u8>,
    pub(crate) link: Vec<u8>,
    pub(crate) kind: Kind,
    /// Bytes of content that follow (0 for everything but files).
    pub(crate) size: u64,
    pub(crate) mode: u32,
    pub(crate) uid: u64,
}

/// Reads headers one by one; the caller reads or skips each body through [`Reader::body`].
pub(crate) struct Reader<I> {
    input: I,
    /// Bytes consumed from `input`.
    pos: u64,
    /// Body bytes of the current member not read yet, and the padding after them.
    body_left: u64,
    pad: u64,
    done: bool,
    /// PAX global (`g`) records; they apply to every following member.
    global_path: Option<Vec<u8>>,
}

fn truncated(pos: u64) -> LayerProblem {
    LayerProblem::Truncated { offset: pos }
}

fn map_io(err: io::Error, pos: u64) -> LayerProblem {
    if err.kind() == io::ErrorKind::UnexpectedEof {
        truncated(pos)
    } else {
        LayerProblem::from_io(err)
    }
}

impl<I: Input> Reader<I> {
    pub(crate) fn new(input: I) -> Self {
        Reader {
            input,
            pos: 0,
            body_left: 0,
            pad: 0,
            done: false,
            global_path: None,
        }
    }

    /// The tar bytes consumed so far.
    pub(crate) fn position(&self) -> u64 {
        self.pos
    }

    fn skip(&mut self, n: u64) -> Result<(), LayerProblem> {
        if n == 0 {
            return Ok(());
        }
        self.input.skip(n).map_err(|e| map_io(e, self.pos))?;
        self.pos += n;
        Ok(())
    }

    /// Reads exactly one block; `Ok(false)` at a clean end of input.
    fn block(&mut self, buf: &mut [u8; 512]) -> Result<bool, LayerProblem> {
        let mut filled = 0;
        while filled < buf.len() {
            match self.input.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(map_io(e, self.pos)),
            }
        }
        if filled == 0 {
            return Ok(false);
        }
        if filled < buf.len() {
            return Err(truncated(self.pos + filled as u64));
        }
        self.pos += BLOCK;
        Ok(true)
    }

    /// Reads a metadata body (long name, PAX records) of `size` bytes, bounded.
    fn meta(&mut self, size: u64, what: &'static str) -> Result<Vec<u8>, LayerProblem> {
        if size > MAX_META {
            return Err(LayerProblem::HugeHeader {
                what,
                size,
                offset: self.pos - BLOCK,
                limit: MAX_META,
            });
        }
        let len = usize::try_from(size).unwrap_or(0);
        let mut data = vec![0; len];
        self.input
            .read_exact(&mut data)
            .map_err(|e| map_io(e, self.pos))?;
        self.pos += size;
        self.skip(padding(size))?;
        Ok(data)
    }

    /// Skips what is left of the current body, then reads the next member's header.
    pub(crate) fn next_header(&mut self) -> Result<Option<Header>, LayerProblem> {
        if self.done {
            return Ok(None);
        }
        self.skip(self.body_left + self.pad)?;
        self.body_left = 0;
        self.pad = 0;
        let mut long_name: Option<Vec<u8>> = None;
        let mut long_link: Option<Vec<u8>> = None;
        let mut pax_path: Option<Vec<u8>> = None;
        let mut pax_link: Option<Vec<u8>> = None;
        let mut pax_size: Option<u64> = None;
        let mut pax_uid: Option<u64> = None;
        let mut block = [0u8; 512];
        // Each metadata member costs at least 1 KiB of input, so this loop is bounded by the
        // input; the count below only stops absurd chains early.
        for _ in 0..64 {
            let offset = self.pos;
            if !self.block(&mut block)? {
                // No end-of-archive blocks: the layer was cut short.
                return Err(LayerProblem::NoEndMarker { offset });
            }
            if block.iter().all(|&b| b == 0) {
                // End of archive (one zero block is enough, as GNU tar; the second and any
                // padding after it are not read).
                self.done = true;
                return Ok(None);
            }
            if !checksum_ok(&block) {
                return Err(LayerProblem::BadHeader { offset });
            }
            let size = number(&block[124..136]).ok_or(LayerProblem::BadHeader { offset })?;
            let typeflag = block[156];
            match typeflag {
                b'L' => long_name = Some(trim_nul(self.meta(size, "GNU long name")?)),
                b'K' => long_link = Some(trim_nul(self.meta(size, "GNU long link name")?)),
                b'x' | b'g' => {
                    let data = self.meta(size, "PAX header")?;
                    for (key, value) in pax_records(&data) {
                        let value = value.to_vec();
                        match key {
                            b"path" if typeflag == b'x' => pax_path = Some(value),
                            b"path" => self.global_path = Some(value),
                            b"linkpath" => pax_link = Some(value),
                            b"size" => {
                                pax_size = std::str::from_utf8(&value)
                                    .ok()
                                    .and_then(|s| s.parse().ok());
                            }
                            b"uid" => {
                                pax_uid = std::str::from_utf8(&value)
                                    .ok()
                                    .and_then(|s| s.parse().ok());
                            }
                            _ => {}
                        }
                    }
                }
                _ => {
                    let ustar = &block[257..263] == b"ustar\0";
                    let name = long_name
                        .or(pax_path)
                        .or_else(|| self.global_path.clone())
                        .unwrap_or_else(|| {
                            let base = cstr(&block[0..100]);
                            let prefix = if ustar { cstr(&block[345..500]) } else { &[] };
                            if prefix.is_empty() {
                                base.to_vec()
                            } else {
                                let mut full = prefix.to_vec();
                                full.push(b'/');
                                full.extend_from_slice(base);
                                full
                            }
                        });
                    let link = long_link
                        .or(pax_link)
                        .unwrap_or_else(|| cstr(&block[157..257]).to_vec());
                    let size = pax_size.unwrap_or(size);
                    let kind = match typeflag {
                        // `S`: a GNU sparse file; its stored bytes follow and are not needed.
                        b'0' | b'\0' | b'7' | b'S' => Kind::File,
                        b'1' => Kind::Hardlink,
                        b'2' => Kind::Symlink,
                        b'5' => Kind::Dir,
                        _ => Kind::Other,
                    };
                    // Old tars mark directories by a trailing slash on a regular member.
                    let kind = if kind == Kind::File && name.last() == Some(&b'/') {
                        Kind::Dir
                    } else {
                        kind
                    };
                    let mode = number(&block[100..108]).unwrap_or(0o644) as u32 & 0o7777;
                    let uid = pax_uid.or_else(|| number(&block[108..116])).unwrap_or(0);
                    // Hardlinks, symlinks and directories have no body even if the size field
                    // says otherwise (GNU tar ignores it); skipping it anyway keeps the stream
                    // aligned with what the writer produced.
                    self.body_left = size;
                    self.pad = padding(size);
                    let size = if kind == Kind::File { size } else { 0 };
                    return Ok(Some(Header {
                        name,
                        link,
                        kind,
                        size,
                        mode,
                        uid,
                    }));
                }
            }
        }
        Err(LayerProblem::HugeHeader {
            what: "chain of metadata members",
            size: 64,
            offset: self.pos,
            limit: 64,
        })
    }

    /// Reads up to `buf.len()` bytes of the current body; returns how many.
    pub(crate) fn read_body(&mut self, buf: &mut [u8]) -> Result<usize, LayerProblem> {
        let want = usize::try_from(self.body_left.min(buf.len() as u64)).unwrap_or(0);
        let mut filled = 0;
        while filled < want {
            match self.input.read(&mut buf[filled..want]) {
                Ok(0) => return Err(truncated(self.pos)),
                Ok(n) => {
                    filled += n;
                    self.pos += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(map_io(e, self.pos)),
            }
        }
        self.body_left -= filled as u64;
        Ok(filled)
    }

    /// Bytes of the current body not read yet.
    pub(crate) fn body_left(&self) -> u64 {
        self.body_left
    }
}

fn padding(size: u64) -> u64 {
    (BLOCK - size % BLOCK) % BLOCK
}

fn cstr(field: &[u8]) -> &[u8] {
    let end = memchr::memchr(0, field).unwrap_or(field.len());
    &field[..end]
}

fn trim_nul(mut data: Vec<u8>) -> Vec<u8> {
    if let Some(end) = memchr::memchr(0, &data) {
        data.truncate(end);
    }
    data
}

/// Whether `block` is a tar header (its checksum adds up); used to sniff plain tar layers.
pub(crate) fn checksum_ok(block: &[u8]) -> bool {
    if block.len() < 512 {
        return false;
    }
    let Some(stored) = number(&block[148..156]) else {
        return false;
    };
    let mut unsigned: u64 = 0;
    let mut signed: i64 = 0;
    for (i, &b) in block[..512].iter().enumerate() {
        let b = if (148..156).contains(&i) { b' ' } else { b };
        unsigned += u64::from(b);
        signed += i64::from(b.cast_signed());
    }
    stored == unsigned || i64::try_from(stored).is_ok_and(|s| s == signed)
}

/// An octal number (space/NUL padded) or GNU base-256 (high bit set). Negative base-256
/// numbers and overflows are `None`.
fn number(field: &[u8]) -> Option<u64> {
    let first = *field.first()?;
    if first & 0x80 != 0 {
        if first == 0xff {
            return None;
        }
        let mut value: u64 = u64::from(first & 0x7f);
        for &b in &field[1..] {
            value = value.checked_mul(256)?.checked_add(u64::from(b))?;
        }
        return Some(value);
    }
    let text = field
        .iter()
        .copied()
        .skip_while(|&b| b == b' ')
        .take_while(|&b| b != 0 && b != b' ');
    let mut value: u64 = 0;
    let mut any = false;
    for b in text {
        if !(b'0'..=b'7').contains(&b) {
            return None;
        }
        value = value.checked_mul(8)?.checked_add(u64::from(b - b'0'))?;
        any = true;
    }
    // An all-NUL/space field is 0 (some writers leave mode or uid empty).
    let _ = any;
    Some(value)
}

/// `"%d %s=%s\n"` records; malformed ones end the list.
fn pax_records(mut data: &[u8]) -> Vec<(&[u8], &[u8])> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let Some(space) = memchr::memchr(b' ', data) else {
            break;
        };
        let Some(len) = std::str::from_utf8(&data[..space])
            .ok()
            .and_then(|s| s.parse::<usize>().ok())
        else {
            break;
        };
        if len <= space + 1 || len > data.len() {
            break;
        }
        let record = &data[space + 1..len];
        let record = record.strip_suffix(b"\n").unwrap_or(record);
        if let Some(eq) = memchr::memchr(b'=', record) {
            out.push((&record[..eq], &record[eq + 1..]));
        }
        data = &data[len..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(number(b"0000644\0"), Some(0o644));
        assert_eq!(number(b"   755 \0"), Some(0o755));
        assert_eq!(number(b"\0\0\0\0"), Some(0));
        assert_eq!(number(&[0x80, 0, 0, 0, 0, 0, 1, 0]), Some(256));
        assert_eq!(number(&[0xff, 0xff]), None);
        assert_eq!(number(b"9"), None);
    }

    #[test]
    fn pax() {
        let data = b"30 path=a/very/long/name/here\n19 linkpath=x/y/zz\n";
        let records = pax_records(data);
        assert_eq!(records[0], (&b"path"[..], &b"a/very/long/name/here"[..]));
        assert_eq!(records[1], (&b"linkpath"[..], &b"x/y/zz"[..]));
        assert!(pax_records(b"999 path=x\n").is_empty());
    }
}
