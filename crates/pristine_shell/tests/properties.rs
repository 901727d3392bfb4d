//! Properties: `parse`, `parse_mapped` and `run_scripts` never panic, and every range they give
//! lies within the text on char boundaries; on arbitrary strings, on mutated real `RUN`
//! instructions of the shared corpus, and on every corpus Dockerfile.
//!
//! The corpus is read from `PRISTINE_CORPUS_DIR` (its `*/files/**/Dockerfile*`); without the
//! variable from `../shared/corpus` beside the repository, and the corpus parts are skipped if
//! that is missing. A set variable naming missing data fails the tests.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use pristine_shell::{
    Script, SourceMap, Strategy as Parsing, fast_path_accepts, parse, parse_mapped,
    parse_mapped_with, run_scripts, run_scripts_with,
};
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

/// `text` parsed by the fast path where it applies and by tree-sitter alone.
fn both_ways(text: &str) -> (Script, Script) {
    let map = SourceMap::identity(0.into(), text_len(text));
    (
        parse_mapped_with(text, &map, Parsing::Fast),
        parse_mapped_with(text, &map, Parsing::TreeSitter),
    )
}

/// Words and operators of the fast path's subset, and a few just outside it.
fn simple_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z0-9_./:=,@%+*?^-]{1,8}",
        2 => "'[a-z =$\"!#|&;()<>\\\\]{0,6}'",
        2 => "\"[a-z ='!#|&;()<>]{0,6}\"",
        1 => prop::sample::select(vec![
            "A=", "A=1", "_x9=a=b", "A+=1", "1A=2", "=x", "A==1", "A='1 2'", "A=\"x\"y",
            "sh", "bash", "-c", "-euxo", "pipefail", "-", "--", "in", "if", "done", "export",
            "sudo", "pip", "install", "'pip install x | y && z'", "\"sh -c 'a;b'\"", "#", "!",
            "~", "$X", "\\x", "é", "[", "{a,b}", "${X}", "$X_y", "${A}b", "a$X", "$X-y",
            "\"a $X b\"", "\"${HOME}/x\"", "'$X'", "$1", "$@", "${X:-y}", "$", "${", "$(x)",
            "> f", ">>f", "2>&1", "2>/dev/null", "&> f", "&>>f", "<f", "0<f", ">&2", "1>&2",
            "> \"$X\"", ">|f", "<<EOF", "< <(x)", "a>b", "2>",
        ])
        .prop_map(str::to_owned),
    ]
}

fn simple_script() -> impl Strategy<Value = String> {
    let word = prop::collection::vec(simple_piece(), 1..3).prop_map(|p| p.concat());
    let command = prop::collection::vec(word, 1..5).prop_map(|w| w.join(" "));
    let op = prop::sample::select(vec![
        " && ", "&&", " || ", ";", " ; ", " | ", "|", "\t&&\t", "\n", "\n\n  ", " &&\n", "|\n",
        ";\n", "\n&&", " # c\n", "\n#x y\n", "#\n", "\r\n",
    ]);
    (
        prop::collection::vec((command, op), 1..5),
        prop::sample::select(vec!["", ";", " ;", " &&", "|", " ", "\n", " #c", "\n# c"]),
        prop::sample::select(vec!["", " ", "\t", "\n", "# c\n", "#"]),
    )
        .prop_map(|(parts, end, lead)| {
            let mut text = lead.to_owned();
            for (i, (command, op)) in parts.iter().enumerate() {
                if i > 0 {
                    text.push_str(op);
                }
                text.push_str(command);
            }
            text.push_str(end);
            text
        })
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
        let (fast, tree_sitter) = both_ways(&run);
        prop_assert_eq!(fast, tree_sitter, "{:?}", run);
    }

    /// The fast path gives exactly what tree-sitter gives, on scripts made of its subset and
    /// pieces just outside it.
    #[test]
    fn fast_path_is_tree_sitter(text in simple_script()) {
        let (fast, tree_sitter) = both_ways(&text);
        prop_assert_eq!(fast, tree_sitter, "{:?}", text);
    }
}

/// The linter's fixture Dockerfiles (written to exercise the shell rules).
fn fixture_dockerfiles() -> Vec<(PathBuf, String)> {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../pristine_linter/resources/test/fixtures");
    let mut paths = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.to_string_lossy().contains("Dockerfile") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    assert!(!paths.is_empty(), "no linter fixtures found");
    paths
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            Some((p, String::from_utf8_lossy(&bytes).into_owned()))
        })
        .collect()
}

/// Over every `RUN` of the corpus and of the linter fixtures, `run_scripts` with the fast path
/// equals `run_scripts` with tree-sitter alone (so the fast path, where it accepts a script,
/// gives the tree-sitter result); and the fast path does take most corpus `RUN`s.
#[test]
fn fast_path_equals_tree_sitter_on_corpus_and_fixtures() {
    let fixtures = fixture_dockerfiles();
    let mut lines = 0;
    let mut accepted = 0;
    for (path, src) in corpus_dockerfiles().iter().chain(&fixtures) {
        let df = pristine_dockerfile::parse(src);
        let stages = df.stages();
        let fast = run_scripts_with(&df, src, &stages, Parsing::Fast);
        let tree_sitter = run_scripts_with(&df, src, &stages, Parsing::TreeSitter);
        assert_eq!(fast.len(), tree_sitter.len(), "{}", path.display());
        for (f, t) in fast.iter().zip(&tree_sitter) {
            let at = format!(
                "{} instruction {}: {:?}",
                path.display(),
                f.instruction,
                src.get(std::ops::Range::<usize>::from(f.range))
            );
            for (fc, tc) in f.script.commands.iter().zip(&t.script.commands) {
                assert_eq!(fc, tc, "{at}");
            }
            assert_eq!(f, t, "{at}");
        }
        for i in &df.instructions {
            if i.node.kind() == Some(pristine_dockerfile::Keyword::Run)
                && !i.node.json
                && let Some(line) = i.node.args.first()
            {
                lines += 1;
                accepted += usize::from(fast_path_accepts(&line.value));
            }
        }
    }
    if !corpus_dockerfiles().is_empty() {
        // On the 251 corpus Dockerfiles it takes 805 of the 925 shell-form command lines
        // (67 % of their bytes); the rest has `$(…)`, `${X:-…}`, escapes, `if`/`for`, …
        assert!(
            accepted * 2 > lines,
            "the fast path takes only {accepted} of {lines} RUN command lines"
        );
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
