//! [`Configuration`] (the layers) → [`Settings`] (resolved).

use std::collections::BTreeMap;
use std::path::PathBuf;

use pristine_diagnostics::Severity;
use pristine_linter::{LinterSettings, PerFileIgnore, RuleSet};
use serde::Serialize;

use crate::{Options, OutputFormat};

/// The configuration layers, lowest precedence first: the configuration file, then
/// `--config KEY=VALUE` overrides, then command-line flags.
#[derive(Clone, Debug, Default)]
pub struct Configuration {
    /// The configuration file used, if any.
    pub file: Option<PathBuf>,
    /// The directory relative `per-file-ignores` patterns are resolved against (the
    /// configuration file's, or the current directory).
    pub root: PathBuf,
    pub layers: Vec<Options>,
}

/// Resolved settings: what the binary and the linter use.
#[derive(Clone, Debug)]
pub struct Settings {
    pub linter: LinterSettings,
    /// Directory names to skip when searching for Dockerfiles.
    pub exclude: Vec<String>,
    pub output_format: Option<OutputFormat>,
    pub config_file: Option<PathBuf>,
}

impl Configuration {
    pub fn resolve(&self) -> Settings {
        let mut linter = LinterSettings::default();
        let mut rules = RuleSet::all();
        let mut exclude: Vec<String> = Vec::new();
        let mut extend_exclude: Vec<String> = Vec::new();
        let mut output_format = None;
        for layer in &self.layers {
            // ruff's layering: a layer's `select` replaces what lower layers selected; its
            // `extend-select` and `ignore` adjust the result.
            if let Some(select) = &layer.select {
                rules = RuleSet::empty();
                for rule in select
                    .iter()
                    .flat_map(|s| s.rules().iter().collect::<Vec<_>>())
                {
                    rules.insert(rule);
                }
            }
            for selector in layer.extend_select.iter().flatten() {
                for rule in selector.rules().iter() {
                    rules.insert(rule);
                }
            }
            for selector in layer.ignore.iter().flatten() {
                for rule in selector.rules().iter() {
                    rules.remove(rule);
                }
            }
            for (pattern, selectors) in layer.per_file_ignores.iter().flatten() {
                linter.per_file_ignores.push(PerFileIgnore {
                    pattern: pattern.clone(),
                    base: self.root.clone(),
                    rules: selectors
                        .iter()
                        .flat_map(|s| s.rules().iter().collect::<Vec<_>>())
                        .collect(),
                });
            }
            for (selector, severity) in layer.severity.iter().flatten() {
                for rule in selector.rules().iter() {
                    linter
                        .severity_overrides
                        .insert(rule, Severity::from(*severity));
                }
            }
            if let Some(fail_on) = layer.fail_on {
                linter.fail_on = fail_on.into();
            }
            if let Some(platform) = &layer.target_platform {
                linter.default_platform.clone_from(&platform.0);
                linter.target_platform = Some(platform.0.clone());
            }
            if let Some(threshold) = layer.large_file_threshold {
                linter.large_file_threshold = threshold;
            }
            if let Some(names) = &layer.exclude {
                exclude.clone_from(names);
            }
            extend_exclude.extend(layer.extend_exclude.iter().flatten().cloned());
            if layer.output_format.is_some() {
                output_format = layer.output_format;
            }
        }
        linter.rules = rules;
        exclude.extend(extend_exclude);
        Settings {
            linter,
            exclude,
            output_format,
            config_file: self.file.clone(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Shown<'a> {
    config_file: Option<String>,
    select: Vec<&'static str>,
    fail_on: &'static str,
    target_platform: &'a str,
    large_file_threshold: u64,
    exclude: &'a [String],
    output_format: Option<&'static str>,
    per_file_ignores: BTreeMap<String, Vec<&'static str>>,
    severity: BTreeMap<&'static str, &'static str>,
}

impl Settings {
    /// The resolved settings as TOML (`pristine config`, `--show-settings`).
    pub fn to_toml(&self) -> String {
        let shown = Shown {
            config_file: self.config_file.as_ref().map(|p| p.display().to_string()),
            select: self.linter.rules.iter().map(|r| r.meta().code).collect(),
            fail_on: self.linter.fail_on.as_str(),
            target_platform: &self.linter.default_platform,
            large_file_threshold: self.linter.large_file_threshold,
            exclude: &self.exclude,
            output_format: self.output_format.map(OutputFormat::as_str),
            per_file_ignores: self
                .linter
                .per_file_ignores
                .iter()
                .map(|e| {
                    (
                        e.pattern.clone(),
                        e.rules.iter().map(|r| r.meta().code).collect(),
                    )
                })
                .collect(),
            severity: self
                .linter
                .severity_overrides
                .iter()
                .map(|(rule, severity)| (rule.meta().code, severity.as_str()))
                .collect(),
        };
        toml::to_string(&shown).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use pristine_linter::Rule;

    use super::*;
    use crate::{ConfigError, discover, json_schema, load_file, parse_override};

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::create_dir_all(dir.join(name).parent().unwrap()).unwrap();
        std::fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn discovery_walks_upwards_and_prefers_pristine_toml() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(
            root,
            "pyproject.toml",
            "[tool.pristine]\nignore = [\"DF002\"]\n",
        );
        write(root, "a/b/Dockerfile", "FROM x\n");
        // A pyproject.toml without [tool.pristine] on the way is skipped.
        write(root, "a/pyproject.toml", "[project]\nname = \"x\"\n");
        let (path, options) = discover(&root.join("a/b/Dockerfile")).unwrap().unwrap();
        assert_eq!(path, root.join("pyproject.toml"));
        assert_eq!(options.ignore.unwrap()[0].to_string(), "DF002");

        write(root, "a/pristine.toml", "fail-on = \"error\"\n");
        let (path, _) = discover(&root.join("a/b")).unwrap().unwrap();
        assert_eq!(path, root.join("a/pristine.toml"));
        write(root, "a/.pristine.toml", "fail-on = \"warning\"\n");
        let (path, _) = discover(&root.join("a/b")).unwrap().unwrap();
        assert_eq!(path, root.join("a/.pristine.toml"));
    }

    #[test]
    fn precedence_cli_over_file_over_defaults() {
        let file = Options {
            ignore: Some(vec!["DF002".parse().unwrap()]),
            fail_on: Some(crate::SeverityName::Warning),
            large_file_threshold: Some(10),
            ..Options::default()
        };
        let overrides = parse_override("fail-on = 'error'").unwrap();
        let cli = Options {
            select: Some(vec!["DF".parse().unwrap()]),
            ..Options::default()
        };
        // Defaults.
        let settings = Configuration::default().resolve();
        assert!(settings.linter.rules.contains(Rule::EmptyContinuationLine));
        assert_eq!(settings.linter.fail_on, Severity::Info);
        // File over defaults.
        let config = Configuration {
            layers: vec![file.clone()],
            ..Configuration::default()
        };
        let settings = config.resolve();
        assert!(!settings.linter.rules.contains(Rule::EmptyContinuationLine));
        assert_eq!(settings.linter.fail_on, Severity::Warning);
        assert_eq!(settings.linter.large_file_threshold, 10);
        // Overrides and CLI over the file: `--select DF` replaces the file's selection.
        let config = Configuration {
            layers: vec![file, overrides, cli],
            ..Configuration::default()
        };
        let settings = config.resolve();
        assert!(settings.linter.rules.contains(Rule::EmptyContinuationLine));
        assert!(!settings.linter.rules.contains(Rule::InvalidIgnorePattern));
        assert_eq!(settings.linter.fail_on, Severity::Error);
        assert_eq!(settings.linter.large_file_threshold, 10);
    }

    #[test]
    fn per_file_ignores_resolve_against_the_config_dir() {
        let options: Options =
            toml::from_str("per-file-ignores = { \"legacy/**\" = [\"invalid-syntax\"] }").unwrap();
        let config = Configuration {
            root: PathBuf::from("/repo"),
            layers: vec![options],
            ..Configuration::default()
        };
        let settings = config.resolve();
        assert!(
            settings
                .linter
                .ignored_for_file(Rule::InvalidSyntax, Path::new("/repo/legacy/x/Dockerfile"))
        );
        assert!(
            !settings
                .linter
                .ignored_for_file(Rule::InvalidSyntax, Path::new("/repo/Dockerfile"))
        );
    }

    #[test]
    fn bad_values_point_at_the_line() {
        let tmp = tempfile::tempdir().unwrap();
        let text = "[tool.pristine]\nselect = [\"DF001\"]\nfail-on = \"fatal\"\n";
        write(tmp.path(), "pyproject.toml", text);
        let err = load_file(&tmp.path().join("pyproject.toml")).unwrap_err();
        let ConfigError::Parse { span, message, .. } = err else {
            panic!("{err}")
        };
        assert_eq!(&text[span.unwrap()], "\"fatal\"");
        insta::assert_snapshot!(message, @"unknown variant `fatal`, expected one of `info`, `warning`, `error`");

        let text = "select = [\"DF001\", \"DF999x\"]\n";
        write(tmp.path(), "pristine.toml", text);
        let ConfigError::Parse { span, message, .. } =
            load_file(&tmp.path().join("pristine.toml")).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(&text[span.unwrap()], "\"DF999x\"");
        assert!(
            message.starts_with("unknown rule selector `DF999x`"),
            "{message}"
        );

        let text = "selct = [\"DF001\"]\n";
        write(tmp.path(), "pristine.toml", text);
        let ConfigError::Parse { span, message, .. } =
            load_file(&tmp.path().join("pristine.toml")).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(&text[span.unwrap()], "selct");
        assert!(message.starts_with("unknown field `selct`"), "{message}");
    }

    /// `pristine.schema.json` at the repository root is generated from [`Options`]; run with
    /// `PRISTINE_UPDATE_SCHEMA=1` to rewrite it.
    #[test]
    fn json_schema_is_up_to_date() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../pristine.schema.json");
        let expected = json_schema();
        if std::env::var_os("PRISTINE_UPDATE_SCHEMA").is_some() {
            std::fs::write(&path, &expected).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "pristine.schema.json is stale: run `PRISTINE_UPDATE_SCHEMA=1 cargo test -p pristine_workspace`"
        );
    }
}
