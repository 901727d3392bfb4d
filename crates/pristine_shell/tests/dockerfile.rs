//! `run_scripts` and `SourceMap::joined`: every range points into the Dockerfile.

use pristine_shell::{RunForm, RunScript, pip_installs, run_scripts};

fn runs(src: &str) -> Vec<RunScript> {
    let df = pristine_dockerfile::parse(src);
    run_scripts(&df, src, &df.stages())
}

fn names(run: &RunScript) -> Vec<&str> {
    run.script
        .commands
        .iter()
        .map(|c| c.name.text.as_str())
        .collect()
}

/// Every word, assignment and command range of `run` slices `src`.
fn assert_ranges_in(src: &str, run: &RunScript) {
    for c in &run.script.commands {
        assert!(
            src.get(std::ops::Range::<usize>::from(c.range)).is_some(),
            "{:?}",
            c.range
        );
        assert!(
            run.range.contains_range(c.range),
            "{:?} {:?}",
            run.range,
            c.range
        );
        for w in std::iter::once(&c.name).chain(&c.args) {
            assert!(src.get(std::ops::Range::<usize>::from(w.range)).is_some());
        }
    }
}

#[test]
fn continuation_lines_map_back() {
    let src = "FROM debian\nRUN apt-get update \\\n    && apt-get install -y \\\n        curl \\\n        git\n";
    let r = &runs(src)[0];
    assert_eq!(r.form, RunForm::Shell);
    assert_eq!(names(r), ["apt-get", "apt-get"]);
    let install = &r.script.commands[1];
    assert_eq!(&src[install.args[2].range], "curl");
    assert_eq!(&src[install.args[3].range], "git");
    assert_eq!(&src[install.name.range], "apt-get");
    assert_eq!(
        &src[install.range],
        "apt-get install -y \\\n        curl \\\n        git"
    );
    assert_ranges_in(src, r);
}

#[test]
fn comments_and_blank_lines_inside_continuations() {
    let src = "FROM debian\nRUN apt-get update \\\n  # a comment && rm -rf /\n\n  && pip install \\\n    # another\n    flask\nRUN echo next\n";
    let all = runs(src);
    assert_eq!(all.len(), 2);
    let r = &all[0];
    assert_eq!(names(r), ["apt-get", "pip"]);
    let pip = &pip_installs(&r.script)[0];
    assert_eq!(&src[pip.packages[0].range], "flask");
    assert_eq!(&src[pip.invocation.command.name.range], "pip");
    assert_ranges_in(src, r);
    assert_eq!(&src[all[1].script.commands[0].name.range], "echo");
}

#[test]
fn crlf_and_custom_escape() {
    let src = "FROM debian\r\nRUN a \\\r\n    && b x\r\n";
    let r = &runs(src)[0];
    assert_eq!(names(r), ["a", "b"]);
    assert_eq!(&src[r.script.commands[1].args[0].range], "x");
    let src = "# escape=`\nFROM windows\nRUN a `\n    && b y\n";
    let r = &runs(src)[0];
    assert_eq!(names(r), ["a", "b"]);
    assert_eq!(&src[r.script.commands[1].args[0].range], "y");
}

#[test]
fn run_flags_are_not_shell() {
    let src = "FROM python\nRUN --mount=type=cache,target=/root/.cache pip install x\n";
    let r = &runs(src)[0];
    assert_eq!(names(r), ["pip"]);
    assert_eq!(&src[r.script.commands[0].args[1].range], "x");
}

#[test]
fn heredoc_run_is_the_script() {
    let src = "FROM debian\nRUN <<EOF\nset -e\napt-get update\npip install x\nEOF\n";
    let r = &runs(src)[0];
    assert_eq!(names(r), ["set", "apt-get", "pip"]);
    assert!(r.script.options.errexit);
    let pip = &r.script.commands[2];
    assert_eq!(&src[pip.range], "pip install x");
    assert!(!pip.context.nested_shell);
    assert_ranges_in(src, r);
}

#[test]
fn heredoc_fed_to_a_shell() {
    let src = "FROM debian\nRUN bash <<EOF\napt-get install -y curl\nEOF\n";
    let r = &runs(src)[0];
    assert_eq!(names(r), ["bash", "apt-get"]);
    let apt = &r.script.commands[1];
    assert!(apt.context.nested_shell);
    assert_eq!(&src[apt.args[2].range], "curl");
    // `sh -s` too, and `<<-` bodies with their tabs stripped.
    let src = "FROM debian\nRUN sh -s <<-EOF\n\tpip install x\n\tEOF\n";
    let r = &runs(src)[0];
    assert_eq!(names(r), ["sh", "pip"]);
    assert_ranges_in(src, r);
}

#[test]
fn heredoc_files_are_not_shell() {
    // `cat <<EOF > file`: the body is data.
    let src = "FROM debian\nRUN cat <<EOF > /etc/x.conf\nrm -rf /\nEOF\n";
    let r = &runs(src)[0];
    assert_eq!(names(r), ["cat"]);
    // A python shebang in a `RUN <<EOF` body is not shell.
    let src = "FROM python\nRUN <<EOF\n#!/usr/bin/env python3\nimport os\nEOF\n";
    assert!(runs(src)[0].script.commands.is_empty());
    // `bash -c` already has its script: stdin is not read as shell.
    let src = "FROM debian\nRUN bash -c 'echo a' <<EOF\nrm -rf /\nEOF\n";
    assert_eq!(names(&runs(src)[0]), ["bash", "echo"]);
}

#[test]
fn exec_form() {
    let src = "FROM python\nRUN [\"pip\", \"install\", \"--no-cache-dir\", \"x\"]\n";
    let r = &runs(src)[0];
    assert_eq!(r.form, RunForm::Exec);
    let pip = &pip_installs(&r.script)[0];
    assert!(pip.no_cache_dir);
    assert_eq!(&src[pip.packages[0].range], "\"x\"");
    let src = "FROM debian\nRUN [\"sh\", \"-c\", \"apt-get update && apt-get install -y curl\"]\n";
    let r = &runs(src)[0];
    assert_eq!(names(r), ["sh", "apt-get", "apt-get"]);
    assert!(r.script.commands[1].context.nested_shell);
    assert_ranges_in(src, r);
    let src = "FROM debian\nRUN [\"/bin/bash\", \"-euxc\", \"a | b\"]\n";
    assert_eq!(names(&runs(src)[0]), ["/bin/bash", "a", "b"]);
}

#[test]
fn shell_instruction_and_stages() {
    let src = "FROM debian AS base\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n\
               FROM base AS child\nRUN c | d\nFROM debian\nRUN e | f\n\
               SHELL [\"pwsh\", \"-Command\"]\nRUN Get-Thing | x\n";
    let all = runs(src);
    assert_eq!(all.len(), 4);
    assert!(all[0].shell_has_pipefail());
    assert_eq!(all[0].stage, Some(0));
    assert!(all[1].shell_has_pipefail(), "inherited from FROM base");
    assert_eq!(all[1].stage, Some(1));
    assert!(!all[2].shell_has_pipefail());
    assert!(!all[3].posix_shell());
    assert!(all[3].script.commands.is_empty());
}

#[test]
fn onbuild_run() {
    let src = "FROM debian\nONBUILD RUN pip install x\n";
    let r = &runs(src)[0];
    assert!(r.onbuild);
    assert_eq!(&src[r.script.commands[0].args[1].range], "x");
    assert_eq!(&src[r.range], "ONBUILD RUN pip install x");
}

#[test]
fn broken_shell_in_a_run() {
    let src = "FROM debian\nRUN apt-get update && if true; then \\\n  pip install x\nRUN echo \"unterminated\n";
    let all = runs(src);
    assert_eq!(all.len(), 2);
    assert!(all[0].script.has_error);
    assert!(names(&all[0]).contains(&"pip"));
    assert!(all[1].script.has_error);
    for r in &all {
        assert_ranges_in(src, r);
    }
}
