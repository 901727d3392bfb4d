//! The line reader and instruction splitter: a port of `Parse` and `newNodeFromLine` from
//! `frontend/dockerfile/parser/parser.go` (moby/buildkit, reference snapshot 73ed6825c4b7),
//! made error-tolerant: where BuildKit returns the first error, this records it and goes on with
//! the next logical line.

use text_size::{TextRange, TextSize};

use crate::ast::{Heredoc, Keyword, Node, Spanned};
use crate::directives::{Directive, DirectiveParser};
use crate::error::{SyntaxError, SyntaxWarning};
use crate::go;
use crate::heredoc::heredocs_from_line;
use crate::line_parsers::{self as lp, LineArgs, Tok};

/// `bufio.MaxScanTokenSize - 1`.
const MAX_LINE: usize = 64 * 1024 - 1;

pub(crate) fn size(n: usize) -> TextSize {
    TextSize::from(u32::try_from(n).unwrap_or(u32::MAX))
}

pub(crate) fn range(a: usize, b: usize) -> TextRange {
    TextRange::new(size(a), size(b.max(a)))
}

/// Maps offsets in a logical line back to the source. Each segment is a verbatim copy of a
/// source slice: `(logical_start, source_start)`.
#[derive(Debug, Default)]
pub(crate) struct SpanMap {
    segments: Vec<(usize, usize)>,
}

impl SpanMap {
    fn push(&mut self, logical: usize, source: usize) {
        self.segments.push((logical, source));
    }

    /// Source offset of the character at logical `pos`.
    fn start(&self, pos: usize) -> usize {
        let i = self.segments.partition_point(|&(l, _)| l <= pos);
        match i.checked_sub(1).and_then(|i| self.segments.get(i)) {
            Some(&(l, s)) => s + (pos - l),
            None => pos,
        }
    }

    /// Source offset just after the character ending at logical `pos`.
    fn end(&self, pos: usize) -> usize {
        let i = self.segments.partition_point(|&(l, _)| l < pos);
        match i.checked_sub(1).and_then(|i| self.segments.get(i)) {
            Some(&(l, s)) => s + (pos - l),
            None => self.start(pos),
        }
    }

    pub(crate) fn range(&self, a: usize, b: usize) -> TextRange {
        if b <= a {
            let s = self.start(a);
            return range(s, s);
        }
        range(self.start(a), self.end(b))
    }

    fn spanned(&self, tok: Tok) -> Spanned {
        Spanned {
            range: self.range(tok.start, tok.end),
            value: tok.value,
        }
    }
}

/// `isComment`: the first non-whitespace character is `#`.
fn is_comment(line: &str) -> bool {
    line.trim_start_matches(go::is_space).starts_with('#')
}

/// `trimNewline`: `bytes.TrimRight(line, "\r\n")`.
fn trim_newline(line: &str) -> &str {
    line.trim_end_matches(['\r', '\n'])
}

/// How much of a raw line (with its `\n`) `bufio.ScanLines` returns as the line: without the
/// `\n` and one `\r` before it (`dropCR`). An instruction's range ends there on its last line,
/// so that what follows the range is exactly the line ending; `trimNewline` strips every
/// trailing `\r`, and a range ending there left the others of `x\r\r\n` out of every
/// instruction (the fuzzer's parse → print → parse round trip lost them).
fn scanned_len(raw: &str) -> usize {
    let line = raw.strip_suffix('\n').unwrap_or(raw);
    line.strip_suffix('\r').unwrap_or(line).len()
}

/// `trimContinuationCharacter`: the regex `([^E])E[ \t]*$|^E[ \t]*$` replaced by `$1`.
/// Returns the kept text and whether the logical line ends here.
fn trim_continuation(line: &str, escape: char) -> (&str, bool) {
    let t = line.trim_end_matches([' ', '\t']);
    if let Some(before) = t.strip_suffix(escape)
        && !before.ends_with(escape)
    {
        return (before, false);
    }
    (line, true)
}

/// Everything `Parse` produced.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub(crate) directives: Vec<Directive>,
    pub(crate) escape: char,
    /// Each node with "did the parser layer accept it".
    pub(crate) nodes: Vec<(Node, bool)>,
    pub(crate) errors: Vec<SyntaxError>,
    pub(crate) warnings: Vec<SyntaxWarning>,
}

struct Lines<'a> {
    src: &'a str,
    /// `(start, end)` of each line, `end` after its `\n`.
    spans: Vec<(usize, usize)>,
    next: usize,
    /// Index of the first line longer than the scanner's limit.
    too_long: Option<usize>,
}

impl<'a> Lines<'a> {
    fn new(src: &'a str) -> Self {
        let mut lines = Vec::new();
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', src.as_bytes()) {
            lines.push((start, nl + 1));
            start = nl + 1;
        }
        if start < src.len() {
            lines.push((start, src.len()));
        }
        let too_long = lines.iter().position(|&(s, e)| {
            let content = src
                .get(s..e)
                .map_or(0, |l| l.strip_suffix('\n').unwrap_or(l).len());
            content > MAX_LINE
        });
        Self {
            src,
            spans: lines,
            next: 0,
            too_long,
        }
    }

    /// The next raw line (with its `\n`) and its start offset.
    fn next_line(&mut self, errors: &mut Vec<SyntaxError>) -> Option<(&'a str, usize)> {
        let idx = self.next;
        let &(s, e) = self.spans.get(idx)?;
        self.next += 1;
        if self.too_long == Some(idx) {
            errors.push(SyntaxError::parser(
                range(s, e),
                format!("dockerfile line greater than max allowed size of {MAX_LINE}"),
            ));
        }
        Some((self.src.get(s..e).unwrap_or_default(), s))
    }
}

pub(crate) fn parse(src: &str) -> Parsed {
    let mut out = Parsed {
        escape: '\\',
        ..Parsed::default()
    };
    let mut directive_parser = DirectiveParser::default();
    let mut lines = Lines::new(src);
    let mut current_line: u32 = 0;
    let mut comments: Vec<String> = Vec::new();

    while let Some((raw, raw_start)) = lines.next_line(&mut out.errors) {
        let mut text = raw;
        let mut off = raw_start;
        if current_line == 0
            && let Some(rest) = text.strip_prefix('\u{feff}')
        {
            text = rest;
            off += 3;
        }
        if is_comment(text) {
            // `strings.TrimSpace(string(bytesRead[1:]))`: drops the first *byte*, which is the
            // `#` only when the line is not indented.
            let tail = String::from_utf8_lossy(text.as_bytes().get(1..).unwrap_or_default());
            let comment = go::trim_space(&tail);
            if comment.is_empty() {
                comments.clear();
            } else {
                comments.push(comment.to_owned());
            }
        }
        // processLine(d, bytesRead, true)
        let token = trim_newline(text);
        let token_trimmed = token.trim_start_matches(go::is_space);
        let token_off = off + (token.len() - token_trimmed.len());
        let token = token_trimmed;
        let token_range = range(token_off, token_off + token.len());
        match directive_parser.parse_line(token, "#") {
            Ok(Some(d)) => {
                let mut ok = true;
                if d.name == "escape" {
                    match d.value.as_str() {
                        "\\" => out.escape = '\\',
                        "`" => out.escape = '`',
                        other => {
                            ok = false;
                            out.errors.push(SyntaxError::parser(
                                token_range,
                                format!("invalid escape token '{other}' does not match ` or \\"),
                            ));
                        }
                    }
                }
                if ok {
                    comments.pop();
                }
                out.directives.push(Directive {
                    name: d.name,
                    value: d.value,
                    range: token_range,
                    line: current_line + 1,
                });
            }
            Ok(None) => {}
            Err(e) => out.errors.push(SyntaxError::parser(token_range, e)),
        }
        let token = if is_comment(token) { "" } else { token };
        current_line += 1;

        let start_line = current_line;
        let (first, mut eol) = trim_continuation(token, out.escape);
        if eol && first.is_empty() {
            continue;
        }
        let mut buf = String::from(first);
        let mut map = SpanMap::default();
        map.push(0, token_off);
        // The first line's end as scanned; `text` starts at `off` (after a BOM).
        let mut last_end = off + scanned_len(text);

        let mut has_empty_continuation = false;
        while !eol {
            let Some((raw, raw_start)) = lines.next_line(&mut out.errors) else {
                break;
            };
            let token = trim_newline(raw);
            current_line += 1;
            last_end = raw_start + scanned_len(raw);
            if is_comment(raw) {
                continue;
            }
            if token.trim_start_matches(go::is_space).is_empty() {
                has_empty_continuation = true;
                continue;
            }
            let (piece, end) = trim_continuation(token, out.escape);
            eol = end;
            map.push(buf.len(), raw_start);
            buf.push_str(piece);
        }

        let instruction_start = token_off;
        if has_empty_continuation {
            out.warnings.push(SyntaxWarning {
                message: format!("Empty continuation line found in: {buf}"),
                detail: "Empty continuation lines will become errors in a future release"
                    .to_owned(),
                url: "https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/".to_owned(),
                range: range(instruction_start, last_end),
                line: current_line,
            });
        }

        let (mut node, error) = new_node_from_line(&buf, &map, out.escape);
        node.comments = std::mem::take(&mut comments);
        let mut ok = true;
        if let Some(message) = error {
            ok = false;
            out.errors.push(SyntaxError::parser(
                range(instruction_start, last_end),
                message,
            ));
        }

        if buf.contains("<<") && node.can_contain_heredoc() {
            match heredocs_from_line(&buf) {
                Err(message) => {
                    ok = false;
                    out.errors.push(SyntaxError::parser(
                        range(instruction_start, last_end),
                        message,
                    ));
                }
                Ok(docs) => {
                    for doc in docs {
                        let body_start = lines.spans.get(lines.next).map_or(src.len(), |&(s, _)| s);
                        let mut content = String::new();
                        let mut terminator = None;
                        let mut body_end = body_start;
                        while let Some((raw, raw_start)) = lines.next_line(&mut out.errors) {
                            current_line += 1;
                            let line = trim_newline(raw);
                            let candidate = if doc.marker.chomp {
                                line.trim_start_matches('\t')
                            } else {
                                line
                            };
                            if candidate == doc.marker.name {
                                terminator = Some(range(raw_start, raw_start + line.len()));
                                last_end = raw_start + scanned_len(raw);
                                break;
                            }
                            content.push_str(raw);
                            body_end = raw_start + raw.len();
                            last_end = raw_start + scanned_len(raw);
                        }
                        if terminator.is_none() {
                            ok = false;
                            out.errors.push(SyntaxError::parser(
                                range(instruction_start, last_end),
                                "unterminated heredoc",
                            ));
                        }
                        node.heredocs.push(Heredoc {
                            name: doc.marker.name,
                            file_descriptor: doc.marker.file_descriptor,
                            expand: doc.marker.expand,
                            chomp: doc.marker.chomp,
                            content,
                            marker_range: map.range(doc.start, doc.end),
                            body_range: range(body_start, body_end),
                            terminator_range: terminator,
                        });
                    }
                }
            }
        }

        node.range = range(instruction_start, last_end);
        node.start_line = start_line;
        node.end_line = current_line;
        if let Some(trigger) = node.trigger.as_deref_mut() {
            trigger.start_line = start_line;
            trigger.end_line = current_line;
        }
        out.nodes.push((node, ok));
    }

    if out.nodes.is_empty() {
        out.errors.push(SyntaxError::parser(
            range(src.len(), src.len()),
            "file with no instructions",
        ));
    }
    out
}

/// One level of `newNodeFromLine`, before the `ONBUILD` nesting is assembled.
struct Level {
    cmd: Tok,
    flags: Vec<Tok>,
    args: LineArgs,
    start: usize,
    end: usize,
}

/// `newNodeFromLine` (and `parseSubCommand` for `ONBUILD`, iteratively so that a long chain of
/// `ONBUILD ONBUILD …` cannot exhaust the stack). Returns the node and the line parser's error;
/// on error the node keeps whatever arguments could be recovered.
pub(crate) fn new_node_from_line(
    line: &str,
    map: &SpanMap,
    escape: char,
) -> (Node, Option<String>) {
    let mut levels: Vec<Level> = Vec::new();
    let mut error = None;
    let mut start = 0;
    let end = line.len();
    loop {
        let text = line.get(start..end).unwrap_or_default();
        let sc = lp::split_command(text, start);
        let rest = line.get(sc.rest_start..sc.rest_end).unwrap_or_default();
        let base = sc.rest_start;
        let keyword = Keyword::from_word(&sc.cmd.value);
        let level_start = sc.cmd.start;
        if keyword == Some(Keyword::Onbuild) && !rest.is_empty() {
            levels.push(Level {
                cmd: sc.cmd,
                flags: sc.flags,
                args: LineArgs::default(),
                start: level_start,
                end: sc.rest_end,
            });
            start = sc.rest_start;
            continue;
        }
        let result = match keyword {
            Some(Keyword::Add | Keyword::Copy | Keyword::Volume) => {
                lp::parse_maybe_json_to_list(rest, base)
            }
            Some(Keyword::Arg) => Ok(lp::parse_name_or_name_val(rest, base, escape)),
            Some(Keyword::Cmd | Keyword::Entrypoint | Keyword::Run | Keyword::Shell) => {
                lp::parse_maybe_json(rest, base)
            }
            Some(Keyword::Env) => lp::parse_name_val(rest, base, "ENV", escape),
            Some(Keyword::Label) => lp::parse_name_val(rest, base, "LABEL", escape),
            Some(Keyword::Expose | Keyword::From) => {
                Ok(lp::parse_strings_whitespace_delimited(rest, base))
            }
            Some(Keyword::Healthcheck) => lp::parse_health_config(rest, base),
            Some(Keyword::Maintainer | Keyword::StopSignal | Keyword::User | Keyword::Workdir) => {
                Ok(lp::parse_string(rest, base))
            }
            // An ONBUILD without arguments.
            Some(Keyword::Onbuild) => Ok(LineArgs::default()),
            // parseIgnore: `&Node{}`, i.e. one empty argument.
            None => Ok(LineArgs {
                args: vec![Tok::new("", base, base)],
                json: false,
            }),
        };
        let args = match result {
            Ok(args) => args,
            Err(message) => {
                error = Some(message);
                lp::parse_string(rest, base)
            }
        };
        levels.push(Level {
            cmd: sc.cmd,
            flags: sc.flags,
            args,
            start: level_start,
            end: sc.rest_end.max(level_start),
        });
        break;
    }

    let mut node: Option<Node> = None;
    while let Some(level) = levels.pop() {
        let range = map.range(level.start, level.end);
        // The outermost node's Original is the whole line (set below).
        let original = if levels.is_empty() {
            String::new()
        } else {
            line.get(level.start..end).unwrap_or_default().to_owned()
        };
        node = Some(Node {
            keyword: map.spanned(level.cmd),
            flags: level.flags.into_iter().map(|t| map.spanned(t)).collect(),
            args: level
                .args
                .args
                .into_iter()
                .map(|t| map.spanned(t))
                .collect(),
            json: level.args.json,
            trigger: node.map(Box::new),
            heredocs: Vec::new(),
            comments: Vec::new(),
            original,
            range,
            start_line: 0,
            end_line: 0,
        });
    }
    let mut node = node.unwrap_or_else(|| Node {
        keyword: Spanned {
            value: String::new(),
            range: map.range(0, 0),
        },
        flags: Vec::new(),
        args: Vec::new(),
        json: false,
        trigger: None,
        heredocs: Vec::new(),
        comments: Vec::new(),
        original: String::new(),
        range: map.range(0, 0),
        start_line: 0,
        end_line: 0,
    });
    line.clone_into(&mut node.original);
    (node, error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_regex() {
        assert_eq!(trim_continuation("foo \\  ", '\\'), ("foo ", false));
        assert_eq!(trim_continuation("\\", '\\'), ("", false));
        assert_eq!(trim_continuation("foo\\\\", '\\'), ("foo\\\\", true));
        assert_eq!(trim_continuation("\\\\", '\\'), ("\\\\", true));
        assert_eq!(trim_continuation("foo`", '`'), ("foo", false));
        assert_eq!(trim_continuation("foo\\", '`'), ("foo\\", true));
    }
}
