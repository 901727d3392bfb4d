//! Machine formats for CI systems: SARIF 2.1.0, GitHub Actions workflow commands, GitLab Code
//! Quality, JUnit XML and checkstyle XML. Findings without a line (a context finding about a
//! `.venv` directory) point at line 1 of the file they are reported against and name the path.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

use pristine_diagnostics::{Diagnostic, Severity};
use pristine_linter::Rule;
use serde::Serialize;
use serde_json::json;

use crate::render::{Sources, display_path, line_span, message_with_subject, rule_url};

/// FNV-1a (64 bit): a fingerprint that is stable across runs, platforms and Rust versions.
fn fingerprint(diagnostic: &Diagnostic) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let parts = [
        diagnostic.rule.code,
        &display_path(&diagnostic.file),
        diagnostic.subject_path.as_deref().unwrap_or(""),
        &diagnostic.message,
    ];
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// A relative path as a URI reference (`/` separators, reserved characters escaped).
fn uri(path: &Path) -> String {
    let mut out = String::new();
    for byte in display_path(path).bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(byte));
            }
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// SARIF 2.1.0 (hand-written structs, as ruff's `SarifEmitter`)

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule {
    id: &'static str,
    name: &'static str,
    short_description: SarifText,
    full_description: SarifText,
    help: SarifHelp,
    help_uri: String,
    default_configuration: serde_json::Value,
    properties: serde_json::Value,
}

#[derive(Serialize)]
struct SarifText {
    text: String,
}

#[derive(Serialize)]
struct SarifHelp {
    text: String,
    markdown: String,
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn region(diagnostic: &Diagnostic, sources: &Sources) -> serde_json::Value {
    let (start, end) = line_span(diagnostic, sources);
    json!({
        "startLine": start.row,
        "startColumn": start.column,
        "endLine": end.row,
        "endColumn": end.column.max(if end.row == start.row { start.column } else { 1 }),
    })
}

pub(crate) fn sarif(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &Sources,
) -> io::Result<()> {
    // Only the rules that have results: the report stays small and does not change when a
    // rule is added.
    let mut rules: BTreeMap<&'static str, Rule> = BTreeMap::new();
    for diagnostic in diagnostics {
        if let Some(rule) = Rule::from_code_or_name(diagnostic.rule.code) {
            rules.insert(rule.meta().code, rule);
        }
    }
    let index: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(i, c)| (*c, i)).collect();
    let sarif_rules: Vec<SarifRule> = rules
        .values()
        .map(|rule| {
            let meta = rule.meta();
            SarifRule {
                id: meta.code,
                name: meta.name,
                short_description: SarifText {
                    text: meta.summary.to_string(),
                },
                full_description: SarifText {
                    text: meta.summary.to_string(),
                },
                help: SarifHelp {
                    text: meta.explain(),
                    markdown: meta.explain(),
                },
                help_uri: rule_url(meta.name),
                default_configuration: json!({ "level": sarif_level(meta.severity) }),
                properties: json!({
                    "family": meta.family,
                    "fix": meta.fix,
                    "hadolint": meta.hadolint,
                    "buildkit": meta.buildkit,
                    "tags": [format!("{:?}", meta.family).to_lowercase()],
                }),
            }
        })
        .collect();
    let results: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|diagnostic| {
            let mut result = json!({
                "ruleId": diagnostic.rule.code,
                "level": sarif_level(diagnostic.severity),
                "message": { "text": message_with_subject(diagnostic) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&diagnostic.file) },
                        "region": region(diagnostic, sources),
                    }
                }],
                "partialFingerprints": { "pristine/v1": fingerprint(diagnostic) },
            });
            if let Some(i) = index.get(diagnostic.rule.code) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(subject) = &diagnostic.subject_path {
                result["properties"] = json!({ "path": subject });
            }
            if let Some(fix) = &diagnostic.fix {
                let file = fix.file.as_deref().unwrap_or(&diagnostic.file);
                let replacements: Vec<_> = fix
                    .edits()
                    .iter()
                    .map(|edit| {
                        let located = Diagnostic {
                            range: Some(edit.range),
                            file: file.to_path_buf(),
                            ..diagnostic.clone()
                        };
                        json!({
                            "deletedRegion": region(&located, sources),
                            "insertedContent": { "text": edit.content },
                        })
                    })
                    .collect();
                result["fixes"] = json!([{
                    "description": { "text": diagnostic.help.clone().unwrap_or_else(|| "Apply the fix".to_string()) },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": uri(file) },
                        "replacements": replacements,
                    }],
                }]);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "pristine",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/pristine-dev/pristine",
                    "rules": sarif_rules,
                }
            },
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

// ---------------------------------------------------------------------------------------------
// GitHub Actions workflow commands

/// `%`, CR and LF in the message (GitHub's `escapeData`).
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Also `:` and `,` in property values (GitHub's `escapeProperty`).
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub(crate) fn github(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &Sources,
) -> io::Result<()> {
    for diagnostic in diagnostics {
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let (start, end) = line_span(diagnostic, sources);
        let mut properties = format!(
            "title={},file={},line={},endLine={}",
            github_property(&format!("pristine ({})", diagnostic.rule.code)),
            github_property(&display_path(&diagnostic.file)),
            start.row,
            end.row,
        );
        // GitHub rejects `col`/`endColumn` on annotations that span lines (ruff #22074).
        if start.row == end.row {
            let _ = write!(properties, ",col={},endColumn={}", start.column, end.column);
        }
        writeln!(
            out,
            "::{command} {properties}::{}",
            github_data(&format!(
                "{} {}: {}",
                diagnostic.rule.code,
                diagnostic.rule.name,
                message_with_subject(diagnostic)
            ))
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// GitLab Code Quality

pub(crate) fn gitlab(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &Sources,
) -> io::Result<()> {
    let items: Vec<_> = diagnostics
        .iter()
        .map(|diagnostic| {
            let (start, end) = line_span(diagnostic, sources);
            json!({
                "description": format!("{}: {}", diagnostic.rule.code, message_with_subject(diagnostic)),
                "check_name": diagnostic.rule.code,
                "fingerprint": fingerprint(diagnostic),
                "severity": match diagnostic.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                "location": {
                    "path": display_path(&diagnostic.file),
                    "lines": { "begin": start.row, "end": end.row },
                },
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

// ---------------------------------------------------------------------------------------------
// JUnit (quick-junit): one suite per file, one failed test case per finding

pub(crate) fn junit(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &Sources,
) -> io::Result<()> {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

    let mut report = Report::new("pristine");
    let mut by_file: BTreeMap<String, Vec<&Diagnostic>> = BTreeMap::new();
    for diagnostic in diagnostics {
        by_file
            .entry(display_path(&diagnostic.file))
            .or_default()
            .push(diagnostic);
    }
    if by_file.is_empty() {
        let mut suite = TestSuite::new("pristine");
        suite.add_test_case(TestCase::new("No findings", TestCaseStatus::success()));
        report.add_test_suite(suite);
    }
    for (file, found) in by_file {
        let mut suite = TestSuite::new(file.clone());
        for diagnostic in found {
            let (start, _) = line_span(diagnostic, sources);
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(message_with_subject(diagnostic));
            status.set_type(diagnostic.severity.as_str());
            status.set_description(format!(
                "line {}, col {}, {}",
                start.row, start.column, diagnostic.message
            ));
            let name = format!(
                "{}({}):{}:{}",
                diagnostic.rule.code, diagnostic.rule.name, start.row, start.column
            );
            let mut case = TestCase::new(name, status);
            case.set_classname(file.clone());
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    report
        .serialize(&mut *out)
        .map_err(|err| io::Error::other(err.to_string()))?;
    writeln!(out)
}

// ---------------------------------------------------------------------------------------------
// checkstyle (hadolint's `--format checkstyle` shape)

pub(crate) fn checkstyle(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &Sources,
) -> io::Result<()> {
    use quick_xml::escape::escape;

    let mut by_file: BTreeMap<String, Vec<&Diagnostic>> = BTreeMap::new();
    for diagnostic in diagnostics {
        by_file
            .entry(display_path(&diagnostic.file))
            .or_default()
            .push(diagnostic);
    }
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    for (file, found) in by_file {
        writeln!(out, r#"  <file name="{}">"#, escape(file.as_str()))?;
        for diagnostic in found {
            let (start, _) = line_span(diagnostic, sources);
            writeln!(
                out,
                r#"    <error line="{}" column="{}" severity="{}" message="{}" source="pristine.{}"/>"#,
                start.row,
                start.column,
                diagnostic.severity.as_str(),
                escape(message_with_subject(diagnostic).as_str()),
                escape(diagnostic.rule.code),
            )?;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}
