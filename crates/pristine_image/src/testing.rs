//! Builders for the images tests read: a tiny tar writer (ustar headers, PAX records for long
//! names, headers that lie about sizes), gzip/zstd, `docker save` archives and OCI layouts with
//! an index. Behind the `testing` feature: for this crate's tests and the image rules' tests in
//! `pristine_linter`, never in the binary.

use std::io::Write;

pub use serde_json::{self, json};

#[derive(Clone)]
pub struct Member {
    pub name: String,
    pub kind: u8,
    pub body: Vec<u8>,
    pub link: String,
    pub mode: u32,
    /// Size field override (a header that lies).
    pub size: Option<u64>,
}

pub fn file(name: &str, body: &[u8]) -> Member {
    Member {
        name: name.into(),
        kind: b'0',
        body: body.to_vec(),
        link: String::new(),
        mode: 0o644,
        size: None,
    }
}
pub fn exe(name: &str, body: &[u8]) -> Member {
    Member {
        mode: 0o755,
        ..file(name, body)
    }
}
pub fn dir(name: &str) -> Member {
    Member {
        kind: b'5',
        mode: 0o755,
        ..file(name, b"")
    }
}
pub fn symlink(name: &str, target: &str) -> Member {
    Member {
        kind: b'2',
        link: target.into(),
        mode: 0o777,
        ..file(name, b"")
    }
}
pub fn hardlink(name: &str, target: &str) -> Member {
    Member {
        kind: b'1',
        link: target.into(),
        ..file(name, b"")
    }
}

pub fn octal(field: &mut [u8], value: u64) {
    let text = format!("{value:0width$o}", width = field.len() - 1);
    field[..text.len()].copy_from_slice(text.as_bytes());
}

pub fn header(name: &[u8], kind: u8, size: u64, mode: u32, link: &[u8]) -> [u8; 512] {
    let mut h = [0u8; 512];
    let n = name.len().min(100);
    h[..n].copy_from_slice(&name[..n]);
    octal(&mut h[100..108], u64::from(mode));
    octal(&mut h[108..116], 0);
    octal(&mut h[116..124], 0);
    octal(&mut h[124..136], size);
    octal(&mut h[136..148], 0);
    h[156] = kind;
    let l = link.len().min(100);
    h[157..157 + l].copy_from_slice(&link[..l]);
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u64 = h.iter().map(|&b| u64::from(b)).sum();
    let text = format!("{sum:06o}\0 ");
    h[148..156].copy_from_slice(text.as_bytes());
    h
}

pub fn pad(out: &mut Vec<u8>) {
    while !out.len().is_multiple_of(512) {
        out.push(0);
    }
}

pub fn pax_record(key: &str, value: &str) -> String {
    let body = format!(" {key}={value}\n");
    let mut len = body.len() + 1;
    while format!("{len}{body}").len() != len {
        len += 1;
    }
    format!("{len}{body}")
}

pub fn tar_bytes(members: &[Member], end: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for m in members {
        if m.name.len() > 100 || m.link.len() > 100 {
            let mut records = pax_record("path", &m.name);
            if !m.link.is_empty() {
                records.push_str(&pax_record("linkpath", &m.link));
            }
            out.extend_from_slice(&header(
                b"PaxHeader",
                b'x',
                records.len() as u64,
                0o644,
                b"",
            ));
            out.extend_from_slice(records.as_bytes());
            pad(&mut out);
        }
        let size = m.size.unwrap_or(m.body.len() as u64);
        out.extend_from_slice(&header(
            m.name.as_bytes(),
            m.kind,
            size,
            m.mode,
            m.link.as_bytes(),
        ));
        out.extend_from_slice(&m.body);
        pad(&mut out);
    }
    if end {
        out.extend_from_slice(&[0u8; 1024]);
    }
    out
}

pub fn tar(members: &[Member]) -> Vec<u8> {
    tar_bytes(members, true)
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

pub fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::stream::encode_all(data, 3).unwrap()
}

pub fn sha(data: &[u8]) -> String {
    // Not a real digest: unique enough names for blobs (the reader never verifies digests).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    format!("{h:016x}{:016x}", data.len())
}

pub fn config(history: &[&str], extra: &serde_json::Value) -> Vec<u8> {
    let mut c = json!({
        "architecture": "amd64",
        "os": "linux",
        "config": {"Env": ["PATH=/usr/local/bin:/usr/bin:/bin", "PYTHON_VERSION=3.11.9"], "Cmd": ["python3"]},
        "history": history.iter().map(|h| json!({"created_by": h})).collect::<Vec<_>>(),
    });
    if let (Some(obj), Some(extra)) = (c.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            obj.insert(k.clone(), v.clone());
        }
    }
    serde_json::to_vec(&c).unwrap()
}

/// A classic `docker save` tarball.
pub fn docker_archive(layers: &[Vec<u8>], config: &[u8]) -> Vec<u8> {
    let mut members = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for (i, layer) in layers.iter().enumerate() {
        // The same layer twice is stored once and listed twice, as docker save does.
        if let Some(j) = layers[..i].iter().position(|l| l == layer) {
            names.push(names[j].clone());
            continue;
        }
        let name = format!("layer{i}/layer.tar");
        members.push(dir(&format!("layer{i}/")));
        members.push(file(&name, layer));
        names.push(name);
    }
    members.push(file("cfg.json", config));
    let manifest =
        json!([{"Config": "cfg.json", "RepoTags": ["test:latest"], "Layers": names}]).to_string();
    members.push(file("manifest.json", manifest.as_bytes()));
    tar(&members)
}

pub fn descriptor(media: &str, data: &[u8]) -> serde_json::Value {
    json!({"mediaType": media, "digest": format!("sha256:{}", sha(data)), "size": data.len()})
}

/// One image of an OCI index: the platform (JSON), the layers and the config.
pub type PlatformImage = (serde_json::Value, Vec<Vec<u8>>, Vec<u8>);

/// OCI layout members for several platforms.
pub fn oci_members(images: &[PlatformImage]) -> Vec<Member> {
    let mut members = vec![file("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#)];
    let mut manifests = Vec::new();
    for (platform, layers, cfg) in images {
        let mut layer_descs = Vec::new();
        for layer in layers {
            members.push(file(&format!("blobs/sha256/{}", sha(layer)), layer));
            layer_descs.push(descriptor(
                "application/vnd.oci.image.layer.v1.tar+gzip",
                layer,
            ));
        }
        members.push(file(&format!("blobs/sha256/{}", sha(cfg)), cfg));
        let manifest = serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": descriptor("application/vnd.oci.image.config.v1+json", cfg),
            "layers": layer_descs,
        }))
        .unwrap();
        members.push(file(&format!("blobs/sha256/{}", sha(&manifest)), &manifest));
        let mut desc = descriptor("application/vnd.oci.image.manifest.v1+json", &manifest);
        desc["platform"] = platform.clone();
        manifests.push(desc);
    }
    let index = serde_json::to_vec(&json!({"schemaVersion": 2, "manifests": manifests})).unwrap();
    members.push(file("index.json", &index));
    members
}

/// What an ELF shared object built by [`elf_shared_object`] declares.
#[derive(Debug, Clone, Default)]
pub struct ElfSpec<'a> {
    /// `e_machine` (62 x86-64, 183 AArch64).
    pub machine: u16,
    pub needed: &'a [&'a str],
    pub rpath: Option<&'a str>,
    pub runpath: Option<&'a str>,
    /// `GLIBC_2.N` version needs on `libc.so.6` (`DT_VERNEED`).
    pub glibc: &'a [&'a str],
}

/// A minimal little-endian ELF64 `ET_DYN`: the header, a `PT_LOAD` mapping the whole file at
/// address 0 and a `PT_DYNAMIC` with `DT_NEEDED`, `DT_RPATH`, `DT_RUNPATH`, `DT_VERNEED` and the
/// string table — exactly what the loader (and `pristine_binary`) read, no sections or code.
/// Layouts from the System V gABI (`Elf64_Ehdr`, `Elf64_Phdr`, `Elf64_Dyn`, `Elf64_Verneed`).
pub fn elf_shared_object(spec: &ElfSpec<'_>) -> Vec<u8> {
    const DT_NEEDED: u64 = 1;
    const DT_STRTAB: u64 = 5;
    const DT_STRSZ: u64 = 10;
    const DT_RPATH: u64 = 15;
    const DT_RUNPATH: u64 = 29;
    const DT_VERNEED: u64 = 0x6fff_fffe;
    const DT_VERNEEDNUM: u64 = 0x6fff_ffff;
    const PHDRS: u64 = 64;
    const STRTAB: u64 = PHDRS + 2 * 56;

    let mut strtab = vec![0u8];
    let mut string = |s: &str| {
        let at = strtab.len() as u64;
        strtab.extend_from_slice(s.as_bytes());
        strtab.push(0);
        at
    };
    let mut dynamic: Vec<(u64, u64)> = spec.needed.iter().map(|n| (DT_NEEDED, string(n))).collect();
    if let Some(rpath) = spec.rpath {
        dynamic.push((DT_RPATH, string(rpath)));
    }
    if let Some(runpath) = spec.runpath {
        dynamic.push((DT_RUNPATH, string(runpath)));
    }
    let libc = string("libc.so.6");
    let versions: Vec<u64> = spec.glibc.iter().map(|v| string(v)).collect();
    let strtab_end = STRTAB + strtab.len() as u64;
    let verneed_at = strtab_end.next_multiple_of(8);
    let mut verneed = Vec::new();
    if !versions.is_empty() {
        // Elf64_Verneed: vn_version, vn_cnt, vn_file, vn_aux, vn_next.
        verneed.extend_from_slice(&1u16.to_le_bytes());
        verneed.extend_from_slice(&u16::try_from(versions.len()).unwrap().to_le_bytes());
        verneed.extend_from_slice(&u32::try_from(libc).unwrap().to_le_bytes());
        verneed.extend_from_slice(&16u32.to_le_bytes());
        verneed.extend_from_slice(&0u32.to_le_bytes());
        for (i, name) in versions.iter().enumerate() {
            // Elf64_Vernaux: vna_hash, vna_flags, vna_other, vna_name, vna_next.
            verneed.extend_from_slice(&0u32.to_le_bytes());
            verneed.extend_from_slice(&0u16.to_le_bytes());
            verneed.extend_from_slice(&u16::try_from(i + 2).unwrap().to_le_bytes());
            verneed.extend_from_slice(&u32::try_from(*name).unwrap().to_le_bytes());
            let next: u32 = if i + 1 == versions.len() { 0 } else { 16 };
            verneed.extend_from_slice(&next.to_le_bytes());
        }
        dynamic.push((DT_VERNEED, verneed_at));
        dynamic.push((DT_VERNEEDNUM, 1));
    }
    dynamic.push((DT_STRTAB, STRTAB));
    dynamic.push((DT_STRSZ, strtab.len() as u64));
    dynamic.push((0, 0));
    let dynamic_at = (verneed_at + verneed.len() as u64).next_multiple_of(8);
    let dynamic_size = dynamic.len() as u64 * 16;
    let total = dynamic_at + dynamic_size;

    let mut out = Vec::new();
    out.extend_from_slice(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0");
    out.extend_from_slice(&3u16.to_le_bytes()); // ET_DYN
    out.extend_from_slice(&spec.machine.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&0u64.to_le_bytes()); // e_entry
    out.extend_from_slice(&PHDRS.to_le_bytes());
    out.extend_from_slice(&0u64.to_le_bytes()); // e_shoff
    out.extend_from_slice(&0u32.to_le_bytes()); // e_flags
    for half in [64u16, 56, 2, 64, 0, 0] {
        out.extend_from_slice(&half.to_le_bytes());
    }
    // (p_type, p_flags, p_offset = p_vaddr = p_paddr, p_filesz = p_memsz, p_align)
    for (kind, flags, at, size, align) in [
        (1u32, 5u32, 0, total, 0x1000u64),
        (2, 6, dynamic_at, dynamic_size, 8),
    ] {
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&flags.to_le_bytes());
        for word in [at, at, at, size, size, align] {
            out.extend_from_slice(&word.to_le_bytes());
        }
    }
    out.extend_from_slice(&strtab);
    out.resize(usize::try_from(verneed_at).unwrap(), 0);
    out.extend_from_slice(&verneed);
    out.resize(usize::try_from(dynamic_at).unwrap(), 0);
    for (tag, value) in dynamic {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&value.to_le_bytes());
    }
    out
}
