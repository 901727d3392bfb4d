//! Mach-O: thin (32/64-bit, either byte order) and fat/universal (big-endian `fat_arch` list,
//! then each slice's own header at its offset).

use object::macho::{self as abi, FatArch32, FatArch64, MachHeader32, MachHeader64};
use object::read::macho::{FatArch, MachHeader, MachOFatFile};
use object::{BigEndian, Endianness, ReadRef};

use crate::{Arch, Fact, Format, InspectError, MachOFileType, MachOInfo, MachOSlice};

/// `cafebabe` is also Java's class-file magic, whose next u32 (minor, major version) is ≥ 45;
/// real fat files have a handful of slices (`file(1)` uses the same test).
const MAX_FAT_ARCHES: u32 = 30;

pub(crate) fn inspect<'data, R: ReadRef<'data>>(data: R) -> Result<MachOInfo, InspectError> {
    let magic = data
        .read_at::<object::U32<BigEndian>>(0)
        .map_err(|()| InspectError::Truncated(Format::MachO))?;
    match magic.get(BigEndian) {
        abi::FAT_MAGIC => fat::<FatArch32, R>(data),
        abi::FAT_MAGIC_64 => fat::<FatArch64, R>(data),
        abi::MH_MAGIC | abi::MH_CIGAM => thin::<MachHeader32<Endianness>, R>(data, 0).map(single),
        abi::MH_MAGIC_64 | abi::MH_CIGAM_64 => {
            thin::<MachHeader64<Endianness>, R>(data, 0).map(single)
        }
        _ => Err(InspectError::NotBinary),
    }
}

fn single(slice: MachOSlice) -> MachOInfo {
    MachOInfo {
        fat: false,
        slices: vec![slice],
    }
}

fn thin<'data, Mach, R>(data: R, offset: u64) -> Result<MachOSlice, InspectError>
where
    Mach: MachHeader<Endian = Endianness>,
    R: ReadRef<'data>,
{
    let header = Mach::parse(data, offset).map_err(|_| InspectError::Truncated(Format::MachO))?;
    let endian = header.endian().map_err(|_| InspectError::Corrupt {
        format: Format::MachO,
        what: "bad magic",
    })?;
    let cpu_type = header.cputype(endian).0;
    Ok(MachOSlice {
        cpu_type,
        cpu_subtype: header.cpusubtype(endian).0,
        arch: arch(cpu_type),
        file_type: Fact::Known(file_type(header.filetype(endian).0)),
    })
}

fn fat<'data, Fat, R>(data: R) -> Result<MachOInfo, InspectError>
where
    Fat: FatArch,
    R: ReadRef<'data>,
{
    let count = data
        .read_at::<object::U32<BigEndian>>(4)
        .map_err(|()| InspectError::Truncated(Format::MachO))?;
    let count = count.get(BigEndian);
    if count == 0 || count > MAX_FAT_ARCHES {
        // Java class files land here too; neither loads as a native library.
        return Err(InspectError::Corrupt {
            format: Format::MachO,
            what: "implausible fat slice count",
        });
    }
    let file =
        MachOFatFile::<Fat>::parse(data).map_err(|_| InspectError::Truncated(Format::MachO))?;
    let slices = file
        .arches()
        .iter()
        .map(|fat_arch| {
            let cpu_type = fat_arch.cputype().0;
            let offset: u64 = fat_arch.offset().into();
            // The slice's own header may lie beyond the prefix the caller read.
            let file_type = slice_file_type(data, offset);
            MachOSlice {
                cpu_type,
                cpu_subtype: fat_arch.cpusubtype().0,
                arch: arch(cpu_type),
                file_type,
            }
        })
        .collect();
    Ok(MachOInfo { fat: true, slices })
}

fn slice_file_type<'data, R: ReadRef<'data>>(data: R, offset: u64) -> Fact<MachOFileType> {
    let Ok(magic) = data.read_at::<object::U32<BigEndian>>(offset) else {
        return Fact::Unknown;
    };
    let slice = match magic.get(BigEndian) {
        abi::MH_MAGIC | abi::MH_CIGAM => thin::<MachHeader32<Endianness>, R>(data, offset),
        abi::MH_MAGIC_64 | abi::MH_CIGAM_64 => thin::<MachHeader64<Endianness>, R>(data, offset),
        _ => return Fact::Unknown,
    };
    slice.map_or(Fact::Unknown, |s| s.file_type)
}

fn file_type(value: u32) -> MachOFileType {
    match abi::FileType(value) {
        abi::MH_OBJECT => MachOFileType::Object,
        abi::MH_EXECUTE => MachOFileType::Executable,
        abi::MH_DYLIB => MachOFileType::Dylib,
        abi::MH_BUNDLE => MachOFileType::Bundle,
        other => MachOFileType::Other(other.0),
    }
}

fn arch(cpu_type: u32) -> Arch {
    match object::macho::CpuType(cpu_type) {
        abi::CPU_TYPE_X86_64 => Arch::Amd64,
        abi::CPU_TYPE_ARM64 => Arch::Arm64,
        abi::CPU_TYPE_X86 => Arch::I386,
        abi::CPU_TYPE_ARM => Arch::Arm,
        abi::CPU_TYPE_POWERPC64 => Arch::Ppc64,
        abi::CPU_TYPE_POWERPC => Arch::Ppc,
        other => Arch::Other(format!("cputype {:#x}", other.0)),
    }
}
