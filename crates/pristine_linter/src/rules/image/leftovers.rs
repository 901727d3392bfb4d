//! Shared by the rules about files that should not be in an image.

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
/// not inside installed packages.
pub(crate) fn dirs_named(checker: &ImageChecker, pred: impl Fn(&str, &str) -> bool) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for (path, node) in checker.image.fs.iter() {
        if node.kind != NodeKind::Dir {
            continue;
        }
        if path.contains("/site-packages/") || path.contains("/dist-packages/") {
            continue;
        }
        if found.iter().any(|f| path.starts_with(&format!("{f}/"))) {
            continue;
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        if pred(path, name) {
            found.push(path.to_owned());
        }
    }
    found
}
