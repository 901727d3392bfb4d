//! What the checkers are told: which rules run and the options rules read. Built by the binary
//! from defaults, configuration files and the command line; immutable while checking.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pristine_diagnostics::{Diagnostic, Severity};

use crate::Rule;

/// A set of rules (a bitset over [`Rule::ALL`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RuleSet {
    bits: Vec<u64>,
}

impl RuleSet {
    /// No rule.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Every rule.
    pub fn all() -> Self {
        Rule::ALL.iter().copied().collect()
    }

    pub fn insert(&mut self, rule: Rule) {
        let index = rule as usize;
        if self.bits.len() <= index / 64 {
            self.bits.resize(index / 64 + 1, 0);
        }
        self.bits[index / 64] |= 1 << (index % 64);
    }

    pub fn remove(&mut self, rule: Rule) {
        let index = rule as usize;
        if let Some(word) = self.bits.get_mut(index / 64) {
            *word &= !(1 << (index % 64));
        }
        // Keep the representation canonical so that derived equality is set equality.
        while self.bits.last() == Some(&0) {
            self.bits.pop();
        }
    }

    pub fn contains(&self, rule: Rule) -> bool {
        let index = rule as usize;
        self.bits
            .get(index / 64)
            .is_some_and(|word| word & (1 << (index % 64)) != 0)
    }

    pub fn iter(&self) -> impl Iterator<Item = Rule> + '_ {
        Rule::ALL
            .iter()
            .copied()
            .filter(|rule| self.contains(*rule))
    }
}

impl FromIterator<Rule> for RuleSet {
    fn from_iter<T: IntoIterator<Item = Rule>>(iter: T) -> Self {
        let mut set = RuleSet::empty();
        for rule in iter {
            set.insert(rule);
        }
        set
    }
}

/// Options the rules read.
#[derive(Clone, Debug)]
pub struct LinterSettings {
    /// The rules that run.
    pub rules: RuleSet,
    /// Files at least this large (bytes) are reported as large context files.
    pub large_file_threshold: u64,
    /// The platform assumed when neither the command line, compose nor the Dockerfile says
    /// (`linux/amd64`). Set from `target-platform` when the configuration names one.
    pub default_platform: String,
    /// The platform the configuration asked for (`target-platform`), if any.
    pub target_platform: Option<String>,
    /// Rules switched off for the files matching a pattern (`per-file-ignores`).
    pub per_file_ignores: Vec<PerFileIgnore>,
    /// Severities that replace a rule's default (`[severity]`).
    pub severity_overrides: BTreeMap<Rule, Severity>,
    /// Findings at or above this severity make the exit code 1 (`fail-on`).
    pub fail_on: Severity,
}

impl Default for LinterSettings {
    fn default() -> Self {
        Self {
            rules: RuleSet::all(),
            large_file_threshold: 50 * 1024 * 1024,
            default_platform: "linux/amd64".to_string(),
            target_platform: None,
            per_file_ignores: Vec::new(),
            severity_overrides: BTreeMap::new(),
            fail_on: Severity::Info,
        }
    }
}

impl LinterSettings {
    /// The severity findings of `rule` are reported with.
    pub fn severity(&self, rule: Rule) -> Severity {
        self.severity_overrides
            .get(&rule)
            .copied()
            .unwrap_or(rule.meta().severity)
    }

    /// Whether `rule` is switched off for `path` by a `per-file-ignores` entry. `path` must be
    /// absolute when the patterns are (the binary resolves both against the project root).
    pub fn ignored_for_file(&self, rule: Rule, path: &Path) -> bool {
        self.per_file_ignores
            .iter()
            .any(|entry| entry.rules.contains(rule) && entry.matches(path))
    }

    /// Applies `per-file-ignores` and severity overrides to findings (of any family) reported
    /// against `file`s; returns what is left.
    pub fn finish(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diagnostics
            .into_iter()
            .filter_map(|mut diagnostic| {
                let rule = Rule::from_code(diagnostic.rule.code)?;
                if self.ignored_for_file(rule, &diagnostic.file) {
                    return None;
                }
                if let Some(severity) = self.severity_overrides.get(&rule) {
                    diagnostic.severity = *severity;
                }
                Some(diagnostic)
            })
            .collect()
    }
}

/// One `per-file-ignores` entry: a glob and the rules it switches off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PerFileIgnore {
    /// The pattern as written (`docker/*.Dockerfile`, `**/Dockerfile.dev`).
    pub pattern: String,
    /// The directory relative patterns are resolved against (the configuration file's).
    pub base: PathBuf,
    pub rules: RuleSet,
}

impl PerFileIgnore {
    /// A pattern without `/` matches the file name anywhere (as ruff's per-file-ignores do);
    /// otherwise it matches the path relative to [`base`](Self::base). `*` and `?` do not cross
    /// `/`, `**` does.
    pub fn matches(&self, path: &Path) -> bool {
        let pattern = self.pattern.strip_prefix("./").unwrap_or(&self.pattern);
        if !pattern.contains('/') {
            return path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|name| glob_match(pattern.as_bytes(), name.as_bytes()));
        }
        let path = path.strip_prefix("./").unwrap_or(path);
        let relative = path.strip_prefix(&self.base).unwrap_or(path);
        relative
            .to_str()
            .is_some_and(|rel| glob_match(pattern.as_bytes(), rel.as_bytes()))
    }
}

/// A small glob matcher: `*` (not `/`), `**` (anything, including `/`), `?`, literal bytes.
fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => {
            if let Some(rest) = rest.strip_prefix(b"*") {
                // `**/` also matches no directory at all.
                let rest_no_slash = rest.strip_prefix(b"/").unwrap_or(rest);
                (0..=text.len()).any(|i| {
                    text.get(i..).is_some_and(|t| {
                        glob_match(rest, t)
                            || (rest_no_slash.len() < rest.len() && glob_match(rest_no_slash, t))
                    })
                })
            } else {
                for i in 0..=text.len() {
                    if text.get(i..).is_some_and(|t| glob_match(rest, t)) {
                        return true;
                    }
                    if text.get(i) == Some(&b'/') {
                        return false;
                    }
                }
                false
            }
        }
        Some((b'?', rest)) => match text.split_first() {
            Some((c, t)) if *c != b'/' => glob_match(rest, t),
            _ => false,
        },
        Some((c, rest)) => match text.split_first() {
            Some((t0, t)) if t0 == c => glob_match(rest, t),
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_set() {
        let mut set = RuleSet::empty();
        assert!(!set.contains(Rule::InvalidSyntax));
        set.insert(Rule::EmptyContinuationLine);
        assert!(set.contains(Rule::EmptyContinuationLine));
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            vec![Rule::EmptyContinuationLine]
        );
        set.remove(Rule::EmptyContinuationLine);
        assert_eq!(set, RuleSet::from_iter([]));
        assert_eq!(RuleSet::all().iter().count(), Rule::ALL.len());
    }

    #[test]
    fn per_file_ignores_match_names_and_relative_paths() {
        let entry = |pattern: &str| PerFileIgnore {
            pattern: pattern.to_string(),
            base: PathBuf::from("/repo"),
            rules: RuleSet::from_iter([Rule::InvalidSyntax]),
        };
        assert!(entry("Dockerfile.*").matches(Path::new("/repo/a/b/Dockerfile.dev")));
        assert!(!entry("Dockerfile.*").matches(Path::new("/repo/a/Dockerfile")));
        assert!(entry("docker/*.Dockerfile").matches(Path::new("/repo/docker/x.Dockerfile")));
        assert!(!entry("docker/*.Dockerfile").matches(Path::new("/repo/docker/a/x.Dockerfile")));
        assert!(entry("docker/**/Dockerfile").matches(Path::new("/repo/docker/Dockerfile")));
        assert!(entry("docker/**/Dockerfile").matches(Path::new("/repo/docker/a/b/Dockerfile")));
        assert!(entry("**/Dockerfile").matches(Path::new("/repo/Dockerfile")));
        assert!(entry("./d?cker/Dockerfile").matches(Path::new("/repo/docker/Dockerfile")));

        let settings = LinterSettings {
            per_file_ignores: vec![entry("legacy/*")],
            ..LinterSettings::default()
        };
        assert!(
            settings.ignored_for_file(Rule::InvalidSyntax, Path::new("/repo/legacy/Dockerfile"))
        );
        assert!(!settings.ignored_for_file(
            Rule::EmptyContinuationLine,
            Path::new("/repo/legacy/Dockerfile")
        ));
        assert!(!settings.ignored_for_file(Rule::InvalidSyntax, Path::new("/repo/Dockerfile")));
    }

    #[test]
    fn severity_overrides() {
        let mut settings = LinterSettings::default();
        assert_eq!(settings.severity(Rule::InvalidSyntax), Severity::Error);
        settings
            .severity_overrides
            .insert(Rule::InvalidSyntax, Severity::Info);
        let diagnostic = Rule::InvalidSyntax.diagnostic("x", "/repo/Dockerfile");
        assert_eq!(
            settings.finish(vec![diagnostic])[0].severity,
            Severity::Info
        );
    }
}
