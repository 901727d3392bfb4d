//! The instruction layer: typed commands from syntax nodes, a port of
//! `frontend/dockerfile/instructions/parse.go` (moby/buildkit, reference snapshot
//! 73ed6825c4b7), with flag parsing by [`crate::flags`] (`bflag.go`) and durations by
//! [`crate::duration`].
//!
//! Each `parse_*` function checks in the same order as its Go counterpart, so the first error is
//! the one BuildKit reports. Values are kept raw (quotes and variables unprocessed) with their
//! source ranges; [`crate::stages`] expands them.

use text_size::TextRange;

use crate::ast::{Keyword, Node, Spanned};
use crate::duration::{GoDuration, parse_healthcheck_interval, parse_healthcheck_retries};
use crate::error::SyntaxError;
use crate::flags::{FlagId, FlagSet, ParsedFlags};
use crate::go;
use crate::heredoc::{chomp_heredoc_content, parse_heredoc};
use crate::mount::{Mount, MountError, check_mount_syntax, parse_mount_literal};

/// A typed instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    From(FromCommand),
    Run(RunCommand),
    Cmd(CommandLine),
    Entrypoint(CommandLine),
    Shell(Vec<Spanned>),
    Copy(CopyCommand),
    Add(AddCommand),
    Env(Vec<KeyValue>),
    Label(Vec<KeyValue>),
    Arg(Vec<ArgDefinition>),
    User(Spanned),
    Workdir(Spanned),
    /// Ports, sorted as BuildKit sorts them.
    Expose(Vec<Spanned>),
    /// Paths, trimmed.
    Volume(Vec<Spanned>),
    StopSignal(Spanned),
    Maintainer(Spanned),
    Healthcheck(Healthcheck),
    Onbuild(OnbuildCommand),
}

/// `FROM [--platform=…] image [AS name]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromCommand {
    /// The image reference, unexpanded.
    pub image: Spanned,
    /// The stage name, lower-cased (range of the name as written).
    pub name: Option<Spanned>,
    /// `--platform`, unexpanded.
    pub platform: Option<Spanned>,
}

/// The command of `RUN`, `CMD` or `ENTRYPOINT` (`ShellDependantCmdLine`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    /// Exec form: the JSON elements. Shell form: one element, the whole text.
    pub args: Vec<Spanned>,
    /// JSON (exec) form; the shell form is run through `SHELL` (`PrependShell`).
    pub json: bool,
    /// Heredoc bodies (`ShellInlineFile`), in order.
    pub files: Vec<InlineFile>,
}

/// A heredoc attached to a `RUN` (`ShellInlineFile`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineFile {
    pub name: String,
    /// The body as written (not chomped).
    pub data: String,
    pub chomp: bool,
}

/// `RUN`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunCommand {
    pub command: CommandLine,
    /// The `--mount` flags, in order.
    pub mounts: Vec<RunMount>,
    /// `--network` (`default` when absent).
    pub network: Option<Spanned>,
    /// `--security` (`sandbox` when absent).
    pub security: Option<Spanned>,
    /// Raw `--device` values.
    pub devices: Vec<Spanned>,
    /// Names of the flags that were given (`FlagsUsed`).
    pub flags_used: Vec<String>,
}

/// One `RUN --mount=…` flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunMount {
    /// The value as written (CSV, variables unexpanded), with the range of the whole flag.
    pub raw: Spanned,
    /// The value parsed without variable substitution ([`parse_mount_literal`]). An `Err` is not
    /// a parse error: BuildKit parses the value fully only when it converts a stage to LLB
    /// (`RunCommand.Expand`), after expanding variables, which may make it valid (`type=$T`).
    pub mount: Result<Mount, MountError>,
}

/// A source of `COPY`/`ADD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A path, URL or pattern, unexpanded.
    Path(Spanned),
    /// An inline file from a heredoc (`SourceContent`).
    Heredoc {
        /// The file name (`Path`).
        name: String,
        /// The content, chomped if the heredoc was `<<-`.
        data: String,
        /// Whether `$VARS` in the content are expanded.
        expand: bool,
        /// The `<<NAME` word.
        range: TextRange,
    },
}

/// `COPY`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyCommand {
    pub sources: Vec<Source>,
    pub dest: Spanned,
    pub from: Option<Spanned>,
    pub chown: Option<Spanned>,
    pub chmod: Option<Spanned>,
    pub link: bool,
    pub parents: bool,
    pub excludes: Vec<Spanned>,
}

/// `ADD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddCommand {
    pub sources: Vec<Source>,
    pub dest: Spanned,
    pub chown: Option<Spanned>,
    pub chmod: Option<Spanned>,
    pub link: bool,
    pub keep_git_dir: bool,
    pub checksum: Option<Spanned>,
    /// `--unpack` when given.
    pub unpack: Option<bool>,
    pub excludes: Vec<Spanned>,
}

/// One `ENV`/`LABEL` pair, raw (quotes not removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    pub key: Spanned,
    pub value: Spanned,
    /// `false` for the legacy `ENV key value` form (`NoDelim`).
    pub equals: bool,
}

/// One `ARG` word: `name` or `name=default` (raw).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgDefinition {
    pub name: Spanned,
    pub default: Option<Spanned>,
}

/// `HEALTHCHECK`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Healthcheck {
    /// `HEALTHCHECK NONE`.
    None,
    /// `HEALTHCHECK [options] CMD …`.
    Cmd(HealthcheckCmd),
}

/// `HEALTHCHECK CMD` with its options (zero = not set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthcheckCmd {
    /// `CMD-SHELL` (shell form) or `CMD` (JSON form) followed by the command.
    pub test: Vec<String>,
    pub args: Vec<Spanned>,
    pub json: bool,
    pub interval: GoDuration,
    pub timeout: GoDuration,
    pub start_period: GoDuration,
    pub start_interval: GoDuration,
    pub retries: i64,
}

/// `ONBUILD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnbuildCommand {
    /// The trigger source: the original line without `ONBUILD`, plus heredoc bodies.
    pub expression: String,
    /// The trigger parsed as a command, when it parses.
    pub trigger: Option<Box<Command>>,
}

/// The names BuildKit suggests from (`command.Commands`).
const INSTRUCTION_NAMES: [&str; 18] = [
    "add",
    "arg",
    "cmd",
    "copy",
    "entrypoint",
    "env",
    "expose",
    "from",
    "healthcheck",
    "label",
    "maintainer",
    "onbuild",
    "run",
    "shell",
    "stopsignal",
    "user",
    "volume",
    "workdir",
];

struct Request<'a> {
    node: &'a Node,
    args: Vec<&'a Spanned>,
}

type Res<T> = Result<T, SyntaxError>;

impl Request<'_> {
    fn err(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError::instruction(self.node.range, message)
    }

    /// Parses the node's flags against `set`. `None` when the node has no flags: every flag
    /// then has its default, and parsing cannot fail (a fast path; most instructions have none).
    fn flags(&self, set: &FlagSet) -> Res<Option<ParsedFlags>> {
        if self.node.flags.is_empty() {
            return Ok(None);
        }
        let raw: Vec<&str> = self.node.flags.iter().map(|f| f.value.as_str()).collect();
        set.parse(&raw)
            .map_err(|e| {
                let range = e
                    .index
                    .and_then(|i| self.node.flags.get(i))
                    .map_or(self.node.range, |f| f.range);
                SyntaxError::instruction(range, e.to_string())
            })
            .map(Some)
    }

    /// The value of a string flag as a [`Spanned`] (range of the last flag that set it).
    fn flag_value(&self, parsed: Option<&ParsedFlags>, id: FlagId) -> Option<Spanned> {
        let parsed = parsed?;
        let &idx = parsed.sources(id).last()?;
        let range = self
            .node
            .flags
            .get(idx)
            .map_or(self.node.range, |f| f.range);
        Some(Spanned {
            value: parsed.value(id).to_owned(),
            range,
        })
    }

    fn flag_values(&self, parsed: Option<&ParsedFlags>, id: FlagId) -> Vec<Spanned> {
        let Some(parsed) = parsed else {
            return Vec::new();
        };
        parsed
            .values(id)
            .iter()
            .zip(parsed.sources(id))
            .map(|(v, &idx)| Spanned {
                value: v.clone(),
                range: self
                    .node
                    .flags
                    .get(idx)
                    .map_or(self.node.range, |f| f.range),
            })
            .collect()
    }

    fn exactly_one(&self, name: &str) -> Res<Spanned> {
        match self.args.as_slice() {
            [one] => Ok((*one).clone()),
            _ => Err(self.err(format!("{name} requires exactly one argument"))),
        }
    }

    fn at_least_one(&self, name: &str) -> Res<()> {
        if self.args.is_empty() {
            return Err(self.err(format!("{name} requires at least one argument")));
        }
        Ok(())
    }

    fn no_flags(&self) -> Res<()> {
        self.flags(&FlagSet::new()).map(|_| ())
    }

    /// `handleJSONArgs`: the exec-form elements, or the shell-form words joined by spaces.
    fn json_args(&self) -> Vec<Spanned> {
        json_args(&self.args, self.node.json)
    }
}

fn is_true(parsed: Option<&ParsedFlags>, id: FlagId) -> bool {
    parsed.is_some_and(|p| p.is_true(id))
}

fn json_args(args: &[&Spanned], json: bool) -> Vec<Spanned> {
    if args.is_empty() {
        return Vec::new();
    }
    if json {
        return args.iter().map(|a| (*a).clone()).collect();
    }
    let value = args
        .iter()
        .map(|a| a.value.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let start = args
        .first()
        .map_or_else(Default::default, |a| a.range.start());
    let end = args.last().map_or(start, |a| a.range.end());
    vec![Spanned {
        value,
        range: TextRange::new(start, end.max(start)),
    }]
}

/// `ParseInstruction`: the typed form of one node, or BuildKit's error.
pub fn parse_command(node: &Node) -> Result<Command, SyntaxError> {
    let req = Request {
        node,
        args: node.node_args(),
    };
    let Some(keyword) = node.kind() else {
        let mut message = format!("unknown instruction: {}", node.keyword.value);
        if let Some(s) = crate::flags::suggest(&node.keyword.value, INSTRUCTION_NAMES, false) {
            message = format!("{message} (did you mean {s}?)");
        }
        return Err(SyntaxError::instruction(node.keyword.range, message));
    };
    match keyword {
        Keyword::Env => parse_kvps(&req, "ENV").map(Command::Env),
        Keyword::Maintainer => {
            let m = req.exactly_one("MAINTAINER")?;
            req.no_flags()?;
            Ok(Command::Maintainer(m))
        }
        Keyword::Label => parse_kvps(&req, "LABEL").map(Command::Label),
        Keyword::Add => parse_add(&req),
        Keyword::Copy => parse_copy(&req),
        Keyword::From => parse_from(&req),
        Keyword::Onbuild => parse_onbuild(&req),
        Keyword::Workdir => {
            let w = req.exactly_one("WORKDIR")?;
            req.no_flags()?;
            Ok(Command::Workdir(w))
        }
        Keyword::Run => parse_run(&req),
        Keyword::Cmd => {
            req.no_flags()?;
            Ok(Command::Cmd(command_line(&req)))
        }
        Keyword::Entrypoint => {
            req.no_flags()?;
            Ok(Command::Entrypoint(command_line(&req)))
        }
        Keyword::Healthcheck => parse_healthcheck(&req),
        Keyword::Expose => {
            req.at_least_one("EXPOSE")?;
            req.no_flags()?;
            let mut ports: Vec<Spanned> = req.args.iter().map(|a| (*a).clone()).collect();
            ports.sort_by(|a, b| a.value.cmp(&b.value));
            Ok(Command::Expose(ports))
        }
        Keyword::User => {
            let u = req.exactly_one("USER")?;
            req.no_flags()?;
            Ok(Command::User(u))
        }
        Keyword::Volume => {
            req.at_least_one("VOLUME")?;
            req.no_flags()?;
            let mut volumes = Vec::new();
            for v in &req.args {
                let trimmed = go::trim_space(&v.value);
                if trimmed.is_empty() {
                    return Err(req.err("VOLUME specified can not be an empty string"));
                }
                volumes.push(Spanned {
                    value: trimmed.to_owned(),
                    range: v.range,
                });
            }
            Ok(Command::Volume(volumes))
        }
        // parseStopSignal does not parse flags at all.
        Keyword::StopSignal => req.exactly_one("STOPSIGNAL").map(Command::StopSignal),
        Keyword::Arg => parse_arg(&req),
        Keyword::Shell => parse_shell(&req),
    }
}

/// `parseKvps` over the parser's `key, value, sep` triples.
fn parse_kvps(req: &Request<'_>, name: &str) -> Res<Vec<KeyValue>> {
    req.no_flags()?;
    if req.args.is_empty() {
        return Err(req.err(format!("{name} requires at least one argument")));
    }
    if !req.args.len().is_multiple_of(3) {
        return Err(req.err(format!("Bad input to {name}, too many arguments")));
    }
    let mut out = Vec::new();
    for chunk in req.args.chunks(3) {
        let [key, value, sep] = chunk else { continue };
        if key.value.is_empty() {
            return Err(req.err(format!("{name} names can not be blank")));
        }
        out.push(KeyValue {
            key: (*key).clone(),
            value: (*value).clone(),
            equals: !sep.value.is_empty(),
        });
    }
    Ok(out)
}

/// `parseSourcesAndDest`.
fn sources_and_dest(req: &Request<'_>, name: &str) -> Res<(Vec<Source>, Spanned)> {
    let Some((dest, srcs)) = req.args.split_last() else {
        return Err(req.err(format!(
            "{name} requires at least two arguments, but only one was provided. Destination \
             could not be determined."
        )));
    };
    if matches!(parse_heredoc(&dest.value), Ok(Some(_))) {
        return Err(req.err(format!("{name} cannot accept a heredoc as a destination")));
    }
    let mut sources = Vec::new();
    for src in srcs {
        if let Ok(Some(marker)) = parse_heredoc(&src.value) {
            // heredocLookup[heredoc.Name]: the last heredoc with that name wins.
            let content = req
                .node
                .heredocs
                .iter()
                .rev()
                .find(|h| h.name == marker.name)
                .map(|h| h.content.clone())
                .unwrap_or_default();
            let data = if marker.chomp {
                chomp_heredoc_content(&content)
            } else {
                content
            };
            sources.push(Source::Heredoc {
                name: marker.name,
                data,
                expand: marker.expand,
                range: src.range,
            });
        } else {
            sources.push(Source::Path((*src).clone()));
        }
    }
    Ok((sources, (*dest).clone()))
}

fn parse_add(req: &Request<'_>) -> Res<Command> {
    if req.args.len() < 2 {
        return Err(req.err(
            "ADD requires at least two arguments, but only one was provided. Destination could \
             not be determined.",
        ));
    }
    let mut set = FlagSet::new();
    let excludes = set.add_strings("exclude");
    let chown = set.add_string("chown", "");
    let chmod = set.add_string("chmod", "");
    let link = set.add_bool("link", false);
    let keep_git_dir = set.add_bool("keep-git-dir", false);
    let checksum = set.add_string("checksum", "");
    let unpack = set.add_bool("unpack", false);
    let parsed = req.flags(&set)?;
    let (sources, dest) = sources_and_dest(req, "ADD")?;
    Ok(Command::Add(AddCommand {
        sources,
        dest,
        chown: req.flag_value(parsed.as_ref(), chown),
        chmod: req.flag_value(parsed.as_ref(), chmod),
        link: is_true(parsed.as_ref(), link),
        keep_git_dir: is_true(parsed.as_ref(), keep_git_dir),
        checksum: req.flag_value(parsed.as_ref(), checksum),
        unpack: parsed
            .as_ref()
            .filter(|p| p.is_used(unpack))
            .map(|p| p.is_true(unpack)),
        excludes: req.flag_values(parsed.as_ref(), excludes),
    }))
}

fn parse_copy(req: &Request<'_>) -> Res<Command> {
    if req.args.len() < 2 {
        return Err(req.err(
            "COPY requires at least two arguments, but only one was provided. Destination could \
             not be determined.",
        ));
    }
    let mut set = FlagSet::new();
    let excludes = set.add_strings("exclude");
    let parents = set.add_bool("parents", false);
    let chown = set.add_string("chown", "");
    let from = set.add_string("from", "");
    let chmod = set.add_string("chmod", "");
    let link = set.add_bool("link", false);
    let parsed = req.flags(&set)?;
    let (sources, dest) = sources_and_dest(req, "COPY")?;
    Ok(Command::Copy(CopyCommand {
        sources,
        dest,
        from: req.flag_value(parsed.as_ref(), from),
        chown: req.flag_value(parsed.as_ref(), chown),
        chmod: req.flag_value(parsed.as_ref(), chmod),
        link: is_true(parsed.as_ref(), link),
        parents: is_true(parsed.as_ref(), parents),
        excludes: req.flag_values(parsed.as_ref(), excludes),
    }))
}

/// `^[a-z][a-z0-9-_.]*$`.
fn valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

fn parse_from(req: &Request<'_>) -> Res<Command> {
    // parseBuildStageName comes before the flags.
    let name = match req.args.as_slice() {
        [_, as_kw, name] if go::equal_fold(&as_kw.value, "as") => {
            let lower = go::to_lower(&name.value);
            if !valid_stage_name(&lower) {
                return Err(req.err(format!(
                    "invalid name for build stage: {}, name can't start with a number or \
                     contain symbols",
                    crate::quote::go_quote(&name.value)
                )));
            }
            Some(Spanned {
                value: lower,
                range: name.range,
            })
        }
        [_] => None,
        _ => return Err(req.err("FROM requires either one or three arguments")),
    };
    let mut set = FlagSet::new();
    let platform = set.add_string("platform", "");
    let parsed = req.flags(&set)?;
    let image = req.args.first().map_or_else(
        || Spanned {
            value: String::new(),
            range: req.node.range,
        },
        |a| (*a).clone(),
    );
    Ok(Command::From(FromCommand {
        image,
        name,
        platform: req.flag_value(parsed.as_ref(), platform),
    }))
}

fn parse_onbuild(req: &Request<'_>) -> Res<Command> {
    req.at_least_one("ONBUILD")?;
    req.no_flags()?;
    let trigger_word = req.args.first().map_or("", |a| a.value.as_str());
    let trigger_upper = go::to_upper(go::trim_space(trigger_word));
    match trigger_upper.as_str() {
        "ONBUILD" => {
            return Err(req.err("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"));
        }
        "MAINTAINER" | "FROM" => {
            return Err(req.err(format!(
                "{trigger_upper} isn't allowed as an ONBUILD trigger"
            )));
        }
        _ => {}
    }
    // regexp `(?i)^\s*ONBUILD\s*` removed from the original line.
    let original = &req.node.original;
    let t = original.trim_start_matches(['\t', '\n', '\u{c}', '\r', ' ']);
    let mut expression = match t.get(..7) {
        Some(kw) if kw.eq_ignore_ascii_case("onbuild") => t
            .get(7..)
            .unwrap_or_default()
            .trim_start_matches(['\t', '\n', '\u{c}', '\r', ' '])
            .to_owned(),
        _ => original.clone(),
    };
    for h in &req.node.heredocs {
        expression.push('\n');
        expression.push_str(&h.content);
        expression.push_str(&h.name);
    }
    let trigger = req.node.trigger.as_deref().and_then(|t| {
        let mut t = t.clone();
        t.heredocs.clone_from(&req.node.heredocs);
        parse_command(&t).ok().map(Box::new)
    });
    Ok(Command::Onbuild(OnbuildCommand {
        expression,
        trigger,
    }))
}

fn command_line(req: &Request<'_>) -> CommandLine {
    CommandLine {
        args: req.json_args(),
        json: req.node.json,
        files: req
            .node
            .heredocs
            .iter()
            .map(|h| InlineFile {
                name: h.name.clone(),
                data: h.content.clone(),
                chomp: h.chomp,
            })
            .collect(),
    }
}

fn parse_run(req: &Request<'_>) -> Res<Command> {
    // Pre-hooks in Go's file order: rundevice, runmount, runnetwork, runsecurity.
    let mut set = FlagSet::new();
    let device = set.add_strings("device");
    let mount = set.add_strings("mount");
    let network = set.add_string("network", "default");
    let security = set.add_string("security", "sandbox");
    let parsed = req.flags(&set)?;
    let command = command_line(req);
    // Post-hooks. runMountPostHook: `parseMount` without an expander checks only the CSV syntax
    // and `$` in `from=`; everything else waits for `RunCommand.Expand` at conversion.
    let mount_flags = req.flag_values(parsed.as_ref(), mount);
    for raw in &mount_flags {
        if let Err(e) = check_mount_syntax(&raw.value) {
            return Err(SyntaxError::instruction(raw.range, e.to_string()));
        }
    }
    let network_value = parsed.as_ref().map_or("default", |p| p.value(network));
    if !matches!(network_value, "default" | "none" | "host") {
        let range = req
            .flag_value(parsed.as_ref(), network)
            .map_or(req.node.range, |s| s.range);
        return Err(SyntaxError::instruction(
            range,
            format!(
                "invalid network mode {}",
                crate::quote::go_quote(network_value)
            ),
        ));
    }
    let security_value = parsed.as_ref().map_or("sandbox", |p| p.value(security));
    if !matches!(security_value, "sandbox" | "insecure") {
        let range = req
            .flag_value(parsed.as_ref(), security)
            .map_or(req.node.range, |s| s.range);
        return Err(SyntaxError::instruction(
            range,
            format!(
                "security {} is not valid",
                crate::quote::go_quote(security_value)
            ),
        ));
    }
    Ok(Command::Run(RunCommand {
        command,
        mounts: mount_flags
            .into_iter()
            .map(|raw| RunMount {
                mount: parse_mount_literal(&raw.value),
                raw,
            })
            .collect(),
        network: req.flag_value(parsed.as_ref(), network),
        security: req.flag_value(parsed.as_ref(), security),
        devices: req.flag_values(parsed.as_ref(), device),
        flags_used: parsed
            .as_ref()
            .map(|p| p.used().map(str::to_owned).collect())
            .unwrap_or_default(),
    }))
}

fn parse_healthcheck(req: &Request<'_>) -> Res<Command> {
    req.at_least_one("HEALTHCHECK")?;
    let typ = go::to_upper(req.args.first().map_or("", |a| a.value.as_str()));
    let rest: Vec<&Spanned> = req.args.iter().skip(1).copied().collect();
    if typ == "NONE" {
        if !rest.is_empty() {
            return Err(req.err("HEALTHCHECK NONE takes no arguments"));
        }
        return Ok(Command::Healthcheck(Healthcheck::None));
    }
    let mut set = FlagSet::new();
    let interval = set.add_string("interval", "");
    let timeout = set.add_string("timeout", "");
    let start_period = set.add_string("start-period", "");
    let start_interval = set.add_string("start-interval", "");
    let retries = set.add_string("retries", "");
    let parsed = req.flags(&set)?;
    if typ != "CMD" {
        return Err(req.err(format!(
            "Unknown type {} in HEALTHCHECK (try CMD)",
            crate::quote::go_quote(&typ)
        )));
    }
    let args = json_args(&rest, req.node.json);
    if args.is_empty() {
        return Err(req.err("Missing command after HEALTHCHECK CMD"));
    }
    let head = if req.node.json { "CMD" } else { "CMD-SHELL" };
    let mut test = vec![head.to_owned()];
    test.extend(args.iter().map(|a| a.value.clone()));
    let duration = |id: FlagId, name: &str| {
        let value = parsed.as_ref().map_or("", |p| p.value(id));
        parse_healthcheck_interval(name, value).map_err(|e| {
            let range = req
                .flag_value(parsed.as_ref(), id)
                .map_or(req.node.range, |s| s.range);
            SyntaxError::instruction(range, e.to_string())
        })
    };
    let interval = duration(interval, "interval")?;
    let timeout = duration(timeout, "timeout")?;
    let start_period = duration(start_period, "start-period")?;
    let start_interval = duration(start_interval, "start-interval")?;
    let retries_value = parsed.as_ref().map_or("", |p| p.value(retries));
    let retries = parse_healthcheck_retries(retries_value).map_err(|e| {
        let range = req
            .flag_value(parsed.as_ref(), retries)
            .map_or(req.node.range, |s| s.range);
        SyntaxError::instruction(range, e.to_string())
    })?;
    Ok(Command::Healthcheck(Healthcheck::Cmd(HealthcheckCmd {
        test,
        args,
        json: req.node.json,
        interval,
        timeout,
        start_period,
        start_interval,
        retries,
    })))
}

fn parse_arg(req: &Request<'_>) -> Res<Command> {
    req.at_least_one("ARG")?;
    req.no_flags()?;
    let mut defs = Vec::new();
    for arg in &req.args {
        if let Some(eq) = arg.value.find('=') {
            let (name, value) = arg.value.split_at(eq);
            if name.is_empty() {
                return Err(req.err("ARG names can not be blank"));
            }
            let start = arg.range.start();
            let name_end = start + crate::parser::size(eq);
            let name_end = name_end.min(arg.range.end());
            let value_start = (name_end + crate::parser::size(1)).min(arg.range.end());
            defs.push(ArgDefinition {
                name: Spanned {
                    value: name.to_owned(),
                    range: TextRange::new(start, name_end),
                },
                default: Some(Spanned {
                    value: value.get(1..).unwrap_or_default().to_owned(),
                    range: TextRange::new(value_start, arg.range.end()),
                }),
            });
        } else {
            defs.push(ArgDefinition {
                name: (*arg).clone(),
                default: None,
            });
        }
    }
    Ok(Command::Arg(defs))
}

fn parse_shell(req: &Request<'_>) -> Res<Command> {
    req.no_flags()?;
    let args = req.json_args();
    if args.is_empty() {
        return Err(req.err("SHELL requires at least one argument"));
    }
    if !req.node.json {
        return Err(req.err(err_not_json("SHELL", &req.node.original)));
    }
    Ok(Command::Shell(args))
}

/// `errNotJSON`, including its hint for unescaped Windows paths.
fn err_not_json(command: &str, original: &str) -> String {
    let lower_cmd = format!("{} ", go::to_lower(command));
    let original = go::to_lower(original).replace(&lower_cmd, "");
    let has_drive_path = original.match_indices('"').any(|(i, _)| {
        let b = original.as_bytes();
        matches!(
            (b.get(i + 1), b.get(i + 2), b.get(i + 3)),
            (Some(c), Some(b':'), Some(b'\\')) if c.is_ascii_lowercase()
        )
    });
    let extra = if has_drive_path
        && !original.contains("\\\\")
        && original.contains('[')
        && original.contains(']')
    {
        format!(
            ". It looks like '{original}' includes a file path without an escaped back-slash. \
             JSON requires back-slashes to be escaped such as [\"c:\\\\path\\\\to\\\\file.exe\", \
             \"/parameter\"]"
        )
    } else {
        String::new()
    };
    format!("{command} requires the arguments to be in JSON form{extra}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_names() {
        assert!(valid_stage_name("build-1_x.y"));
        assert!(!valid_stage_name("1build"));
        assert!(!valid_stage_name("b@d"));
        assert!(!valid_stage_name(""));
    }
}
