//! The Docker Engine API, just enough to stream `GET /images/{name}/get` (what `docker save`
//! receives) over `DOCKER_HOST` or the default socket, without a temporary copy.
//!
//! Hand-written HTTP/1.1 (one request, `Connection: close`, chunked or sized bodies) rather
//! than bollard: bollard brings tokio and hyper (about +80 s of debug build on 2 cores, see
//! rust-stack.md §10) for one streaming GET. TLS (`DOCKER_TLS_VERIFY`) is not supported.

use std::fmt::Write as _;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
#[cfg(unix)]
use std::os::unix::net::UnixStream;
use std::time::Duration;

use crate::error::ImageError;
use crate::{Image, Options};

/// Where the engine listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Unix(String),
    Tcp(String),
}

/// `DOCKER_HOST` (`unix:///path`, `tcp://host:port`), else `/var/run/docker.sock`.
pub fn endpoint(docker_host: Option<&str>) -> Result<Endpoint, ImageError> {
    match docker_host.filter(|h| !h.is_empty()) {
        None => Ok(Endpoint::Unix("/var/run/docker.sock".to_owned())),
        Some(host) => {
            if let Some(path) = host.strip_prefix("unix://") {
                Ok(Endpoint::Unix(path.to_owned()))
            } else if let Some(addr) = host.strip_prefix("tcp://") {
                Ok(Endpoint::Tcp(addr.trim_end_matches('/').to_owned()))
            } else {
                Err(ImageError::Docker(format!(
                    "unsupported DOCKER_HOST `{host}` (expected unix:// or tcp://)"
                )))
            }
        }
    }
}

trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

fn connect(endpoint: &Endpoint) -> io::Result<Box<dyn Stream>> {
    match endpoint {
        #[cfg(unix)]
        Endpoint::Unix(path) => {
            let stream = UnixStream::connect(path)?;
            stream.set_read_timeout(Some(Duration::from_secs(300)))?;
            Ok(Box::new(stream))
        }
        #[cfg(not(unix))]
        Endpoint::Unix(_) => Err(io::Error::other("unix sockets need a Unix host")),
        Endpoint::Tcp(addr) => {
            let stream = TcpStream::connect(addr)?;
            stream.set_read_timeout(Some(Duration::from_secs(300)))?;
            Ok(Box::new(stream))
        }
    }
}

/// Percent-encodes an image reference for the path (keeping `/`, `:` and `@`, which the
/// engine's router accepts).
fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A response body: sized, chunked, or until the connection closes.
struct Body<R> {
    inner: R,
    mode: Mode,
}

enum Mode {
    Sized(u64),
    /// Bytes left in the current chunk; `None` before the first chunk header.
    Chunked(Option<u64>),
    UntilClose,
    Done,
}

const MAX_LINE: u64 = 8 * 1024;

fn read_line<R: BufRead>(r: &mut R) -> io::Result<String> {
    let mut line = Vec::new();
    r.by_ref().take(MAX_LINE).read_until(b'\n', &mut line)?;
    if line.last() != Some(&b'\n') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "HTTP line too long or connection closed",
        ));
    }
    Ok(String::from_utf8_lossy(&line).trim_end().to_owned())
}

impl<R: BufRead> Read for Body<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match &mut self.mode {
                Mode::Done => return Ok(0),
                Mode::UntilClose => return self.inner.read(buf),
                Mode::Sized(left) => {
                    if *left == 0 {
                        self.mode = Mode::Done;
                        continue;
                    }
                    let max = usize::try_from((*left).min(buf.len() as u64)).unwrap_or(0);
                    let n = self.inner.read(&mut buf[..max])?;
                    if n == 0 {
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                    *left -= n as u64;
                    return Ok(n);
                }
                Mode::Chunked(Some(left)) if *left > 0 => {
                    let max = usize::try_from((*left).min(buf.len() as u64)).unwrap_or(0);
                    let n = self.inner.read(&mut buf[..max])?;
                    if n == 0 {
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                    *left -= n as u64;
                    return Ok(n);
                }
                Mode::Chunked(state) => {
                    if state.is_some() {
                        // The CRLF after a chunk's data.
                        read_line(&mut self.inner)?;
                    }
                    let line = read_line(&mut self.inner)?;
                    let size = line.split(';').next().unwrap_or("").trim();
                    let size = u64::from_str_radix(size, 16).map_err(|_| {
                        io::Error::new(io::ErrorKind::InvalidData, "bad chunk size")
                    })?;
                    if size == 0 {
                        self.mode = Mode::Done;
                    } else {
                        *state = Some(size);
                    }
                }
            }
        }
    }
}

/// Sends `GET path` and returns the status, the body reader.
fn get(endpoint: &Endpoint, path: &str) -> Result<(u16, impl Read + use<>), ImageError> {
    let net = |e: io::Error| {
        ImageError::Docker(format!(
            "cannot talk to the engine at {}: {e}",
            match endpoint {
                Endpoint::Unix(p) => format!("unix://{p}"),
                Endpoint::Tcp(a) => format!("tcp://{a}"),
            }
        ))
    };
    let mut stream = connect(endpoint).map_err(net)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: docker\r\nUser-Agent: pristine\r\nConnection: close\r\n\r\n"
    )
    .map_err(net)?;
    stream.flush().map_err(net)?;
    let mut reader = BufReader::with_capacity(256 * 1024, stream);
    let status_line = read_line(&mut reader).map_err(net)?;
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| ImageError::Docker(format!("bad HTTP status line `{status_line}`")))?;
    let mut mode = Mode::UntilClose;
    for _ in 0..256 {
        let line = read_line(&mut reader).map_err(net)?;
        if line.is_empty() {
            break;
        }
        if let Some((key, value)) = line.split_once(':') {
            let value = value.trim();
            if key.eq_ignore_ascii_case("transfer-encoding")
                && value.eq_ignore_ascii_case("chunked")
            {
                mode = Mode::Chunked(None);
            } else if key.eq_ignore_ascii_case("content-length")
                && !matches!(mode, Mode::Chunked(_))
                && let Ok(n) = value.parse()
            {
                mode = Mode::Sized(n);
            }
        }
    }
    Ok((
        status,
        Body {
            inner: reader,
            mode,
        },
    ))
}

/// Streams the image `name` from the engine and reads it.
pub fn open_image(
    name: &str,
    docker_host: Option<&str>,
    options: &Options,
) -> Result<Image, ImageError> {
    let endpoint = endpoint(docker_host)?;
    let (status, mut body) = get(&endpoint, &format!("/images/{}/get", encode(name)))?;
    if status != 200 {
        let mut text = Vec::new();
        let _ = body.by_ref().take(64 * 1024).read_to_end(&mut text);
        let message = serde_json::from_slice::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned))
            .unwrap_or_else(|| String::from_utf8_lossy(&text).trim().to_owned());
        return Err(ImageError::Docker(format!(
            "cannot export `{name}` (HTTP {status}): {message}"
        )));
    }
    crate::open_stream(name, body, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        assert_eq!(
            endpoint(None).unwrap(),
            Endpoint::Unix("/var/run/docker.sock".into())
        );
        assert_eq!(
            endpoint(Some("unix:///tmp/d.sock")).unwrap(),
            Endpoint::Unix("/tmp/d.sock".into())
        );
        assert_eq!(
            endpoint(Some("tcp://127.0.0.1:2375")).unwrap(),
            Endpoint::Tcp("127.0.0.1:2375".into())
        );
        assert!(endpoint(Some("ssh://x")).is_err());
        assert_eq!(encode("a/b:1 x"), "a/b:1%20x");
    }

    #[test]
    fn chunked() {
        let raw = b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        let mut body = Body {
            inner: &raw[..],
            mode: Mode::Chunked(None),
        };
        let mut out = String::new();
        body.read_to_string(&mut out).unwrap();
        assert_eq!(out, "hello world");
    }
}
