//! Images built by the tests themselves (tar, gzip, zstd; docker-archive, OCI layouts with an
//! index), and hostile ones: escaping names, hardlinks outside, symlink loops, huge headers, a
//! gzip bomb, truncation. Nothing is written but the test's own temporary inputs.
#![allow(clippy::needless_pass_by_value, clippy::type_complexity)]

use std::io::Write;
use std::path::Path;

use pristine_binary::{Arch, GlibcVersion, Libc};
use pristine_image::testing::{
    ElfSpec, Member, config, dir, docker_archive, elf_shared_object, exe, file, gzip, hardlink,
    header, json, oci_members, symlink, tar, tar_bytes, zstd,
};
use pristine_image::{
    Compression, Content, ImageError, LayerProblem, Limits, NodeKind, Options, Resolved, open_path,
    open_stream,
};

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
            &json!({"history": [
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
        &config(&["a", "b", "e", "c", "e"], &json!({})),
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
            config(&["x"], &json!({})),
        ),
        (
            json!({"os": "linux", "architecture": "amd64"}),
            vec![amd],
            config(&["x"], &json!({})),
        ),
        (
            json!({"os": "linux", "architecture": "arm64", "variant": "v8"}),
            vec![arm],
            config(&["x"], &json!({"architecture": "arm64", "variant": "v8"})),
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
    let image = open_bytes(&docker_archive(&[layer], &config(&["x"], &json!({})))).unwrap();
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

#[test]
fn built_elf_is_read_as_the_loader_reads_it() {
    let so = elf_shared_object(&ElfSpec {
        machine: 62,
        needed: &["libpq.so.5", "libc.so.6"],
        runpath: Some("$ORIGIN/../x.libs"),
        glibc: &["GLIBC_2.2.5", "GLIBC_2.38"],
        ..ElfSpec::default()
    });
    let layer = tar(&[file(
        "site-packages/m/_m.cpython-311-x86_64-linux-gnu.so",
        &so,
    )]);
    let image = open_bytes(&docker_archive(&[layer], &config(&["x"], &json!({})))).unwrap();
    let Some(Content::Binary(info)) = image
        .fs
        .content("site-packages/m/_m.cpython-311-x86_64-linux-gnu.so")
    else {
        panic!("not read as a binary");
    };
    let pristine_binary::BinaryInfo::Elf(elf) = &**info else {
        panic!("not ELF: {info:?}");
    };
    assert_eq!(elf.arch, Arch::Amd64);
    assert_eq!(
        elf.needed.known().map(Vec::as_slice),
        Some(&["libpq.so.5".to_owned(), "libc.so.6".to_owned()][..])
    );
    assert_eq!(
        elf.runpath.known(),
        Some(&Some("$ORIGIN/../x.libs".to_owned()))
    );
    assert_eq!(elf.rpath.known(), Some(&None));
    assert_eq!(
        elf.glibc_required.known(),
        Some(&Some(GlibcVersion::new(2, 38)))
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
        &config(&["x"], &json!({})),
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
    let image = open_bytes(&docker_archive(&[layer], &config(&["x"], &json!({})))).unwrap();
    assert!(image.fs.get("etc/hostile").is_some());
    assert_eq!(image.layers[0].absolute_names, 1);
}

#[test]
fn hardlink_outside_is_refused() {
    let layer = tar(&[hardlink("etc/shadow-link", "../../../etc/shadow")]);
    let problem = layer_problem(open_bytes(&docker_archive(
        &[layer],
        &config(&["x"], &json!({})),
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
        &config(&["x"], &json!({})),
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
        &config(&["x"], &json!({})),
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
        &config(&["x"], &json!({})),
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
    let f = write_tmp(&docker_archive(&[blob], &config(&["x"], &json!({}))));
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
        &config(&["x"], &json!({})),
    )));
    assert!(
        matches!(problem, LayerProblem::Truncated { .. }),
        "{problem}"
    );
    // Cut at a member boundary: no end-of-archive marker.
    let no_end = tar_bytes(&[file("a", b"x")], false);
    let problem = layer_problem(open_bytes(&docker_archive(
        &[no_end],
        &config(&["x"], &json!({})),
    )));
    assert!(
        matches!(problem, LayerProblem::NoEndMarker { .. }),
        "{problem}"
    );
    // A truncated gzip stream.
    let gz = gzip(&full);
    let problem = layer_problem(open_bytes(&docker_archive(
        &[gz[..gz.len() / 2].to_vec()],
        &config(&["x"], &json!({})),
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
        &config(&["x"], &json!({})),
    )));
    assert!(
        matches!(
            problem,
            LayerProblem::Truncated { .. } | LayerProblem::Decompress { .. }
        ),
        "{problem}"
    );
    // The outer archive itself cut short.
    let archive = docker_archive(&[full], &config(&["x"], &json!({})));
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
        &config(&["x"], &json!({})),
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
    std::fs::write(&path, docker_archive(&[layer], &config(&["x"], &json!({})))).unwrap();
    let _ = open_path(&path, &Options::default());
    assert!(!Path::new("/tmp/pristine-should-not-exist").exists());
    assert!(!Path::new("/tmp/pristine-should-not-exist-2").exists());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}
