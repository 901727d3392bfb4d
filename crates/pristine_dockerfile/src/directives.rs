//! Parser directives (`# syntax=`, `# escape=`, `# check=`): a port of
//! `frontend/dockerfile/parser/directives.go` (moby/buildkit, reference snapshot 73ed6825c4b7).

use text_size::TextRange;

/// A parser directive found at the top of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased name: `syntax`, `escape` or `check`.
    pub name: String,
    /// The value, trimmed (`(.+?)\s*$`).
    pub value: String,
    /// The whole directive line (without its line ending).
    pub range: TextRange,
    /// 1-based line.
    pub line: u32,
}

const VALID_DIRECTIVES: [&str; 3] = ["syntax", "escape", "check"];

/// Go's `\s` in RE2: `[\t\n\f\r ]`.
fn is_re_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{c}' | '\r' | ' ')
}

/// Matches `^<comment>\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`, returning `(name, value)`.
pub(crate) fn match_directive<'a>(line: &'a str, comment: &str) -> Option<(&'a str, &'a str)> {
    let rest = line.strip_prefix(comment)?;
    let rest = rest.trim_start_matches(is_re_space);
    let name_len = rest
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
        .map_or(rest.len(), |(i, _)| i);
    if name_len == 0 {
        return None;
    }
    let (name, rest) = rest.split_at(name_len);
    let rest = rest.trim_start_matches(is_re_space).strip_prefix('=')?;
    // `.` does not match `\n`.
    if rest.contains('\n') || rest.is_empty() {
        return None;
    }
    let trimmed_start = rest.trim_start_matches(is_re_space);
    let value = trimmed_start.trim_end_matches(is_re_space);
    if !value.is_empty() {
        return Some((name, value));
    }
    // All blanks: the greedy `\s*` backs off one character so that `(.+?)` matches the last one.
    let last = rest.char_indices().last().map_or(0, |(i, _)| i);
    Some((name, rest.get(last..).unwrap_or_default()))
}

/// `DirectiveParser`: fed one line at a time until the first line that is not a directive.
#[derive(Debug, Default)]
pub(crate) struct DirectiveParser {
    line: u32,
    seen: Vec<String>,
    done: bool,
}

/// A directive line recognised by [`DirectiveParser::parse_line`].
pub(crate) struct ParsedDirective {
    pub(crate) name: String,
    pub(crate) value: String,
    pub(crate) line: u32,
}

impl DirectiveParser {
    pub(crate) fn with_line(line: u32) -> Self {
        Self {
            line,
            ..Self::default()
        }
    }

    /// `ParseLine` with the `#` comment prefix (or `//` for `DetectSyntax`'s fallback).
    pub(crate) fn parse_line(
        &mut self,
        line: &str,
        comment: &str,
    ) -> Result<Option<ParsedDirective>, String> {
        self.line += 1;
        if self.done {
            return Ok(None);
        }
        let Some((name, value)) = match_directive(line, comment) else {
            self.done = true;
            return Ok(None);
        };
        let key = name.to_ascii_lowercase();
        if !VALID_DIRECTIVES.contains(&key.as_str()) {
            self.done = true;
            return Ok(None);
        }
        if self.seen.contains(&key) {
            return Err(format!("only one {key} parser directive can be used"));
        }
        self.seen.push(key.clone());
        Ok(Some(ParsedDirective {
            name: key,
            value: value.to_owned(),
            line: self.line,
        }))
    }

    pub(crate) fn is_done(&self) -> bool {
        self.done
    }
}

/// A directive found by [`detect_syntax`] or [`parse_directive`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetectedDirective {
    /// The value up to the first space (`dockerfile:experimental // opts` →
    /// `dockerfile:experimental`).
    pub reference: String,
    /// The whole value.
    pub cmdline: String,
    /// 1-based line of the directive (0 for the JSON form without a shebang).
    pub line: u32,
}

/// `DetectSyntax`: the `syntax` directive, also accepting a `#!` shebang line, `//syntax=`
/// lines and a JSON document `{"syntax": "..."}`.
pub fn detect_syntax(source: &str) -> Option<DetectedDirective> {
    find_directive("syntax", source, true)
}

/// `ParseDirective(key, dt)`: like [`detect_syntax`] for any key, `#` form only.
pub fn parse_directive(key: &str, source: &str) -> Option<DetectedDirective> {
    find_directive(key, source, false)
}

fn find_directive(key: &str, source: &str, any_format: bool) -> Option<DetectedDirective> {
    let dt = source.strip_prefix('\u{feff}').unwrap_or(source);
    // discardShebang
    let (first, rest) = dt.split_once('\n').unwrap_or((dt, ""));
    let (dt, line) = if first.starts_with("#!") {
        (rest, 1)
    } else {
        (dt, 0)
    };
    if let Some(found) = detect_from_parser(key, dt, line, "#") {
        return Some(found);
    }
    if !any_format {
        return None;
    }
    if let Some(found) = detect_from_parser(key, dt, line, "//") {
        return Some(found);
    }
    // The JSON form: the whole input must be one JSON object; the key must be a string.
    let value: serde_json::Value = serde_json::from_str(dt).ok()?;
    let v = value.as_object()?.get(key)?.as_str()?;
    Some(DetectedDirective {
        reference: v.to_owned(),
        cmdline: v.to_owned(),
        line,
    })
}

/// `detectDirectiveFromParser`: `ParseAll` over `bufio.ScanLines` lines (a trailing `\r` is
/// dropped from each).
fn detect_from_parser(key: &str, dt: &str, line: u32, comment: &str) -> Option<DetectedDirective> {
    let mut parser = DirectiveParser::with_line(line);
    for l in dt.split('\n') {
        let l = l.strip_suffix('\r').unwrap_or(l);
        if parser.is_done() {
            break;
        }
        match parser.parse_line(l, comment) {
            Ok(Some(d)) if d.name == key => {
                let reference = d.value.split(' ').next().unwrap_or_default().to_owned();
                return Some(DetectedDirective {
                    reference,
                    cmdline: d.value,
                    line: d.line,
                });
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directive_regex() {
        assert_eq!(match_directive("# escape = `", "#"), Some(("escape", "`")));
        assert_eq!(
            match_directive("#syntax=a b  ", "#"),
            Some(("syntax", "a b"))
        );
        assert_eq!(match_directive("#escape= ", "#"), Some(("escape", " ")));
        assert_eq!(match_directive("# 1a=b", "#"), None);
        assert_eq!(match_directive("# a b=c", "#"), None);
        assert_eq!(match_directive("//check=x", "//"), Some(("check", "x")));
    }

    #[test]
    fn detect() {
        let d =
            detect_syntax("# syntax = dockerfile:experimental // opts\nFROM busybox\n").unwrap();
        assert_eq!(d.reference, "dockerfile:experimental");
        assert_eq!(d.cmdline, "dockerfile:experimental // opts");
        assert_eq!(d.line, 1);
        assert!(detect_syntax("#!/bin/sh\n\n# syntax = x\n").is_none());
        assert_eq!(
            detect_syntax("{\"syntax\": \"foo\", \"bar\": [\"abc\"]}")
                .unwrap()
                .reference,
            "foo"
        );
        assert!(parse_directive("check", "//check=skip=all\n//key=value").is_none());
    }
}
