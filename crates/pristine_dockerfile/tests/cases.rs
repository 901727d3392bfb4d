//! Unit tests for the tricky corners of BuildKit's grammar.

use pristine_dockerfile::mount::{MountError, MountType, ShareMode};
use pristine_dockerfile::{Command, ErrorKind, Healthcheck, RunCommand, Source, parse};

fn dump(src: &str) -> String {
    parse(src).dump()
}

fn first_error(src: &str) -> (ErrorKind, String) {
    let df = parse(src);
    let e = df
        .errors
        .first()
        .unwrap_or_else(|| panic!("no error for {src:?}"));
    (e.kind, e.message.clone())
}

#[test]
fn continuation_with_comments_and_blank_lines() {
    let src = "FROM a\nRUN one \\\n# comment\n  two \\\n\n  three\n";
    let df = parse(src);
    assert_eq!(df.instructions[1].args[0].value, "one   two   three");
    assert_eq!(
        (df.instructions[1].start_line, df.instructions[1].end_line),
        (2, 6)
    );
    assert_eq!(df.warnings.len(), 1);
    assert_eq!(
        df.warnings[0].message,
        "Empty continuation line found in: RUN one   two   three"
    );
    // The range covers all physical lines; the argument range starts at `one`.
    let arg = &df.instructions[1].args[0];
    assert_eq!(&src[usize::from(arg.range.start())..][..3], "one");
    assert!(src[usize::from(arg.range.end()) - 5..].starts_with("three"));
}

#[test]
fn continuation_at_eof_and_escaped_escape() {
    assert_eq!(dump("FROM a\nRUN x \\"), "(from \"a\")\n(run \"x\")\n");
    assert_eq!(
        dump("FROM a\nRUN x \\\\\nRUN y"),
        "(from \"a\")\n(run \"x \\\\\\\\\")\n(run \"y\")\n"
    );
}

#[test]
fn backtick_escape() {
    let src = "# escape=`\nFROM a\nRUN dir c:\\ `\n  && echo hi\nCOPY a\\b c:\\\n";
    let df = parse(src);
    assert_eq!(df.escape, '`');
    assert_eq!(df.instructions[1].args[0].value, "dir c:\\   && echo hi");
    assert_eq!(df.instructions[2].args[1].value, "c:\\");
    assert!(df.directives.iter().any(|d| d.name == "escape"));
}

#[test]
fn directive_errors() {
    assert_eq!(
        first_error("# escape=x\nFROM a\n"),
        (
            ErrorKind::Parser,
            "invalid escape token 'x' does not match ` or \\".to_owned()
        )
    );
    assert_eq!(
        first_error("# syntax=a\n# syntax=b\nFROM a\n").1,
        "only one syntax parser directive can be used"
    );
    // After a normal comment, directives are plain comments.
    let df = parse("# hello\n# escape=`\nFROM a\n");
    assert!(df.directives.is_empty());
    assert_eq!(df.escape, '\\');
    assert_eq!(df.instructions[0].comments, ["hello", "escape=`"]);
}

#[test]
fn heredocs_chomp_quotes_multiple() {
    let src = "FROM a\nCOPY <<-A <<'B' /dst/\n\tone\n\tA\n$two\nB\nRUN 3<<X cat\nx\nX\n";
    let df = parse(src);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let copy = &df.instructions[1];
    assert_eq!(copy.heredocs.len(), 2);
    assert_eq!(copy.heredocs[0].content, "\tone\n");
    assert!(copy.heredocs[0].chomp && copy.heredocs[0].expand);
    assert_eq!(copy.heredocs[1].content, "$two\n");
    assert!(!copy.heredocs[1].expand);
    assert_eq!((copy.start_line, copy.end_line), (2, 6));
    let Some(Command::Copy(c)) = &copy.command else {
        panic!("not a copy")
    };
    assert!(matches!(&c.sources[0], Source::Heredoc { data, .. } if data == "one\n"));
    assert_eq!(c.dest.value, "/dst/");
    let run = &df.instructions[2];
    assert_eq!(run.heredocs[0].file_descriptor, 3);
    let body = run.heredocs[0].body_range;
    assert_eq!(
        &src[usize::from(body.start())..usize::from(body.end())],
        "x\n"
    );
}

#[test]
fn heredoc_errors_and_onbuild() {
    assert_eq!(
        first_error("FROM a\nRUN <<EOF\nno end\n").1,
        "unterminated heredoc"
    );
    assert_eq!(
        first_error("FROM a\nCOPY a <<EOF\nx\nEOF\n").1,
        "COPY cannot accept a heredoc as a destination"
    );
    let df = parse("FROM a\nONBUILD RUN <<EOF\nx\nEOF\nRUN y\n");
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.instructions[1].heredocs[0].content, "x\n");
    assert_eq!(
        df.dump(),
        "(from \"a\")\n(onbuild (run \"<<EOF\"))\n(run \"y\")\n"
    );
    let Some(Command::Onbuild(o)) = &df.instructions[1].command else {
        panic!()
    };
    assert_eq!(o.expression, "RUN <<EOF\nx\nEOF");
    assert_eq!(
        first_error("FROM a\nONBUILD ONBUILD RUN x\n").1,
        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"
    );
    assert_eq!(
        first_error("FROM a\nONBUILD from x\n").1,
        "FROM isn't allowed as an ONBUILD trigger"
    );
}

#[test]
fn json_fallback_and_nesting() {
    assert_eq!(dump("CMD ['a']"), "(cmd \"['a']\")\n");
    assert_eq!(dump("CMD [\"a\""), "(cmd \"[\\\"a\\\"\")\n");
    assert_eq!(dump("CMD [\"a\"] junk"), "(cmd \"a\")\n");
    assert_eq!(dump("COPY [\"a b\", \"c\"]"), "(copy \"a b\" \"c\")\n");
    assert_eq!(
        first_error("FROM a\nRUN [\"a\", [\"b\"]]\n"),
        (
            ErrorKind::Parser,
            "when using JSON array syntax, arrays must be comprised of strings only".to_owned()
        )
    );
    // Recovery: the next instruction is still parsed.
    let df = parse("FROM a\nRUN [1]\nUSER me\n");
    assert_eq!(df.instructions.len(), 3);
    assert!(matches!(df.instructions[2].command, Some(Command::User(_))));
}

#[test]
fn env_forms() {
    let df = parse("FROM a\nENV A=1 B=\"x y\"\nENV C d e\n");
    let Some(Command::Env(kv)) = &df.instructions[1].command else {
        panic!()
    };
    assert_eq!(kv.len(), 2);
    assert_eq!(kv[1].value.value, "\"x y\"");
    assert!(kv[1].equals);
    let Some(Command::Env(kv)) = &df.instructions[2].command else {
        panic!()
    };
    assert_eq!(
        (kv[0].key.value.as_str(), kv[0].value.value.as_str()),
        ("C", "d e")
    );
    assert!(!kv[0].equals);
    assert_eq!(
        first_error("FROM a\nENV X\n").1,
        "ENV must have two arguments"
    );
    assert_eq!(
        first_error("FROM a\nLABEL a=b c\n").1,
        "Syntax error - can't find = in \"c\". Must be of the form: name=value"
    );
    assert_eq!(
        first_error("FROM a\nENV\n").1,
        "ENV requires at least one argument"
    );
}

#[test]
fn flag_errors() {
    assert_eq!(
        first_error("FROM a\nCOPY --form=x a b\n"),
        (
            ErrorKind::Instruction,
            "unknown flag: --form (did you mean from?)".to_owned()
        )
    );
    assert_eq!(
        first_error("FROM a\nCOPY --from=x --from=y a b\n").1,
        "duplicate flag specified: --from"
    );
    assert_eq!(
        first_error("FROM a\nCOPY --from a b\n").1,
        "missing a value on flag: --from"
    );
    assert_eq!(
        first_error("FROM a\nRUN --network=bridge x\n").1,
        "invalid network mode \"bridge\""
    );
    let df = parse("FROM a\nCOPY --chown=\"a b\" x y\n");
    let flag = &df.instructions[1].flags[0];
    assert_eq!(flag.value, "--chown=a b");
    assert_eq!(flag.range, text_size::TextRange::new(12.into(), 25.into()));
}

#[test]
fn instruction_layer_errors() {
    assert_eq!(
        first_error("FROM a\nXYZZY bar\n").1,
        "unknown instruction: XYZZY"
    );
    assert_eq!(
        first_error("FROM a\nRUNN x\n").1,
        "unknown instruction: RUNN (did you mean RUN?)"
    );
    assert_eq!(
        first_error("FROM a AS 1x\n").1,
        "invalid name for build stage: \"1x\", name can't start with a number or contain symbols"
    );
    assert_eq!(
        first_error("FROM a b\n").1,
        "FROM requires either one or three arguments"
    );
    assert_eq!(
        first_error("RUN x\n").1,
        "no build stage in current context"
    );
    assert_eq!(
        first_error("FROM a\nSHELL sh -c\n").1,
        "SHELL requires the arguments to be in JSON form"
    );
    assert_eq!(
        first_error("FROM a\nHEALTHCHECK CONNECT x\n").1,
        "Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)"
    );
    assert_eq!(
        first_error("FROM a\nHEALTHCHECK NONE x\n").1,
        "HEALTHCHECK NONE takes no arguments"
    );
    assert_eq!(
        first_error("FROM a\nUSER\n").1,
        "USER requires exactly one argument"
    );
    let df = parse("FROM a\nHEALTHCHECK --interval=5s --retries=3 CMD curl -f x\n");
    let Some(Command::Healthcheck(Healthcheck::Cmd(h))) = &df.instructions[1].command else {
        panic!("{:?}", df.errors)
    };
    assert_eq!(h.test, ["CMD-SHELL", "curl -f x"]);
    assert_eq!(h.retries, 3);
}

#[test]
fn empty_and_long_inputs() {
    assert_eq!(first_error("").1, "file with no instructions");
    assert_eq!(first_error("# only\n\n").1, "file with no instructions");
    let long = format!("FROM a\nRUN {}\n", "x".repeat(70_000));
    assert_eq!(
        first_error(&long).1,
        "dockerfile line greater than max allowed size of 65535"
    );
    let ok = format!("FROM a\nRUN {}\n", "x".repeat(65_531));
    assert!(parse(&ok).errors.is_empty());
}

#[test]
fn crlf_bom_and_unicode() {
    let df = parse("\u{feff}FROM a\r\nRUN échо \\\r\n  ok\r\n");
    assert!(df.errors.is_empty());
    assert_eq!(df.instructions[1].args[0].value, "échо   ok");
    assert_eq!(df.dump(), "(from \"a\")\n(run \"échо   ok\")\n");
}

fn run_command(src: &str) -> RunCommand {
    let df = parse(src);
    assert!(df.errors.is_empty(), "{src:?}: {:?}", df.errors);
    match df.instructions.last().and_then(|i| i.command.clone()) {
        Some(Command::Run(run)) => run,
        other => panic!("{src:?}: {other:?}"),
    }
}

/// The first error, with the source text its range covers.
fn error_at(src: &str) -> (ErrorKind, String, &str) {
    let df = parse(src);
    let e = df
        .errors
        .first()
        .unwrap_or_else(|| panic!("no error for {src:?}"));
    let text = &src[usize::from(e.range.start())..usize::from(e.range.end())];
    (e.kind, e.message.clone(), text)
}

#[test]
fn run_mounts_are_typed() {
    let run = run_command(
        "FROM a\nRUN --mount=type=cache,id=pip,sharing=locked,target=/root/.cache/pip \\\n  \
         --mount=type=secret,id=tok,env=TOKEN \\\n  --mount=type=bind,from=build,source=/out,target=/in \\\n  \
         make\n",
    );
    assert_eq!(run.mounts.len(), 3);
    let cache = run.mounts[0].mount.as_ref().unwrap();
    assert_eq!(cache.ty, MountType::Cache);
    assert_eq!(cache.cache_id, "pip");
    assert_eq!(cache.cache_sharing, Some(ShareMode::Locked));
    assert_eq!(cache.target, "/root/.cache/pip");
    assert!(!cache.read_only);
    assert_eq!(
        run.mounts[0].raw.value,
        "type=cache,id=pip,sharing=locked,target=/root/.cache/pip"
    );
    let secret = run.mounts[1].mount.as_ref().unwrap();
    assert_eq!(secret.ty, MountType::Secret);
    assert_eq!(secret.cache_id, "tok");
    assert_eq!(secret.env.as_deref(), Some("TOKEN"));
    let bind = run.mounts[2].mount.as_ref().unwrap();
    assert_eq!(bind.ty, MountType::Bind);
    assert_eq!(bind.from, "build");
    assert_eq!(
        (bind.source.as_str(), bind.target.as_str()),
        ("/out", "/in")
    );
    assert!(bind.read_only);
}

#[test]
fn run_mount_errors_only_at_build_time() {
    // BuildKit checks these only when it converts the stage (after expansion), so they are not
    // parse errors; the literal parse records them on the mount.
    let run = run_command("FROM a\nRUN --mount=type=volume,target=/x true\n");
    assert_eq!(
        run.mounts[0].mount.as_ref().unwrap_err().to_string(),
        "unsupported mount type \"volume\""
    );
    let run = run_command("FROM a\nRUN --mount=type=cache,target=/x,sharing=lockd true\n");
    assert!(matches!(
        run.mounts[0].mount,
        Err(MountError::UnsupportedSharing { .. })
    ));
    assert_eq!(
        run.mounts[0].mount.as_ref().unwrap_err().to_string(),
        "unsupported sharing value \"lockd\" (did you mean locked?)"
    );
    // A variable may make the value valid once expanded.
    let run = run_command("FROM a\nARG T=cache\nRUN --mount=type=$T,target=/x true\n");
    assert!(run.mounts[0].mount.is_err());
    // Fields without `=` and unknown keys are not looked at either.
    run_command("FROM a\nRUN --mount=bogus,targte=/x true\n");
}

#[test]
fn run_mount_parse_errors() {
    let src = "FROM a\nRUN --mount=type=bind,from=$STAGE,target=/x true\n";
    assert_eq!(
        error_at(src),
        (
            ErrorKind::Instruction,
            "'from' doesn't support variable expansion, define alias stage instead".to_owned(),
            "--mount=type=bind,from=$STAGE,target=/x"
        )
    );
    // `$` as the last character is not a variable.
    run_command("FROM a\nRUN --mount=from=stage$,target=/x true\n");
    // The flag's quotes are removed before the CSV is read (`extractBuilderFlags`).
    let src = "FROM a\nRUN --mount=target=/x --mount='target=a\"b' true\n";
    assert_eq!(
        error_at(src),
        (
            ErrorKind::Instruction,
            "failed to parse csv mounts: parse error on line 1, column 9: bare \" in \
             non-quoted-field"
                .to_owned(),
            "--mount='target=a\"b'"
        )
    );
    assert_eq!(
        error_at("FROM a\nRUN --mount= true\n").1,
        "failed to parse csv mounts: EOF"
    );
    // Mount errors come before network errors (runmount's post-hook runs first).
    assert_eq!(
        error_at("FROM a\nRUN --network=bridge --mount=from=${X} true\n").1,
        "'from' doesn't support variable expansion, define alias stage instead"
    );
}

#[test]
fn run_network_and_security() {
    assert_eq!(
        error_at("FROM a\nRUN --network=bridge true\n"),
        (
            ErrorKind::Instruction,
            "invalid network mode \"bridge\"".to_owned(),
            "--network=bridge"
        )
    );
    assert_eq!(
        error_at("FROM a\nRUN --security=root true\n"),
        (
            ErrorKind::Instruction,
            "security \"root\" is not valid".to_owned(),
            "--security=root"
        )
    );
    for ok in ["default", "none", "host"] {
        let run = run_command(&format!("FROM a\nRUN --network={ok} true\n"));
        assert_eq!(run.network.unwrap().value, ok);
    }
    run_command("FROM a\nRUN --security=insecure true\n");
}

/// An instruction's range ends where `bufio.ScanLines` ends its last line (before the `\n` and
/// one `\r`), so that exactly the line ending follows it. It used to end before *every* trailing
/// `\r`: for `x\r\r\n` one `\r` belonged to no instruction, and the fuzzer's parse → print →
/// parse round trip (`dockerfile_parse`) lost it.
#[test]
fn range_keeps_extra_carriage_returns_found_by_fuzzing() {
    let ends = |src: &str| -> Vec<(String, String)> {
        pristine_dockerfile::parse(src)
            .instructions
            .iter()
            .map(|i| {
                let end = usize::from(i.node.range.end());
                (src[..end].to_owned(), src[end..].to_owned())
            })
            .collect()
    };
    // An empty continuation line of two carriage returns, the last line of the file.
    assert_eq!(
        ends("A\u{FFFD} \\ \n\r\r\n"),
        [("A\u{FFFD} \\ \n\r".to_owned(), "\r\n".to_owned())]
    );
    // The fuzzer's input: a last line of one `\r` (ScanLines drops it).
    assert_eq!(
        ends("A\u{FFFD} \\ \n\r\r\n\r"),
        [("A\u{FFFD} \\ \n\r\r\n".to_owned(), "\r".to_owned())]
    );
    // Single-line instructions and heredoc terminators alike; CRLF files are unchanged.
    assert_eq!(
        ends("RUN a\r\r\nRUN b\r\n"),
        [
            ("RUN a\r".to_owned(), "\r\nRUN b\r\n".to_owned()),
            ("RUN a\r\r\nRUN b".to_owned(), "\r\n".to_owned())
        ]
    );
    // At the end of the file ScanLines drops one `\r` too: it is the line ending there.
    assert_eq!(
        ends("\r\nRUN a\r\r"),
        [("\r\nRUN a\r".to_owned(), "\r".to_owned())]
    );
    assert_eq!(
        ends("RUN <<E\nx\nE\r\r\n"),
        [("RUN <<E\nx\nE\r".to_owned(), "\r\n".to_owned())]
    );
}
