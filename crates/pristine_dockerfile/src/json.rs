//! The JSON-array check of BuildKit's `parseJSON` (`frontend/dockerfile/parser/line_parsers.go`):
//!
//! ```go
//! var myJSON []interface{}
//! if err := json.NewDecoder(strings.NewReader(rest)).Decode(&myJSON); err != nil { ... }
//! ```
//!
//! A hand-written scanner instead of `serde_json` so that the corner cases match Go's
//! `encoding/json` (Go 1.22):
//! * `Decoder.Decode` reads only the first value: text after the closing `]` is ignored.
//! * Nesting deeper than 10000 (`maxNestingDepth`) is a syntax error, not a recursion limit.
//! * A number that overflows `float64` makes `Decode` fail (`UnmarshalTypeError`), so the line
//!   falls back to the shell form instead of reporting "arrays must be comprised of strings".
//! * `\u` escapes: valid surrogate pairs are combined, a lone surrogate becomes U+FFFD.

/// Outcome of decoding the start of an argument as a JSON array.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum JsonArray {
    /// `[ "a", "b" ]`: each decoded string with the byte range of its token (quotes included).
    Strings(Vec<(String, usize, usize)>),
    /// A well-formed array with a non-string element: BuildKit's
    /// `errDockerfileNotStringArray`, which fails the parse.
    NotStrings,
    /// Anything `Decode` rejects: BuildKit silently falls back to the non-JSON form.
    Invalid,
}

const MAX_NESTING_DEPTH: usize = 10_000;

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Set when a number does not fit a float64 (Go saves the error and continues).
    overflow: bool,
}

#[derive(Clone, Copy)]
enum Container {
    Array,
    Object,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek() == Some(b)).then(|| self.pos += 1)
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.pos.checked_add(word.len())?;
        (self.bytes.get(self.pos..end)? == word).then(|| self.pos = end)
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.bytes.get(self.pos..self.pos + 4)?;
        let mut v = 0u32;
        for &d in digits {
            v = v * 16 + char::from(d).to_digit(16)?;
        }
        self.pos += 4;
        Some(v)
    }

    /// A JSON string starting at `"`; returns the decoded value.
    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = Vec::new();
        loop {
            let b = self.peek()?;
            match b {
                b'"' => {
                    self.pos += 1;
                    // The input is a &str and escapes produce valid UTF-8.
                    return String::from_utf8(out).ok();
                }
                b'\\' => {
                    self.pos += 1;
                    let e = self.peek()?;
                    self.pos += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                0..=0x1F => return None,
                _ => {
                    out.push(b);
                    self.pos += 1;
                }
            }
        }
    }

    /// After `\u`: Go's `unquote` surrogate handling.
    fn unicode_escape(&mut self) -> Option<char> {
        let r = self.hex4()?;
        if (0xD800..0xE000).contains(&r) {
            // Try to combine with a following `\uXXXX` low surrogate.
            let save = self.pos;
            if self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u") {
                self.pos += 2;
                if let Some(r2) = self.hex4()
                    && (0xD800..0xDC00).contains(&r)
                    && (0xDC00..0xE000).contains(&r2)
                {
                    let c = 0x1_0000 + ((r - 0xD800) << 10) + (r2 - 0xDC00);
                    return char::from_u32(c);
                }
            }
            self.pos = save;
            return Some('\u{FFFD}');
        }
        char::from_u32(r)
    }

    fn number(&mut self) -> Option<()> {
        let start = self.pos;
        self.eat(b'-');
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => {
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.pos += 1;
                }
            }
            _ => return None,
        }
        if self.eat(b'.').is_some() {
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return None;
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return None;
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        let text = std::str::from_utf8(self.bytes.get(start..self.pos)?).ok()?;
        if text.parse::<f64>().map_or(true, f64::is_infinite) {
            self.overflow = true;
        }
        Some(())
    }

    /// Scans one complete value iteratively (no recursion, so deep nesting cannot overflow the
    /// stack). `depth` is the nesting depth of the enclosing containers.
    fn value(&mut self, depth: usize) -> Option<()> {
        let mut stack: Vec<Container> = Vec::new();
        'value: loop {
            self.skip_ws();
            match self.peek()? {
                b'[' => {
                    self.pos += 1;
                    stack.push(Container::Array);
                    if depth + stack.len() > MAX_NESTING_DEPTH {
                        return None;
                    }
                    self.skip_ws();
                    if self.eat(b']').is_some() {
                        stack.pop();
                    } else {
                        continue 'value;
                    }
                }
                b'{' => {
                    self.pos += 1;
                    stack.push(Container::Object);
                    if depth + stack.len() > MAX_NESTING_DEPTH {
                        return None;
                    }
                    self.skip_ws();
                    if self.eat(b'}').is_some() {
                        stack.pop();
                    } else {
                        self.string()?;
                        self.skip_ws();
                        self.eat(b':')?;
                        continue 'value;
                    }
                }
                b'"' => {
                    self.string()?;
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                b'-' | b'0'..=b'9' => self.number()?,
                _ => return None,
            }
            // A value just ended: close containers or move to the next element.
            loop {
                let Some(&top) = stack.last() else {
                    return Some(());
                };
                self.skip_ws();
                match (top, self.peek()?) {
                    (Container::Array, b',') => {
                        self.pos += 1;
                        continue 'value;
                    }
                    (Container::Object, b',') => {
                        self.pos += 1;
                        self.skip_ws();
                        self.string()?;
                        self.skip_ws();
                        self.eat(b':')?;
                        continue 'value;
                    }
                    (Container::Array, b']') | (Container::Object, b'}') => {
                        self.pos += 1;
                        stack.pop();
                    }
                    _ => return None,
                }
            }
        }
    }
}

/// Decodes `s` (which must start with `[`) as Go's `Decoder.Decode(&[]interface{})` would.
pub(crate) fn parse_json_array(s: &str) -> JsonArray {
    let mut sc = Scanner {
        bytes: s.as_bytes(),
        pos: 0,
        overflow: false,
    };
    match scan_array(&mut sc) {
        Some(_) if sc.overflow => JsonArray::Invalid,
        Some(Some(items)) => JsonArray::Strings(items),
        Some(None) => JsonArray::NotStrings,
        None => JsonArray::Invalid,
    }
}

/// `None`: syntax error. `Some(None)`: valid, but some element is not a string.
#[allow(clippy::option_option)]
fn scan_array(sc: &mut Scanner<'_>) -> Option<Option<Vec<(String, usize, usize)>>> {
    sc.eat(b'[')?;
    let mut items = Some(Vec::new());
    sc.skip_ws();
    if sc.eat(b']').is_some() {
        return Some(items);
    }
    loop {
        sc.skip_ws();
        if sc.peek()? == b'"' {
            let start = sc.pos;
            let value = sc.string()?;
            if let Some(items) = items.as_mut() {
                items.push((value, start, sc.pos));
            }
        } else {
            sc.value(1)?;
            items = None;
        }
        sc.skip_ws();
        match sc.peek()? {
            b',' => sc.pos += 1,
            b']' => return Some(items),
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(s: &str) -> Vec<String> {
        match parse_json_array(s) {
            JsonArray::Strings(v) => v.into_iter().map(|(s, _, _)| s).collect(),
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn decodes_like_go() {
        assert_eq!(strings(r#"["a", "b"]"#), ["a", "b"]);
        assert_eq!(strings("[]"), Vec::<String>::new());
        assert_eq!(strings(r#"[ "\/usr\\\"" ] trailing junk"#), ["/usr\\\""]);
        assert_eq!(
            strings(r#"["\u0000\ud83d\ude00\ud800x"]"#),
            ["\0😀\u{fffd}x"]
        );
        assert_eq!(parse_json_array(r#"["a", ["b"]]"#), JsonArray::NotStrings);
        assert_eq!(parse_json_array("[1]"), JsonArray::NotStrings);
        assert_eq!(parse_json_array("[1e400]"), JsonArray::Invalid);
        assert_eq!(parse_json_array("['a']"), JsonArray::Invalid);
        assert_eq!(parse_json_array(r#"["a""#), JsonArray::Invalid);
        assert_eq!(parse_json_array("[\"a\nb\"]"), JsonArray::Invalid);
        let deep = format!("[{}{}]", "[".repeat(9_998), "]".repeat(9_998));
        assert_eq!(parse_json_array(&deep), JsonArray::NotStrings);
        let too_deep = format!("[{}{}]", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(parse_json_array(&too_deep), JsonArray::Invalid);
    }
}
