use pristine_binary::{BinaryInfo, Compat, Fact, Libc};
use pristine_image::{Content, Image, NodeKind, Resolved};

use crate::Rule;
use crate::registry::declare_rule;
use crate::rules::image::foreign_native_binary::module_of;
use crate::rules::image::{ImageChecker, site_dirs, triplet};

declare_rule! {
    /// ## What it does
    /// For every ELF extension module and shared library in the image's Python environments
    /// that would otherwise load, looks up each `DT_NEEDED` library the way the dynamic loader
    /// does — `DT_RPATH`/`DT_RUNPATH` (with `$ORIGIN` replaced by the binary's directory),
    /// `LD_LIBRARY_PATH` from the image config, the directories of `/etc/ld.so.conf`, then
    /// the default library directories — and reports a library that is nowhere in the image.
    ///
    /// ## Why is this bad?
    /// `import` fails with
    /// `ImportError: libpq.so.5: cannot open shared object file: No such file or directory`:
    /// the package was built against a system library in a builder stage, and the runtime
    /// stage never installed it.
    ///
    /// ## Example
    /// `psycopg2` compiled in a `builder` stage with `libpq-dev`, its venv copied into a
    /// `python:3.12-slim` stage without `libpq5`.
    ///
    /// Use instead: install the runtime library in the final stage (`apt-get install libpq5`),
    /// or use a wheel that bundles it (`psycopg2-binary`, manylinux wheels repaired by
    /// auditwheel carry their libraries in `<package>.libs/`).
    ///
    /// ## References
    /// - [`ld.so(8)`](https://man7.org/linux/man-pages/man8/ld.so.8.html) (search order, `$ORIGIN`)
    pub(crate) struct ImageMissingSharedLibrary {
        code: "IM002",
        name: "image-missing-shared-library",
        family: Image,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Native module needs a shared library that is not in the image",
    }
}

/// Directories named in the loader configuration (`include` lines followed one level).
fn ld_conf_dirs(image: &Image) -> Vec<String> {
    let mut dirs = Vec::new();
    let mut texts: Vec<&str> = Vec::new();
    if let Some(Content::Text(text)) = image.fs.content("etc/ld.so.conf") {
        texts.push(text);
    }
    for (path, _) in image.fs.below("etc/ld.so.conf.d") {
        if let Some(Content::Text(text)) = image.fs.content(path) {
            texts.push(text);
        }
    }
    for (path, _) in image.fs.below("etc") {
        if path.starts_with("etc/ld-musl-")
            && let Some(Content::Text(text)) = image.fs.content(path)
        {
            texts.push(text);
        }
    }
    for text in texts {
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() || line.starts_with("include") {
                continue;
            }
            for dir in line.split([':', ' ', '\t', ',']) {
                if dir.starts_with('/') {
                    dirs.push(dir.trim_end_matches('/').to_owned());
                }
            }
        }
    }
    dirs
}

fn default_dirs(image: &Image) -> Vec<String> {
    let mut dirs = Vec::new();
    if image.platform.libc == Some(Libc::Musl) {
        dirs.extend(["/lib", "/usr/local/lib", "/usr/lib"].map(str::to_owned));
        return dirs;
    }
    if let Some(triplet) = triplet(&image.platform.arch, image.platform.libc) {
        dirs.push(format!("/lib/{triplet}"));
        dirs.push(format!("/usr/lib/{triplet}"));
    }
    dirs.extend(["/lib", "/usr/lib", "/lib64", "/usr/lib64"].map(str::to_owned));
    dirs
}

fn expand(entry: &str, origin: &str) -> String {
    entry
        .replace("${ORIGIN}", origin)
        .replace("$ORIGIN", origin)
}

fn exists(image: &Image, path: &str) -> bool {
    match image.fs.resolve(path) {
        Resolved::Found(found) => image
            .fs
            .get(&found)
            .is_some_and(|n| matches!(n.kind, NodeKind::File | NodeKind::Hardlink(_))),
        _ => false,
    }
}

pub(crate) fn missing_shared_library(checker: &mut ImageChecker) {
    if !checker.enabled(Rule::ImageMissingSharedLibrary) {
        return;
    }
    let image = checker.image;
    let conf = ld_conf_dirs(image);
    let defaults = default_dirs(image);
    let env_path: Vec<String> = image
        .config
        .env("LD_LIBRARY_PATH")
        .map(|p| {
            p.split(':')
                .filter(|d| !d.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let musl = image.platform.libc == Some(Libc::Musl);
    let mut findings = Vec::new();
    for site in site_dirs(image) {
        for (path, node) in image.fs.below(&site) {
            let Some(Content::Binary(info)) = image.fs.content(path) else {
                continue;
            };
            let BinaryInfo::Elf(elf) = &**info else {
                continue;
            };
            if !matches!(
                pristine_binary::compatibility(info, &image.platform),
                Compat::Ok
            ) {
                continue;
            }
            let Fact::Known(needed) = &elf.needed else {
                continue;
            };
            let origin = format!("/{}", path.rsplit_once('/').map_or("", |(d, _)| d));
            let rpath: Vec<String> = match (&elf.rpath, &elf.runpath) {
                // DT_RPATH is ignored when DT_RUNPATH is present.
                (Fact::Known(Some(rpath)), Fact::Known(None)) => {
                    rpath.split(':').map(|e| expand(e, &origin)).collect()
                }
                _ => Vec::new(),
            };
            let runpath: Vec<String> = match &elf.runpath {
                Fact::Known(Some(runpath)) => {
                    runpath.split(':').map(|e| expand(e, &origin)).collect()
                }
                _ => Vec::new(),
            };
            for lib in needed {
                if lib.starts_with("ld-linux")
                    || lib.starts_with("ld64.so")
                    || lib.starts_with("ld-musl")
                    || (musl && (lib == "libc.so" || lib.starts_with("libc.musl-")))
                {
                    continue;
                }
                let found = if lib.contains('/') {
                    exists(image, lib)
                } else {
                    rpath
                        .iter()
                        .chain(&env_path)
                        .chain(&runpath)
                        .chain(&conf)
                        .chain(&defaults)
                        .any(|dir| exists(image, &format!("{dir}/{lib}")))
                };
                if found {
                    continue;
                }
                let relative = &path[site.len() + 1..];
                let error = if musl {
                    format!(
                        "Error loading shared library {lib}: No such file or directory (needed by /{path})"
                    )
                } else {
                    format!("{lib}: cannot open shared object file: No such file or directory")
                };
                let import = match module_of(relative) {
                    Some((module, _)) => {
                        format!("`import {module}` fails with `ImportError: {error}`")
                    }
                    None => format!("loading it fails with `{error}`"),
                };
                let searched = if runpath.is_empty() && rpath.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (searched {})",
                        rpath
                            .iter()
                            .chain(&runpath)
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                findings.push((
                    path.to_owned(),
                    format!(
                        "`/{path}` needs `{lib}`, which is not in the image's library path{searched}: {import}; added by {}",
                        checker.layer_label(node.layer)
                    ),
                ));
                break;
            }
        }
    }
    for (path, message) in findings {
        checker.report(Rule::ImageMissingSharedLibrary, Some(&path), message);
    }
}
