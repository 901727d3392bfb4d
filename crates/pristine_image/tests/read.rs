//! Images built by the tests themselves (tar, gzip, zstd; docker-archive, OCI layouts with an
//! index), and hostile ones: escaping names, hardlinks outside, symlink loops, huge headers, a
//! gzip bomb, truncation. Nothing is written but the test's own temporary inputs.
#![allow(clippy::needless_pass_by_value, clippy::type_complexity)]

use std::io::Write;
use std::path::Path;

use pristine_binary::{Arch, GlibcVersion, Libc};
use pristine_image::{
    Compression, Content, ImageError, LayerProblem, Limits, NodeKind, Options, Resolved, open_path,
    open_stream,
};
use serde_json::json;

// ---------------------------------------------------------------- a tiny tar writer

#[derive(Clone)]
struct Member {
    name: String,
    kind: u8,
    body: Vec<u8>,
    link: String,
    mode: u32,
    /// Size field override (a header that lies).
    size: Option<u64>,
}

fn file(name: &str, body: &[u8]) -> Member {
    Member {
        name: name.into(),
        kind: b'0',
        body: body.to_vec(),
        link: String::new(),
        mode: 0o644,
        size: None,
    }
}
fn exe(name: &str, body: &[u8]) -> Member {
    Member {
        mode: 0o755,
        ..file(name, body)
    }
}
fn dir(name: &str) -> Member {
    Member {
        kind: b'5',
        mode: 0o755,
        ..file(name, b"")
    }
}
fn symlink(name: &str, target: &str) -> Member {
    Member {
        kind: b'2',
        link: target.into(),
        mode: 0o777,
        ..file(name, b"")
    }
}
fn hardlink(name: &str, target: &str) -> Member {
    Member {
        kind: b'1',
        link: target.into(),
        ..file(name, b"")
    }
}

fn octal(field: &mut [u8], value: u64) {
    let text = format!("{value:0width$o}", width = field.len() - 1);
    field[..text.len()].copy_from_slice(text.as_bytes());
}

fn header(name: &[u8], kind: u8, size: u64, mode: u32, link: &[u8]) -> [u8; 512] {
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

fn pad(out: &mut Vec<u8>) {
    while !out.len().is_multiple_of(512) {
        out.push(0);
    }
}

fn pax_record(key: &str, value: &str) -> String {
    let body = format!(" {key}={value}\n");
    let mut len = body.len() + 1;
    while format!("{len}{body}").len() != len {
        len += 1;
    }
    format!("{len}{body}")
}

fn tar_bytes(members: &[Member], end: bool) -> Vec<u8> {
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

fn tar(members: &[Member]) -> Vec<u8> {
    tar_bytes(members, true)
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::stream::encode_all(data, 3).unwrap()
}

fn sha(data: &[u8]) -> String {
    // Not a real digest: unique enough names for blobs (the reader never verifies digests).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    format!("{h:016x}{:016x}", data.len())
}

fn config(history: &[&str], extra: serde_json::Value) -> Vec<u8> {
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
fn docker_archive(layers: &[Vec<u8>], config: &[u8]) -> Vec<u8> {
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

fn descriptor(media: &str, data: &[u8]) -> serde_json::Value {
    json!({"mediaType": media, "digest": format!("sha256:{}", sha(data)), "size": data.len()})
}

/// OCI layout members for several platforms: (platform json, layers, config).
fn oci_members(images: &[(serde_json::Value, Vec<Vec<u8>>, Vec<u8>)]) -> Vec<Member> {
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

fn write_tmp(data: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(data).unwrap();
    f.flush().unwrap();
    f
}

fn open_bytes(data: &[u8]) -> Result<pristine_image::Image, ImageError> {
    let f = write_tmp(data);
    open_path(f.path(), &Options::default())
}

// ---------------------------------------------------------------- tests

fn base_layer() -> Vec<u8> {
    tar(&[
        dir("usr/"),
        dir("usr/local/bin/"),
        exe("usr/local/bin/python3.11", b"\x7fELF-not-really"),
        symlink("usr/local/bin/python3", "python3.11"),
        symlink("usr/local/bin/python", "python3"),
        file(
            "etc/os-release",
            b"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n",
        ),
        file(
            "usr/lib/x86_64-linux-gnu/libc.so.6",
            b"\x7fELF....GLIBC_2.2.5\0GLIBC_2.34\0GNU C Library (Debian GLIBC 2.36-9) stable release version 2.36.\n",
        ),
        file("etc/junk/a", &[1u8; 1000]),
        file("etc/junk/b", &[2u8; 500]),
        file("etc/keep", &[3u8; 10]),
    ])
}

#[test]
fn docker_archive_with_whiteouts_and_history() {
    let l1 = base_layer();
    let l2 = tar(&[
        file("etc/junk/.wh..wh..opq", b""),
        file("etc/junk/new", b"n"),
        file("etc/.wh.keep", b""),
        file("app/main.py", b"print(1)\n"),
        file("usr/local/bin/python3.11", b"replaced"),
    ]);
    let archive = docker_archive(
        &[l1, l2],
        &config(
            &[
                "/bin/sh -c #(nop) ADD file:abc in / ",
                "/bin/sh -c #(nop)  ENV X=1",
                "COPY . /app # buildkit",
            ],
            json!({"history": [
                {"created_by": "/bin/sh -c #(nop) ADD file:abc in / "},
                {"created_by": "/bin/sh -c #(nop)  ENV X=1", "empty_layer": true},
                {"created_by": "COPY . /app # buildkit"}
            ]}),
        ),
    );
    let image = open_bytes(&archive).unwrap();
    assert_eq!(image.repo_tags, ["test:latest"]);
    assert_eq!(image.layers.len(), 2);
    assert_eq!(
        image.layers[0].instruction.as_deref(),
        Some("ADD file:abc in /")
    );
    assert_eq!(image.layers[1].instruction.as_deref(), Some("COPY . /app"));
    let fs = &image.fs;
    assert!(
        fs.get("etc/junk/a").is_none(),
        "opaque dir hides lower files"
    );
    assert!(fs.get("etc/junk/new").is_some(), "same-layer files survive");
    assert!(fs.get("etc/keep").is_none(), "whiteout deletes");
    assert_eq!(fs.get("app/main.py").unwrap().layer, 1);
    assert_eq!(fs.get("usr/local/bin/python3.11").unwrap().layer, 1);
    let wasted: u64 = fs.waste.iter().map(|w| w.bytes).sum();
    assert_eq!(wasted, 1000 + 500 + 10 + 15);
    assert!(
        fs.waste
            .iter()
            .any(|w| w.path == "usr/local/bin/python3.11" && w.overwritten)
    );
    assert_eq!(image.platform.arch, Arch::Amd64);
    assert_eq!(image.platform.libc, Some(Libc::Glibc));
    assert_eq!(image.platform.glibc, Some(GlibcVersion::new(2, 36)));
    assert_eq!(image.python, Some((3, 11)));
    assert_eq!(
        image.os_name.as_deref(),
        Some("Debian GNU/Linux 12 (bookworm)")
    );
    assert_eq!(
        fs.resolve("/usr/local/bin/python"),
        Resolved::Found("usr/local/bin/python3.11".into())
    );
}

#[test]
fn gzip_zstd_and_plain_layers_stream_and_file_agree() {
    let l1 = gzip(&base_layer());
    let l2 = zstd(&tar(&[file("app/a.txt", b"a")]));
    let l3 = tar(&[file("app/b.txt", b"b")]);
    // A `RUN` that changed nothing: an empty tar, listed twice.
    let empty = tar(&[]);
    let archive = docker_archive(
        &[l1, l2, empty.clone(), l3, empty],
        &config(&["a", "b", "e", "c", "e"], json!({})),
    );
    let from_file = open_bytes(&archive).unwrap();
    let from_stream = open_stream("x", &archive[..], &Options::default()).unwrap();
    for image in [&from_file, &from_stream] {
        let kinds: Vec<_> = image.layers.iter().map(|l| l.compression).collect();
        assert_eq!(
            kinds,
            [
                Compression::Gzip,
                Compression::Zstd,
                Compression::None,
                Compression::None,
                Compression::None
            ]
        );
        assert!(image.fs.get("app/a.txt").is_some());
        assert!(image.fs.get("app/b.txt").is_some());
        assert_eq!(image.platform.glibc, Some(GlibcVersion::new(2, 36)));
    }
    assert_eq!(from_file.fs.len(), from_stream.fs.len());
}

fn two_platform_index() -> Vec<Member> {
    let amd = gzip(&tar(&[file("which", b"amd64")]));
    let arm = gzip(&tar(&[file("which", b"arm64"), file("only-arm", b"")]));
    oci_members(&[
        (
            json!({"os": "unknown", "architecture": "unknown"}),
            vec![gzip(&tar(&[file("attestation", b"")]))],
            config(&["x"], json!({})),
        ),
        (
            json!({"os": "linux", "architecture": "amd64"}),
            vec![amd],
            config(&["x"], json!({})),
        ),
        (
            json!({"os": "linux", "architecture": "arm64", "variant": "v8"}),
            vec![arm],
            config(&["x"], json!({"architecture": "arm64", "variant": "v8"})),
        ),
    ])
}

#[test]
fn oci_index_picks_platform_in_tar_and_directory() {
    let members = two_platform_index();
    let archive = tar(&members);
    let default = open_bytes(&archive).unwrap();
    assert_eq!(default.format, pristine_image::Format::OciLayout);
    assert!(default.fs.get("which").is_some());
    assert!(
        default.fs.get("only-arm").is_none(),
        "default: first linux one"
    );
    assert_eq!(default.platform.arch, Arch::Amd64);

    let arm = Options {
        platform: Some("linux/arm64".parse().unwrap()),
        ..Options::default()
    };
    let f = write_tmp(&archive);
    let image = open_path(f.path(), &arm).unwrap();
    assert!(image.fs.get("only-arm").is_some());
    assert_eq!(image.platform.arch, Arch::Arm64);

    // The same layout as a directory.
    let tmp = tempfile::tempdir().unwrap();
    for m in &members {
        let path = tmp.path().join(&m.name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &m.body).unwrap();
    }
    let image = open_path(tmp.path(), &arm).unwrap();
    assert!(image.fs.get("only-arm").is_some());

    let s390 = Options {
        platform: Some("linux/s390x".parse().unwrap()),
        ..Options::default()
    };
    let err = open_path(tmp.path(), &s390).unwrap_err();
    assert!(matches!(err, ImageError::NoPlatform { .. }), "{err}");
    assert!(err.to_string().contains("linux/arm64/v8"), "{err}");
}

#[test]
fn long_names_binaries_scripts_and_hardlinks() {
    let long = format!("app/{}/deep.txt", "d".repeat(150));
    let elf = std::fs::read("/bin/true").unwrap_or_default();
    let layer = tar(&[
        file(&long, b"x"),
        exe("app/.venv/bin/tool", b"#!/app/.venv/bin/python\nimport x\n"),
        exe("usr/bin/true", &elf),
        hardlink("usr/bin/true2", "usr/bin/true"),
        symlink(&format!("app/{}", "l".repeat(120)), &format!("/{long}")),
    ]);
    let image = open_bytes(&docker_archive(&[layer], &config(&["x"], json!({})))).unwrap();
    assert!(image.fs.get(&long).is_some());
    assert_eq!(
        image.fs.content("app/.venv/bin/tool"),
        Some(&Content::Script("#!/app/.venv/bin/python".into()))
    );
    if !elf.is_empty() {
        assert!(matches!(
            image.fs.content("usr/bin/true2"),
            Some(Content::Binary(_))
        ));
    }
    assert_eq!(
        image.fs.resolve(&format!("app/{}", "l".repeat(120))),
        Resolved::Found(long.clone())
    );
}

// ---------------------------------------------------------------- hostile input

fn layer_problem(result: Result<pristine_image::Image, ImageError>) -> LayerProblem {
    match result {
        Err(ImageError::Layer { problem, .. }) => problem,
        other => panic!("expected a layer error, got {other:?}"),
    }
}

#[test]
fn dot_dot_member_is_refused() {
    let layer = tar(&[file("../../etc/passwd", b"root::0:0")]);
    let problem = layer_problem(open_bytes(&docker_archive(
        &[layer],
        &config(&["x"], json!({})),
    )));
    assert!(
        matches!(problem, LayerProblem::Breakout { .. }),
        "{problem}"
    );
    assert!(problem.to_string().contains("escapes the image root"));
}

#[test]
fn absolute_member_is_applied_below_the_root() {
    let layer = tar(&[file("/etc/hostile", b"x")]);
    let image = open_bytes(&docker_archive(&[layer], &config(&["x"], json!({})))).unwrap();
    assert!(image.fs.get("etc/hostile").is_some());
    assert_eq!(image.layers[0].absolute_names, 1);
}

#[test]
fn hardlink_outside_is_refused() {
    let layer = tar(&[hardlink("etc/shadow-link", "../../../etc/shadow")]);
    let problem = layer_problem(open_bytes(&docker_archive(
        &[layer],
        &config(&["x"], json!({})),
    )));
    assert!(
        matches!(problem, LayerProblem::HardlinkBreakout { .. }),
        "{problem}"
    );
}

#[test]
fn symlink_loops_and_escapes_resolve_boundedly() {
    let mut members = vec![symlink("loop/a", "b"), symlink("loop/b", "a")];
    for i in 0..100 {
        members.push(symlink(&format!("chain/{i}"), &format!("{}", i + 1)));
    }
    members.push(file("chain/100", b"end"));
    members.push(symlink("escape", "../../../../etc/passwd"));
    members.push(file("etc/passwd", b"root"));
    let image = open_bytes(&docker_archive(
        &[tar(&members)],
        &config(&["x"], json!({})),
    ))
    .unwrap();
    assert_eq!(image.fs.resolve("loop/a"), Resolved::Loop);
    assert_eq!(
        image.fs.resolve("chain/0"),
        Resolved::Loop,
        "more than 40 hops"
    );
    assert_eq!(
        image.fs.resolve("chain/70"),
        Resolved::Found("chain/100".into())
    );
    // `..` stops at the root, as in a container.
    assert_eq!(
        image.fs.resolve("escape"),
        Resolved::Found("etc/passwd".into())
    );
    assert!(matches!(
        image.fs.get("escape").unwrap().kind,
        NodeKind::Symlink(_)
    ));
}

#[test]
fn huge_pax_header_is_refused_without_reading_it() {
    let mut data = header(b"PaxHeader", b'x', 10 << 30, 0o644, b"").to_vec();
    data.extend_from_slice(&[b'a'; 4096]);
    let problem = layer_problem(open_bytes(&docker_archive(
        &[data],
        &config(&["x"], json!({})),
    )));
    assert!(
        matches!(problem, LayerProblem::HugeHeader { .. }),
        "{problem}"
    );
}

#[test]
fn corrupt_header_is_reported() {
    let mut layer = tar(&[file("a", b"x")]);
    layer[0] = b'Z'; // breaks the checksum
    // Not a tar any more: the outer archive still reads, the layer fails.
    let problem = layer_problem(open_bytes(&docker_archive(
        &[layer],
        &config(&["x"], json!({})),
    )));
    assert!(
        matches!(problem, LayerProblem::BadHeader { .. }),
        "{problem}"
    );
}

#[test]
fn gzip_bomb_stops_at_the_limit() {
    // One member claiming 6 GiB, then concatenated gzip members of zeros: ~4 GiB of tar from
    // ~4 MiB of gzip. The limit stops it long before.
    let head = header(b"bomb", b'0', 6 << 30, 0o644, b"");
    let zeros = gzip(&vec![0u8; 64 << 20]);
    let mut blob = gzip(&head);
    for _ in 0..64 {
        blob.extend_from_slice(&zeros);
    }
    let options = Options {
        limits: Limits {
            max_expansion_ratio: 100,
            min_expansion: 32 << 20,
            ..Limits::default()
        },
        ..Options::default()
    };
    let f = write_tmp(&docker_archive(&[blob], &config(&["x"], json!({}))));
    let start = std::time::Instant::now();
    let err = open_path(f.path(), &options).unwrap_err();
    let ImageError::Layer { problem, .. } = &err else {
        panic!("{err}");
    };
    assert!(matches!(problem, LayerProblem::Bomb { .. }), "{problem}");
    assert!(start.elapsed().as_secs() < 30);
}

#[test]
fn truncated_layers_are_reported() {
    let full = tar(&[file("a", &[7u8; 5000]), file("b", b"x")]);
    // Cut inside a body.
    let problem = layer_problem(open_bytes(&docker_archive(
        &[full[..2048].to_vec()],
        &config(&["x"], json!({})),
    )));
    assert!(
        matches!(problem, LayerProblem::Truncated { .. }),
        "{problem}"
    );
    // Cut at a member boundary: no end-of-archive marker.
    let no_end = tar_bytes(&[file("a", b"x")], false);
    let problem = layer_problem(open_bytes(&docker_archive(
        &[no_end],
        &config(&["x"], json!({})),
    )));
    assert!(
        matches!(problem, LayerProblem::NoEndMarker { .. }),
        "{problem}"
    );
    // A truncated gzip stream.
    let gz = gzip(&full);
    let problem = layer_problem(open_bytes(&docker_archive(
        &[gz[..gz.len() / 2].to_vec()],
        &config(&["x"], json!({})),
    )));
    assert!(
        matches!(
            problem,
            LayerProblem::Truncated { .. } | LayerProblem::Decompress { .. }
        ),
        "{problem}"
    );
    // A truncated zstd stream.
    let zs = zstd(&full);
    let problem = layer_problem(open_bytes(&docker_archive(
        &[zs[..zs.len() / 2].to_vec()],
        &config(&["x"], json!({})),
    )));
    assert!(
        matches!(
            problem,
            LayerProblem::Truncated { .. } | LayerProblem::Decompress { .. }
        ),
        "{problem}"
    );
    // The outer archive itself cut short.
    let archive = docker_archive(&[full], &config(&["x"], json!({})));
    let err = open_bytes(&archive[..archive.len() - 1500]).unwrap_err();
    assert!(
        matches!(err, ImageError::Archive { .. } | ImageError::MissingBlob(_)),
        "{err}"
    );
    let err = open_stream("s", &archive[..archive.len() - 1500], &Options::default()).unwrap_err();
    assert!(
        matches!(err, ImageError::Archive { .. } | ImageError::MissingBlob(_)),
        "{err}"
    );
}

#[test]
fn not_an_image_and_bad_json() {
    let err = open_bytes(&tar(&[file("hello.txt", b"hi")])).unwrap_err();
    assert!(matches!(err, ImageError::NotAnImage(_)), "{err}");
    let err = open_bytes(&tar(&[file("manifest.json", b"{nope")])).unwrap_err();
    assert!(matches!(err, ImageError::BadMetadata { .. }), "{err}");
    let err = open_bytes(&tar(&[
        file(
            "manifest.json",
            br#"[{"Config":"c.json","Layers":["missing/layer.tar"]}]"#,
        ),
        file("c.json", b"{}"),
    ]))
    .unwrap_err();
    assert!(matches!(err, ImageError::MissingBlob(_)), "{err}");
    // Digests cannot name paths outside blobs/.
    let err = open_bytes(&tar(&[file(
        "index.json",
        br#"{"manifests":[{"digest":"sha256:../../etc/passwd"}]}"#,
    )]))
    .unwrap_err();
    assert!(matches!(err, ImageError::NoPlatform { .. }), "{err}");
}

#[test]
fn entry_limit_bounds_memory() {
    let members: Vec<Member> = (0..200).map(|i| file(&format!("f{i}"), b"")).collect();
    let f = write_tmp(&docker_archive(
        &[tar(&members)],
        &config(&["x"], json!({})),
    ));
    let options = Options {
        limits: Limits {
            max_entries: 100,
            ..Limits::default()
        },
        ..Options::default()
    };
    assert!(open_path(f.path(), &options).is_err());
}

#[test]
fn nothing_is_written_to_disk() {
    // Read a hostile archive from a read-only directory: any attempt to write would fail.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("img.tar");
    let layer = tar(&[
        file("/tmp/pristine-should-not-exist", b"x"),
        symlink("evil", "/tmp"),
        file("evil/pristine-should-not-exist-2", b"x"),
    ]);
    std::fs::write(&path, docker_archive(&[layer], &config(&["x"], json!({})))).unwrap();
    let _ = open_path(&path, &Options::default());
    assert!(!Path::new("/tmp/pristine-should-not-exist").exists());
    assert!(!Path::new("/tmp/pristine-should-not-exist-2").exists());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}
