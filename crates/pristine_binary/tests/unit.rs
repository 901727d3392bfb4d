//! Hand-made headers: truncated and corrupt inputs, platform parsing, compatibility verdicts.

use pristine_binary::{
    Arch, BaseImageLibc, BinaryInfo, Compat, ElfClass, Fact, Format, GlibcVersion, InspectError,
    Libc, MachOFileType, Platform, base_image_libc, compatibility, inspect, is_binary_candidate,
    python_tries_to_load,
};
use proptest::prelude::*;

/// A minimal little-endian ELF64 header: class, machine, type; no program headers.
fn elf64(machine: u16, e_type: u16) -> Vec<u8> {
    let mut h = vec![0u8; 64];
    h[..4].copy_from_slice(b"\x7fELF");
    h[4] = 2; // ELFCLASS64
    h[5] = 1; // LSB
    h[6] = 1; // EV_CURRENT
    h[16..18].copy_from_slice(&e_type.to_le_bytes());
    h[18..20].copy_from_slice(&machine.to_le_bytes());
    h[20..24].copy_from_slice(&1u32.to_le_bytes());
    h[52..54].copy_from_slice(&64u16.to_le_bytes());
    h
}

fn elf(bytes: &[u8]) -> pristine_binary::ElfInfo {
    match inspect(bytes) {
        Ok(BinaryInfo::Elf(info)) => info,
        other => panic!("expected ELF, got {other:?}"),
    }
}

#[test]
fn three_byte_so_is_not_a_binary() {
    assert_eq!(inspect(&b"\x7fEL"[..]), Err(InspectError::NotBinary));
    assert_eq!(inspect(&b""[..]), Err(InspectError::NotBinary));
}

#[test]
fn truncated_headers() {
    assert_eq!(
        inspect(&elf64(62, 3)[..20]),
        Err(InspectError::Truncated(Format::Elf))
    );
    assert_eq!(
        inspect(&b"\xcf\xfa\xed\xfe\x0c\x00\x00\x01"[..]),
        Err(InspectError::Truncated(Format::MachO))
    );
    assert_eq!(
        inspect(&b"MZ\x90\x00"[..]),
        Err(InspectError::Truncated(Format::Pe))
    );
}

#[test]
fn bad_elf_class() {
    let mut h = elf64(62, 3);
    h[4] = 7;
    assert!(matches!(
        inspect(h.as_slice()),
        Err(InspectError::Corrupt {
            format: Format::Elf,
            ..
        })
    ));
}

#[test]
fn elf_without_program_headers_links_nothing() {
    let info = elf(&elf64(183, 3));
    assert_eq!(info.arch, Arch::Arm64);
    assert_eq!(info.class, ElfClass::Elf64);
    assert_eq!(info.needed, Fact::Known(vec![]));
    assert_eq!(info.libc, Fact::Known(None));
}

#[test]
fn elf_with_program_headers_beyond_the_prefix() {
    let mut h = elf64(62, 3);
    h[32..40].copy_from_slice(&0x10_0000u64.to_le_bytes()); // e_phoff far away
    h[54..56].copy_from_slice(&56u16.to_le_bytes());
    h[56..58].copy_from_slice(&9u16.to_le_bytes());
    let info = elf(&h);
    assert_eq!(info.arch, Arch::Amd64);
    assert_eq!(info.needed, Fact::Unknown);
    assert_eq!(info.libc, Fact::Unknown);
    assert_eq!(
        compatibility(&BinaryInfo::Elf(info), &Platform::linux_amd64()),
        Compat::Ok
    );
}

#[test]
fn elf_with_absurd_dynamic_segment() {
    // One PT_DYNAMIC program header whose offset and size point past the end.
    let mut h = elf64(62, 3);
    h[32..40].copy_from_slice(&64u64.to_le_bytes());
    h[54..56].copy_from_slice(&56u16.to_le_bytes());
    h[56..58].copy_from_slice(&1u16.to_le_bytes());
    let mut ph = vec![0u8; 56];
    ph[..4].copy_from_slice(&2u32.to_le_bytes());
    ph[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
    ph[32..40].copy_from_slice(&u64::MAX.to_le_bytes());
    h.extend(ph);
    let info = elf(&h);
    assert_eq!(info.needed, Fact::Unknown);
}

#[test]
fn macho_with_absurd_fat_count() {
    let mut h = b"\xca\xfe\xba\xbe".to_vec();
    h.extend(0xffff_ffffu32.to_be_bytes());
    assert!(matches!(
        inspect(h.as_slice()),
        Err(InspectError::Corrupt {
            format: Format::MachO,
            ..
        })
    ));
    // A Java class file: same magic, version 52.
    let java = b"\xca\xfe\xba\xbe\x00\x00\x00\x34rest";
    assert!(matches!(
        inspect(&java[..]),
        Err(InspectError::Corrupt {
            format: Format::MachO,
            ..
        })
    ));
    // Plausible count, arch table cut short.
    let mut cut = b"\xca\xfe\xba\xbe".to_vec();
    cut.extend(2u32.to_be_bytes());
    cut.extend([0; 10]);
    assert_eq!(
        inspect(cut.as_slice()),
        Err(InspectError::Truncated(Format::MachO))
    );
}

#[test]
fn fat_macho_with_slices_beyond_the_prefix() {
    let mut h = b"\xca\xfe\xba\xbe".to_vec();
    h.extend(2u32.to_be_bytes());
    for (cpu, offset) in [(0x0100_0007u32, 0x4000u32), (0x0100_000c, 0x8000)] {
        h.extend(cpu.to_be_bytes());
        h.extend(3u32.to_be_bytes());
        h.extend(offset.to_be_bytes());
        h.extend(0x4000u32.to_be_bytes());
        h.extend(14u32.to_be_bytes());
    }
    let Ok(BinaryInfo::MachO(info)) = inspect(h.as_slice()) else {
        panic!()
    };
    assert!(info.fat);
    assert_eq!(
        info.slices
            .iter()
            .map(|s| s.arch.clone())
            .collect::<Vec<_>>(),
        [Arch::Amd64, Arch::Arm64]
    );
    assert_eq!(info.slices[0].file_type, Fact::Unknown);
    let text = BinaryInfo::MachO(info).to_string();
    assert_eq!(text, "Mach-O universal x86_64+arm64 (macOS)");
}

#[test]
fn thin_macho_bundle() {
    let mut h = Vec::new();
    for v in [0xfeed_facfu32, 0x0100_000c, 0, 8, 0, 0, 0, 0] {
        h.extend(v.to_le_bytes());
    }
    let info = inspect(h.as_slice()).unwrap();
    assert_eq!(info.to_string(), "Mach-O arm64 (macOS) bundle");
    let BinaryInfo::MachO(m) = &info else {
        panic!()
    };
    assert_eq!(m.slices[0].file_type, Fact::Known(MachOFileType::Bundle));
    assert_eq!(
        compatibility(&info, &Platform::linux_amd64()),
        Compat::Foreign {
            reason: pristine_binary::ForeignReason::NotElf {
                format: Format::MachO,
                os: "macOS"
            },
            runtime_error: "invalid ELF header".into()
        }
    );
}

#[test]
fn pe_with_broken_offset() {
    let mut h = vec![0u8; 64];
    h[..2].copy_from_slice(b"MZ");
    h[0x3c..0x40].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
    assert!(matches!(
        inspect(h.as_slice()),
        Err(InspectError::Corrupt {
            format: Format::Pe,
            ..
        })
    ));
    h[0x3c..0x40].copy_from_slice(&8u32.to_le_bytes()); // inside the DOS header: no PE\0\0
    assert!(matches!(
        inspect(h.as_slice()),
        Err(InspectError::Corrupt {
            format: Format::Pe,
            ..
        })
    ));
}

#[test]
fn pe_dll() {
    let mut h = vec![0u8; 64];
    h[..2].copy_from_slice(b"MZ");
    h[0x3c..0x40].copy_from_slice(&64u32.to_le_bytes());
    h.extend(b"PE\0\0");
    let mut coff = vec![0u8; 20];
    coff[..2].copy_from_slice(&0xaa64u16.to_le_bytes());
    coff[18..20].copy_from_slice(&0x2022u16.to_le_bytes());
    h.extend(coff);
    let info = inspect(h.as_slice()).unwrap();
    assert_eq!(info.to_string(), "PE aarch64 (Windows) DLL");
    let BinaryInfo::Pe(pe) = info else { panic!() };
    assert_eq!(pe.pe32_plus, Fact::Unknown);
}

fn runtime_error(info: &BinaryInfo, target: &str) -> Option<String> {
    match compatibility(info, &target.parse::<Platform>().unwrap()) {
        Compat::Ok => None,
        Compat::Foreign { runtime_error, .. } => Some(runtime_error),
    }
}

#[test]
fn elf_verdicts() {
    let aarch64 = BinaryInfo::Elf(elf(&elf64(183, 3)));
    assert_eq!(runtime_error(&aarch64, "linux/arm64/v8"), None);
    assert_eq!(
        runtime_error(&aarch64, "linux/amd64").as_deref(),
        Some("cannot open shared object file: No such file or directory")
    );
    assert_eq!(
        runtime_error(&aarch64, "linux/arm/v7").as_deref(),
        Some("wrong ELF class: ELFCLASS64")
    );
    let object = BinaryInfo::Elf(elf(&elf64(62, 1)));
    assert_eq!(
        runtime_error(&object, "linux/amd64").as_deref(),
        Some("only ET_DYN and ET_EXEC can be loaded")
    );
    assert_eq!(runtime_error(&object, "windows/amd64"), None);
}

#[test]
fn platforms() {
    let p: Platform = "linux/arm64/v8".parse().unwrap();
    assert_eq!(
        (p.arch.clone(), p.variant.clone(), p.to_string()),
        (Arch::Arm64, None, "linux/arm64".to_owned())
    );
    let p: Platform = "linux/arm/v7".parse().unwrap();
    assert_eq!((p.arch, p.variant.as_deref()), (Arch::Arm, Some("v7")));
    let p: Platform = "linux/arm".parse().unwrap();
    assert_eq!(p.to_string(), "linux/arm/v7");
    assert_eq!(
        "LINUX/X86_64".parse::<Platform>().unwrap(),
        Platform::linux_amd64()
    );
    assert_eq!(
        "arm64".parse::<Platform>().unwrap().to_string(),
        "linux/arm64"
    );
    for bad in [
        "",
        "linux",
        "linux/",
        "linux/sparc",
        "a/b/c/d",
        "linux/amd64/",
    ] {
        assert!(bad.parse::<Platform>().is_err(), "{bad}");
    }
}

#[test]
fn base_images() {
    let glibc = |major, minor| Some(BaseImageLibc::Glibc(Some(GlibcVersion::new(major, minor))));
    assert_eq!(base_image_libc("python:3.11-slim-bookworm"), glibc(2, 36));
    assert_eq!(base_image_libc("python:3.12-slim-trixie"), glibc(2, 41));
    assert_eq!(
        base_image_libc("docker.io/library/python:3.9-bullseye"),
        glibc(2, 31)
    );
    assert_eq!(base_image_libc("python:3.12-slim"), glibc(2, 41));
    assert_eq!(base_image_libc("python"), glibc(2, 41));
    assert_eq!(
        base_image_libc("python:3.12-alpine3.20"),
        Some(BaseImageLibc::Musl)
    );
    assert_eq!(base_image_libc("alpine:3.20"), Some(BaseImageLibc::Musl));
    assert_eq!(base_image_libc("debian:12-slim"), glibc(2, 36));
    assert_eq!(
        base_image_libc("debian:bookworm-slim@sha256:abcd"),
        glibc(2, 36)
    );
    assert_eq!(base_image_libc("ubuntu:22.04"), glibc(2, 35));
    assert_eq!(
        base_image_libc("localhost:5000/team/python:3.12-slim-bookworm"),
        glibc(2, 36)
    );
    assert_eq!(
        base_image_libc("gcr.io/distroless/python3-debian12"),
        Some(BaseImageLibc::Glibc(None))
    );
    assert_eq!(base_image_libc("${BASE}"), None);
    assert_eq!(base_image_libc("scratch"), None);
    assert_eq!(base_image_libc("myorg/app:1.2"), None);
    let p = Platform::linux_amd64().with_base_image("python:3.12-alpine");
    assert_eq!(p.libc, Some(Libc::Musl));
}

#[test]
fn glibc_versions() {
    assert_eq!(
        GlibcVersion::from_symbol_version("GLIBC_2.2.5")
            .map(|v| v.to_string())
            .as_deref(),
        Some("2.2.5")
    );
    assert!(
        GlibcVersion::from_symbol_version("GLIBC_2.34")
            > GlibcVersion::from_symbol_version("GLIBC_2.4")
    );
    assert_eq!(GlibcVersion::from_symbol_version("GLIBC_PRIVATE"), None);
    assert_eq!(GlibcVersion::from_symbol_version("GLIBCXX_3.4"), None);
}

#[test]
fn candidates() {
    assert!(is_binary_candidate(
        ".venv/lib/python3.11/site-packages/x/_rust.abi3.so",
        10,
        None
    ));
    assert!(is_binary_candidate("libs/libz.so.1.2.13", 10, Some(0o644)));
    assert!(is_binary_candidate(
        "a/_speedups.cp311-win_amd64.pyd",
        3,
        None
    ));
    assert!(is_binary_candidate("a/b.DLL", 3, None));
    assert!(is_binary_candidate(".venv/bin/python3.11", 10, Some(0o755)));
    assert!(is_binary_candidate("tool", 10, Some(0o755)));
    assert!(!is_binary_candidate("tool", 10, Some(0o644)));
    assert!(!is_binary_candidate("run.sh", 10, Some(0o755)));
    assert!(!is_binary_candidate("x.so", 0, None));
    assert!(!is_binary_candidate("notes.so.txt", 10, None));
    assert!(python_tries_to_load("x/_rust.abi3.so"));
    assert!(!python_tries_to_load("x/_speedups.cp311-win_amd64.pyd"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]
    #[test]
    fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = inspect(bytes.as_slice());
    }

    /// Real magics followed by noise reach the deeper parsers.
    #[test]
    fn never_panics_behind_a_magic(
        magic in prop::sample::select(vec![
            b"\x7fELF\x02\x01\x01".to_vec(), b"\x7fELF\x01\x02\x01".to_vec(), b"\xcf\xfa\xed\xfe".to_vec(),
            b"\xfe\xed\xfa\xce".to_vec(), b"\xca\xfe\xba\xbe\x00\x00\x00\x02".to_vec(), b"\xca\xfe\xba\xbf".to_vec(), b"MZ".to_vec(),
        ]),
        rest in proptest::collection::vec(any::<u8>(), 0..1024),
    ) {
        let mut bytes = magic;
        bytes.extend(rest);
        if let Ok(info) = inspect(bytes.as_slice()) {
            let _ = info.to_string();
            for target in ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/s390x"] {
                let _ = compatibility(&info, &target.parse::<Platform>().unwrap().with_base_image("python:3.11-slim"));
            }
        }
    }
}
