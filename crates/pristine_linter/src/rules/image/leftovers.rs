//! Shared by the rules about files that should not be in an image.

use std::collections::BTreeSet;

use pristine_image::NodeKind;

use crate::rules::image::ImageChecker;

/// Bytes and files below `dir`, and the layer that added the most bytes.
pub(crate) fn dir_stats(checker: &ImageChecker, dir: &str) -> (u64, usize, Option<usize>) {
    let mut bytes = 0;
    let mut files = 0;
    let mut per_layer: Vec<u64> = vec![0; checker.image.layers.len()];
    for (_, node) in checker.image.fs.below(dir) {
        if node.kind == NodeKind::File {
            bytes += node.size;
            files += 1;
            if let Some(slot) = per_layer.get_mut(node.layer) {
                *slot += node.size.max(1);
            }
        }
    }
    let layer = per_layer
        .iter()
        .enumerate()
        .filter(|(_, b)| **b > 0)
        .max_by_key(|(_, b)| **b)
        .map(|(i, _)| i)
        .or_else(|| checker.layer_of(dir));
    (bytes, files, layer)
}

/// Outermost directories (by basename) matching `pred`, not nested in one already found and
/// not inside installed packages. A directory counts when it has its own tar entry or is only
/// implied by the entries below it: layers need not list parent directories (the OCI layer
/// spec does not require them, and tools such as `crane append` or ko omit them).
pub(crate) fn dirs_named(checker: &ImageChecker, pred: impl Fn(&str, &str) -> bool) -> Vec<String> {
    let mut candidates: BTreeSet<&str> = BTreeSet::new();
    for (path, node) in checker.image.fs.iter() {
        // Every ancestor of `path`, and `path` itself when it is a directory.
        let ends = path
            .match_indices('/')
            .map(|(at, _)| at)
            .chain((node.kind == NodeKind::Dir).then_some(path.len()));
        for end in ends {
            let dir = &path[..end];
            if dir.contains("/site-packages/") || dir.contains("/dist-packages/") {
                break;
            }
            let name = dir.rsplit('/').next().unwrap_or(dir);
            if pred(dir, name) {
                candidates.insert(dir);
            }
        }
    }
    let mut found: Vec<String> = Vec::new();
    for dir in candidates {
        if !found.iter().any(|f| dir.starts_with(&format!("{f}/"))) {
            found.push(dir.to_owned());
        }
    }
    found
}
