//! Python version constraints: which `3.X` a PEP 440 / Poetry specifier allows.

/// The CPython minors a generated image may use, newest first.
const MINORS: [u32; 7] = [14, 13, 12, 11, 10, 9, 8];
/// Preferred when allowed: the newest minor every mainstream wheel has been built for long
/// enough (Docker's `docker init` template also defaults to 3.12).
const PREFERRED: u32 = 12;

/// `3.11.4`, `python-3.11.4`, `3.11` → `3.11`.
pub(crate) fn minor_of(text: &str) -> Option<String> {
    let text = text.trim();
    let text = text
        .strip_prefix("python-")
        .or_else(|| text.strip_prefix("python"))
        .or_else(|| text.strip_prefix("cpython-"))
        .unwrap_or(text);
    let mut parts = text.split('.');
    let major: u32 = parts.next()?.trim().parse().ok()?;
    let minor: u32 = parts
        .next()?
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .ok()?;
    (major == 3).then(|| format!("3.{minor}"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Version(u32, u32, u32);

fn parse_version(text: &str) -> Option<(Version, usize)> {
    let parts: Vec<&str> = text.trim().trim_end_matches(".*").split('.').collect();
    let num = |i: usize| parts.get(i).and_then(|p| p.parse::<u32>().ok());
    let major = num(0)?;
    Some((
        Version(major, num(1).unwrap_or(0), num(2).unwrap_or(0)),
        parts.len(),
    ))
}

fn bump(v: Version, len: usize) -> Version {
    match len {
        0 | 1 => Version(v.0 + 1, 0, 0),
        2 => Version(v.0, v.1 + 1, 0),
        _ => Version(v.0, v.1, v.2 + 1),
    }
}

/// Whether `v` satisfies one clause (`>=3.10`, `<4`, `^3.11`, `~=3.11`, `==3.11.*`, `3.11`).
fn satisfies(clause: &str, v: Version) -> Option<bool> {
    let clause = clause.trim();
    if clause.is_empty() || clause == "*" {
        return Some(true);
    }
    let ops = ["~=", "==", "!=", ">=", "<=", ">", "<", "^", "~", "="];
    let (op, rest) = ops
        .iter()
        .find_map(|op| clause.strip_prefix(op).map(|rest| (*op, rest)))
        .unwrap_or(("==", clause));
    let wildcard = rest.trim().ends_with(".*");
    let (bound, len) = parse_version(rest)?;
    Some(match op {
        ">=" => v >= bound,
        ">" => v > bound,
        "<=" => v <= bound,
        "<" => v < bound,
        "!=" => {
            if wildcard {
                !(v >= bound && v < bump(bound, len))
            } else {
                v != bound
            }
        }
        "==" | "=" => {
            if wildcard || len < 3 {
                v >= bound && v < bump(bound, len)
            } else {
                v == bound
            }
        }
        // PEP 440 compatible release: ~=3.11 → >=3.11,<4; ~=3.11.2 → >=3.11.2,<3.12.
        "~=" => v >= bound && v < bump(bound, len.saturating_sub(1)),
        // Poetry: ^3.11 → >=3.11,<4.0; ~3.11 → >=3.11,<3.12.
        "^" => v >= bound && v < Version(bound.0 + 1, 0, 0),
        "~" => v >= bound && v < bump(bound, len.min(2)),
        _ => return None,
    })
}

/// Whether some patch release of `3.minor` satisfies every clause of `spec`.
fn allows(spec: &str, minor: u32) -> Option<bool> {
    // Poetry's `||` alternatives.
    let alternatives: Vec<&str> = spec.split("||").collect();
    let mut any = false;
    for alternative in alternatives {
        let clauses: Vec<&str> = alternative
            .split([',', ' '])
            .filter(|c| !c.trim().is_empty())
            .collect();
        // `>= 3.10` written with a space: glue operators to their versions.
        let mut glued: Vec<String> = Vec::new();
        for clause in clauses {
            if clause.chars().all(|c| "<>=!~^".contains(c)) {
                glued.push(clause.to_owned());
            } else if let Some(last) = glued
                .last_mut()
                .filter(|l| l.chars().all(|c| "<>=!~^".contains(c)))
            {
                last.push_str(clause);
            } else {
                glued.push(clause.to_owned());
            }
        }
        for patch in 0..=40 {
            let v = Version(3, minor, patch);
            let mut all = true;
            for clause in &glued {
                if !satisfies(clause, v)? {
                    all = false;
                    break;
                }
            }
            if all {
                any = true;
                break;
            }
        }
    }
    Some(any)
}

/// The minor to use for a constraint: 3.12 when it is allowed, else the newest allowed one.
pub(crate) fn pick(spec: &str) -> Option<String> {
    if allows(spec, PREFERRED)? {
        return Some(format!("3.{PREFERRED}"));
    }
    MINORS
        .iter()
        .find(|m| allows(spec, **m) == Some(true))
        .map(|m| format!("3.{m}"))
}

/// Whether `3.X` satisfies `spec` (None: the constraint could not be read).
pub(crate) fn minor_allowed(spec: &str, minor: &str) -> Option<bool> {
    let m: u32 = minor.strip_prefix("3.")?.parse().ok()?;
    allows(spec, m)
}

pub(crate) fn default_minor() -> String {
    format!("3.{PREFERRED}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks() {
        assert_eq!(pick(">=3.11").as_deref(), Some("3.12"));
        assert_eq!(pick(">=3.10,<3.12").as_deref(), Some("3.11"));
        assert_eq!(pick("^3.11").as_deref(), Some("3.12"));
        assert_eq!(pick("~3.11").as_deref(), Some("3.11"));
        assert_eq!(pick("~=3.11.2").as_deref(), Some("3.11"));
        assert_eq!(pick("==3.10.*").as_deref(), Some("3.10"));
        assert_eq!(pick(">=3.13").as_deref(), Some("3.14"));
        assert_eq!(pick(">= 3.9, < 3.11").as_deref(), Some("3.10"));
        assert_eq!(pick(">=3.8,<3.9 || >=3.11,<3.12").as_deref(), Some("3.11"));
        assert_eq!(pick("<3"), None);
        assert_eq!(minor_of("python-3.11.4").as_deref(), Some("3.11"));
        assert_eq!(minor_of("3.12\n").as_deref(), Some("3.12"));
        assert_eq!(minor_of("pypy3.10"), None);
        assert_eq!(minor_allowed(">=3.12", "3.11"), Some(false));
    }
}
