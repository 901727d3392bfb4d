use crate::Rule;
use crate::registry::declare_rule;
use crate::rules::image::ImageChecker;

declare_rule! {
    /// ## What it does
    /// Reports an image that runs a web server (gunicorn, uvicorn, hypercorn, daphne,
    /// waitress, granian, `flask run`, `manage.py runserver`, `fastapi run`, found in its
    /// `Entrypoint`/`Cmd`) and has no `HEALTHCHECK` in its config.
    ///
    /// ## Why is this bad?
    /// Without a health check, Docker and Compose report a hung server as running and
    /// `depends_on: condition: service_healthy` cannot wait for it.
    ///
    /// ## Example
    /// `CMD ["uvicorn", "app:app", "--host", "0.0.0.0"]` without `HEALTHCHECK`.
    ///
    /// Use instead: `HEALTHCHECK CMD python -c "import urllib.request;
    /// urllib.request.urlopen('http://localhost:8000/health')"` (slim images have no curl),
    /// or a health check in the orchestrator.
    ///
    /// ## References
    /// - dockle `CIS-DI-0006`
    /// - [Dockerfile reference: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
    pub(crate) struct ImageMissingHealthcheck {
        code: "IM031",
        name: "image-missing-healthcheck",
        family: Image,
        severity: Info,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Web server image without a health check",
    }
}

const SERVERS: &[&str] = &[
    "gunicorn",
    "uvicorn",
    "hypercorn",
    "daphne",
    "waitress-serve",
    "granian",
];

pub(crate) fn missing_healthcheck(checker: &mut ImageChecker) {
    if !checker.enabled(Rule::ImageMissingHealthcheck) {
        return;
    }
    let config = &checker.image.config;
    let words: Vec<&str> = config
        .entrypoint
        .iter()
        .chain(&config.cmd)
        .flat_map(|a| a.split_whitespace())
        .collect();
    let server = words
        .iter()
        .map(|w| w.rsplit('/').next().unwrap_or(w))
        .find(|w| SERVERS.contains(w))
        .map(str::to_owned)
        .or_else(|| {
            words.windows(2).find_map(|pair| match pair {
                [a, "run"] if a.ends_with("flask") || a.ends_with("fastapi") => {
                    Some(format!("{a} run"))
                }
                [a, "runserver"] if a.ends_with("manage.py") => Some(format!("{a} runserver")),
                _ => None,
            })
        });
    let Some(server) = server else {
        return;
    };
    let has_check = config
        .healthcheck
        .as_ref()
        .is_some_and(|t| t.first().is_some_and(|f| f != "NONE"));
    if !has_check {
        checker.report(
            Rule::ImageMissingHealthcheck,
            None,
            format!("the image runs a web server (`{server}`) but has no `HEALTHCHECK`"),
        );
    }
}
