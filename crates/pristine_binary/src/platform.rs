//! Target platforms (`linux/amd64`, `linux/arm/v7`, …), architectures, C libraries, and what a
//! base-image reference says about its C library.
//!
//! The architecture table is python-rules.md §2.2 (`e_machine` ↔ `uname -m` ↔ wheel arch ↔ OCI
//! `GOARCH`/variant); the base-image table is §2.5 plus the Debian/Ubuntu/Alpine release facts
//! written next to [`base_image_libc`].

use std::fmt;
use std::str::FromStr;

/// A CPU architecture, named as Docker/OCI names it (`GOARCH`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Arch {
    Amd64,
    Arm64,
    /// 32-bit ARM (`armv7l`, `armv6l`; Docker `linux/arm/v7`, `linux/arm/v6`).
    Arm,
    I386,
    Ppc64le,
    /// Big-endian ppc64.
    Ppc64,
    S390x,
    Riscv64,
    Loong64,
    /// 32-bit PowerPC (old Mach-O slices).
    Ppc,
    /// Anything else, by the name the format uses (`e_machine 0x…`, `cputype 0x…`).
    Other(String),
}

impl Arch {
    /// Docker/OCI name (`GOARCH`): `amd64`, `arm64`, `arm`, `386`, …
    pub fn docker(&self) -> &str {
        match self {
            Arch::Amd64 => "amd64",
            Arch::Arm64 => "arm64",
            Arch::Arm => "arm",
            Arch::I386 => "386",
            Arch::Ppc64le => "ppc64le",
            Arch::Ppc64 => "ppc64",
            Arch::S390x => "s390x",
            Arch::Riscv64 => "riscv64",
            Arch::Loong64 => "loong64",
            Arch::Ppc => "ppc",
            Arch::Other(name) => name,
        }
    }

    /// `uname -m` / wheel-tag name: `x86_64`, `aarch64`, `armv7l`, `i686`, …
    pub fn uname(&self) -> &str {
        match self {
            Arch::Amd64 => "x86_64",
            Arch::Arm64 => "aarch64",
            Arch::Arm => "armv7l",
            Arch::I386 => "i686",
            Arch::Ppc64le => "ppc64le",
            Arch::Ppc64 => "ppc64",
            Arch::S390x => "s390x",
            Arch::Riscv64 => "riscv64",
            Arch::Loong64 => "loongarch64",
            Arch::Ppc => "ppc",
            Arch::Other(name) => name,
        }
    }

    /// Apple's name (Mach-O, macOS wheel tags): `arm64`, `x86_64`, `i386`, …
    pub fn apple(&self) -> &str {
        match self {
            Arch::Arm64 => "arm64",
            Arch::I386 => "i386",
            Arch::Arm => "arm",
            other => other.uname(),
        }
    }

    /// ELF class a Linux binary for this architecture has (None: unknown architecture).
    pub fn elf_class(&self) -> Option<crate::ElfClass> {
        use crate::ElfClass::{Elf32, Elf64};
        match self {
            Arch::Amd64
            | Arch::Arm64
            | Arch::Ppc64le
            | Arch::Ppc64
            | Arch::S390x
            | Arch::Riscv64
            | Arch::Loong64 => Some(Elf64),
            Arch::Arm | Arch::I386 | Arch::Ppc => Some(Elf32),
            Arch::Other(_) => None,
        }
    }

    /// Byte order of Linux binaries for this architecture.
    pub fn endian(&self) -> Option<crate::Endian> {
        use crate::Endian::{Big, Little};
        match self {
            Arch::Ppc64 | Arch::S390x | Arch::Ppc => Some(Big),
            Arch::Other(_) => None,
            _ => Some(Little),
        }
    }

    /// From a Docker/OCI, `uname -m` or wheel-tag name.
    pub fn from_name(name: &str) -> Option<Arch> {
        Some(match name.to_ascii_lowercase().as_str() {
            "amd64" | "x86_64" | "x86-64" | "x64" => Arch::Amd64,
            "arm64" | "aarch64" | "arm64v8" => Arch::Arm64,
            "arm" | "armv7l" | "armv7" | "armv6l" | "armv6" | "armhf" | "armel" | "arm32v7"
            | "arm32v6" => Arch::Arm,
            "386" | "i386" | "i686" | "x86" | "i586" => Arch::I386,
            "ppc64le" => Arch::Ppc64le,
            "ppc64" => Arch::Ppc64,
            "s390x" => Arch::S390x,
            "riscv64" => Arch::Riscv64,
            "loong64" | "loongarch64" => Arch::Loong64,
            _ => return None,
        })
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.docker())
    }
}

/// A C library a binary links against or an image provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Libc {
    Glibc,
    Musl,
}

impl fmt::Display for Libc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Libc::Glibc => "glibc",
            Libc::Musl => "musl",
        })
    }
}

/// A glibc symbol version, `GLIBC_2.28` → 2.28 (`GLIBC_2.2.5` → 2.2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GlibcVersion {
    pub major: u16,
    pub minor: u16,
    pub patch: u16,
}

impl GlibcVersion {
    pub const fn new(major: u16, minor: u16) -> Self {
        GlibcVersion {
            major,
            minor,
            patch: 0,
        }
    }

    /// Parses a version-need name `GLIBC_2.34` (not `GLIBC_PRIVATE`, not `GLIBCXX_3.4`).
    pub fn from_symbol_version(name: &str) -> Option<Self> {
        name.strip_prefix("GLIBC_")?.parse().ok()
    }
}

impl FromStr for GlibcVersion {
    type Err = ();

    /// `2.36` or `2.2.5`.
    fn from_str(s: &str) -> Result<Self, ()> {
        let mut parts = s.split('.');
        let mut next = |required: bool| -> Result<u16, ()> {
            match parts.next() {
                Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                    p.parse().map_err(|_| ())
                }
                None if !required => Ok(0),
                _ => Err(()),
            }
        };
        let version = GlibcVersion {
            major: next(true)?,
            minor: next(true)?,
            patch: next(false)?,
        };
        if parts.next().is_some() {
            Err(())
        } else {
            Ok(version)
        }
    }
}

impl fmt::Display for GlibcVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if self.patch != 0 {
            write!(f, ".{}", self.patch)?;
        }
        Ok(())
    }
}

/// The platform a build targets: from `--platform`, compose `platforms`, `FROM --platform=`, plus
/// what the base image tells about its C library.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Platform {
    /// `linux`, `windows`, …
    pub os: String,
    pub arch: Arch,
    /// `v7`, `v8`, … (normalised away where it is the only one: `linux/arm64/v8` = `linux/arm64`).
    pub variant: Option<String>,
    /// None: not known (e.g. an unknown base image).
    pub libc: Option<Libc>,
    /// The image's glibc when `libc` is glibc and the version is known.
    pub glibc: Option<GlibcVersion>,
}

/// A platform string Docker would reject.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid platform `{input}`: {reason}")]
pub struct ParsePlatformError {
    pub input: String,
    pub reason: &'static str,
}

impl Platform {
    /// `linux/amd64`.
    pub fn linux_amd64() -> Self {
        Platform {
            os: "linux".to_owned(),
            arch: Arch::Amd64,
            variant: None,
            libc: None,
            glibc: None,
        }
    }

    /// The platform with what a base image implies about its C library (see [`base_image_libc`]).
    #[must_use]
    pub fn with_base_image(mut self, image: &str) -> Self {
        match base_image_libc(image) {
            Some(BaseImageLibc::Glibc(version)) => {
                self.libc = Some(Libc::Glibc);
                self.glibc = version;
            }
            Some(BaseImageLibc::Musl) => {
                self.libc = Some(Libc::Musl);
                self.glibc = None;
            }
            None => {}
        }
        self
    }

    /// `linux/amd64` or `linux/arm64/v8` or `linux/arm/v7`, as Docker writes it.
    pub fn docker(&self) -> String {
        match &self.variant {
            Some(variant) => format!("{}/{}/{variant}", self.os, self.arch.docker()),
            None => format!("{}/{}", self.os, self.arch.docker()),
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.docker())
    }
}

impl FromStr for Platform {
    type Err = ParsePlatformError;

    /// Parses `os/arch[/variant]` as containerd's `platforms.Parse` does for the common cases:
    /// case-insensitive, `x86_64`/`aarch64`/`armhf` aliases, `linux/arm64/v8` normalised to
    /// `linux/arm64`, `linux/arm` defaulting to variant `v7`. A bare `arm64` (no os) means linux.
    fn from_str(input: &str) -> Result<Self, ParsePlatformError> {
        let err = |reason| ParsePlatformError {
            input: input.to_owned(),
            reason,
        };
        let lower = input.trim().to_ascii_lowercase();
        let parts: Vec<&str> = lower.split('/').collect();
        let (os, arch, variant) = match parts.as_slice() {
            [single] if Arch::from_name(single).is_some() => ("linux", *single, None),
            [os, arch] => (*os, *arch, None),
            [os, arch, variant] => (*os, *arch, Some(*variant)),
            _ => return Err(err("expected os/arch[/variant]")),
        };
        if os.is_empty() || !os.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(err("bad os"));
        }
        let parsed_arch = Arch::from_name(arch).ok_or_else(|| err("unknown architecture"))?;
        let variant = match (&parsed_arch, variant, arch) {
            (Arch::Arm64, Some("v8") | None, _) | (Arch::Amd64, Some("v1"), _) => None,
            (Arch::Arm, None, "armv6l" | "armv6" | "armel" | "arm32v6") => Some("v6".to_owned()),
            (Arch::Arm, None, _) => Some("v7".to_owned()),
            (_, Some(""), _) => return Err(err("empty variant")),
            (_, variant, _) => variant.map(str::to_owned),
        };
        Ok(Platform {
            os: os.to_owned(),
            arch: parsed_arch,
            variant,
            libc: None,
            glibc: None,
        })
    }
}

/// The C library a base image provides, as far as its reference tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BaseImageLibc {
    /// glibc, with its version when the tag names the distribution release.
    Glibc(Option<GlibcVersion>),
    Musl,
}

/// glibc of each Debian/Ubuntu release, by codename (`libc6` in the release's archive):
/// buster 2.28, bullseye 2.31, bookworm 2.36, trixie 2.41; Ubuntu focal 2.31, jammy 2.35,
/// noble 2.39. (python-rules.md §2.5: bookworm "exactly 2.36"; trixie ≥ 2.39, 2.41 is the
/// version trixie released with.)
const RELEASES: &[(&str, GlibcVersion)] = &[
    ("buster", GlibcVersion::new(2, 28)),
    ("bullseye", GlibcVersion::new(2, 31)),
    ("bookworm", GlibcVersion::new(2, 36)),
    ("trixie", GlibcVersion::new(2, 41)),
    ("focal", GlibcVersion::new(2, 31)),
    ("jammy", GlibcVersion::new(2, 35)),
    ("noble", GlibcVersion::new(2, 39)),
];

/// The Debian release an official `python:<version>[-slim]` tag without a codename resolves to,
/// as of the knowledge snapshot (python-rules.md R34: `3.12-slim` → `3.12.14-slim-trixie`;
/// docker-library moved every maintained version to trixie at once). This drifts: a tag without a
/// codename is a floating tag.
const PYTHON_DEFAULT_RELEASE: &str = "trixie";

/// What an image reference (`python:3.11-slim`, `docker.io/library/python:3.12-alpine3.20@sha256:…`,
/// `debian:bookworm-slim`, `ubuntu:22.04`, `alpine`) says about the C library of the image.
/// None when it does not say (an unknown image, or a variable).
///
/// - `alpine` images, and tags containing `alpine` → musl;
/// - a tag naming a Debian/Ubuntu codename → glibc of that release ([`RELEASES`]);
/// - `debian:<n>`, `ubuntu:<yy.mm>` → the release's glibc;
/// - `python:*` and `pypy:*` without a codename → glibc of [`PYTHON_DEFAULT_RELEASE`];
/// - other `*-slim`, `debian`, `ubuntu`, `buildpack-deps`, distroless → glibc, version unknown.
pub fn base_image_libc(image: &str) -> Option<BaseImageLibc> {
    let image = image.trim().to_ascii_lowercase();
    if image.is_empty() || image.contains('$') || image == "scratch" {
        return None;
    }
    let without_digest = image.split('@').next().unwrap_or_default();
    // The tag follows the last `:` after the last `/` (a registry port has a `/` after it).
    let last_slash = without_digest.rfind('/').map_or(0, |i| i + 1);
    let (repo, tag) = match without_digest[last_slash..].rfind(':') {
        Some(colon) => (
            &without_digest[..last_slash + colon],
            &without_digest[last_slash + colon + 1..],
        ),
        None => (without_digest, "latest"),
    };
    let name = repo.rsplit('/').next().unwrap_or_default();
    if name == "alpine" || tag.contains("alpine") || name.ends_with("-alpine") {
        return Some(BaseImageLibc::Musl);
    }
    for (codename, version) in RELEASES {
        if tag.split(['-', '.', '_']).any(|part| part == *codename) {
            return Some(BaseImageLibc::Glibc(Some(*version)));
        }
    }
    let numbered = |table: &[(&str, GlibcVersion)]| {
        table
            .iter()
            .find(|(prefix, _)| {
                tag == *prefix
                    || tag.starts_with(&format!("{prefix}-"))
                    || tag.starts_with(&format!("{prefix}."))
            })
            .map(|(_, v)| BaseImageLibc::Glibc(Some(*v)))
    };
    match name {
        "debian" => numbered(&[
            ("10", GlibcVersion::new(2, 28)),
            ("11", GlibcVersion::new(2, 31)),
            ("12", GlibcVersion::new(2, 36)),
            ("13", GlibcVersion::new(2, 41)),
        ])
        .or(Some(BaseImageLibc::Glibc(None))),
        "ubuntu" => numbered(&[
            ("20.04", GlibcVersion::new(2, 31)),
            ("22.04", GlibcVersion::new(2, 35)),
            ("24.04", GlibcVersion::new(2, 39)),
        ])
        .or(Some(BaseImageLibc::Glibc(None))),
        "python" | "pypy" => {
            let default = RELEASES
                .iter()
                .find(|(c, _)| *c == PYTHON_DEFAULT_RELEASE)
                .map(|(_, v)| *v);
            Some(BaseImageLibc::Glibc(default))
        }
        "buildpack-deps" => Some(BaseImageLibc::Glibc(None)),
        _ if repo.contains("distroless") => Some(BaseImageLibc::Glibc(None)),
        _ => None,
    }
}
