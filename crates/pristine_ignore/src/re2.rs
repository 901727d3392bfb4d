//! Translation of the Go (RE2) regular expression that `patternmatcher`
//! builds into an equivalent Rust `regex` pattern.
//!
//! `patternmatcher` passes `[...]` classes and `\x` escapes of the user's
//! pattern through to Go's `regexp.Compile` unchanged, so a `.dockerignore`
//! line can reach corners of RE2 syntax where Rust's `regex` differs:
//!
//! * Rust supports nested classes and set operations (`[[^/]*]`, `[a&&b]`,
//!   `[a--b]`, `[a~~b]`); in RE2 a `[` inside a class is a literal
//!   (`[*]` compiles to `^[[^/]*]$`, which must mean "class `{[,^,/}`
//!   repeated, then `]`").
//! * `\d`, `\s`, `\w`, `\b` are ASCII-only in RE2 but Unicode-aware in Rust;
//!   RE2's `\s` has no `\v`.
//! * Rust knows `\<`, `\>`, `\u`, `\U`, `\b{start}`...; RE2 knows octal
//!   escapes (`\0`, `\12`), `\Q...\E`, `\C` (rejected), and rejects any
//!   escaped ASCII letter or non-ASCII rune it does not know.
//! * `\pC` in Go is `Cc|Cf|Co|Cs` (no unassigned code points); Rust's `\p{C}`
//!   includes `Cn`.
//!
//! Rather than patching the string, this module *parses* the expression
//! with a port of the relevant parts of Go's `regexp/syntax/parse.go`
//! (Go 1.25; `Parse(s, syntax.Perl)` = `ClassNL | OneLine | PerlX |
//! UnicodeGroups`), failing exactly where Go fails, and re-emits every
//! construct in an unambiguous Rust form (literals as `\x{..}`, classes as
//! explicit ranges). The result is compiled with `regex::bytes` in Unicode
//! mode and matched against the path decoded the way Go decodes it (see
//! [`crate::go::go_lossy`]), so that `.`/`[^/]` consume exactly one rune (or
//! one invalid byte) as in Go.

use std::fmt::Write as _;

/// Go's `regexp.Compile` would reject the expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Re2Error;

type PResult<T> = Result<T, Re2Error>;

/// Translates a Go RE2 expression into Rust `regex` syntax.
pub(crate) fn translate(re: &str) -> PResult<String> {
    let mut p = Parser {
        s: re,
        pos: 0,
        depth: 0,
    };
    let out = p.alternation()?;
    if p.pos != p.s.len() {
        // An unmatched `)`.
        return Err(Re2Error);
    }
    Ok(out)
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
    depth: usize,
}

/// RE2 refuses deeper nesting than this (`maxHeight`); also protects our stack.
const MAX_DEPTH: usize = 1000;

fn push_lit(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() {
        out.push(c);
    } else {
        let _ = write!(out, "\\x{{{:X}}}", u32::from(c));
    }
}

fn push_range(out: &mut String, lo: char, hi: char) {
    let _ = write!(out, "\\x{{{:X}}}-\\x{{{:X}}}", u32::from(lo), u32::from(hi));
}

/// POSIX classes of RE2 (`regexp/syntax/perl_groups.go: posixGroup`), as
/// inclusive ASCII ranges.
fn posix_class(name: &str) -> Option<&'static [(char, char)]> {
    Some(match name {
        "alnum" => &[('0', '9'), ('A', 'Z'), ('a', 'z')],
        "alpha" => &[('A', 'Z'), ('a', 'z')],
        "ascii" => &[('\0', '\x7f')],
        "blank" => &[('\t', '\t'), (' ', ' ')],
        "cntrl" => &[('\0', '\x1f'), ('\x7f', '\x7f')],
        "digit" => &[('0', '9')],
        "graph" => &[('!', '~')],
        "lower" => &[('a', 'z')],
        "print" => &[(' ', '~')],
        "punct" => &[('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        "space" => &[('\t', '\r'), (' ', ' ')],
        "upper" => &[('A', 'Z')],
        "word" => &[('0', '9'), ('A', 'Z'), ('a', 'z'), ('_', '_')],
        "xdigit" => &[('0', '9'), ('A', 'F'), ('a', 'f')],
        _ => return None,
    })
}

/// Perl classes of RE2 (`perlGroup`): ASCII only; `\s` is `[\t\n\f\r ]`.
fn perl_class(c: u8) -> Option<(&'static [(char, char)], bool)> {
    let (ranges, negated): (&'static [(char, char)], bool) = match c {
        b'd' => (&[('0', '9')], false),
        b'D' => (&[('0', '9')], true),
        b's' => (&[('\t', '\n'), ('\x0c', '\r'), (' ', ' ')], false),
        b'S' => (&[('\t', '\n'), ('\x0c', '\r'), (' ', ' ')], true),
        b'w' => (&[('0', '9'), ('A', 'Z'), ('a', 'z'), ('_', '_')], false),
        b'W' => (&[('0', '9'), ('A', 'Z'), ('a', 'z'), ('_', '_')], true),
        _ => return None,
    };
    Some((ranges, negated))
}

/// A Rust class expression (`[...]` or `[^...]`) for a set of ranges.
fn class_of(ranges: &[(char, char)], negated: bool) -> String {
    let mut out = String::from(if negated { "[^" } else { "[" });
    for &(lo, hi) in ranges {
        push_range(&mut out, lo, hi);
    }
    out.push(']');
    out
}

/// Go's one-letter Unicode groups (`\pL`, `\PN`, ...). The brace form
/// `\p{Greek}` cannot reach the regexp because `patternmatcher` always
/// escapes `{`. Go >= 1.25 looks names up case-insensitively (TR18), so
/// `\pl` is `\pL` there. Go's `C` is `Cc|Cf|Co|Cs` (Rust's includes `Cn`;
/// `Cs` cannot occur in a decoded string).
fn unicode_class(name: char, negated: bool) -> Option<String> {
    let body = match name.to_ascii_uppercase() {
        'C' => r"\p{gc=Cc}\p{gc=Cf}\p{gc=Co}",
        'L' => r"\p{gc=L}",
        'M' => r"\p{gc=M}",
        'N' => r"\p{gc=N}",
        'P' => r"\p{gc=P}",
        'S' => r"\p{gc=S}",
        'Z' => r"\p{gc=Z}",
        _ => return None,
    };
    Some(format!("[{}{body}]", if negated { "^" } else { "" }))
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.s[self.pos..]
    }

    fn peek_byte(&self, off: usize) -> Option<u8> {
        self.s.as_bytes().get(self.pos + off).copied()
    }

    fn next_char(&mut self) -> PResult<char> {
        let c = self.rest().chars().next().ok_or(Re2Error)?;
        self.pos += c.len_utf8();
        Ok(c)
    }

    fn alternation(&mut self) -> PResult<String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Re2Error);
        }
        let mut out = self.concat()?;
        while self.peek_byte(0) == Some(b'|') {
            self.pos += 1;
            out.push('|');
            out.push_str(&self.concat()?);
        }
        self.depth -= 1;
        Ok(out)
    }

    fn concat(&mut self) -> PResult<String> {
        let mut out = String::new();
        // Whether the previous item was a repetition (RE2 rejects `a**`).
        let mut last_repeat = false;
        // The previous atom, not yet written to `out` (a repetition wraps it).
        let mut atom: Option<String> = None;
        while let Some(c) = self.peek_byte(0) {
            match c {
                b'|' | b')' => break,
                b'*' | b'+' | b'?' | b'{' => {
                    let op = if c == b'{' {
                        let Some(op) = self.parse_repeat() else {
                            // Not a valid `{n,m}`: a literal `{`.
                            self.pos += 1;
                            if let Some(a) = atom.replace(String::from(r"\x{7B}")) {
                                out.push_str(&a);
                            }
                            last_repeat = false;
                            continue;
                        };
                        op
                    } else {
                        self.pos += 1;
                        String::from(c as char)
                    };
                    if last_repeat {
                        return Err(Re2Error); // invalid nested repetition operator
                    }
                    let Some(a) = atom.take() else {
                        return Err(Re2Error); // missing argument to repetition operator
                    };
                    let lazy = if self.peek_byte(0) == Some(b'?') {
                        self.pos += 1;
                        "?"
                    } else {
                        ""
                    };
                    let _ = write!(out, "(?:{a}){op}{lazy}");
                    last_repeat = true;
                    continue;
                }
                _ => {}
            }
            last_repeat = false;
            let next = self.atom()?;
            if let Some(a) = atom.replace(next) {
                out.push_str(&a);
            }
        }
        if let Some(a) = atom {
            out.push_str(&a);
        }
        Ok(out)
    }

    /// Go's `parseRepeat`: `{n}`, `{n,}`, `{n,m}` with n, m <= 1000.
    fn parse_repeat(&mut self) -> Option<String> {
        let rest = self.rest();
        let close = rest.find('}')?;
        let body = &rest[1..close];
        let (min, max) = match body.split_once(',') {
            None => (body, Some(body)),
            Some((a, "")) => (a, None),
            Some((a, b)) => (a, Some(b)),
        };
        let num = |s: &str| -> Option<u32> {
            if s.is_empty()
                || !s.bytes().all(|b| b.is_ascii_digit())
                || (s.len() > 1 && s.starts_with('0'))
            {
                return None;
            }
            s.parse().ok()
        };
        let lo = num(min)?;
        let hi = match max {
            Some(m) => Some(num(m)?),
            None => None,
        };
        if lo > 1000 || hi.is_some_and(|h| h > 1000 || h < lo) {
            // Go reports ErrInvalidRepeatSize here; we treat it as a literal
            // `{`. Unreachable: patternmatcher escapes every `{`.
            return None;
        }
        self.pos += close + 1;
        Some(match hi {
            Some(h) if h == lo => format!("{{{lo}}}"),
            Some(h) => format!("{{{lo},{h}}}"),
            None => format!("{{{lo},}}"),
        })
    }

    fn atom(&mut self) -> PResult<String> {
        let c = self.peek_byte(0).ok_or(Re2Error)?;
        match c {
            b'(' => {
                if self.peek_byte(1) == Some(b'?') {
                    // Flag groups cannot be produced by patternmatcher
                    // (it escapes every user `(`); not supported.
                    return Err(Re2Error);
                }
                self.pos += 1;
                let inner = self.alternation()?;
                if self.peek_byte(0) != Some(b')') {
                    return Err(Re2Error); // missing closing )
                }
                self.pos += 1;
                Ok(format!("({inner})"))
            }
            b'^' => {
                self.pos += 1;
                Ok(String::from("^"))
            }
            b'$' => {
                self.pos += 1;
                Ok(String::from("$"))
            }
            b'.' => {
                self.pos += 1;
                // RE2 without DotNL: any rune but `\n` — as Rust's `.`.
                Ok(String::from("."))
            }
            b'[' => self.class(),
            b'\\' => self.escape_atom(),
            _ => {
                let ch = self.next_char()?;
                let mut out = String::new();
                push_lit(&mut out, ch);
                Ok(out)
            }
        }
    }

    fn escape_atom(&mut self) -> PResult<String> {
        if let Some(c) = self.peek_byte(1) {
            let simple = match c {
                b'A' => Some(r"\A"),
                // RE2's \b and \B are ASCII word boundaries.
                b'b' => Some(r"(?-u:\b)"),
                b'B' => Some(r"(?-u:\B)"),
                b'z' => Some(r"\z"),
                b'C' => return Err(Re2Error),
                _ => None,
            };
            if let Some(s) = simple {
                self.pos += 2;
                return Ok(String::from(s));
            }
            if c == b'Q' {
                // `\Q...\E`: literal text up to `\E` or the end.
                let body = &self.s[self.pos + 2..];
                let (lit, consumed) = match body.find(r"\E") {
                    Some(i) => (&body[..i], i + 2),
                    None => (body, body.len()),
                };
                let mut out = String::new();
                for ch in lit.chars() {
                    push_lit(&mut out, ch);
                }
                self.pos += 2 + consumed;
                // An empty `\Q\E` is an empty concatenation.
                return Ok(if out.is_empty() {
                    String::from("(?:)")
                } else {
                    format!("(?:{out})")
                });
            }
            if c == b'p' || c == b'P' {
                return self.unicode_class_escape();
            }
            if let Some((ranges, negated)) = perl_class(c) {
                self.pos += 2;
                return Ok(class_of(ranges, negated));
            }
        }
        let ch = self.parse_escape()?;
        let mut out = String::new();
        push_lit(&mut out, ch);
        Ok(out)
    }

    /// `\pX` / `\PX` at `pos`; returns the Rust class.
    fn unicode_class_escape(&mut self) -> PResult<String> {
        let negated = self.peek_byte(1) == Some(b'P');
        self.pos += 2;
        let name = self.rest().chars().next();
        match name {
            // `{...}` names cannot reach us (patternmatcher escapes `{`,
            // so Go sees `\p\{`, an unknown one-letter name `\`).
            Some(n) => {
                self.pos += n.len_utf8();
                unicode_class(n, negated).ok_or(Re2Error)
            }
            None => Err(Re2Error),
        }
    }

    /// Go's `parseEscape`: a single-rune escape at `pos` (which is `\`).
    fn parse_escape(&mut self) -> PResult<char> {
        self.pos += 1;
        let c = self.next_char()?; // trailing backslash -> error
        match c {
            '1'..='7' if !matches!(self.peek_byte(0), Some(b'0'..=b'7')) => Err(Re2Error), // backreference
            '0'..='7' => {
                let mut r = u32::from(c) - u32::from('0');
                for _ in 1..3 {
                    match self.peek_byte(0) {
                        Some(d @ b'0'..=b'7') => {
                            r = r * 8 + u32::from(d - b'0');
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                char::from_u32(r).ok_or(Re2Error)
            }
            'x' => {
                let c1 = self.next_char()?;
                if c1 == '{' {
                    let mut r: u32 = 0;
                    let mut n = 0;
                    loop {
                        let d = self.next_char()?;
                        if d == '}' {
                            break;
                        }
                        r = r * 16 + d.to_digit(16).ok_or(Re2Error)?;
                        if r > 0x10_FFFF {
                            return Err(Re2Error);
                        }
                        n += 1;
                    }
                    if n == 0 {
                        return Err(Re2Error);
                    }
                    return char::from_u32(r).ok_or(Re2Error);
                }
                let c2 = self.next_char()?;
                match (c1.to_digit(16), c2.to_digit(16)) {
                    (Some(x), Some(y)) => char::from_u32(x * 16 + y).ok_or(Re2Error),
                    _ => Err(Re2Error),
                }
            }
            'a' => Ok('\x07'),
            'f' => Ok('\x0c'),
            'n' => Ok('\n'),
            'r' => Ok('\r'),
            't' => Ok('\t'),
            'v' => Ok('\x0b'),
            // Escaped ASCII punctuation (incl. `_`, space, controls) is literal.
            c if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok(c),
            _ => Err(Re2Error),
        }
    }

    /// Go's `parseClass`, emitting a Rust class with explicit ranges.
    fn class(&mut self) -> PResult<String> {
        self.pos += 1; // [
        let mut out = String::from("[");
        if self.peek_byte(0) == Some(b'^') {
            self.pos += 1;
            out.push('^');
        }
        let mut first = true;
        loop {
            match self.peek_byte(0) {
                Some(b']') if !first => break,
                None => return Err(Re2Error), // missing closing ]
                _ => {}
            }
            first = false;
            let rest = self.rest();
            // POSIX [:alnum:] etc. Go searches for ":]" in the whole rest.
            if rest.len() > 2
                && rest.starts_with("[:")
                && let Some(i) = rest[2..].find(":]")
            {
                {
                    let name = &rest[2..2 + i];
                    let (neg, name) = match name.strip_prefix('^') {
                        Some(n) => (true, n),
                        None => (false, name),
                    };
                    let ranges = posix_class(name).ok_or(Re2Error)?;
                    out.push_str(&class_of(ranges, neg));
                    self.pos += 2 + i + 2;
                    continue;
                }
            }
            if rest.starts_with("\\p") || rest.starts_with("\\P") {
                out.push_str(&self.unicode_class_escape()?);
                continue;
            }
            if rest.starts_with('\\')
                && let Some((ranges, negated)) = rest.as_bytes().get(1).and_then(|&c| perl_class(c))
            {
                self.pos += 2;
                out.push_str(&class_of(ranges, negated));
                continue;
            }
            let lo = self.class_char()?;
            let mut hi = lo;
            if self.peek_byte(0) == Some(b'-') && self.peek_byte(1).is_some_and(|c| c != b']') {
                self.pos += 1;
                hi = self.class_char()?;
                if hi < lo {
                    return Err(Re2Error); // invalid character class range
                }
            }
            push_range(&mut out, lo, hi);
        }
        self.pos += 1; // ]
        out.push(']');
        Ok(out)
    }

    fn class_char(&mut self) -> PResult<char> {
        match self.peek_byte(0) {
            None => Err(Re2Error),
            Some(b'\\') => self.parse_escape(),
            Some(_) => self.next_char(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_match(go_re: &str, hay: &str) -> bool {
        let rust = translate(go_re).unwrap_or_else(|_| panic!("{go_re} should translate"));
        regex::bytes::Regex::new(&rust)
            .unwrap()
            .is_match(hay.as_bytes())
    }

    #[test]
    fn class_containing_bracket_is_literal() {
        // `[*]` -> `^[[^/]*]$`: class {[,^,/} repeated, then `]`.
        assert!(is_match(r"^[[^/]*]$", "]"));
        assert!(is_match(r"^[[^/]*]$", "[]"));
        assert!(is_match(r"^[[^/]*]$", "//^]"));
        assert!(!is_match(r"^[[^/]*]$", "*"));
    }

    #[test]
    fn perl_classes_are_ascii() {
        assert!(is_match(r"^\d$", "7"));
        assert!(!is_match(r"^\d$", "٣"));
        assert!(!is_match(r"^\s$", "\x0b"));
        assert!(is_match(r"^\s$", "\x0c"));
        assert!(is_match(r"^a\bé$", "aé"));
        assert!(!is_match(r"^a\Bé$", "aé"));
    }

    #[test]
    fn posix_and_unicode() {
        assert!(is_match(r"^[[:digit:]]x$", "1x"));
        assert!(is_match(r"^[[:^digit:]]$", "a"));
        assert!(translate(r"^[[:foo:]]$").is_err());
        assert!(is_match(r"^\pL$", "é"));
        assert!(!is_match(r"^\pC$", "\u{378}")); // unassigned: not in Go's C
        assert!(translate(r"^\p\{Greek\}$").is_err());
    }

    #[test]
    fn escapes() {
        assert!(is_match(r"^\<$", "<"));
        assert!(is_match(r"^\0$", "\0"));
        assert!(is_match(r"^\101$", "A"));
        assert!(is_match(r"^\x41$", "A"));
        assert!(is_match(r"^\Qa\.b$", "a\\.b$ and more"));
        for bad in [
            r"\m", r"\L", r"\u0041", r"\8", r"\1", r"\é", r"[\b]", r"\C", r"[z-a]", r"[", "a**",
        ] {
            assert!(translate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn set_operators_are_literal() {
        assert!(is_match(r"^[a&&b]$", "&"));
        assert!(is_match(r"^[+--]$", ","));
        assert!(translate(r"^[a--b]$").is_err()); // range a..'-' is reversed in RE2
        assert!(is_match(r"^[~~]$", "~"));
    }
}
