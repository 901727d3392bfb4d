use std::collections::HashMap;
use std::fmt::Write as _;

use crate::Rule;
use crate::checkers::context::count;
use crate::registry::declare_rule;
use crate::rules::image::{ImageChecker, human_bytes};

declare_rule! {
    /// ## What it does
    /// Adds up the bytes of files that a layer added and a later layer deleted or replaced
    /// (dive's "wasted space"), and reports them when they exceed 10 MiB or 10 % of the
    /// image's file bytes, naming the largest such files and the instructions that added and
    /// removed them.
    ///
    /// ## Why is this bad?
    /// A file deleted in a later layer still ships in the earlier one: `RUN rm` does not make
    /// an image smaller, and a `chmod`/`chown` in its own `RUN` duplicates every file it
    /// touches.
    ///
    /// ## Example
    /// `RUN apt-get update` … `RUN rm -rf /var/lib/apt/lists/*` in separate layers;
    /// `COPY . .` then `RUN chown -R app /app`.
    ///
    /// Use instead: clean up in the same `RUN` that creates the files; `COPY --chown`/
    /// `--chmod`; multi-stage builds.
    ///
    /// ## References
    /// - [dive](https://github.com/wagoodman/dive) (image efficiency)
    pub(crate) struct ImageWastedBytes {
        code: "IM020",
        name: "image-wasted-bytes",
        family: Image,
        severity: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        summary: "Bytes deleted or overwritten by later layers",
    }
}

const MIN_BYTES: u64 = 10 << 20;

pub(crate) fn wasted_bytes(checker: &mut ImageChecker) {
    if !checker.enabled(Rule::ImageWastedBytes) {
        return;
    }
    let image = checker.image;
    let total: u64 = image.fs.waste.iter().map(|w| w.bytes).sum();
    let file_bytes: u64 = image.layers.iter().map(|l| l.file_bytes).sum();
    if total < MIN_BYTES && total.saturating_mul(10) < file_bytes.max(1) || total == 0 {
        return;
    }
    // Per (added, removed) pair, the bytes, to name the instructions at fault.
    let mut pairs: HashMap<(usize, usize), u64> = HashMap::new();
    for w in &image.fs.waste {
        *pairs.entry((w.added_in, w.removed_in)).or_default() += w.bytes;
    }
    let mut pairs: Vec<_> = pairs.into_iter().collect();
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut files: Vec<_> = image.fs.waste.iter().collect();
    files.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.path.cmp(&b.path)));
    #[expect(clippy::cast_precision_loss, reason = "a percentage for display")]
    let percent = total as f64 * 100.0 / file_bytes.max(1) as f64;
    let mut message = format!(
        "{} ({percent:.1}% of the image's file bytes) in {} {} deleted or overwritten by later layers",
        human_bytes(total),
        count(image.fs.waste.len() as u64, "file"),
        if image.fs.waste.len() == 1 {
            "is"
        } else {
            "are"
        }
    );
    for ((added, removed), bytes) in pairs.iter().take(3) {
        let _ = write!(
            message,
            "; {} added by {} and removed by {}",
            human_bytes(*bytes),
            checker.layer_label(*added),
            checker.layer_label(*removed)
        );
    }
    let largest: Vec<String> = files
        .iter()
        .take(3)
        .map(|w| format!("/{} ({})", w.path, human_bytes(w.bytes)))
        .collect();
    let _ = write!(message, "; largest: {}", largest.join(", "));
    checker.report(Rule::ImageWastedBytes, None, message);
}
