//! What the checkers are told: which rules run and the options rules read. Built by the binary
//! from defaults, configuration files and the command line; immutable while checking.

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
    /// (`linux/amd64`).
    pub default_platform: String,
}

impl Default for LinterSettings {
    fn default() -> Self {
        Self {
            rules: RuleSet::all(),
            large_file_threshold: 50 * 1024 * 1024,
            default_platform: "linux/amd64".to_string(),
        }
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
}
