//! Helpers shared by the general Dockerfile rules (DF003–DF099): BuildKit's built-in platform
//! arguments and global-`ARG` environment, `distribution/reference` and `containerd/platforms`
//! parsing, "did you mean" suggestions, and the base-stage chain of a stage.

use std::rc::Rc;

use pristine_diagnostics::TextRange;
use pristine_dockerfile::lex::{EnvList, Lex};
use pristine_dockerfile::{Base, Command, Stages};

use crate::checkers::dockerfile::Checker;

/// The source text of `range` (empty when out of bounds).
pub(crate) fn text<'a>(checker: &Checker<'a>, range: TextRange) -> &'a str {
    checker
        .source
        .get(usize::from(range.start())..usize::from(range.end()))
        .unwrap_or_default()
}

/// The lexer BuildKit expands words with (`shell.NewLex(escapeToken)`).
pub(crate) fn lexer(checker: &Checker) -> Lex {
    Lex::new(checker.dockerfile.escape)
}

/// `(os, arch, variant)` of a platform string such as `linux/arm64/v8`, defaults `linux/amd64`.
fn split_platform(platform: &str) -> (String, String, String) {
    let mut parts = platform.split('/');
    let os = parts.next().unwrap_or("linux").to_owned();
    let arch = parts.next().unwrap_or("amd64").to_owned();
    let variant = parts.next().unwrap_or_default().to_owned();
    (os, arch, variant)
}

/// BuildKit's `defaultArgs` (dockerfile2llb/platform.go): the automatic platform arguments
/// every `FROM` may use, for the build and target platform `checker.settings.default_platform`.
pub(crate) fn builtin_args(checker: &Checker) -> Vec<(&'static str, String)> {
    let platform = checker.settings.default_platform.as_str();
    let (os, arch, variant) = split_platform(platform);
    let target_stage = checker
        .stages
        .final_stage()
        .and_then(|s| s.name.clone())
        .unwrap_or_default();
    vec![
        ("BUILDPLATFORM", platform.to_owned()),
        ("BUILDOS", os.clone()),
        ("BUILDOSVERSION", String::new()),
        ("BUILDARCH", arch.clone()),
        ("BUILDVARIANT", variant.clone()),
        ("TARGETPLATFORM", platform.to_owned()),
        ("TARGETOS", os),
        ("TARGETOSVERSION", String::new()),
        ("TARGETARCH", arch),
        ("TARGETVARIANT", variant),
        ("TARGETSTAGE", target_stage),
    ]
}

/// The environment `FROM` lines are expanded with (`buildMetaArgs` over the built-ins, build
/// arguments not given so defaults are used), and the names of all global `ARG`s, declared with
/// or without a default.
pub(crate) struct GlobalArgs {
    pub(crate) env: EnvList,
    pub(crate) declared: Vec<String>,
}

/// Computed once per Dockerfile (several rules expand `FROM` lines with it); later calls are a
/// reference-count increment.
pub(crate) fn global_args(checker: &Checker) -> Rc<GlobalArgs> {
    checker
        .global_args
        .get_or_init(|| Rc::new(compute_global_args(checker)))
        .clone()
}

fn compute_global_args(checker: &Checker) -> GlobalArgs {
    let lex = lexer(checker);
    let mut values: EnvList = builtin_args(checker).into_iter().collect();
    let mut declared = Vec::new();
    for inst in &checker.dockerfile.instructions {
        match &inst.command {
            Some(Command::From(_)) => break,
            Some(Command::Arg(defs)) => {
                for def in defs {
                    declared.push(def.name.value.clone());
                    if let Some(default) = &def.default {
                        let value = lex
                            .process_word(&default.value, &values)
                            .map_or_else(|_| default.value.clone(), |r| r.result);
                        values.set(&def.name.value, value);
                    }
                }
            }
            _ => {}
        }
    }
    GlobalArgs {
        env: values,
        declared,
    }
}

/// The keys of `args`' environment plus every declared global `ARG` (BuildKit's
/// `unusedFromArgsCheckKeys`).
pub(crate) fn global_arg_keys(checker: &Checker, args: &GlobalArgs) -> Vec<String> {
    let mut keys: Vec<String> = builtin_args(checker)
        .into_iter()
        .map(|(k, _)| k.to_owned())
        .collect();
    for name in &args.declared {
        if !keys.contains(name) {
            keys.push(name.clone());
        }
    }
    keys
}

/// The stage indices a stage is built on, root first, ending with `stage` itself.
pub(crate) fn stage_chain(stages: &Stages, stage: usize) -> Vec<usize> {
    let mut chain = vec![stage];
    let mut current = stage;
    while let Some(Base::Stage(base)) = stages.stages.get(current).map(|s| &s.base) {
        // Bases always point backwards; guard against a malformed model anyway.
        if *base >= current || chain.contains(base) {
            break;
        }
        chain.push(*base);
        current = *base;
    }
    chain.reverse();
    chain
}

/// One step of [`walk_stage`]: an instruction with the variables in scope before it.
pub(crate) struct Step<'a> {
    /// Index into `Dockerfile::instructions`.
    pub(crate) index: usize,
    pub(crate) command: &'a Command,
    /// Variable values (`ARG` with a value, `ENV`, and `PATH`, which BuildKit always sets).
    pub(crate) env: &'a EnvList,
    /// Names of the `ARG`s declared so far, with or without a value (`buildArgs`).
    pub(crate) declared_args: &'a [String],
    /// The instruction belongs to the stage walked (not to one of its base stages).
    pub(crate) own: bool,
}

/// Walks the instructions of `stage` and of the stages it is built on, root first, keeping the
/// variables in scope as `dockerfile2llb` does without the base image's own `ENV` (unknown
/// here): `ARG` values are expanded in order and inherited by child stages, an `ARG` without a
/// default takes the global value, an `ENV` expands all its pairs against the variables before
/// the instruction.
pub(crate) fn walk_stage(
    checker: &Checker,
    globals: &GlobalArgs,
    stage: usize,
    mut visit: impl FnMut(&Step<'_>),
) {
    let lex = lexer(checker);
    // Kept as an `EnvList` and lent to each step (no copy of the environment per instruction).
    let mut values = EnvList::new();
    values.push(
        "PATH",
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    );
    let mut declared_args: Vec<String> = Vec::new();
    for stage_index in stage_chain(&checker.stages, stage) {
        let Some(st) = checker.stages.stages.get(stage_index) else {
            continue;
        };
        let own = stage_index == stage;
        for &index in &st.instructions {
            let Some(command) = checker
                .dockerfile
                .instructions
                .get(index)
                .and_then(|i| i.command.as_ref())
            else {
                continue;
            };
            visit(&Step {
                index,
                command,
                env: &values,
                declared_args: &declared_args,
                own,
            });
            match command {
                Command::Arg(defs) => {
                    for def in defs {
                        let name = def.name.value.clone();
                        let value = match &def.default {
                            Some(default) => Some(
                                lex.process_word(&default.value, &values)
                                    .map_or_else(|_| default.value.clone(), |r| r.result),
                            ),
                            None => pristine_dockerfile::lex::EnvGetter::get(&globals.env, &name)
                                .map(str::to_owned),
                        };
                        if let Some(value) = value {
                            values.set(&name, value);
                        }
                        declared_args.push(name);
                    }
                }
                Command::Env(pairs) => {
                    let mut new = Vec::new();
                    for kv in pairs {
                        let key = lex
                            .process_word(&kv.key.value, &values)
                            .map_or_else(|_| kv.key.value.clone(), |r| r.result);
                        let value = lex
                            .process_word(&kv.value.value, &values)
                            .map_or_else(|_| kv.value.value.clone(), |r| r.result);
                        new.push((key, value));
                    }
                    for (key, value) in new {
                        values.set(&key, value);
                    }
                }
                _ => {}
            }
        }
    }
}

/// An `EXPOSE` port split as `convert_expose.go` does (`splitParts`, `splitProtoPort`):
/// `[ip:][hostPort:]containerPort[/proto]`.
pub(crate) struct PortSpec<'a> {
    pub(crate) ip: &'a str,
    pub(crate) host_port: &'a str,
    pub(crate) container_port: &'a str,
    /// The protocol as written (empty when absent).
    pub(crate) proto: &'a str,
}

pub(crate) fn split_port(raw: &str) -> PortSpec<'_> {
    let parts: Vec<&str> = raw.split(':').collect();
    let (ip, host_port, container) = match parts.as_slice() {
        [] => ("", "", raw),
        [one] => ("", "", *one),
        [host, container] => ("", *host, *container),
        [ip, host, container] => (*ip, *host, *container),
        [.., host, container] => {
            let ip_len = raw.len() - host.len() - container.len() - 2;
            (raw.get(..ip_len).unwrap_or_default(), *host, *container)
        }
    };
    let (container_port, proto) = container.split_once('/').unwrap_or((container, ""));
    PortSpec {
        ip,
        host_port,
        container_port,
        proto,
    }
}

/// `parsePortRange`: `Err` with BuildKit's reason when `ports` is not a port or port range.
pub(crate) fn parse_port_range(ports: &str) -> Result<(u32, u32), String> {
    let number = |s: &str| -> Result<u32, String> {
        if s.is_empty() {
            return Err("value is empty".to_owned());
        }
        let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
        if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return Err("invalid syntax".to_owned());
        }
        match s.parse::<i64>() {
            Ok(n) if (0..=65535).contains(&n) => u32::try_from(n).map_err(|e| e.to_string()),
            _ => Err("value out of range (0–65535)".to_owned()),
        }
    };
    if ports.is_empty() {
        return Err("empty string specified for ports".to_owned());
    }
    let (start, end) = ports
        .split_once('-')
        .map_or((ports, None), |(s, e)| (s, Some(e)));
    let start_port = number(start).map_err(|e| format!("invalid start port '{start}': {e}"))?;
    let Some(end) = end.filter(|e| *e != start) else {
        return Ok((start_port, start_port));
    };
    let end_port = number(end).map_err(|e| format!("invalid end port '{end}': {e}"))?;
    if end_port < start_port {
        return Err(format!("invalid port range: {ports}"));
    }
    Ok((start_port, end_port))
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// BuildKit's `suggest.Search`: the closest option within edit distance 2, none on an exact
/// match.
pub(crate) fn suggest<'a>(
    value: &str,
    options: impl IntoIterator<Item = &'a str>,
    case_sensitive: bool,
) -> Option<String> {
    let norm = |s: &str| {
        if case_sensitive {
            s.to_owned()
        } else {
            s.to_lowercase()
        }
    };
    let value_n = norm(value);
    let mut best: Option<String> = None;
    let mut min_dist = 3;
    for option in options {
        let option_n = norm(option);
        if option_n == value_n {
            return None;
        }
        let dist = levenshtein(&value_n, &option_n);
        if dist < min_dist {
            min_dist = dist;
            best = Some(option.to_owned());
        }
    }
    best
}

/// An image reference as `distribution/reference.ParseNormalizedNamed` accepts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageRef {
    pub(crate) domain: Option<String>,
    /// The repository path without the domain (`library/python` is not added).
    pub(crate) path: String,
    pub(crate) tag: Option<String>,
    pub(crate) digest: Option<String>,
}

fn is_path_component(s: &str) -> bool {
    // [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*
    let b = s.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if b.first().is_none_or(|c| !alnum(*c)) || b.last().is_none_or(|c| !alnum(*c)) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        let c = b.get(i).copied().unwrap_or(0);
        if alnum(c) {
            i += 1;
            continue;
        }
        let sep_len = match c {
            b'_' if b.get(i + 1) == Some(&b'_') => 2,
            b'.' | b'_' => 1,
            b'-' => b.iter().skip(i).take_while(|c| **c == b'-').count(),
            _ => return false,
        };
        i += sep_len;
        if !b.get(i).is_some_and(|c| alnum(*c)) {
            return false;
        }
    }
    true
}

fn is_domain(s: &str) -> bool {
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || s.starts_with('[') => (h, Some(p)),
        _ => (s, None),
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit())) {
        return false;
    }
    if let Some(inner) = host.strip_prefix('[') {
        return inner.strip_suffix(']').is_some_and(|v6| {
            !v6.is_empty() && v6.bytes().all(|c| c.is_ascii_hexdigit() || c == b':')
        });
    }
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-')
        })
}

fn is_tag(s: &str) -> bool {
    // [\w][\w.-]{0,127}
    let b = s.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    !b.is_empty()
        && b.len() <= 128
        && b.first().is_some_and(|c| word(*c))
        && b.iter().all(|c| word(*c) || *c == b'.' || *c == b'-')
}

fn is_digest(s: &str) -> bool {
    // [A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}
    let Some((algo, hex)) = s.split_once(':') else {
        return false;
    };
    hex.len() >= 32
        && hex.bytes().all(|c| c.is_ascii_hexdigit())
        && algo.split(['-', '_', '+', '.']).all(|part| {
            part.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
                && part.bytes().all(|c| c.is_ascii_alphanumeric())
        })
}

/// Parses `s` like `reference.ParseNormalizedNamed`; `None` when BuildKit would refuse it.
pub(crate) fn parse_image_ref(s: &str) -> Option<ImageRef> {
    if s.is_empty() {
        return None;
    }
    // A bare 64-hex identifier is refused ("cannot specify 64-byte hexadecimal strings").
    if s.len() == 64 && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => {
            if !is_digest(d) {
                return None;
            }
            (r, Some(d.to_owned()))
        }
        None => (s, None),
    };
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest.get(last_slash..).and_then(|tail| tail.rfind(':')) {
        Some(colon) => {
            let at = last_slash + colon;
            let tag = rest.get(at + 1..).unwrap_or_default();
            if !is_tag(tag) {
                return None;
            }
            (rest.get(..at).unwrap_or_default(), Some(tag.to_owned()))
        }
        None => (rest, None),
    };
    if name.is_empty() || name.len() > 255 {
        return None;
    }
    // splitDockerDomain.
    let (domain, path) = match name.split_once('/') {
        Some((first, remainder))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.to_lowercase() != first =>
        {
            (Some(first.to_owned()), remainder)
        }
        _ => (None, name),
    };
    if domain.as_deref().is_some_and(|d| !is_domain(d)) {
        return None;
    }
    if !path.split('/').all(is_path_component) {
        return None;
    }
    Some(ImageRef {
        domain,
        path: path.to_owned(),
        tag,
        digest,
    })
}

/// `containerd/platforms.Parse`, reduced to what the rules need: the normalized OS and
/// architecture, or `None` when BuildKit would refuse the specifier.
pub(crate) fn parse_platform(s: &str, host_arch: &str) -> Option<(String, String)> {
    const KNOWN_OS: [&str; 14] = [
        "aix",
        "android",
        "darwin",
        "dragonfly",
        "freebsd",
        "hurd",
        "illumos",
        "ios",
        "js",
        "linux",
        "nacl",
        "netbsd",
        "openbsd",
        "windows",
    ];
    const KNOWN_ARCH: [&str; 16] = [
        "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "ppc64", "ppc64le",
        "loong64", "mips", "mipsle", "mips64", "mips64le", "riscv64", "s390x",
    ];
    if s.contains('*') {
        return None;
    }
    let parts: Vec<&str> = s.split('/').collect();
    if parts.iter().any(|p| {
        p.is_empty()
            || !p
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
    }) {
        return None;
    }
    let normalize_os = |os: &str| {
        let os = os.to_lowercase();
        if os == "macos" {
            "darwin".to_owned()
        } else {
            os
        }
    };
    let normalize_arch = |arch: &str| {
        let arch = arch.to_lowercase();
        match arch.as_str() {
            "i386" => "386".to_owned(),
            "x86_64" | "x86-64" | "amd64" => "amd64".to_owned(),
            "aarch64" | "arm64" => "arm64".to_owned(),
            "armhf" | "armel" | "arm" => "arm".to_owned(),
            _ => arch,
        }
    };
    match parts.as_slice() {
        [one] => {
            let os = normalize_os(one);
            if KNOWN_OS.contains(&os.as_str()) {
                return Some((os, host_arch.to_owned()));
            }
            let arch = normalize_arch(one);
            KNOWN_ARCH
                .contains(&arch.as_str())
                .then(|| ("linux".to_owned(), arch))
        }
        [os, arch] | [os, arch, _] => Some((normalize_os(os), normalize_arch(arch))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_refs() {
        let r = parse_image_ref("python:3.12-slim").unwrap();
        assert_eq!(r.tag.as_deref(), Some("3.12-slim"));
        assert!(r.domain.is_none());
        let r = parse_image_ref("localhost:5000/a/b").unwrap();
        assert_eq!(r.domain.as_deref(), Some("localhost:5000"));
        assert!(r.tag.is_none());
        assert!(
            parse_image_ref("ghcr.io/astral-sh/uv:0.5@sha256:0123456789abcdef0123456789abcdef")
                .is_some()
        );
        assert!(parse_image_ref("").is_none());
        assert!(parse_image_ref("python:").is_none());
        assert!(parse_image_ref("Python:3").is_none());
        assert!(parse_image_ref("python:-3").is_none());
        assert!(parse_image_ref("a//b").is_none());
    }

    #[test]
    fn platforms() {
        assert_eq!(
            parse_platform("linux/arm64/v8", "amd64"),
            Some(("linux".into(), "arm64".into()))
        );
        assert_eq!(
            parse_platform("linux", "amd64"),
            Some(("linux".into(), "amd64".into()))
        );
        assert_eq!(
            parse_platform("aarch64", "amd64"),
            Some(("linux".into(), "arm64".into()))
        );
        assert_eq!(parse_platform("foo", "amd64"), None);
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("VERSON", ["VERSION", "X"], true).as_deref(),
            Some("VERSION")
        );
        assert_eq!(suggest("VERSION", ["VERSION"], true), None);
        assert_eq!(suggest("ABC", ["XYZ"], true), None);
    }
}
