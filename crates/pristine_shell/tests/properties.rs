//! Properties: `parse`, `parse_mapped` and `run_scripts` never panic, and every range they give
//! lies within the text on char boundaries; on arbitrary strings, on mutated real `RUN`
//! instructions of the shared corpus, and on every corpus Dockerfile.
//!
//! The corpus is read from `PRISTINE_CORPUS_DIR` (its `*/files/**/Dockerfile*`); without the
//! variable from `../shared/corpus` beside the repository, and the corpus parts are skipped if
//! that is missing. A set variable naming missing data fails the tests.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use pristine_shell::{Script, SourceMap, parse, parse_mapped, run_scripts};
use proptest::prelude::*;
use text_size::{TextRange, TextSize};

fn corpus_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PRISTINE_CORPUS_DIR") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.is_dir(),
            "PRISTINE_CORPUS_DIR is set to {} but that directory does not exist",
            dir.display()
        );
        return Some(dir);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    dir.is_dir().then_some(dir)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_symlink() {
            continue;
        }
        if path.is_dir() {
            walk(&path, out);
        } else if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("Dockerfile"))
        {
            out.push(path);
        }
    }
}

/// Every `*/files/**/Dockerfile*` of the corpus with its text.
fn corpus_dockerfiles() -> &'static [(PathBuf, String)] {
    static FILES: OnceLock<Vec<(PathBuf, String)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let Some(root) = corpus_dir() else {
            return Vec::new();
        };
        let mut paths = Vec::new();
        let mut projects: Vec<_> = std::fs::read_dir(&root)
            .map(|r| r.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        projects.sort();
        for project in projects {
            walk(&project.join("files"), &mut paths);
        }
        assert!(
            !paths.is_empty(),
            "no Dockerfile under {}/*/files",
            root.display()
        );
        paths
            .into_iter()
            .filter_map(|p| {
                let bytes = std::fs::read(&p).ok()?;
                Some((p, String::from_utf8_lossy(&bytes).into_owned()))
            })
            .collect()
    })
}

/// The source text of every `RUN` of the corpus (continuations and heredocs included).
fn corpus_runs() -> &'static [String] {
    static RUNS: OnceLock<Vec<String>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let mut out = Vec::new();
        for (_, src) in corpus_dockerfiles() {
            let df = pristine_dockerfile::parse(src);
            for i in &df.instructions {
                if i.node.kind() == Some(pristine_dockerfile::Keyword::Run)
                    && let Some(text) = src.get(std::ops::Range::<usize>::from(i.node.range))
                {
                    out.push(text.to_owned());
                }
            }
        }
        if out.is_empty() {
            // No corpus here: a few hand-written RUNs keep the mutation property meaningful.
            out.extend(
                [
                    "RUN apt-get update && apt-get install -y --no-install-recommends \\\n    curl=7.88 \\\n    # c\n\n    git && rm -rf /var/lib/apt/lists/*",
                    "RUN set -euxo pipefail; curl -fsSL \"https://x/${V}.tgz\" | tar xz -C /opt",
                    "RUN <<EOF\nset -e\npip install --no-cache-dir -r req.txt\nEOF",
                    "RUN [\"sh\", \"-c\", \"pip install 'x==1' && echo é\"]",
                    "RUN bash -c 'for i in 1 2; do echo $i; done' && python -m pip install -e .",
                ]
                .map(str::to_owned),
            );
        }
        out
    })
}

fn check_range(text: &str, range: TextRange, what: &str) {
    assert!(
        text.get(std::ops::Range::<usize>::from(range)).is_some(),
        "{what} range {range:?} not within {} bytes / not on char boundaries: {text:?}",
        text.len()
    );
}

fn check_script(text: &str, script: &Script) {
    for c in &script.commands {
        check_range(text, c.range, "command");
        check_range(text, c.name.range, "name");
        for w in &c.args {
            check_range(text, w.range, "arg");
        }
        for a in &c.assignments {
            check_range(text, a.range, "assignment");
            check_range(text, a.value.range, "assignment value");
        }
    }
}

fn check_dockerfile(src: &str) {
    let df = pristine_dockerfile::parse(src);
    for run in run_scripts(&df, src, &df.stages()) {
        check_range(src, run.range, "run");
        check_script(src, &run.script);
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, String),
    Delete(usize, usize),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let piece = prop::sample::select(vec![
        "'",
        "\"",
        "\\",
        "\\\n",
        "\n",
        "$(",
        ")",
        "`",
        "${",
        "}",
        "&&",
        "|",
        ";",
        "<<EOF\n",
        "EOF",
        "#",
        " ",
        "if ",
        "fi",
        "é",
        "\u{1F600}",
        "\r\n",
        "\0",
        "(",
        "sh -c '",
        "-",
    ]);
    prop_oneof![
        (any::<usize>(), piece).prop_map(|(i, p)| Mutation::Insert(i, p.to_owned())),
        (any::<usize>(), any::<String>()).prop_map(|(i, s)| Mutation::Insert(i, s)),
        (any::<usize>(), 1..8usize).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), 1..16usize).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
    ]
}

fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The char boundary at or before `pos % (len + 1)`.
fn position(text: &str, pos: usize) -> usize {
    floor_boundary(text, pos % (text.len() + 1))
}

fn apply(text: &mut String, mutation: &Mutation) {
    match mutation {
        Mutation::Insert(pos, piece) => {
            let at = position(text, *pos);
            text.insert_str(at, piece);
        }
        Mutation::Delete(pos, len) => {
            let from = position(text, *pos);
            let to = floor_boundary(text, from + len);
            text.replace_range(from..to, "");
        }
        Mutation::Duplicate(pos, len) => {
            let from = position(text, *pos);
            let to = floor_boundary(text, from + len);
            let piece = text[from..to].to_owned();
            text.insert_str(to, &piece);
        }
    }
}

fn text_len(s: &str) -> TextSize {
    TextSize::try_from(s.len()).unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parse_never_panics(text in any::<String>()) {
        check_script(&text, &parse(&text));
    }

    #[test]
    fn parse_never_panics_on_shellish_text(text in "[a-z $'\"`\\\\(){};|&<>#=\n-]{0,80}") {
        check_script(&text, &parse(&text));
    }

    /// `parse_mapped` through a `SourceMap::joined` of arbitrary source text, whether or not
    /// the logical text matches the join.
    #[test]
    fn parse_mapped_stays_in_the_source(
        source in "[a-z \\\\#\n&|'\"é]{0,60}",
        logical in "[a-z &|'\"\\\\é]{0,60}",
        start in 0usize..64,
        len in 0usize..64,
    ) {
        let s = floor_boundary(&source, start);
        let e = floor_boundary(&source, s + len);
        let range = TextRange::new(text_len(&source[..s]), text_len(&source[..e]));
        for logical in [logical.as_str(), source.get(s..e).unwrap_or_default()] {
            let map = SourceMap::joined(&source, range, logical, '\\');
            check_script(&source, &parse_mapped(logical, &map));
            let map = SourceMap::identity(range.start(), range.len());
            let script = parse_mapped(logical, &map);
            for c in &script.commands {
                prop_assert!(range.contains_range(c.range));
            }
        }
    }

    #[test]
    fn mutated_corpus_runs(index in any::<prop::sample::Index>(), mutations in prop::collection::vec(mutation(), 0..6)) {
        let runs = corpus_runs();
        let mut run = runs[index.index(runs.len())].clone();
        for m in &mutations {
            apply(&mut run, m);
        }
        check_script(&run, &parse(&run));
        let src = format!("FROM debian\n{run}\n");
        check_dockerfile(&src);
        // The same text as a heredoc body and as an `sh -c` script.
        let src = format!("FROM debian\nRUN <<EOF\n{run}\nEOF\nRUN sh -c '{run}'\n");
        check_dockerfile(&src);
    }
}

#[test]
fn every_corpus_run_goes_through_run_scripts() {
    let files = corpus_dockerfiles();
    let mut runs = 0;
    let mut commands = 0;
    for (path, src) in files {
        let df = pristine_dockerfile::parse(src);
        for run in run_scripts(&df, src, &df.stages()) {
            runs += 1;
            commands += run.script.commands.len();
            check_range(src, run.range, &path.display().to_string());
            check_script(src, &run.script);
            for c in &run.script.commands {
                assert!(
                    run.range.contains_range(c.range),
                    "{}: command {:?} outside its RUN {:?}",
                    path.display(),
                    c.range,
                    run.range
                );
            }
        }
    }
    if !files.is_empty() {
        assert!(runs > 500, "only {runs} RUNs in the corpus");
        assert!(commands > runs);
    }
}
