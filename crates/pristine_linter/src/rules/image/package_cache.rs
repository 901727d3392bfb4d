use crate::Rule;
use crate::checkers::context::count;
use crate::registry::declare_rule;
use crate::rules::image::leftovers::{dir_stats, dirs_named};
use crate::rules::image::{ImageChecker, human_bytes};

declare_rule! {
    /// ## What it does
    /// Reports package-manager caches left in the image: pip (`.cache/pip`), uv
    /// (`.cache/uv`), Poetry (`.cache/pypoetry`), pipenv, apt lists
    /// (`/var/lib/apt/lists`), apk (`/var/cache/apk`), conda `pkgs/`, with their size and
    /// the layer that added them.
    ///
    /// ## Why is this bad?
    /// Downloaded wheels and indexes are dead weight in every pull of the image; the
    /// installed packages do not need them.
    ///
    /// ## Example
    /// `RUN pip install -r requirements.txt` without `--no-cache-dir`.
    ///
    /// Use instead: `pip install --no-cache-dir`, `uv sync` with `UV_NO_CACHE=1` or a cache
    /// mount (`RUN --mount=type=cache,target=/root/.cache/uv`), and
    /// `rm -rf /var/lib/apt/lists/*` in the same `RUN` as `apt-get install`.
    ///
    /// ## References
    /// - [Docker: build cache mounts](https://docs.docker.com/build/cache/optimize/#use-cache-mounts)
    pub(crate) struct ImagePackageCache {
        code: "IM010",
        name: "image-package-cache",
        family: Image,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Package-manager cache left in the image",
    }
}

/// Below this, a cache directory is only its skeleton.
const MIN_BYTES: u64 = 64 * 1024;

pub(crate) fn package_cache(checker: &mut ImageChecker) {
    if !checker.enabled(Rule::ImagePackageCache) {
        return;
    }
    let dirs = dirs_named(checker, |path, name| {
        let parent = path.rsplit('/').nth(1).unwrap_or("");
        (parent == ".cache" && matches!(name, "pip" | "uv" | "pypoetry" | "pipenv" | "pdm"))
            || path == "var/lib/apt/lists"
            || path == "var/cache/apk"
            || (name == "pkgs" && path.contains("conda"))
    });
    let mut findings = Vec::new();
    for dir in dirs {
        let (bytes, files, layer) = dir_stats(checker, &dir);
        if bytes < MIN_BYTES {
            continue;
        }
        let layer = layer.map(|l| checker.layer_label(l)).unwrap_or_default();
        findings.push((
            dir.clone(),
            format!(
                "`/{dir}` is a package cache: {} in {}; added by {layer}",
                human_bytes(bytes),
                count(files as u64, "file")
            ),
        ));
    }
    for (path, message) in findings {
        checker.report(Rule::ImagePackageCache, Some(&path), message);
    }
}
