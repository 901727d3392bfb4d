use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{
    command_line, final_process, process_commands, range, server_command,
};

declare_rule! {
    /// ## What it does
    /// Checks whether the final image's `CMD`/`ENTRYPOINT` starts a development server:
    /// `manage.py runserver` / `django-admin runserver`, `flask run`, `fastapi dev`, or
    /// `uvicorn`/`gunicorn`/`hypercorn`/`granian` with `--reload` — directly, through
    /// `python -m`, or through `uv run`/`poetry run`/`pipenv run`/`pdm run`.
    ///
    /// ## Why is this bad?
    /// Django: "DO NOT USE THIS SERVER IN A PRODUCTION SETTING. It has not gone through security
    /// audits or performance tests". Flask: "Do not use the development server when deploying
    /// to production". `fastapi dev` and `--reload` watch the file system, restart on changes
    /// and run a single process; `fastapi run` is "how you would normally run it in production,
    /// for example, in a container".
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["gunicorn", "--bind", "0.0.0.0:8000", "mysite.wsgi"]
    /// ```
    ///
    /// ## References
    /// - [Django `runserver`](https://docs.djangoproject.com/en/stable/ref/django-admin/#runserver)
    /// - [Flask: Deploying to production](https://flask.palletsprojects.com/en/stable/deploying/)
    /// - [FastAPI CLI](https://fastapi.tiangolo.com/fastapi-cli/)
    /// - python-rules.md R53 `dev-server-in-cmd`
    pub(crate) struct DevServerInCmd {
        code: "PY073",
        name: "dev-server-in-cmd",
        family: Python,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Final image starts a development server",
    }
}

/// What development server `words` start, if any.
fn dev_server(words: &[String]) -> Option<&'static str> {
    let (server, args) = server_command(words)?;
    let has = |flag: &str| {
        args.iter()
            .any(|a| a == flag || a.starts_with(&format!("{flag}=")))
    };
    match server {
        "manage.py" | "django-admin" | "django" if args.iter().any(|a| a == "runserver") => {
            Some("Django's `runserver`")
        }
        "flask" if args.iter().any(|a| a == "run") => Some("`flask run`"),
        "fastapi" if args.first().is_some_and(|a| a == "dev") => Some("`fastapi dev`"),
        "uvicorn" | "gunicorn" | "hypercorn" | "granian" if has("--reload") => {
            Some("a server with `--reload`")
        }
        _ => None,
    }
}

/// PY073
pub(crate) fn dev_server_in_cmd(checker: &mut Checker) {
    let (entrypoint, cmd) = final_process(checker);
    let mut found = Vec::new();
    for index in [entrypoint, cmd].into_iter().flatten() {
        let Some(line) = command_line(checker, index) else {
            continue;
        };
        if let Some(what) = process_commands(line).iter().find_map(|w| dev_server(w)) {
            found.push((index, what));
        }
    }
    for (index, what) in found {
        let diagnostic = checker
            .diagnostic(
                Rule::DevServerInCmd,
                format!("The image starts {what}, a development server"),
                range(checker, index),
            )
            .with_help("Run a production server: `gunicorn`, `uvicorn` without `--reload`, or `fastapi run`");
        checker.report(diagnostic);
    }
}
