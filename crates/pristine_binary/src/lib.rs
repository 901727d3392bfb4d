//! Native-binary inspection from headers, and whether a binary loads in a Linux image.
//!
//! [`inspect`] decides by content (magic), never by file name, and reads only headers: the ELF
//! file header, program headers, the dynamic segment, `.dynstr` strings and the version-needs
//! table (reached through the program headers, so no section headers at the end of the file are
//! needed); the Mach-O header of each fat slice; the PE DOS and COFF headers. It is generic over
//! [`object::ReadRef`], so a caller can pass
//!
//! - a byte slice: the whole file, or a bounded prefix of it (say the first [`RECOMMENDED_PREFIX`]
//!   bytes). Facts whose bytes lie beyond the prefix come back as [`Fact::Unknown`]; only the
//!   header itself must be there (else [`InspectError::Truncated`]);
//! - `&object::read::ReadCache<std::fs::File>`: lazy range reads, so every fact is known and only
//!   the few ranges above are read, even of a 2 GB file.
//!
//! This crate does no I/O and never panics on any input (there is a proptest and a fuzz target).
//!
//! [`compatibility`] then says whether a binary loads on a [`Platform`] and, when not, the exact
//! error the loader prints (glibc `dl-load.c`, musl `dynlink.c`, runc), e.g. `invalid ELF header`
//! for a Mach-O `_rust.abi3.so` imported on `linux/amd64`.

mod candidate;
mod compat;
mod elf;
mod macho;
mod pe;
mod platform;

use std::fmt;

pub use candidate::{is_binary_candidate, python_tries_to_load};
pub use compat::{Compat, ForeignReason, compatibility};
pub use object::ReadRef;
pub use object::read::{ReadCache, ReadCacheOps};
pub use platform::{
    Arch, BaseImageLibc, GlibcVersion, Libc, ParsePlatformError, Platform, base_image_libc,
};

/// How many leading bytes a caller should read when it passes a prefix instead of the whole
/// file: the headers, dynamic segment, `.dynstr` and `.gnu.version_r` of real extension modules
/// lie in the first few pages; 1 MiB leaves room for big `DT_NEEDED` string tables.
pub const RECOMMENDED_PREFIX: usize = 1 << 20;

/// A fact read from the binary, or unknown because its bytes were not available (beyond the
/// prefix the caller read) or were corrupt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact<T> {
    Known(T),
    Unknown,
}

impl<T> Fact<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Fact::Known(value) => Some(value),
            Fact::Unknown => None,
        }
    }

    pub fn is_known(&self) -> bool {
        matches!(self, Fact::Known(_))
    }
}

impl<T> From<Option<T>> for Fact<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Fact::Unknown, Fact::Known)
    }
}

/// The container format, from the magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Elf,
    /// Thin or fat (universal) Mach-O.
    MachO,
    Pe,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Elf => "ELF",
            Format::MachO => "Mach-O",
            Format::Pe => "PE",
        })
    }
}

/// Why [`inspect`] could not describe the bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectError {
    /// No ELF, Mach-O or PE magic: a script, text, or another kind of file.
    #[error("not a native binary (no ELF, Mach-O or PE magic)")]
    NotBinary,
    /// The magic is there but the header is cut short.
    #[error("truncated {0} header")]
    Truncated(Format),
    /// The magic is there but the header is inconsistent.
    #[error("corrupt {format} header: {what}")]
    Corrupt { format: Format, what: &'static str },
}

/// What [`inspect`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BinaryInfo {
    Elf(ElfInfo),
    MachO(MachOInfo),
    Pe(PeInfo),
}

impl BinaryInfo {
    pub fn format(&self) -> Format {
        match self {
            BinaryInfo::Elf(_) => Format::Elf,
            BinaryInfo::MachO(_) => Format::MachO,
            BinaryInfo::Pe(_) => Format::Pe,
        }
    }

    /// The architectures the binary contains code for (several for a fat Mach-O).
    pub fn arches(&self) -> Vec<Arch> {
        match self {
            BinaryInfo::Elf(elf) => vec![elf.arch.clone()],
            BinaryInfo::MachO(macho) => macho.slices.iter().map(|s| s.arch.clone()).collect(),
            BinaryInfo::Pe(pe) => vec![pe.arch.clone()],
        }
    }
}

/// Short human description, as used in diagnostics: `ELF aarch64 (glibc) shared object`,
/// `Mach-O arm64 (macOS) bundle`, `Mach-O universal x86_64+arm64 (macOS) bundle`,
/// `PE x86_64 (Windows) DLL`.
impl fmt::Display for BinaryInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BinaryInfo::Elf(elf) => {
                write!(f, "ELF {}", elf.arch.uname())?;
                match elf.libc {
                    Fact::Known(Some(libc)) => write!(f, " ({libc})")?,
                    Fact::Known(None) | Fact::Unknown => {}
                }
                match elf.kind {
                    ElfKind::SharedObject if matches!(elf.interpreter, Fact::Known(Some(_))) => {
                        f.write_str(" executable")
                    }
                    kind => write!(f, " {kind}"),
                }
            }
            BinaryInfo::MachO(macho) => {
                f.write_str("Mach-O ")?;
                if macho.fat {
                    f.write_str("universal ")?;
                }
                let names: Vec<&str> = macho.slices.iter().map(|s| s.arch.apple()).collect();
                write!(f, "{} (macOS)", names.join("+"))?;
                match macho.slices.first().map(|s| &s.file_type) {
                    Some(Fact::Known(kind)) => write!(f, " {kind}"),
                    _ => Ok(()),
                }
            }
            BinaryInfo::Pe(pe) => {
                write!(
                    f,
                    "PE {} (Windows) {}",
                    pe.arch.uname(),
                    if pe.dll { "DLL" } else { "executable" }
                )
            }
        }
    }
}

/// ELF file class (`EI_CLASS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ElfClass {
    Elf32,
    Elf64,
}

impl fmt::Display for ElfClass {
    /// glibc's spelling, as in `wrong ELF class: ELFCLASS32`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ElfClass::Elf32 => "ELFCLASS32",
            ElfClass::Elf64 => "ELFCLASS64",
        })
    }
}

/// Byte order (`EI_DATA` for ELF).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endian {
    Little,
    Big,
}

/// ELF `e_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ElfKind {
    Relocatable,
    Executable,
    /// `ET_DYN`: shared objects and position-independent executables (these have an interpreter).
    SharedObject,
    Core,
    Other(u16),
}

impl fmt::Display for ElfKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ElfKind::Relocatable => f.write_str("object file"),
            ElfKind::Executable => f.write_str("executable"),
            ElfKind::SharedObject => f.write_str("shared object"),
            ElfKind::Core => f.write_str("core dump"),
            ElfKind::Other(value) => write!(f, "file of type {value:#x}"),
        }
    }
}

/// One `Elf*_Verneed` entry of `.gnu.version_r`: a library and the versions needed from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionNeed {
    /// `vn_file`, e.g. `libc.so.6`.
    pub file: String,
    /// `vna_name`s, e.g. `GLIBC_2.2.5`, `GLIBC_2.34`.
    pub versions: Vec<String>,
}

/// An ELF file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfInfo {
    pub class: ElfClass,
    pub endian: Endian,
    /// `EI_OSABI`: 0 (SYSV) or 3 (GNU/Linux) for Linux binaries.
    pub os_abi: u8,
    pub abi_version: u8,
    pub kind: ElfKind,
    /// Raw `e_machine`.
    pub machine: u16,
    /// `e_machine` with class and byte order, as an architecture.
    pub arch: Arch,
    /// Raw `e_flags` (ARM hard-float is `0x400`).
    pub flags: u32,
    /// `PT_INTERP`: present in executables, normally absent in extension modules.
    pub interpreter: Fact<Option<String>>,
    /// `DT_NEEDED` in order; empty for a static executable.
    pub needed: Fact<Vec<String>>,
    pub soname: Fact<Option<String>>,
    pub rpath: Fact<Option<String>>,
    pub runpath: Fact<Option<String>>,
    /// `.gnu.version_r`, through `DT_VERNEED`.
    pub version_needs: Fact<Vec<VersionNeed>>,
    /// The highest `GLIBC_x.y[.z]` in `version_needs` (None: needs no glibc version).
    pub glibc_required: Fact<Option<GlibcVersion>>,
    /// The C library it is linked against, from the interpreter, `DT_NEEDED` and version needs
    /// (as auditwheel decides); `Known(None)` when it links none (static, or no libc needed).
    pub libc: Fact<Option<Libc>>,
}

/// A Mach-O file: one slice when thin, several when fat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachOInfo {
    pub fat: bool,
    pub slices: Vec<MachOSlice>,
}

/// One architecture of a Mach-O file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachOSlice {
    /// Raw `cputype` (`0x0100000c` = arm64).
    pub cpu_type: u32,
    pub cpu_subtype: u32,
    pub arch: Arch,
    /// From the slice's own header; unknown when a fat slice lies beyond the bytes given.
    pub file_type: Fact<MachOFileType>,
}

/// Mach-O `filetype`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MachOFileType {
    Object,
    Executable,
    Dylib,
    /// `MH_BUNDLE`: what CPython extension modules usually are on macOS.
    Bundle,
    Other(u32),
}

impl fmt::Display for MachOFileType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MachOFileType::Object => f.write_str("object file"),
            MachOFileType::Executable => f.write_str("executable"),
            MachOFileType::Dylib => f.write_str("dylib"),
            MachOFileType::Bundle => f.write_str("bundle"),
            MachOFileType::Other(value) => write!(f, "file of type {value:#x}"),
        }
    }
}

/// A PE/COFF file (Windows `.pyd`, `.dll`, `.exe`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeInfo {
    /// Raw COFF `Machine` (`0x8664` = AMD64).
    pub machine: u16,
    pub arch: Arch,
    /// `IMAGE_FILE_DLL` is set (DLLs and `.pyd` extension modules).
    pub dll: bool,
    /// Optional-header magic `0x20b`; unknown when the optional header is missing.
    pub pe32_plus: Fact<bool>,
}

/// Inspects a binary from its headers. `data` is the whole file, a prefix of it, or a lazy
/// reader (`&ReadCache<File>`); see the crate documentation.
pub fn inspect<'data, R: ReadRef<'data>>(data: R) -> Result<BinaryInfo, InspectError> {
    let magic = data.read_bytes_at(0, 4).ok();
    match sniff(magic.unwrap_or_default()) {
        Some(Format::Elf) => elf::inspect(data).map(BinaryInfo::Elf),
        Some(Format::MachO) => macho::inspect(data).map(BinaryInfo::MachO),
        Some(Format::Pe) => pe::inspect(data).map(BinaryInfo::Pe),
        None => Err(InspectError::NotBinary),
    }
}

/// The format announced by the first bytes (4 are enough; fewer give `None`, except `MZ`).
/// Cheap pre-filter before [`inspect`]; a fat Mach-O magic is also Java's `.class` magic, which
/// [`inspect`] tells apart by the slice count.
pub fn sniff(prefix: &[u8]) -> Option<Format> {
    match prefix {
        [0x7f, b'E', b'L', b'F', ..] => Some(Format::Elf),
        [0xfe, 0xed, 0xfa, 0xce | 0xcf, ..]
        | [0xce | 0xcf, 0xfa, 0xed, 0xfe, ..]
        | [0xca, 0xfe, 0xba, 0xbe | 0xbf, ..] => Some(Format::MachO),
        [b'M', b'Z', ..] => Some(Format::Pe),
        _ => None,
    }
}
