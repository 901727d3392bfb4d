//! Heredoc detection: `heredocFromMatch`, `ParseHeredoc`, `heredocsFromLine` and
//! `ChompHeredocContent` from `frontend/dockerfile/parser/parser.go` (moby/buildkit, reference
//! snapshot 73ed6825c4b7).
//!
//! BuildKit splits the instruction line with its shell lexer (`shell.NewLex('\\')` with
//! `RawQuotes`, `RawEscapes` and `SkipUnsetEnv`, and an empty environment). The private
//! [`shell_words`] module below is a port of exactly that configuration of `shell/lex.go`
//! (`processStopOn`, `processSingleQuote`, `processDoubleQuote`, `processDollar`,
//! `processName`); it keeps word positions, which the general-purpose `crate::lex` does not need.

/// A heredoc word parsed from an instruction line (`parser.Heredoc` without the content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeredocMarker {
    /// The terminator word with quotes removed.
    pub name: String,
    /// The optional file descriptor before `<<` (`3<<EOF`); 0 when absent.
    pub file_descriptor: u64,
    /// False when any part of the name was quoted: the body is not expanded.
    pub expand: bool,
    /// `<<-`: leading tabs are stripped from the terminator (and, by consumers, the body).
    pub chomp: bool,
}

/// `ParseHeredoc`: matches `^(\d*)<<(-?)\s*([^<]*)$` and reads the name with the shell lexer.
///
/// `Ok(None)` when `src` is not a heredoc word; `Err` with BuildKit's message when the name
/// cannot be lexed (unbalanced quotes).
pub fn parse_heredoc(src: &str) -> Result<Option<HeredocMarker>, String> {
    let digits = src.bytes().take_while(u8::is_ascii_digit).count();
    let Some(after) = src.get(digits..).and_then(|s| s.strip_prefix("<<")) else {
        return Ok(None);
    };
    let (chomp, rest) = match after.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, after),
    };
    // `\s*` between the marker and the name (Go's `\s` is `[\t\n\f\r ]`).
    let rest = rest.trim_start_matches(['\t', '\n', '\u{c}', '\r', ' ']);
    if rest.contains('<') || rest.is_empty() {
        return Ok(None);
    }
    // strconv.ParseUint(match[1], 10, 0) with the error ignored: "" → 0, overflow → max.
    let fd_text = src.get(..digits).unwrap_or_default();
    let file_descriptor = if fd_text.is_empty() {
        0
    } else {
        fd_text.parse::<u64>().unwrap_or(u64::MAX)
    };
    let process = |raw_quotes| {
        shell_words::process_words(rest, raw_quotes, false)
            .map_err(|e| format!("failed to process {}: {e}", crate::quote::go_quote(rest)))
    };
    let words = process(false)?;
    let [word] = words.as_slice() else {
        return Ok(None);
    };
    let words_raw = process(true)?;
    let [word_raw] = words_raw.as_slice() else {
        return Err(format!(
            "internal lexing of heredoc produced inconsistent results: {rest}"
        ));
    };
    let quotes = |s: &str| s.chars().filter(|&c| c == '\'' || c == '"').count();
    Ok(Some(HeredocMarker {
        name: word.text.clone(),
        file_descriptor,
        expand: quotes(&word.text) == quotes(&word_raw.text),
        chomp,
    }))
}

/// A heredoc word found in a line, with its byte range in the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LineHeredoc {
    pub(crate) marker: HeredocMarker,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// `heredocsFromLine`: every word of `line` that is a heredoc, in order. A lexing error of the
/// whole line yields no heredocs (BuildKit ignores it); an error in one heredoc name is returned.
pub(crate) fn heredocs_from_line(line: &str) -> Result<Vec<LineHeredoc>, String> {
    let words = shell_words::process_words(line, true, true).unwrap_or_default();
    let mut docs = Vec::new();
    for word in words {
        if let Some(marker) = parse_heredoc(&word.text)? {
            docs.push(LineHeredoc {
                marker,
                start: word.start,
                end: word.end,
            });
        }
    }
    Ok(docs)
}

/// Names of the heredocs in `line` (convenience for tests and tools).
pub fn heredoc_names_from_line(line: &str) -> Result<Vec<String>, String> {
    Ok(heredocs_from_line(line)?
        .into_iter()
        .map(|d| d.marker.name)
        .collect())
}

/// `ChompHeredocContent`: removes leading tabs of every line (`(?m)^\t+`).
pub fn chomp_heredoc_content(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    for line in src.split_inclusive('\n') {
        out.push_str(line.trim_start_matches('\t'));
    }
    out
}

// Not `crate::lex`: `heredocs_from_line` needs word byte ranges, which `Lex` does not report.
mod shell_words {
    //! `shell.Lex` with an empty environment and `SkipUnsetEnv = true`.

    use std::iter::Peekable;
    use std::str::CharIndices;

    /// A word and the byte range of the input it was built from.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub(super) struct Word {
        pub(super) text: String,
        pub(super) start: usize,
        pub(super) end: usize,
    }

    struct Lexer<'a> {
        chars: Peekable<CharIndices<'a>>,
        len: usize,
        raw_quotes: bool,
        raw_escapes: bool,
    }

    /// `wordsStruct`.
    #[derive(Default)]
    struct Words {
        word: String,
        done: Vec<Word>,
        in_word: bool,
        start: usize,
    }

    impl Words {
        fn add_char(&mut self, ch: char, pos: usize, end: usize) {
            if ch.is_whitespace() && self.in_word {
                if !self.word.is_empty() {
                    self.done.push(Word {
                        text: std::mem::take(&mut self.word),
                        start: self.start,
                        end: pos,
                    });
                    self.in_word = false;
                }
            } else if !ch.is_whitespace() {
                self.add_raw_char(ch, pos, end);
            }
        }

        fn add_raw_char(&mut self, ch: char, pos: usize, _end: usize) {
            if !self.in_word || self.word.is_empty() {
                self.start = pos;
            }
            self.word.push(ch);
            self.in_word = true;
        }

        fn add_string(&mut self, s: &str, pos: usize, end: usize) {
            for ch in s.chars() {
                self.add_char(ch, pos, end);
            }
        }

        fn add_raw_string(&mut self, s: &str, pos: usize) {
            if !self.in_word || self.word.is_empty() {
                self.start = pos;
            }
            self.word.push_str(s);
            self.in_word = true;
        }

        fn finish(mut self, end: usize) -> Vec<Word> {
            if !self.word.is_empty() {
                self.done.push(Word {
                    text: self.word,
                    start: self.start,
                    end,
                });
            }
            self.done
        }
    }

    const ESCAPE: char = '\\';

    impl Lexer<'_> {
        fn peek(&mut self) -> Option<char> {
            self.chars.peek().map(|&(_, c)| c)
        }

        fn pos(&mut self) -> usize {
            let len = self.len;
            self.chars.peek().map_or(len, |&(i, _)| i)
        }

        fn next(&mut self) -> Option<char> {
            self.chars.next().map(|(_, c)| c)
        }

        /// `processStopOn`; `stop == None` means EOF.
        fn process_stop_on(
            &mut self,
            stop: Option<char>,
            raw_escapes: bool,
        ) -> Result<(String, Vec<Word>), String> {
            let saved = self.raw_escapes;
            self.raw_escapes = raw_escapes;
            let r = self.process_inner(stop);
            self.raw_escapes = saved;
            r
        }

        fn process_inner(&mut self, stop: Option<char>) -> Result<(String, Vec<Word>), String> {
            let mut result = String::new();
            let mut words = Words::default();
            while let Some(ch) = self.peek() {
                let pos = self.pos();
                if Some(ch) == stop {
                    self.next();
                    return Ok((result, words.finish(pos)));
                }
                match ch {
                    '$' => {
                        let tmp = self.process_dollar()?;
                        let end = self.pos();
                        result.push_str(&tmp);
                        words.add_string(&tmp, pos, end);
                    }
                    '\'' => {
                        let tmp = self.process_single_quote()?;
                        result.push_str(&tmp);
                        words.add_raw_string(&tmp, pos);
                    }
                    '"' => {
                        let tmp = self.process_double_quote()?;
                        result.push_str(&tmp);
                        words.add_raw_string(&tmp, pos);
                    }
                    '<' => {
                        let tmp = self.process_possible_heredoc();
                        result.push_str(&tmp);
                        words.add_raw_string(&tmp, pos);
                    }
                    _ => {
                        self.next();
                        let end = self.pos();
                        let mut ch = ch;
                        if ch == ESCAPE {
                            if self.raw_escapes {
                                words.add_raw_char(ch, pos, end);
                                result.push(ch);
                            }
                            let epos = self.pos();
                            let Some(next) = self.next() else {
                                break;
                            };
                            ch = next;
                            let end = self.pos();
                            words.add_raw_char(ch, epos, end);
                        } else {
                            words.add_char(ch, pos, end);
                        }
                        result.push(ch);
                    }
                }
            }
            if let Some(stop) = stop {
                return Err(format!(
                    "unexpected end of statement while looking for matching {stop}"
                ));
            }
            let end = self.len;
            Ok((result, words.finish(end)))
        }

        /// `processPossibleHeredoc` (lex.go at the reference snapshot): `<<` swallows the
        /// blanks that follow it, so `<<  EOF` stays one word. The `-` of `<<- EOF` is taken
        /// before the blanks (the parser unit vectors require `RUN <<- EOF` to name `EOF`).
        fn process_possible_heredoc(&mut self) -> String {
            self.next();
            if self.peek() != Some('<') {
                return "<".to_owned();
            }
            self.next();
            let mut result = String::from("<<");
            if self.peek() == Some('-') {
                self.next();
                result.push('-');
            }
            while let Some(c) = self.peek().filter(|c| c.is_whitespace()) {
                self.next();
                result.push(c);
            }
            result
        }

        fn process_single_quote(&mut self) -> Result<String, String> {
            let mut result = String::new();
            let open = self.next();
            if self.raw_quotes {
                result.extend(open);
            }
            loop {
                match self.next() {
                    None => {
                        return Err("unexpected end of statement while looking for matching \
                                    single-quote"
                            .to_owned());
                    }
                    Some('\'') => {
                        if self.raw_quotes {
                            result.push('\'');
                        }
                        return Ok(result);
                    }
                    Some(c) => result.push(c),
                }
            }
        }

        fn process_double_quote(&mut self) -> Result<String, String> {
            let mut result = String::new();
            let open = self.next();
            if self.raw_quotes {
                result.extend(open);
            }
            loop {
                match self.peek() {
                    None => {
                        return Err("unexpected end of statement while looking for matching \
                                    double-quote"
                            .to_owned());
                    }
                    Some('"') => {
                        self.next();
                        if self.raw_quotes {
                            result.push('"');
                        }
                        return Ok(result);
                    }
                    Some('$') => {
                        let v = self.process_dollar()?;
                        result.push_str(&v);
                    }
                    Some(_) => {
                        let Some(mut ch) = self.next() else {
                            continue;
                        };
                        if ch == ESCAPE {
                            if self.raw_escapes {
                                result.push(ch);
                            }
                            match self.peek() {
                                None => continue,
                                Some('"' | '$' | ESCAPE) => {
                                    if let Some(n) = self.next() {
                                        ch = n;
                                    }
                                }
                                Some(_) => {}
                            }
                        }
                        result.push(ch);
                    }
                }
            }
        }

        /// `processDollar` when no variable is ever set: the reference is kept as text.
        fn process_dollar(&mut self) -> Result<String, String> {
            self.next();
            if self.peek() != Some('{') {
                let name = self.process_name();
                if name.is_empty() {
                    return Ok("$".to_owned());
                }
                return Ok(format!("${name}"));
            }
            self.next();
            match self.peek() {
                None => return Err("syntax error: missing '}'".to_owned()),
                Some('{' | '}' | ':') => return Err("syntax error: bad substitution".to_owned()),
                Some(_) => {}
            }
            let name = self.process_name();
            let ch = self.next();
            let mut chs: String = ch.into_iter().collect();
            match ch {
                Some('}') => Ok(format!("${{{name}}}")),
                Some(':' | '+' | '-' | '?' | '#' | '%') => {
                    let mut modifier = ch;
                    if ch == Some(':') {
                        modifier = self.next();
                        chs.extend(modifier);
                    }
                    let raw = matches!(modifier, Some('#' | '%'));
                    let word = match self.process_stop_on(Some('}'), raw) {
                        Ok((word, _)) => word,
                        Err(e) => {
                            if self.peek().is_none() {
                                return Err("syntax error: missing '}'".to_owned());
                            }
                            return Err(e);
                        }
                    };
                    Ok(format!("${{{name}{chs}{word}}}"))
                }
                Some('/') => {
                    if self.peek() == Some('/') {
                        self.next();
                    }
                    let pattern = match self.process_stop_on(Some('/'), true) {
                        Ok((p, _)) => p,
                        Err(e) => {
                            if self.peek().is_none() {
                                return Err("syntax error: missing '/' in ${}".to_owned());
                            }
                            return Err(e);
                        }
                    };
                    let replacement = match self.process_stop_on(Some('}'), true) {
                        Ok((r, _)) => r,
                        Err(e) => {
                            if self.peek().is_none() {
                                return Err("syntax error: missing '}'".to_owned());
                            }
                            return Err(e);
                        }
                    };
                    Ok(format!("${{{name}/{pattern}/{replacement}}}"))
                }
                _ => Err(format!("unsupported modifier ({chs}) in substitution")),
            }
        }

        /// `processName`.
        fn process_name(&mut self) -> String {
            let mut name = String::new();
            while let Some(ch) = self.peek() {
                if name.is_empty() && is_go_digit(ch) {
                    while let Some(d) = self.peek().filter(|&d| is_go_digit(d)) {
                        self.next();
                        name.push(d);
                    }
                    return name;
                }
                if name.is_empty() && matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                    self.next();
                    name.push(ch);
                    return name;
                }
                if !ch.is_alphabetic() && !is_go_digit(ch) && ch != '_' {
                    break;
                }
                self.next();
                name.push(ch);
            }
            name
        }
    }

    /// `unicode.IsDigit`. Rust has no category-Nd query; non-ASCII numerics are accepted, which
    /// only matters for `$` names made of exotic digits.
    fn is_go_digit(c: char) -> bool {
        c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
    }

    /// `Lex.ProcessWords` with `RawQuotes = raw_quotes`, `RawEscapes = raw_escapes`,
    /// `SkipUnsetEnv = true` and no variables.
    pub(super) fn process_words(
        input: &str,
        raw_quotes: bool,
        raw_escapes: bool,
    ) -> Result<Vec<Word>, String> {
        // text/scanner skips a leading byte order mark.
        let skip = if input.starts_with('\u{feff}') { 3 } else { 0 };
        let mut chars = input.char_indices().peekable();
        if skip > 0 {
            chars.next();
        }
        let mut lx = Lexer {
            chars,
            len: input.len(),
            raw_quotes,
            raw_escapes,
        };
        let (_, words) = lx.process_stop_on(None, raw_escapes)?;
        Ok(words)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> Option<String> {
        parse_heredoc(s).unwrap().map(|h| h.name)
    }

    #[test]
    fn parse_heredoc_vectors() {
        assert_eq!(name("<<EOF").as_deref(), Some("EOF"));
        assert_eq!(name("<<'EOF'").as_deref(), Some("EOF"));
        assert_eq!(name("<<-\"EOF\"").as_deref(), Some("EOF"));
        assert_eq!(name("<<EO\"F\"").as_deref(), Some("EOF"));
        assert_eq!(name("<< EOF").as_deref(), Some("EOF"));
        assert_eq!(name("<<EOF sh"), None);
        assert_eq!(name("<<<EOF"), None);
        assert_eq!(name("<<-"), None);
        assert!(parse_heredoc("<<'EOF").is_err());
        assert!(parse_heredoc("<<EOF\"").is_err());
        let h = parse_heredoc("3<<-'EOF'").unwrap().unwrap();
        assert_eq!((h.file_descriptor, h.chomp, h.expand), (3, true, false));
        let h = parse_heredoc("<<eo\\'f").unwrap().unwrap();
        assert_eq!((h.name.as_str(), h.expand), ("eo'f", true));
    }

    #[test]
    fn from_line() {
        assert_eq!(
            heredoc_names_from_line("RUN <<EOF <<EOF2").unwrap(),
            ["EOF", "EOF2"]
        );
        assert_eq!(heredoc_names_from_line("RUN << -EOF").unwrap(), ["-EOF"]);
        assert!(heredoc_names_from_line("RUN '<<EOF'").unwrap().is_empty());
        assert!(heredoc_names_from_line("RUN \"<<EOF\"").unwrap().is_empty());
        let docs = heredocs_from_line("RUN 4<<EOF cat").unwrap();
        assert_eq!((docs[0].start, docs[0].end), (4, 10));
    }

    #[test]
    fn chomp() {
        assert_eq!(
            chomp_heredoc_content("\thello\n\tworld\n"),
            "hello\nworld\n"
        );
    }
}
