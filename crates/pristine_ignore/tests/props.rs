//! Property tests: the regex-set fast path equals per-pattern evaluation,
//! and nothing panics on arbitrary patterns, paths or ignore files.

use pristine_ignore::{IgnoreFile, MatchInfo, PatternMatcher};
use proptest::prelude::*;

/// Pattern-ish strings: glob and regexp metacharacters, separators, a few
/// non-ASCII runes and raw invalid bytes.
fn pattern() -> impl Strategy<Value = Vec<u8>> {
    let atoms: Vec<&'static [u8]> = vec![
        b"a",
        b"b",
        b"/",
        b"*",
        b"**",
        b"?",
        b"[",
        b"]",
        b"^",
        b"!",
        b"-",
        b"\\",
        b".",
        b"$",
        b"(",
        b"|",
        b"{",
        b"[:digit:]",
        b"\\d",
        b"\\pL",
        b"\\b",
        b"\\Q",
        b"\xc3\xa9",
        b"\xff",
        b" ",
        b"\n",
        b"\xef\xbb\xbf",
    ];
    prop::collection::vec(prop::sample::select(atoms), 0..8).prop_map(|v| v.concat())
}

fn path() -> impl Strategy<Value = Vec<u8>> {
    let atoms: Vec<&'static [u8]> = vec![
        b"a",
        b"b",
        b"/",
        b".",
        b"[",
        b"]",
        b"^",
        b"*",
        b"\\",
        b"1",
        b"\xc3\xa9",
        b"\xff",
        b"\xe2\x82",
        b"\n",
        b"_",
    ];
    prop::collection::vec(prop::sample::select(atoms), 1..10).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn set_equals_naive(patterns in prop::collection::vec(pattern(), 0..6), p in path()) {
        let Ok(pm) = PatternMatcher::new(&patterns) else { return Ok(()) };
        // Walk the ancestors like the walker, comparing at every level.
        let parts: Vec<&[u8]> = p.split(|&c| c == b'/').collect();
        let mut fast_info = MatchInfo::default();
        let mut naive_info = MatchInfo::default();
        for i in 0..parts.len() {
            let prefix = parts[..=i].join(&b'/');
            let fast = pm.matches_using_parent_results(&prefix, &fast_info);
            let naive = pm.matches_using_parent_results_naive(&prefix, &naive_info);
            match (fast, naive) {
                (Ok((a, ai)), Ok((b, bi))) => {
                    prop_assert_eq!(a, b);
                    prop_assert_eq!(&ai, &bi);
                    fast_info = ai;
                    naive_info = bi;
                }
                (Err(a), Err(b)) => { prop_assert_eq!(a, b); break; }
                (a, b) => prop_assert!(false, "fast {:?} naive {:?}", a, b),
            }
        }
        let _ = pm.matches_or_parent_matches(&p);
        let _ = pm.matches(&p);
        let _ = pm.explain(&p, false);
        let _ = pm.may_skip_excluded_dir(&p);
    }

    #[test]
    fn never_panics(data in prop::collection::vec(any::<u8>(), 0..200), p in prop::collection::vec(any::<u8>(), 0..40)) {
        if let Ok(file) = IgnoreFile::parse(&data)
            && let Ok(pm) = PatternMatcher::from_ignore_file(&file)
        {
            let _ = pm.matches_or_parent_matches(&p);
            let _ = pm.matches_using_parent_results(&p, &MatchInfo::default());
            let _ = pm.explain(&p, true);
        }
    }
}
