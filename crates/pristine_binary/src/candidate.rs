//! Which files are worth opening: by name, size and mode, before reading a byte.

/// Whether a file in a build context may be a native binary worth [`crate::inspect`]ing.
/// `path` is `/`-separated (relative or absolute); `mode` is the Unix mode when known.
///
/// Candidates: `*.so`, `*.so.N[.M…]`, `*.pyd`, `*.dylib`, `*.dll`, `*.exe`, `*.node`; any
/// executable file in a `bin/` or `Scripts/` directory; any executable file without an extension.
/// Empty files never are (a non-empty truncated one is: [`crate::inspect`] reports it).
pub fn is_binary_candidate(path: &str, size: u64, mode: Option<u32>) -> bool {
    if size == 0 {
        return false;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if [".so", ".pyd", ".dylib", ".dll", ".exe", ".node"]
        .iter()
        .any(|ext| lower.ends_with(ext))
    {
        return true;
    }
    // `libssl.so.3`, `libz.so.1.2.13`
    if let Some(at) = lower.find(".so.") {
        let version = &lower[at + 4..];
        if !version.is_empty()
            && version
                .split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        {
            return true;
        }
    }
    let executable = mode.is_some_and(|m| m & 0o111 != 0);
    if !executable {
        return false;
    }
    let in_bin = path
        .rsplit('/')
        .nth(1)
        .is_some_and(|dir| dir == "bin" || dir == "Scripts" || dir == "sbin");
    // A dot that starts the name (`.hidden`) is not an extension.
    let has_extension = name.get(1..).is_some_and(|rest| rest.contains('.'));
    in_bin || !has_extension
}

/// Whether CPython on Linux would try to `dlopen` a file of this name when importing: only `.so`
/// names are in `EXTENSION_SUFFIXES` there (python-rules.md §2.6). A `.pyd` or `.dylib` is never
/// tried (the import fails with `ModuleNotFoundError` or falls back to pure Python), though
/// `ctypes` or a library that `dlopen`s by path still hits the loader error.
#[allow(
    clippy::case_sensitive_file_extension_comparisons,
    reason = "the import system matches suffixes exactly"
)]
pub fn python_tries_to_load(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.ends_with(".so")
}
