//! PE/COFF: `MZ`, `e_lfanew` at 0x3C, `PE\0\0`, the COFF file header, the optional-header magic.

use object::pe::{self as abi, ImageDosHeader, ImageFileHeader};
use object::{LittleEndian as LE, ReadRef};

use crate::{Arch, Fact, Format, InspectError, PeInfo};

pub(crate) fn inspect<'data, R: ReadRef<'data>>(data: R) -> Result<PeInfo, InspectError> {
    let dos = data
        .read_at::<ImageDosHeader>(0)
        .map_err(|()| InspectError::Truncated(Format::Pe))?;
    let nt_offset = u64::from(dos.e_lfanew.get(LE));
    let signature =
        data.read_at::<object::U32<LE>>(nt_offset)
            .map_err(|()| InspectError::Corrupt {
                format: Format::Pe,
                what: "e_lfanew points outside the file",
            })?;
    if signature.get(LE) != abi::IMAGE_NT_SIGNATURE {
        // An `MZ` file without a PE header: DOS program, or not an executable at all.
        return Err(InspectError::Corrupt {
            format: Format::Pe,
            what: "no PE signature at e_lfanew",
        });
    }
    let header_offset = nt_offset + 4;
    let header = data
        .read_at::<ImageFileHeader>(header_offset)
        .map_err(|()| InspectError::Truncated(Format::Pe))?;
    let machine = header.machine.get(LE).0;
    let pe32_plus = match header.size_of_optional_header.get(LE) {
        0 => Fact::Unknown,
        _ => match data
            .read_at::<object::U16<LE>>(header_offset + abi::IMAGE_SIZEOF_FILE_HEADER as u64)
        {
            Ok(magic) => Fact::Known(magic.get(LE) == abi::IMAGE_NT_OPTIONAL_HDR64_MAGIC),
            Err(()) => Fact::Unknown,
        },
    };
    Ok(PeInfo {
        machine,
        arch: arch(machine),
        dll: header.characteristics.get(LE).contains(abi::IMAGE_FILE_DLL),
        pe32_plus,
    })
}

fn arch(machine: u16) -> Arch {
    match abi::Machine(machine) {
        abi::IMAGE_FILE_MACHINE_AMD64 => Arch::Amd64,
        abi::IMAGE_FILE_MACHINE_ARM64 => Arch::Arm64,
        abi::IMAGE_FILE_MACHINE_I386 => Arch::I386,
        abi::IMAGE_FILE_MACHINE_ARMNT | abi::IMAGE_FILE_MACHINE_ARM => Arch::Arm,
        other => Arch::Other(format!("machine {:#x}", other.0)),
    }
}
