//! ELF: header, then everything else through the program headers (`PT_INTERP`, `PT_DYNAMIC`,
//! `PT_LOAD` to map `DT_STRTAB`/`DT_VERNEED` addresses to file offsets). Section headers, which
//! sit at the end of the file, are never read, so a prefix of the file is enough.

use object::elf::{self as abi, FileHeader32, FileHeader64, Vernaux, Verneed};
use object::read::elf::{Dyn as _, FileHeader, ProgramHeader as _};
use object::{Endianness, ReadRef};

use crate::{
    Arch, ElfClass, ElfInfo, ElfKind, Endian, Fact, Format, GlibcVersion, InspectError, Libc,
    VersionNeed,
};

/// Bounds on counts read from the file, so corrupt headers cannot make us loop for long.
const MAX_DYNAMIC: usize = 4096;
const MAX_VERNEED: u32 = 256;
const MAX_VERNAUX: u16 = 256;
const MAX_STRING: u64 = 4096;

pub(crate) fn inspect<'data, R: ReadRef<'data>>(data: R) -> Result<ElfInfo, InspectError> {
    let ident = data
        .read_bytes_at(0, 16)
        .map_err(|()| InspectError::Truncated(Format::Elf))?;
    // EI_CLASS is byte 4.
    match ident.get(4).copied().map(abi::FileClass) {
        Some(abi::ELFCLASS32) => inspect_class::<FileHeader32<Endianness>, R>(data),
        Some(abi::ELFCLASS64) => inspect_class::<FileHeader64<Endianness>, R>(data),
        _ => Err(InspectError::Corrupt {
            format: Format::Elf,
            what: "EI_CLASS is neither 32 nor 64-bit",
        }),
    }
}

fn inspect_class<'data, Elf, R>(data: R) -> Result<ElfInfo, InspectError>
where
    Elf: FileHeader<Endian = Endianness>,
    R: ReadRef<'data>,
{
    let header = data
        .read_at::<Elf>(0)
        .map_err(|()| InspectError::Truncated(Format::Elf))?;
    if !header.is_supported() {
        return Err(InspectError::Corrupt {
            format: Format::Elf,
            what: "bad EI_DATA or EI_VERSION",
        });
    }
    let endian = header.endian().map_err(|_| InspectError::Corrupt {
        format: Format::Elf,
        what: "bad EI_DATA",
    })?;
    let ident = header.e_ident();
    let class = if header.is_class_64() {
        ElfClass::Elf64
    } else {
        ElfClass::Elf32
    };
    let byte_order = if header.is_big_endian() {
        Endian::Big
    } else {
        Endian::Little
    };
    let machine = header.e_machine(endian).0;
    let kind = match header.e_type(endian) {
        abi::ET_REL => ElfKind::Relocatable,
        abi::ET_EXEC => ElfKind::Executable,
        abi::ET_DYN => ElfKind::SharedObject,
        abi::ET_CORE => ElfKind::Core,
        other => ElfKind::Other(other.0),
    };
    let mut info = ElfInfo {
        class,
        endian: byte_order,
        os_abi: ident.os_abi.0,
        abi_version: ident.abi_version,
        kind,
        machine,
        arch: arch(machine, class, byte_order),
        flags: header.e_flags(endian).0,
        interpreter: Fact::Unknown,
        needed: Fact::Unknown,
        soname: Fact::Unknown,
        rpath: Fact::Unknown,
        runpath: Fact::Unknown,
        version_needs: Fact::Unknown,
        glibc_required: Fact::Unknown,
        libc: Fact::Unknown,
    };
    // A relocatable object has no program headers and loads nowhere: nothing more to learn.
    let Ok(segments) = header.program_headers(endian, data) else {
        return Ok(info);
    };
    info.interpreter = interpreter::<Elf, R>(segments, endian, data);
    if let Some(dynamic) = segments
        .iter()
        .find(|s| s.p_type(endian) == abi::PT_DYNAMIC)
    {
        read_dynamic::<Elf, R>(&mut info, segments, dynamic, endian, data);
    } else {
        // No dynamic segment: a static executable (or an object without one): links nothing.
        info.needed = Fact::Known(Vec::new());
        info.soname = Fact::Known(None);
        info.rpath = Fact::Known(None);
        info.runpath = Fact::Known(None);
        info.version_needs = Fact::Known(Vec::new());
    }
    info.glibc_required = match &info.version_needs {
        Fact::Known(needs) => Fact::Known(
            needs
                .iter()
                .flat_map(|n| &n.versions)
                .filter_map(|v| GlibcVersion::from_symbol_version(v))
                .max(),
        ),
        Fact::Unknown => Fact::Unknown,
    };
    info.libc = libc(&info);
    Ok(info)
}

fn interpreter<'data, Elf, R>(
    segments: &[Elf::ProgramHeader],
    endian: Endianness,
    data: R,
) -> Fact<Option<String>>
where
    Elf: FileHeader<Endian = Endianness>,
    R: ReadRef<'data>,
{
    let Some(segment) = segments.iter().find(|s| s.p_type(endian) == abi::PT_INTERP) else {
        return Fact::Known(None);
    };
    let (offset, size) = segment.file_range(endian);
    match read_string(data, offset, offset.saturating_add(size.min(MAX_STRING))) {
        Some(path) => Fact::Known(Some(path)),
        None => Fact::Unknown,
    }
}

/// Everything reached from `PT_DYNAMIC`. Each fact stays unknown when its bytes are missing.
fn read_dynamic<'data, Elf, R>(
    info: &mut ElfInfo,
    segments: &[Elf::ProgramHeader],
    dynamic: &Elf::ProgramHeader,
    endian: Endianness,
    data: R,
) where
    Elf: FileHeader<Endian = Endianness>,
    R: ReadRef<'data>,
{
    let (offset, size) = dynamic.file_range(endian);
    let count = usize::try_from(size / std::mem::size_of::<Elf::Dyn>() as u64)
        .unwrap_or(MAX_DYNAMIC)
        .min(MAX_DYNAMIC);
    // Read entry by entry: the segment may be cut by the prefix after DT_NULL.
    let mut entries = Vec::new();
    let entry_size = std::mem::size_of::<Elf::Dyn>() as u64;
    for i in 0..count as u64 {
        let Some(at) = offset.checked_add(i * entry_size) else {
            return;
        };
        let Ok(entry) = data.read_at::<Elf::Dyn>(at) else {
            return;
        };
        let tag = entry.tag(endian);
        if tag == abi::DT_NULL {
            break;
        }
        entries.push((tag, entry.val(endian)));
    }
    let value = |wanted: abi::DynamicTag| {
        entries
            .iter()
            .find(|(tag, _)| *tag == wanted)
            .map(|(_, v)| *v)
    };
    let Some(strtab) =
        value(abi::DT_STRTAB).and_then(|addr| address_to_offset::<Elf>(segments, endian, addr))
    else {
        return;
    };
    let strtab_end = match value(abi::DT_STRSZ) {
        Some(size) => strtab.saturating_add(size),
        None => u64::MAX,
    };
    let string = |offset: u64| -> Option<String> {
        let start = strtab.checked_add(offset)?;
        read_string(
            data,
            start,
            strtab_end.min(start.saturating_add(MAX_STRING)),
        )
    };
    let strings = |wanted: abi::DynamicTag| -> Fact<Vec<String>> {
        entries
            .iter()
            .filter(|(tag, _)| *tag == wanted)
            .map(|(_, v)| string(*v))
            .collect::<Option<Vec<String>>>()
            .into()
    };
    let first = |wanted: abi::DynamicTag| -> Fact<Option<String>> {
        match strings(wanted) {
            Fact::Known(mut all) => Fact::Known(if all.is_empty() {
                None
            } else {
                Some(all.swap_remove(0))
            }),
            Fact::Unknown => Fact::Unknown,
        }
    };
    info.needed = strings(abi::DT_NEEDED);
    info.soname = first(abi::DT_SONAME);
    info.rpath = first(abi::DT_RPATH);
    info.runpath = first(abi::DT_RUNPATH);
    info.version_needs = match value(abi::DT_VERNEED) {
        None => Fact::Known(Vec::new()),
        Some(addr) => {
            let count = value(abi::DT_VERNEEDNUM)
                .map_or(MAX_VERNEED, |n| u32::try_from(n).unwrap_or(MAX_VERNEED));
            address_to_offset::<Elf>(segments, endian, addr)
                .and_then(|offset| {
                    version_needs(data, endian, offset, count.min(MAX_VERNEED), &string)
                })
                .into()
        }
    };
}

/// Walks `Elf*_Verneed` / `Elf*_Vernaux` (same layout for 32 and 64-bit).
fn version_needs<'data, R: ReadRef<'data>>(
    data: R,
    endian: Endianness,
    mut offset: u64,
    count: u32,
    string: &dyn Fn(u64) -> Option<String>,
) -> Option<Vec<VersionNeed>> {
    let mut needs = Vec::new();
    for _ in 0..count {
        let need = data.read_at::<Verneed<Endianness>>(offset).ok()?;
        let file = string(u64::from(need.vn_file.get(endian)))?;
        let mut versions = Vec::new();
        let mut aux_offset = offset.checked_add(u64::from(need.vn_aux.get(endian)))?;
        for _ in 0..need.vn_cnt.get(endian).min(MAX_VERNAUX) {
            let aux = data.read_at::<Vernaux<Endianness>>(aux_offset).ok()?;
            versions.push(string(u64::from(aux.vna_name.get(endian)))?);
            let next = aux.vna_next.get(endian);
            if next == 0 {
                break;
            }
            aux_offset = aux_offset.checked_add(u64::from(next))?;
        }
        needs.push(VersionNeed { file, versions });
        let next = need.vn_next.get(endian);
        if next == 0 {
            break;
        }
        offset = offset.checked_add(u64::from(next))?;
    }
    Some(needs)
}

/// Maps a virtual address to a file offset through the `PT_LOAD` segment that holds it.
fn address_to_offset<Elf: FileHeader<Endian = Endianness>>(
    segments: &[Elf::ProgramHeader],
    endian: Endianness,
    address: u64,
) -> Option<u64> {
    segments
        .iter()
        .filter(|s| s.p_type(endian) == abi::PT_LOAD)
        .find_map(|s| {
            let vaddr: u64 = s.p_vaddr(endian).into();
            let (offset, size) = s.file_range(endian);
            let delta = address.checked_sub(vaddr)?;
            (delta < size).then(|| offset.checked_add(delta)).flatten()
        })
}

/// A NUL-terminated string in `start..end`, clipped to the bytes available. None when the
/// terminator is not within reach (the string continues beyond the prefix, or is corrupt).
fn read_string<'data, R: ReadRef<'data>>(data: R, start: u64, end: u64) -> Option<String> {
    let available = data.len().ok()?;
    let end = end.min(available);
    if start >= end {
        return None;
    }
    let bytes = data.read_bytes_at_until(start..end, 0).ok()?;
    // `read_bytes_at_until` also succeeds at the end of the range without a terminator.
    let terminated = start
        .checked_add(bytes.len() as u64)
        .is_some_and(|e| e < end);
    terminated.then(|| String::from_utf8_lossy(bytes).into_owned())
}

fn arch(machine: u16, class: ElfClass, endian: Endian) -> Arch {
    match (abi::Machine(machine), class, endian) {
        (abi::EM_X86_64, ElfClass::Elf64, _) => Arch::Amd64,
        (abi::EM_AARCH64, ElfClass::Elf64, _) => Arch::Arm64,
        (abi::EM_ARM, _, _) => Arch::Arm,
        (abi::EM_386, _, _) => Arch::I386,
        (abi::EM_PPC64, _, Endian::Little) => Arch::Ppc64le,
        (abi::EM_PPC64, _, Endian::Big) => Arch::Ppc64,
        (abi::EM_PPC, _, _) => Arch::Ppc,
        (abi::EM_S390, ElfClass::Elf64, _) => Arch::S390x,
        (abi::EM_RISCV, ElfClass::Elf64, _) => Arch::Riscv64,
        (abi::EM_LOONGARCH, ElfClass::Elf64, _) => Arch::Loong64,
        (_, class, _) => {
            let bits = if class == ElfClass::Elf64 { 64 } else { 32 };
            Arch::Other(format!("e_machine {machine} ({bits}-bit)"))
        }
    }
}

/// Which C library, as auditwheel's `lddtree` and python-rules.md §2.5 decide: the interpreter's
/// basename (`ld-musl-*` vs `ld-linux*`/`ld64.so*`), else `DT_NEEDED` (`libc.musl-*`, `ld-musl-*`
/// and musl's own soname `libc.so` vs glibc's `libc.so.6`), else any `GLIBC_*` version need.
fn libc(info: &ElfInfo) -> Fact<Option<Libc>> {
    if let Fact::Known(Some(interp)) = &info.interpreter {
        let base = interp.rsplit('/').next().unwrap_or_default();
        if base.starts_with("ld-musl-") {
            return Fact::Known(Some(Libc::Musl));
        }
        if base.starts_with("ld-linux") || base.starts_with("ld64.so") || base.starts_with("ld.so")
        {
            return Fact::Known(Some(Libc::Glibc));
        }
    }
    if let Fact::Known(needed) = &info.needed {
        if needed
            .iter()
            .any(|n| n.starts_with("libc.musl-") || n.starts_with("ld-musl-") || n == "libc.so")
        {
            return Fact::Known(Some(Libc::Musl));
        }
        if needed
            .iter()
            .any(|n| n == "libc.so.6" || n.starts_with("ld-linux") || n.starts_with("ld64.so"))
        {
            return Fact::Known(Some(Libc::Glibc));
        }
    }
    match (&info.version_needs, &info.needed) {
        (Fact::Known(needs), _)
            if needs
                .iter()
                .flat_map(|n| &n.versions)
                .any(|v| v.starts_with("GLIBC_")) =>
        {
            Fact::Known(Some(Libc::Glibc))
        }
        (Fact::Known(_), Fact::Known(_)) => Fact::Known(None),
        _ => Fact::Unknown,
    }
}
