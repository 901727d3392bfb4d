//! `cargo run --release -p pristine_context --example context_walk -- DIR [--measure|--list]`:
//! computes a context and prints counts and timing (a benchmark helper).

use std::time::Instant;

use pristine_context::{ContextOptions, compute, list_sent};

#[expect(clippy::print_stdout, reason = "example output")]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| String::from("."));
    let flags: Vec<String> = args.collect();
    let measure = flags.iter().any(|a| a == "--measure");
    let list = flags.iter().any(|a| a == "--list");
    let start = Instant::now();
    let opts = ContextOptions {
        measure_excluded: measure,
        ..ContextOptions::new(dir)
    };
    if list {
        let listing = list_sent(&opts)?;
        let mut count = 0_u64;
        listing.for_each(|_| {
            count += 1;
            Ok::<(), std::convert::Infallible>(())
        })?;
        println!(
            "{count} paths listed; {} issues; {:?}",
            listing.issues.len(),
            start.elapsed()
        );
        return Ok(());
    }
    let ctx = compute(&opts)?;
    let took = start.elapsed();
    let s = &ctx.tree.stats;
    println!(
        "{} entries, {} files, {} bytes sent; {} files / {} bytes excluded; {} issues; {took:?}",
        s.entries_sent,
        s.files_sent,
        s.bytes_sent,
        s.files_excluded,
        s.bytes_excluded,
        ctx.tree.issues.len()
    );
    for p in &s.by_pattern {
        let line = &ctx.ignore.file.patterns[p.pattern];
        println!(
            "  line {}: {} files, {} bytes, {} dirs pruned",
            line.line, p.files, p.bytes, p.dirs_pruned
        );
    }
    Ok(())
}
