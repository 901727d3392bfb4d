//! `cargo dev generate-all [--check]`: writes the documentation that is generated from the code
//! (one page per rule from its doc comment, the rule table with hadolint/BuildKit aliases, the
//! configuration reference and the JSON schema of the configuration).
//! With `--check` nothing is written and the exit code is 1 when a file is stale, so CI can
//! fail on documentation nobody regenerated.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use pristine_linter::{FixAvailability, Rule};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) => {
            let _ = writeln_stderr(&format!("error: {err:#}"));
            ExitCode::from(2)
        }
    }
}

fn writeln_stderr(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    writeln!(std::io::stderr(), "{text}")
}

fn run() -> Result<ExitCode> {
    let mut args = std::env::args().skip(1);
    let Some(command) = args.next() else {
        bail!("usage: cargo dev generate-all [--check]");
    };
    if command != "generate-all" {
        bail!("unknown command `{command}`; usage: cargo dev generate-all [--check]");
    }
    let check = match args.next().as_deref() {
        None => false,
        Some("--check") => true,
        Some(other) => bail!("unknown argument `{other}`"),
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let files = generate(&root);
    let mut stale = Vec::new();
    for (path, content) in &files {
        let current = std::fs::read_to_string(path).unwrap_or_default();
        if current != *content {
            stale.push(path.clone());
            if !check {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(path, content)
                    .with_context(|| format!("failed to write `{}`", path.display()))?;
            }
        }
    }
    // Pages of rules that no longer exist are stale too.
    let rules_dir = root.join("docs/rules");
    if let Ok(entries) = std::fs::read_dir(&rules_dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if !files.iter().any(|(p, _)| *p == path) {
                stale.push(path.clone());
                if !check {
                    std::fs::remove_file(&path)?;
                }
            }
        }
    }
    if check && !stale.is_empty() {
        for path in &stale {
            writeln_stderr(&format!("stale: {}", display(&root, path)))?;
        }
        writeln_stderr("generated documentation is stale: run `cargo dev generate-all`")?;
        return Ok(ExitCode::from(1));
    }
    for path in &stale {
        writeln_stderr(&format!("wrote {}", display(&root, path)))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn display(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Every generated file and its content.
fn generate(root: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for rule in Rule::ALL {
        let meta = rule.meta();
        files.push((
            root.join("docs/rules").join(format!("{}.md", meta.name)),
            rule_page(*rule),
        ));
    }
    files.push((root.join("docs/rules.md"), rule_table()));
    let schema = pristine_workspace::json_schema();
    files.push((
        root.join("docs/configuration.md"),
        configuration_reference(&schema),
    ));
    files.push((root.join("pristine.schema.json"), schema));
    files
}

/// The configuration reference, from the JSON schema that `Options`' doc comments produce.
fn configuration_reference(schema: &str) -> String {
    let mut out = String::from(HEADER);
    out.push_str(
        "# Configuration\n\n\
         pristine reads `[tool.pristine]` in `pyproject.toml`, or the top level of `pristine.toml` /\n\
         `.pristine.toml`, found upwards from the checked path; `--config PATH` names a file and\n\
         `--config KEY=VALUE` overrides one option. Precedence: command line, then overrides, then\n\
         the file, then the defaults. Unknown keys are errors. The JSON schema is\n\
         [`pristine.schema.json`](../pristine.schema.json).\n\n\
         ```toml\n[tool.pristine]\nselect = [\"ALL\"]\nignore = [\"DF030\"]\nfail-on = \"warning\"\n\
         per-file-ignores = { \"Dockerfile.dev\" = [\"PY070\"] }\n```\n",
    );
    let Ok(value) = serde_json::from_str::<serde_json::Value>(schema) else {
        return out;
    };
    let Some(properties) = value["properties"].as_object() else {
        return out;
    };
    for (name, property) in properties {
        let _ = writeln!(out, "\n## `{name}`\n");
        if let Some(description) = property["description"].as_str() {
            let _ = writeln!(out, "{description}");
        }
        let kind = describe_type(property, &value);
        if !kind.is_empty() {
            let _ = writeln!(out, "\nType: {kind}");
        }
    }
    out
}

/// A short human description of a schema property's type.
fn describe_type(property: &serde_json::Value, root: &serde_json::Value) -> String {
    let resolve = |v: &serde_json::Value| -> serde_json::Value {
        v["$ref"]
            .as_str()
            .and_then(|r| r.rsplit('/').next())
            .map_or_else(|| v.clone(), |name| root["$defs"][name].clone())
    };
    let mut parts = Vec::new();
    let property = resolve(property);
    let variants: Vec<serde_json::Value> = property["anyOf"]
        .as_array()
        .or_else(|| property["oneOf"].as_array())
        .cloned()
        .unwrap_or_else(|| vec![property.clone()]);
    for variant in variants.iter().map(resolve) {
        if variant.get("oneOf").is_some() || variant.get("anyOf").is_some() {
            let nested = describe_type(&variant, root);
            if !nested.is_empty() {
                parts.push(nested);
            }
        } else if let Some(values) = variant["enum"].as_array() {
            let names: Vec<String> = values
                .iter()
                .filter_map(|v| v.as_str().map(|s| format!("`\"{s}\"`")))
                .collect();
            parts.push(format!("one of {}", names.join(", ")));
        } else if let Some(c) = variant["const"].as_str() {
            parts.push(format!("`\"{c}\"`"));
        } else if let Some(t) = variant["type"].as_str() {
            if t != "null" {
                parts.push(match t {
                    "array" => "list".to_string(),
                    "object" => "table".to_string(),
                    other => other.to_string(),
                });
            }
        } else if let Some(ts) = variant["type"].as_array() {
            parts.extend(
                ts.iter()
                    .filter_map(|t| t.as_str())
                    .filter(|t| *t != "null")
                    .map(|t| match t {
                        "array" => "list".to_string(),
                        "object" => "table".to_string(),
                        other => other.to_string(),
                    }),
            );
        }
    }
    // A list of constants reads better as "one of …".
    if parts.len() > 1 && parts.iter().all(|p| p.starts_with("`\"")) {
        return format!("one of {}", parts.join(", "));
    }
    parts.join(" or ")
}

const HEADER: &str = "<!-- Generated by `cargo dev generate-all` from the code; do not edit. -->\n";

fn rule_page(rule: Rule) -> String {
    let meta = rule.meta();
    let mut out = String::from(HEADER);
    let _ = writeln!(out, "# {} ({})\n", meta.name, meta.code);
    let _ = writeln!(
        out,
        "Family: {:?}. Default severity: {}. Fix: {}.",
        meta.family,
        meta.severity,
        match meta.fix {
            FixAvailability::Always => "always available",
            FixAvailability::Sometimes => "sometimes available",
            FixAvailability::None => "none",
        }
    );
    if !meta.hadolint.is_empty() {
        let _ = writeln!(out, "hadolint: {}.", meta.hadolint.join(", "));
    }
    if !meta.buildkit.is_empty() {
        let _ = writeln!(out, "BuildKit check: {}.", meta.buildkit.join(", "));
    }
    let _ = writeln!(out, "\n{}", meta.explain().trim_end());
    out
}

fn rule_table() -> String {
    let mut out = String::from(HEADER);
    out.push_str("# Rules\n\n");
    out.push_str("`pristine rule NAME` prints a rule's page; `pristine rules` lists them.\n\n");
    out.push_str("| Code | Name | Severity | Fix | hadolint | BuildKit | Summary |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
    for rule in Rule::ALL {
        let meta = rule.meta();
        let _ = writeln!(
            out,
            "| {} | [{}](rules/{}.md) | {} | {} | {} | {} | {} |",
            meta.code,
            meta.name,
            meta.name,
            meta.severity,
            match meta.fix {
                FixAvailability::Always => "yes",
                FixAvailability::Sometimes => "sometimes",
                FixAvailability::None => "",
            },
            meta.hadolint.join(", "),
            meta.buildkit.join(", "),
            meta.summary.replace('|', "\\|"),
        );
    }
    out.push_str("\n## hadolint codes\n\n| hadolint | pristine |\n| --- | --- |\n");
    let mut by_hadolint: Vec<(&str, &str)> = Rule::ALL
        .iter()
        .flat_map(|r| r.meta().hadolint.iter().map(move |h| (*h, r.meta().name)))
        .collect();
    by_hadolint.sort_unstable();
    for (code, name) in by_hadolint {
        let _ = writeln!(out, "| {code} | [{name}](rules/{name}.md) |");
    }
    out.push_str("\nhadolint rules without an equivalent:\n\n| hadolint | why |\n| --- | --- |\n");
    for (code, why) in pristine_linter::HADOLINT_NOT_COVERED {
        let _ = writeln!(out, "| {code} | {why} |");
    }
    out.push_str("\n## BuildKit checks\n\n| BuildKit | pristine |\n| --- | --- |\n");
    let mut by_buildkit: Vec<(&str, &str)> = Rule::ALL
        .iter()
        .flat_map(|r| r.meta().buildkit.iter().map(move |b| (*b, r.meta().name)))
        .collect();
    by_buildkit.sort_unstable();
    for (check, name) in by_buildkit {
        let _ = writeln!(out, "| {check} | [{name}](rules/{name}.md) |");
    }
    out.push_str("\nBuildKit checks without an equivalent:\n\n| BuildKit | why |\n| --- | --- |\n");
    for (check, why) in pristine_linter::BUILDKIT_NOT_COVERED {
        let _ = writeln!(out, "| {check} | {why} |");
    }
    out
}
