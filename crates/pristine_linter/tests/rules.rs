//! One fixture + snapshot per rule (ruff's `test_case` + insta pattern, driven by file names).
//!
//! Every file `resources/test/fixtures/<family>/<CODE>[_<case>].Dockerfile` is linted with only
//! rule `<CODE>` enabled and its rendered diagnostics are snapshotted as
//! `snapshots/rules__<CODE>[_<case>].snap`. Fixtures open with a comment saying what should fire;
//! cover firing and non-firing cases. Every Dockerfile-input rule must have a fixture.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use pristine_diagnostics::{Diagnostic, LineIndex};
use pristine_linter::{Family, LinterSettings, Rule, RuleSet, check_dockerfile};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/test/fixtures")
}

/// A plain-text rendering for snapshots: position, code, message, the source line with the
/// range underlined, help, and the fix's edits.
fn render(path: &str, source: &str, diagnostics: &[Diagnostic]) -> String {
    let index = LineIndex::new(source);
    let mut out = String::new();
    for d in diagnostics {
        let _ = write!(out, "{} [{}] {}", d.rule.code, d.severity, d.message);
        if let Some(range) = d.range {
            let start = index.location(range.start(), source);
            let end = index.location(range.end(), source);
            let _ = writeln!(out, "\n  --> {path}:{}:{}", start.row, start.column);
            let line = &source[index.line_range(start.row - 1, source)];
            let _ = writeln!(out, "   | {line}");
            let width = if end.row == start.row {
                (end.column - start.column).max(1)
            } else {
                line.chars().count().saturating_sub(start.column - 1).max(1)
            };
            let _ = writeln!(
                out,
                "   | {}{}{}",
                " ".repeat(start.column - 1),
                "^".repeat(width),
                if end.row > start.row {
                    format!(" (to {}:{})", end.row, end.column)
                } else {
                    String::new()
                }
            );
        } else {
            let _ = writeln!(out, "\n  --> {path}");
        }
        if let Some(subject) = &d.subject_path {
            let _ = writeln!(out, "   = path: {subject}");
        }
        if let Some(help) = &d.help {
            let _ = writeln!(out, "   = help: {help}");
        }
        if let Some(fix) = &d.fix {
            let _ = writeln!(out, "   = fix ({:?}):", fix.applicability);
            for edit in fix.edits() {
                let _ = writeln!(
                    out,
                    "       {}..{} -> {:?}",
                    u32::from(edit.range.start()),
                    u32::from(edit.range.end()),
                    edit.content
                );
            }
        }
        out.push('\n');
    }
    if out.is_empty() {
        out.push_str("(no diagnostics)\n");
    }
    out
}

fn fixtures() -> Vec<(Rule, String, PathBuf)> {
    let mut found = Vec::new();
    for family in ["dockerfile", "python"] {
        let Ok(entries) = std::fs::read_dir(fixtures_dir().join(family)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            let Some(stem) = name.strip_suffix(".Dockerfile") else {
                continue;
            };
            let code = stem.split('_').next().unwrap();
            let rule = Rule::from_code_or_name(code)
                .unwrap_or_else(|| panic!("fixture {name}: no rule with code {code}"));
            found.push((rule, stem.to_string(), path));
        }
    }
    found.sort_by(|a, b| a.1.cmp(&b.1));
    found
}

#[test]
fn every_rule_fixture_matches_its_snapshot() {
    let mut settings = LinterSettings::default();
    for (rule, stem, path) in fixtures() {
        settings.rules = RuleSet::from_iter([rule]);
        let source = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let diagnostics = check_dockerfile(Path::new(name), &source, &settings);
        assert!(
            diagnostics.iter().all(|d| d.rule.code == rule.meta().code),
            "{stem}: a rule reported another rule's code"
        );
        insta::assert_snapshot!(stem.clone(), render(name, &source, &diagnostics));
    }
}

#[test]
fn every_dockerfile_rule_has_a_fixture() {
    let fixtures = fixtures();
    for rule in Rule::ALL {
        if matches!(rule.meta().family, Family::Dockerfile | Family::Python) {
            assert!(
                fixtures.iter().any(|(r, ..)| r == rule),
                "rule {} ({}) has no fixture in resources/test/fixtures",
                rule.meta().code,
                rule.meta().name
            );
        }
    }
}

/// The convergence harness (ruff's `test_contents` fix loop): for every fixture, applying all
/// fixes (safe and unsafe) of its rule reaches a fixed point within the round limit, the result
/// still parses (no DF001), and the rule no longer reports what it fixed: afterwards it reports
/// at most the findings that had no applicable fix. Fixtures whose text changes get a
/// `fixed__<stem>` snapshot of the fixed Dockerfile. Then the same with every rule enabled,
/// where fixes of different rules meet in one file.
#[test]
fn every_fixture_fix_converges() {
    use pristine_linter::fix::{FixMode, fix_dockerfile};
    let mut settings = LinterSettings::default();
    let all = LinterSettings {
        rules: Rule::ALL.iter().copied().collect(),
        ..LinterSettings::default()
    };
    for (rule, stem, path) in fixtures() {
        settings.rules = RuleSet::from_iter([rule]);
        let source = std::fs::read_to_string(&path).unwrap();
        let name = Path::new(path.file_name().unwrap());
        if !pristine_dockerfile::parse(&source).errors.is_empty() {
            assert!(
                fix_dockerfile(name, &source, &settings, FixMode::Unsafe).is_err(),
                "{stem}: a Dockerfile with syntax errors must not be fixed"
            );
            continue;
        }
        let before = check_dockerfile(name, &source, &settings);
        let unfixable = before
            .iter()
            .filter(|d| d.fix.as_ref().is_none_or(|f| !FixMode::Unsafe.applies(f)))
            .count();
        let fixed = fix_dockerfile(name, &source, &settings, FixMode::Unsafe)
            .unwrap_or_else(|e| panic!("{stem}: {e}"));
        assert!(
            pristine_dockerfile::parse(&fixed.text).errors.is_empty(),
            "{stem}: the fixed text does not parse:\n{}",
            fixed.text
        );
        let after = check_dockerfile(name, &fixed.text, &settings);
        assert!(
            after.len() <= unfixable,
            "{stem}: {} still reports {} finding(s) after fixing (had {} without a fix):\n{}",
            rule.meta().code,
            after.len(),
            unfixable,
            render(&stem, &fixed.text, &after)
        );
        let again = fix_dockerfile(name, &fixed.text, &settings, FixMode::Unsafe).unwrap();
        assert_eq!(
            again.text, fixed.text,
            "{stem}: fixing twice changes the text"
        );
        if fixed.text != source {
            insta::assert_snapshot!(format!("fixed__{stem}"), fixed.text);
        }

        let fixed_all = fix_dockerfile(name, &source, &all, FixMode::Unsafe)
            .unwrap_or_else(|e| panic!("{stem} (all rules): {e}"));
        assert!(
            pristine_dockerfile::parse(&fixed_all.text)
                .errors
                .is_empty(),
            "{stem} (all rules): the fixed text does not parse:\n{}",
            fixed_all.text
        );
        let again = fix_dockerfile(name, &fixed_all.text, &all, FixMode::Unsafe).unwrap();
        assert_eq!(
            again.text, fixed_all.text,
            "{stem} (all rules): fixing twice changes the text"
        );
    }
}

/// Fixes keep a CRLF file CRLF: every fixture, with its line endings turned into `\r\n`, is
/// fixed (all rules, unsafe fixes) to exactly the LF result with `\r\n` line endings: no fix
/// inserts a bare `\n` (PY060/PY061 once did).
#[test]
fn fixes_keep_crlf_line_endings() {
    use pristine_linter::fix::{FixMode, fix_dockerfile};
    let all = LinterSettings {
        rules: Rule::ALL.iter().copied().collect(),
        ..LinterSettings::default()
    };
    let mut changed = 0;
    for (_, stem, path) in fixtures() {
        let source = std::fs::read_to_string(&path).unwrap();
        if source.contains('\r') || !pristine_dockerfile::parse(&source).errors.is_empty() {
            continue;
        }
        let crlf = source.replace('\n', "\r\n");
        let name = Path::new(path.file_name().unwrap());
        let lf = fix_dockerfile(name, &source, &all, FixMode::Unsafe).unwrap();
        let fixed = fix_dockerfile(name, &crlf, &all, FixMode::Unsafe)
            .unwrap_or_else(|e| panic!("{stem} (CRLF): {e}"));
        let bare = fixed
            .text
            .match_indices('\n')
            .any(|(i, _)| i == 0 || fixed.text.as_bytes()[i - 1] != b'\r');
        assert!(
            !bare,
            "{stem}: a fix inserted a bare LF into a CRLF file:\n{:?}",
            fixed.text
        );
        assert_eq!(
            fixed.text,
            lf.text.replace('\n', "\r\n"),
            "{stem}: the CRLF file is fixed differently from the LF one"
        );
        changed += usize::from(fixed.text != crlf);
    }
    assert!(
        changed > 10,
        "only {changed} CRLF fixtures were changed by fixes"
    );
}

/// The PY060/PY061 fixes on a CRLF Dockerfile, byte for byte.
#[test]
fn env_fixes_in_a_crlf_dockerfile() {
    use pristine_linter::fix::{FixMode, fix_dockerfile};
    let settings = LinterSettings {
        rules: RuleSet::from_iter([
            Rule::from_code_or_name("PY060").unwrap(),
            Rule::from_code_or_name("PY061").unwrap(),
        ]),
        ..LinterSettings::default()
    };
    let source = "FROM python:3.12-slim\r\nCOPY app.py .\r\nCMD [\"python\", \"app.py\"]\r\n";
    let fixed = fix_dockerfile(Path::new("Dockerfile"), source, &settings, FixMode::Safe).unwrap();
    assert_eq!(
        fixed.text,
        "FROM python:3.12-slim\r\nENV PYTHONDONTWRITEBYTECODE=1\r\nENV PYTHONUNBUFFERED=1\r\nCOPY app.py .\r\nCMD [\"python\", \"app.py\"]\r\n"
    );
}

/// PY001's reorder and PY070's `USER` in one round on a file without a final newline (as in
/// the corpus): no empty line between them, and the moved `RUN` is not glued to `COPY . .`.
#[test]
fn layering_and_user_fixes_without_a_final_newline() {
    use pristine_linter::fix::{FixMode, fix_dockerfile};
    let settings = LinterSettings {
        rules: RuleSet::from_iter([
            Rule::from_code_or_name("PY001").unwrap(),
            Rule::from_code_or_name("PY070").unwrap(),
        ]),
        ..LinterSettings::default()
    };
    let source =
        "FROM python:3.12-slim\nWORKDIR /code\nCOPY . .\nRUN pip install -r requirements.txt";
    let fixed =
        fix_dockerfile(Path::new("Dockerfile"), source, &settings, FixMode::Unsafe).unwrap();
    assert_eq!(
        fixed.text,
        "FROM python:3.12-slim\nWORKDIR /code\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY . .\nRUN useradd --create-home --uid 10001 app\nUSER 10001\n"
    );
    // PY001 alone: the file still ends without a newline.
    let only = LinterSettings {
        rules: RuleSet::from_iter([Rule::from_code_or_name("PY001").unwrap()]),
        ..LinterSettings::default()
    };
    let fixed = fix_dockerfile(Path::new("Dockerfile"), source, &only, FixMode::Unsafe).unwrap();
    assert_eq!(
        fixed.text,
        "FROM python:3.12-slim\nWORKDIR /code\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY . ."
    );
}

/// The layering fixes continue their inserted `RUN` with the file's escape character.
#[test]
fn layering_fix_uses_the_escape_directive() {
    use pristine_linter::fix::{FixMode, fix_dockerfile};
    let settings = LinterSettings {
        rules: RuleSet::from_iter([Rule::from_code_or_name("PY004").unwrap()]),
        ..LinterSettings::default()
    };
    let source = "# escape=`\r\nFROM python:3.12-slim\r\nWORKDIR /app\r\nCOPY . .\r\nRUN uv sync --locked\r\n";
    let fixed =
        fix_dockerfile(Path::new("Dockerfile"), source, &settings, FixMode::Unsafe).unwrap();
    assert_eq!(
        fixed.text,
        "# escape=`\r\nFROM python:3.12-slim\r\nWORKDIR /app\r\n\
         RUN --mount=type=bind,source=uv.lock,target=uv.lock `\r\n    \
         --mount=type=bind,source=pyproject.toml,target=pyproject.toml `\r\n    \
         uv sync --no-install-project --locked\r\n\
         COPY . .\r\nRUN uv sync --locked\r\n"
    );
}

/// A line continuation that runs to the end of the file (or into trailing comments) joins any
/// line put after its instruction. Found by the `fix_converge` fuzz target (minimised: PY070
/// appended `RUN useradd …` after `ENV e=v\`, which BuildKit then read as `ENV` arguments).
/// Every fix must leave these files parsing; the open instruction itself is never moved or
/// appended to.
#[test]
fn no_fix_joins_an_open_continuation_found_by_fuzzing() {
    use pristine_linter::fix::{FixMode, MAX_FIX_ROUNDS, fix_round};
    let all = LinterSettings {
        rules: Rule::ALL.iter().copied().collect(),
        ..LinterSettings::default()
    };
    let name = Path::new("Dockerfile");
    for source in [
        "FROM e\nRUN pip '\nENV e=v\\",
        "FROM python:3.12-slim\nENV e=v \\\n# trailing comment\n\n",
        "FROM python:3.12-slim \\",
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt \\\n",
    ] {
        assert!(
            pristine_dockerfile::parse(source).errors.is_empty(),
            "{source:?} should parse"
        );
        // Round by round, as the fuzz target does: `fix_dockerfile` would hide a breaking
        // round by keeping the text before it (and so every other fix of the file).
        let mut text = source.to_string();
        for _ in 0..MAX_FIX_ROUNDS {
            let diagnostics = check_dockerfile(name, &text, &all);
            let Some((next, codes)) = fix_round(&text, name, &diagnostics, FixMode::Unsafe) else {
                break;
            };
            let errors = pristine_dockerfile::parse(&next).errors;
            assert!(
                errors.is_empty(),
                "{source:?}: fixes {codes:?} turned {text:?} into {next:?}: {errors:?}"
            );
            text = next;
        }
    }
}

/// PY010's fix inserts ` --no-cache-dir` after `install` as written. In an `sh -c` script whose
/// argument is a quoted string run into an unquoted word (`"pip3 install --no -c "pip3`), the
/// nested words map only to the whole argument, and the insertion landed after it, outside the
/// script: the finding came back every round and `fix_dockerfile` gave up on the file (the
/// fuzzer's `fix_converge`). Such a finding is still reported, without a fix; a plain
/// `sh -c "pip install …"` keeps its fix, inside the quotes.
#[test]
fn pip_cache_fix_stays_inside_a_nested_script_found_by_fuzzing() {
    use pristine_linter::fix::{FixMode, fix_dockerfile};
    let name = Path::new("Dockerfile");
    let settings = LinterSettings::default();
    let odd = "FROM python:3.12-slim\nRUN /bin/bash -c \"pip3 install --no -c \"pip3 install -r req.txt\"\n";
    let py010: Vec<Diagnostic> = check_dockerfile(name, odd, &settings)
        .into_iter()
        .filter(|d| d.rule.code == "PY010")
        .collect();
    assert_eq!(py010.len(), 1);
    assert!(py010[0].fix.is_none(), "{:?}", py010[0].fix);
    assert!(fix_dockerfile(name, odd, &settings, FixMode::Unsafe).is_ok());

    let plain = "FROM python:3.12-slim\nRUN sh -c \"pip install -r req.txt\"\n";
    let fixed = fix_dockerfile(name, plain, &settings, FixMode::Unsafe).unwrap();
    assert!(
        fixed
            .text
            .contains("RUN sh -c \"pip install --no-cache-dir -r req.txt\""),
        "{}",
        fixed.text
    );
}
