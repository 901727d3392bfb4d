//! `pristine debug dockerfile-ast FILE`: the parse in BuildKit's test `result` format
//! (`frontend/dockerfile/parser/parser_test.go: TestParseCases`), so a disagreement with
//! BuildKit can be reported as a diff against `buildctl debug dump-llb`-free ground truth.

use std::io::{Read, Write};
use std::path::Path;

use anyhow::{Context, Result};

use crate::Outcome;

pub(crate) fn dockerfile_ast(file: &Path) -> Result<Outcome> {
    let bytes = if file == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("failed to read standard input")?;
        buf
    } else {
        std::fs::read(file).with_context(|| format!("failed to read `{}`", file.display()))?
    };
    let text = String::from_utf8_lossy(&bytes);
    let dockerfile = pristine_dockerfile::parse(&text);
    let mut stdout = std::io::stdout().lock();
    if let Some(error) = dockerfile.parser_error() {
        // BuildKit's parser would stop here: print what it prints, not a partial dump.
        let line = pristine_diagnostics::LineIndex::new(&text)
            .location(error.range.start(), &text)
            .row;
        writeln!(
            std::io::stderr(),
            "dockerfile parse error on line {line}: {}",
            error.message
        )?;
        return Ok(Outcome::Error);
    }
    // `dump()` already ends with the newline the fixtures' `result` files have.
    write!(stdout, "{}", dockerfile.dump())?;
    Ok(Outcome::Clean)
}
