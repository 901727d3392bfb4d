//! `pristine rule NAME` and `pristine rules`.

use std::io::Write;

use anyhow::{Result, bail};
use pristine_linter::{FixAvailability, Rule};

use crate::Outcome;
use crate::cli::TextOrJson;

pub(crate) fn rule(key: &str, format: TextOrJson) -> Result<Outcome> {
    let Some(rule) = Rule::from_code_or_name(key) else {
        bail!("unknown rule `{key}`\n\nhint: `pristine rules` lists every rule");
    };
    let meta = rule.meta();
    let mut stdout = anstream::stdout().lock();
    match format {
        TextOrJson::Text => {
            writeln!(stdout, "# {} ({})\n", meta.name, meta.code)?;
            writeln!(stdout, "Default severity: {}.", meta.severity)?;
            match meta.fix {
                FixAvailability::Always => writeln!(stdout, "Fix is always available.")?,
                FixAvailability::Sometimes => writeln!(stdout, "Fix is sometimes available.")?,
                FixAvailability::None => {}
            }
            if !meta.hadolint.is_empty() {
                writeln!(stdout, "hadolint: {}.", meta.hadolint.join(", "))?;
            }
            if !meta.buildkit.is_empty() {
                writeln!(stdout, "BuildKit check: {}.", meta.buildkit.join(", "))?;
            }
            writeln!(stdout, "\n{}", meta.explain().trim_end())?;
        }
        TextOrJson::Json => {
            let mut value = serde_json::to_value(meta)?;
            value["explanation"] = meta.explain().into();
            serde_json::to_writer_pretty(&mut stdout, &value)?;
            writeln!(stdout)?;
        }
    }
    Ok(Outcome::Clean)
}

pub(crate) fn rules(format: TextOrJson) -> Result<Outcome> {
    let mut stdout = anstream::stdout().lock();
    match format {
        TextOrJson::Text => {
            for rule in Rule::ALL {
                let meta = rule.meta();
                let fix = if meta.fix == FixAvailability::None {
                    " "
                } else {
                    "*"
                };
                writeln!(
                    stdout,
                    "{:<6} {fix} {:<28} {:<8} {}",
                    meta.code,
                    meta.name,
                    meta.severity.as_str(),
                    meta.summary
                )?;
            }
        }
        TextOrJson::Json => {
            let metas: Vec<_> = Rule::ALL.iter().map(|r| r.meta()).collect();
            serde_json::to_writer_pretty(&mut stdout, &metas)?;
            writeln!(stdout)?;
        }
    }
    Ok(Outcome::Clean)
}
