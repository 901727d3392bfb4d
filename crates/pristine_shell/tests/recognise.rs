//! The recognisers: getopt, wrapper unwrapping, pip in every spelling, package managers,
//! downloads and removals.

use pristine_shell::{
    PipFront, ScriptModel, Tool, getopt, invocations, package_installs, parse, pip_installs,
    recognise, removals, tool_invocations, unwrap_command,
};

fn texts(words: &[&pristine_shell::Word]) -> Vec<String> {
    words.iter().map(|w| w.text.clone()).collect()
}

#[test]
fn getopt_short_long_values_and_double_dash() {
    let s = parse("x -yq -o val --opt=v2 --long val3 -ifile pos1 -- -notflag -");
    let opts = getopt(&s.commands[0].args, &["-o", "--long", "-i"]);
    let flags: Vec<(&str, Option<&str>)> = opts
        .flags
        .iter()
        .map(|f| (f.name.as_str(), f.value.as_deref()))
        .collect();
    assert_eq!(
        flags,
        [
            ("-y", None),
            ("-q", None),
            ("-o", Some("val")),
            ("--opt", Some("v2")),
            ("--long", Some("val3")),
            ("-i", Some("file")),
        ]
    );
    assert_eq!(texts(&opts.positionals), ["pos1", "-notflag", "-"]);
    assert!(opts.has(&["-q"]));
    assert_eq!(opts.value(&["--opt"]), Some("v2"));
    assert_eq!(
        opts.flag(&["-y"]).map(|f| f.word.text.as_str()),
        Some("-yq")
    );
}

#[test]
fn getopt_value_flag_at_the_end_and_dynamic_dash_word() {
    let s = parse("x -o");
    let opts = getopt(&s.commands[0].args, &["-o"]);
    assert_eq!(opts.flags[0].value, None);
    // A dynamic word starting with `-` is an operand, not a cluster of flags.
    let s = parse("x -$FLAGS");
    let opts = getopt(&s.commands[0].args, &[]);
    assert!(opts.flags.is_empty());
    assert_eq!(opts.positionals.len(), 1);
}

#[test]
fn unwrap_sudo_env_exec_and_friends() {
    for (text, program, sudo) in [
        ("sudo -u root -E pip install x", "pip", true),
        ("sudo -- apt-get install y", "apt-get", true),
        ("env -i A=1 B=2 pip install x", "pip", false),
        ("env -u X -- pip install x", "pip", false),
        ("exec pip install x", "pip", false),
        ("command -v pip", "command", false),
        ("command -pV curl", "command", false),
        ("command pip install x", "pip", false),
        ("nohup nice -n 10 time pip install x", "pip", false),
        ("gosu app pip install x", "pip", false),
        ("sudo env A=1 exec pip install x", "pip", true),
        ("pip install x", "pip", false),
    ] {
        let s = parse(text);
        let Some((name, args, was_sudo)) = unwrap_command(&s.commands[0]) else {
            panic!("{text}: nothing");
        };
        assert_eq!(name.text, program, "{text}");
        assert_eq!(was_sudo, sudo, "{text}");
        if program == "pip" {
            assert_eq!(
                args.first().map(|a| a.text.as_str()),
                Some("install"),
                "{text}"
            );
        }
    }
    // A wrapper with no command.
    let s = parse("sudo -u root");
    assert!(unwrap_command(&s.commands[0]).is_none());
    assert!(tool_invocations(&parse("command -v curl"), Tool::Curl).is_empty());
    let s = parse("sudo pip install x");
    let inv = recognise(&s.commands[0], 0).expect("pip");
    assert!(inv.sudo);
    assert_eq!(inv.program.text, "pip");
}

#[test]
fn pip_in_every_spelling() {
    for (text, front) in [
        ("pip install flask", PipFront::Pip),
        ("pip3 install flask", PipFront::Pip),
        ("pip3.12 install flask", PipFront::Pip),
        ("/opt/venv/bin/pip install flask", PipFront::Pip),
        ("python -m pip install flask", PipFront::PythonModule),
        ("python3 -m pip install flask", PipFront::PythonModule),
        (
            "python3.12 -u -X dev -m pip install flask",
            PipFront::PythonModule,
        ),
        (
            "/usr/bin/python3 -mpip install flask",
            PipFront::PythonModule,
        ),
        ("uv pip install flask", PipFront::Uv),
        ("sudo -H pip install flask", PipFront::Pip),
    ] {
        let s = parse(text);
        let pips = pip_installs(&s);
        assert_eq!(pips.len(), 1, "{text}");
        assert_eq!(pips[0].front, front, "{text}");
        assert_eq!(texts(&pips[0].packages), ["flask"], "{text}");
    }
    for text in [
        "pipx install flask",
        "python -m venv /v",
        "python -m pipx install x",
        "pip download flask",
        "pip3 uninstall -y flask",
        "uv sync",
        "pipenv install",
        "python script.py -m pip",
        "pip-compile req.in",
    ] {
        assert!(pip_installs(&parse(text)).is_empty(), "{text}");
    }
}

#[test]
fn pip_flags() {
    let s = parse(
        "pip install --no-cache-dir -r req.txt --requirement=dev.txt --user \
         --break-system-packages -e . -c constraints.txt --require-hashes -U --no-deps \
         --target /t --prefix=/p -i https://idx 'flask==3.0' \"torch>=2\"",
    );
    let p = &pip_installs(&s)[0];
    assert!(p.no_cache_dir);
    assert_eq!(p.requirements, ["req.txt", "dev.txt"]);
    assert_eq!(p.constraints, ["constraints.txt"]);
    assert_eq!(p.editables, ["."]);
    assert!(p.user && p.break_system_packages && p.require_hashes && p.upgrade && p.no_deps);
    assert_eq!(p.target.as_deref(), Some("/t"));
    assert_eq!(p.prefix.as_deref(), Some("/p"));
    // Values of options are not packages.
    assert_eq!(texts(&p.packages), ["flask==3.0", "torch>=2"]);
    assert_eq!(p.invocation.opts.value(&["-i"]), Some("https://idx"));

    let script = parse("pip install -rreq.txt");
    let p = &pip_installs(&script)[0];
    assert_eq!(p.requirements, ["req.txt"]);
    assert!(p.packages.is_empty());
    let script = parse("pip install .");
    let p = &pip_installs(&script)[0];
    assert!(!p.no_cache_dir && !p.user);
    assert_eq!(texts(&p.packages), ["."]);
}

#[test]
fn uv_pip_flags() {
    let s =
        parse("uv pip install --system --no-cache -r requirements.txt --python /usr/bin/python3 x");
    let p = &pip_installs(&s)[0];
    assert_eq!(p.front, PipFront::Uv);
    assert!(p.system && p.no_cache_dir);
    assert_eq!(p.requirements, ["requirements.txt"]);
    assert_eq!(texts(&p.packages), ["x"]);
    assert_eq!(p.invocation.subcommand_path(), "pip install");
    let script = parse("uv sync --frozen");
    let inv = &invocations(&script)[0];
    assert_eq!(inv.tool, Tool::Uv);
    assert_eq!(inv.subcommand(), "sync");
}

#[test]
fn pip_inside_nested_shell_and_heredoc_free_script() {
    let s = parse("sh -c 'pip install --user a' && bash -lc \"python3 -m pip install b\"");
    let pips = pip_installs(&s);
    assert_eq!(pips.len(), 2);
    assert!(pips[0].user);
    assert!(
        pips.iter()
            .all(|p| p.invocation.command.context.nested_shell)
    );
}

#[test]
fn apt_get_install() {
    let text = "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
                curl=7.88.1-10 ca-certificates -o Dpkg::Options::=--force-confold $EXTRA";
    let s = parse(text);
    let installs = package_installs(&s);
    assert_eq!(installs.len(), 1);
    let i = &installs[0];
    assert_eq!(i.tool(), Tool::AptGet);
    assert!(i.invocation.opts.has(&["-y", "--yes"]));
    assert!(i.invocation.opts.has(&["--no-install-recommends"]));
    assert_eq!(
        i.invocation.opts.value(&["-o"]),
        Some("Dpkg::Options::=--force-confold")
    );
    assert_eq!(
        texts(&i.packages),
        ["curl=7.88.1-10", "ca-certificates", "$EXTRA"]
    );
    assert!(!i.packages[2].is_static);
    assert_eq!(&text[i.packages[0].range], "curl=7.88.1-10");
    // Other subcommands are not installs.
    assert!(package_installs(&parse("apt-get update && apt-get purge -y x")).is_empty());
    let script = parse("apt-get -qq install -y x");
    let i = &package_installs(&script)[0];
    assert!(i.invocation.opts.has(&["-q"]));
    assert_eq!(texts(&i.packages), ["x"]);
}

#[test]
fn apk_and_other_managers() {
    let script = parse("apk add --no-cache --virtual .build-deps gcc musl-dev");
    let i = &package_installs(&script)[0];
    assert_eq!(i.tool(), Tool::Apk);
    assert!(i.invocation.opts.has(&["--no-cache"]));
    assert_eq!(
        i.invocation.opts.value(&["--virtual", "-t"]),
        Some(".build-deps")
    );
    assert_eq!(texts(&i.packages), ["gcc", "musl-dev"]);
    for (text, tool, pkgs) in [
        ("yum install -y httpd", Tool::Yum, vec!["httpd"]),
        ("dnf install -y --setopt=x=1 a", Tool::Dnf, vec!["a"]),
        ("microdnf install b", Tool::Microdnf, vec!["b"]),
        ("zypper in -y c", Tool::Zypper, vec!["c"]),
        (
            "npm install -g --prefix /p yarn@1",
            Tool::Npm,
            vec!["yarn@1"],
        ),
        ("gem install bundler -v 2.4", Tool::Gem, vec!["bundler"]),
        (
            "go install example.com/x@latest",
            Tool::Go,
            vec!["example.com/x@latest"],
        ),
        (
            "conda install -c conda-forge -y numpy",
            Tool::Conda,
            vec!["numpy"],
        ),
        ("yarn add left-pad", Tool::Yarn, vec!["left-pad"]),
    ] {
        let script = parse(text);
        let installs = package_installs(&script);
        assert_eq!(installs.len(), 1, "{text}");
        assert_eq!(installs[0].tool(), tool, "{text}");
        assert_eq!(texts(&installs[0].packages), pkgs, "{text}");
    }
    assert!(package_installs(&parse("pip install x")).is_empty());
    assert!(package_installs(&parse("apk update")).is_empty());
}

#[test]
fn curl_and_wget() {
    let s = parse(
        "curl -fsSL -o /tmp/x.tgz -H 'A: b' https://e.com/x.tgz | tar xz && \
         wget -q -O - https://e.com/y | sh",
    );
    let curl = tool_invocations(&s, Tool::Curl);
    assert_eq!(curl.len(), 1);
    assert_eq!(curl[0].opts.value(&["-o", "--output"]), Some("/tmp/x.tgz"));
    assert!(curl[0].opts.has(&["-f"]) && curl[0].opts.has(&["-L"]));
    assert_eq!(texts(&curl[0].opts.positionals), ["https://e.com/x.tgz"]);
    assert!(curl[0].subcommands.is_empty());
    let wget = tool_invocations(&s, Tool::Wget);
    assert_eq!(wget[0].opts.value(&["-O"]), Some("-"));
    assert_eq!(texts(&wget[0].opts.positionals), ["https://e.com/y"]);
}

#[test]
fn rm_paths() {
    let s =
        parse("rm -rf /var/lib/apt/lists/* /root/.cache && rm --recursive --force \"$D\" && rm x");
    let r = removals(&s);
    assert_eq!(r.len(), 3);
    assert!(r[0].recursive && r[0].force);
    assert_eq!(texts(&r[0].paths), ["/var/lib/apt/lists/*", "/root/.cache"]);
    assert!(r[1].recursive && r[1].force);
    assert!(!r[1].paths[0].is_static);
    assert!(!r[2].recursive && !r[2].force);
    let script = parse("sudo rm -Rf /tmp/a");
    let r = removals(&script);
    assert!(r[0].recursive && r[0].invocation.sudo);
}

#[test]
fn subcommands_of_deep_tools() {
    let script = parse("conda env create -f env.yml");
    let inv = &invocations(&script)[0];
    assert_eq!(inv.subcommand_path(), "env create");
    assert_eq!(inv.opts.value(&["-f"]), Some("env.yml"));
    let script = parse("poetry install --no-root --only main");
    let inv = &invocations(&script)[0];
    assert_eq!(inv.subcommand(), "install");
    assert!(inv.opts.positionals.is_empty());
    let script = parse("uv tool install ruff");
    let inv = &invocations(&script)[0];
    assert_eq!(inv.subcommand_path(), "tool install");
    assert_eq!(texts(&inv.opts.positionals), ["ruff"]);
}

#[test]
fn invocation_indices_point_into_the_script() {
    let s = parse("echo hi && apt-get update && ls && rm -rf /x");
    let invs = invocations(&s);
    let idx: Vec<_> = invs.iter().map(|i| (i.tool, i.index)).collect();
    assert_eq!(idx, [(Tool::AptGet, 1), (Tool::Rm, 3)]);
    for i in &invs {
        assert_eq!(i.command, &s.commands[i.index]);
    }
}

/// The model a checker shares between rules holds exactly what the free functions return.
#[test]
fn script_model_is_what_the_recognisers_return() {
    for text in [
        "sudo -E env A=1 pip install --no-cache-dir -r r.txt flask && rm -rf /root/.cache",
        "apt-get update && apt-get install -y --no-install-recommends curl=7 git \\\n && rm -rf /var/lib/apt/lists/*",
        "python3 -m pip install -U pip; uv pip install --system x; apk add --no-cache gcc",
        "yarn install && yarn cache clean; command -v pip; exec gosu app vim; env",
        "if true; then dnf install -y x; fi | tee log; sh -c 'pip3 install y && rm -f z'",
        "",
    ] {
        let s = parse(text);
        let model = ScriptModel::new(&s);
        assert_eq!(model.invocations, invocations(&s), "{text}");
        assert_eq!(model.pip_installs, pip_installs(&s), "{text}");
        assert_eq!(model.package_installs, package_installs(&s), "{text}");
        assert_eq!(model.removals, removals(&s), "{text}");
        let programs: Vec<_> = s
            .commands
            .iter()
            .map(|c| unwrap_command(c).map(|(p, _, _)| p))
            .collect();
        assert_eq!(model.programs, programs, "{text}");
        let yarn: Vec<_> = model.tool_invocations(Tool::Yarn).cloned().collect();
        assert_eq!(yarn, tool_invocations(&s, Tool::Yarn), "{text}");
    }
}
