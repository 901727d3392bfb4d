use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{
    command_line, env, final_chain, final_process, process_commands, range, server_command,
};

declare_rule! {
    /// ## What it does
    /// Checks whether the final image's server listens only on the container's loopback
    /// interface:
    /// - `uvicorn`, `gunicorn`, `flask run`, `hypercorn`, `daphne`, `granian`, `fastapi` with
    ///   an explicit `127.0.0.1`/`localhost` host or bind address;
    /// - `uvicorn` without `--host` (default `127.0.0.1`) unless `UVICORN_HOST` is set, or it
    ///   listens on `--fd`/`--uds`;
    /// - `flask run` without `--host`/`-h` unless `FLASK_RUN_HOST` is set;
    /// - `fastapi dev` without `--host`.
    ///
    /// gunicorn without `--bind` is not reported: it reads `gunicorn.conf.py` from the working
    /// directory and binds `0.0.0.0:$PORT` when `PORT` is set.
    ///
    /// ## Why is this bad?
    /// The port is published but nothing listens on the container's network interface:
    /// clients get "connection refused" or "empty reply from server" although the log says
    /// the server is running.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["uvicorn", "app.main:app", "--port", "8000"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
    /// ```
    ///
    /// ## References
    /// - [uvicorn settings](https://www.uvicorn.org/settings/) (`--host`, default `127.0.0.1`)
    /// - [gunicorn settings: `bind`](https://docs.gunicorn.org/en/stable/settings.html#bind)
    /// - [Flask quickstart: Externally Visible Server](https://flask.palletsprojects.com/en/stable/quickstart/)
    /// - [FastAPI CLI](https://fastapi.tiangolo.com/fastapi-cli/)
    /// - python-rules.md R54 `server-binds-localhost`
    pub(crate) struct ServerBindsLocalhost {
        code: "PY074",
        name: "server-binds-localhost",
        family: Python,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Server in the final image listens on localhost only",
    }
}

fn is_loopback(address: &str) -> bool {
    let host = address
        .trim_start_matches("tcp://")
        .trim_start_matches("http://");
    let host = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    matches!(host, "127.0.0.1" | "localhost" | "[::1]" | "::1")
}

/// The value of `flag` (`--host X`, `--host=X`, `-bX`).
fn flag_values<'a>(args: &'a [String], flags: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        for flag in flags {
            if arg == flag {
                if let Some(v) = args.get(i + 1) {
                    out.push(v.as_str());
                }
            } else if let Some(v) = arg.strip_prefix(&format!("{flag}=")) {
                out.push(v);
            } else if flag.len() == 2
                && !flag.starts_with("--")
                && let Some(v) = arg.strip_prefix(flag)
                && !v.is_empty()
                && !arg.starts_with("--")
            {
                out.push(v);
            }
        }
    }
    out
}

fn problem(words: &[String], has_env: &dyn Fn(&str) -> bool) -> Option<String> {
    let (server, args) = server_command(words)?;
    let hosts: &[&str] = match server {
        "uvicorn" | "fastapi" | "flask" | "hypercorn" | "daphne" | "granian" => {
            &["--host", "-h", "-b", "--bind"]
        }
        "gunicorn" => &["-b", "--bind"],
        _ => return None,
    };
    let values = flag_values(args, hosts);
    if let Some(v) = values.iter().find(|v| is_loopback(v)) {
        return Some(format!(
            "`{server}` listens on `{v}`, which is not reachable from outside the container"
        ));
    }
    if !values.is_empty() {
        return None;
    }
    let default = match server {
        "uvicorn"
            if !has_env("UVICORN_HOST")
                && !args
                    .iter()
                    .any(|a| a.starts_with("--fd") || a.starts_with("--uds")) =>
        {
            true
        }
        "flask" if args.first().is_some_and(|a| a == "run") && !has_env("FLASK_RUN_HOST") => true,
        "fastapi" if args.first().is_some_and(|a| a == "dev") => true,
        _ => false,
    };
    default.then(|| format!("`{server}` listens on `127.0.0.1` by default, which is not reachable from outside the container"))
}

/// PY074
pub(crate) fn server_binds_localhost(checker: &mut Checker) {
    let chain = final_chain(checker);
    let Some(final_stage) = chain.first() else {
        return;
    };
    let has_env = |name: &str| env(final_stage, name).is_some();
    let (entrypoint, cmd) = final_process(checker);
    let mut found = Vec::new();
    for index in [entrypoint, cmd].into_iter().flatten() {
        let Some(line) = command_line(checker, index) else {
            continue;
        };
        if let Some(message) = process_commands(line)
            .iter()
            .find_map(|w| problem(w, &has_env))
        {
            found.push((index, message));
        }
    }
    for (index, message) in found {
        let diagnostic = checker
            .diagnostic(Rule::ServerBindsLocalhost, message, range(checker, index))
            .with_help("Listen on all interfaces: `--host 0.0.0.0` (uvicorn, flask) or `--bind 0.0.0.0:8000` (gunicorn)");
        checker.report(diagnostic);
    }
}
