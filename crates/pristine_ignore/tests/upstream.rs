//! Ported from moby/patternmatcher `patternmatcher_test.go` (commit
//! 1d6a3f429bf0541b7f69372adecc787fabc0c701, Apache-2.0, © Docker, Inc. and
//! the moby authors): the `TestMatches` tables, run through every matching
//! function as upstream does, on a Unix build.

use pristine_ignore::{MatchInfo, PatternMatcher, go};

#[derive(Clone, Copy, PartialEq)]
enum Pass {
    Fail,
    Exact,
    Inexact,
}
use Pass::{Exact, Fail, Inexact};

const TESTS: &[(&str, &str, Pass)] = &[
    ("**", "file", Exact),
    ("**", "file/", Exact),
    ("**/", "file", Exact),
    ("**/", "file/", Exact),
    ("**", "/", Exact),
    ("**/", "/", Exact),
    ("**", "dir/file", Exact),
    ("**/", "dir/file", Exact),
    ("**", "dir/file/", Exact),
    ("**/", "dir/file/", Exact),
    ("**/**", "dir/file", Exact),
    ("**/**", "dir/file/", Exact),
    ("dir/**", "dir/file", Exact),
    ("dir/**", "dir/file/", Exact),
    ("dir/**", "dir/dir2/file", Exact),
    ("dir/**", "dir/dir2/file/", Exact),
    ("**/dir", "dir", Exact),
    ("**/dir", "dir/file", Inexact),
    ("**/dir2/*", "dir/dir2/file", Exact),
    ("**/dir2/*", "dir/dir2/file/", Inexact),
    ("**/dir2/**", "dir/dir2/dir3/file", Exact),
    ("**/dir2/**", "dir/dir2/dir3/file/", Exact),
    ("**file", "file", Exact),
    ("**file", "dir/file", Exact),
    ("**/file", "dir/file", Exact),
    ("**file", "dir/dir/file", Exact),
    ("**/file", "dir/dir/file", Exact),
    ("**/file*", "dir/dir/file", Exact),
    ("**/file*", "dir/dir/file.txt", Exact),
    ("**/file*txt", "dir/dir/file.txt", Exact),
    ("**/file*.txt", "dir/dir/file.txt", Exact),
    ("**/file*.txt*", "dir/dir/file.txt", Exact),
    ("**/**/*.txt", "dir/dir/file.txt", Exact),
    ("**/**/*.txt2", "dir/dir/file.txt", Fail),
    ("**/*.txt", "file.txt", Exact),
    ("**/**/*.txt", "file.txt", Exact),
    ("a**/*.txt", "a/file.txt", Exact),
    ("a**/*.txt", "a/dir/file.txt", Exact),
    ("a**/*.txt", "a/dir/dir/file.txt", Exact),
    ("a/*.txt", "a/dir/file.txt", Fail),
    ("a/*.txt", "a/file.txt", Exact),
    ("a/*.txt**", "a/file.txt", Exact),
    ("a[b-d]e", "ae", Fail),
    ("a[b-d]e", "ace", Exact),
    ("a[b-d]e", "aae", Fail),
    ("a[^b-d]e", "aze", Exact),
    (".*", ".foo", Exact),
    (".*", "foo", Fail),
    ("abc.def", "abcdef", Fail),
    ("abc.def", "abc.def", Exact),
    ("abc.def", "abcZdef", Fail),
    ("abc?def", "abcZdef", Exact),
    ("abc?def", "abcdef", Fail),
    ("**/foo/bar", "foo/bar", Exact),
    ("**/foo/bar", "dir/foo/bar", Exact),
    ("**/foo/bar", "dir/dir2/foo/bar", Exact),
    ("abc/**", "abc", Fail),
    ("abc/**", "abc/def", Exact),
    ("abc/**", "abc/def/ghi", Exact),
    ("**/.foo", ".foo", Exact),
    ("**/.foo", "bar.foo", Fail),
    ("a(b)c/def", "a(b)c/def", Exact),
    ("a(b)c/def", "a(b)c/xyz", Fail),
    ("a.|)$(}+{bc", "a.|)$(}+{bc", Exact),
    (
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        Exact,
    ),
    (
        "dist/*.whl",
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        Exact,
    ),
    // runtime.GOOS != "windows"
    ("a\\\\", "a\\", Exact),
    ("a\\*b", "a*b", Exact),
];

const MULTI: &[(&[&str], &str, Pass)] = &[
    (&["**", "!util/docker/web"], "util/docker/web/foo", Fail),
    (
        &["**", "!util/docker/web", "util/docker/web/foo"],
        "util/docker/web/foo",
        Exact,
    ),
    (
        &[
            "**",
            "!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        ],
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        Fail,
    ),
    (
        &["**", "!dist/*.whl"],
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        Fail,
    ),
];

/// `MatchesExact` is not part of our API; it equals the sequential loop over
/// the path alone, i.e. `MatchesUsingParentResults` with an all-false parent.
fn parent_info_chain(pm: &PatternMatcher, text: &str) -> MatchInfo {
    let parent = go::dir(text.as_bytes());
    let mut info = MatchInfo::default();
    if parent != b"." {
        let parts: Vec<&[u8]> = parent.split(|&c| c == b'/').collect();
        for i in 0..parts.len() {
            info = pm
                .matches_using_parent_results(&parts[..=i].join(&b'/'), &info)
                .unwrap()
                .1;
        }
    }
    info
}

#[test]
fn test_matches() {
    let single = TESTS.iter().map(|&(p, t, pass)| (vec![p], t, pass));
    let multi = MULTI.iter().map(|&(p, t, pass)| (p.to_vec(), t, pass));
    for (patterns, text, pass) in single.chain(multi) {
        let pm = PatternMatcher::new(&patterns).unwrap();
        let want = pass != Fail;
        let desc = format!("patterns={patterns:?} text={text:?}");
        assert_eq!(
            pm.matches_or_parent_matches(text.as_bytes()).unwrap(),
            want,
            "MatchesOrParentMatches {desc}"
        );
        let info = parent_info_chain(&pm, text);
        let got = pm
            .matches_using_parent_results(text.as_bytes(), &info)
            .unwrap()
            .0
            .excluded;
        assert_eq!(got, want, "MatchesUsingParentResults {desc}");
        let got = pm
            .matches_using_parent_results(text.as_bytes(), &MatchInfo::default())
            .unwrap()
            .0
            .excluded;
        assert_eq!(got, want, "MatchesUsingParentResultsNoContext {desc}");
        if patterns.len() == 1 {
            // MatchesExact: only the path itself.
            let exact = pm.patterns()[0].matches(text.as_bytes()).unwrap();
            assert_eq!(exact, pass == Exact, "MatchesExact {desc}");
        }
    }
}

/// `TestMatchesOrParentMatchesMalformedPatternDoesNotPanicOnRepeatedCall`.
#[test]
fn malformed_pattern_repeated_call() {
    let pm = PatternMatcher::new(["[Local-Only]/"]).unwrap();
    assert!(pm.matches_or_parent_matches(b"x").is_err());
    assert!(pm.matches_or_parent_matches(b"x").is_err());
}
