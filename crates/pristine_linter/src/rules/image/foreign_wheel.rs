use pristine_binary::{GlibcVersion, Libc};
use pristine_image::{Content, Image};

use crate::Rule;
use crate::registry::declare_rule;
use crate::rules::image::{ImageChecker, site_dirs};

declare_rule! {
    /// ## What it does
    /// Reads the `Tag:` lines of every installed wheel's `*.dist-info/WHEEL` and reports a
    /// distribution none of whose tags fits the image: macOS or Windows platform tags,
    /// another CPU, `manylinux` on a musl image, `musllinux` on a glibc image,
    /// `manylinux_2_Y` newer than the image's glibc, or a `cpXY` tag for another Python.
    /// No binary is parsed: this is cheap and catches packages whose native code is
    /// imported lazily.
    ///
    /// ## Why is this bad?
    /// pip in the image would refuse that wheel (`is not a supported wheel on this
    /// platform`); it got there by copying a host environment or by installing with
    /// `--platform` for the wrong target, and its native modules will not import.
    ///
    /// ## Example
    /// A `musllinux_1_2_x86_64` wheel in a `python:3.12-slim` (glibc) image.
    ///
    /// Use instead: install the packages in the image, or pass the image's platform to
    /// `pip download --platform`.
    ///
    /// ## References
    /// - [Platform compatibility tags](https://packaging.python.org/en/latest/specifications/platform-compatibility-tags/)
    pub(crate) struct ImageForeignWheel {
        code: "IM003",
        name: "image-foreign-wheel",
        family: Image,
        severity: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Installed wheel whose tags do not fit the image's platform",
    }
}

/// Why one platform tag does not fit, or `None` if it does.
fn platform_misfit(tag: &str, image: &Image) -> Option<String> {
    let arch = image.platform.arch.uname();
    if tag == "any" {
        return None;
    }
    if tag.starts_with("macosx") {
        return Some("macOS".to_owned());
    }
    if tag.starts_with("win") {
        return Some("Windows".to_owned());
    }
    let (family, rest) = if let Some(rest) = tag.strip_prefix("manylinux") {
        ("manylinux", rest)
    } else if let Some(rest) = tag.strip_prefix("musllinux") {
        ("musllinux", rest)
    } else if let Some(rest) = tag.strip_prefix("linux_") {
        ("linux", rest)
    } else {
        return Some(format!("platform `{tag}`"));
    };
    // `_2_17_x86_64`, `2014_aarch64`, `1_x86_64`, `x86_64` (linux_)
    let wheel_arch = [
        "x86_64",
        "aarch64",
        "armv7l",
        "armv6l",
        "i686",
        "ppc64le",
        "ppc64",
        "s390x",
        "riscv64",
        "loongarch64",
    ]
    .iter()
    .find(|a| rest.ends_with(*a))
    .copied()
    .unwrap_or(rest);
    if wheel_arch != arch {
        return Some(format!("{wheel_arch}, the image is {arch}"));
    }
    let libc = image.platform.libc;
    match family {
        "manylinux" => {
            if libc == Some(Libc::Musl) {
                return Some("glibc (manylinux), the image has musl".to_owned());
            }
            let version = rest.trim_start_matches('_');
            let version = version
                .strip_suffix(wheel_arch)
                .unwrap_or(version)
                .trim_end_matches('_');
            let required = match version {
                "1" => Some(GlibcVersion::new(2, 5)),
                "2010" => Some(GlibcVersion::new(2, 12)),
                "2014" => Some(GlibcVersion::new(2, 17)),
                v => v.replace('_', ".").parse().ok(),
            };
            if let (Some(required), Some(available)) = (required, image.platform.glibc)
                && required > available
            {
                return Some(format!("glibc {required}, the image has glibc {available}"));
            }
            None
        }
        "musllinux" if libc == Some(Libc::Glibc) => {
            Some("musl (musllinux), the image has glibc".to_owned())
        }
        _ => None,
    }
}

fn python_misfit(python: &str, abi: &str, image: &Image) -> Option<String> {
    let (major, minor) = image.python?;
    let ours = format!("cp{major}{minor}");
    let fits = python.split('.').any(|p| {
        p == ours
            || p == "py3"
            || p == format!("py{major}{minor}")
            || (abi == "abi3"
                && p.strip_prefix("cp3")
                    .and_then(|m| m.parse::<u16>().ok())
                    .is_some_and(|m| major == 3 && m <= minor))
            || (abi == "none" && p.starts_with("py"))
    });
    (!fits).then(|| format!("{python}, the image has Python {major}.{minor}"))
}

pub(crate) fn foreign_wheel(checker: &mut ImageChecker) {
    if !checker.enabled(Rule::ImageForeignWheel) {
        return;
    }
    let image = checker.image;
    let mut findings = Vec::new();
    for site in site_dirs(image) {
        for (path, node) in image.fs.below(&site) {
            let Some(dist) = path.strip_suffix("/WHEEL") else {
                continue;
            };
            if !dist.ends_with(".dist-info") || dist[site.len()..].matches('/').count() != 1 {
                continue;
            }
            let Some(Content::Text(text)) = image.fs.content(path) else {
                continue;
            };
            let tags: Vec<&str> = text
                .lines()
                .filter_map(|l| l.strip_prefix("Tag:"))
                .map(str::trim)
                .collect();
            if tags.is_empty() {
                continue;
            }
            let mut reasons = Vec::new();
            let fits = tags.iter().any(|tag| {
                let mut parts = tag.splitn(3, '-');
                let (Some(python), Some(abi), Some(platforms)) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    return true;
                };
                let misfit = platforms
                    .split('.')
                    .map(|p| platform_misfit(p, image))
                    .collect::<Vec<_>>();
                let platform_ok = misfit.iter().any(Option::is_none);
                let python_issue = python_misfit(python, abi, image);
                if !platform_ok {
                    reasons.extend(misfit.into_iter().flatten());
                } else if let Some(issue) = &python_issue {
                    reasons.push(issue.clone());
                }
                platform_ok && python_issue.is_none()
            });
            if fits {
                continue;
            }
            reasons.dedup();
            let name = dist.rsplit('/').next().unwrap_or(dist);
            findings.push((
                path.to_owned(),
                format!(
                    "`{name}` was installed from a wheel for another platform (`{}`: {}); pip in this image would refuse it (\"is not a supported wheel on this platform\"); added by {}",
                    tags.join("`, `"),
                    reasons.first().cloned().unwrap_or_default(),
                    checker.layer_label(node.layer)
                ),
            ));
        }
    }
    for (path, message) in findings {
        checker.report(Rule::ImageForeignWheel, Some(&path), message);
    }
}
