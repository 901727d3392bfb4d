//! Locating the shared reference data.

use std::path::PathBuf;

/// Resolves a data directory: `$var` if set (it must then exist, else the test fails), otherwise
/// `<manifest>/../../../shared/<fallback>` if that exists, otherwise `None` (the caller prints a
/// note and skips).
pub(crate) fn data_dir(var: &str, fallback: &str) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(var) {
        let dir = PathBuf::from(dir);
        assert!(
            dir.is_dir(),
            "{var} is set to {} but that directory does not exist",
            dir.display()
        );
        return Some(dir);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(fallback);
    if dir.is_dir() {
        Some(dir)
    } else {
        #[allow(clippy::print_stderr)]
        {
            eprintln!(
                "note: {var} not set and {} missing; skipping",
                dir.display()
            );
        }
        None
    }
}
