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
//! * Since `patternmatcher` does not escape `|`, `{` and `}` (a Go quirk,
//!   see `matcher::ESCAPE_BYTES`), user text also reaches alternation and
//!   counted repetition: RE2 reads a `{` that does not start a valid
//!   `{n}`/`{n,}`/`{n,m}` as a literal (Rust rejects it), allows repeating
//!   `^` and other empty-width operators, caps counts at 1000, and rejects
//!   a repetition with nothing before it (`|{2}`) or right after another
//!   one (`?{2}{3}` is `[^/]{2}{3}`).
//! * `\p{Name}`: the docker 26 / buildx 0.13.1 binaries here are built with
//!   Go 1.24, whose lookup is exact and case-sensitive (`\pl`, `\p{greek}`,
//!   `\p{LC}`, `\p{ASCII}` are errors), with Unicode 15.0 tables; Rust's is
//!   loose and has Unicode 16.0 names.
//!
//! Rather than patching the string, this module *parses* the expression
//! with a port of the relevant parts of Go's `regexp/syntax/parse.go`
//! (golang/go `src/regexp/syntax/parse.go`: `parse`, `repeat`,
//! `parseRepeat`, `parseInt`, `repeatIsValid`, `checkSize`/`calcSize`,
//! `parseUnicodeClass`/`unicodeTable`; `Parse(s, syntax.Perl)` = `ClassNL |
//! OneLine | PerlX | UnicodeGroups`), failing exactly where Go fails, and
//! re-emits every construct in an unambiguous Rust form (literals as
//! `\x{..}`, classes as explicit ranges, every repeated item as `(?:..)`). The result is compiled with `regex::bytes` in Unicode
//! mode and matched against the path decoded the way Go decodes it (see
//! [`crate::go::go_lossy`]), so that `.`/`[^/]` consume exactly one rune (or
//! one invalid byte) as in Go.

use std::fmt::Write as _;

/// Go's `regexp.Compile` would reject the expression; the text is Go's
/// `syntax.ErrorCode` (patternmatcher reports every one as
/// `filepath.ErrBadPattern`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Re2Error(pub(crate) &'static str);

const ERR_CHAR_RANGE: Re2Error = Re2Error("invalid character class range");
const ERR_ESCAPE: Re2Error = Re2Error("invalid escape sequence");
const ERR_PERL_OP: Re2Error = Re2Error("invalid or unsupported Perl syntax");
const ERR_REPEAT_OP: Re2Error = Re2Error("invalid nested repetition operator");
const ERR_REPEAT_SIZE: Re2Error = Re2Error("invalid repeat count");
const ERR_MISSING_BRACKET: Re2Error = Re2Error("missing closing ]");
const ERR_MISSING_PAREN: Re2Error = Re2Error("missing closing )");
const ERR_MISSING_REPEAT_ARG: Re2Error = Re2Error("missing argument to repetition operator");
const ERR_TRAILING_BACKSLASH: Re2Error = Re2Error("trailing backslash at end of expression");
const ERR_UNEXPECTED_PAREN: Re2Error = Re2Error("unexpected )");
const ERR_NESTING_DEPTH: Re2Error = Re2Error("expression nests too deeply");
const ERR_LARGE: Re2Error = Re2Error("expression too large");

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
        return Err(ERR_UNEXPECTED_PAREN);
    }
    if out.size > MAX_SIZE {
        return Err(ERR_LARGE);
    }
    Ok(out.text)
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
    depth: usize,
}

/// RE2 refuses deeper nesting than this (`maxHeight`); also protects our stack.
const MAX_DEPTH: usize = 1000;

/// `maxRepeat`: the largest count in `{n,m}`, and the largest product of
/// nested counts (`repeatIsValid`).
const MAX_REPEAT: i64 = 1000;

/// `maxSize = 128 << 20 / instSize`: Go's estimate of the compiled program
/// (`calcSize`) may not exceed this many instructions (`ErrLarge`).
///
/// `numRunes > maxRunes` (32 Mi runes in classes) cannot be reached by a
/// 64 KiB ignore-file line (`\pL`, 1292 runes, needs 3 bytes), so it is not
/// checked.
const MAX_SIZE: u64 = (128 << 20) / 40;

/// One parsed sub-expression: its Rust text plus what Go's checks need.
struct Node {
    text: String,
    /// Go's `calcSize` for it.
    size: u64,
    /// The `(min, max)` (`max = -1`: none) of the `OpRepeat` nodes on the
    /// chain from this node down through star/plus/quest/repeat nodes, outer
    /// first: what `repeatIsValid` walks. Groups (only `(.*/)` from `**/`,
    /// which holds no counted repetition) start an empty chain.
    repeats: Vec<(i64, i64)>,
}

impl Node {
    fn leaf(text: String) -> Node {
        Node {
            text,
            size: 1,
            repeats: Vec::new(),
        }
    }
}

/// Go's `repeatIsValid(re, maxRepeat)` over a chain of counted repetitions.
fn repeat_is_valid(chain: &[(i64, i64)]) -> bool {
    let mut n = MAX_REPEAT;
    for &(min, max) in chain {
        let mut m = max;
        if m == 0 {
            return true;
        }
        if m < 0 {
            m = min;
        }
        if m > n {
            return false;
        }
        if m > 0 {
            n /= m;
        }
    }
    true
}

/// Go's `parseInt` at `s[i..]`: digits without a leading zero; a value of
/// 10^8 or more is `-1`.
fn parse_int(s: &[u8], mut i: usize) -> Option<(i64, usize)> {
    if !s.get(i).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    if s[i] == b'0' && s.get(i + 1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let start = i;
    while s.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let mut n: i64 = 0;
    for &d in &s[start..i] {
        if n >= 100_000_000 {
            n = -1;
            break;
        }
        n = n * 10 + i64::from(d - b'0');
    }
    Some((n, i))
}

/// Go's `parseRepeat` on `s` (starting with `{`): `(min, max, length)` for
/// `{min}` (max = min), `{min,}` (max = -1) or `{min,max}`; `min = -1` if a
/// number is too big. `None`: not of that form, so the `{` is a literal.
fn parse_repeat(s: &[u8]) -> Option<(i64, i64, usize)> {
    if s.first() != Some(&b'{') {
        return None;
    }
    let (mut min, mut i) = parse_int(s, 1)?;
    let max;
    match s.get(i)? {
        b',' => {
            i += 1;
            if *s.get(i)? == b'}' {
                max = -1;
            } else {
                let (m, j) = parse_int(s, i)?;
                i = j;
                max = m;
                if m < 0 {
                    min = -1;
                }
            }
        }
        _ => max = min,
    }
    if s.get(i) != Some(&b'}') {
        return None;
    }
    Some((min, max, i + 1))
}

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

/// `unicode.Scripts` of Go 1.21–1.24 (Unicode 15.0.0; golang/go
/// `src/unicode/tables.go`). The keys are looked up exactly.
#[rustfmt::skip]
const GO_SCRIPTS: &[&str] = &[
    "Adlam", "Ahom", "Anatolian_Hieroglyphs", "Arabic", "Armenian", "Avestan", "Balinese",
    "Bamum", "Bassa_Vah", "Batak", "Bengali", "Bhaiksuki", "Bopomofo", "Brahmi", "Braille",
    "Buginese", "Buhid", "Canadian_Aboriginal", "Carian", "Caucasian_Albanian", "Chakma", "Cham",
    "Cherokee", "Chorasmian", "Common", "Coptic", "Cuneiform", "Cypriot", "Cypro_Minoan",
    "Cyrillic", "Deseret", "Devanagari", "Dives_Akuru", "Dogra", "Duployan",
    "Egyptian_Hieroglyphs", "Elbasan", "Elymaic", "Ethiopic", "Georgian", "Glagolitic", "Gothic",
    "Grantha", "Greek", "Gujarati", "Gunjala_Gondi", "Gurmukhi", "Han", "Hangul",
    "Hanifi_Rohingya", "Hanunoo", "Hatran", "Hebrew", "Hiragana", "Imperial_Aramaic",
    "Inherited", "Inscriptional_Pahlavi", "Inscriptional_Parthian", "Javanese", "Kaithi",
    "Kannada", "Katakana", "Kawi", "Kayah_Li", "Kharoshthi", "Khitan_Small_Script", "Khmer",
    "Khojki", "Khudawadi", "Lao", "Latin", "Lepcha", "Limbu", "Linear_A", "Linear_B", "Lisu",
    "Lycian", "Lydian", "Mahajani", "Makasar", "Malayalam", "Mandaic", "Manichaean", "Marchen",
    "Masaram_Gondi", "Medefaidrin", "Meetei_Mayek", "Mende_Kikakui", "Meroitic_Cursive",
    "Meroitic_Hieroglyphs", "Miao", "Modi", "Mongolian", "Mro", "Multani", "Myanmar",
    "Nabataean", "Nag_Mundari", "Nandinagari", "New_Tai_Lue", "Newa", "Nko", "Nushu",
    "Nyiakeng_Puachue_Hmong", "Ogham", "Ol_Chiki", "Old_Hungarian", "Old_Italic",
    "Old_North_Arabian", "Old_Permic", "Old_Persian", "Old_Sogdian", "Old_South_Arabian",
    "Old_Turkic", "Old_Uyghur", "Oriya", "Osage", "Osmanya", "Pahawh_Hmong", "Palmyrene",
    "Pau_Cin_Hau", "Phags_Pa", "Phoenician", "Psalter_Pahlavi", "Rejang", "Runic", "Samaritan",
    "Saurashtra", "Sharada", "Shavian", "Siddham", "SignWriting", "Sinhala", "Sogdian",
    "Sora_Sompeng", "Soyombo", "Sundanese", "Syloti_Nagri", "Syriac", "Tagalog", "Tagbanwa",
    "Tai_Le", "Tai_Tham", "Tai_Viet", "Takri", "Tamil", "Tangsa", "Tangut", "Telugu", "Thaana",
    "Thai", "Tibetan", "Tifinagh", "Tirhuta", "Toto", "Ugaritic", "Vai", "Vithkuqi", "Wancho",
    "Warang_Citi", "Yezidi", "Yi", "Zanabazar_Square",
];

/// `unicode.Categories` of Go ≤ 1.24 (no `LC`, no `Cn`).
#[rustfmt::skip]
const GO_CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N",
    "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So",
    "Z", "Zl", "Zp", "Zs",
];

/// Go's `unicodeTable` (Go 1.24, the version docker-buildx 0.13.1 /
/// docker 26.1.5 are built with): `Any`, then `unicode.Categories`, then
/// `unicode.Scripts`, all exact and case-sensitive (Go 1.25's
/// case-insensitive lookup, `LC`, `ASCII`, `Assigned` and the long aliases
/// do not exist there; real Docker fails the build on `\pl` and
/// `\p{greek}`). Returns the Rust class for the name, negated if asked.
/// Go's `C` is `Cc|Cf|Co|Cs` (Rust's includes `Cn`); `Cs` cannot occur in
/// a decoded string, so it is left out (and `\p{Cs}` matches nothing).
fn unicode_class(name: &str, negated: bool) -> Option<String> {
    let body = if name == "Any" {
        String::from(r"\x{0}-\x{10FFFF}")
    } else if name == "C" {
        String::from(r"\p{gc=Cc}\p{gc=Cf}\p{gc=Co}")
    } else if name == "Cs" {
        String::new()
    } else if GO_CATEGORIES.contains(&name) {
        format!(r"\p{{gc={name}}}")
    } else if GO_SCRIPTS.contains(&name) {
        format!(r"\p{{sc={name}}}")
    } else {
        return None;
    };
    Some(match (body.is_empty(), negated) {
        (true, false) => String::from(r"[^\x{0}-\x{10FFFF}]"),
        (true, true) => String::from(r"[\x{0}-\x{10FFFF}]"),
        (false, false) => format!("[{body}]"),
        (false, true) => format!("[^{body}]"),
    })
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.s[self.pos..]
    }

    fn peek_byte(&self, off: usize) -> Option<u8> {
        self.s.as_bytes().get(self.pos + off).copied()
    }

    fn next_char(&mut self) -> PResult<char> {
        let c = self.rest().chars().next().ok_or(ERR_TRAILING_BACKSLASH)?;
        self.pos += c.len_utf8();
        Ok(c)
    }

    /// Alternatives separated by `|` (Go: `parseVerticalBar`/`alternate`).
    /// An empty alternative is an empty match (`a|` matches `a` or "").
    fn alternation(&mut self) -> PResult<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ERR_NESTING_DEPTH);
        }
        let mut alts = vec![self.concat()?];
        while self.peek_byte(0) == Some(b'|') {
            self.pos += 1;
            alts.push(self.concat()?);
        }
        self.depth -= 1;
        if alts.len() == 1 {
            return Ok(alts.pop().unwrap_or_else(|| Node::leaf(String::new())));
        }
        // calcSize(OpAlternate): the subs plus one per `|`. Go first factors
        // common prefixes out of the alternatives (`factor`), which can only
        // make it smaller; not modelled, so a huge alternation right at the
        // limit may be rejected here and accepted by Go.
        let size = alts.iter().map(|a| a.size).sum::<u64>() + alts.len() as u64 - 1;
        let text = alts
            .iter()
            .map(|a| a.text.as_str())
            .collect::<Vec<_>>()
            .join("|");
        Ok(Node {
            text,
            size,
            repeats: Vec::new(),
        })
    }

    /// A concatenation, with Go's rules for repetition operators (`parse`'s
    /// `case '*', '+', '?'` and `case '{'`, then `repeat`): the operator
    /// applies to the last item of this concatenation, whatever it is (a
    /// literal rune, a class, a group, `^`, another repetition if something
    /// such as `\Q\E` came between); with no item before it (start of a
    /// group, right after `|`) it is `missing argument to repetition
    /// operator`, right after another operator `invalid nested repetition
    /// operator`.
    fn concat(&mut self) -> PResult<Node> {
        let mut items: Vec<Node> = Vec::new();
        // Go's `lastRepeat`: the previous token was a repetition operator.
        let mut last_repeat = false;
        while let Some(c) = self.peek_byte(0) {
            match c {
                b'|' | b')' => break,
                b'*' | b'+' | b'?' | b'{' => {
                    let (min, max, len) = if c == b'{' {
                        let Some((min, max, len)) = parse_repeat(self.rest().as_bytes()) else {
                            // "If the repeat cannot be parsed, { is a literal."
                            self.pos += 1;
                            items.push(Node::leaf(String::from(r"\x{7B}")));
                            last_repeat = false;
                            continue;
                        };
                        if !(0..=MAX_REPEAT).contains(&min)
                            || max > MAX_REPEAT
                            || (max >= 0 && min > max)
                        {
                            return Err(ERR_REPEAT_SIZE);
                        }
                        (min, max, len)
                    } else {
                        // Not OpRepeat: `repeatIsValid` is not consulted.
                        (-2, -2, 1)
                    };
                    self.pos += len;
                    let lazy = if self.peek_byte(0) == Some(b'?') {
                        self.pos += 1;
                        "?"
                    } else {
                        ""
                    };
                    if last_repeat {
                        return Err(ERR_REPEAT_OP);
                    }
                    let sub = items.pop().ok_or(ERR_MISSING_REPEAT_ARG)?;
                    let node = match c {
                        b'*' => Node {
                            text: format!("(?:{})*{lazy}", sub.text),
                            size: 2 + sub.size,
                            repeats: sub.repeats,
                        },
                        b'+' | b'?' => Node {
                            text: format!("(?:{}){}{lazy}", sub.text, c as char),
                            size: 1 + sub.size,
                            repeats: sub.repeats,
                        },
                        _ => {
                            let mut repeats = vec![(min, max)];
                            repeats.extend_from_slice(&sub.repeats);
                            if (min >= 2 || max >= 2) && !repeat_is_valid(&repeats) {
                                return Err(ERR_REPEAT_SIZE);
                            }
                            // calcSize(OpRepeat); 0 <= min <= 1000, max is -1
                            // or min..=1000 here.
                            let lo = u64::try_from(min).unwrap_or(0);
                            let hi = u64::try_from(max).unwrap_or(0);
                            let size = if max == -1 {
                                if min == 0 {
                                    2 + sub.size
                                } else {
                                    1 + lo * sub.size
                                }
                            } else {
                                hi * sub.size + (hi - lo)
                            };
                            let op = match max {
                                -1 => format!("{{{min},}}"),
                                m if m == min => format!("{{{min}}}"),
                                m => format!("{{{min},{m}}}"),
                            };
                            Node {
                                text: format!("(?:{}){op}{lazy}", sub.text),
                                size: size.max(1),
                                repeats,
                            }
                        }
                    };
                    items.push(node);
                    last_repeat = true;
                    continue;
                }
                b'\\' if self.peek_byte(1) == Some(b'Q') => {
                    // `\Q...\E`: each rune is a literal item of its own (a
                    // following operator applies to the last one only); an
                    // empty `\Q\E` adds nothing but still ends `lastRepeat`.
                    let body = &self.s[self.pos + 2..];
                    let (lit, consumed) = match body.find(r"\E") {
                        Some(i) => (&body[..i], i + 2),
                        None => (body, body.len()),
                    };
                    for ch in lit.chars() {
                        let mut out = String::new();
                        push_lit(&mut out, ch);
                        items.push(Node::leaf(out));
                    }
                    self.pos += 2 + consumed;
                    last_repeat = false;
                    continue;
                }
                _ => {}
            }
            last_repeat = false;
            items.push(self.atom()?);
        }
        Ok(match items.len() {
            // OpEmptyMatch.
            0 => Node::leaf(String::from("(?:)")),
            1 => items.pop().unwrap_or_else(|| Node::leaf(String::new())),
            _ => Node {
                size: items.iter().map(|n| n.size).sum(),
                text: items.iter().map(|n| n.text.as_str()).collect(),
                repeats: Vec::new(),
            },
        })
    }

    fn atom(&mut self) -> PResult<Node> {
        let c = self.peek_byte(0).ok_or(ERR_MISSING_PAREN)?;
        match c {
            b'(' => {
                if self.peek_byte(1) == Some(b'?') {
                    // Flag groups cannot be produced by patternmatcher
                    // (it escapes every user `(`); not supported.
                    return Err(ERR_PERL_OP);
                }
                self.pos += 1;
                let inner = self.alternation()?;
                if self.peek_byte(0) != Some(b')') {
                    return Err(ERR_MISSING_PAREN);
                }
                self.pos += 1;
                // calcSize(OpCapture) = 2 + sub.
                Ok(Node {
                    text: format!("({})", inner.text),
                    size: 2 + inner.size,
                    repeats: Vec::new(),
                })
            }
            // Empty-width operators may be repeated in RE2 (`^*`, `^{2}`);
            // the repetition wraps them in `(?:..)`, which Rust accepts.
            b'^' => {
                self.pos += 1;
                Ok(Node::leaf(String::from("^")))
            }
            b'$' => {
                self.pos += 1;
                Ok(Node::leaf(String::from("$")))
            }
            b'.' => {
                self.pos += 1;
                // RE2 without DotNL: any rune but `\n` — as Rust's `.`.
                Ok(Node::leaf(String::from(".")))
            }
            b'[' => self.class().map(Node::leaf),
            b'\\' => self.escape_atom().map(Node::leaf),
            _ => {
                // Includes a `}` that closes nothing: a literal in RE2.
                let ch = self.next_char()?;
                let mut out = String::new();
                push_lit(&mut out, ch);
                Ok(Node::leaf(out))
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
                b'C' => return Err(ERR_ESCAPE),
                _ => None,
            };
            if let Some(s) = simple {
                self.pos += 2;
                return Ok(String::from(s));
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

    /// Go's `parseUnicodeClass` at `pos` (`\p` or `\P`): `\pX` with a
    /// one-rune name or `\p{Name}` up to the first `}`; a leading `^` in
    /// the name negates. Returns the Rust class.
    fn unicode_class_escape(&mut self) -> PResult<String> {
        let mut negated = self.peek_byte(1) == Some(b'P');
        self.pos += 2;
        let s = self.s;
        let rest = &s[self.pos..];
        let name = match rest.chars().next() {
            Some('{') => {
                let end = rest.find('}').ok_or(ERR_CHAR_RANGE)?;
                self.pos += end + 1;
                &rest[1..end]
            }
            Some(n) => {
                self.pos += n.len_utf8();
                &rest[..n.len_utf8()]
            }
            None => "",
        };
        let name = match name.strip_prefix('^') {
            Some(n) => {
                negated = !negated;
                n
            }
            None => name,
        };
        unicode_class(name, negated).ok_or(ERR_CHAR_RANGE)
    }

    /// Go's `parseEscape`: a single-rune escape at `pos` (which is `\`).
    fn parse_escape(&mut self) -> PResult<char> {
        self.pos += 1;
        let c = self.next_char()?; // trailing backslash -> error
        match c {
            '1'..='7' if !matches!(self.peek_byte(0), Some(b'0'..=b'7')) => Err(ERR_ESCAPE), // backreference
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
                char::from_u32(r).ok_or(ERR_ESCAPE)
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
                        r = r * 16 + d.to_digit(16).ok_or(ERR_ESCAPE)?;
                        if r > 0x10_FFFF {
                            return Err(ERR_ESCAPE);
                        }
                        n += 1;
                    }
                    if n == 0 {
                        return Err(ERR_ESCAPE);
                    }
                    return char::from_u32(r).ok_or(ERR_ESCAPE);
                }
                let c2 = self.next_char()?;
                match (c1.to_digit(16), c2.to_digit(16)) {
                    (Some(x), Some(y)) => char::from_u32(x * 16 + y).ok_or(ERR_ESCAPE),
                    _ => Err(ERR_ESCAPE),
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
            _ => Err(ERR_ESCAPE),
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
                None => return Err(ERR_MISSING_BRACKET),
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
                    let ranges = posix_class(name).ok_or(ERR_CHAR_RANGE)?;
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
                    return Err(ERR_CHAR_RANGE);
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
            None => Err(ERR_MISSING_BRACKET),
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

    fn err(go_re: &str) -> &'static str {
        match translate(go_re) {
            Ok(r) => panic!("{go_re} should fail, got {r}"),
            Err(Re2Error(code)) => code,
        }
    }

    #[test]
    fn alternation() {
        // `x*|b` -> `^x[^/]*|b$`: starts with x OR ends with b.
        let re = r"^x[^/]*|b$";
        assert!(is_match(re, "xyz"));
        assert!(is_match(re, "ab"));
        assert!(is_match(re, "x{1}"));
        assert!(!is_match(re, "aa"));
        assert!(!is_match(re, "bz"));
        // Empty alternatives are empty matches (RE2 allows `a|`, `|a`).
        assert!(is_match(r"^a|$", "zzz"));
        assert!(is_match(r"^|a$", "zzz"));
        assert!(is_match(r"^a||b$", "zzz"));
        // `|` inside a class is a literal.
        assert!(is_match(r"^[|]$", "|"));
        assert!(!is_match(r"^[|]$", ""));
        // Alternation inside the `(.*/)?` group of `**/`.
        assert!(is_match(r"^(.*/|x)?a$", "xa"));
    }

    #[test]
    fn counted_repetition() {
        assert!(is_match(r"^[^/]{2}$", "a{"));
        assert!(!is_match(r"^[^/]{2}$", "abc"));
        assert!(is_match(r"^a{2,}$", "aaaa"));
        assert!(is_match(r"^a{1,2}b$", "aab"));
        assert!(!is_match(r"^a{1,2}b$", "aaab"));
        assert!(is_match(r"^a{0}b$", "b"));
        assert!(is_match(r"^x{1000}$", &"x".repeat(1000)));
        // Only the last rune is repeated.
        assert!(is_match(r"^ab{2}$", "abb"));
        assert!(is_match(r"^\Qab\E{2}$", "abb"));
        // Empty-width operators can be repeated.
        assert!(is_match(r"^{2}a$", "a"));
        assert!(is_match(r"^*a$", "a"));
        assert!(is_match(r"^a${3}", "a"));
        assert!(is_match(r"^a\b{2}$", "a"));
        // `\Q\E` ends "last was a repetition": the count applies to the star.
        assert!(is_match(r"^[^/]*\Q\E{2}$", "abc"));
        assert_eq!(err(r"^[^/]{2}\Q\E{600}$"), "invalid repeat count"); // 2*600 > 1000
        assert!(translate(r"^[^/]{2}\Q\E{500}$").is_ok());
        assert!(translate(r"^[^/]{0}\Q\E{1000}$").is_ok());
    }

    #[test]
    fn repetition_errors() {
        assert_eq!(err(r"^x{1001}$"), "invalid repeat count");
        assert_eq!(err(r"^x{1,1001}$"), "invalid repeat count");
        assert_eq!(err(r"^x{2,1}$"), "invalid repeat count");
        assert_eq!(err(r"^x{100000000}$"), "invalid repeat count");
        assert_eq!(err(r"^x{1,100000000}$"), "invalid repeat count");
        assert_eq!(err(r"^[^/]{2}{3}$"), "invalid nested repetition operator");
        assert_eq!(err(r"^[^/]*{3}$"), "invalid nested repetition operator");
        assert_eq!(err(r"^(.*/)?{2}a$"), "invalid nested repetition operator");
        assert_eq!(err(r"^a|{2}$"), "missing argument to repetition operator");
        assert_eq!(err(r"{2}"), "missing argument to repetition operator");
        assert_eq!(err(r"^(|{2})$"), "missing argument to repetition operator");
        assert_eq!(err(r"^(*)$"), "missing argument to repetition operator");
        // Go's size estimate: 3400 * 1000 > 128 MiB / 40.
        assert_eq!(
            err(&format!("^{}$", "a{1000}".repeat(3400))),
            "expression too large"
        );
        assert!(translate(&format!("^{}$", "a{1000}".repeat(3))).is_ok());
    }

    #[test]
    fn literal_braces() {
        // A `{` that does not start `{n}`, `{n,}` or `{n,m}` is a literal.
        for (re, hay) in [
            (r"^a{b$", "a{b"),
            (r"^{$", "{"),
            (r"^a{$", "a{"),
            (r"^a{,2}$", "a{,2}"),
            (r"^a{1,2$", "a{1,2"),
            (r"^a{01}$", "a{01}"),
            (r"^a{ 1}$", "a{ 1}"),
            (r"^a{-1}$", "a{-1}"),
            (r"^a{1,x}$", "a{1,x}"),
            (r"^a{}$", "a{}"),
            (r"^}$", "}"),
            (r"^a}{$", "a}{"),
            (r"^[{}]{2}$", "}{"),
        ] {
            assert!(is_match(re, hay), "{re} on {hay}");
        }
        // The literal `{` is an item: a following count repeats it.
        assert!(is_match(r"^a{{2}$", "a{{"));
        assert!(!is_match(r"^a{,2}$", "aa"));
    }

    #[test]
    fn unicode_names_go_1_24() {
        assert!(is_match(r"^\p{Greek}$", "α"));
        assert!(!is_match(r"^\p{Greek}$", "a"));
        assert!(is_match(r"^\P{Greek}$", "a"));
        assert!(is_match(r"^\p{^Greek}$", "a"));
        assert!(is_match(r"^\P{^Greek}$", "α"));
        assert!(is_match(r"^\p{L}\p{Lu}$", "aB"));
        assert!(is_match(r"^[\p{Nd}x]+$", "x1٣"));
        assert!(is_match(r"^\p{Any}$", "\u{10FFFF}"));
        assert!(!is_match(r"^\P{Any}", "a"));
        assert!(!is_match(r"^\p{C}$", "\u{378}"));
        assert!(!is_match(r"^\p{Cs}", "a"));
        assert!(is_match(r"^\P{Cs}$", "a"));
        assert!(is_match(r"^\p{Kawi}$", "\u{11F04}")); // Unicode 15.0
        assert!(is_match(r"^\pL{2}$", "ab"));
        // Exact, case-sensitive names only; no Go 1.25 additions, no
        // Unicode 16 scripts (docker-buildx 0.13.1 is built with Go 1.24).
        for bad in [
            r"\pl",
            r"\p{greek}",
            r"\p{Grek}",
            r"\p{LC}",
            r"\p{ASCII}",
            r"\p{Assigned}",
            r"\p{Letter}",
            r"\p{Garay}",
            r"\p{Zzzz}",
            r"\p{}",
            r"\p{^}",
            r"\p{Greek",
            r"\pX",
            r"\p",
            r"[\p{Greek]}",
            r"\p{ Greek}",
            r"\p{Cn}",
        ] {
            assert_eq!(err(bad), "invalid character class range", "{bad}");
        }
        // Every name Go knows compiles in Rust.
        for name in GO_SCRIPTS.iter().chain(GO_CATEGORIES).chain(&["Any"]) {
            for neg in [false, true] {
                let class = unicode_class(name, neg).unwrap();
                regex::bytes::Regex::new(&class).unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
        // 161 scripts of Unicode 15.0 plus Common and Inherited.
        assert_eq!(GO_SCRIPTS.len(), 163);
        assert_eq!(GO_CATEGORIES.len(), 36);
    }

    #[test]
    fn set_operators_are_literal() {
        assert!(is_match(r"^[a&&b]$", "&"));
        assert!(is_match(r"^[+--]$", ","));
        assert!(translate(r"^[a--b]$").is_err()); // range a..'-' is reversed in RE2
        assert!(is_match(r"^[~~]$", "~"));
    }
}
