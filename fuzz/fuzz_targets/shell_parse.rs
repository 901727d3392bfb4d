//! The shell front end (`pristine_shell`, tree-sitter-bash underneath) on arbitrary bytes
//! (lossy UTF-8): no panic or crash (tree-sitter-bash's scanner segfaulted on non-ASCII
//! input once, see `crates/pristine_shell/src/parse.rs`), every recogniser runs, and every
//! range is in bounds and on char boundaries — both for the text alone and for the text as
//! the body of a `RUN` in a Dockerfile (continuations, heredocs, the exec form, `SHELL`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pristine_shell::{Script, Tool};
use text_size::TextRange;

fn check_range(src: &str, r: TextRange) {
    let (s, e) = (usize::from(r.start()), usize::from(r.end()));
    assert!(
        s <= e && e <= src.len(),
        "range {r:?} out of bounds of {}",
        src.len()
    );
    assert!(
        src.is_char_boundary(s) && src.is_char_boundary(e),
        "range {r:?} splits a char"
    );
}

fn exercise(src: &str, script: &Script) {
    for c in &script.commands {
        check_range(src, c.range);
        check_range(src, c.name.range);
        c.args.iter().for_each(|w| check_range(src, w.range));
        for a in &c.assignments {
            check_range(src, a.range);
            check_range(src, a.value.range);
        }
        let _ = c.basename();
        let _ = c.is_checked();
        let _ = pristine_shell::unwrap_command(c);
    }
    let _ = pristine_shell::invocations(script);
    let _ = pristine_shell::pip_installs(script);
    let _ = pristine_shell::package_installs(script);
    let _ = pristine_shell::removals(script);
    let _ = pristine_shell::tool_invocations(script, Tool::Uv);
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    exercise(&text, &pristine_shell::parse(&text));

    for dockerfile in [
        format!("FROM python:3.12\nRUN {text}\n"),
        format!(
            "FROM python:3.12\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN \\\n  {text}\n"
        ),
        format!("FROM python:3.12\nRUN <<EOF\n{text}\nEOF\n"),
    ] {
        let df = pristine_dockerfile::parse(&dockerfile);
        let stages = df.stages();
        for run in pristine_shell::run_scripts(&df, &dockerfile, &stages) {
            check_range(&dockerfile, run.range);
            let _ = run.shell_has_pipefail();
            let _ = run.posix_shell();
            exercise(&dockerfile, &run.script);
        }
    }
});
