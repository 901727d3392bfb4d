//! Ports of `frontend/dockerfile/parser/split_command.go` and `line_parsers.go`
//! (moby/buildkit, reference snapshot 73ed6825c4b7).
//!
//! Every function works on a slice of the *logical line* (continuations already joined) and
//! returns [`Tok`]s carrying byte offsets into that logical line, so the parser can map each
//! value back to the source.

use crate::go;
use crate::json::{JsonArray, parse_json_array};

/// A value cut from the logical line: `start..end` is the raw text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tok {
    pub(crate) value: String,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Tok {
    pub(crate) fn new(value: impl Into<String>, start: usize, end: usize) -> Self {
        Self {
            value: value.into(),
            start,
            end,
        }
    }

    /// A token whose value is exactly `text[start..end]`, offset by `base`.
    fn slice(text: &str, start: usize, end: usize, base: usize) -> Self {
        Self::new(
            text.get(start..end).unwrap_or_default(),
            base + start,
            base + end,
        )
    }
}

/// Result of `splitCommand`.
#[derive(Debug)]
pub(crate) struct SplitCommand {
    /// The instruction word, original spelling.
    pub(crate) cmd: Tok,
    pub(crate) flags: Vec<Tok>,
    /// `strings.TrimSpace(args)`: offsets in the logical line.
    pub(crate) rest_start: usize,
    pub(crate) rest_end: usize,
}

/// `splitCommand`: `reWhitespace.Split(strings.TrimSpace(line), 2)`, then
/// `extractBuilderFlags` on the remainder.
///
/// ```go
/// cmdline := reWhitespace.Split(strings.TrimSpace(line), 2)
/// if len(cmdline) == 2 { args, flags, err = extractBuilderFlags(cmdline[1]) }
/// return cmdline[0], flags, strings.TrimSpace(args), nil
/// ```
pub(crate) fn split_command(line: &str, base: usize) -> SplitCommand {
    let (ts, te) = go::trim_space_range(line);
    let trimmed = line.get(ts..te).unwrap_or_default();
    let parts = go::re_whitespace_split(trimmed, 2);
    let (c0, c1) = parts.first().copied().unwrap_or((0, 0));
    let cmd = Tok::slice(trimmed, c0, c1, base + ts);
    let mut flags = Vec::new();
    let mut rest_start = base + te;
    let mut rest_end = base + te;
    if let Some(&(r0, r1)) = parts.get(1) {
        let rest = trimmed.get(r0..r1).unwrap_or_default();
        let (args_off, f) = extract_builder_flags(rest, base + ts + r0);
        flags = f;
        let args = rest.get(args_off..).unwrap_or_default();
        let (a0, a1) = go::trim_space_range(args);
        rest_start = base + ts + r0 + args_off + a0;
        rest_end = base + ts + r0 + args_off + a1;
    }
    SplitCommand {
        cmd,
        flags,
        rest_start,
        rest_end,
    }
}

/// `extractBuilderFlags`: leading `--words`. Returns the offset (in `line`) where the arguments
/// start, and the flags with quotes and `\` escapes removed.
///
/// A faithful port of the byte-wise Go loop: `ch = rune(line[pos])` treats every byte as a rune,
/// so non-ASCII bytes inside a flag are re-encoded as Latin-1 code points (`é` → `Ã©`), and the
/// bytes 0x85/0xA0 count as spaces. The escape character is always `\` here, whatever the
/// `escape` directive says. (One deviation: when a space byte splits a multi-byte character,
/// the arguments start at the next character boundary instead of mid-character.)
pub(crate) fn extract_builder_flags(line: &str, base: usize) -> (usize, Vec<Tok>) {
    #[derive(PartialEq, Clone, Copy)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let bytes = line.as_bytes();
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut word_start = 0;
    let mut quote = 0u8;
    let mut blank_ok = false;
    let mut pos = 0;
    let len = bytes.len();
    while pos <= len {
        let ch = bytes.get(pos).copied().unwrap_or(0);
        if phase == Phase::Spaces {
            if pos == len {
                break;
            }
            if go::is_space_byte(ch) {
                pos += 1;
                continue;
            }
            if ch != b'-' || pos + 1 == len || bytes.get(pos + 1) != Some(&b'-') {
                return (go::ceil_boundary(line, pos), words);
            }
            phase = Phase::Word;
            word_start = pos;
        }
        if pos == len {
            if word != "--" && (blank_ok || !word.is_empty()) {
                words.push(Tok::new(word, base + word_start, base + pos));
            }
            break;
        }
        if phase == Phase::Word {
            if go::is_space_byte(ch) {
                phase = Phase::Spaces;
                if word == "--" {
                    return (go::ceil_boundary(line, pos), words);
                }
                if blank_ok || !word.is_empty() {
                    let end = go::ceil_boundary(line, pos);
                    words.push(Tok::new(
                        std::mem::take(&mut word),
                        base + word_start,
                        base + end,
                    ));
                }
                word.clear();
                blank_ok = false;
                pos += 1;
                continue;
            }
            if ch == b'\'' || ch == b'"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
            let mut c = ch;
            if c == b'\\' {
                if pos + 1 == len {
                    pos += 1;
                    continue;
                }
                pos += 1;
                c = bytes.get(pos).copied().unwrap_or(0);
            }
            word.push(char::from(c));
            pos += 1;
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
            pos += 1;
            continue;
        }
        let mut c = ch;
        if c == b'\\' {
            if pos + 1 == len {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
            c = bytes.get(pos).copied().unwrap_or(0);
        }
        word.push(char::from(c));
        pos += 1;
    }
    (len, words)
}

/// `parseWords`: whitespace-separated words; quotes and escapes are kept in the words.
pub(crate) fn parse_words(rest: &str, base: usize, escape: char) -> Vec<Tok> {
    #[derive(PartialEq, Clone, Copy)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut word_start = 0;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut chars = rest.char_indices().peekable();
    loop {
        let Some((pos, ch)) = chars.next() else {
            // End of input.
            if phase != Phase::Spaces && (blank_ok || !word.is_empty()) {
                words.push(Tok::new(word, base + word_start, base + rest.len()));
            }
            break;
        };
        let at_end_after =
            |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>| chars.peek().is_none();
        if phase == Phase::Spaces {
            if go::is_space(ch) {
                continue;
            }
            phase = Phase::Word;
            word_start = pos;
        }
        if phase == Phase::Word {
            if go::is_space(ch) {
                phase = Phase::Spaces;
                if blank_ok || !word.is_empty() {
                    words.push(Tok::new(
                        std::mem::take(&mut word),
                        base + word_start,
                        base + pos,
                    ));
                }
                blank_ok = false;
                continue;
            }
            let mut ch = ch;
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if ch == escape {
                if at_end_after(&mut chars) {
                    // Just skip an escape token at the end of the line.
                    continue;
                }
                // Keep the escape token and the escaped char, even a quote.
                word.push(ch);
                if let Some((_, next)) = chars.next() {
                    ch = next;
                }
            }
            word.push(ch);
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
        }
        let mut ch = ch;
        // The escape token is special except inside single quotes.
        if ch == escape && quote != '\'' {
            if at_end_after(&mut chars) {
                phase = Phase::Word;
                continue;
            }
            word.push(ch);
            if let Some((_, next)) = chars.next() {
                ch = next;
            }
        }
        word.push(ch);
    }
    words
}

/// Error of a line parser; the text is BuildKit's message.
pub(crate) type LineResult = Result<LineArgs, String>;

/// What a line parser produced: the `Next` chain and the `json` attribute.
#[derive(Debug, Default)]
pub(crate) struct LineArgs {
    pub(crate) args: Vec<Tok>,
    pub(crate) json: bool,
}

impl LineArgs {
    fn plain(args: Vec<Tok>) -> Self {
        Self { args, json: false }
    }
}

/// `parseNameVal` (ENV, LABEL): `(key, value, sep)` triples.
pub(crate) fn parse_name_val(rest: &str, base: usize, key: &str, escape: char) -> LineResult {
    let words = parse_words(rest, base, escape);
    let Some(first) = words.first() else {
        return Ok(LineArgs::default());
    };
    if !first.value.contains('=') {
        // Old format: KEY name value.
        let parts = go::re_whitespace_split(rest, 2);
        let (Some(&(k0, k1)), Some(&(v0, v1))) = (parts.first(), parts.get(1)) else {
            return Err(format!("{key} must have two arguments"));
        };
        return Ok(LineArgs::plain(vec![
            Tok::slice(rest, k0, k1, base),
            Tok::slice(rest, v0, v1, base),
            Tok::new("", base + v0, base + v0),
        ]));
    }
    let mut args = Vec::with_capacity(words.len() * 3);
    for word in words {
        let Some(eq) = word.value.find('=') else {
            return Err(format!(
                "Syntax error - can't find = in {}. Must be of the form: name=value",
                crate::quote::go_quote(&word.value)
            ));
        };
        // Offsets inside the word: the word text is a verbatim slice of the line except for a
        // dropped trailing escape, so `eq` maps directly.
        let eq_pos = (word.start + eq).min(word.end);
        let (k, v) = word.value.split_at(eq);
        let v = v.get(1..).unwrap_or_default();
        args.push(Tok::new(k, word.start, eq_pos));
        args.push(Tok::new(v, (eq_pos + 1).min(word.end), word.end));
        args.push(Tok::new("=", eq_pos, (eq_pos + 1).min(word.end)));
    }
    Ok(LineArgs::plain(args))
}

/// `parseNameOrNameVal` (ARG): the words as they are.
pub(crate) fn parse_name_or_name_val(rest: &str, base: usize, escape: char) -> LineArgs {
    LineArgs::plain(parse_words(rest, base, escape))
}

/// `parseStringsWhitespaceDelimited` (FROM, EXPOSE, and the fallback of ADD/COPY/VOLUME).
pub(crate) fn parse_strings_whitespace_delimited(rest: &str, base: usize) -> LineArgs {
    if rest.is_empty() {
        return LineArgs::default();
    }
    LineArgs::plain(
        go::re_whitespace_split(rest, -1)
            .into_iter()
            .map(|(a, b)| Tok::slice(rest, a, b, base))
            .collect(),
    )
}

/// `parseString` (MAINTAINER, USER, WORKDIR, STOPSIGNAL).
pub(crate) fn parse_string(rest: &str, base: usize) -> LineArgs {
    if rest.is_empty() {
        return LineArgs::default();
    }
    LineArgs::plain(vec![Tok::slice(rest, 0, rest.len(), base)])
}

/// Outcome of `parseJSON`.
enum Json {
    Ok(Vec<Tok>),
    NotStringArray,
    Fallback,
}

const ERR_NOT_STRING_ARRAY: &str =
    "when using JSON array syntax, arrays must be comprised of strings only";

/// `parseJSON`: `TrimLeftFunc(rest, unicode.IsSpace)`, must start with `[`, decoded with
/// `json.NewDecoder(...).Decode(&[]interface{})`.
fn parse_json(rest: &str, base: usize) -> Json {
    let trimmed = rest.trim_start_matches(go::is_space);
    let off = rest.len() - trimmed.len();
    if !trimmed.starts_with('[') {
        return Json::Fallback;
    }
    match parse_json_array(trimmed) {
        JsonArray::Strings(items) => Json::Ok(
            items
                .into_iter()
                .map(|(v, a, b)| Tok::new(v, base + off + a, base + off + b))
                .collect(),
        ),
        JsonArray::NotStrings => Json::NotStringArray,
        JsonArray::Invalid => Json::Fallback,
    }
}

/// `parseMaybeJSON` (RUN, CMD, ENTRYPOINT, SHELL): a JSON array, else the whole text.
pub(crate) fn parse_maybe_json(rest: &str, base: usize) -> LineResult {
    if rest.is_empty() {
        return Ok(LineArgs::default());
    }
    match parse_json(rest, base) {
        Json::Ok(args) => Ok(LineArgs { args, json: true }),
        Json::NotStringArray => Err(ERR_NOT_STRING_ARRAY.to_owned()),
        Json::Fallback => Ok(parse_string(rest, base)),
    }
}

/// `parseMaybeJSONToList` (ADD, COPY, VOLUME): a JSON array, else whitespace-split words.
pub(crate) fn parse_maybe_json_to_list(rest: &str, base: usize) -> LineResult {
    match parse_json(rest, base) {
        Json::Ok(args) => Ok(LineArgs { args, json: true }),
        Json::NotStringArray => Err(ERR_NOT_STRING_ARRAY.to_owned()),
        Json::Fallback => Ok(parse_strings_whitespace_delimited(rest, base)),
    }
}

/// `parseHealthConfig`: the first word (type), then `parseMaybeJSON` of the rest. The Go code
/// scans bytes with `unicode.IsSpace(rune(rest[sep]))`, so 0x85/0xA0 bytes separate too.
pub(crate) fn parse_health_config(rest: &str, base: usize) -> LineResult {
    let bytes = rest.as_bytes();
    let sep = bytes
        .iter()
        .position(|&b| go::is_space_byte(b))
        .unwrap_or(bytes.len());
    let next = bytes
        .get(sep..)
        .and_then(|tail| tail.iter().position(|&b| !go::is_space_byte(b)))
        .map_or(bytes.len(), |p| sep + p);
    if sep == 0 {
        return Ok(LineArgs::default());
    }
    let sep = go::ceil_boundary(rest, sep);
    let next = go::ceil_boundary(rest, next).max(sep);
    let typ = Tok::slice(rest, 0, sep, base);
    let cmd = parse_maybe_json(rest.get(next..).unwrap_or_default(), base + next)?;
    let mut args = vec![typ];
    args.extend(cmd.args);
    Ok(LineArgs {
        args,
        json: cmd.json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(toks: &[Tok]) -> Vec<&str> {
        toks.iter().map(|t| t.value.as_str()).collect()
    }

    #[test]
    fn builder_flags() {
        let (off, flags) = extract_builder_flags("--a=1 --b=\"x y\" foo bar", 0);
        assert_eq!(values(&flags), ["--a=1", "--b=x y"]);
        assert_eq!(off, 16);
        assert_eq!((flags[1].start, flags[1].end), (6, 15));
        let (off, flags) = extract_builder_flags("--doit=true -- foo", 0);
        assert_eq!(values(&flags), ["--doit=true"]);
        assert_eq!(off, 14);
        let (_, flags) = extract_builder_flags("--x=é foo", 0);
        assert_eq!(values(&flags), ["--x=Ã©"]);
        let (off, flags) = extract_builder_flags("--doit -- [ ]", 0);
        assert_eq!(values(&flags), ["--doit"]);
        assert_eq!(off, 9);
        let (off, flags) = extract_builder_flags("--only", 0);
        assert_eq!(values(&flags), ["--only"]);
        assert_eq!(off, 6);
    }

    #[test]
    fn words() {
        assert_eq!(values(&parse_words("foo\\ bar", 0, '\\')), ["foo\\ bar"]);
        assert_eq!(
            values(&parse_words("foo bar 'abc xyz'", 0, '\\')),
            ["foo", "bar", "'abc xyz'"]
        );
        assert_eq!(values(&parse_words("a\\", 0, '\\')), ["a"]);
    }

    #[test]
    fn name_val() {
        let r = parse_name_val("a=1 b=\"x y\"", 0, "ENV", '\\').unwrap();
        assert_eq!(values(&r.args), ["a", "1", "=", "b", "\"x y\"", "="]);
        let r = parse_name_val("name  value more", 0, "ENV", '\\').unwrap();
        assert_eq!(values(&r.args), ["name", "value more", ""]);
        assert_eq!(
            parse_name_val("name", 0, "ENV", '\\').unwrap_err(),
            "ENV must have two arguments"
        );
        assert_eq!(
            parse_name_val("a=1 b", 0, "LABEL", '\\').unwrap_err(),
            "Syntax error - can't find = in \"b\". Must be of the form: name=value"
        );
    }

    #[test]
    fn health() {
        let r = parse_health_config("CMD   a b", 0).unwrap();
        assert_eq!(values(&r.args), ["CMD", "a b"]);
        let r = parse_health_config("CMD [\"x\"]", 0).unwrap();
        assert!(r.json);
        assert_eq!(values(&r.args), ["CMD", "x"]);
    }
}
