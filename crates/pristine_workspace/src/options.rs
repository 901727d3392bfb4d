//! [`Options`]: the configuration schema as users write it.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use pristine_diagnostics::Severity;
use pristine_linter::{Rule, RuleSet};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// pristine's configuration: `[tool.pristine]` in `pyproject.toml`, or the top level of
/// `pristine.toml` / `.pristine.toml`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "Options")]
pub struct Options {
    /// The rules to run, replacing the default (every rule): rule codes (`DF001`), rule names
    /// (`invalid-syntax`), code prefixes (`DF`, `DF1`), hadolint codes that a rule covers
    /// (`DL3008`), or `ALL`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub select: Option<Vec<RuleSelector>>,
    /// Rules to run in addition to `select`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extend_select: Option<Vec<RuleSelector>>,
    /// Rules not to run (applied after `select` and `extend-select`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore: Option<Vec<RuleSelector>>,
    /// Rules not to run on some files: a glob (relative to the configuration file's directory;
    /// a pattern without `/` matches the file name anywhere; `**` crosses directories) mapped to
    /// rule selectors. Example: `{ "legacy/**" = ["DF002"], "Dockerfile.dev" = ["ALL"] }`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_file_ignores: Option<BTreeMap<String, Vec<RuleSelector>>>,
    /// The severity to report a rule with, replacing its default: `{ DF002 = "error" }`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<BTreeMap<RuleSelector, SeverityName>>,
    /// Findings at or above this severity make `pristine check` exit with 1 (default: `info`,
    /// every finding).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fail_on: Option<SeverityName>,
    /// The platform builds are checked for when neither the command line nor compose says
    /// (`os/arch[/variant]`, default `linux/amd64`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_platform: Option<Platform>,
    /// Context files at least this large (bytes) are reported as large (default 52428800, 50 MiB).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub large_file_threshold: Option<u64>,
    /// Directory names to skip when searching for Dockerfiles, besides the built-in ones
    /// (`.git`, `node_modules`, virtual environments, …). Replaces `exclude` of a lower layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclude: Option<Vec<String>>,
    /// Directory names to skip in addition to `exclude`; accumulates across layers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extend_exclude: Option<Vec<String>>,
    /// The default output format of `pristine check`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_format: Option<OutputFormat>,
}

/// How `pristine check` prints its findings.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema, clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum OutputFormat {
    /// Code frames with the offending text underlined (the default on a terminal)
    Full,
    /// One line per finding
    Concise,
    /// A JSON array (ruff-shaped)
    Json,
    /// One JSON object per line
    JsonLines,
    /// SARIF 2.1.0
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// GitLab Code Quality report
    Gitlab,
    /// JUnit XML
    Junit,
    /// Checkstyle XML
    Checkstyle,
}

impl OutputFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Full => "full",
            OutputFormat::Concise => "concise",
            OutputFormat::Json => "json",
            OutputFormat::JsonLines => "json-lines",
            OutputFormat::Sarif => "sarif",
            OutputFormat::Github => "github",
            OutputFormat::Gitlab => "gitlab",
            OutputFormat::Junit => "junit",
            OutputFormat::Checkstyle => "checkstyle",
        }
    }
}

/// A severity as written in configuration and on the command line.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Deserialize,
    Serialize,
    JsonSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Info,
    Warning,
    Error,
}

impl From<SeverityName> for Severity {
    fn from(value: SeverityName) -> Self {
        match value {
            SeverityName::Info => Severity::Info,
            SeverityName::Warning => Severity::Warning,
            SeverityName::Error => Severity::Error,
        }
    }
}

/// `os/arch[/variant]`, as `docker build --platform` takes it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, JsonSchema)]
#[schemars(transparent)]
pub struct Platform(
    #[schemars(regex(pattern = r"^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$"))] pub String,
);

impl<'de> Deserialize<'de> for Platform {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        let parts: Vec<&str> = value.split('/').collect();
        let ok = (2..=3).contains(&parts.len())
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            });
        if ok {
            Ok(Platform(value))
        } else {
            Err(serde::de::Error::custom(format!(
                "invalid platform `{value}`: expected `os/arch[/variant]`, e.g. `linux/amd64`"
            )))
        }
    }
}

impl Serialize for Platform {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Which rules a selector names.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleSelector {
    /// `ALL`.
    All,
    /// A code prefix (`DF`, `DF1`), upper-cased; may name no rule yet.
    Prefix(String),
    /// One rule, by code or name.
    Rule(Rule),
    /// A hadolint code (`DL3008`) and the rules that cover it.
    Hadolint(String),
}

const FAMILY_PREFIXES: [&str; 5] = ["DF", "DI", "CX", "PY", "IM"];

impl RuleSelector {
    /// The rules selected.
    pub fn rules(&self) -> RuleSet {
        match self {
            RuleSelector::All => RuleSet::all(),
            RuleSelector::Prefix(prefix) => Rule::ALL
                .iter()
                .copied()
                .filter(|r| r.meta().code.starts_with(prefix.as_str()))
                .collect(),
            RuleSelector::Rule(rule) => RuleSet::from_iter([*rule]),
            RuleSelector::Hadolint(code) => Rule::ALL
                .iter()
                .copied()
                .filter(|r| r.meta().hadolint.contains(&code.as_str()))
                .collect(),
        }
    }
}

impl FromStr for RuleSelector {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "ALL" {
            return Ok(RuleSelector::All);
        }
        if let Some(rule) = Rule::from_code_or_name(s) {
            return Ok(RuleSelector::Rule(rule));
        }
        let upper = s.to_ascii_uppercase();
        let (letters, digits) = upper.split_at(upper.len().min(2));
        if FAMILY_PREFIXES.contains(&letters)
            && digits.len() < 3
            && digits.chars().all(|c| c.is_ascii_digit())
        {
            return Ok(RuleSelector::Prefix(upper));
        }
        if (letters == "DL" || letters == "SC")
            && !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit())
        {
            if Rule::ALL
                .iter()
                .any(|r| r.meta().hadolint.contains(&upper.as_str()))
            {
                return Ok(RuleSelector::Hadolint(upper));
            }
            return Err(format!("no pristine rule covers hadolint's `{s}`"));
        }
        Err(format!(
            "unknown rule selector `{s}`: expected a rule code (`DF001`), a rule name \
             (`invalid-syntax`), a code prefix (`DF`, `DF1`), a hadolint code that a rule \
             covers, or `ALL`"
        ))
    }
}

impl fmt::Display for RuleSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleSelector::All => f.write_str("ALL"),
            RuleSelector::Prefix(p) | RuleSelector::Hadolint(p) => f.write_str(p),
            RuleSelector::Rule(rule) => f.write_str(rule.meta().code),
        }
    }
}

impl<'de> Deserialize<'de> for RuleSelector {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        value.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for RuleSelector {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl JsonSchema for RuleSelector {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RuleSelector".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // A pattern rather than the list of codes, so that adding a rule does not change the
        // schema.
        schemars::json_schema!({
            "description": "A rule code (`DF001`), rule name (`invalid-syntax`), code prefix (`DF`, `DF1`), hadolint code (`DL3008`) or `ALL`",
            "type": "string",
            "pattern": "^(ALL|[A-Za-z]{2}[0-9]{0,4}|[a-z0-9-]+)$"
        })
    }
}
