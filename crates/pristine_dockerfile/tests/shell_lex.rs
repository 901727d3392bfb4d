//! Conformance tests for `lex`, `flags`, `mount` and `duration`.
//!
//! The shell vectors are BuildKit's `frontend/dockerfile/shell/{envVarTest,wordsTest}` (Apache-2.0),
//! read from `$PRISTINE_REFERENCE_DIR/buildkit-parser-testfiles/shell/`. Without the variable the
//! tests fall back to `../../../shared/reference` next to the clone, and skip (with a note) when
//! that is missing too. When the variable is set, missing files are a failure.

use std::path::PathBuf;

use pristine_dockerfile::lex::{EnvList, Lex};

/// The reference directory, or `None` when it is not configured and not beside the clone.
fn reference_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PRISTINE_REFERENCE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let fallback = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference");
    if fallback.is_dir() {
        Some(fallback)
    } else {
        #[expect(
            clippy::print_stderr,
            reason = "tell the developer why the test is a no-op"
        )]
        {
            eprintln!(
                "note: PRISTINE_REFERENCE_DIR is unset and {} does not exist; skipping",
                fallback.display()
            );
        }
        None
    }
}

fn read_shell_fixture(name: &str) -> Option<String> {
    let path = reference_dir()?
        .join("buildkit-parser-testfiles/shell")
        .join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(err) => panic!("cannot read {}: {err}", path.display()),
    }
}

/// lex_test.go `TestShellParser4EnvVars`: `PLATFORM | input | expected` per line.
#[test]
fn env_var_test() {
    let Some(text) = read_shell_fixture("envVarTest") else {
        return;
    };
    let env = EnvList::from_kv_strings(["PWD=/home", "SHELL=bash", "KOREAN=한국어", "NULL="]);
    let lex = Lex::new('\\');
    let (mut run, mut failures) = (0, Vec::new());
    for (idx, raw) in text.lines().enumerate() {
        // Go's bufio.Scanner drops a trailing \r as part of the line ending.
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.starts_with('#') {
            continue;
        }
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split('|').collect();
        assert_eq!(parts.len(), 3, "line {}: {line:?}", idx + 1);
        let (platform, source, expected) = (parts[0].trim(), parts[1].trim(), parts[2].trim());
        assert!(
            matches!(platform, "A" | "U" | "W"),
            "line {}: bad platform {platform:?}",
            idx + 1
        );
        if platform == "W" {
            continue;
        }
        run += 1;
        let got = lex.process_word(source, &env);
        let ok = match (&got, expected) {
            (Err(_), "error") => true,
            (Ok(r), exp) => exp != "error" && r.result == exp,
            (Err(_), _) => false,
        };
        if !ok {
            failures.push(format!(
                "line {}: {source:?} expected {expected:?}, got {got:?}",
                idx + 1
            ));
        }
    }
    assert!(run > 200, "only {run} vectors ran");
    assert!(
        failures.is_empty(),
        "{} of {run} envVarTest vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// lex_test.go `TestShellParser4Words`: `input | w1,w2,...`, with `ENV k=v` lines growing the
/// environment. Upstream runs the file once in normal mode (the second, raw-quotes/skip-unset
/// pass reuses an exhausted reader and so checks nothing).
#[test]
fn words_test() {
    let Some(text) = read_shell_fixture("wordsTest") else {
        return;
    };
    let lex = Lex::new('\\');
    let mut envs: Vec<String> = Vec::new();
    let (mut run, mut failures) = (0, Vec::new());
    for (idx, raw) in text.lines().enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("ENV ") {
            // strings.TrimLeft(line[3:], " ")
            envs.push(rest.trim_start_matches(' ').to_owned());
            continue;
        }
        let parts: Vec<&str> = line.split('|').collect();
        assert_eq!(parts.len(), 2, "line {}: {line:?}", idx + 1);
        let test = parts[0].trim();
        let expected: Vec<&str> = parts[1].trim_start_matches(' ').split(',').collect();
        let env = EnvList::from_kv_strings(&envs);
        run += 1;
        let result = lex
            .process_words(test, &env)
            .unwrap_or_else(|_| vec!["error".to_owned()]);
        if result != expected {
            failures.push(format!(
                "line {}: {test:?} expected {expected:?}, got {result:?}",
                idx + 1
            ));
        }
    }
    assert!(run > 20, "only {run} vectors ran");
    assert!(
        failures.is_empty(),
        "{} of {run} wordsTest vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

mod never_panic {
    //! Robustness: arbitrary input gives a value or an error, never a panic.

    use proptest::prelude::*;

    use pristine_dockerfile::duration::{
        parse_duration, parse_healthcheck_interval, parse_healthcheck_retries,
    };
    use pristine_dockerfile::flags::FlagSet;
    use pristine_dockerfile::lex::{EnvList, Lex};
    use pristine_dockerfile::mount::{
        check_mount_syntax, csv_fields, parse_mount, parse_mount_literal, ram_in_bytes,
    };

    /// Strings biased towards the lexer's special characters.
    fn shellish() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                4 => prop::sample::select(vec![
                    "$", "{", "}", ":", "-", "+", "?", "#", "%", "/", "\\", "`", "'", "\"", "*",
                    "=", ",", " ", "\t", "\n", "A", "x", "0", "é", "\u{FEFF}", "\u{FFFD}",
                ])
                .prop_map(str::to_owned),
                1 => any::<String>(),
            ],
            0..40,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn process_word_never_panics(
            word in shellish(),
            escape in prop::sample::select(vec!['\\', '`']),
            opts in any::<[bool; 4]>(),
        ) {
            let env = EnvList::from_kv_strings(["A=a b", "x=*", "EMPTY=", "0=zero"]);
            let mut lex = Lex::new(escape);
            lex.raw_quotes = opts[0];
            lex.raw_escapes = opts[1];
            lex.skip_process_quotes = opts[2];
            lex.skip_unset_env = opts[3];
            if let Ok(r) = lex.process_word(&word, &env) {
                let words = lex.process_words(&word, &env).unwrap_or_default();
                prop_assert_eq!(words, r.words);
            }
        }

        #[test]
        fn mount_parsing_never_panics(value in shellish()) {
            let _ = csv_fields(&value);
            let _ = check_mount_syntax(&value);
            let _ = parse_mount_literal(&value);
            let lex = Lex::new('\\');
            let env = EnvList::from_kv_strings(["HOME=/root"]);
            if let Ok(m) = parse_mount(&value, |v| lex.process_word(v, &env).map(|r| r.result)) {
                let _ = m.secret_id();
                let _ = m.secret_target();
                let _ = m.ssh_id();
                let _ = m.cache_id_or_default();
                let _ = m.resolved_target("/app");
            }
            let _ = ram_in_bytes(&value);
        }

        #[test]
        fn mount_fields_never_panic(
            fields in prop::collection::vec(
                (
                    prop::sample::select(vec![
                        "type", "from", "src", "target", "ro", "rw", "required", "size", "id",
                        "sharing", "mode", "uid", "gid", "env", "bogus",
                    ]),
                    prop::option::of(prop::sample::select(vec![
                        "bind", "cache", "tmpfs", "secret", "ssh", "true", "0", "755", "1k",
                        "-1", "locked", "$X", "1e400", "nan", "0x1p4", "",
                    ])),
                ),
                0..6,
            ),
        ) {
            let value = fields
                .iter()
                .map(|(k, v)| v.map_or_else(|| (*k).to_owned(), |v| format!("{k}={v}")))
                .collect::<Vec<_>>()
                .join(",");
            let _ = check_mount_syntax(&value);
            if let Ok(m) = parse_mount_literal(&value) {
                let _ = m.secret_target();
                let _ = m.resolved_target("");
            }
        }

        #[test]
        fn duration_parsing_never_panics(
            s in prop_oneof![
                any::<String>(),
                "[-+]?[0-9.]{0,25}(ns|us|µs|μs|ms|s|m|h|d|)[0-9.]{0,25}(h|m|s)?",
            ],
        ) {
            let _ = parse_duration(&s);
            let _ = parse_healthcheck_interval("interval", &s);
            let _ = parse_healthcheck_retries(&s);
        }

        #[test]
        fn flag_parsing_never_panics(args in prop::collection::vec(shellish(), 0..6)) {
            let mut set = FlagSet::new();
            let from = set.add_string("from", "");
            let link = set.add_bool("link", false);
            let exclude = set.add_strings("exclude");
            if let Ok(p) = set.parse(&args) {
                let _ = (p.value(from), p.is_true(link), p.values(exclude), p.sources(exclude));
            }
        }
    }
}
