//! `.dockerignore` reading and matching, differential: `pristine_ignore` (a port of
//! moby/patternmatcher that translates each pattern to a regular expression) against a
//! reference written here straight from the semantics in
//! `../shared/knowledge/docker-semantics.md` §1.2–§1.5 (moby/patternmatcher 5a6d8429a19b,
//! `ignorefile.ReadAll`, `New`, `Pattern.compile`, `MatchesOrParentMatches`; tonistiigi/fsutil
//! 6d9dc2ebad62 `filter.go` for directory skipping) — a backtracking glob matcher over tokens,
//! no regular expressions.
//!
//! The input bytes choose an ignore file and paths from a small alphabet (so that matches are
//! frequent) that covers every pattern feature whose meaning does not depend on RE2 itself:
//! literals, `.`, `*`, `?`, `**` in every position, classes `[ab]`, `[^a]`, `[a-c]` (RE2
//! classes: they can match `/`), escapes of punctuation, `!` exceptions, comments, blanks,
//! `..`, `./`, `//`, leading `/`. File names may contain the glob characters themselves.
//! Checked for every path: `matches_or_parent_matches`, the walker's
//! `matches_using_parent_results` carried down from the root (fast and naive), and
//! `explain`'s walker verdict with fsutil's directory pruning. (The first and the second are
//! not the same function: see `ref_using_parent`.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use pristine_ignore::{IgnoreFile, MatchInfo, PatternMatcher};

/// Reads the fuzzer's bytes one at a time; 0 once exhausted.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn next(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

const PATTERN_TOKENS: [&str; 24] = [
    "a", "b", "c", ".", "/", "*", "?", "**", "[ab]", "[^a]", "[a-c]", "\\*", "\\.", "\\[", "-",
    "!", " ", "..", "a/", "/**", "**/", "*.", "^", "]",
];
const PATH_CHARS: &[u8] = b"abc.*?[]!^-";

fn gen_ignore_file(b: &mut Bytes) -> Vec<u8> {
    let mut out = Vec::new();
    let lines = b.next() % 6;
    for _ in 0..lines {
        match b.next() % 8 {
            0 => out.push(b'#'),
            1 => out.push(b'!'),
            2 => out.extend_from_slice(b" ! "),
            3 => out.push(b' '),
            _ => {}
        }
        let tokens = b.next() % 7;
        for _ in 0..tokens {
            let t = PATTERN_TOKENS[usize::from(b.next()) % PATTERN_TOKENS.len()];
            out.extend_from_slice(t.as_bytes());
        }
        if b.next() % 5 == 0 {
            out.push(b' ');
        }
        out.push(b'\n');
    }
    out
}

fn gen_path(b: &mut Bytes) -> Vec<u8> {
    let mut out = Vec::new();
    let components = 1 + b.next() % 4;
    for i in 0..components {
        if i > 0 {
            out.push(b'/');
        }
        loop {
            let start = out.len();
            let len = 1 + b.next() % 3;
            for _ in 0..len {
                out.push(PATH_CHARS[usize::from(b.next()) % PATH_CHARS.len()]);
            }
            // A walk never yields `.` or `..` components.
            let c = &out[start..];
            if c != b"." && c != b".." {
                break;
            }
            out.truncate(start);
        }
    }
    out
}

// ------------------------------------------------------------------ reference

fn is_go_space(c: u8) -> bool {
    // Go's TrimSpace, restricted to ASCII (the generated files are ASCII).
    matches!(c, b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' | b' ')
}

fn trim(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&c| !is_go_space(c)).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|&c| !is_go_space(c))
        .map_or(start, |e| e + 1);
    &s[start..end]
}

/// Go's `filepath.Clean` on Unix.
fn clean(p: &[u8]) -> Vec<u8> {
    if p.is_empty() {
        return b".".to_vec();
    }
    let rooted = p[0] == b'/';
    let mut stack: Vec<&[u8]> = Vec::new();
    for comp in p.split(|&c| c == b'/') {
        match comp {
            b"" | b"." => {}
            b".." => {
                if stack.last().is_some_and(|l| *l != b"..") {
                    stack.pop();
                } else if !rooted {
                    stack.push(comp);
                }
            }
            _ => stack.push(comp),
        }
    }
    let mut out = Vec::new();
    if rooted {
        out.push(b'/');
    }
    out.extend_from_slice(&stack.join(&b'/'));
    if out.is_empty() {
        out.push(b'.');
    }
    out
}

/// `ignorefile.ReadAll` (§1.2) for ASCII input without BOM or over-long lines.
fn ref_read_all(data: &[u8]) -> Vec<Vec<u8>> {
    let mut lines: Vec<&[u8]> = data.split(|&c| c == b'\n').collect();
    if data.ends_with(b"\n") {
        lines.pop();
    }
    let mut out = Vec::new();
    for line in lines {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.starts_with(b"#") {
            continue;
        }
        let mut p = trim(line);
        if p.is_empty() {
            continue;
        }
        let exception = p[0] == b'!';
        if exception {
            p = trim(&p[1..]);
        }
        let mut pattern = p.to_vec();
        if !pattern.is_empty() {
            pattern = clean(&pattern);
            if pattern.len() > 1 && pattern[0] == b'/' {
                pattern.remove(0);
            }
        }
        if exception {
            pattern.insert(0, b'!');
        }
        out.push(pattern);
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Lit(u8),
    /// `?`: one byte but `/`.
    One,
    /// `*`: any run without `/`.
    Star,
    /// `**` not at the end: `(.*/)?`.
    AnyDirs,
    /// `**` at the end of a pattern that is already a regexp: `.*`.
    Any,
    /// An RE2 class, copied verbatim: it can match `/`.
    Class {
        negated: bool,
        items: Vec<(u8, u8)>,
    },
    /// `^`, never escaped: in a regexp it is RE2's beginning-of-text assertion.
    Caret,
}

#[derive(Debug)]
enum Kind {
    Exact,
    Prefix,
    Suffix,
    Regexp(Vec<Tok>),
}

#[derive(Debug)]
struct RefPattern {
    text: Vec<u8>,
    exclusion: bool,
    kind: Kind,
}

/// `Pattern.compile` (§1.3), producing tokens instead of a regular expression.
fn compile(p: &[u8]) -> Kind {
    let mut toks = Vec::new();
    let mut regexp = false;
    let mut suffix = false;
    let mut i = 0;
    let mut first = true;
    while i < p.len() {
        let c = p[i];
        i += 1;
        if c == b'*' && p.get(i) == Some(&b'*') {
            i += 1;
            if p.get(i) == Some(&b'/') {
                i += 1;
            }
            if i == p.len() {
                if !regexp && !suffix {
                    // Stays a prefix match (patternmatcher: `exactMatch` → `prefixMatch`).
                    suffix = false;
                    if !first {
                        return Kind::Prefix;
                    }
                } else {
                    toks.push(Tok::Any);
                    regexp = true;
                }
            } else {
                toks.push(Tok::AnyDirs);
                regexp = true;
            }
            if first {
                // patternmatcher: `if i == 0 { p.matchType = suffixMatch }`, later
                // glob characters make it a regexp again.
                regexp = false;
                suffix = true;
            }
        } else if c == b'*' {
            toks.push(Tok::Star);
            regexp = true;
            suffix = false;
        } else if c == b'?' {
            toks.push(Tok::One);
            regexp = true;
            suffix = false;
        } else if c == b'\\' {
            // Only punctuation is escaped by the generator: RE2 reads it literally.
            let next = p[i];
            i += 1;
            toks.push(Tok::Lit(next));
            regexp = true;
            suffix = false;
        } else if c == b'[' {
            let negated = p.get(i) == Some(&b'^');
            if negated {
                i += 1;
            }
            let mut items = Vec::new();
            while p[i] != b']' {
                let lo = p[i];
                if p.get(i + 1) == Some(&b'-') && p.get(i + 2).is_some_and(|&c| c != b']') {
                    items.push((lo, p[i + 2]));
                    i += 3;
                } else {
                    items.push((lo, lo));
                    i += 1;
                }
            }
            i += 1;
            toks.push(Tok::Class { negated, items });
            regexp = true;
            suffix = false;
        } else if c == b']' {
            toks.push(Tok::Lit(c));
            regexp = true;
            suffix = false;
        } else if c == b'^' {
            toks.push(Tok::Caret);
        } else {
            toks.push(Tok::Lit(c));
        }
        first = false;
    }
    if regexp {
        Kind::Regexp(toks)
    } else if suffix {
        Kind::Suffix
    } else {
        Kind::Exact
    }
}

/// Backtracking match of `toks` against `path[pos..]`, to the end.
fn glob(toks: &[Tok], path: &[u8], pos: usize) -> bool {
    let s = &path[pos..];
    let Some((t, rest)) = toks.split_first() else {
        return s.is_empty();
    };
    match t {
        Tok::Lit(c) => s.first() == Some(c) && glob(rest, path, pos + 1),
        Tok::Caret => pos == 0 && glob(rest, path, pos),
        Tok::One => s.first().is_some_and(|&c| c != b'/') && glob(rest, path, pos + 1),
        Tok::Class { negated, items } => {
            s.first()
                .is_some_and(|&c| items.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated)
                && glob(rest, path, pos + 1)
        }
        Tok::Star => {
            let run = s.iter().position(|&c| c == b'/').unwrap_or(s.len());
            (0..=run).any(|n| glob(rest, path, pos + n))
        }
        Tok::Any => (0..=s.len()).any(|n| glob(rest, path, pos + n)),
        Tok::AnyDirs => {
            glob(rest, path, pos)
                || (0..s.len()).any(|n| s[n] == b'/' && glob(rest, path, pos + n + 1))
        }
    }
}

impl RefPattern {
    fn matches(&self, path: &[u8]) -> bool {
        match &self.kind {
            Kind::Exact => path == self.text.as_slice(),
            Kind::Prefix => path.starts_with(&self.text[..self.text.len() - 2]),
            Kind::Suffix => {
                let suffix = &self.text[2..];
                path.ends_with(suffix) || (suffix.first() == Some(&b'/') && path == &suffix[1..])
            }
            Kind::Regexp(toks) => glob(toks, path, 0),
        }
    }
}

/// `patternmatcher.New` (§1.3); `None` for the error cases the generator can reach.
fn ref_new(patterns: &[Vec<u8>]) -> Option<Vec<RefPattern>> {
    let mut out = Vec::new();
    for p in patterns {
        let p = trim(p);
        if p.is_empty() {
            continue;
        }
        let mut p = clean(p);
        let exclusion = p[0] == b'!';
        if exclusion {
            if p.len() == 1 {
                return None;
            }
            p.remove(0);
        }
        let kind = compile(&p);
        out.push(RefPattern {
            text: p,
            exclusion,
            kind,
        });
    }
    Some(out)
}

/// `MatchesOrParentMatches` (§1.4).
fn ref_excluded(patterns: &[RefPattern], path: &[u8]) -> bool {
    let ancestors: Vec<&[u8]> = path
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == b'/')
        .map(|(i, _)| &path[..i])
        .collect();
    let mut matched = false;
    for p in patterns {
        if p.exclusion != matched {
            continue;
        }
        if p.matches(path) || ancestors.iter().any(|a| p.matches(a)) {
            matched = !p.exclusion;
        }
    }
    matched
}

/// fsutil `patternWithoutTrailingGlob`.
fn without_trailing_glob(p: &[u8]) -> &[u8] {
    let p = p.strip_suffix(b"/**").unwrap_or(p);
    p.strip_suffix(b"/*").unwrap_or(p)
}

/// fsutil `filterFS.Walk` (§1.5 b): may an excluded directory be skipped?
fn ref_may_skip(patterns: &[RefPattern], dir: &[u8]) -> bool {
    let exceptions: Vec<&[u8]> = patterns
        .iter()
        .filter(|p| p.exclusion)
        .map(|p| without_trailing_glob(&p.text))
        .collect();
    if exceptions
        .iter()
        .any(|e| e.iter().any(|c| b"*[]?^\\".contains(c)))
    {
        return false;
    }
    let mut dir_slash = dir.to_vec();
    dir_slash.push(b'/');
    !exceptions.iter().any(|e| {
        let mut e = e.to_vec();
        e.push(b'/');
        e.starts_with(&dir_slash)
    })
}

/// `MatchesUsingParentResults` for one path given its parent's per-pattern results (`None`:
/// the zero `MatchInfo`, as for an entry of the context root). Unlike
/// `MatchesOrParentMatches`, a pattern that was skipped for the parent (it could not flip the
/// state then) counts as not matching the parent: with `*`, `!*/b`, `a` the walker sends
/// `a/b` while `MatchesOrParentMatches("a/b")` says excluded.
fn ref_using_parent(
    patterns: &[RefPattern],
    path: &[u8],
    parent: Option<&[bool]>,
) -> (bool, Vec<bool>) {
    let mut matched = false;
    let mut info = vec![false; patterns.len()];
    for (i, p) in patterns.iter().enumerate() {
        let mut m = parent.is_some_and(|pm| pm[i]);
        if !m {
            if p.exclusion != matched {
                continue;
            }
            m = p.matches(path);
            if !m && parent.is_none() {
                m = path
                    .iter()
                    .enumerate()
                    .any(|(j, &c)| c == b'/' && p.matches(&path[..j]));
            }
        }
        info[i] = m;
        if m {
            matched = !p.exclusion;
        }
    }
    (matched, info)
}

/// The walker's decision for each ancestor of `path` and the path itself, root first, as
/// (prefix length, excluded).
fn ref_walk(patterns: &[RefPattern], path: &[u8]) -> Vec<(usize, bool)> {
    let mut out = Vec::new();
    let mut parent: Option<Vec<bool>> = None;
    for (i, c) in path.iter().copied().enumerate().chain([(path.len(), b'/')]) {
        if c != b'/' {
            continue;
        }
        let (excluded, info) = ref_using_parent(patterns, &path[..i], parent.as_deref());
        out.push((i, excluded));
        parent = Some(info);
    }
    out
}

/// Whether the modern BuildKit walker leaves `path` (a file) out of the context.
fn ref_walker_excludes(patterns: &[RefPattern], path: &[u8]) -> bool {
    let walk = ref_walk(patterns, path);
    let Some((last, ancestors)) = walk.split_last() else {
        return false;
    };
    ancestors
        .iter()
        .any(|&(i, excluded)| excluded && ref_may_skip(patterns, &path[..i]))
        || last.1
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let file = gen_ignore_file(&mut b);
    let mut paths = Vec::new();
    while !b.is_empty() && paths.len() < 8 {
        paths.push(gen_path(&mut b));
    }

    let parsed = IgnoreFile::parse(&file).expect("an ASCII file with short lines reads");
    let lines: Vec<Vec<u8>> = parsed.pattern_strings().map(<[u8]>::to_vec).collect();
    assert_eq!(
        lines,
        ref_read_all(&file),
        "ReadAll of {:?}",
        String::from_utf8_lossy(&file)
    );

    let reference = ref_new(&lines);
    let matcher = PatternMatcher::new(&lines);
    let (Some(reference), Ok(matcher)) = (reference, matcher) else {
        assert!(
            ref_new(&lines).is_none() && PatternMatcher::new(&lines).is_err(),
            "New disagrees on {lines:?}"
        );
        return;
    };

    for path in &paths {
        let want = ref_excluded(&reference, path);
        let ctx = || {
            format!(
                "patterns {:?}, path {:?}",
                lines
                    .iter()
                    .map(|l| String::from_utf8_lossy(l).into_owned())
                    .collect::<Vec<_>>(),
                String::from_utf8_lossy(path)
            )
        };
        assert_eq!(
            matcher
                .matches_or_parent_matches(path)
                .expect("valid patterns match"),
            want,
            "MatchesOrParentMatches: {}",
            ctx()
        );

        // The walker's view, carried down from the root, both implementations.
        let mut info = MatchInfo::default();
        let mut naive = MatchInfo::default();
        for (i, want_prefix) in ref_walk(&reference, path) {
            let prefix = &path[..i];
            let (d, next) = matcher
                .matches_using_parent_results(prefix, &info)
                .expect("valid patterns match");
            let (dn, next_naive) = matcher
                .matches_using_parent_results_naive(prefix, &naive)
                .expect("valid patterns match");
            assert_eq!(
                d.excluded,
                want_prefix,
                "MatchesUsingParentResults {prefix:?}: {}",
                ctx()
            );
            assert_eq!(dn.excluded, want_prefix, "naive {prefix:?}: {}", ctx());
            info = next;
            naive = next_naive;
        }

        let explained = matcher.explain(path, false).expect("valid patterns match");
        assert_eq!(
            explained.excluded(),
            ref_walker_excludes(&reference, path),
            "walker verdict: {}",
            ctx()
        );
    }
});
