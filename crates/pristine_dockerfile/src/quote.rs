//! Go's `strconv.Quote` and `fmt.Sprintf("%q", []string)`, used by [`crate::Dockerfile::dump`].
//!
//! Port of `strconv/quote.go` (`appendQuotedWith`, `appendEscapedRune`) and of `strconv.IsPrint`
//! (Go 1.22). BuildKit's `Node.Dump` (`frontend/dockerfile/parser/parser.go`) quotes every
//! argument with `strconv.Quote` and the flag list with `%q`, so the `result` fixtures depend on
//! these exact escapes.

use crate::unicode_tables::PRINTABLE;

/// `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and U+0020.
pub(crate) fn is_print(c: char) -> bool {
    let cp = u32::from(c);
    if cp < 0xA0 {
        return (0x20..0x7F).contains(&cp);
    }
    let table = PRINTABLE;
    // Binary search for the last range starting at or before `cp`.
    let idx = table.partition_point(|&(start, _)| start <= cp);
    idx.checked_sub(1)
        .and_then(|i| table.get(i))
        .is_some_and(|&(_, end)| cp <= end)
}

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";

fn push_hex(out: &mut String, value: u32, digits: u32) {
    for shift in (0..digits).rev() {
        let nibble = (value >> (shift * 4)) & 0xF;
        out.push(char::from(LOWER_HEX[nibble as usize]));
    }
}

/// Appends `c` escaped as `strconv.appendEscapedRune` does for `quote == '"'`.
fn push_escaped(out: &mut String, c: char) {
    if c == '"' || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if is_print(c) {
        out.push(c);
        return;
    }
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        _ => {
            let cp = u32::from(c);
            if cp < 0x20 || cp == 0x7F {
                out.push_str("\\x");
                push_hex(out, cp, 2);
            } else if cp < 0x1_0000 {
                out.push_str("\\u");
                push_hex(out, cp, 4);
            } else {
                out.push_str("\\U");
                push_hex(out, cp, 8);
            }
        }
    }
}

/// `strconv.Quote(s)`: a double-quoted Go string literal. Printable Unicode is kept as is.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    go_quote_into(&mut out, s);
    out
}

/// Like [`go_quote`], appending to `out`.
pub(crate) fn go_quote_into(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        push_escaped(out, c);
    }
    out.push('"');
}

/// `fmt.Sprintf("%q", []string{...})`: `["a" "b"]`.
pub fn go_quote_list<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        go_quote_into(&mut out, item.as_ref());
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote("abc"), r#""abc""#);
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            go_quote("\n\t\r\u{7}\u{8}\u{c}\u{b}"),
            r#""\n\t\r\a\b\f\v""#
        );
        assert_eq!(go_quote("\0\u{1f}\u{7f}"), r#""\x00\x1f\x7f""#);
        assert_eq!(go_quote("한국어 àöû"), "\"한국어 àöû\"");
        assert_eq!(
            go_quote("\u{a0}\u{feff}\u{200b}"),
            r#""\u00a0\ufeff\u200b""#
        );
        assert_eq!(go_quote("\u{e000}"), r#""\ue000""#);
        assert_eq!(go_quote("\u{10ffff}"), r#""\U0010ffff""#);
        assert_eq!(go_quote("😀"), "\"😀\"");
        assert_eq!(
            go_quote("a\"b\\c\n\u{7f}\u{a0}é😀\u{1}"),
            "\"a\\\"b\\\\c\\n\\x7f\\u00a0é😀\\x01\""
        );
        // Unicode 15.0 (Go 1.21+): CJK Extension H is printable; 15.1's Extension I is not yet.
        assert_eq!(go_quote("\u{31350}"), "\"\u{31350}\"");
        assert_eq!(go_quote("\u{2ebf0}"), r#""\U0002ebf0""#);
        assert_eq!(go_quote_list(&["--a=1", "--b"]), r#"["--a=1" "--b"]"#);
    }
}
