use pristine_shell::Tool;

use crate::Rule;
use crate::checkers::dockerfile::Checker;
use crate::registry::declare_rule;
use crate::rules::python::helpers::{ImageRef, is_alpine_image, root_image, runs};

declare_rule! {
    /// ## What it does
    /// Checks Alpine-based stages (`python:*-alpine`, `alpine:*`) that compile Python packages:
    /// `apk add` of a compiler toolchain (`build-base`, `gcc`, `musl-dev`, …) or a
    /// `pip install` of well-known packages with native code (numpy, pandas, scipy, psycopg2,
    /// lxml, cryptography, grpcio, …).
    ///
    /// ## Why is this bad?
    /// Alpine uses musl: pip accepts only `musllinux` wheels there, and many packages publish
    /// none (or not for every version), so pip builds from source — slow builds, compilers in
    /// the image, and subtle libc differences. A `-slim` (glibc) image installs the prebuilt
    /// `manylinux` wheels. ("software will often run into issues depending on the depth of
    /// their libc requirements", the `python` image docs.)
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-alpine
    /// RUN apk add --no-cache build-base && pip install --no-cache-dir pandas==2.2.2
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir pandas==2.2.2
    /// ```
    ///
    /// ## References
    /// - [Platform compatibility tags: musllinux](https://packaging.python.org/en/latest/specifications/platform-compatibility-tags/)
    /// - [`python` image: `python:<version>-alpine`](https://hub.docker.com/_/python)
    /// - [pythonspeed: Alpine makes Python Docker builds slower](https://pythonspeed.com/articles/alpine-docker-python/) (2020, before musllinux wheels)
    /// - python-rules.md R36 `alpine-musl-python`
    pub(crate) struct AlpineNativeDeps {
        code: "PY042",
        name: "alpine-native-deps",
        family: Python,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Python packages compiled on Alpine (musl)",
    }
}

const NATIVE: &[&str] = &[
    "numpy",
    "pandas",
    "scipy",
    "matplotlib",
    "psycopg2",
    "lxml",
    "cryptography",
    "grpcio",
    "pillow",
    "scikit-learn",
    "pyarrow",
    "orjson",
    "uvloop",
    "gevent",
    "mysqlclient",
    "pyzmq",
    "shapely",
    "h5py",
    "numba",
    "torch",
    "tensorflow",
];

const TOOLCHAIN: &[&str] = &[
    "build-base",
    "gcc",
    "g++",
    "musl-dev",
    "make",
    "cargo",
    "rust",
];

/// PY042
pub(crate) fn alpine_native_deps(checker: &mut Checker) {
    let scripts = checker.run_scripts();
    let mut found = Vec::new();
    for run in runs(checker, &scripts) {
        let Some(stage) = run.stage else {
            continue;
        };
        let alpine = root_image(&checker.stages, stage)
            .is_some_and(|image| is_alpine_image(&ImageRef::parse(image)));
        if !alpine {
            continue;
        }
        for install in &run.model.package_installs {
            if install.tool() != Tool::Apk {
                continue;
            }
            if let Some(w) = install
                .packages
                .iter()
                .find(|w| TOOLCHAIN.contains(&w.text.as_str()))
            {
                found.push((
                    w.range,
                    format!("`apk add {}` compiles Python packages against musl", w.text),
                ));
            }
        }
        for pip in &run.model.pip_installs {
            for w in &pip.packages {
                let name = w
                    .text
                    .split(['=', '>', '<', '~', '!', '['])
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if NATIVE.contains(&name.as_str()) || name == "psycopg2-binary" {
                    found.push((w.range, format!("`{name}` has native code; on Alpine pip may have to build it from source")));
                }
            }
        }
    }
    for (range, message) in found {
        let diagnostic = checker
            .diagnostic(Rule::AlpineNativeDeps, message, range)
            .with_help(
                "Use a `-slim` (glibc) image, where prebuilt manylinux wheels install directly",
            );
        checker.report(diagnostic);
    }
}
