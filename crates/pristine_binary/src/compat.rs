//! Does a binary load on a Linux platform, and if not, what does the loader say.
//!
//! The checks run in the order glibc's `open_verify` (elf/dl-load.c) makes them, so the message
//! is the one a user would see: magic, class, byte order, machine, `e_type`; then the C library
//! (musl's `dynlink.c` / glibc's missing-library message) and glibc symbol versions
//! (elf/dl-version.c). Messages are python-rules.md §2.7, without the `<path>: ` prefix the
//! loader puts in front.

use std::fmt;

use crate::{
    Arch, BinaryInfo, ElfClass, ElfInfo, ElfKind, Endian, Fact, Format, GlibcVersion, Libc,
    Platform,
};

/// The verdict of [`compatibility`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compat {
    /// Nothing in the headers stops it from loading (unknown facts are given the benefit of the
    /// doubt).
    Ok,
    /// It will not load on the target.
    Foreign {
        reason: ForeignReason,
        /// The loader's message when Python imports it (or, for an executable, when it is run).
        runtime_error: String,
    },
}

/// Why a binary is foreign to a platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForeignReason {
    /// Not ELF at all: Mach-O or PE on Linux.
    NotElf {
        format: Format,
        os: &'static str,
    },
    /// 32-bit on a 64-bit platform or the reverse.
    WrongClass {
        binary: ElfClass,
        target: ElfClass,
    },
    WrongEndian {
        binary: Endian,
        target: Endian,
    },
    /// Same class, other CPU.
    WrongMachine {
        binary: Arch,
        target: Arch,
    },
    /// `ET_REL` or `ET_CORE`: nothing loads those.
    NotLoadable {
        kind: ElfKind,
    },
    /// Linked against the other C library.
    WrongLibc {
        binary: Libc,
        target: Libc,
    },
    /// Needs a newer glibc than the image has.
    GlibcTooOld {
        required: GlibcVersion,
        available: GlibcVersion,
    },
}

impl fmt::Display for ForeignReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ForeignReason::NotElf { format, os } => write!(f, "a {format} ({os}) binary, not ELF"),
            ForeignReason::WrongClass { binary, target } => {
                write!(f, "{binary} on an {target} platform")
            }
            ForeignReason::WrongEndian { binary, target } => {
                write!(
                    f,
                    "{}-endian on a {}-endian platform",
                    endian_word(*binary),
                    endian_word(*target)
                )
            }
            ForeignReason::WrongMachine { binary, target } => {
                write!(
                    f,
                    "built for {} (linux/{}), not {}",
                    binary.uname(),
                    binary.docker(),
                    target.uname()
                )
            }
            ForeignReason::NotLoadable { kind } => {
                write!(f, "an ELF {kind}, which cannot be loaded")
            }
            ForeignReason::WrongLibc { binary, target } => {
                write!(f, "linked against {binary}, the image has {target}")
            }
            ForeignReason::GlibcTooOld {
                required,
                available,
            } => {
                write!(f, "needs GLIBC_{required}, the image has glibc {available}")
            }
        }
    }
}

fn endian_word(endian: Endian) -> &'static str {
    match endian {
        Endian::Little => "little",
        Endian::Big => "big",
    }
}

/// Whether `info` loads on `target` (a Linux platform; for another os, everything is `Ok`:
/// pristine only builds Linux images).
pub fn compatibility(info: &BinaryInfo, target: &Platform) -> Compat {
    if target.os != "linux" {
        return Compat::Ok;
    }
    match info {
        // glibc checks the magic first: `invalid ELF header` (python-rules.md §2.3, §2.4).
        BinaryInfo::MachO(_) => foreign(
            ForeignReason::NotElf {
                format: Format::MachO,
                os: "macOS",
            },
            "invalid ELF header",
        ),
        BinaryInfo::Pe(_) => foreign(
            ForeignReason::NotElf {
                format: Format::Pe,
                os: "Windows",
            },
            "invalid ELF header",
        ),
        BinaryInfo::Elf(elf) => elf_compatibility(elf, target),
    }
}

fn foreign(reason: ForeignReason, runtime_error: impl Into<String>) -> Compat {
    Compat::Foreign {
        reason,
        runtime_error: runtime_error.into(),
    }
}

fn elf_compatibility(elf: &ElfInfo, target: &Platform) -> Compat {
    // An executable (it has an interpreter, or is ET_EXEC) is started by the kernel: a wrong
    // architecture is ENOEXEC, a missing interpreter ENOENT, both as runc reports them.
    let executable =
        matches!(elf.interpreter, Fact::Known(Some(_))) || elf.kind == ElfKind::Executable;
    if let Some(class) = target.arch.elf_class()
        && class != elf.class
    {
        let reason = ForeignReason::WrongClass {
            binary: elf.class,
            target: class,
        };
        return if executable {
            foreign(reason, "exec format error")
        } else {
            foreign(reason, format!("wrong ELF class: {}", elf.class))
        };
    }
    if let Some(endian) = target.arch.endian()
        && endian != elf.endian
    {
        let reason = ForeignReason::WrongEndian {
            binary: elf.endian,
            target: endian,
        };
        return if executable {
            foreign(reason, "exec format error")
        } else {
            foreign(
                reason,
                format!("ELF file data encoding not {}-endian", endian_word(endian)),
            )
        };
    }
    if !matches!(target.arch, Arch::Other(_)) && elf.arch != target.arch {
        let reason = ForeignReason::WrongMachine {
            binary: elf.arch.clone(),
            target: target.arch.clone(),
        };
        // glibc skips an ELF of another machine as if it did not exist (ENOENT).
        return if executable {
            foreign(reason, "exec format error")
        } else {
            foreign(
                reason,
                "cannot open shared object file: No such file or directory",
            )
        };
    }
    if matches!(elf.kind, ElfKind::Relocatable | ElfKind::Core) {
        return foreign(
            ForeignReason::NotLoadable { kind: elf.kind },
            "only ET_DYN and ET_EXEC can be loaded",
        );
    }
    if let (Some(target_libc), Fact::Known(Some(libc))) = (target.libc, &elf.libc)
        && target_libc != *libc
    {
        let reason = ForeignReason::WrongLibc {
            binary: *libc,
            target: target_libc,
        };
        if executable {
            // The kernel cannot find the interpreter (`/lib/ld-musl-x86_64.so.1` on a glibc
            // image): runc says `exec /app/tool: no such file or directory`.
            return foreign(reason, "no such file or directory");
        }
        return match libc {
            // musl's dynlink.c: `Error loading shared library %s: %m (needed by %s)`.
            Libc::Glibc => foreign(
                reason,
                "Error loading shared library libc.so.6: No such file or directory",
            ),
            // glibc looks for musl's soname `libc.so` and finds none (slim images have no
            // libc6-dev, whose `libc.so` is a linker script, which would give `invalid ELF header`).
            Libc::Musl => {
                let soname = match &elf.needed {
                    Fact::Known(needed) => needed
                        .iter()
                        .find(|n| {
                            *n == "libc.so"
                                || n.starts_with("libc.musl-")
                                || n.starts_with("ld-musl-")
                        })
                        .cloned()
                        .unwrap_or_else(|| "libc.so".to_owned()),
                    Fact::Unknown => "libc.so".to_owned(),
                };
                foreign(
                    reason,
                    format!("{soname}: cannot open shared object file: No such file or directory"),
                )
            }
        };
    }
    if target.libc == Some(Libc::Glibc)
        && let (Some(available), Fact::Known(Some(required))) = (target.glibc, &elf.glibc_required)
        && *required > available
    {
        // glibc's dl-version.c quotes with a backtick and an apostrophe.
        return foreign(
            ForeignReason::GlibcTooOld {
                required: *required,
                available,
            },
            format!("version `GLIBC_{required}' not found"),
        );
    }
    Compat::Ok
}
