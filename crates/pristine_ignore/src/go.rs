//! Byte-exact ports of the few Go standard-library functions that Docker's
//! `.dockerignore` handling depends on.
//!
//! Go strings are byte strings that *usually* hold UTF-8; every function here
//! therefore works on `&[u8]` and decodes runes the way Go does (an invalid
//! byte decodes as U+FFFD with width 1), so that non-UTF-8 file names and
//! patterns behave exactly as they do in BuildKit.

use std::borrow::Cow;

/// Go's `utf8.RuneError`.
const RUNE_ERROR: u32 = 0xFFFD;

/// Go's `utf8.DecodeRune`: the first rune of `b` and its width.
///
/// Invalid UTF-8 yields `(U+FFFD, 1)`; an empty input yields `(U+FFFD, 0)`.
pub(crate) fn decode_rune(b: &[u8]) -> (u32, usize) {
    let Some(&first) = b.first() else {
        return (RUNE_ERROR, 0);
    };
    if first < 0x80 {
        return (u32::from(first), 1);
    }
    let width = match first {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return (RUNE_ERROR, 1),
    };
    // `from_utf8` applies exactly Go's validity rules (no overlongs, no
    // surrogates, nothing above U+10FFFF).
    match b.get(..width).map(std::str::from_utf8) {
        Some(Ok(s)) => (s.chars().next().map_or(RUNE_ERROR, u32::from), width),
        _ => (RUNE_ERROR, 1),
    }
}

/// Converts bytes to a string the way Go's regexp engine *sees* them: every
/// byte that is not part of a valid UTF-8 sequence becomes one U+FFFD.
///
/// (`String::from_utf8_lossy` differs: it replaces a maximal invalid
/// subsequence such as a truncated 3-byte sequence by a *single* U+FFFD,
/// while Go decodes `E2 82` as two `RuneError`s.)
pub fn go_lossy(b: &[u8]) -> Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(b) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(b.len() + 8);
    let mut rest = b;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let valid = e.valid_up_to();
                // SAFETY-free: `valid_up_to` bytes are valid UTF-8 by contract.
                out.push_str(std::str::from_utf8(&rest[..valid]).unwrap_or_default());
                out.push('\u{FFFD}');
                rest = &rest[valid + 1..];
            }
        }
    }
    Cow::Owned(out)
}

/// Go's `unicode.IsSpace` (the White_Space property; *not* U+FEFF).
fn is_go_space(r: u32) -> bool {
    matches!(
        r,
        0x09..=0x0D | 0x20 | 0x85 | 0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000
    )
}

/// Width of the space rune that `b` starts with, if any.
fn leading_space(b: &[u8]) -> Option<usize> {
    let (r, w) = decode_rune(b);
    (w > 0 && r != RUNE_ERROR && is_go_space(r)).then_some(w)
}

/// Width of the space rune that `b` ends with, if any (Go's
/// `utf8.DecodeLastRune` finds a space rune exactly when the bytes end with
/// its complete encoding, because no space rune is longer than 3 bytes and
/// the backwards scan stops at the rune's lead byte).
fn trailing_space(b: &[u8]) -> Option<usize> {
    (1..=3.min(b.len())).find(|&w| {
        let tail = &b[b.len() - w..];
        let (r, rw) = decode_rune(tail);
        rw == w && r != RUNE_ERROR && is_go_space(r)
    })
}

/// Go's `strings.TrimSpace`.
pub fn trim_space(mut b: &[u8]) -> &[u8] {
    while let Some(w) = leading_space(b) {
        b = &b[w..];
    }
    while let Some(w) = trailing_space(b) {
        b = &b[..b.len() - w];
    }
    b
}

/// Go's `path/filepath.Clean` on Unix (purely lexical).
///
/// Port of `path/filepath/path.go: Clean` (Go 1.22+, unchanged in substance
/// since Go 1.0): collapse `//`, drop `.` elements, resolve `..` lexically,
/// drop `..` above a rooted path, drop a trailing `/`, `""` becomes `"."`.
pub fn clean(path: &[u8]) -> Vec<u8> {
    if path.is_empty() {
        return b".".to_vec();
    }
    let rooted = path[0] == b'/';
    let n = path.len();
    let mut out: Vec<u8> = Vec::with_capacity(n);
    let (mut r, mut dotdot) = (0, 0);
    if rooted {
        out.push(b'/');
        r = 1;
        dotdot = 1;
    }
    while r < n {
        if path[r] == b'/' || (path[r] == b'.' && (r + 1 == n || path[r + 1] == b'/')) {
            // Empty or `.` element.
            r += 1;
        } else if path[r] == b'.'
            && path.get(r + 1) == Some(&b'.')
            && (r + 2 == n || path[r + 2] == b'/')
        {
            r += 2;
            if out.len() > dotdot {
                // Go: `out.w--; for out.w > dotdot && !IsPathSeparator(out.index(out.w)) { out.w-- }`
                // tests the byte just dropped, so the separator before the element goes too.
                let mut dropped = out.pop();
                while out.len() > dotdot && dropped != Some(b'/') {
                    dropped = out.pop();
                }
            } else if !rooted {
                if !out.is_empty() {
                    out.push(b'/');
                }
                out.extend_from_slice(b"..");
                dotdot = out.len();
            }
        } else {
            if (rooted && out.len() != 1) || (!rooted && !out.is_empty()) {
                out.push(b'/');
            }
            while r < n && path[r] != b'/' {
                out.push(path[r]);
                r += 1;
            }
        }
    }
    if out.is_empty() {
        out.push(b'.');
    }
    out
}

/// Go's `path/filepath.Dir` on Unix.
pub fn dir(path: &[u8]) -> Vec<u8> {
    let cut = path.iter().rposition(|&c| c == b'/').map_or(0, |i| i + 1);
    clean(&path[..cut])
}

/// Go's `filepath.ErrBadPattern`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadPattern;

/// Go (>= 1.16) `path/filepath.Match` on Unix. `patternmatcher.New` calls it
/// as `filepath.Match(p, ".")` purely for its syntax check, which since Go
/// 1.16 covers the whole pattern.
pub(crate) fn filepath_match(mut pattern: &[u8], mut name: &[u8]) -> Result<bool, BadPattern> {
    'pattern: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            // Trailing * matches rest of string unless it has a /.
            return Ok(!name.contains(&b'/'));
        }
        let (t, ok, err) = match_chunk(chunk, name);
        if ok && (t.is_empty() || !pattern.is_empty()) {
            name = t;
            continue;
        }
        if err {
            return Err(BadPattern);
        }
        if star {
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                let (t, ok, err) = match_chunk(chunk, &name[i + 1..]);
                if ok {
                    if pattern.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'pattern;
                }
                if err {
                    return Err(BadPattern);
                }
                i += 1;
            }
        }
        // Before returning false with no error, check that the remainder of
        // the pattern is syntactically valid.
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            if match_chunk(chunk, b"").2 {
                return Err(BadPattern);
            }
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

fn scan_chunk(mut pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut star = false;
    while pattern.first() == Some(&b'*') {
        pattern = &pattern[1..];
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            // error check handled in match_chunk: bad pattern.
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

/// Returns `(rest, ok, err)`.
fn match_chunk<'a>(mut chunk: &[u8], mut s: &'a [u8]) -> (&'a [u8], bool, bool) {
    let mut failed = false;
    while let Some(&c) = chunk.first() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match c {
            b'[' => {
                let mut r = 0;
                if !failed {
                    let (rr, n) = decode_rune(s);
                    r = rr;
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let mut negated = false;
                if chunk.first() == Some(&b'^') {
                    negated = true;
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    if chunk.first() == Some(&b']') && nrange > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let Ok((lo, rest)) = get_esc(chunk) else {
                        return (b"", false, true);
                    };
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.first() == Some(&b'-') {
                        let Ok((h, rest)) = get_esc(&chunk[1..]) else {
                            return (b"", false, true);
                        };
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    nrange += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            b'?' => {
                if !failed {
                    if s[0] == b'/' {
                        failed = true;
                    }
                    let (_, n) = decode_rune(s);
                    s = &s[n..];
                }
                chunk = &chunk[1..];
            }
            _ => {
                if c == b'\\' {
                    chunk = &chunk[1..];
                    if chunk.is_empty() {
                        return (b"", false, true);
                    }
                }
                if !failed {
                    if chunk[0] != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    if failed {
        (b"", false, false)
    } else {
        (s, true, false)
    }
}

fn get_esc(mut chunk: &[u8]) -> Result<(u32, &[u8]), BadPattern> {
    if chunk.is_empty() || chunk[0] == b'-' || chunk[0] == b']' {
        return Err(BadPattern);
    }
    if chunk[0] == b'\\' {
        chunk = &chunk[1..];
        if chunk.is_empty() {
            return Err(BadPattern);
        }
    }
    let (r, n) = decode_rune(chunk);
    if r == RUNE_ERROR && n == 1 {
        return Err(BadPattern);
    }
    let rest = &chunk[n..];
    if rest.is_empty() {
        return Err(BadPattern);
    }
    Ok((r, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_examples() {
        // Examples from docker-semantics.md §1.2 and Go's path_test.go.
        for (input, want) in [
            ("./foo", "foo"),
            ("dir1//foo", "dir1/foo"),
            ("./dir1/../foo2", "foo2"),
            ("/bar", "/bar"),
            ("/../foo", "/foo"),
            ("../bar", "../bar"),
            ("/", "/"),
            (".", "."),
            ("./", "."),
            ("docs/", "docs"),
            ("", "."),
            ("abc/../../..", "../.."),
            ("/abc/../../..", "/"),
            ("a/b/../../c/./d/", "c/d"),
            ("!foo/../bar", "bar"),
        ] {
            assert_eq!(clean(input.as_bytes()), want.as_bytes(), "{input}");
        }
    }

    #[test]
    fn clean_dotdot_after_two_elements_found_by_fuzzing() {
        // fuzz target dockerignore_match: the `..` dropped the element but kept its `/`
        // (`a/a//..` became `a/`, `src/build/../dist` became `src//dist`). Expected values
        // from Go's path_test.go cleantests and Go's rule.
        for (input, want) in [
            ("a/a//..", "a"),
            ("src/build/../dist", "src/dist"),
            ("abc/def/..", "abc"),
            ("abc/def/../ghi/../jkl", "abc/jkl"),
            ("/abc/def/..", "/abc"),
            ("../abc/def/..", "../abc"),
        ] {
            assert_eq!(clean(input.as_bytes()), want.as_bytes(), "{input}");
        }
    }

    #[test]
    fn trim_space_go_set() {
        assert_eq!(
            trim_space(" \t\u{85}\u{a0}x\u{3000}\u{2028} ".as_bytes()),
            b"x"
        );
        assert_eq!(trim_space("\u{feff}x".as_bytes()), "\u{feff}x".as_bytes());
        assert_eq!(trim_space(b"\xffx \xff "), b"\xffx \xff");
        assert_eq!(trim_space(b"   "), b"");
    }

    #[test]
    fn lossy_per_byte() {
        assert_eq!(go_lossy(b"a\xe2\x82b"), "a\u{fffd}\u{fffd}b");
        assert_eq!(go_lossy(b"\xed\xa0\x80"), "\u{fffd}\u{fffd}\u{fffd}");
        assert_eq!(go_lossy("é".as_bytes()), "é");
    }

    #[test]
    fn match_syntax() {
        for bad in [
            "[", "[]", "[^", "a[", "[-]", "[x-]", "[-x]", "\\", "[a-b-c]", "a\\", "[\\",
        ] {
            assert_eq!(
                filepath_match(bad.as_bytes(), b"."),
                Err(BadPattern),
                "{bad}"
            );
        }
        for good in ["*", "[z-a]", "a*b", "[!c]", "[\\]a]", "**", "[*]", "a\\*b"] {
            assert!(filepath_match(good.as_bytes(), b".").is_ok(), "{good}");
        }
        assert_eq!(filepath_match(b"[\xff]", b"."), Err(BadPattern));
    }
}
