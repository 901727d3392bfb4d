//! Command recognisers: which tool a command runs, its subcommand, and its flags parsed with
//! each tool's list of options that take a value (a small getopt).

use crate::script::{Command, Script, Word, basename};

/// One parsed option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag<'s> {
    /// `-y`, `--no-cache-dir` (for a short cluster `-yq`, one flag per letter).
    pub name: String,
    /// `--index-url X`, `--index-url=X`, `-iX`.
    pub value: Option<String>,
    /// The word the flag was read from.
    pub word: &'s Word,
}

/// The options and operands of one invocation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Opts<'s> {
    pub flags: Vec<Flag<'s>>,
    /// Non-option words, in order.
    pub positionals: Vec<&'s Word>,
}

impl<'s> Opts<'s> {
    /// Is any of `names` given (`["-y", "--yes", "--assume-yes"]`)?
    pub fn has(&self, names: &[&str]) -> bool {
        self.flags.iter().any(|f| names.contains(&f.name.as_str()))
    }

    /// The first flag among `names`.
    pub fn flag(&self, names: &[&str]) -> Option<&Flag<'s>> {
        self.flags.iter().find(|f| names.contains(&f.name.as_str()))
    }

    /// The value of the last of `names` given.
    pub fn value(&self, names: &[&str]) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|f| names.contains(&f.name.as_str()))
            .and_then(|f| f.value.as_deref())
    }

    /// Every value of `names` (`-r a.txt -r b.txt`).
    pub fn values(&self, names: &[&str]) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|f| names.contains(&f.name.as_str()))
            .filter_map(|f| f.value.as_deref())
            .collect()
    }
}

/// getopt over `args`: `takes_value` lists the options (short `-o` and long `--opt`) that take
/// a value. `--` ends the options; `-` is an operand. Long options may be abbreviated nowhere.
pub fn getopt<'s>(args: &'s [Word], takes_value: &[&str]) -> Opts<'s> {
    let mut opts = Opts::default();
    let mut iter = args.iter();
    while let Some(word) = iter.next() {
        let t = word.text.as_str();
        if t == "--" {
            opts.positionals.extend(iter.by_ref());
            break;
        }
        if let Some(long) = t.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (format!("--{n}"), Some(v.to_owned())),
                None => (t.to_owned(), None),
            };
            let value = if value.is_none() && takes_value.contains(&name.as_str()) {
                iter.next().map(|w| w.text.clone())
            } else {
                value
            };
            opts.flags.push(Flag { name, value, word });
            continue;
        }
        if let Some(cluster) = t.strip_prefix('-')
            && !cluster.is_empty()
            && word.is_static
        {
            for (i, c) in cluster.char_indices() {
                let name = format!("-{c}");
                if takes_value.contains(&name.as_str()) {
                    let rest = cluster.get(i + c.len_utf8()..).unwrap_or_default();
                    let value = if rest.is_empty() {
                        iter.next().map(|w| w.text.clone())
                    } else {
                        Some(rest.trim_start_matches('=').to_owned())
                    };
                    opts.flags.push(Flag { name, value, word });
                    break;
                }
                opts.flags.push(Flag {
                    name,
                    value: None,
                    word,
                });
            }
            continue;
        }
        opts.positionals.push(word);
    }
    opts
}

/// How pip is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PipFront {
    /// `pip`, `pip3`, `pip3.12`, `/opt/venv/bin/pip`.
    Pip,
    /// `python -m pip`, `python3.12 -m pip`.
    PythonModule,
    /// `uv pip`.
    Uv,
}

/// The tools the recognisers know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tool {
    Pip(PipFront),
    Uv,
    Poetry,
    Pipenv,
    Pdm,
    Pipx,
    Conda,
    Mamba,
    Micromamba,
    AptGet,
    Apt,
    AptCache,
    Apk,
    Yum,
    Dnf,
    Microdnf,
    Zypper,
    Npm,
    Yarn,
    Gem,
    Go,
    Curl,
    Wget,
    Rm,
    Cd,
    Useradd,
    Adduser,
    Chmod,
    Chown,
    Ln,
}

impl Tool {
    /// Does the tool have subcommands (`pip install`, `apt-get update`)?
    fn has_subcommand(self) -> bool {
        !matches!(
            self,
            Tool::Curl
                | Tool::Wget
                | Tool::Rm
                | Tool::Cd
                | Tool::Useradd
                | Tool::Adduser
                | Tool::Chmod
                | Tool::Chown
                | Tool::Ln
        )
    }

    /// Options of the tool that take a value (getopt table).
    fn value_flags(self) -> &'static [&'static str] {
        match self {
            Tool::Pip(PipFront::Pip | PipFront::PythonModule) => PIP_VALUE_FLAGS,
            Tool::Pip(PipFront::Uv) | Tool::Uv => UV_VALUE_FLAGS,
            Tool::Poetry => &[
                "--only",
                "--with",
                "--without",
                "-E",
                "--extras",
                "-f",
                "--format",
                "-o",
                "--output",
                "-C",
                "--directory",
                "-P",
                "--project",
            ],
            Tool::Pipenv => &[
                "--python",
                "--pypi-mirror",
                "--categories",
                "-r",
                "--requirements",
            ],
            Tool::Pdm => &[
                "-G",
                "--group",
                "-L",
                "--lockfile",
                "-p",
                "--project",
                "-o",
                "--output",
                "-f",
                "--format",
                "--venv",
                "-k",
                "--skip",
            ],
            Tool::Pipx => &[
                "--python",
                "--pip-args",
                "--index-url",
                "--suffix",
                "--spec",
            ],
            Tool::Conda | Tool::Mamba | Tool::Micromamba => &[
                "-n",
                "--name",
                "-p",
                "--prefix",
                "-c",
                "--channel",
                "-f",
                "--file",
                "--solver",
                "--repodata-fn",
                "-r",
                "--root-prefix",
            ],
            Tool::AptGet | Tool::Apt | Tool::AptCache => &[
                "-o",
                "--option",
                "-c",
                "--config-file",
                "-t",
                "--target-release",
                "--default-release",
                "-a",
                "--host-architecture",
            ],
            Tool::Apk => &[
                "-X",
                "--repository",
                "-p",
                "--root",
                "--arch",
                "--keys-dir",
                "--repositories-file",
                "--cache-dir",
                "-t",
                "--virtual",
                "--progress-fd",
                "--wait",
                "--cache-max-age",
            ],
            Tool::Yum | Tool::Dnf | Tool::Microdnf => &[
                "-c",
                "--config",
                "--installroot",
                "--releasever",
                "--enablerepo",
                "--disablerepo",
                "-x",
                "--exclude",
                "--repo",
                "--repoid",
                "-d",
                "--debuglevel",
                "-e",
                "--errorlevel",
                "--setopt",
                "--nodocs-x",
            ],
            Tool::Zypper => &[
                "-c", "--config", "--root", "-R", "-t", "--type", "-r", "--repo", "--from",
            ],
            Tool::Npm => &[
                "--prefix",
                "--registry",
                "-w",
                "--workspace",
                "--omit",
                "--include",
                "--cache",
                "--loglevel",
            ],
            Tool::Yarn => &[
                "--cwd",
                "--cache-folder",
                "--modules-folder",
                "--registry",
                "--network-timeout",
            ],
            Tool::Gem => &[
                "-v",
                "--version",
                "-i",
                "--install-dir",
                "-n",
                "--bindir",
                "--source",
                "-s",
                "-P",
                "--trust-policy",
                "--platform",
            ],
            Tool::Go => &[
                "-o", "-C", "-p", "-ldflags", "-gcflags", "-tags", "-mod", "-modfile",
            ],
            Tool::Curl => CURL_VALUE_FLAGS,
            Tool::Wget => WGET_VALUE_FLAGS,
            Tool::Useradd | Tool::Adduser => &[
                "-c",
                "-d",
                "-e",
                "-f",
                "-g",
                "-G",
                "-k",
                "-K",
                "-p",
                "-s",
                "-u",
                "-R",
                "-P",
                "-b",
                "-Z",
                "-h",
                "--uid",
                "--gid",
                "--groups",
                "--shell",
                "--home-dir",
                "--home",
                "--comment",
                "--password",
                "--key",
                "--root",
                "--ingroup",
                "--gecos",
                "--firstuid",
                "--lastuid",
                "--base-dir",
                "--skel",
                "--expiredate",
                "--inactive",
                "--prefix",
                "--selinux-user",
            ],
            Tool::Chmod | Tool::Chown => &["--reference", "--from"],
            Tool::Ln => &["-S", "--suffix", "-t", "--target-directory"],
            Tool::Rm | Tool::Cd => &[],
        }
    }
}

const PIP_VALUE_FLAGS: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-t",
    "--target",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--root",
    "--prefix",
    "--src",
    "--upgrade-strategy",
    "-C",
    "--config-settings",
    "--global-option",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "--no-binary",
    "--only-binary",
    "--progress-bar",
    "--report",
    "--trusted-host",
    "--cache-dir",
    "--proxy",
    "--retries",
    "--timeout",
    "--exists-action",
    "--cert",
    "--client-cert",
    "--log",
    "--python",
    "--use-feature",
    "--use-deprecated",
    "--root-user-action",
    "--keyring-provider",
    "--group",
    "--build-constraint",
];

const UV_VALUE_FLAGS: &[&str] = &[
    "-p",
    "--python",
    "--extra",
    "--group",
    "--only-group",
    "--no-group",
    "--package",
    "--index-url",
    "--extra-index-url",
    "-i",
    "--index",
    "--default-index",
    "-f",
    "--find-links",
    "--cache-dir",
    "--directory",
    "--project",
    "-o",
    "--output-file",
    "--format",
    "--prune",
    "--exclude-newer",
    "--resolution",
    "--prerelease",
    "--link-mode",
    "-P",
    "--upgrade-package",
    "--reinstall-package",
    "--no-install-package",
    "--python-platform",
    "--python-version",
    "-r",
    "--requirement",
    "--requirements",
    "-c",
    "--constraint",
    "--constraints",
    "--overrides",
    "--override",
    "-e",
    "--editable",
    "-t",
    "--target",
    "--prefix",
    "--index-strategy",
    "--keyring-provider",
    "-C",
    "--config-setting",
    "--config-file",
    "--color",
    "--allow-insecure-host",
    "--no-binary-package",
    "--no-build-package",
    "--only-binary",
    "--torch-backend",
    "--with",
    "--with-requirements",
    "--from",
    "--env-file",
];

const CURL_VALUE_FLAGS: &[&str] = &[
    "-o",
    "--output",
    "-H",
    "--header",
    "-d",
    "--data",
    "--data-binary",
    "--data-raw",
    "--data-urlencode",
    "-X",
    "--request",
    "-u",
    "--user",
    "-A",
    "--user-agent",
    "-e",
    "--referer",
    "-x",
    "--proxy",
    "-T",
    "--upload-file",
    "-F",
    "--form",
    "-b",
    "--cookie",
    "-c",
    "--cookie-jar",
    "-r",
    "--range",
    "-m",
    "--max-time",
    "-w",
    "--write-out",
    "-K",
    "--config",
    "-E",
    "--cert",
    "--key",
    "--cacert",
    "--capath",
    "--retry",
    "--retry-delay",
    "--retry-max-time",
    "--connect-timeout",
    "--proto",
    "--proto-redir",
    "--url",
    "-y",
    "--speed-time",
    "-Y",
    "--speed-limit",
    "-z",
    "--time-cond",
    "--output-dir",
    "-C",
    "--continue-at",
    "--limit-rate",
    "--max-filesize",
    "--resolve",
    "--interface",
    "--dns-servers",
    "--max-redirs",
    "--tlsv1.2-x",
    "--ciphers",
    "-Q",
    "--quote",
    "--stderr",
    "--trace",
    "--trace-ascii",
    "--netrc-file",
    "--oauth2-bearer",
    "--create-file-mode",
];

const WGET_VALUE_FLAGS: &[&str] = &[
    "-O",
    "--output-document",
    "-o",
    "--output-file",
    "-a",
    "--append-output",
    "-P",
    "--directory-prefix",
    "-U",
    "--user-agent",
    "-t",
    "--tries",
    "-T",
    "--timeout",
    "-w",
    "--wait",
    "-e",
    "--execute",
    "--header",
    "--user",
    "--password",
    "--http-user",
    "--http-password",
    "-i",
    "--input-file",
    "-Q",
    "--quota",
    "-l",
    "--level",
    "-A",
    "--accept",
    "-R",
    "--reject",
    "-D",
    "--domains",
    "-I",
    "--include-directories",
    "-X",
    "--exclude-directories",
    "--ca-certificate",
    "--certificate",
    "--private-key",
    "-B",
    "--base",
    "--bind-address",
    "--limit-rate",
    "--referer",
    "--post-data",
    "--post-file",
    "--method",
    "--body-data",
    "--cut-dirs",
    "--progress",
    "--secure-protocol",
];

/// A recognised command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation<'s> {
    pub command: &'s Command,
    /// Index into [`Script::commands`].
    pub index: usize,
    pub tool: Tool,
    /// The word naming the tool (for `sudo pip …`, `pip`).
    pub program: &'s Word,
    /// `install` in `pip install`; `pip` then `install` for `uv pip install`; `env` then
    /// `create` for `conda env create`.
    pub subcommands: Vec<&'s Word>,
    /// Options anywhere on the line, and the operands after the subcommands.
    pub opts: Opts<'s>,
    /// Run through `sudo`.
    pub sudo: bool,
}

impl Invocation<'_> {
    /// The first subcommand's text (`""` when none).
    pub fn subcommand(&self) -> &str {
        self.subcommands.first().map_or("", |w| w.text.as_str())
    }

    /// The subcommand path joined by spaces (`"pip install"`, `"env create"`).
    pub fn subcommand_path(&self) -> String {
        self.subcommands
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn is_versioned(name: &str, stem: &str) -> bool {
    name.strip_prefix(stem)
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Strips wrappers that run another command: `sudo [opts]`, `env [-i] [A=B]…`, `exec`,
/// `command`, `nohup`, `time`, `nice [-n N]`, `eatmydata`. Returns the program word, its
/// arguments, and whether `sudo` was seen.
pub fn unwrap_command(command: &Command) -> Option<(&Word, &[Word], bool)> {
    let mut name = &command.name;
    let mut args: &[Word] = &command.args;
    let mut sudo = false;
    for _ in 0..8 {
        let skip_values: &[&str] = match basename(&name.text) {
            "sudo" => {
                sudo = true;
                &[
                    "-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "--user", "--group",
                ]
            }
            "env" => &["-u", "--unset", "-C", "--chdir", "-S"],
            "nice" => &["-n", "--adjustment"],
            "exec" | "command" | "nohup" | "time" | "eatmydata" | "gosu" | "su-exec" => &[],
            _ => return Some((name, args, sudo)),
        };
        let wrapper = basename(&name.text);
        // `command -v pip` / `command -V pip` only looks the name up.
        if wrapper == "command"
            && args
                .iter()
                .take_while(|a| a.text.starts_with('-') && a.text != "--")
                .any(|a| a.text.contains(['v', 'V']))
        {
            return Some((name, args, sudo));
        }
        let mut i = 0;
        while let Some(a) = args.get(i) {
            let t = a.text.as_str();
            if t == "--" {
                i += 1;
                break;
            }
            if t.starts_with('-') && t.len() > 1 {
                i += if skip_values.contains(&t) { 2 } else { 1 };
                continue;
            }
            if wrapper == "env" && t.contains('=') {
                i += 1;
                continue;
            }
            // gosu/su-exec USER cmd …
            if matches!(wrapper, "gosu" | "su-exec") && i == 0 {
                i += 1;
                continue;
            }
            break;
        }
        let (first, rest) = args.get(i..)?.split_first()?;
        name = first;
        args = rest;
    }
    Some((name, args, sudo))
}

/// Which tool `program` is, and where its own arguments start (`python -m pip install` →
/// `install …`).
fn identify<'s>(program: &'s Word, args: &'s [Word]) -> Option<(Tool, &'s Word, &'s [Word])> {
    let name = basename(&program.text);
    let tool = match name {
        "uv" => {
            if args.first().is_some_and(|a| a.text == "pip") {
                return Some((Tool::Pip(PipFront::Uv), program, args));
            }
            Tool::Uv
        }
        "poetry" => Tool::Poetry,
        "pipenv" => Tool::Pipenv,
        "pdm" => Tool::Pdm,
        "pipx" => Tool::Pipx,
        "conda" => Tool::Conda,
        "mamba" => Tool::Mamba,
        "micromamba" => Tool::Micromamba,
        "apt-get" => Tool::AptGet,
        "apt" => Tool::Apt,
        "apt-cache" => Tool::AptCache,
        "apk" => Tool::Apk,
        "yum" => Tool::Yum,
        "dnf" | "dnf5" => Tool::Dnf,
        "microdnf" => Tool::Microdnf,
        "zypper" => Tool::Zypper,
        "npm" => Tool::Npm,
        "yarn" => Tool::Yarn,
        "gem" => Tool::Gem,
        "go" => Tool::Go,
        "curl" => Tool::Curl,
        "wget" => Tool::Wget,
        "rm" => Tool::Rm,
        "cd" => Tool::Cd,
        "useradd" => Tool::Useradd,
        "adduser" => Tool::Adduser,
        "chmod" => Tool::Chmod,
        "chown" => Tool::Chown,
        "ln" => Tool::Ln,
        n if is_versioned(n, "pip") => Tool::Pip(PipFront::Pip),
        n if is_versioned(n, "python") => {
            // Interpreter options before `-m`.
            let mut i = 0;
            while let Some(a) = args.get(i) {
                let t = a.text.as_str();
                if t == "-m" {
                    let module = args.get(i + 1)?;
                    let rest = args.get(i + 2..)?;
                    return is_versioned(&module.text, "pip").then_some((
                        Tool::Pip(PipFront::PythonModule),
                        module,
                        rest,
                    ));
                }
                if let Some(module) = t.strip_prefix("-m") {
                    let rest = args.get(i + 1..)?;
                    return is_versioned(module, "pip").then_some((
                        Tool::Pip(PipFront::PythonModule),
                        a,
                        rest,
                    ));
                }
                if matches!(t, "-X" | "-W") {
                    i += 2;
                } else if t.starts_with('-') {
                    i += 1;
                } else {
                    return None;
                }
            }
            return None;
        }
        _ => return None,
    };
    Some((tool, program, args))
}

/// Recognises one command.
pub fn recognise(command: &Command, index: usize) -> Option<Invocation<'_>> {
    let (program, args, sudo) = unwrap_command(command)?;
    recognise_unwrapped(command, index, program, args, sudo)
}

/// Recognises one command whose wrappers [`unwrap_command`] has already stripped.
fn recognise_unwrapped<'s>(
    command: &'s Command,
    index: usize,
    program: &'s Word,
    args: &'s [Word],
    sudo: bool,
) -> Option<Invocation<'s>> {
    let (tool, program, args) = identify(program, args)?;
    let opts = getopt(args, tool.value_flags());
    let mut inv = Invocation {
        command,
        index,
        tool,
        program,
        subcommands: Vec::new(),
        opts,
        sudo,
    };
    if tool.has_subcommand() && !inv.opts.positionals.is_empty() {
        let first = inv.opts.positionals.remove(0);
        let deeper = match tool {
            Tool::Pip(PipFront::Uv) => true,
            Tool::Uv => matches!(first.text.as_str(), "tool" | "python" | "cache" | "self"),
            Tool::Conda | Tool::Mamba | Tool::Micromamba => first.text == "env",
            Tool::Poetry => matches!(first.text.as_str(), "self" | "source" | "env"),
            Tool::Go => first.text == "mod",
            _ => false,
        };
        inv.subcommands.push(first);
        if deeper && !inv.opts.positionals.is_empty() {
            inv.subcommands.push(inv.opts.positionals.remove(0));
        }
    }
    Some(inv)
}

/// What the rules read about one script, recognised once: the program each command runs,
/// every recognised invocation, and the installs and removals among them. Each shell rule
/// used to recognise every command of every `RUN` again (about 112 000 [`unwrap_command`]
/// calls over the 251 corpus Dockerfiles); a checker builds this once per `RUN` instead.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScriptModel<'s> {
    /// Per command of [`Script::commands`] (same index): the program word once wrappers
    /// (`sudo`, `env`, `exec`, …) are stripped, as [`unwrap_command`] gives it.
    pub programs: Vec<Option<&'s Word>>,
    /// What [`invocations`] returns.
    pub invocations: Vec<Invocation<'s>>,
    /// What [`pip_installs`] returns.
    pub pip_installs: Vec<PipInstall<'s>>,
    /// What [`package_installs`] returns.
    pub package_installs: Vec<PackageInstall<'s>>,
    /// What [`removals`] returns.
    pub removals: Vec<Removal<'s>>,
}

impl<'s> ScriptModel<'s> {
    pub fn new(script: &'s Script) -> Self {
        let mut model = ScriptModel {
            programs: Vec::with_capacity(script.commands.len()),
            ..ScriptModel::default()
        };
        for (index, command) in script.commands.iter().enumerate() {
            let unwrapped = unwrap_command(command);
            model
                .programs
                .push(unwrapped.map(|(program, _, _)| program));
            if let Some((program, args, sudo)) = unwrapped
                && let Some(inv) = recognise_unwrapped(command, index, program, args, sudo)
            {
                model.invocations.push(inv);
            }
        }
        for inv in &model.invocations {
            model.pip_installs.extend(pip_install(inv));
            model.package_installs.extend(package_install(inv));
            model.removals.extend(removal(inv));
        }
        model
    }

    /// What [`tool_invocations`] returns, borrowed.
    pub fn tool_invocations(&self, tool: Tool) -> impl Iterator<Item = &Invocation<'s>> {
        self.invocations.iter().filter(move |i| i.tool == tool)
    }
}

/// Every recognised command of `script`, in order.
pub fn invocations(script: &Script) -> Vec<Invocation<'_>> {
    script
        .commands
        .iter()
        .enumerate()
        .filter_map(|(i, c)| recognise(c, i))
        .collect()
}

/// `pip install` (any spelling: `pip3`, `pip3.12`, `…/bin/pip`, `python -m pip`, `uv pip`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipInstall<'s> {
    pub invocation: Invocation<'s>,
    pub front: PipFront,
    /// Requirement specifiers and paths given as operands (`flask==3.0`, `.`, `./x.whl`).
    pub packages: Vec<&'s Word>,
    /// `-r` / `--requirement` files.
    pub requirements: Vec<String>,
    /// `-c` / `--constraint` files.
    pub constraints: Vec<String>,
    /// `-e` / `--editable` targets.
    pub editables: Vec<String>,
    /// `--no-cache-dir` (or uv's `--no-cache` / `-n`).
    pub no_cache_dir: bool,
    pub user: bool,
    pub break_system_packages: bool,
    /// `-U` / `--upgrade`.
    pub upgrade: bool,
    /// `--target` / `--prefix` / `--root` / uv `--system`/`--python`: where it installs.
    pub target: Option<String>,
    pub prefix: Option<String>,
    pub system: bool,
    pub require_hashes: bool,
    pub no_deps: bool,
}

/// Every `pip install` of the script.
pub fn pip_installs(script: &Script) -> Vec<PipInstall<'_>> {
    invocations(script).iter().filter_map(pip_install).collect()
}

/// The `pip install` that `inv` is, if it is one.
pub fn pip_install<'s>(inv: &Invocation<'s>) -> Option<PipInstall<'s>> {
    let Tool::Pip(front) = inv.tool else {
        return None;
    };
    let sub = if front == PipFront::Uv {
        inv.subcommands.get(1).map(|w| w.text.as_str())
    } else {
        inv.subcommands.first().map(|w| w.text.as_str())
    };
    if sub != Some("install") {
        return None;
    }
    let o = &inv.opts;
    let own = |names: &[&str]| o.values(names).into_iter().map(str::to_owned).collect();
    Some(PipInstall {
        front,
        packages: o.positionals.clone(),
        requirements: own(&["-r", "--requirement", "--requirements"]),
        constraints: own(&["-c", "--constraint", "--constraints"]),
        editables: own(&["-e", "--editable"]),
        no_cache_dir: o.has(&["--no-cache-dir"])
            || (front == PipFront::Uv && o.has(&["--no-cache", "-n"])),
        user: o.has(&["--user"]),
        break_system_packages: o.has(&["--break-system-packages"]),
        upgrade: o.has(&["-U", "--upgrade"]),
        target: o.value(&["-t", "--target"]).map(str::to_owned),
        prefix: o.value(&["--prefix", "--root"]).map(str::to_owned),
        system: o.has(&["--system"]),
        require_hashes: o.has(&["--require-hashes"]),
        no_deps: o.has(&["--no-deps"]),
        invocation: inv.clone(),
    })
}

/// A package manager's install (`apt-get install`, `apk add`, `yum/dnf/microdnf install`,
/// `zypper install`, `npm install`, `gem install`, `conda install/create`, `go install`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageInstall<'s> {
    pub invocation: Invocation<'s>,
    /// The operands: package specifiers as written (`curl=7.88.1-10`, `musl-dev`).
    pub packages: Vec<&'s Word>,
}

impl PackageInstall<'_> {
    pub fn tool(&self) -> Tool {
        self.invocation.tool
    }
}

/// Every package-manager install of the script (pip and uv excluded: see [`pip_installs`]).
pub fn package_installs(script: &Script) -> Vec<PackageInstall<'_>> {
    invocations(script)
        .iter()
        .filter_map(package_install)
        .collect()
}

/// The package-manager install that `inv` is, if it is one.
pub fn package_install<'s>(inv: &Invocation<'s>) -> Option<PackageInstall<'s>> {
    let sub = inv.subcommand();
    let install = match inv.tool {
        Tool::AptGet | Tool::Apt | Tool::Yum | Tool::Dnf | Tool::Microdnf | Tool::Gem => {
            sub == "install"
        }
        Tool::Apk => sub == "add",
        Tool::Zypper => matches!(sub, "install" | "in"),
        Tool::Npm => matches!(sub, "install" | "i" | "add"),
        Tool::Yarn => matches!(sub, "add" | "global"),
        Tool::Conda | Tool::Mamba | Tool::Micromamba => matches!(sub, "install" | "create"),
        Tool::Go => sub == "install",
        _ => false,
    };
    install.then(|| PackageInstall {
        packages: inv.opts.positionals.clone(),
        invocation: inv.clone(),
    })
}

/// `rm` with its flags and paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal<'s> {
    pub invocation: Invocation<'s>,
    pub recursive: bool,
    pub force: bool,
    pub paths: Vec<&'s Word>,
}

/// Every `rm` of the script.
pub fn removals(script: &Script) -> Vec<Removal<'_>> {
    invocations(script).iter().filter_map(removal).collect()
}

/// The `rm` that `inv` is, if it is one.
pub fn removal<'s>(inv: &Invocation<'s>) -> Option<Removal<'s>> {
    (inv.tool == Tool::Rm).then(|| Removal {
        recursive: inv.opts.has(&["-r", "-R", "--recursive"]),
        force: inv.opts.has(&["-f", "--force"]),
        paths: inv.opts.positionals.clone(),
        invocation: inv.clone(),
    })
}

/// Commands of `tool` in the script.
pub fn tool_invocations(script: &Script, tool: Tool) -> Vec<Invocation<'_>> {
    invocations(script)
        .into_iter()
        .filter(|i| i.tool == tool)
        .collect()
}
