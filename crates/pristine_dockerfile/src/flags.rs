//! Instruction flags (`--name=value`), as BuildKit's `BFlags` parses them.
//!
//! Port of `frontend/dockerfile/instructions/bflag.go` (moby/buildkit, Apache-2.0; the current
//! form with lower-case messages, `strings.Cut` and `suggest.WrapError` — older releases, e.g.
//! moby/buildkit@33e66816, said `Unknown flag: x`), plus `util/suggest/error.go`
//! (moby/buildkit@05782a78) for the "did you mean" hint.
//!
//! Declare the flags an instruction accepts on a [`FlagSet`], then [`FlagSet::parse`] the raw
//! flag strings. Every value remembers the index of the raw string it came from, so a caller can
//! map it back to a source range.

/// What a flag takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagKind {
    /// `--name`, `--name=true`, `--name=false` (case-insensitive value).
    Bool,
    /// `--name=value`, at most once.
    String,
    /// `--name=value`, repeatable.
    Strings,
}

/// A declared flag, returned by the `add_*` methods of [`FlagSet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FlagId(usize);

#[derive(Clone, Debug)]
struct FlagSpec {
    name: String,
    kind: FlagKind,
    /// The value before parsing (`"true"`/`"false"` for booleans, as Go stores it).
    default: String,
}

/// The flags an instruction accepts (BuildKit's `BFlags` before `Parse`).
#[derive(Clone, Debug, Default)]
pub struct FlagSet {
    specs: Vec<FlagSpec>,
    /// bflag.go reports a flag defined twice only when `Parse` is called.
    setup_error: Option<String>,
}

/// The values after parsing.
#[derive(Clone, Debug)]
pub struct ParsedFlags {
    names: Vec<String>,
    kinds: Vec<FlagKind>,
    values: Vec<String>,
    string_values: Vec<Vec<String>>,
    /// For each flag, the index of every raw argument that set it.
    sources: Vec<Vec<usize>>,
    /// Flag names in the order they were first used.
    used: Vec<FlagId>,
    /// Index of a `--` argument that stopped parsing, if any.
    end_of_flags: Option<usize>,
}

/// A flag parsing error; `Display` is BuildKit's text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct FlagError {
    /// Index of the offending raw argument (`None` for a declaration error).
    pub index: Option<usize>,
    /// What went wrong.
    pub kind: FlagErrorKind,
}

/// The specific flag error.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FlagErrorKind {
    /// The same flag was declared twice (a programming error, reported at parse time).
    #[error("error setting up flags: Duplicate flag defined: {0}")]
    Setup(String),
    /// A raw flag that does not start with `--`.
    #[error("arg should start with -- : {0}")]
    NotAFlag(String),
    /// `--name` that is not declared; `suggestion` is the closest declared name.
    #[error("unknown flag: {flag}{}", did_you_mean(.suggestion.as_deref()))]
    Unknown {
        /// The flag as written, with `--`, without `=value`.
        flag: String,
        /// A declared name within edit distance 2 (without `--`).
        suggestion: Option<String>,
    },
    /// A non-repeatable flag given twice.
    #[error("duplicate flag specified: {0}")]
    Duplicate(String),
    /// A string flag without `=`, or a bool flag with an empty `=`.
    #[error("missing a value on flag: {0}")]
    MissingValue(String),
    /// A bool flag with a value other than true/false.
    #[error("expecting boolean value for flag {flag}, not: {value}")]
    NotBool {
        /// The flag as written, with `--`.
        flag: String,
        /// The value as written.
        value: String,
    },
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!(" (did you mean {s}?)"))
}

impl FlagSet {
    /// No flags.
    pub fn new() -> Self {
        Self::default()
    }

    fn add(&mut self, name: &str, kind: FlagKind, default: String) -> FlagId {
        // bflag.go addFlag: a second definition is an error at Parse time (and Go returns a nil
        // *Flag; we hand back the first definition so accessors keep working).
        if let Some(idx) = self.specs.iter().position(|s| s.name == name) {
            self.setup_error = Some(name.to_owned());
            return FlagId(idx);
        }
        self.specs.push(FlagSpec {
            name: name.to_owned(),
            kind,
            default,
        });
        FlagId(self.specs.len() - 1)
    }

    /// Declares a boolean flag (bflag.go `AddBool`).
    pub fn add_bool(&mut self, name: &str, default: bool) -> FlagId {
        let default = if default { "true" } else { "false" };
        self.add(name, FlagKind::Bool, default.to_owned())
    }

    /// Declares a string flag (bflag.go `AddString`).
    pub fn add_string(&mut self, name: &str, default: &str) -> FlagId {
        self.add(name, FlagKind::String, default.to_owned())
    }

    /// Declares a repeatable string flag (bflag.go `AddStrings`).
    pub fn add_strings(&mut self, name: &str) -> FlagId {
        self.add(name, FlagKind::Strings, String::new())
    }

    /// The declared names, in declaration order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.specs.iter().map(|s| s.name.as_str())
    }

    /// Parses raw flags such as `--from=build` (bflag.go `Parse`). Parsing stops at the first
    /// error, and at a `--` argument (the arguments after it are not looked at).
    pub fn parse<S: AsRef<str>>(&self, args: &[S]) -> Result<ParsedFlags, FlagError> {
        if let Some(name) = &self.setup_error {
            return Err(FlagError {
                index: None,
                kind: FlagErrorKind::Setup(name.clone()),
            });
        }
        let n = self.specs.len();
        let mut parsed = ParsedFlags {
            names: self.specs.iter().map(|s| s.name.clone()).collect(),
            kinds: self.specs.iter().map(|s| s.kind).collect(),
            values: self.specs.iter().map(|s| s.default.clone()).collect(),
            string_values: vec![Vec::new(); n],
            sources: vec![Vec::new(); n],
            used: Vec::new(),
            end_of_flags: None,
        };

        for (index, arg) in args.iter().enumerate() {
            let a = arg.as_ref();
            let fail = |kind| {
                Err(FlagError {
                    index: Some(index),
                    kind,
                })
            };
            if a == "--" {
                // POSIX Utility Syntax Guidelines: `--` ends the options.
                parsed.end_of_flags = Some(index);
                return Ok(parsed);
            }
            let Some(body) = a.strip_prefix("--") else {
                return fail(FlagErrorKind::NotAFlag(a.to_owned()));
            };
            let (name, value) = match body.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (body, None),
            };
            let flag_name = format!("--{name}");

            let Some(idx) = self.specs.iter().position(|s| s.name == name) else {
                return fail(FlagErrorKind::Unknown {
                    flag: flag_name,
                    suggestion: suggest(name, self.names(), true),
                });
            };
            let spec = &self.specs[idx];
            let id = FlagId(idx);
            let already_used = parsed.used.contains(&id);
            if already_used && spec.kind != FlagKind::Strings {
                return fail(FlagErrorKind::Duplicate(flag_name));
            }
            if !already_used {
                parsed.used.push(id);
            }

            match spec.kind {
                FlagKind::Bool => {
                    // value == "" is only ok if no "=" was specified.
                    let value = match value {
                        Some("") => return fail(FlagErrorKind::MissingValue(flag_name)),
                        Some(v) => v,
                        None => "",
                    };
                    // strings.ToLower(value) compared with "true", "" and "false": only ASCII
                    // letters can lower-case to those.
                    parsed.values[idx] = if value.is_empty() || value.eq_ignore_ascii_case("true") {
                        "true".to_owned()
                    } else if value.eq_ignore_ascii_case("false") {
                        "false".to_owned()
                    } else {
                        return fail(FlagErrorKind::NotBool {
                            flag: flag_name,
                            value: value.to_owned(),
                        });
                    };
                }
                FlagKind::String => {
                    let Some(value) = value else {
                        return fail(FlagErrorKind::MissingValue(flag_name));
                    };
                    value.clone_into(&mut parsed.values[idx]);
                }
                FlagKind::Strings => {
                    let Some(value) = value else {
                        return fail(FlagErrorKind::MissingValue(flag_name));
                    };
                    parsed.string_values[idx].push(value.to_owned());
                }
            }
            parsed.sources[idx].push(index);
        }
        Ok(parsed)
    }
}

impl ParsedFlags {
    /// Whether the flag was given (bflag.go `IsUsed`).
    pub fn is_used(&self, id: FlagId) -> bool {
        self.used.contains(&id)
    }

    /// The flags that were given, in order of first use (bflag.go `Used`, ordered).
    pub fn used(&self) -> impl Iterator<Item = &str> {
        self.used
            .iter()
            .filter_map(|id| self.names.get(id.0))
            .map(String::as_str)
    }

    /// A boolean flag's value, or its default (bflag.go `IsTrue`).
    pub fn is_true(&self, id: FlagId) -> bool {
        self.values.get(id.0).is_some_and(|v| v == "true")
    }

    /// A string flag's value, or its default (bflag.go `Flag.Value`). For a bool flag this is
    /// `"true"` or `"false"`.
    pub fn value(&self, id: FlagId) -> &str {
        self.values.get(id.0).map_or("", String::as_str)
    }

    /// A repeatable flag's values, in order (bflag.go `Flag.StringValues`).
    pub fn values(&self, id: FlagId) -> &[String] {
        self.string_values.get(id.0).map_or(&[], Vec::as_slice)
    }

    /// Indices of the raw arguments that set the flag, in order (one per value of a repeatable
    /// flag).
    pub fn sources(&self, id: FlagId) -> &[usize] {
        self.sources.get(id.0).map_or(&[], Vec::as_slice)
    }

    /// The kind the flag was declared with.
    pub fn kind(&self, id: FlagId) -> Option<FlagKind> {
        self.kinds.get(id.0).copied()
    }

    /// Index of the `--` argument that ended flag parsing, if there was one.
    pub fn end_of_flags(&self) -> Option<usize> {
        self.end_of_flags
    }
}

/// `util/suggest/error.go` `WrapErrorMaybe`: the option closest to `value` by Levenshtein
/// distance, if that distance is below 3, and `None` when `value` is itself an option.
///
/// Go iterates a map there, so ties come out in random order; we take the first option in the
/// given order.
pub(crate) fn suggest<'a>(
    value: &str,
    options: impl IntoIterator<Item = &'a str>,
    case_sensitive: bool,
) -> Option<String> {
    let val = if case_sensitive {
        value.to_owned()
    } else {
        go_to_lower(value)
    };
    let mut best: Option<String> = None;
    let mut min_dist = 3;
    let val_len = val.chars().count();
    for opt in options {
        let opt_cmp = if case_sensitive {
            opt.to_owned()
        } else {
            go_to_lower(opt)
        };
        if val == opt_cmp {
            // An exact match means the error was unrelated to the value.
            return None;
        }
        // The distance is at least the difference in length, so an option that much longer
        // or shorter cannot come closer than the best so far: the same answer without the
        // O(n·m) table (an unknown 1 000-character word against every instruction name was
        // most of the parse time of fuzzed input).
        if opt_cmp.chars().count().abs_diff(val_len) >= min_dist {
            continue;
        }
        let dist = levenshtein(&val, &opt_cmp);
        if dist < min_dist {
            best = Some(if case_sensitive {
                opt_cmp
            } else {
                match_case(&opt_cmp, value)
            });
            min_dist = dist;
        }
    }
    best
}

/// suggest `matchCase`.
fn match_case(val: &str, orig: &str) -> String {
    if orig == go_to_lower(orig) {
        return go_to_lower(val);
    }
    if orig == orig.to_uppercase() {
        return val.to_uppercase();
    }
    val.to_owned()
}

/// Go `strings.ToLower`: per-rune simple lower-casing (`İ` becomes `i`, where Rust's full
/// mapping gives two characters).
pub(crate) fn go_to_lower(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) => l,
                // U+0130 is the only rune whose lower-case mapping is longer than one rune.
                _ => 'i',
            }
        })
        .collect()
}

/// `github.com/agext/levenshtein.Distance` with default parameters: the edit distance over runes
/// with unit costs.
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy_flags() -> (FlagSet, FlagId, FlagId, FlagId) {
        let mut set = FlagSet::new();
        let from = set.add_string("from", "");
        let link = set.add_bool("link", false);
        let exclude = set.add_strings("exclude");
        set.add_string("chmod", "");
        (set, from, link, exclude)
    }

    fn err(args: &[&str]) -> String {
        copy_flags().0.parse(args).unwrap_err().to_string()
    }

    #[test]
    fn values_and_sources() {
        let (set, from, link, exclude) = copy_flags();
        let p = set
            .parse(&["--exclude=a", "--from=build", "--link", "--exclude=b"])
            .unwrap();
        assert_eq!(p.value(from), "build");
        assert!(p.is_true(link));
        assert_eq!(p.values(exclude), ["a", "b"]);
        assert_eq!(p.sources(exclude), [0, 3]);
        assert_eq!(p.sources(from), [1]);
        assert_eq!(p.used().collect::<Vec<_>>(), ["exclude", "from", "link"]);

        let p = set.parse(&["--link=FALSE"]).unwrap();
        assert!(!p.is_true(link));
        assert!(p.is_used(link));
        let p = set.parse::<&str>(&[]).unwrap();
        assert!(!p.is_used(from));
        assert_eq!(p.value(link), "false");
    }

    #[test]
    fn double_dash_stops_parsing() {
        let (set, from, ..) = copy_flags();
        let p = set.parse(&["--from=a", "--", "--bogus", "x"]).unwrap();
        assert_eq!(p.value(from), "a");
        assert_eq!(p.end_of_flags(), Some(1));
    }

    #[test]
    fn error_texts() {
        assert_eq!(err(&["-x"]), "arg should start with -- : -x");
        assert_eq!(
            err(&["--chmd=1"]),
            "unknown flag: --chmd (did you mean chmod?)"
        );
        assert_eq!(err(&["--platform=x"]), "unknown flag: --platform");
        assert_eq!(
            err(&["--from=a", "--from=b"]),
            "duplicate flag specified: --from"
        );
        assert_eq!(err(&["--from"]), "missing a value on flag: --from");
        assert_eq!(err(&["--exclude"]), "missing a value on flag: --exclude");
        assert_eq!(err(&["--link="]), "missing a value on flag: --link");
        assert_eq!(
            err(&["--link=yes"]),
            "expecting boolean value for flag --link, not: yes"
        );
        assert_eq!(
            err(&["--link", "--link=false"]),
            "duplicate flag specified: --link"
        );
        let e = copy_flags().0.parse(&["--from=a", "--nope"]).unwrap_err();
        assert_eq!(e.index, Some(1));
    }

    #[test]
    fn duplicate_definition_is_reported_at_parse() {
        let mut set = FlagSet::new();
        set.add_string("a", "");
        set.add_bool("a", false);
        assert_eq!(
            set.parse::<&str>(&[]).unwrap_err().to_string(),
            "error setting up flags: Duplicate flag defined: a"
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(
            suggest("mout", ["mount", "network"], true).as_deref(),
            Some("mount")
        );
        assert_eq!(suggest("mount", ["mount"], true), None);
        assert_eq!(suggest("xyz", ["mount"], true), None);
        assert_eq!(suggest("MOUT", ["mount"], false).as_deref(), Some("MOUNT"));
        assert_eq!(go_to_lower("İA"), "ia");
    }

    /// `suggest` without the length bound, as `WrapErrorMaybe` computes it.
    fn suggest_unbounded(value: &str, options: &[&str]) -> Option<String> {
        let mut best = None;
        let mut min_dist = 3;
        for opt in options {
            if value == *opt {
                return None;
            }
            let dist = levenshtein(value, opt);
            if dist < min_dist {
                best = Some((*opt).to_owned());
                min_dist = dist;
            }
        }
        best
    }

    proptest::proptest! {
        /// Skipping options whose length alone puts them out of reach changes no answer.
        #[test]
        fn the_length_bound_changes_no_suggestion(value in "[a-eimnoprstuxz]{0,12}") {
            let options = ["from", "run", "cmd", "copy", "add", "entrypoint", "expose", "mount", "network", "onbuild"];
            proptest::prop_assert_eq!(
                suggest(&value, options, true),
                suggest_unbounded(&value, &options)
            );
        }
    }
}
