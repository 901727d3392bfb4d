use std::path::Path;

use pristine_binary::{Compat, ForeignReason, Libc};
use pristine_image::{Content, Image, NodeKind};

use crate::Rule;
use crate::registry::declare_rule;
use crate::rules::image::{ImageChecker, extension_suffixes, site_dirs};

declare_rule! {
    /// ## What it does
    /// Reads the headers of every native extension module and shared library in the image's
    /// Python environments (`site-packages`, `dist-packages`, `lib-dynload`) and predicts what
    /// `import` does with it on the image's platform: Mach-O (macOS) and PE (Windows) files,
    /// ELF files of another CPU, class or byte order, binaries linked against the other C
    /// library (musl on a glibc image and the reverse), and binaries needing a newer
    /// `GLIBC_x.y` than the image's `libc.so.6`. The message is the exact error Python prints.
    ///
    /// A file whose name carries another platform's extension suffix
    /// (`_speedups.cpython-311-aarch64-linux-gnu.so` on `linux/amd64`) is never tried by the
    /// import system: the import then fails with `ModuleNotFoundError` unless another file
    /// provides the module.
    ///
    /// ## Why is this bad?
    /// The image builds and starts, then crashes on the first import:
    /// `ImportError: /app/.venv/lib/python3.11/site-packages/cryptography/hazmat/bindings/_rust.abi3.so: invalid ELF header`
    /// when `.venv` was copied from a Mac.
    ///
    /// ## Example
    /// `COPY . .` of a project whose `.venv` was made by `uv sync` on macOS.
    ///
    /// Use instead: exclude the environment (`.dockerignore`: `**/.venv`) and install the
    /// packages in the image, for its platform.
    ///
    /// ## References
    /// - glibc `elf/dl-load.c`, musl `ldso/dynlink.c` (loader errors)
    /// - [`importlib.machinery.EXTENSION_SUFFIXES`](https://docs.python.org/3/library/importlib.html#importlib.machinery.EXTENSION_SUFFIXES)
    pub(crate) struct ImageForeignNativeBinary {
        code: "IM001",
        name: "image-foreign-native-binary",
        family: Image,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Native module in the image that cannot be imported on its platform",
    }
}

/// The module a file in a site directory provides: `cryptography/hazmat/bindings/_rust.abi3.so`
/// → (`cryptography.hazmat.bindings._rust`, `.abi3.so`). Module names have no dots, so the
/// suffix starts at the first dot of the file name.
pub(crate) fn module_of(relative: &str) -> Option<(String, String)> {
    let (dir, name) = relative.rsplit_once('/').unwrap_or(("", relative));
    let dot = name.find('.')?;
    let (stem, suffix) = name.split_at(dot);
    let identifier = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_alphanumeric() || c == '_')
    };
    if !identifier(stem) || !dir.split('/').filter(|d| !d.is_empty()).all(identifier) {
        // `numpy.libs/libopenblas-….so`: a library that modules load, not a module.
        return None;
    }
    let module = if dir.is_empty() {
        stem.to_owned()
    } else {
        format!("{}.{stem}", dir.replace('/', "."))
    };
    Some((module, suffix.to_owned()))
}

/// The glibc path the loader names in a version error.
fn libc_shown(image: &Image) -> String {
    if let Some(triplet) = super::triplet(&image.platform.arch, Some(Libc::Glibc)) {
        let candidate = format!("lib/{triplet}/libc.so.6");
        if matches!(
            image.fs.resolve(&candidate),
            pristine_image::Resolved::Found(_)
        ) {
            return format!("/{candidate}");
        }
    }
    image
        .libc_path
        .as_deref()
        .map_or_else(|| "libc.so.6".to_owned(), |p| format!("/{p}"))
}

/// The `ImportError` text for a foreign binary at `/path` that Python tries to load.
pub(crate) fn import_error(
    image: &Image,
    path: &str,
    reason: &ForeignReason,
    runtime_error: &str,
) -> String {
    match reason {
        ForeignReason::WrongLibc {
            binary: Libc::Musl, ..
        } => format!("ImportError: {runtime_error}"),
        ForeignReason::WrongLibc {
            binary: Libc::Glibc,
            ..
        } => format!("ImportError: {runtime_error} (needed by /{path})"),
        ForeignReason::GlibcTooOld { .. } => format!(
            "ImportError: {}: {runtime_error} (required by /{path})",
            libc_shown(image)
        ),
        _ => format!("ImportError: /{path}: {runtime_error}"),
    }
}

/// Whether another file provides `stem` in `dir` (a `.py`, a package directory, or an
/// extension with a suffix the interpreter tries).
fn has_alternative(image: &Image, dir: &str, stem: &str, suffixes: &[String]) -> bool {
    let base = if dir.is_empty() {
        stem.to_owned()
    } else {
        format!("{dir}/{stem}")
    };
    image.fs.is_dir(&base)
        || image.fs.get(&format!("{base}.py")).is_some()
        || image.fs.get(&format!("{base}.pyc")).is_some()
        || suffixes
            .iter()
            .any(|s| image.fs.get(&format!("{base}{s}")).is_some())
}

pub(crate) fn foreign_native_binary(checker: &mut ImageChecker) {
    if !checker.enabled(Rule::ImageForeignNativeBinary) {
        return;
    }
    let image = checker.image;
    let platform = &image.platform;
    let suffixes = extension_suffixes(image);
    let mut findings = Vec::new();
    for site in site_dirs(image) {
        for (path, node) in image.fs.below(&site) {
            if !matches!(node.kind, NodeKind::File | NodeKind::Hardlink(_)) {
                continue;
            }
            let Some(Content::Binary(info)) = image.fs.content(path) else {
                continue;
            };
            let relative = &path[site.len() + 1..];
            let name = relative.rsplit('/').next().unwrap_or(relative);
            let compat = pristine_binary::compatibility(info, platform);
            let (module, suffix) = module_of(relative).unwrap_or_default();
            let is_so = Path::new(name).extension().is_some_and(|e| e == "so");
            let is_pyd = Path::new(name).extension().is_some_and(|e| e == "pyd");
            let is_extension = !module.is_empty() && (is_so || is_pyd);
            let tried = suffixes.as_ref().is_none_or(|list| list.contains(&suffix));
            let layer = checker.layer_label(node.layer);
            match compat {
                Compat::Foreign {
                    reason,
                    runtime_error,
                } => {
                    let what = if matches!(reason, ForeignReason::NotElf { .. }) {
                        info.to_string()
                    } else {
                        format!("{info}, {reason}")
                    };
                    let error = if is_extension && tried && is_so {
                        format!(
                            "`import {module}` fails with `{}`",
                            import_error(image, path, &reason, &runtime_error)
                        )
                    } else if is_extension {
                        let dir = &path[..path.len() - name.len()].trim_end_matches('/');
                        let stem = name.split('.').next().unwrap_or(name);
                        if has_alternative(image, dir, stem, suffixes.as_deref().unwrap_or(&[])) {
                            format!(
                                "Python never loads it (the suffix `{suffix}` is not one {platform} tries); another file provides `{module}`"
                            )
                        } else {
                            format!(
                                "Python never loads it (the suffix `{suffix}` is not one {platform} tries): `import {module}` fails with `ModuleNotFoundError: No module named '{module}'`"
                            )
                        }
                    } else {
                        format!("loading it fails with `/{path}: {runtime_error}`")
                    };
                    findings.push((
                        path.to_owned(),
                        format!(
                            "`/{path}` is {} {what}: {error}; added by {layer}",
                            if what.starts_with(['A', 'E', 'I', 'O', 'U']) {
                                "an"
                            } else {
                                "a"
                            }
                        ),
                    ));
                }
                Compat::Ok => {
                    // Compatible headers, but a suffix for another Python: never imported.
                    if !is_extension
                        || tried
                        || suffixes.is_none()
                        || !suffix.starts_with(".cpython-")
                    {
                        continue;
                    }
                    let dir = &path[..path.len() - name.len()].trim_end_matches('/');
                    let stem = name.split('.').next().unwrap_or(name);
                    if has_alternative(image, dir, stem, suffixes.as_deref().unwrap_or(&[])) {
                        continue;
                    }
                    let python = image
                        .python
                        .map(|(a, b)| format!("Python {a}.{b}"))
                        .unwrap_or_default();
                    findings.push((
                        path.to_owned(),
                        format!(
                            "`/{path}` was built for another Python (`{suffix}`), the image has {python}: `import {module}` fails with `ModuleNotFoundError: No module named '{module}'`; added by {layer}"
                        ),
                    ));
                }
            }
        }
    }
    for (path, message) in findings {
        checker.report(Rule::ImageForeignNativeBinary, Some(&path), message);
    }
}

#[cfg(test)]
mod tests {
    use super::module_of;

    #[test]
    fn modules() {
        assert_eq!(module_of("numpy.libs/libopenblas-r0.3.so"), None);
        assert_eq!(
            module_of("cryptography/hazmat/bindings/_rust.abi3.so"),
            Some((
                "cryptography.hazmat.bindings._rust".into(),
                ".abi3.so".into()
            ))
        );
        assert_eq!(
            module_of("_cffi_backend.cpython-311-x86_64-linux-gnu.so"),
            Some((
                "_cffi_backend".into(),
                ".cpython-311-x86_64-linux-gnu.so".into()
            ))
        );
    }
}
