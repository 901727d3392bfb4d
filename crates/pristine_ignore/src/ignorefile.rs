//! Port of `ignorefile.ReadAll` (moby/patternmatcher
//! `ignorefile/ignorefile.go`, read at the version in the code index; same
//! logic as buildkit v0.8 `dockerignore.ReadAll`), keeping each pattern's
//! position in the file so diagnostics can point at it.

use std::ops::Range;

use crate::go;

/// `bufio.MaxScanTokenSize`: `bufio.Scanner`'s buffer never grows past this.
const MAX_SCAN_TOKEN_SIZE: usize = 64 * 1024;

/// Reading the ignore file failed; BuildKit fails the whole build
/// (`failed parsing .dockerignore: bufio.Scanner: token too long`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// A line is longer than 65 535 bytes (`bufio.ErrTooLong`).
    #[error("bufio.Scanner: token too long")]
    TokenTooLong {
        /// 1-based line number of the offending line.
        line: u32,
    },
}

/// One pattern of an ignore file, as `ReadAll` returns it, plus where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnorePattern {
    /// 1-based line number in the file.
    pub line: u32,
    /// Byte range of the line's text in the file (after a BOM on line 1,
    /// without the line terminator and its `\r`).
    pub range: Range<usize>,
    /// `true` for a `!` exception line.
    pub exception: bool,
    /// The pattern exactly as `ReadAll` returns it (with the `!` prefix for
    /// exceptions). This is what BuildKit hands to `patternmatcher.New`.
    pub pattern: Vec<u8>,
}

impl IgnorePattern {
    /// The pattern without its `!` prefix (`TrimSpace`d and `Clean`ed).
    pub fn cleaned(&self) -> &[u8] {
        if self.exception {
            &self.pattern[1..]
        } else {
            &self.pattern
        }
    }

    /// The original line text.
    pub fn line_text<'a>(&self, file: &'a [u8]) -> &'a [u8] {
        file.get(self.range.clone()).unwrap_or_default()
    }
}

/// The parsed patterns of an ignore file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreFile {
    /// Patterns in file order.
    pub patterns: Vec<IgnorePattern>,
}

impl IgnoreFile {
    /// Parses an ignore file exactly like `ignorefile.ReadAll`.
    pub fn parse(data: &[u8]) -> Result<Self, ReadError> {
        let mut patterns = Vec::new();
        let mut start = 0;
        let mut line_no: u32 = 0;
        // bufio.ScanLines: lines end at '\n'; a final line without '\n'
        // counts; no empty token after a trailing '\n'.
        while start < data.len() {
            let (end, next) = match memchr_newline(&data[start..]) {
                Some(i) => (start + i, start + i + 1),
                None => (data.len(), data.len()),
            };
            line_no = line_no.saturating_add(1);
            // The scanner's buffer is capped at 64 KiB and must hold the line
            // *and* its '\n' (or be cut by EOF before it is full): a line
            // with 65 536 or more bytes before its terminator fails.
            if end - start >= MAX_SCAN_TOKEN_SIZE {
                return Err(ReadError::TokenTooLong { line: line_no });
            }
            let mut line = start..end;
            // dropCR: one trailing '\r'.
            if data[line.clone()].last() == Some(&b'\r') {
                line.end -= 1;
            }
            if line_no == 1 && data[line.clone()].starts_with(b"\xEF\xBB\xBF") {
                line.start += 3;
            }
            start = next;

            let raw = &data[line.clone()];
            // Comments only when the *raw* line starts with '#'.
            if raw.first() == Some(&b'#') {
                continue;
            }
            let mut pattern = go::trim_space(raw);
            if pattern.is_empty() {
                continue;
            }
            let exception = pattern[0] == b'!';
            if exception {
                pattern = go::trim_space(&pattern[1..]);
            }
            let mut out = Vec::with_capacity(pattern.len() + 1);
            if exception {
                out.push(b'!');
            }
            if !pattern.is_empty() {
                let cleaned = go::clean(pattern);
                if cleaned.len() > 1 && cleaned[0] == b'/' {
                    out.extend_from_slice(&cleaned[1..]);
                } else {
                    out.extend_from_slice(&cleaned);
                }
            }
            patterns.push(IgnorePattern {
                line: line_no,
                range: line,
                exception,
                pattern: out,
            });
        }
        Ok(IgnoreFile { patterns })
    }

    /// The pattern strings, as BuildKit sends them as `ExcludePatterns`.
    pub fn pattern_strings(&self) -> impl ExactSizeIterator<Item = &[u8]> {
        self.patterns.iter().map(|p| p.pattern.as_slice())
    }
}

fn memchr_newline(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(data: &[u8]) -> Vec<String> {
        IgnoreFile::parse(data)
            .unwrap()
            .pattern_strings()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect()
    }

    /// Ported from moby/patternmatcher `ignorefile/ignorefile_test.go:TestReadAll`
    /// (commit 08a7a10cdec9, Apache-2.0).
    #[test]
    fn upstream_read_all() {
        let content = "test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! ";
        assert_eq!(
            strings(content.as_bytes()),
            [
                "test1",
                "test2",
                "a/file/here",
                "lastfile",
                "!inverted/abs/path",
                "!",
                "!"
            ]
        );
        assert!(IgnoreFile::parse(b"").unwrap().patterns.is_empty());
    }

    #[test]
    fn positions_and_bom() {
        let f = IgnoreFile::parse(b"\xEF\xBB\xBF#c\r\n  #2 \r\n\n\xEF\xBB\xBFx").unwrap();
        assert_eq!(f.patterns.len(), 2);
        assert_eq!(f.patterns[0].line, 2);
        assert_eq!(f.patterns[0].pattern, b"#2");
        assert_eq!(f.patterns[0].range, 7..12);
        // A BOM on a later line is kept.
        assert_eq!(f.patterns[1].line, 4);
        assert_eq!(f.patterns[1].pattern, "\u{feff}x".as_bytes());
    }

    #[test]
    fn lone_cr_is_not_a_separator() {
        assert_eq!(strings(b"foo\rbar\n"), ["foo\rbar"]);
        assert_eq!(strings(b"a\r\r\n"), ["a"]); // TrimSpace eats the second '\r'
    }

    #[test]
    fn token_too_long_boundary() {
        let mut ok = vec![b'x'; MAX_SCAN_TOKEN_SIZE - 1];
        ok.push(b'\n');
        assert_eq!(IgnoreFile::parse(&ok).unwrap().patterns.len(), 1);
        assert_eq!(
            IgnoreFile::parse(&ok[..ok.len() - 1])
                .unwrap()
                .patterns
                .len(),
            1
        );
        let long = vec![b'x'; MAX_SCAN_TOKEN_SIZE];
        assert_eq!(
            IgnoreFile::parse(&long),
            Err(ReadError::TokenTooLong { line: 1 })
        );
        let mut long_nl = long.clone();
        long_nl.push(b'\n');
        assert_eq!(
            IgnoreFile::parse(&long_nl),
            Err(ReadError::TokenTooLong { line: 1 })
        );
    }

    #[test]
    fn cleaning() {
        assert_eq!(
            strings(
                b"./foo\ndir1//foo\n./dir1/../foo2\n/bar\n/../foo\n../bar\n/\n.\ndocs/\n! foo \n"
            ),
            [
                "foo", "dir1/foo", "foo2", "bar", "foo", "../bar", "/", ".", "docs", "!foo"
            ]
        );
    }
}
