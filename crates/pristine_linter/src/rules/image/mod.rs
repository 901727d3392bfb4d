//! Rules over a built image (`pristine image`): its final filesystem, layers, history and
//! config, as [`pristine_image`] read them. No I/O here: the image is already read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pristine_binary::{Arch, Libc};
use pristine_diagnostics::Diagnostic;
use pristine_image::{Content, Image, NodeKind};

use crate::{LinterSettings, Rule};

pub(crate) mod credential_file;
pub(crate) mod dotenv_file;
pub(crate) mod foreign_native_binary;
pub(crate) mod foreign_wheel;
pub(crate) mod leftovers;
pub(crate) mod missing_healthcheck;
pub(crate) mod missing_shared_library;
pub(crate) mod package_cache;
pub(crate) mod runs_as_root;
pub(crate) mod tool_cache;
pub(crate) mod vcs_metadata;
pub(crate) mod venv_interpreter_missing;
pub(crate) mod venv_python_mismatch;
pub(crate) mod venv_relocated;
pub(crate) mod wasted_bytes;

/// What image rules read, and where they report.
pub(crate) struct ImageChecker<'a> {
    pub(crate) image: &'a Image,
    settings: &'a LinterSettings,
    /// The file diagnostics name: the image as the user gave it.
    file: PathBuf,
    diagnostics: Vec<Diagnostic>,
}

impl ImageChecker<'_> {
    pub(crate) fn enabled(&self, rule: Rule) -> bool {
        self.settings.rules.contains(rule)
    }

    /// Reports `message` about `path` (relative to the root; shown absolute) with the layer
    /// that made it.
    pub(crate) fn report(&mut self, rule: Rule, path: Option<&str>, message: String) {
        if !self.enabled(rule) {
            return;
        }
        let mut diagnostic = rule.diagnostic(message, self.file.clone());
        diagnostic.severity = self.settings.severity(rule);
        if let Some(path) = path {
            diagnostic = diagnostic.with_subject_path(format!("/{}", path.trim_start_matches('/')));
        }
        self.diagnostics.push(diagnostic);
    }

    /// `layer 3 (`COPY . .`)`.
    pub(crate) fn layer_label(&self, index: usize) -> String {
        match self
            .image
            .layers
            .get(index)
            .and_then(|l| l.instruction.as_deref())
        {
            Some(instruction) => format!("layer {} (`{}`)", index + 1, shorten(instruction, 80)),
            None => format!("layer {}", index + 1),
        }
    }

    /// The layer that wrote `path`.
    pub(crate) fn layer_of(&self, path: &str) -> Option<usize> {
        self.image.fs.get(path).map(|n| n.layer)
    }

    /// Whether a layer was made by `COPY`/`ADD` (files from the build context or a stage).
    pub(crate) fn is_copy_layer(&self, index: usize) -> bool {
        self.image
            .layers
            .get(index)
            .and_then(|l| l.instruction.as_deref())
            .is_some_and(|i| i.starts_with("COPY") || i.starts_with("ADD"))
    }

    /// Whether a layer was probably made by `COPY`/`ADD` from the build context, not from
    /// another stage or a base image's root filesystem. BuildKit drops `--from=` from the
    /// history (dockerd 26.1.5: `COPY --from=builder /opt/venv /opt/venv` is recorded as
    /// `COPY /opt/venv /opt/venv # buildkit`), so a copy whose sources are all absolute paths
    /// counts as a stage copy: sources from the context are written relative to it (`.`,
    /// `src/`), from a stage absolute. `ADD file:… in /` (classic builder) and
    /// `ADD rootfs.tar.xz /` are a base image's distribution files.
    pub(crate) fn is_context_copy_layer(&self, index: usize) -> bool {
        let Some(instruction) = self
            .image
            .layers
            .get(index)
            .and_then(|l| l.instruction.as_deref())
        else {
            return false;
        };
        let words: Vec<&str> = instruction.split_whitespace().collect();
        if !self.is_copy_layer(index) || words.iter().any(|w| w.starts_with("--from=")) {
            return false;
        }
        let rootfs = words.first() == Some(&"ADD") && words.last() == Some(&"/");
        let sources: Vec<&&str> = words
            .get(1..words.len().saturating_sub(1))
            .unwrap_or_default()
            .iter()
            .filter(|w| !w.starts_with("--"))
            .collect();
        let from_stage = !sources.is_empty() && sources.iter().all(|s| s.starts_with('/'));
        !rootfs && !from_stage
    }
}

pub(crate) fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        text
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// Every directory that is a Python `site-packages`/`dist-packages` (or `lib-dynload`).
pub(crate) fn site_dirs(image: &Image) -> Vec<String> {
    let mut dirs: Vec<String> = Vec::new();
    for (path, node) in image.fs.iter() {
        if node.kind != NodeKind::Dir && !matches!(node.kind, NodeKind::File) {
            continue;
        }
        for marker in ["/site-packages", "/dist-packages", "/lib-dynload"] {
            if let Some(at) = path.find(&format!("{marker}/")).or_else(|| {
                (path.ends_with(marker) && node.kind == NodeKind::Dir)
                    .then(|| path.len() - marker.len())
            }) {
                let dir = &path[..at + marker.len()];
                if dirs.last().is_none_or(|d| d != dir) && !dirs.iter().any(|d| d == dir) {
                    dirs.push(dir.to_owned());
                }
            }
        }
    }
    dirs
}

/// Virtual environments: the directories holding a `pyvenv.cfg`, with its text.
pub(crate) fn venvs(image: &Image) -> Vec<(String, BTreeMap<String, String>)> {
    image
        .fs
        .iter()
        .filter(|(path, _)| path.rsplit('/').next() == Some("pyvenv.cfg"))
        .map(|(path, _)| {
            let root = path.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
            match image.fs.content(path) {
                Some(Content::Text(text)) => (root, parse_cfg(text)),
                _ => (root, BTreeMap::new()),
            }
        })
        .collect()
}

fn parse_cfg(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// The multiarch triplet in CPython's extension suffix (`x86_64-linux-gnu`).
pub(crate) fn triplet(arch: &Arch, libc: Option<Libc>) -> Option<String> {
    let cpu = match arch {
        Arch::Amd64 => "x86_64",
        Arch::Arm64 => "aarch64",
        Arch::Arm => {
            return Some(
                if libc == Some(Libc::Musl) {
                    "arm-linux-musleabihf"
                } else {
                    "arm-linux-gnueabihf"
                }
                .to_owned(),
            );
        }
        Arch::I386 => "i386",
        Arch::Ppc64le => "powerpc64le",
        Arch::S390x => "s390x",
        Arch::Riscv64 => "riscv64",
        Arch::Loong64 => "loongarch64",
        _ => return None,
    };
    let abi = if libc == Some(Libc::Musl) {
        "musl"
    } else {
        "gnu"
    };
    Some(format!("{cpu}-linux-{abi}"))
}

/// `importlib.machinery.EXTENSION_SUFFIXES` of the image's Python (python-rules.md §2.6).
pub(crate) fn extension_suffixes(image: &Image) -> Option<Vec<String>> {
    let (major, minor) = image.python?;
    let triplet = triplet(&image.platform.arch, image.platform.libc)?;
    Some(vec![
        format!(".cpython-{major}{minor}-{triplet}.so"),
        ".abi3.so".to_owned(),
        ".so".to_owned(),
    ])
}

pub(crate) use pristine_diagnostics::human_bytes;

/// Runs every image rule over `image`. `file` is what diagnostics name (the tarball, directory
/// or image reference as the user gave it).
pub fn check_image(image: &Image, file: &Path, settings: &LinterSettings) -> Vec<Diagnostic> {
    let mut checker = ImageChecker {
        image,
        settings,
        file: file.to_path_buf(),
        diagnostics: Vec::new(),
    };
    foreign_native_binary::foreign_native_binary(&mut checker);
    missing_shared_library::missing_shared_library(&mut checker);
    foreign_wheel::foreign_wheel(&mut checker);
    venv_interpreter_missing::venv_interpreter_missing(&mut checker);
    venv_python_mismatch::venv_python_mismatch(&mut checker);
    venv_relocated::venv_relocated(&mut checker);
    package_cache::package_cache(&mut checker);
    vcs_metadata::vcs_metadata(&mut checker);
    dotenv_file::dotenv_file(&mut checker);
    credential_file::credential_file(&mut checker);
    tool_cache::tool_cache(&mut checker);
    wasted_bytes::wasted_bytes(&mut checker);
    runs_as_root::runs_as_root(&mut checker);
    missing_healthcheck::missing_healthcheck(&mut checker);
    let mut diagnostics = checker.diagnostics;
    diagnostics.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.rule.code.cmp(b.rule.code))
            .then(a.subject_path.cmp(&b.subject_path))
    });
    diagnostics
}
