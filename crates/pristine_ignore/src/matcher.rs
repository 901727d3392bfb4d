//! Port of moby/patternmatcher `patternmatcher.go` (read at commit
//! 1d6a3f429bf0541b7f69372adecc787fabc0c701, the same logic as 5a6d8429a19b
//! that the reference vectors were taken from) and of the directory-pruning
//! predicate of tonistiigi/fsutil `filter.go` (commit
//! 020c217f0248e73fae66e6585c76ab991f627788).

use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use crate::go;
use crate::ignorefile::IgnoreFile;
use crate::re2;

/// `patternmatcher.New` rejected the pattern list. BuildKit reports it as
/// `invalid excludepatterns: [<patterns>]: <error>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NewError {
    /// A pattern that is only `!`.
    #[error("illegal exclusion pattern: \"!\"")]
    IllegalExclusion {
        /// Index of the offending pattern in the input list.
        index: usize,
    },
    /// `filepath.Match` rejected the pattern (`filepath.ErrBadPattern`).
    #[error("syntax error in pattern")]
    Syntax {
        /// Index of the offending pattern in the input list.
        index: usize,
    },
}

/// A pattern passed `New` but its regexp does not compile; Go reports
/// `filepath.ErrBadPattern` the first time the pattern is evaluated and
/// BuildKit fails the build (`failed to match excludepatterns: syntax error
/// in pattern`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("syntax error in pattern")]
pub struct MatchError {
    /// Index (into [`PatternMatcher::patterns`]) of the pattern.
    pub pattern: usize,
}

/// How a pattern is tested against a path (`patternmatcher.matchType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// `path == pattern`.
    Exact,
    /// `X**` with no other glob: `path` starts with `X`.
    Prefix,
    /// Starts with `**`: `path` ends with the rest (or equals it minus a `/`).
    Suffix,
    /// Anything else: the translated regular expression.
    Regexp,
}

/// One compiled pattern (`patternmatcher.Pattern`).
#[derive(Debug, Clone)]
pub struct Pattern {
    cleaned: Vec<u8>,
    exclusion: bool,
    dirs_len: usize,
    kind: MatchKind,
    go_regexp: Option<String>,
    regex: Option<Regex>,
    bad: bool,
    source_index: usize,
}

impl Pattern {
    /// The cleaned pattern text, without `!` (`Pattern.String()`).
    pub fn text(&self) -> &[u8] {
        &self.cleaned
    }

    /// `true` for an exception (`!`) pattern.
    pub fn is_exclusion(&self) -> bool {
        self.exclusion
    }

    /// How the pattern is matched.
    pub fn kind(&self) -> MatchKind {
        self.kind
    }

    /// The Go regular expression patternmatcher builds (for `Regexp` patterns).
    pub fn go_regexp(&self) -> Option<&str> {
        self.go_regexp.as_deref()
    }

    /// `true` if the regexp does not compile: evaluating this pattern fails.
    pub fn is_invalid(&self) -> bool {
        self.bad
    }

    /// Index of this pattern in the list given to [`PatternMatcher::new`]
    /// (equal to the index in [`IgnoreFile::patterns`] for
    /// [`PatternMatcher::from_ignore_file`]).
    pub fn source_index(&self) -> usize {
        self.source_index
    }

    /// `Pattern.match`: tests one path (no parent logic). `None` if the
    /// pattern's regexp is invalid (Go: `filepath.ErrBadPattern`).
    pub fn matches(&self, path: &[u8]) -> Option<bool> {
        match self.kind {
            MatchKind::Exact => Some(path == self.cleaned.as_slice()),
            MatchKind::Prefix => {
                Some(path.starts_with(&self.cleaned[..self.cleaned.len().saturating_sub(2)]))
            }
            MatchKind::Suffix => {
                let suffix = &self.cleaned[2.min(self.cleaned.len())..];
                Some(
                    path.ends_with(suffix)
                        || (suffix.first() == Some(&b'/') && path == &suffix[1..]),
                )
            }
            MatchKind::Regexp => self
                .regex
                .as_ref()
                .map(|re| re.is_match(go::go_lossy(path).as_bytes())),
        }
    }
}

/// patternmatcher's `escapeBytes` table, computed the way Go computes it:
///
/// ```go
/// var escapeBytes [8]byte
/// func shouldEscape(b rune) bool { return b < utf8.RuneSelf && escapeBytes[b%8]&(1<<(b/8)) != 0 }
/// func init() { for _, b := range []byte(`.+()|{}$`) { escapeBytes[b%8] |= 1 << (b / 8) } }
/// ```
///
/// In both places the untyped constant `1` takes the type `byte` of the other
/// operand, and a Go shift by 8 or more of a `byte` gives 0. So only bytes
/// below 64 (`b/8 <= 7`) can ever be escaped, and the bits for `|` (124),
/// `{` (123) and `}` (125) (`b/8 = 15`) are lost when the table is built:
///
/// | char | b   | b%8 | b/8 | bit kept |
/// |------|-----|-----|-----|----------|
/// | `$`  | 36  | 4   | 4   | yes      |
/// | `(`  | 40  | 0   | 5   | yes      |
/// | `)`  | 41  | 1   | 5   | yes      |
/// | `+`  | 43  | 3   | 5   | yes      |
/// | `.`  | 46  | 6   | 5   | yes      |
/// | `{`  | 123 | 3   | 15  | no       |
/// | `\|` | 124 | 4   | 15  | no       |
/// | `}`  | 125 | 5   | 15  | no       |
///
/// A lookup `(b%8, b/8)` with `b < 64` names exactly one byte, so exactly
/// `$ ( ) + .` are escaped (checked for every ASCII byte in a unit test).
/// Docker (BuildKit, docker 26) confirms it: `x*|b` is `^x[^/]*|b$` and
/// `?{2}` is `^[^/]{2}$`.
const ESCAPE_BYTES: [u8; 8] = {
    let mut t = [0u8; 8];
    let s = b".+()|{}$";
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        // `byte(1) << (b/8)`: 0 once the shift reaches 8.
        let bit = if b / 8 < 8 { 1u8 << (b / 8) } else { 0 };
        t[(b % 8) as usize] |= bit;
        i += 1;
    }
    t
};

/// patternmatcher `shouldEscape` (see [`ESCAPE_BYTES`]).
fn should_escape(ch: char) -> bool {
    let b = u32::from(ch);
    if b >= 0x80 {
        return false;
    }
    let shift = b / 8;
    let mask = if shift < 8 { 1u8 << shift } else { 0 };
    ESCAPE_BYTES[(b % 8) as usize] & mask != 0
}

/// `Pattern.compile`: the match type and, for regexp patterns, the Go regexp.
///
/// The pattern is read with `text/scanner`, which drops a leading U+FEFF and
/// turns every invalid UTF-8 byte into U+FFFD; `i == 0` below counts tokens
/// after that BOM.
fn compile(cleaned: &[u8]) -> (MatchKind, Option<String>) {
    let mut runes: Vec<char> = Vec::with_capacity(cleaned.len());
    let mut rest = cleaned;
    while !rest.is_empty() {
        let (r, w) = go::decode_rune(rest);
        runes.push(char::from_u32(r).unwrap_or('\u{FFFD}'));
        rest = &rest[w..];
    }
    let mut idx = usize::from(runes.first() == Some(&'\u{FEFF}'));
    let n = runes.len();
    let mut reg = String::from("^");
    let mut kind = MatchKind::Exact;
    let mut i = 0;
    while idx < n {
        let ch = runes[idx];
        idx += 1;
        match ch {
            '*' => {
                if runes.get(idx) == Some(&'*') {
                    idx += 1;
                    // Treat **/ as ** so eat the "/".
                    if runes.get(idx) == Some(&'/') {
                        idx += 1;
                    }
                    if idx >= n {
                        if kind == MatchKind::Exact {
                            kind = MatchKind::Prefix;
                        } else {
                            reg.push_str(".*");
                            kind = MatchKind::Regexp;
                        }
                    } else {
                        reg.push_str("(.*/)?");
                        kind = MatchKind::Regexp;
                    }
                    if i == 0 {
                        kind = MatchKind::Suffix;
                    }
                } else {
                    reg.push_str("[^/]*");
                    kind = MatchKind::Regexp;
                }
            }
            '?' => {
                reg.push_str("[^/]");
                kind = MatchKind::Regexp;
            }
            // shouldEscape: only `$ ( ) + .` (see `should_escape`); `| { }`
            // reach the regexp unescaped. Like every branch but `*`, `?`,
            // `\\x` and `[ ]`, this does not change the match type.
            _ if should_escape(ch) => {
                reg.push('\\');
                reg.push(ch);
            }
            '\\' => {
                if idx < n {
                    reg.push('\\');
                    reg.push(runes[idx]);
                    idx += 1;
                    kind = MatchKind::Regexp;
                } else {
                    reg.push('\\');
                }
            }
            '[' | ']' => {
                reg.push(ch);
                kind = MatchKind::Regexp;
            }
            _ => reg.push(ch),
        }
        i += 1;
    }
    if kind == MatchKind::Regexp {
        reg.push('$');
        (kind, Some(reg))
    } else {
        (kind, None)
    }
}

/// A generous limit: a 64 KiB line of `*` compiles to a large Unicode NFA.
const REGEX_SIZE_LIMIT: usize = 1 << 28;

fn build_regex(rust: &str) -> Option<Regex> {
    RegexBuilder::new(rust)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .ok()
}

/// Per-pattern results carried from a directory to its children
/// (`patternmatcher.MatchInfo`). The default value means "no information",
/// like Go's zero `MatchInfo{}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchInfo {
    bits: Vec<u64>,
}

impl MatchInfo {
    fn reset(&mut self, n: usize) {
        self.bits.clear();
        if n > 0 {
            self.bits.resize(n.div_ceil(64), 0);
        }
    }

    fn get(&self, i: usize) -> bool {
        self.bits
            .get(i / 64)
            .is_some_and(|w| w >> (i % 64) & 1 == 1)
    }

    fn set(&mut self, i: usize) {
        if let Some(w) = self.bits.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    /// `true` for the zero value ("no parent information").
    pub fn is_empty(&self) -> bool {
        self.bits.is_empty()
    }
}

/// The outcome of matching one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Decision {
    /// `true` if the path is excluded from the context.
    pub excluded: bool,
    /// The last pattern that matched (it set the final state); `None` if no
    /// pattern matched. Index into [`PatternMatcher::patterns`].
    pub decided_by: Option<usize>,
}

/// A compiled list of `.dockerignore` patterns (`patternmatcher.PatternMatcher`).
#[derive(Debug, Clone)]
pub struct PatternMatcher {
    patterns: Vec<Pattern>,
    exclusions: bool,
    only_prefix_exclude_exceptions: bool,
    /// All valid regexp patterns, to test a path against all of them in one pass.
    set: Option<RegexSet>,
    /// `set` index -> pattern index.
    set_patterns: Vec<usize>,
    /// pattern index -> `set` index.
    set_index: Vec<Option<usize>>,
}

/// fsutil `patternWithoutTrailingGlob`: trim one `/**`, then one `/*`.
fn without_trailing_glob(p: &[u8]) -> &[u8] {
    let p = p.strip_suffix(b"/**").unwrap_or(p);
    p.strip_suffix(b"/*").unwrap_or(p)
}

impl PatternMatcher {
    /// `patternmatcher.New`.
    pub fn new<I, P>(patterns: I) -> Result<Self, NewError>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        let mut out = Vec::new();
        let mut exclusions = false;
        for (index, p) in patterns.into_iter().enumerate() {
            let p = go::trim_space(p.as_ref());
            if p.is_empty() {
                continue;
            }
            let mut p = go::clean(p);
            let mut exclusion = false;
            if p[0] == b'!' {
                if p.len() == 1 {
                    return Err(NewError::IllegalExclusion { index });
                }
                exclusion = true;
                p.remove(0);
                exclusions = true;
            }
            // Only the syntax check of filepath.Match(p, ".") is of interest.
            if go::filepath_match(&p, b".").is_err() {
                return Err(NewError::Syntax { index });
            }
            // Go compiles lazily at the first match; compiling eagerly is
            // equivalent because a compile error is only *reported* when the
            // pattern is evaluated (see `PatternMatcher::eval`).
            let (kind, go_regexp) = compile(&p);
            let regex = go_regexp
                .as_deref()
                .and_then(|g| re2::translate(g).ok())
                .and_then(|r| build_regex(&r));
            let bad = kind == MatchKind::Regexp && regex.is_none();
            // len(strings.Split(p, "/"))
            let dirs_len = p.split(|&c| c == b'/').count();
            out.push(Pattern {
                cleaned: p,
                exclusion,
                dirs_len,
                kind,
                go_regexp,
                regex,
                bad,
                source_index: index,
            });
        }
        // fsutil NewFilterFS: on Unix `\` counts as a pattern character.
        let only_prefix_exclude_exceptions = !out.iter().any(|p| {
            p.exclusion
                && without_trailing_glob(&p.cleaned)
                    .iter()
                    .any(|c| b"*[]?^\\".contains(c))
        });
        let mut set_patterns = Vec::new();
        let mut set_index = vec![None; out.len()];
        let mut sources = Vec::new();
        for (i, p) in out.iter().enumerate() {
            if let Some(re) = &p.regex {
                set_index[i] = Some(set_patterns.len());
                set_patterns.push(i);
                sources.push(re.as_str().to_owned());
            }
        }
        // A single regex is as fast alone; a set needs at least two.
        let set = if sources.len() >= 2 {
            RegexSetBuilder::new(&sources)
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
                .ok()
        } else {
            None
        };
        if set.is_none() {
            set_index.fill(None);
            set_patterns.clear();
        }
        Ok(PatternMatcher {
            patterns: out,
            exclusions,
            only_prefix_exclude_exceptions,
            set,
            set_patterns,
            set_index,
        })
    }

    /// `New` over the patterns of a parsed ignore file.
    pub fn from_ignore_file(file: &IgnoreFile) -> Result<Self, NewError> {
        Self::new(file.pattern_strings())
    }

    /// The patterns in order (`Patterns()`); empty lines are not included.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// `true` if some pattern is an exception (`Exclusions()`).
    pub fn exclusions(&self) -> bool {
        self.exclusions
    }

    /// Evaluates pattern `i` against the path, using the precomputed
    /// regex-set results when available.
    fn eval(&self, i: usize, path: &[u8], set_hits: &mut SetHits<'_>) -> Result<bool, MatchError> {
        let p = &self.patterns[i];
        if p.bad {
            return Err(MatchError { pattern: i });
        }
        if let Some(si) = self.set_index[i] {
            debug_assert_eq!(path, set_hits.path);
            return Ok(set_hits.get(self, si));
        }
        p.matches(path).ok_or(MatchError { pattern: i })
    }

    /// The core of `Matches`/`MatchesOrParentMatches`: `deprecated` selects the
    /// deprecated single-ancestor check.
    fn matches_impl(&self, file: &[u8], deprecated: bool) -> Result<Decision, MatchError> {
        let parent = go::dir(file);
        let parent_dirs: Vec<&[u8]> = parent.split(|&c| c == b'/').collect();
        let mut hits = SetHits::new(file);
        let mut d = Decision::default();
        for (i, p) in self.patterns.iter().enumerate() {
            // Skip evaluation if this is an inclusion and the filename already
            // matched the pattern, or it's an exclusion and it has not
            // matched the pattern yet.
            if p.exclusion != d.excluded {
                continue;
            }
            let mut m = self.eval(i, file, &mut hits)?;
            if !m && parent.as_slice() != b"." {
                if deprecated {
                    if p.dirs_len <= parent_dirs.len() {
                        m = p
                            .matches(&parent_dirs[..p.dirs_len].join(&b'/'))
                            .unwrap_or(false);
                    }
                } else {
                    m = ancestor_matches(p, &parent);
                }
            }
            if m {
                d.excluded = !p.exclusion;
                d.decided_by = Some(i);
            }
        }
        Ok(d)
    }

    /// Deprecated `PatternMatcher.Matches`: checks only the one ancestor at
    /// the pattern's depth (docker ≤ 20.10 behaviour). Kept for the upstream
    /// test vectors.
    pub fn matches(&self, file: &[u8]) -> Result<bool, MatchError> {
        self.matches_impl(file, true).map(|d| d.excluded)
    }

    /// `MatchesOrParentMatches`: a pattern matching the path or any ancestor
    /// counts. This is what `filterFS.Open` uses (single-path questions such
    /// as "is this `COPY` source ignored?").
    pub fn matches_or_parent_matches(&self, file: &[u8]) -> Result<bool, MatchError> {
        self.decide_or_parent_matches(file).map(|d| d.excluded)
    }

    /// [`Self::matches_or_parent_matches`] with the deciding pattern.
    pub fn decide_or_parent_matches(&self, file: &[u8]) -> Result<Decision, MatchError> {
        self.matches_impl(file, false)
    }

    /// Whether some exception (`!` pattern) matches `file` or one of its ancestors, or cannot
    /// be evaluated. When `false`, no exception can be the deciding pattern of
    /// [`Self::decide_or_parent_matches`] for `file` (in `MatchesOrParentMatches` a pattern
    /// decides only when it matches the path or an ancestor), so a caller that looks for the
    /// exceptions that decide something can skip the full evaluation of every pattern.
    pub fn exception_may_match_or_parent(&self, file: &[u8]) -> bool {
        if !self.exclusions {
            return false;
        }
        let mut parent: Option<Vec<u8>> = None;
        self.patterns
            .iter()
            .filter(|p| p.exclusion)
            .any(|p| match p.matches(file) {
                None | Some(true) => true,
                Some(false) => {
                    let parent = parent.get_or_insert_with(|| go::dir(file));
                    parent.as_slice() != b"." && ancestor_matches(p, parent)
                }
            })
    }

    /// `MatchesUsingParentResults`, the function BuildKit's walker uses,
    /// returning the child [`MatchInfo`] too.
    pub fn matches_using_parent_results(
        &self,
        file: &[u8],
        parent: &MatchInfo,
    ) -> Result<(Decision, MatchInfo), MatchError> {
        let mut info = MatchInfo::default();
        let d = self.matches_using_parent_results_into(file, parent, &mut info)?;
        Ok((d, info))
    }

    /// [`Self::matches_using_parent_results`] writing the child info into a
    /// reusable buffer (no allocation per call once the buffer is sized).
    pub fn matches_using_parent_results_into(
        &self,
        file: &[u8],
        parent: &MatchInfo,
        info: &mut MatchInfo,
    ) -> Result<Decision, MatchError> {
        let mut hits = SetHits::new(file);
        self.using_parent_results(file, parent, info, |i, path| self.eval(i, path, &mut hits))
    }

    /// The same loop, evaluating every pattern on its own (no regex set).
    /// Reference implementation for tests.
    pub fn matches_using_parent_results_naive(
        &self,
        file: &[u8],
        parent: &MatchInfo,
    ) -> Result<(Decision, MatchInfo), MatchError> {
        let mut info = MatchInfo::default();
        let d = self.using_parent_results(file, parent, &mut info, |i, path| {
            self.patterns[i]
                .matches(path)
                .ok_or(MatchError { pattern: i })
        })?;
        Ok((d, info))
    }

    fn using_parent_results(
        &self,
        file: &[u8],
        parent: &MatchInfo,
        info: &mut MatchInfo,
        mut eval: impl FnMut(usize, &[u8]) -> Result<bool, MatchError>,
    ) -> Result<Decision, MatchError> {
        let n = self.patterns.len();
        // Go: `len(parentMatched) != 0 && len(parentMatched) != len(pm.patterns)`
        // is an error; our MatchInfo is always sized for this matcher.
        let has_parent = !parent.is_empty();
        info.reset(n);
        let mut d = Decision::default();
        let mut parent_path: Option<Vec<u8>> = None;
        for (i, p) in self.patterns.iter().enumerate() {
            // If the parent matched this pattern, we don't need to recheck.
            let mut m = has_parent && parent.get(i);
            if !m {
                if p.exclusion != d.excluded {
                    continue;
                }
                m = eval(i, file)?;
                // Without parent information, check every ancestor like
                // MatchesOrParentMatches.
                if !m && !has_parent {
                    let parent_dir = parent_path.get_or_insert_with(|| go::dir(file));
                    if parent_dir.as_slice() != b"." {
                        m = ancestor_matches(p, parent_dir);
                    }
                }
            }
            if m {
                info.set(i);
                d.excluded = !p.exclusion;
                d.decided_by = Some(i);
            }
        }
        Ok(d)
    }

    /// fsutil `filterFS.Walk`'s pruning rule for a directory that
    /// [`Self::matches_using_parent_results`] excluded: `true` means the
    /// walker returns `filepath.SkipDir` and never looks inside, so no
    /// exception can re-include anything below it.
    ///
    /// It may only skip when `onlyPrefixExcludeExceptions` holds (no
    /// exception contains `* [ ] ? ^ \` after trimming a trailing `/**` and
    /// `/*`), and then does so when there are no exceptions or none satisfies
    /// `HasPrefix(withoutTrailingGlob(e)+"/", dir+"/")`.
    pub fn may_skip_excluded_dir(&self, dir: &[u8]) -> bool {
        if !self.only_prefix_exclude_exceptions {
            return false;
        }
        if !self.exclusions {
            return true;
        }
        !self.patterns.iter().filter(|p| p.exclusion).any(|p| {
            let pat = without_trailing_glob(&p.cleaned);
            // HasPrefix(pat+"/", dir+"/")
            pat.len() >= dir.len()
                && pat.starts_with(dir)
                && (pat.len() == dir.len() || pat[dir.len()] == b'/')
        })
    }

    /// Explains how BuildKit's walker treats `path` (relative, `/`-separated):
    /// replays the walk from the root down, so it also answers for paths
    /// inside directories that the walker prunes.
    pub fn explain(&self, path: &[u8], is_dir: bool) -> Result<Explanation, MatchError> {
        let mut steps: Vec<ExplainStep> = Vec::new();
        let mut info = MatchInfo::default();
        let mut next = MatchInfo::default();
        let components: Vec<&[u8]> = path
            .split(|&c| c == b'/')
            .filter(|c| !c.is_empty())
            .collect();
        let mut prefix: Vec<u8> = Vec::with_capacity(path.len());
        for (k, comp) in components.iter().enumerate() {
            if k > 0 {
                prefix.push(b'/');
            }
            prefix.extend_from_slice(comp);
            let last = k + 1 == components.len();
            let step_is_dir = !last || is_dir;
            let d = self.matches_using_parent_results_into(&prefix, &info, &mut next)?;
            let skipped = d.excluded && step_is_dir && self.may_skip_excluded_dir(&prefix);
            steps.push(ExplainStep {
                path: prefix.clone(),
                is_dir: step_is_dir,
                decision: d,
                walker_skips: skipped,
            });
            std::mem::swap(&mut info, &mut next);
            if skipped && !last {
                break;
            }
        }
        Ok(Explanation {
            steps,
            reached: true,
        }
        .finish(components.len()))
    }
}

/// One level of an [`Explanation`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplainStep {
    /// The ancestor (or the path itself).
    pub path: Vec<u8>,
    /// Whether it is treated as a directory.
    pub is_dir: bool,
    /// `MatchesUsingParentResults` for it, with its parent's info.
    pub decision: Decision,
    /// `true` if the walker excludes this directory and does not enter it.
    pub walker_skips: bool,
}

/// Why BuildKit sends or does not send a path. See [`PatternMatcher::explain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// One step per path component, root first. Stops early at a directory
    /// the walker skips.
    pub steps: Vec<ExplainStep>,
    /// `false` if the walker never reaches the path (an ancestor is skipped).
    pub reached: bool,
}

impl Explanation {
    fn finish(mut self, ncomponents: usize) -> Self {
        // The loop stops early only at a skipped ancestor.
        self.reached = self.steps.len() == ncomponents;
        self
    }

    /// `true` if the path is not sent on its own account: it is excluded, or
    /// an ancestor directory is skipped by the walker. (An excluded directory
    /// still appears in the context when something below it is re-included.)
    pub fn excluded(&self) -> bool {
        !self.reached || self.steps.last().is_none_or(|s| s.decision.excluded)
    }

    /// The step that decided the outcome: the skipped ancestor if the walker
    /// never reaches the path, else the path itself.
    pub fn deciding_step(&self) -> Option<&ExplainStep> {
        if self.reached {
            self.steps.last()
        } else {
            self.steps.iter().find(|s| s.walker_skips)
        }
    }
}

/// Go: "Check to see if the pattern matches one of our parent dirs", for
/// every ancestor, shortest first; errors count as no match (`match, _ =`).
fn ancestor_matches(p: &Pattern, parent: &[u8]) -> bool {
    let mut end = 0;
    loop {
        let next = parent[end..]
            .iter()
            .position(|&c| c == b'/')
            .map(|i| end + i);
        let prefix = &parent[..next.unwrap_or(parent.len())];
        if p.matches(prefix).unwrap_or(false) {
            return true;
        }
        match next {
            Some(i) => end = i + 1,
            None => return false,
        }
    }
}

/// Lazily computed regex-set results for one path.
struct SetHits<'a> {
    path: &'a [u8],
    hits: Option<Vec<bool>>,
}

impl<'a> SetHits<'a> {
    fn new(path: &'a [u8]) -> Self {
        SetHits { path, hits: None }
    }

    fn get(&mut self, pm: &PatternMatcher, si: usize) -> bool {
        let path = self.path;
        let hits = self.hits.get_or_insert_with(|| {
            let mut v = vec![false; pm.set_patterns.len()];
            if let Some(set) = &pm.set {
                let hay = go::go_lossy(path);
                set.matches_read_at(&mut v, hay.as_bytes(), 0);
            }
            v
        });
        hits.get(si).copied().unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pm(p: &[&str]) -> PatternMatcher {
        PatternMatcher::new(p).unwrap()
    }

    #[test]
    fn using_parent_results_differs_from_or_parent_matches() {
        // rust-stack.md §5: `a`, `!a/b`, `a`.
        let m = pm(&["a", "!a/b", "a"]);
        assert!(m.matches_or_parent_matches(b"a/b").unwrap());
        let (d, info) = m
            .matches_using_parent_results(b"a", &MatchInfo::default())
            .unwrap();
        assert!(d.excluded);
        let (d, _) = m.matches_using_parent_results(b"a/b", &info).unwrap();
        assert!(!d.excluded);
        assert_eq!(d.decided_by, Some(1));
    }

    #[test]
    fn exception_prefilter_agrees_with_decisions() {
        let m = pm(&["a", "!a/b", "**/*.md", "!docs/*.md", "c"]);
        for path in [
            &b"a"[..],
            b"a/b",
            b"a/b/c",
            b"a/c",
            b"docs/x.md",
            b"docs/sub/x.md",
            b"x.md",
            b"c",
            b"c/a/b",
        ] {
            let d = m.decide_or_parent_matches(path).unwrap();
            let by_exception =
                !d.excluded && d.decided_by.is_some_and(|i| m.patterns()[i].is_exclusion());
            if by_exception {
                assert!(m.exception_may_match_or_parent(path), "{path:?}");
            }
        }
        assert!(m.exception_may_match_or_parent(b"a/b/c"));
        assert!(m.exception_may_match_or_parent(b"docs/x.md"));
        assert!(!m.exception_may_match_or_parent(b"a/c"));
        assert!(!m.exception_may_match_or_parent(b"x.md"));
        assert!(!pm(&["a"]).exception_may_match_or_parent(b"a"));
        // An exception that cannot be evaluated may match.
        assert!(pm(&["a", "![z-a]"]).exception_may_match_or_parent(b"b"));
    }

    #[test]
    fn pruning_rule() {
        assert!(pm(&["docs"]).may_skip_excluded_dir(b"docs"));
        assert!(!pm(&["docs", "!docs/keep.md"]).may_skip_excluded_dir(b"docs"));
        assert!(pm(&["docs", "!docsx/keep.md"]).may_skip_excluded_dir(b"docs"));
        assert!(!pm(&["docs", "!docs/**"]).may_skip_excluded_dir(b"docs"));
        assert!(!pm(&["docs", "!docs"]).may_skip_excluded_dir(b"docs"));
        // A wildcard exception: every excluded directory is walked.
        assert!(!pm(&["docs", "!**/*.md"]).may_skip_excluded_dir(b"docs"));
        assert!(!pm(&["docs", "!x/a\\b"]).may_skip_excluded_dir(b"docs"));
    }

    #[test]
    fn bad_regexp_fails_only_when_evaluated() {
        let m = pm(&["a", "![z-a]"]);
        assert!(m.patterns()[1].is_invalid());
        // The exception is skipped while nothing is excluded.
        assert!(!m.matches_or_parent_matches(b"b").unwrap());
        assert_eq!(
            m.matches_or_parent_matches(b"a"),
            Err(MatchError { pattern: 1 })
        );
    }

    #[test]
    fn should_escape_is_exactly_dollar_parens_plus_dot() {
        // Go's arithmetic by hand: escapeBytes[b%8] |= byte(1) << (b/8).
        let mut go = [0u8; 8];
        for b in b".+()|{}$" {
            go[usize::from(b % 8)] |= 1u8.checked_shl(u32::from(b / 8)).unwrap_or(0);
        }
        assert_eq!(go, ESCAPE_BYTES);
        assert_eq!(go, [1 << 5, 1 << 5, 0, 1 << 5, 1 << 4, 0, 1 << 5, 0]);
        let escaped: String = (0u8..128)
            .map(char::from)
            .filter(|&c| should_escape(c))
            .collect();
        assert_eq!(escaped, "$()+.");
        assert!(!should_escape('\u{80}') && !should_escape('é') && !should_escape('\u{FFFD}'));
    }

    #[test]
    fn bar_and_braces_reach_the_regexp() {
        let re = |p: &str| compile(p.as_bytes()).1;
        assert_eq!(re("x*|b").as_deref(), Some(r"^x[^/]*|b$"));
        assert_eq!(re("?{2}").as_deref(), Some(r"^[^/]{2}$"));
        assert_eq!(re("q?1)").as_deref(), Some(r"^q[^/]1\)$"));
        assert_eq!(re("keep/**/a{2}").as_deref(), Some(r"^keep/(.*/)?a{2}$"));
        assert_eq!(re("[|]*").as_deref(), Some(r"^[|][^/]*$"));
        assert_eq!(re("a.b+c$(d)*").as_deref(), Some(r"^a\.b\+c\$\(d\)[^/]*$"));
        // No glob character: still an exact match, `|{}` compared literally.
        for p in ["a|b", "a{2}", "{", "}|{"] {
            assert_eq!(compile(p.as_bytes()), (MatchKind::Exact, None), "{p}");
        }
        assert_eq!(compile(b"a{2}**").0, MatchKind::Prefix);
        assert_eq!(compile(b"**/a|b").0, MatchKind::Suffix);

        let m = pm(&["?{2}", "x*|b", "q?1)"]);
        for (path, excluded) in [
            ("aa", true),
            ("a{2}", false),
            ("ab", true),
            ("xb", true),
            ("xyz", true),
            ("x{1}", true),
            ("zz", true),
            ("q1", true),
            ("q(1)", true),
            (".dockerignore", false),
        ] {
            assert_eq!(
                m.matches_or_parent_matches(path.as_bytes()),
                Ok(excluded),
                "{path}"
            );
        }
        let m = pm(&["keep/**/a{2}"]);
        assert_eq!(m.matches_or_parent_matches(b"keep/x/y/aa"), Ok(true));
        assert_eq!(m.matches_or_parent_matches(b"keep/a{2}"), Ok(false));
        // `a|*` is `^a|[^/]*$`: the second alternative matches anything.
        assert_eq!(pm(&["a|*"]).matches_or_parent_matches(b"x/y"), Ok(true));
        assert_eq!(pm(&["*|"]).matches_or_parent_matches(b"x/y"), Ok(true));
        assert_eq!(pm(&["|*"]).matches_or_parent_matches(b"x/y"), Ok(true));
        for bad in [
            "x{1001}*",
            "a{2,1}*",
            "*|{2}",
            "?{2}{3}",
            "\\p{greek}*",
            "\\pl*",
        ] {
            assert!(pm(&[bad]).patterns()[0].is_invalid(), "{bad}");
        }
        for ok in [
            "a{b*",
            "a{,2}*",
            "{*",
            "*}",
            "\\p{Greek}*",
            "\\pL*",
            "^{2}*",
        ] {
            assert!(!pm(&[ok]).patterns()[0].is_invalid(), "{ok}");
        }
    }

    #[test]
    fn explain_pruned() {
        let m = pm(&[".venv", "!.venv/keep"]);
        let e = m.explain(b"app/x.py", false).unwrap();
        assert!(!e.excluded());
        let m = pm(&[".venv"]);
        let e = m.explain(b".venv/lib/x.py", false).unwrap();
        assert!(e.excluded());
        assert!(!e.reached);
        assert_eq!(e.deciding_step().unwrap().path, b".venv");
        assert_eq!(e.deciding_step().unwrap().decision.decided_by, Some(0));
    }
}
