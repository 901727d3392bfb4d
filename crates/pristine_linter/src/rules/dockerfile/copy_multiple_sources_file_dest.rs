use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for `COPY`/`ADD` with several sources whose destination does not end in `/`.
    ///
    /// ## Why is this bad?
    /// With more than one source the destination must be a directory. The classic builder
    /// refuses the instruction ("When using COPY with more than one source file, the
    /// destination must be a directory and end with a /"); with BuildKit it depends on whether
    /// the destination already exists, so the result is easy to get wrong. A trailing `/` says
    /// what is meant. `.` and `..` are directories and are not reported (hadolint's DL3021
    /// reports `COPY a b .`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY pyproject.toml uv.lock /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY pyproject.toml uv.lock /app/
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3021](https://github.com/hadolint/hadolint/wiki/DL3021)
    pub(crate) struct CopyMultipleSourcesFileDest {
        code: "DF023",
        name: "copy-multiple-sources-file-dest",
        family: Dockerfile,
        severity: Error,
        fix: None,
        hadolint: ["DL3021"],
        buildkit: [],
        summary: "`COPY` of several sources to a destination without a trailing `/`",
    }
}

/// DF023.
pub(crate) fn copy_multiple_sources_file_dest(checker: &mut Checker) {
    let mut found = Vec::new();
    for inst in &checker.dockerfile.instructions {
        let (sources, dest) = match &inst.command {
            Some(Command::Copy(c)) => (c.sources.len(), &c.dest),
            Some(Command::Add(a)) => (a.sources.len(), &a.dest),
            _ => continue,
        };
        let d = dest.value.as_str();
        if sources < 2
            || d.ends_with('/')
            || d.contains('$')
            || matches!(d, "." | "..")
            || d.ends_with("/.")
            || d.ends_with("/..")
        {
            continue;
        }
        found.push((inst.keyword.value.to_uppercase(), dest.range));
    }
    for (name, range) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::CopyMultipleSourcesFileDest,
                format!(
                    "{name} with more than 2 arguments requires the last argument to end with /"
                ),
                range,
            )
            .with_help("End the destination with `/`");
        checker.report(diagnostic);
    }
}
