//! Shell understanding of `RUN`: parse the shell text with tree-sitter-bash into pristine's own
//! types ([`Script`], [`Command`], [`Word`]) with ranges in the Dockerfile, and recognise the
//! commands rules care about (pip, uv, poetry, apt-get, apk, curl, …) with their flags.
//! No I/O; never panics on any input (a syntax error yields the commands that could be
//! recovered and [`Script::has_error`]).
//!
//! ```
//! let script = pristine_shell::parse("apt-get update && pip install --no-cache-dir -r req.txt");
//! assert_eq!(script.commands.len(), 2);
//! let pip = pristine_shell::pip_installs(&script);
//! assert!(pip[0].no_cache_dir);
//! ```

mod dockerfile;
mod map;
mod parse;
pub mod recognise;
mod script;
mod simple;

pub use dockerfile::{RunForm, RunScript, run_scripts, run_scripts_with};
pub use map::SourceMap;

/// Does the fast path (simple commands of plain and quoted words) take `text`? For tests and
/// benchmarks; parsing decides by itself.
#[doc(hidden)]
pub fn fast_path_accepts(text: &str) -> bool {
    simple::parse(text).is_some()
}
pub use parse::{Strategy, parse, parse_mapped, parse_mapped_with};
pub use recognise::*;
pub use script::{Assignment, Command, Connector, Context, Script, ShellOptions, Word, basename};
