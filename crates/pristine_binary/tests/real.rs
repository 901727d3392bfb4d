//! Real binaries from real compilers and real wheels, made by `scripts/build-binary-fixtures`.
//!
//! `PRISTINE_BINARY_FIXTURES=DIR` points at its output; when set and missing, the tests fail.
//! When unset, the x86_64 glibc fixtures are compiled on the fly with `cc` (if there is one) and
//! the rest is skipped with a note. The oracle for ELF facts is binutils' `readelf`, written by
//! the script into `facts.tsv`.
#![allow(clippy::print_stderr)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use pristine_binary::{
    Arch, BinaryInfo, Compat, ElfClass, Fact, Libc, MachOFileType, Platform, RECOMMENDED_PREFIX,
    ReadCache, compatibility, inspect,
};

enum Fixtures {
    Full(PathBuf),
    /// Compiled here with `cc`; the directory lives as long as the handle.
    OnTheFly(tempfile::TempDir),
}

fn fixtures() -> Option<Fixtures> {
    if let Some(dir) = std::env::var_os("PRISTINE_BINARY_FIXTURES") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.join("facts.tsv").is_file(),
            "PRISTINE_BINARY_FIXTURES={} has no facts.tsv: run scripts/build-binary-fixtures {0}",
            dir.display()
        );
        return Some(Fixtures::Full(dir));
    }
    let tmp = tempfile::tempdir().ok()?;
    let src = tmp.path().join("fixture.c");
    fs::write(
        &src,
        "#include <string.h>\nint pristine_fixture(const char *s) { return (int)strlen(s); }\n",
    )
    .ok()?;
    fs::create_dir(tmp.path().join("elf")).ok()?;
    let so = tmp.path().join("elf/native-glibc.so");
    let ok = Command::new("cc")
        .arg("-shared")
        .arg("-fPIC")
        .arg("-o")
        .arg(&so)
        .arg(&src)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!(
            "note: PRISTINE_BINARY_FIXTURES is unset and `cc` failed: skipping the real-binary tests"
        );
        return None;
    }
    eprintln!("note: PRISTINE_BINARY_FIXTURES is unset: testing a `cc`-built .so only");
    Some(Fixtures::OnTheFly(tmp))
}

fn info(path: &Path) -> BinaryInfo {
    let bytes = fs::read(path).unwrap();
    let whole = inspect(bytes.as_slice()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // The lazy reader sees the same file, reading only the ranges it needs.
    let file = fs::File::open(path).unwrap();
    let cache = ReadCache::new(file);
    assert_eq!(
        inspect(&cache).unwrap(),
        whole,
        "{}: ReadCache differs",
        path.display()
    );
    // A bounded prefix knows at least the format and architectures.
    let prefix = &bytes[..bytes.len().min(RECOMMENDED_PREFIX)];
    let from_prefix = inspect(prefix).unwrap();
    assert_eq!(from_prefix.arches(), whole.arches());
    whole
}

fn error_on(info: &BinaryInfo, platform: &str, image: &str) -> Option<String> {
    let target = platform.parse::<Platform>().unwrap().with_base_image(image);
    match compatibility(info, &target) {
        Compat::Ok => None,
        Compat::Foreign { runtime_error, .. } => Some(runtime_error),
    }
}

#[test]
fn on_the_fly_or_facts_tsv() {
    let Some(fixtures) = fixtures() else { return };
    let dir = match &fixtures {
        Fixtures::Full(dir) => dir.clone(),
        Fixtures::OnTheFly(tmp) => {
            let so = info(&tmp.path().join("elf/native-glibc.so"));
            let BinaryInfo::Elf(elf) = &so else {
                panic!("{so:?}")
            };
            assert_eq!(
                elf.needed
                    .known()
                    .map(|n| n.contains(&"libc.so.6".to_owned())),
                Some(true)
            );
            assert_eq!(elf.libc, Fact::Known(Some(Libc::Glibc)));
            assert_eq!(elf.interpreter, Fact::Known(None));
            return;
        }
    };
    let facts = fs::read_to_string(dir.join("facts.tsv")).unwrap();
    let mut rows = 0;
    for line in facts.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [file, machine, class, interp, needed, glibc] = cols[..] else {
            panic!("bad row {line:?}")
        };
        let BinaryInfo::Elf(elf) = info(&dir.join(file)) else {
            panic!("{file} is not ELF")
        };
        let arch = match machine {
            "Advanced Micro Devices X86-64" => Arch::Amd64,
            "AArch64" => Arch::Arm64,
            "Intel 80386" => Arch::I386,
            other => panic!("{file}: add {other} to the test"),
        };
        assert_eq!(elf.arch, arch, "{file}");
        assert_eq!(
            elf.class,
            if class == "ELF64" {
                ElfClass::Elf64
            } else {
                ElfClass::Elf32
            },
            "{file}"
        );
        let interp = (!interp.is_empty()).then(|| interp.to_owned());
        assert_eq!(elf.interpreter, Fact::Known(interp), "{file}");
        let needed: Vec<String> = needed
            .split(',')
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect();
        assert_eq!(elf.needed, Fact::Known(needed), "{file}");
        let glibc_max = elf
            .glibc_required
            .known()
            .copied()
            .flatten()
            .map(|v| v.to_string());
        assert_eq!(glibc_max.as_deref().unwrap_or(""), glibc, "{file}");
        let libc = if file.contains("musl") {
            Libc::Musl
        } else {
            Libc::Glibc
        };
        assert_eq!(elf.libc, Fact::Known(Some(libc)), "{file}");
        rows += 1;
    }
    eprintln!("{rows} ELF fixtures agree with readelf");
    assert!(
        rows >= 3,
        "expected the gcc, aarch64 and musl fixtures in {}",
        dir.display()
    );
}

/// Each real fixture, with the verdict and the exact loader message for the targets that matter.
#[test]
fn verdicts_on_real_binaries() {
    let Some(Fixtures::Full(dir)) = fixtures() else {
        return;
    };
    let bookworm = "python:3.11-slim-bookworm";
    let cases: &[(&str, &str, &str, Option<&str>)] = &[
        ("elf/x86_64-glibc.so", "linux/amd64", bookworm, None),
        (
            "elf/x86_64-glibc.so",
            "linux/arm64",
            bookworm,
            Some("cannot open shared object file: No such file or directory"),
        ),
        (
            "elf/aarch64-glibc.so",
            "linux/amd64",
            bookworm,
            Some("cannot open shared object file: No such file or directory"),
        ),
        ("elf/aarch64-glibc.so", "linux/arm64/v8", bookworm, None),
        (
            "elf/aarch64-glibc.so",
            "linux/arm/v7",
            bookworm,
            Some("wrong ELF class: ELFCLASS64"),
        ),
        (
            "elf/x86_64-musl.so",
            "linux/amd64",
            bookworm,
            Some("libc.so: cannot open shared object file: No such file or directory"),
        ),
        (
            "elf/x86_64-musl.so",
            "linux/amd64",
            "python:3.11-alpine",
            None,
        ),
        (
            "elf/x86_64-glibc.so",
            "linux/amd64",
            "python:3.11-alpine",
            Some("Error loading shared library libc.so.6: No such file or directory"),
        ),
        (
            "elf/x86_64-musl-exe",
            "linux/amd64",
            bookworm,
            Some("no such file or directory"),
        ),
        (
            "elf/x86_64-glibc-exe",
            "linux/amd64",
            "python:3.11-slim-bullseye",
            Some("version `GLIBC_2.34' not found"),
        ),
        (
            "elf/x86_64-glibc-exe",
            "linux/arm64",
            bookworm,
            Some("exec format error"),
        ),
        (
            "pe/x86_64.dll",
            "linux/amd64",
            bookworm,
            Some("invalid ELF header"),
        ),
    ];
    for (file, platform, image, expected) in cases {
        let path = dir.join(file);
        if !path.exists() {
            eprintln!("note: {file} was not built (compiler missing): skipped");
            continue;
        }
        let got = error_on(&info(&path), platform, image);
        assert_eq!(got.as_deref(), *expected, "{file} on {platform} {image}");
    }
}

#[test]
fn pe_from_mingw() {
    let Some(Fixtures::Full(dir)) = fixtures() else {
        return;
    };
    for (file, dll) in [("pe/x86_64.dll", true), ("pe/x86_64.exe", false)] {
        let path = dir.join(file);
        if !path.exists() {
            eprintln!("note: {file} was not built: skipped");
            continue;
        }
        let BinaryInfo::Pe(pe) = info(&path) else {
            panic!("{file} is not PE")
        };
        assert_eq!(
            (pe.machine, pe.arch.clone(), pe.dll, pe.pe32_plus),
            (0x8664, Arch::Amd64, dll, Fact::Known(true))
        );
    }
}

fn wheel_file(dir: &Path, tag: &str, suffix: &str) -> Option<PathBuf> {
    let root = dir.join("wheels").join(tag);
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).ok()?.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().ends_with(suffix) {
                return Some(p);
            }
        }
    }
    eprintln!("note: no {suffix} in wheels/{tag} (pip download failed?): skipped");
    None
}

#[test]
fn real_wheels() {
    let Some(Fixtures::Full(dir)) = fixtures() else {
        return;
    };
    if let Some(rust) = wheel_file(&dir, "macos-arm64", "_rust.abi3.so") {
        let info = info(&rust);
        let BinaryInfo::MachO(macho) = &info else {
            panic!("{info:?}")
        };
        assert!(
            macho.slices.iter().any(|s| s.arch == Arch::Arm64),
            "{macho:?}"
        );
        assert!(macho.slices.iter().all(|s| matches!(
            s.file_type,
            Fact::Known(MachOFileType::Dylib | MachOFileType::Bundle)
        )));
        assert_eq!(
            error_on(&info, "linux/amd64", "python:3.11-slim").as_deref(),
            Some("invalid ELF header")
        );
        assert_eq!(
            error_on(&info, "linux/arm64", "python:3.11-slim").as_deref(),
            Some("invalid ELF header")
        );
        // 10 MB file: the first 4 KiB are enough for a Mach-O verdict.
        let bytes = fs::read(&rust).unwrap();
        assert_eq!(inspect(&bytes[..4096]).unwrap().arches(), info.arches());
        eprintln!("{}: {info}", rust.display());
    }
    if let Some(pyd) = wheel_file(&dir, "win-amd64", ".pyd") {
        let info = info(&pyd);
        assert_eq!(info.to_string(), "PE x86_64 (Windows) DLL");
        assert_eq!(
            error_on(&info, "linux/amd64", "python:3.11-slim").as_deref(),
            Some("invalid ELF header")
        );
    }
    if let Some(so) = wheel_file(&dir, "manylinux-aarch64", ".so") {
        let info = info(&so);
        let BinaryInfo::Elf(elf) = &info else {
            panic!()
        };
        assert_eq!(
            (elf.arch.clone(), elf.libc),
            (Arch::Arm64, Fact::Known(Some(Libc::Glibc)))
        );
        // manylinux2014 = glibc 2.17 at most.
        assert!(
            elf.glibc_required
                .known()
                .copied()
                .flatten()
                .is_some_and(|v| v <= pristine_binary::GlibcVersion::new(2, 17))
        );
        assert_eq!(
            error_on(&info, "linux/amd64", "python:3.11-slim").as_deref(),
            Some("cannot open shared object file: No such file or directory")
        );
        assert_eq!(error_on(&info, "linux/arm64", "python:3.11-slim"), None);
    }
    if let Some(so) = wheel_file(&dir, "musllinux-x86_64", ".so") {
        let info = info(&so);
        let BinaryInfo::Elf(elf) = &info else {
            panic!()
        };
        assert_eq!(
            (elf.arch.clone(), elf.libc),
            (Arch::Amd64, Fact::Known(Some(Libc::Musl)))
        );
        assert_eq!(error_on(&info, "linux/amd64", "python:3.11-alpine"), None);
        assert!(error_on(&info, "linux/amd64", "python:3.11-slim").is_some());
    }
}
