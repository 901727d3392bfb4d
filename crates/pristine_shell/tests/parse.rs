//! `parse`: command splitting, connectors, contexts, nested shells, `set` options and words.

use pristine_shell::{Command, Connector, Script, parse};

fn names(script: &Script) -> Vec<&str> {
    script
        .commands
        .iter()
        .map(|c| c.name.text.as_str())
        .collect()
}

fn find<'s>(script: &'s Script, name: &str) -> &'s Command {
    script
        .commands
        .iter()
        .find(|c| c.name.text == name)
        .unwrap_or_else(|| panic!("no command {name} in {:?}", names(script)))
}

fn args(c: &Command) -> Vec<&str> {
    c.arg_texts().collect()
}

#[test]
fn splits_on_every_operator() {
    let s = parse("a 1 && b 2 || c 3; d 4 | e 5 & f 6");
    assert_eq!(names(&s), ["a", "b", "c", "d", "e", "f"]);
    let connectors: Vec<_> = s.commands.iter().map(|c| c.connector).collect();
    assert_eq!(
        connectors,
        [
            None,
            Some(Connector::And),
            Some(Connector::Or),
            Some(Connector::Sequence),
            Some(Connector::Pipe),
            Some(Connector::Background),
        ]
    );
    let followed: Vec<_> = s.commands.iter().map(|c| c.followed_by).collect();
    assert_eq!(
        followed,
        [
            Some(Connector::And),
            Some(Connector::Or),
            Some(Connector::Sequence),
            Some(Connector::Pipe),
            Some(Connector::Background),
            None,
        ]
    );
    assert!(!s.has_error);
    assert_eq!(args(find(&s, "c")), ["3"]);
}

#[test]
fn newline_is_a_sequence() {
    let s = parse("a\nb\n");
    assert_eq!(names(&s), ["a", "b"]);
    assert_eq!(s.commands[1].connector, Some(Connector::Sequence));
}

#[test]
fn pipelines_are_numbered() {
    let s = parse("a | b && c | d |& e");
    assert!(s.has_pipeline());
    let p: Vec<_> = s.commands.iter().map(|c| c.pipeline).collect();
    assert_eq!(p, [Some(0), Some(0), Some(1), Some(1), Some(1)]);
    assert!(s.commands.iter().all(|c| c.context.pipeline));
    assert_eq!(s.commands[4].connector, Some(Connector::Pipe));
    assert!(!parse("a && b").has_pipeline());
}

#[test]
fn pipelines_inside_substitutions_are_numbered() {
    let s = parse("pip install $(cat r.txt | grep x) | tee log");
    let p: Vec<_> = s
        .commands
        .iter()
        .map(|c| (c.name.text.as_str(), c.pipeline))
        .collect();
    assert_eq!(
        p,
        [
            ("pip", Some(0)),
            ("cat", Some(1)),
            ("grep", Some(1)),
            ("tee", Some(0))
        ]
    );
    let s = parse("echo $(a | b)");
    assert_eq!(s.commands[0].pipeline, None);
    assert_eq!(s.commands[1].pipeline, Some(0));
    assert_eq!(s.commands[2].pipeline, Some(0));
}

#[test]
fn ranges_are_offsets_in_the_text() {
    let text = "apt-get update && apt-get install -y curl";
    let s = parse(text);
    let install = &s.commands[1];
    assert_eq!(&text[install.range], "apt-get install -y curl");
    assert_eq!(&text[install.name.range], "apt-get");
    assert_eq!(&text[install.args[2].range], "curl");
}

#[test]
fn subshell_and_substitution_contexts() {
    let s = parse("(cd /x && make) && echo $(uname -m) `id -u` && diff <(a) b");
    let make = find(&s, "make");
    assert!(make.context.subshell);
    assert!(!make.context.substitution);
    assert_eq!(make.connector, Some(Connector::And));
    let echo = find(&s, "echo");
    assert!(!echo.context.substitution);
    assert!(find(&s, "uname").context.substitution);
    assert!(find(&s, "id").context.substitution);
    assert!(find(&s, "a").context.substitution);
    // The echo comes before the commands nested in its words.
    let pos = |n: &str| s.commands.iter().position(|c| c.name.text == n).unwrap();
    assert!(pos("echo") < pos("uname"));
    // A substitution has its own connector scope: uname is first in it.
    assert_eq!(find(&s, "uname").connector, None);
    assert!(!echo.args[0].is_static);
}

#[test]
fn if_for_while_case_contexts() {
    let s = parse(
        "if test -f x; then a; elif b; then c; else d; fi; \
         for i in 1 2; do e $i; done; \
         while f; do g; done; until h; do k; done; \
         case $x in y) l ;; *) m ;; esac",
    );
    assert!(find(&s, "test").context.condition);
    assert!(find(&s, "a").context.branch);
    assert!(find(&s, "b").context.condition);
    assert!(find(&s, "c").context.branch);
    assert!(find(&s, "d").context.branch);
    assert!(find(&s, "e").context.loop_body);
    assert!(find(&s, "f").context.condition);
    assert!(find(&s, "g").context.loop_body);
    assert!(find(&s, "h").context.condition);
    assert!(find(&s, "k").context.loop_body);
    assert!(find(&s, "l").context.branch);
    assert!(find(&s, "m").context.branch);
    assert!(!find(&s, "e").context.branch);
    assert!(!s.has_error);
}

#[test]
fn negation_and_functions() {
    let s = parse("! grep -q x f && f() { inner; }");
    assert!(find(&s, "grep").context.negated);
    assert!(find(&s, "inner").context.function);
}

#[test]
fn checked_commands() {
    let s = parse("a || b; c && d");
    assert!(s.commands[0].is_checked());
    assert!(s.commands[1].is_checked());
    assert!(!s.commands[2].is_checked());
    assert!(!s.commands[3].is_checked());
    let s = parse("if a; then b; fi");
    assert!(s.commands[0].is_checked());
    assert!(!s.commands[1].is_checked());
}

#[test]
fn sh_c_is_parsed_with_exact_ranges() {
    let text = "sh -c 'apt-get update && pip install x'";
    let s = parse(text);
    assert_eq!(names(&s), ["sh", "apt-get", "pip"]);
    let pip = find(&s, "pip");
    assert!(pip.context.nested_shell);
    assert!(!s.commands[0].context.nested_shell);
    assert_eq!(&text[pip.range], "pip install x");
    assert_eq!(&text[pip.args[1].range], "x");
    assert_eq!(pip.connector, Some(Connector::And));
}

#[test]
fn bash_options_before_c() {
    let s = parse(r#"bash -euo pipefail -c "curl -sSL u | sh""#);
    assert_eq!(names(&s), ["bash", "curl", "sh"]);
    assert!(find(&s, "curl").context.pipeline);
    // Options of `bash -c` apply to the nested script only, not to the RUN's own shell.
    assert!(!s.options.errexit);
    assert!(!s.options.pipefail);
    let s = parse(r#"bash -o pipefail -e -c "a | b""#);
    assert_eq!(names(&s), ["bash", "a", "b"]);
    let s = parse(r#"/bin/sh -xc "a && b""#);
    assert_eq!(names(&s), ["/bin/sh", "a", "b"]);
}

#[test]
fn nested_shell_with_escapes_gets_the_word_range() {
    let text = r#"bash -c "echo \"hi\" && pip install \$X""#;
    let s = parse(text);
    assert_eq!(names(&s), ["bash", "echo", "pip"]);
    let pip = find(&s, "pip");
    // The unquoted script differs from the raw text: every range is the whole script word.
    assert_eq!(&text[pip.range], &text[8..]);
    // `\$X` is a literal `$X` inside the script, which the nested shell expands.
    assert_eq!(pip.args[1].text, "$X");
    assert!(!pip.args[1].is_static);
}

#[test]
fn dynamic_sh_c_script_is_not_parsed() {
    let s = parse(r#"sh -c "$CMD""#);
    assert_eq!(names(&s), ["sh"]);
    let s = parse("sh script.sh");
    assert_eq!(names(&s), ["sh"]);
}

#[test]
fn sh_c_recursion_is_bounded() {
    let mut text = String::from("true");
    for _ in 0..10 {
        text = format!("sh -c {}", shell_quote(&text));
    }
    let s = parse(&text);
    assert!(s.commands.len() <= 10, "{}", s.commands.len());
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[test]
fn env_prefixes_are_assignments() {
    let text = "DEBIAN_FRONTEND=noninteractive A=\"x y\" apt-get install -y z";
    let s = parse(text);
    assert_eq!(s.commands.len(), 1);
    let c = &s.commands[0];
    assert_eq!(c.name.text, "apt-get");
    assert_eq!(c.assignments.len(), 2);
    assert_eq!(c.assignments[0].name, "DEBIAN_FRONTEND");
    assert_eq!(c.assignments[0].value.text, "noninteractive");
    assert_eq!(c.assignments[1].value.text, "x y");
    assert_eq!(&text[c.assignments[1].range], "A=\"x y\"");
    assert_eq!(args(c), ["install", "-y", "z"]);
    assert_eq!(&text[c.range], text);
}

#[test]
fn export_and_declarations() {
    let s = parse("export PATH=/x:$PATH A=1 && local b && unset C");
    assert_eq!(names(&s), ["export", "local", "unset"]);
    let export = &s.commands[0];
    assert_eq!(export.assignments.len(), 2);
    assert!(!export.assignments[0].value.is_static);
    assert!(export.assignments[1].value.is_static);
    assert_eq!(s.commands[1].connector, Some(Connector::And));
}

#[test]
fn redirects_are_kept() {
    let s = parse("apt-get update >/dev/null 2>&1 && cat <<EOF > f\nbody\nEOF\n");
    let update = &s.commands[0];
    assert_eq!(update.redirects, [">/dev/null", "2>&1"]);
    assert!(args(update) == ["update"]);
    let cat = find(&s, "cat");
    assert!(cat.redirects.iter().any(|r| r.starts_with("<<")));
    assert!(cat.args.is_empty(), "{:?}", args(cat));
}

#[test]
fn set_options() {
    assert!(parse("set -e; a").options.errexit);
    assert!(!parse("set -e; a").options.pipefail);
    let o = parse("set -euxo pipefail && a | b").options;
    assert!(o.errexit && o.pipefail);
    let o = parse("set -o pipefail; a | b").options;
    assert!(o.pipefail && !o.errexit);
    let o = parse("set -o errexit").options;
    assert!(o.errexit);
    let o = parse("set -e -o pipefail").options;
    assert!(o.errexit && o.pipefail);
    let o = parse("set -e; set +e").options;
    assert!(!o.errexit);
    let o = parse("set -- -e").options;
    assert!(!o.errexit);
    // `set` inside a substitution does not change the script's options.
    let o = parse("x=$(set -e; a)").options;
    assert!(!o.errexit);
    // A `set` of the nested `sh -c` script counts for it, and is reported.
    let o = parse("sh -c 'set -o pipefail; a | b'").options;
    assert!(o.pipefail);
}

#[test]
fn words_static_and_dynamic() {
    let s = parse(
        r#"cmd plain 'single $X' "double" "${X}" $VAR "a$B" pre${C}post \$lit $'a\tb' 1 "x\"y" a\ b"#,
    );
    let c = &s.commands[0];
    let w: Vec<(&str, bool)> = c
        .args
        .iter()
        .map(|w| (w.text.as_str(), w.is_static))
        .collect();
    assert_eq!(
        w,
        [
            ("plain", true),
            ("single $X", true),
            ("double", true),
            ("${X}", false),
            ("$VAR", false),
            ("a$B", false),
            ("pre${C}post", false),
            ("$lit", true),
            ("a\tb", true),
            ("1", true),
            ("x\"y", true),
            ("a b", true),
        ]
    );
    assert_eq!(c.args[1].raw, "'single $X'");
}

#[test]
fn command_name_can_be_dynamic_or_quoted() {
    let s = parse(r#"$PIP install x && "pip" install y && /opt/venv/bin/pip install z"#);
    assert!(!s.commands[0].name.is_static);
    assert_eq!(s.commands[1].name.text, "pip");
    assert!(s.commands[1].name.is_static);
    assert_eq!(s.commands[2].basename(), "pip");
    assert_eq!(s.commands_named("pip").count(), 2);
}

#[test]
fn line_continuations_in_plain_text() {
    let text = "apt-get install \\\n  -y curl";
    let s = parse(text);
    let c = &s.commands[0];
    assert_eq!(args(c), ["install", "-y", "curl"]);
    assert_eq!(&text[c.args[2].range], "curl");
}

#[test]
fn comments_are_skipped() {
    let s = parse("a # b c\n# d\ne");
    assert_eq!(names(&s), ["a", "e"]);
    assert!(s.commands[0].args.is_empty());
}

#[test]
fn unterminated_quote_recovers() {
    let s = parse("apt-get update && echo \"oops && pip install x");
    assert!(s.has_error);
    assert_eq!(
        s.commands.first().map(|c| c.name.text.as_str()),
        Some("apt-get")
    );
}

#[test]
fn if_without_fi_recovers() {
    let s = parse("apt-get update && if true; then pip install x; ");
    assert!(s.has_error);
    assert!(s.commands.iter().any(|c| c.name.text == "apt-get"));
    assert!(
        s.commands.iter().any(|c| c.name.text == "pip"),
        "{:?}",
        names(&s)
    );
}

#[test]
fn empty_and_hostile_input() {
    assert!(parse("").commands.is_empty());
    assert!(!parse("").has_error);
    assert!(parse("   \n\t").commands.is_empty());
    let deep = "(".repeat(5000) + "a" + &")".repeat(5000);
    let _ = parse(&deep);
    let deep = "$(".repeat(2000) + "a" + &")".repeat(2000);
    let _ = parse(&deep);
    let _ = parse("\0\u{fffd}é && ü");
}

/// Regression: tree-sitter-bash's scanner called C `isdigit` on a non-ASCII code point after
/// `{` and crashed the process (SIGSEGV), found by `tests/properties.rs`.
#[test]
fn non_ascii_after_brace_does_not_crash_the_scanner() {
    for text in [
        "echo {ﾟ",
        "echo {\u{10FFFF}",
        "x={é.}",
        "echo {1.é}",
        "cat <<ÉOF\né\nÉOF\n",
    ] {
        let script = pristine_shell::parse(text);
        for command in &script.commands {
            assert!(usize::from(command.range.end()) <= text.len());
            assert!(text.is_char_boundary(usize::from(command.range.start())));
            assert!(text.is_char_boundary(usize::from(command.range.end())));
        }
    }
    let script = pristine_shell::parse("echo héllo && pip install café");
    let names: Vec<&str> = script
        .commands
        .iter()
        .map(|c| c.name.text.as_str())
        .collect();
    assert_eq!(names, ["echo", "pip"]);
    assert_eq!(script.commands[1].args[1].text, "café");
}

/// tree-sitter parses an ASCII copy of non-ASCII text; its heredoc end landed two bytes into
/// the three-byte U+FFFD (input minimised from the `shell_parse` fuzz target's crash).
#[test]
fn non_ascii_heredoc_ranges_on_char_boundaries_found_by_fuzzing() {
    let text = String::from_utf8_lossy(b"\xff<<\xc5\x81\n\xff\n\xff").into_owned();
    for src in [
        text.clone(),
        format!("FROM python:3.12\nRUN {text}\n"),
        format!("FROM python:3.12\nRUN <<EOF\n{text}\nEOF\n"),
    ] {
        let check = |r: text_size::TextRange| {
            let (s, e) = (usize::from(r.start()), usize::from(r.end()));
            assert!(s <= e && e <= src.len(), "{r:?} out of bounds in {src:?}");
            assert!(
                src.is_char_boundary(s) && src.is_char_boundary(e),
                "{r:?} splits a char in {src:?}"
            );
        };
        let scripts = if src.starts_with("FROM") {
            let df = pristine_dockerfile::parse(&src);
            let stages = df.stages();
            pristine_shell::run_scripts(&df, &src, &stages)
                .into_iter()
                .map(|r| r.script)
                .collect()
        } else {
            vec![pristine_shell::parse(&src)]
        };
        for script in scripts {
            for c in &script.commands {
                check(c.range);
                check(c.name.range);
                c.args.iter().for_each(|w| check(w.range));
                c.assignments.iter().for_each(|a| {
                    check(a.range);
                    check(a.value.range);
                });
            }
        }
    }
}
