use pristine_dockerfile::Command;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks `ENV` values of CPython's switch variables that do not do what they seem to, and
    /// misspelt `PYTHON…` names:
    /// - `PYTHONUNBUFFERED`, `PYTHONDONTWRITEBYTECODE`, `PYTHONNOUSERSITE`, `PYTHONOPTIMIZE`
    ///   set to `false`/`off`/`no`: CPython parses these as integers, and any text that is not
    ///   an integer counts as **1** — the switch is turned *on*;
    /// - the same set to `0` or to an empty value: no effect (the switch stays off);
    /// - `PYTHONFAULTHANDLER` set to `0`/`false`/`off`: any non-empty value *enables* it;
    /// - a name one or two letters away from a known variable (`PYTHINUNBUFFERED`).
    ///
    /// ## Why is this bad?
    /// The image does the opposite of what the Dockerfile says, silently. The CPython docs say
    /// "non-empty string" for `PYTHONUNBUFFERED`, but the implementation parses an integer
    /// (cpython#128392), so `PYTHONUNBUFFERED=0` leaves output buffered.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV PYTHONUNBUFFERED=0 PYTHONFAULTHANDLER=off PYTHINDONTWRITEBYTECODE=1
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
    /// ```
    ///
    /// ## References
    /// - [Python command line and environment](https://docs.python.org/3/using/cmdline.html#environment-variables)
    /// - CPython `Python/initconfig.c` (`config_read_env_vars`, `_Py_get_env_flag`)
    /// - [cpython#128392](https://github.com/python/cpython/issues/128392)
    /// - python-rules.md R44 `python-runtime-env`
    pub(crate) struct PythonEnvFlagMisuse {
        code: "PY062",
        name: "python-env-flag-misuse",
        family: Python,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "CPython environment switch with a misleading value or a misspelt name",
    }
}

/// Variables read with `_Py_get_env_flag`: an integer, non-integer text counts as 1.
const INTEGER_FLAGS: &[&str] = &[
    "PYTHONUNBUFFERED",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONNOUSERSITE",
    "PYTHONOPTIMIZE",
    "PYTHONVERBOSE",
    "PYTHONINSPECT",
    "PYTHONDEBUG",
    "PYTHONSAFEPATH",
];

const KNOWN: &[&str] = &[
    "PYTHONUNBUFFERED",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONNOUSERSITE",
    "PYTHONOPTIMIZE",
    "PYTHONFAULTHANDLER",
    "PYTHONHASHSEED",
    "PYTHONIOENCODING",
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONUSERBASE",
    "PYTHONWARNINGS",
    "PYTHONUTF8",
    "PYTHONSTARTUP",
    "PYTHONPYCACHEPREFIX",
    "PYTHONTRACEMALLOC",
    "PYTHONSAFEPATH",
];

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            let insert = current[j] + 1;
            let delete = previous[j + 1] + 1;
            current.push(substitute.min(insert).min(delete));
        }
        previous = current;
    }
    previous[b.len()]
}

fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(value)
}

fn problem(name: &str, value: &str) -> Option<String> {
    let value = unquote(value.trim());
    if value.contains('$') {
        return None;
    }
    if INTEGER_FLAGS.contains(&name) {
        let lower = value.to_ascii_lowercase();
        if value.is_empty() {
            return Some(format!("`{name}` is empty, which leaves the switch off"));
        }
        if value.trim().parse::<i64>().is_ok_and(|n| n == 0) {
            return Some(format!(
                "`{name}={value}` leaves the switch off; set it to `1` to enable it, or remove it"
            ));
        }
        if value.trim().parse::<i64>().is_err()
            && matches!(
                lower.as_str(),
                "false" | "off" | "no" | "n" | "disable" | "disabled"
            )
        {
            return Some(format!(
                "`{name}={value}` turns the switch *on*: CPython reads any non-integer text as 1"
            ));
        }
        return None;
    }
    if name == "PYTHONFAULTHANDLER" {
        let lower = value.to_ascii_lowercase();
        if matches!(lower.as_str(), "0" | "false" | "off" | "no") {
            return Some(format!(
                "`PYTHONFAULTHANDLER={value}` enables the fault handler: any non-empty value does"
            ));
        }
        return None;
    }
    if KNOWN.contains(&name) || !name.starts_with("PY") || name.len() < 8 {
        return None;
    }
    let closest = KNOWN.iter().map(|k| (edit_distance(name, k), *k)).min()?;
    (closest.0 <= 2 && closest.0 > 0).then(|| {
        format!(
            "`{name}` is not a Python variable; did you mean `{}`?",
            closest.1
        )
    })
}

/// PY062
pub(crate) fn python_env_flag_misuse(checker: &mut Checker) {
    let mut found = Vec::new();
    for inst in &checker.dockerfile.instructions {
        let Some(Command::Env(pairs)) = &inst.command else {
            continue;
        };
        for kv in pairs {
            if let Some(message) = problem(&kv.key.value, &kv.value.value) {
                let range = kv.key.range.cover(kv.value.range);
                found.push((range, message));
            }
        }
    }
    for (range, message) in found {
        let diagnostic = checker.diagnostic(Rule::PythonEnvFlagMisuse, message, range);
        checker.report(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert!(problem("PYTHONUNBUFFERED", "1").is_none());
        assert!(problem("PYTHONUNBUFFERED", "true").is_none());
        assert!(problem("PYTHONUNBUFFERED", "0").is_some());
        assert!(problem("PYTHONUNBUFFERED", "off").is_some());
        assert!(problem("PYTHONFAULTHANDLER", "0").is_some());
        assert!(problem("PYTHINUNBUFFERED", "1").is_some());
        assert!(problem("PYTHONPATH", "/app").is_none());
        assert!(problem("PYTHON_VERSION", "3.12").is_none());
        assert!(problem("PYTHONUNBUFFERED", "$X").is_none());
    }
}
