//! BuildKit shell-word lexer: variable substitution, quote removal and word splitting.
//!
//! A faithful port of `frontend/dockerfile/shell/lex.go` from moby/buildkit (Apache-2.0), in its
//! `EnvGetter` form, which rejects `${v:#…}` / `${v:%…}` (that check is at L380-384 of
//! <https://github.com/moby/buildkit/blob/ca4838f8ddbd3612bca94bcb8a938d8a326110a3/frontend/dockerfile/shell/lex.go>).
//! The earlier `[]string`-env version (moby/buildkit@0cdb0e33) differs only in that check, the env
//! API and the shared words buffer noted on `process_stop_on`. Behaviour is Linux's: variable
//! names are case-sensitive.
//!
//! Go's `text/scanner` is reproduced where it matters: a U+FEFF at the very start of the word (or
//! of a `${v#pattern}` pattern) is skipped, and "end of input" takes part in comparisons as the
//! rune `-1`, which Go prints as U+FFFD (`string(rune(-1))`).

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;
use std::sync::LazyLock;

use regex::Regex;

use crate::quote::go_quote;

/// Where variable values come from (BuildKit's `shell.EnvGetter`).
///
/// Lookups are exact (case-sensitive), as on Linux.
pub trait EnvGetter {
    /// The value of `key`, or `None` when it is unset. An empty value is *set*.
    fn get(&self, key: &str) -> Option<&str>;
}

impl<T: EnvGetter + ?Sized> EnvGetter for &T {
    fn get(&self, key: &str) -> Option<&str> {
        (**self).get(key)
    }
}

impl<S: BuildHasher> EnvGetter for HashMap<String, String, S> {
    fn get(&self, key: &str) -> Option<&str> {
        HashMap::get(self, key).map(String::as_str)
    }
}

impl EnvGetter for BTreeMap<String, String> {
    fn get(&self, key: &str) -> Option<&str> {
        BTreeMap::get(self, key).map(String::as_str)
    }
}

/// An ordered list of variables, as BuildKit's `EnvsFromSlice` builds from `KEY=value` strings.
///
/// A later entry for the same key wins; `keys()` keeps every key in order, duplicates included
/// (like `envGetter.Keys`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnvList {
    vars: Vec<(String, String)>,
}

impl EnvList {
    /// An empty environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds the list from `KEY=value` strings; an entry without `=` is `KEY` with an empty value
    /// (`strings.Cut(e, "=")` in `EnvsFromSlice`).
    pub fn from_kv_strings<I, S>(entries: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut list = Self::new();
        for entry in entries {
            let entry = entry.as_ref();
            let (key, value) = entry.split_once('=').unwrap_or((entry, ""));
            list.push(key, value);
        }
        list
    }

    /// Appends `key=value`; it shadows any earlier value of `key`.
    pub fn push(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.vars.push((key.into(), value.into()));
    }

    /// Sets `key` to `value` as BuildKit's `AddOrReplace` does: any earlier entry of `key` is
    /// removed and the new one goes last.
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.vars.retain(|(k, _)| k != key);
        self.vars.push((key.to_owned(), value.into()));
    }

    /// Every key in insertion order, duplicates included.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.vars.iter().map(|(k, _)| k.as_str())
    }

    /// Number of entries, duplicates included.
    pub fn len(&self) -> usize {
        self.vars.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }
}

impl EnvGetter for EnvList {
    fn get(&self, key: &str) -> Option<&str> {
        self.vars
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for EnvList {
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        Self {
            vars: iter
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }
}

/// The result of processing one word (BuildKit's `ProcessWordResult`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcessWordResult {
    /// The word after quote removal and substitution.
    pub result: String,
    /// The word split on unquoted whitespace that came from the source or from substitutions.
    pub words: Vec<String>,
    /// Variable names that were looked up and found, in order of first use.
    pub matched: Vec<String>,
    /// Variable names that were looked up and not found, in order of first use.
    pub unmatched: Vec<String>,
}

/// A failure to process a word: `failed to process "<word>": <kind>`, as BuildKit wraps it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("failed to process {}: {kind}", go_quote(word))]
pub struct LexError {
    /// The whole word that was being processed.
    pub word: String,
    /// What went wrong.
    pub kind: LexErrorKind,
}

/// The specific lexer error; `Display` gives BuildKit's exact text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LexErrorKind {
    /// A `${…}` part ended before its closing character (`}` or `/`) was found.
    #[error("unexpected end of statement while looking for matching {0}")]
    UnexpectedEnd(char),
    /// `'…` without its closing quote.
    #[error("unexpected end of statement while looking for matching single-quote")]
    UnterminatedSingleQuote,
    /// `"…` without its closing quote.
    #[error("unexpected end of statement while looking for matching double-quote")]
    UnterminatedDoubleQuote,
    /// `${` (or `${v:-…`) never closed.
    #[error("syntax error: missing '}}'")]
    MissingBrace,
    /// `${v/pattern` without the second `/`.
    #[error("syntax error: missing '/' in ${{}}")]
    MissingSlash,
    /// `${}`, `${{…}`, `${:…}`.
    #[error("syntax error: bad substitution")]
    BadSubstitution,
    /// An operator after the name that BuildKit does not implement; holds the operator text
    /// (U+FFFD stands for end of input, as in Go).
    #[error("unsupported modifier ({0}) in substitution")]
    UnsupportedModifier(String),
    /// `${v?msg}` / `${v:?msg}` with `v` unset (or empty).
    #[error("{name}: {message}")]
    Required {
        /// The variable name.
        name: String,
        /// The word after `?`, or BuildKit's default message.
        message: String,
    },
    /// More than [`MAX_NESTING`] substitutions inside one another. Not a BuildKit error: Go's
    /// growable stacks accept any depth, but a native stack does not, so we stop early.
    #[error("substitutions nested too deeply (more than {MAX_NESTING})")]
    TooDeep,
    /// The shell pattern of `${v#…}`, `${v%…}` or `${v/…/…}` could not be converted.
    #[error("invalid pattern ({pattern}) in substitution: {reason}")]
    InvalidPattern {
        /// The pattern as written (after expansion).
        pattern: String,
        /// Why it is invalid (`invalid escape '\x'`, or a regex error).
        reason: String,
    },
}

/// How many `$…` substitutions may be nested (`${a:-${b:-…}}`, or through quotes) before
/// [`LexErrorKind::TooDeep`]; keeps recursion far from the stack limit of a 2 MiB thread in a
/// debug build.
pub const MAX_NESTING: usize = 100;

/// Shell-word processor (BuildKit's `shell.Lex`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lex {
    escape_token: char,
    /// Keep quote characters in the output (used to split heredoc words).
    pub raw_quotes: bool,
    /// Keep escape characters in the output.
    pub raw_escapes: bool,
    /// Treat `'` and `"` as ordinary characters.
    pub skip_process_quotes: bool,
    /// Leave references to unset variables as written (`$v`, `${v}`, `${v:-w}`…).
    pub skip_unset_env: bool,
}

impl Default for Lex {
    fn default() -> Self {
        Self::new('\\')
    }
}

impl Lex {
    /// A lexer with the given escape token (`\` by default, `` ` `` with `# escape=``).
    pub fn new(escape_token: char) -> Self {
        Self {
            escape_token,
            raw_quotes: false,
            raw_escapes: false,
            skip_process_quotes: false,
            skip_unset_env: false,
        }
    }

    /// The escape token.
    pub fn escape_token(&self) -> char {
        self.escape_token
    }

    /// Processes `word` with the variables of `env` (BuildKit's `ProcessWordWithMatches`; its
    /// `ProcessWord` is `result` + `unmatched`).
    pub fn process_word<E: EnvGetter + ?Sized>(
        &self,
        word: &str,
        env: &E,
    ) -> Result<ProcessWordResult, LexError> {
        // Most words (`python:3.12-slim`, `/app`, `8000`) hold nothing the lexer acts on: no
        // `$`, no quote, no escape token, no BOM. lex.go's loop then only copies each rune to
        // the result and splits the words at spaces (`wordsStruct.addChar`), which is what
        // this does without the per-rune work.
        let quotes = !self.skip_process_quotes;
        if !word.starts_with('\u{FEFF}')
            && !word.contains(|c: char| {
                c == '$' || c == self.escape_token || (quotes && (c == '\'' || c == '"'))
            })
        {
            return Ok(ProcessWordResult {
                result: word.to_owned(),
                words: word
                    .split(go_is_space)
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned)
                    .collect(),
                matched: Vec::new(),
                unmatched: Vec::new(),
            });
        }
        self.process_word_scanned(word, env)
    }

    /// [`Lex::process_word`] rune by rune, as lex.go does it.
    fn process_word_scanned<E: EnvGetter + ?Sized>(
        &self,
        word: &str,
        env: &E,
    ) -> Result<ProcessWordResult, LexError> {
        let mut sw = ShellWord {
            lex: self,
            scanner: Scanner::new(word),
            env,
            raw_escapes: self.raw_escapes,
            depth: 0,
            matched: Vec::new(),
            unmatched: Vec::new(),
        };
        match sw.process_stop_on(None, self.raw_escapes) {
            Ok((result, words)) => Ok(ProcessWordResult {
                result,
                words,
                matched: sw.matched,
                unmatched: sw.unmatched,
            }),
            Err(kind) => Err(LexError {
                word: word.to_owned(),
                kind,
            }),
        }
    }

    /// Processes `word` and splits the result into words (BuildKit's `ProcessWords`).
    pub fn process_words<E: EnvGetter + ?Sized>(
        &self,
        word: &str,
        env: &E,
    ) -> Result<Vec<String>, LexError> {
        self.process_word(word, env).map(|r| r.words)
    }
}

/// Go's `text/scanner.Scanner` as lex.go uses it: `Peek`/`Next` over runes, `None` = `EOF`,
/// and a BOM as the first rune is skipped.
struct Scanner<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn new(src: &'a str) -> Self {
        // text/scanner `Peek`: "if s.ch == '\uFEFF' { s.ch = s.next() // ignore BOM }" (first
        // rune only).
        let pos = if src.starts_with('\u{FEFF}') {
            '\u{FEFF}'.len_utf8()
        } else {
            0
        };
        Self { src, pos }
    }

    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn next(&mut self) -> Option<char> {
        let ch = self.peek()?;
        self.pos += ch.len_utf8();
        Some(ch)
    }
}

/// Go's `string(ch)` for a rune that may be `EOF` (-1): the replacement character.
fn rune_str(ch: Option<char>) -> char {
    ch.unwrap_or('\u{FFFD}')
}

/// Word-splitting state (lex.go `wordsStruct`).
#[derive(Default)]
struct Words {
    current: String,
    done: Vec<String>,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, ch: char) {
        if go_is_space(ch) && self.in_word {
            if !self.current.is_empty() {
                self.done.push(std::mem::take(&mut self.current));
                self.in_word = false;
            }
        } else if !go_is_space(ch) {
            self.add_raw_char(ch);
        }
    }

    fn add_raw_char(&mut self, ch: char) {
        self.current.push(ch);
        self.in_word = true;
    }

    fn add_string(&mut self, s: &str) {
        for ch in s.chars() {
            self.add_char(ch);
        }
    }

    fn add_raw_string(&mut self, s: &str) {
        self.current.push_str(s);
        self.in_word = true;
    }

    fn into_words(mut self) -> Vec<String> {
        if !self.current.is_empty() {
            self.done.push(self.current);
        }
        self.done
    }
}

/// lex.go `shellWord`.
struct ShellWord<'a, E: ?Sized> {
    lex: &'a Lex,
    scanner: Scanner<'a>,
    env: &'a E,
    raw_escapes: bool,
    /// Current `process_dollar` nesting.
    depth: usize,
    matched: Vec<String>,
    unmatched: Vec<String>,
}

type LexResult<T> = Result<T, LexErrorKind>;

impl<E: EnvGetter + ?Sized> ShellWord<'_, E> {
    /// lex.go `processStopOn`: process until end of input (`stop == None`) or the stop rune.
    ///
    /// Deviation: newer lex.go shares one `wordsBuffer` between nested calls and resets it on
    /// entry, so a `${v:-w}` inside a word would drop the word's earlier characters from `Words`
    /// (not from the result string). We keep one buffer per call, the behaviour of the older
    /// lex.go (moby/buildkit@0cdb0e33) and the evident intent.
    fn process_stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> LexResult<(String, Vec<String>)> {
        // "temporarily set sw.rawEscapes if needed"
        let saved = std::mem::replace(&mut self.raw_escapes, raw_escapes);
        let out = self.process_stop_on_inner(stop);
        self.raw_escapes = saved;
        out
    }

    fn process_stop_on_inner(&mut self, stop: Option<char>) -> LexResult<(String, Vec<String>)> {
        let mut result = String::new();
        let mut words = Words::default();
        let quotes = !self.lex.skip_process_quotes;

        while let Some(ch) = self.scanner.peek() {
            if stop == Some(ch) {
                self.scanner.next();
                return Ok((result, words.into_words()));
            }
            let special = match ch {
                '$' => Some(self.process_dollar()),
                '\'' if quotes => Some(self.process_single_quote()),
                '"' if quotes => Some(self.process_double_quote()),
                _ => None,
            };
            if let Some(tmp) = special {
                let tmp = tmp?;
                result.push_str(&tmp);
                if ch == '$' {
                    words.add_string(&tmp);
                } else {
                    words.add_raw_string(&tmp);
                }
                continue;
            }
            // Not special, just add it to the result.
            let mut ch = ch;
            self.scanner.next();
            if ch == self.lex.escape_token {
                if self.raw_escapes {
                    words.add_raw_char(ch);
                    result.push(ch);
                }
                // The escape token escapes anything, except end of input.
                match self.scanner.next() {
                    None => break,
                    Some(next) => ch = next,
                }
                words.add_raw_char(ch);
            } else {
                words.add_char(ch);
            }
            result.push(ch);
        }
        if let Some(stop) = stop {
            return Err(LexErrorKind::UnexpectedEnd(stop));
        }
        Ok((result, words.into_words()))
    }

    /// lex.go `processSingleQuote`: everything up to the next `'` is literal.
    fn process_single_quote(&mut self) -> LexResult<String> {
        let mut result = String::new();
        let open = self.scanner.next();
        if self.lex.raw_quotes {
            result.push(rune_str(open));
        }
        loop {
            match self.scanner.next() {
                None => return Err(LexErrorKind::UnterminatedSingleQuote),
                Some('\'') => {
                    if self.lex.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(ch) => result.push(ch),
            }
        }
    }

    /// lex.go `processDoubleQuote`: `$` expands; the escape token only escapes `"`, `$` and
    /// itself (otherwise it is kept).
    fn process_double_quote(&mut self) -> LexResult<String> {
        let mut result = String::new();
        let open = self.scanner.next();
        if self.lex.raw_quotes {
            result.push(rune_str(open));
        }
        loop {
            match self.scanner.peek() {
                None => return Err(LexErrorKind::UnterminatedDoubleQuote),
                Some('"') => {
                    self.scanner.next();
                    if self.lex.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let value = self.process_dollar()?;
                    result.push_str(&value);
                }
                Some(mut ch) => {
                    self.scanner.next();
                    if ch == self.lex.escape_token {
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.scanner.peek() {
                            // Ignore the escape at end of word.
                            None => continue,
                            Some(next)
                                if next == '"' || next == '$' || next == self.lex.escape_token =>
                            {
                                self.scanner.next();
                                ch = next;
                            }
                            Some(_) => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    /// lex.go `processDollar`, with a nesting limit.
    fn process_dollar(&mut self) -> LexResult<String> {
        if self.depth >= MAX_NESTING {
            return Err(LexErrorKind::TooDeep);
        }
        self.depth += 1;
        let out = self.process_dollar_inner();
        self.depth -= 1;
        out
    }

    fn process_dollar_inner(&mut self) -> LexResult<String> {
        self.scanner.next();

        // $xxx case
        if self.scanner.peek() != Some('{') {
            let name = self.process_name();
            if name.is_empty() {
                return Ok("$".to_owned());
            }
            return Ok(match self.get_env(&name) {
                Some(value) => value,
                None if self.lex.skip_unset_env => format!("${name}"),
                None => String::new(),
            });
        }

        self.scanner.next();
        match self.scanner.peek() {
            None => return Err(LexErrorKind::MissingBrace),
            // Invalid ${{xx}, ${:xx}, ${:}. ${} case
            Some('{' | '}' | ':') => return Err(LexErrorKind::BadSubstitution),
            Some(_) => {}
        }
        let name = self.process_name();
        let mut ch = self.scanner.next();
        let mut chs = String::from(rune_str(ch));
        let mut null_is_unset = false;

        match ch {
            Some('}') => {
                // Normal ${xx} case
                Ok(match self.get_env(&name) {
                    Some(value) => value,
                    None if self.lex.skip_unset_env => format!("${{{name}}}"),
                    None => String::new(),
                })
            }
            Some(':' | '+' | '-' | '?' | '#' | '%') => {
                if ch == Some(':') {
                    null_is_unset = true;
                    ch = self.scanner.next();
                    chs.push(rune_str(ch));
                    // fallthrough
                }
                let raw_escapes = matches!(ch, Some('#' | '%'));
                if null_is_unset && raw_escapes {
                    return Err(LexErrorKind::UnsupportedModifier(chs));
                }
                let word = match self.process_stop_on(Some('}'), raw_escapes) {
                    Ok((word, _)) => word,
                    Err(_) if self.scanner.peek().is_none() => {
                        return Err(LexErrorKind::MissingBrace);
                    }
                    Err(err) => return Err(err),
                };

                // Grab the current value of the variable in question so we can use it to
                // determine what to do based on the modifier.
                let value = self.get_env(&name);
                if self.lex.skip_unset_env && value.is_none() {
                    return Ok(format!("${{{name}{chs}{word}}}"));
                }
                let set = value.is_some();
                let value = value.unwrap_or_default();
                let null = null_is_unset && value.is_empty();

                match ch {
                    Some('-') => Ok(if !set || null { word } else { value }),
                    Some('+') => Ok(if !set || null { String::new() } else { word }),
                    Some('?') => {
                        if !set || null {
                            let message = if !word.is_empty() {
                                word
                            } else if !set {
                                "is not allowed to be unset".to_owned()
                            } else {
                                "is not allowed to be empty".to_owned()
                            };
                            return Err(LexErrorKind::Required { name, message });
                        }
                        Ok(value)
                    }
                    Some(op @ ('%' | '#')) => {
                        // %/# matches the shortest pattern expansion, %%/## the longest.
                        let (pattern, greedy) = match word.strip_prefix(op) {
                            Some(rest) => (rest, true),
                            None => (word.as_str(), false),
                        };
                        if op == '%' {
                            trim_suffix(pattern, &value, greedy)
                        } else {
                            trim_prefix(pattern, &value, greedy)
                        }
                    }
                    _ => Err(LexErrorKind::UnsupportedModifier(chs)),
                }
            }
            Some('/') => {
                let replace_all = self.scanner.peek() == Some('/');
                if replace_all {
                    self.scanner.next();
                }
                let pattern = match self.process_stop_on(Some('/'), true) {
                    Ok((pattern, _)) => pattern,
                    Err(_) if self.scanner.peek().is_none() => {
                        return Err(LexErrorKind::MissingSlash);
                    }
                    Err(err) => return Err(err),
                };
                let replacement = match self.process_stop_on(Some('}'), true) {
                    Ok((replacement, _)) => replacement,
                    Err(_) if self.scanner.peek().is_none() => {
                        return Err(LexErrorKind::MissingBrace);
                    }
                    Err(err) => return Err(err),
                };

                let value = self.get_env(&name);
                if self.lex.skip_unset_env && value.is_none() {
                    return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
                }
                let value = value.unwrap_or_default();
                let re = convert_shell_pattern_to_regex(&pattern, true, false)?;
                Ok(replace(&re, &value, &replacement, replace_all))
            }
            _ => Err(LexErrorKind::UnsupportedModifier(chs)),
        }
    }

    /// lex.go `processName`: a name of letters, digits and `_`; a leading digit run is a
    /// positional name; a single special parameter character is a name on its own.
    fn process_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.scanner.peek() {
            if name.is_empty() && go_is_digit(ch) {
                while let Some(d) = self.scanner.peek().filter(|&c| go_is_digit(c)) {
                    self.scanner.next();
                    name.push(d);
                }
                return name;
            }
            if name.is_empty() && is_special_param(ch) {
                self.scanner.next();
                return ch.to_string();
            }
            if !go_is_letter(ch) && !go_is_digit(ch) && ch != '_' {
                break;
            }
            self.scanner.next();
            name.push(ch);
        }
        name
    }

    /// lex.go `getEnv`, recording matched / unmatched names.
    fn get_env(&mut self, name: &str) -> Option<String> {
        if let Some(value) = self.env.get(name) {
            if !self.matched.iter().any(|n| n == name) {
                self.matched.push(name.to_owned());
            }
            Some(value.to_owned())
        } else {
            if !self.unmatched.iter().any(|n| n == name) {
                self.unmatched.push(name.to_owned());
            }
            None
        }
    }
}

/// lex.go `isSpecialParam` (POSIX special parameters).
fn is_special_param(ch: char) -> bool {
    matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

/// Go `unicode.IsSpace`: the Latin-1 spaces plus the Unicode `White_Space` property, which is
/// what Rust's `char::is_whitespace` implements.
fn go_is_space(ch: char) -> bool {
    ch.is_whitespace()
}

static LETTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\p{L}$").expect("constant regex compiles"));
static DIGIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\p{Nd}$").expect("constant regex compiles"));

fn char_matches(re: &Regex, ch: char) -> bool {
    let mut buf = [0u8; 4];
    re.is_match(ch.encode_utf8(&mut buf))
}

/// Go `unicode.IsLetter` (general category L). Rust's `is_alphabetic` is wider.
fn go_is_letter(ch: char) -> bool {
    if ch.is_ascii() {
        ch.is_ascii_alphabetic()
    } else {
        char_matches(&LETTER, ch)
    }
}

/// Go `unicode.IsDigit` (general category Nd). Rust's `is_numeric` is wider.
fn go_is_digit(ch: char) -> bool {
    if ch.is_ascii() {
        ch.is_ascii_digit()
    } else {
        char_matches(&DIGIT, ch)
    }
}

/// lex.go `convertShellPatternToRegex`: `*` → `.*` (greedy) or `.*?`, `?` → `.`, `\` escapes
/// `*`, `?` and `\` (and is dropped before `}` and `/`); other regex metacharacters are
/// escaped. No bracket expressions.
fn convert_shell_pattern_to_regex(pattern: &str, greedy: bool, anchored: bool) -> LexResult<Regex> {
    let invalid = |reason: String| LexErrorKind::InvalidPattern {
        pattern: pattern.to_owned(),
        reason,
    };
    let source = shell_pattern_to_regex_source(pattern, greedy, anchored).map_err(invalid)?;
    Regex::new(&source).map_err(|err| invalid(err.to_string()))
}

fn shell_pattern_to_regex_source(
    pattern: &str,
    greedy: bool,
    anchored: bool,
) -> Result<String, String> {
    let mut s = Scanner::new(pattern);
    let mut out = String::with_capacity(pattern.len() + 4);
    if anchored {
        out.push('^');
    }
    let star = if greedy { ".*" } else { ".*?" };
    while let Some(tok) = s.next() {
        let mut tok = tok;
        match tok {
            '*' => {
                out.push_str(star);
                continue;
            }
            '?' => {
                out.push('.');
                continue;
            }
            '\\' => {
                // } and / as part of ${} need to be escaped, but the escape isn't part of the
                // pattern.
                if matches!(s.peek(), Some('}' | '/')) {
                    continue;
                }
                out.push('\\');
                let next = s.next();
                match next {
                    Some(c @ ('*' | '?' | '\\')) => tok = c,
                    _ => return Err(format!("invalid escape '\\{}'", rune_str(next))),
                }
            }
            '[' | ']' | '{' | '}' | '.' | '+' | '(' | ')' | '|' | '^' | '$' => out.push('\\'),
            _ => {}
        }
        out.push(tok);
    }
    Ok(out)
}

/// lex.go `trimPrefix`: remove the shortest (or longest) prefix matching `pattern`.
fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> LexResult<String> {
    let re = convert_shell_pattern_to_regex(pattern, greedy, true)?;
    Ok(match re.find(value) {
        Some(m) => value.get(m.end()..).unwrap_or_default().to_owned(),
        None => value.to_owned(),
    })
}

/// lex.go `reversePattern`: reverse the runes but keep each `\x` escape pair in order.
fn reverse_pattern(pattern: &str) -> String {
    let runes: Vec<char> = pattern.chars().collect();
    let Some(last) = runes.len().checked_sub(1) else {
        return String::new();
    };
    let mut out = vec!['\0'; runes.len()];
    let mut i = 0;
    while i <= last {
        let tok = runes[i];
        let out_idx = last - i;
        if tok == '\\' && i != last {
            // i < last, so out_idx >= 1.
            out[out_idx - 1] = tok;
            out[out_idx] = runes[i + 1];
            i += 2;
        } else {
            out[out_idx] = tok;
            i += 1;
        }
    }
    out.into_iter().collect()
}

fn reverse_string(s: &str) -> String {
    s.chars().rev().collect()
}

/// lex.go `trimSuffix`: regular expressions can't find the shortest rightmost match, so both
/// the pattern and the value are reversed and a prefix is trimmed.
fn trim_suffix(pattern: &str, value: &str, greedy: bool) -> LexResult<String> {
    let pattern = reverse_pattern(pattern);
    let value = reverse_string(value);
    trim_prefix(&pattern, &value, greedy).map(|s| reverse_string(&s))
}

/// The `${v/p/r}` (first match, literal replacement) and `${v//p/r}` (Go
/// `Regexp.ReplaceAllString`, which expands `$name` templates in the replacement) forms.
fn replace(re: &Regex, value: &str, replacement: &str, all: bool) -> String {
    if all {
        return go_replace_all(re, value, replacement);
    }
    match re.find(value) {
        Some(m) => {
            let mut out = String::with_capacity(value.len() + replacement.len());
            out.push_str(&value[..m.start()]);
            out.push_str(replacement);
            out.push_str(&value[m.end()..]);
            out
        }
        None => value.to_owned(),
    }
}

/// Go `regexp.(*Regexp).ReplaceAllString` (regexp.go `replaceAll`): an empty match right after
/// the previous match is not replaced, and the search always advances by at least one rune.
fn go_replace_all(re: &Regex, src: &str, template: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut last_match_end = 0;
    let mut search_pos = 0;
    while search_pos <= src.len() {
        let Some(m) = re.find_at(src, search_pos) else {
            break;
        };
        out.push_str(&src[last_match_end..m.start()]);
        if m.end() > last_match_end || m.start() == 0 {
            go_expand(&mut out, template, m.as_str());
        }
        last_match_end = m.end();
        let width = src[search_pos..].chars().next().map_or(0, char::len_utf8);
        if search_pos + width > m.end() {
            search_pos += width;
        } else if search_pos + 1 > m.end() {
            search_pos += 1;
        } else {
            search_pos = m.end();
        }
    }
    out.push_str(src.get(last_match_end..).unwrap_or_default());
    out
}

/// Go `regexp.(*Regexp).expand` for a regex without capture groups: `$$` is `$`, `$0` / `${0}`
/// the match, any other well-formed `$name` / `${name}` empty, and a malformed `$` literal.
fn go_expand(out: &mut String, template: &str, whole: &str) {
    let mut rest = template;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        match go_extract(rest) {
            Some((name, after)) => {
                if name == "0" {
                    out.push_str(whole);
                }
                rest = after;
            }
            None => out.push('$'),
        }
    }
    out.push_str(rest);
}

/// Go `regexp.extract`: the template name after `$` and the remaining text.
fn go_extract(s: &str) -> Option<(&str, &str)> {
    let (braced, body) = match s.strip_prefix('{') {
        Some(body) => (true, body),
        None => (false, s),
    };
    let end = body
        .char_indices()
        .find(|&(_, c)| !(go_is_letter(c) || go_is_digit(c) || c == '_'))
        .map_or(body.len(), |(i, _)| i);
    if end == 0 {
        return None;
    }
    let name = &body[..end];
    let mut rest = &body[end..];
    if braced {
        rest = rest.strip_prefix('}')?;
    }
    Some((name, rest))
}

#[cfg(test)]
mod tests {
    //! Unit tests ported from moby/buildkit `frontend/dockerfile/shell/lex_test.go`
    //! (Apache-2.0), moby/buildkit@12f04ef5.
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> EnvList {
        pairs.iter().copied().collect()
    }

    /// The shortcut for words without `$`, quotes or escapes gives what the rune-by-rune
    /// scan gives.
    #[test]
    fn plain_words_shortcut_is_the_scan() {
        let env = env(&[("A", "1")]);
        for escape in ['\\', '`'] {
            for quotes in [true, false] {
                let mut lex = Lex::new(escape);
                lex.skip_process_quotes = !quotes;
                for word in [
                    "",
                    "python:3.12-slim",
                    "  a  b\tc\n",
                    "a\u{a0}b\u{2003}c\u{85}d",
                    "é ü",
                    "x\u{FEFF}y",
                    "\u{FEFF}bom",
                    "it's",
                    "say \"hi\"",
                    "a\\b",
                    "a`b",
                    "$A",
                ] {
                    assert_eq!(
                        lex.process_word(word, &env),
                        lex.process_word_scanned(word, &env),
                        "{word:?} escape {escape:?} quotes {quotes}"
                    );
                }
            }
        }
    }

    #[test]
    fn convert_shell_pattern_to_regex_cases() {
        // lex_test.go TestConvertShellPatternToRegex
        let cases = [
            ("*", "^.*"),
            ("?", "^."),
            ("\\*", "^\\*"),
            (
                "(()[]{\\}^$.\\*\\?|\\\\",
                "^\\(\\(\\)\\[\\]\\{\\}\\^\\$\\.\\*\\?\\|\\\\",
            ),
        ];
        for (pattern, expected) in cases {
            let res = shell_pattern_to_regex_source(pattern, true, true).unwrap();
            assert_eq!(res, expected, "pattern {pattern:?}");
            assert!(Regex::new(&res).is_ok());
        }
        for pattern in ["\\", "\\x", "\\\\\\"] {
            assert!(
                convert_shell_pattern_to_regex(pattern, true, true).is_err(),
                "{pattern:?}"
            );
        }
    }

    #[test]
    fn reverse_string_cases() {
        // lex_test.go TestReverseString
        assert_eq!(reverse_string("54321"), "12345");
        assert_eq!(reverse_string("🖖🚀👽"), "👽🚀🖖");
    }

    #[test]
    fn reverse_pattern_cases() {
        // lex_test.go TestReversePattern
        let cases = [
            ("a\\*c", "c\\*a"),
            ("\\\\\\ab", "b\\a\\\\"),
            ("ab\\", "\\ba"),
            ("👽\\🚀🖖", "🖖\\🚀👽"),
            ("\\\\b", "b\\\\"),
        ];
        for (pattern, expected) in cases {
            assert_eq!(reverse_pattern(pattern), expected, "pattern {pattern:?}");
        }
    }

    #[test]
    fn mandatory_env_vars() {
        // lex_test.go TestShellParserMandatoryEnvVars
        let lex = Lex::new('\\');
        let set = env(&[("VAR", "plain"), ("ARG", "x")]);
        let empty = env(&[("VAR", ""), ("ARG", "x")]);
        let unset = env(&[("ARG", "x")]);
        let no_empty = "${VAR:?message here$ARG}";
        let no_unset = "${VAR?message here$ARG}";

        assert_eq!(lex.process_word(no_empty, &set).unwrap().result, "plain");
        let err = lex.process_word(no_empty, &empty).unwrap_err();
        assert!(err.to_string().contains("message herex"), "{err}");
        let err = lex.process_word(no_empty, &unset).unwrap_err();
        assert!(err.to_string().contains("message herex"), "{err}");

        assert_eq!(lex.process_word(no_unset, &set).unwrap().result, "plain");
        assert_eq!(lex.process_word(no_unset, &empty).unwrap().result, "");
        let err = lex.process_word(no_unset, &unset).unwrap_err();
        assert!(err.to_string().contains("message herex"), "{err}");
    }

    #[test]
    fn get_env_last_wins() {
        // lex_test.go TestGetEnv
        assert_eq!(
            EnvList::from_kv_strings(Vec::<&str>::new()).get("foo"),
            None
        );
        assert_eq!(EnvList::from_kv_strings(["foo"]).get("foo"), Some(""));
        assert_eq!(EnvList::from_kv_strings(["foo="]).get("foo"), Some(""));
        assert_eq!(
            EnvList::from_kv_strings(["foo=bar"]).get("foo"),
            Some("bar")
        );
        let two = EnvList::from_kv_strings(["foo=bar", "car=hat"]);
        assert_eq!(two.get("foo"), Some("bar"));
        assert_eq!(two.get("car"), Some("hat"));
        let three = EnvList::from_kv_strings(["foo=bar", "car=hat", "car=bike"]);
        assert_eq!(three.get("car"), Some("bike"));
    }

    struct Case {
        input: &'static str,
        envs: &'static [(&'static str, &'static str)],
        expected: Option<&'static str>,
        matches: &'static [&'static str],
        unmatched: &'static [&'static str],
    }

    const fn ok(
        input: &'static str,
        envs: &'static [(&'static str, &'static str)],
        expected: &'static str,
        matches: &'static [&'static str],
        unmatched: &'static [&'static str],
    ) -> Case {
        Case {
            input,
            envs,
            expected: Some(expected),
            matches,
            unmatched,
        }
    }

    const fn err(input: &'static str, envs: &'static [(&'static str, &'static str)]) -> Case {
        Case {
            input,
            envs,
            expected: None,
            matches: &[],
            unmatched: &[],
        }
    }

    const FB: &[(&str, &str)] = &[("FOO", "xxx"), ("BAR", "")];

    #[test]
    fn process_with_matches() {
        // lex_test.go TestProcessWithMatches
        let cases = [
            ok("x", &[("DUMMY", "dummy")], "x", &[], &[]),
            ok("x ${UNUSED}", &[("DUMMY", "dummy")], "x ", &[], &["UNUSED"]),
            ok("x ${FOO}", &[("FOO", "y")], "x y", &["FOO"], &[]),
            ok(
                "${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}",
                FB,
                "xxx  ccc",
                &["FOO", "BAR"],
                &["BAZ"],
            ),
            ok(
                "${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}",
                FB,
                "xxx bbb ccc",
                &["FOO", "BAR"],
                &["BAZ"],
            ),
            ok("${FOO:-}", FB, "xxx", &["FOO"], &[]),
            ok("${FOO:-}", &[], "", &[], &["FOO"]),
            ok(
                "${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}",
                FB,
                "aaa bbb ",
                &["FOO", "BAR"],
                &["BAZ"],
            ),
            ok(
                "${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}",
                FB,
                "aaa  ",
                &["FOO", "BAR"],
                &["BAZ"],
            ),
            ok("${FOO?aaa}", FB, "xxx", &["FOO"], &[]),
            ok("${BAR?bbb}", FB, "", &["BAR"], &[]),
            err("${BAZ?ccc}", FB),
            ok("${FOO:?aaa}", FB, "xxx", &["FOO"], &[]),
            err("${BAR:?bbb}", FB),
            err("${BAZ:?ccc}", FB),
            err("${BAZ:?}", FB),
            err("${FOO=aaa}", FB),
            err("${FOO=:aaa}", FB),
            err("${FOO=}", &[]),
            ok(
                "${FOO#()[]{\\}^$.\\*\\?|\\\\}",
                &[("FOO", "()[]{}^$.*?|\\x")],
                "x",
                &["FOO"],
                &[],
            ),
            ok("${FOO%%\\**}", &[("FOO", "xx**")], "xx", &["FOO"], &[]),
            ok("${FOO#*x*y}", &[("FOO", "xxyy")], "y", &["FOO"], &[]),
            ok("${FOO#*}", &[("FOO", "xxyy")], "xxyy", &["FOO"], &[]),
            ok(
                "${FOO#$BAR}",
                &[("FOO", "xxyy"), ("BAR", "x")],
                "xyy",
                &["FOO", "BAR"],
                &[],
            ),
            ok(
                "${FOO#$BAR}",
                &[("FOO", "xxyy"), ("BAR", "")],
                "xxyy",
                &["FOO", "BAR"],
                &[],
            ),
            ok("${FOO#}", &[("FOO", "xxyy")], "xxyy", &["FOO"], &[]),
            ok("${FOO##*x}", &[("FOO", "xxyy")], "yy", &["FOO"], &[]),
            ok("${FOO##}", &[("FOO", "xxyy")], "xxyy", &["FOO"], &[]),
            ok("${FOO#?\\?}", &[("FOO", "???y")], "?y", &["FOO"], &[]),
            ok(
                "${ABC:-.}${FOO%x}${ABC:-.}",
                &[("FOO", "xxyy")],
                ".xxyy.",
                &["FOO"],
                &["ABC"],
            ),
            ok("${FOO%%\\**\\*}", &[("FOO", "a***yy*")], "a", &["FOO"], &[]),
            ok("${FOO%}", &[("FOO", "xxyy")], "xxyy", &["FOO"], &[]),
            ok(
                "${FOO%%$BAR}",
                &[("FOO", "xxyy"), ("BAR", "")],
                "xxyy",
                &["FOO", "BAR"],
                &[],
            ),
            ok(
                "${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}",
                &[("FOO", "/foo*/*/*.txt"), ("NEEDLE", "\\*/")],
                "/foo.*/*.txt - /foo..*.txt",
                &["FOO", "NEEDLE"],
                &[],
            ),
            ok(
                "${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}",
                &[("FOO", "/tmp/tmp/bar.txt"), ("NEEDLE", "/tmp")],
                "/tmp/bar.txt - /bar.txt",
                &["FOO", "NEEDLE"],
                &[],
            ),
            ok(
                "${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}",
                &[
                    ("FOO", "/a/foo/b/c.txt"),
                    ("NEEDLE", "/?/"),
                    ("REPLACEMENT", "/"),
                ],
                "/foo/b/c.txt - /foo/c.txt",
                &["FOO", "NEEDLE", "REPLACEMENT"],
                &[],
            ),
            ok(
                "${FOO/$NEEDLE/$REPLACEMENT}",
                &[
                    ("FOO", "http://google.de"),
                    ("NEEDLE", "http://"),
                    ("REPLACEMENT", "https://"),
                ],
                "https://google.de",
                &["FOO", "NEEDLE", "REPLACEMENT"],
                &[],
            ),
            ok(
                "${FOO//\\//\\/}",
                &[("FOO", "/tmp/foo.txt")],
                "\\/tmp\\/foo.txt",
                &["FOO"],
                &[],
            ),
            ok(
                "${FOO/$BAR/ww}",
                &[("FOO", "xxyy"), ("BAR", "")],
                "wwxxyy",
                &["FOO", "BAR"],
                &[],
            ),
            err("${FOO//ww}", &[("FOO", "xxyy")]),
            err("${FOO//}", &[("FOO", "xxyy")]),
            ok("${FOO///}", &[("FOO", "xxyy")], "xxyy", &["FOO"], &[]),
            ok("${FOO///}", &[], "", &[], &["FOO"]),
        ];
        let lex = Lex::new('\\');
        for case in cases {
            let envs = env(case.envs);
            let res = lex.process_word(case.input, &envs);
            match case.expected {
                None => assert!(res.is_err(), "{:?} should fail: {res:?}", case.input),
                Some(expected) => {
                    let res = res.unwrap_or_else(|e| panic!("{:?}: {e}", case.input));
                    assert_eq!(res.result, expected, "{:?}", case.input);
                    let mut got = res.matched.clone();
                    got.sort_unstable();
                    let mut want: Vec<String> =
                        case.matches.iter().map(|s| (*s).to_owned()).collect();
                    want.sort_unstable();
                    assert_eq!(got, want, "matches of {:?}", case.input);
                    let mut got = res.unmatched.clone();
                    got.sort_unstable();
                    let mut want: Vec<String> =
                        case.unmatched.iter().map(|s| (*s).to_owned()).collect();
                    want.sort_unstable();
                    assert_eq!(got, want, "unmatched of {:?}", case.input);
                }
            }
        }
    }

    #[test]
    fn process_with_matches_platform() {
        // lex_test.go TestProcessWithMatchesPlatform
        let lex = Lex::new('\\');
        let release = "something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz";
        let e = env(&[
            ("VERSION", "v1.2.3"),
            ("TARGETOS", "linux"),
            ("TARGETARCH", "arm"),
            ("TARGETVARIANT", "v7"),
        ]);
        assert_eq!(
            lex.process_word(release, &e).unwrap().result,
            "something-v1.2.3.linux-arm-v7.tar.gz"
        );
        let e = env(&[
            ("VERSION", "v1.2.3"),
            ("TARGETOS", "linux"),
            ("TARGETARCH", "arm64"),
            ("TARGETVARIANT", ""),
        ]);
        assert_eq!(
            lex.process_word(release, &e).unwrap().result,
            "something-v1.2.3.linux-arm64.tar.gz"
        );
        let e = env(&[
            ("VERSION", "v1.2.3"),
            ("TARGETOS", "linux"),
            ("TARGETARCH", "arm64"),
        ]);
        assert_eq!(
            lex.process_word(release, &e).unwrap().result,
            "something-v1.2.3.linux-arm64.tar.gz"
        );
    }

    // Tests below are ours (not from lex_test.go): exact texts and Go-specific corners.

    fn lex_err(word: &str) -> String {
        Lex::new('\\')
            .process_word(word, &EnvList::new())
            .unwrap_err()
            .kind
            .to_string()
    }

    #[test]
    fn error_texts() {
        assert_eq!(lex_err("${"), "syntax error: missing '}'");
        assert_eq!(lex_err("${}"), "syntax error: bad substitution");
        assert_eq!(lex_err("${:-x}"), "syntax error: bad substitution");
        assert_eq!(lex_err("${a:-x"), "syntax error: missing '}'");
        assert_eq!(lex_err("${a/x"), "syntax error: missing '/' in ${}");
        assert_eq!(
            lex_err("${a=x}"),
            "unsupported modifier (=) in substitution"
        );
        assert_eq!(
            lex_err("${a:#x}"),
            "unsupported modifier (:#) in substitution"
        );
        assert_eq!(
            lex_err("${a:%x}"),
            "unsupported modifier (:%) in substitution"
        );
        assert_eq!(
            lex_err("${abc"),
            "unsupported modifier (\u{FFFD}) in substitution"
        );
        assert_eq!(lex_err("${a?}"), "a: is not allowed to be unset");
        assert_eq!(
            lex_err("'abc"),
            "unexpected end of statement while looking for matching single-quote"
        );
        assert_eq!(
            lex_err("\"abc"),
            "unexpected end of statement while looking for matching double-quote"
        );
        assert_eq!(
            lex_err("${a#\\x}"),
            "invalid pattern (\\x) in substitution: invalid escape '\\x'"
        );
        let err = Lex::new('\\')
            .process_word("a\t${}", &EnvList::new())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "failed to process \"a\\t${}\": syntax error: bad substitution"
        );
    }

    #[test]
    fn empty_value_is_set() {
        let e = env(&[("E", "")]);
        let lex = Lex::new('\\');
        assert_eq!(
            lex.process_word("${E:?}", &e).unwrap_err().kind.to_string(),
            "E: is not allowed to be empty"
        );
        assert_eq!(lex.process_word("${E-d}", &e).unwrap().result, "");
        assert_eq!(lex.process_word("${E:-d}", &e).unwrap().result, "d");
    }

    #[test]
    fn replace_all_expands_go_templates() {
        let e = env(&[("V", "abc")]);
        let lex = Lex::new('\\');
        // ReplaceAllString expands `$0`; the single replacement is literal.
        assert_eq!(
            lex.process_word("${V//b/<\\$0>}", &e).unwrap().result,
            "a<\\b>c"
        );
        assert_eq!(
            lex.process_word("${V/b/\\$0}", &e).unwrap().result,
            "a\\$0c"
        );
        // Empty matches: Go's rule for matches adjacent to the previous one.
        assert_eq!(lex.process_word("${V//*/-}", &e).unwrap().result, "-");
    }

    #[test]
    fn skip_unset_env_keeps_references() {
        let mut lex = Lex::new('\\');
        lex.skip_unset_env = true;
        let e = env(&[("A", "1")]);
        assert_eq!(
            lex.process_word("$A $B ${C} ${D:-x} ${E/a/b}", &e)
                .unwrap()
                .result,
            "1 $B ${C} ${D:-x} ${E/a/b}"
        );
    }

    #[test]
    fn raw_quotes_keep_quotes() {
        let mut lex = Lex::new('\\');
        lex.raw_quotes = true;
        let words = lex
            .process_words("a 'b c' \"d e\"", &EnvList::new())
            .unwrap();
        assert_eq!(words, ["a", "'b c'", "\"d e\""]);
    }

    #[test]
    fn leading_bom_is_skipped() {
        let lex = Lex::new('\\');
        assert_eq!(
            lex.process_word("\u{FEFF}a\u{FEFF}", &EnvList::new())
                .unwrap()
                .result,
            "a\u{FEFF}"
        );
    }

    #[test]
    fn nesting_limit() {
        let word = |n: usize| format!("{}x{}", "\"${a:-".repeat(n), "}\"".repeat(n));
        let lex = Lex::new('\\');
        assert_eq!(
            lex.process_word(&word(MAX_NESTING), &EnvList::new())
                .unwrap()
                .result,
            "x"
        );
        assert_eq!(
            lex.process_word(&word(MAX_NESTING + 1), &EnvList::new())
                .unwrap_err()
                .kind,
            LexErrorKind::TooDeep
        );
        // Deep input must not overflow the stack.
        assert!(
            lex.process_word(&"${a:-".repeat(100_000), &EnvList::new())
                .is_err()
        );
    }

    #[test]
    fn backtick_escape() {
        let lex = Lex::new('`');
        let e = env(&[("A", "x")]);
        assert_eq!(lex.process_word("`$A\\$A", &e).unwrap().result, "$A\\x");
    }
}
