use pristine_diagnostics::Severity;

use crate::Rule;
use crate::checkers::context::{ContentSource, ContextChecker, lossy};
use crate::checkers::copy_sources::{CopySrc, go_match};
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `COPY`/`ADD` source (in a stage that is built) that exists in the context
    /// directory but that the ignore file excludes, naming the line that excludes it.
    ///
    /// BuildKit's own `CopyIgnoredFile` check covers the same mistake but stays silent as soon
    /// as the ignore file has any `!` line; this rule decides with the exact walker semantics,
    /// exceptions included.
    ///
    /// A wildcard source (`COPY requirements*.txt ./`) is reported when it matches files in
    /// the directory but every one of them is excluded: BuildKit expands wildcards over the
    /// context it was sent, finds nothing, and fails with `no source files were specified`.
    /// A wildcard that still matches one sent path copies that and succeeds, so it is not
    /// reported.
    ///
    /// ## Why is this bad?
    /// The file is not in the context, so the build fails:
    /// `failed to compute cache key: … "/requirements.txt": not found`. A common cause is a
    /// template `.dockerignore` that excludes `*.md` while `pyproject.toml` names
    /// `README.md` as the readme.
    ///
    /// ## Example
    /// ```text
    /// *.txt
    /// ```
    /// ```dockerfile
    /// COPY requirements.txt .
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// *.txt
    /// !requirements.txt
    /// ```
    ///
    /// ## References
    /// - [CopyIgnoredFile](https://docs.docker.com/reference/build-checks/copy-ignored-file/)
    /// - moby/buildkit `frontend/dockerfile/dockerfile2llb/convert.go` (`validateCopySourcePath`
    ///   returns early when `ignoreMatcher.Exclusions()`)
    pub(crate) struct CopySourceExcluded {
        code: "DI007",
        name: "copy-source-excluded",
        family: Ignore,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: ["CopyIgnoredFile"],
        summary: "`COPY`/`ADD` source excluded by the `.dockerignore`",
    }
}

pub(crate) fn copy_source_excluded(checker: &mut ContextChecker) {
    let Some(m) = checker.facts.context.matcher.as_ref() else {
        return;
    };
    let ignore = &checker.facts.context.ignore;
    let mut found = Vec::new();
    for copy in &checker.copies {
        for (src, range) in &copy.sources {
            // (the excluded path named, how it was named, whether the source is a wildcard)
            let (path, is_dir, wildcard) = match src {
                CopySrc::Literal(path) => {
                    if path.is_empty() || checker.entry(path).is_some() {
                        continue;
                    }
                    // Exists in the directory but was not sent: excluded.
                    let Some(is_dir) = checker.facts.content.stat(path) else {
                        continue;
                    };
                    (path.clone(), is_dir, None)
                }
                CopySrc::Glob(components) => {
                    if matches_sent(checker, components) {
                        continue;
                    }
                    // Matches nothing that is sent: is that because of the ignore file?
                    let mut on_disk = Vec::new();
                    expand(checker.facts.content, &[], components, &mut on_disk);
                    let Some((path, is_dir)) = on_disk.into_iter().next() else {
                        continue;
                    };
                    (path, is_dir, Some(components.join(&b'/')))
                }
            };
            let Ok(explanation) = m.explain(&path, is_dir) else {
                continue;
            };
            if !explanation.excluded() {
                continue;
            }
            let decider = explanation
                .deciding_step()
                .and_then(|s| s.decision.decided_by)
                .and_then(|i| m.patterns().get(i))
                .and_then(|p| ignore.file.patterns.get(p.source_index()));
            let by = decider.map_or_else(
                || "the ignore file excludes it".to_string(),
                |d| {
                    format!(
                        "`{}` line {} (`{}`) excludes it",
                        checker.ignore_name(),
                        d.line,
                        lossy(d.line_text(&ignore.bytes)).trim_end()
                    )
                },
            );
            let mut message = match &wildcard {
                None => format!(
                    "`{}` copies `{}`, but {by}: the build fails with `\"/{}\": not found`",
                    copy.keyword,
                    lossy(&path),
                    lossy(&path)
                ),
                Some(pattern) => format!(
                    "`{}` copies `{}`, which matches only excluded paths (`{}`: {by}): the build \
                     fails with `no source files were specified`",
                    copy.keyword,
                    lossy(pattern),
                    lossy(&path)
                ),
            };
            if m.exclusions() {
                message.push_str(
                    " (BuildKit's CopyIgnoredFile check is silent because the ignore file has `!` lines)",
                );
            }
            let help = format!(
                "add `!{}` after line {} of `{}`, or stop copying it",
                lossy(&path),
                decider.map_or(0, |d| d.line),
                checker.ignore_name()
            );
            found.push((message, *range, checker.shown(&path, is_dir), help));
        }
    }
    for (message, range, subject, help) in found {
        let mut d = Rule::CopySourceExcluded
            .diagnostic(message, checker.facts.dockerfile_path)
            .with_range(range)
            .with_subject_path(subject)
            .with_help(help);
        d.severity = Severity::Error;
        checker.report(d);
    }
}

/// Whether the wildcard source matches a sent path (component by component, at its depth,
/// as fsutil `copy.ResolveWildcards` does): then BuildKit copies that and succeeds.
fn matches_sent(checker: &ContextChecker, components: &[Vec<u8>]) -> bool {
    checker.facts.context.tree.entries.iter().any(|e| {
        let names: Vec<&[u8]> = e.path.split(|&c| c == b'/').collect();
        names.len() == components.len()
            && components
                .iter()
                .zip(&names)
                .all(|(pattern, name)| go_match(pattern, name))
    })
}

/// The paths of the context directory, sent or not, that the wildcard source matches, in
/// name order (at most a few: one is enough to explain the failure).
fn expand(
    content: &dyn ContentSource,
    dir: &[u8],
    components: &[Vec<u8>],
    out: &mut Vec<(Vec<u8>, bool)>,
) {
    const ENOUGH: usize = 8;
    let Some((first, rest)) = components.split_first() else {
        return;
    };
    let Some(mut names) = content.list(dir) else {
        return;
    };
    names.sort();
    for (name, is_dir) in names {
        if out.len() >= ENOUGH {
            return;
        }
        if !go_match(first, &name) {
            continue;
        }
        let mut path = dir.to_vec();
        if !path.is_empty() {
            path.push(b'/');
        }
        path.extend_from_slice(&name);
        if rest.is_empty() {
            out.push((path, is_dir));
        } else if is_dir {
            expand(content, &path, rest, out);
        }
    }
}
