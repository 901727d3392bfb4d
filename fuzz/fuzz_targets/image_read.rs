//! `pristine_image` on hostile archives: never a panic, and bounded (the limits below cap
//! decompression and entry counts; libFuzzer's `-timeout` and `-rss_limit_mb` catch the rest).
//!
//! The first byte picks the input: arbitrary bytes as the whole `docker save` / OCI tarball,
//! or a well-formed `docker save` archive (valid tar headers and checksums, a manifest and a
//! config that name the layers) whose layers are tars built from the fuzzer's bytes — member
//! kinds, names, link targets, bodies, optionally gzip-compressed or raw — so that the layer
//! reader, whiteouts, links and content sniffing are reached instead of stopping at the
//! outer header checksum. Each input is read as a one-pass stream and from a file (the
//! random-access reader, which scans layers in parallel).
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use pristine_image::{Limits, Options, open_path, open_stream};

fn octal(field: &mut [u8], value: u64) {
    let text = format!("{value:0width$o}", width = field.len() - 1);
    let bytes = text.as_bytes();
    let n = bytes.len().min(field.len() - 1);
    field[..n].copy_from_slice(&bytes[bytes.len() - n..]);
}

/// One ustar member: header with a valid checksum, body, padding.
fn member(out: &mut Vec<u8>, name: &[u8], kind: u8, link: &[u8], body: &[u8]) {
    let mut h = [0u8; 512];
    let n = name.len().min(100);
    h[..n].copy_from_slice(&name[..n]);
    octal(&mut h[100..108], 0o755);
    octal(&mut h[108..116], 0);
    octal(&mut h[116..124], 0);
    octal(&mut h[124..136], body.len() as u64);
    octal(&mut h[136..148], 0);
    h[156] = kind;
    let l = link.len().min(100);
    h[157..157 + l].copy_from_slice(&link[..l]);
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].fill(b' ');
    let sum: u64 = h.iter().map(|&b| u64::from(b)).sum();
    octal(&mut h[148..155], sum);
    h[155] = b' ';
    out.extend_from_slice(&h);
    out.extend_from_slice(body);
    out.resize(out.len().next_multiple_of(512), 0);
}

fn end(out: &mut Vec<u8>) {
    out.extend_from_slice(&[0u8; 1024]);
}

const KINDS: &[u8] = b"0052125xgLK7";
const NAMES: [&str; 16] = [
    "usr/local/bin/python3.11",
    "usr/lib/x86_64-linux-gnu/libc.so.6",
    "etc/os-release",
    "app/.venv/pyvenv.cfg",
    "app/.venv/bin/python",
    "app/.wh..wh..opq",
    "app/.wh.main.py",
    "app/main.py",
    "../escape",
    "/abs/x",
    "a/b/../../c",
    "lib/x.so",
    "usr/local/lib/python3.11/site-packages/m.cpython-311-x86_64-linux-gnu.so",
    "root/.ssh/id_rsa",
    "./",
    "usr/bin/sh",
];

/// A layer tar from `spec`: members separated by 0xFD, each `[kind][name selector][link
/// selector][body…]`.
fn layer(spec: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for m in spec.split(|&b| b == 0xFD).take(64) {
        let [k, n, l, body @ ..] = m else { continue };
        let kind = KINDS[usize::from(*k) % KINDS.len()];
        let name = NAMES[usize::from(*n) % NAMES.len()];
        let link = NAMES[usize::from(*l) % NAMES.len()];
        let (name, body) = if n & 0x80 != 0 {
            // A fuzzer-made name: the body up to the first NUL.
            let cut = body.iter().position(|&b| b == 0).unwrap_or(body.len());
            (&body[..cut], &body[cut.min(body.len())..])
        } else {
            (name.as_bytes(), body)
        };
        member(&mut out, name, kind, link.as_bytes(), body);
    }
    if spec.first().is_some_and(|b| b & 1 == 0) {
        end(&mut out);
    }
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).expect("writing to a Vec");
    e.finish().expect("writing to a Vec")
}

/// A `docker save` archive whose layers come from `data` (0xFE-separated).
fn docker_archive(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut names = Vec::new();
    for (i, spec) in data.split(|&b| b == 0xFE).take(4).enumerate() {
        let blob = match spec.first().copied().unwrap_or(0) % 4 {
            0 => gzip(&layer(spec)),
            1 => spec.get(1..).unwrap_or_default().to_vec(),
            _ => layer(spec),
        };
        let name = format!("{i}/layer.tar");
        member(&mut out, name.as_bytes(), b'0', b"", &blob);
        names.push(name);
    }
    let history: Vec<String> = names
        .iter()
        .map(|n| format!(r#"{{"created_by":"/bin/sh -c #(nop) ADD {n} in / "}}"#))
        .collect();
    let diff_ids: Vec<String> = names
        .iter()
        .map(|_| format!("\"sha256:{}\"", "0".repeat(64)))
        .collect();
    let config = format!(
        r#"{{"architecture":"amd64","os":"linux","config":{{"User":"","Env":["PATH=/usr/bin","PYTHON_VERSION=3.11.9"],"Cmd":["python"]}},"rootfs":{{"type":"layers","diff_ids":[{}]}},"history":[{}]}}"#,
        diff_ids.join(","),
        history.join(",")
    );
    member(&mut out, b"config.json", b'0', b"", config.as_bytes());
    let layers: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    let manifest = format!(
        r#"[{{"Config":"config.json","RepoTags":["fuzz:latest"],"Layers":[{}]}}]"#,
        layers.join(",")
    );
    member(&mut out, b"manifest.json", b'0', b"", manifest.as_bytes());
    end(&mut out);
    out
}

fn options() -> Options {
    Options {
        platform: None,
        limits: Limits {
            max_expansion_ratio: 200,
            // Small enough that a bomb costs milliseconds, large enough for real layers.
            min_expansion: 4 << 20,
            max_entries: 10_000,
        },
    }
}

fn exercise(image: &pristine_image::Image) {
    for (path, _) in image.fs.iter() {
        let _ = image.fs.resolve(path);
        let _ = image.fs.content(path);
        let _ = image.fs.is_dir(path);
    }
    let _ = image.config.env("PATH");
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let archive = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        docker_archive(rest)
    };
    if let Ok(image) = open_stream("fuzz", archive.as_slice(), &options()) {
        exercise(&image);
    }
    // The random-access reader needs a file; /dev/shm keeps it in memory.
    let path = std::env::temp_dir().join(format!("pristine-fuzz-image-{}.tar", std::process::id()));
    if std::fs::write(&path, &archive).is_ok() {
        if let Ok(image) = open_path(&path, &options()) {
            exercise(&image);
        }
        let _ = std::fs::remove_file(&path);
    }
});
