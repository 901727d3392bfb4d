//! Small ports of Go standard-library behaviour that BuildKit's parser relies on.
//!
//! Each helper documents the Go function it reproduces. They work on `&str` and return byte
//! ranges, so callers can keep source spans.

/// `unicode.IsSpace` (identical to the Unicode `White_Space` property, which is what
/// [`char::is_whitespace`] implements).
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// `unicode.IsSpace(rune(b))` for a single byte, as BuildKit's byte-wise loops
/// (`extractBuilderFlags`, `parseHealthConfig`) do: bytes 0x85 and 0xA0 count as spaces even
/// though they are UTF-8 continuation bytes.
pub(crate) fn is_space_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' | 0x85 | 0xA0)
}

/// One byte of the `[\t\v\f\r ]` class (`reWhitespace` in `parser.go`).
pub(crate) fn is_re_whitespace(b: u8) -> bool {
    matches!(b, b'\t' | 0x0B | 0x0C | b'\r' | b' ')
}

/// `strings.TrimSpace`, returning the kept byte range of `s`.
pub(crate) fn trim_space_range(s: &str) -> (usize, usize) {
    let start = s.len() - s.trim_start_matches(is_space).len();
    let end = s.trim_end_matches(is_space).len().max(start);
    (start, end)
}

/// `strings.TrimSpace`.
pub(crate) fn trim_space(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// `regexp.MustCompile("[\t\v\f\r ]+").Split(s, n)` as byte ranges of `s`.
///
/// Reproduces `Regexp.Split` exactly, including its quirks: a leading separator yields an empty
/// first element and a trailing separator an empty last element.
pub(crate) fn re_whitespace_split(s: &str, n: isize) -> Vec<(usize, usize)> {
    if n == 0 {
        return Vec::new();
    }
    if s.is_empty() {
        return vec![(0, 0)];
    }
    // FindAllStringIndex(s, n): maximal runs of separator bytes.
    let bytes = s.as_bytes();
    let mut matches = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if n > 0 && matches.len() >= n.unsigned_abs() {
            break;
        }
        if bytes.get(i).copied().is_some_and(is_re_whitespace) {
            let start = i;
            while bytes.get(i).copied().is_some_and(is_re_whitespace) {
                i += 1;
            }
            matches.push((start, i));
        } else {
            i += 1;
        }
    }
    let mut out = Vec::with_capacity(matches.len() + 1);
    let mut beg = 0;
    let mut end = 0;
    for (m_start, m_end) in matches {
        if n > 0 && out.len() == n.unsigned_abs() - 1 {
            break;
        }
        end = m_start;
        if m_end != 0 {
            out.push((beg, end));
        }
        beg = m_end;
    }
    if end != s.len() {
        out.push((beg, s.len()));
    }
    out
}

/// `unicode.ToLower` on one rune (simple case mapping).
pub(crate) fn lower_char(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        // Only U+0130 has a multi-char full mapping; its simple mapping is the first char.
        (Some(l), _) => l,
        (None, _) => c,
    }
}

/// `unicode.ToUpper` on one rune (simple case mapping).
pub(crate) fn upper_char(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        // Multi-char full mappings (ß → SS, ligatures) have no simple mapping in Go.
        _ => c,
    }
}

/// `strings.ToLower`.
pub(crate) fn to_lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.chars().map(lower_char).collect()
}

/// `strings.ToUpper`.
pub(crate) fn to_upper(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_uppercase();
    }
    s.chars().map(upper_char).collect()
}

/// `strings.EqualFold` (simple case folding, so `ſ` equals `s` and `K` (Kelvin) equals `k`).
pub(crate) fn equal_fold(a: &str, b: &str) -> bool {
    let mut ai = a.chars();
    let mut bi = b.chars();
    loop {
        match (ai.next(), bi.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) => {
                if x != y && lower_char(x) != lower_char(y) && upper_char(x) != upper_char(y) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// The smallest char boundary of `s` that is `>= i`.
pub(crate) fn ceil_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str, n: isize) -> Vec<&str> {
        re_whitespace_split(s, n)
            .into_iter()
            .map(|(a, b)| &s[a..b])
            .collect()
    }

    #[test]
    fn regexp_split_matches_go() {
        assert_eq!(split("a b  c", -1), ["a", "b", "c"]);
        assert_eq!(split("a b  c", 2), ["a", "b  c"]);
        assert_eq!(split("", 2), [""]);
        assert_eq!(split(" a", -1), ["", "a"]);
        assert_eq!(split("a ", -1), ["a", ""]);
        assert_eq!(split("abc", 2), ["abc"]);
        assert_eq!(split("a\u{a0}b", -1), ["a\u{a0}b"]);
    }

    #[test]
    fn case_helpers() {
        assert_eq!(to_lower("FROM"), "from");
        assert_eq!(to_lower("İ"), "i");
        assert_eq!(to_upper("ß"), "ß");
        assert!(equal_fold("AS", "as"));
        assert!(equal_fold("aſ", "as"));
        assert!(!equal_fold("ax", "as"));
    }
}
