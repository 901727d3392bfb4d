//! The image's final filesystem: layers applied in order with OCI whiteouts, and for every
//! path the layer that made it; plus the bytes later layers deleted or overwrote (waste).

use std::collections::BTreeMap;

use crate::layer::{Content, LayerScan, RawEntry, RawKind};

/// What a path is in the final filesystem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    File,
    Dir,
    Symlink(Box<str>),
    /// A hardlink to this (normalised) path; its content is the target's.
    Hardlink(Box<str>),
    Other,
}

/// A path in the final filesystem.
#[derive(Debug, Clone)]
pub struct Node {
    /// 0-based index of the layer that last wrote it.
    pub layer: usize,
    pub kind: NodeKind,
    pub size: u64,
    pub mode: u32,
    pub uid: u32,
    pub content: Option<Content>,
}

/// Bytes a later layer removed or replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waste {
    pub path: String,
    pub bytes: u64,
    /// The layer that added the bytes and the one that removed or replaced them (0-based).
    pub added_in: usize,
    pub removed_in: usize,
    pub overwritten: bool,
}

/// The result of resolving a path through symlinks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// The final path (relative, normalised) of an existing file or directory.
    Found(String),
    /// The first path that does not exist.
    Missing(String),
    /// More than 40 symlinks (Linux's `ELOOP`).
    Loop,
}

/// Paths are relative to the root, `/`-separated (`usr/lib/x`).
#[derive(Debug, Default)]
pub struct FileSystem {
    nodes: BTreeMap<Box<str>, Node>,
    /// Every removal or replacement of a regular file's bytes.
    pub waste: Vec<Waste>,
}

const MAX_SYMLINKS: usize = 40;

impl FileSystem {
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn get(&self, path: &str) -> Option<&Node> {
        self.nodes.get(path.trim_start_matches('/'))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.nodes.iter().map(|(k, v)| (&**k, v))
    }

    /// Entries strictly below `dir` (all depths).
    pub fn below<'a>(&'a self, dir: &str) -> impl Iterator<Item = (&'a str, &'a Node)> + 'a {
        let prefix = format!("{}/", dir.trim_matches('/'));
        self.nodes
            .range::<str, _>((
                std::ops::Bound::Included(prefix.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .take_while(move |(k, _)| k.starts_with(&prefix))
            .map(|(k, v)| (&**k, v))
    }

    /// Whether `path` is a directory (explicitly, or implied by entries below it).
    pub fn is_dir(&self, path: &str) -> bool {
        let path = path.trim_matches('/');
        if path.is_empty() {
            return true;
        }
        match self.nodes.get(path) {
            Some(node) => node.kind == NodeKind::Dir,
            None => self.below(path).next().is_some(),
        }
    }

    /// The content of a file, through hardlinks.
    pub fn content(&self, path: &str) -> Option<&Content> {
        let mut node = self.get(path)?;
        for _ in 0..MAX_SYMLINKS {
            match &node.kind {
                NodeKind::Hardlink(target) => node = self.get(target)?,
                _ => return node.content.as_ref(),
            }
        }
        None
    }

    /// Resolves `path` (absolute, or relative to the root) through symlinks in every
    /// component, as the kernel does inside a chroot: `..` stops at the root.
    pub fn resolve(&self, path: &str) -> Resolved {
        let mut pending: Vec<String> = path
            .split('/')
            .rev()
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        let mut current: Vec<String> = Vec::new();
        let mut hops = 0;
        while let Some(part) = pending.pop() {
            match part.as_str() {
                "." => continue,
                ".." => {
                    current.pop();
                    continue;
                }
                _ => {}
            }
            current.push(part);
            let joined = current.join("/");
            match self.nodes.get(joined.as_str()).map(|n| &n.kind) {
                Some(NodeKind::Symlink(target)) => {
                    hops += 1;
                    if hops > MAX_SYMLINKS {
                        return Resolved::Loop;
                    }
                    current.pop();
                    if target.starts_with('/') {
                        current.clear();
                    }
                    pending.extend(
                        target
                            .split('/')
                            .rev()
                            .filter(|p| !p.is_empty())
                            .map(str::to_owned),
                    );
                }
                Some(NodeKind::Dir) => {}
                Some(_) => {
                    if !pending.is_empty() {
                        // A file used as a directory: ENOTDIR, reported as missing.
                        return Resolved::Missing(joined);
                    }
                }
                None => {
                    if pending.is_empty() || !self.is_dir(&joined) {
                        return Resolved::Missing(joined);
                    }
                }
            }
        }
        Resolved::Found(current.join("/"))
    }

    /// Applies one layer (0-based `index`) over the filesystem so far.
    pub(crate) fn apply(&mut self, index: usize, scan: LayerScan) {
        // Whiteouts hide what lower layers have, never what this layer adds: apply them first.
        for entry in &scan.entries {
            match entry.kind {
                RawKind::Whiteout => {
                    self.remove_tree(&entry.path, index, false);
                }
                RawKind::Opaque => {
                    let below: Vec<Box<str>> =
                        self.below(&entry.path).map(|(k, _)| k.into()).collect();
                    for path in below {
                        if let Some(node) = self.nodes.remove(&path) {
                            self.record_waste(&path, &node, index, false);
                        }
                    }
                }
                _ => {}
            }
        }
        for entry in scan.entries {
            let RawEntry {
                path,
                kind,
                size,
                mode,
                uid,
                content,
            } = entry;
            let kind = match kind {
                RawKind::Whiteout | RawKind::Opaque => continue,
                RawKind::File => NodeKind::File,
                RawKind::Dir => NodeKind::Dir,
                RawKind::Symlink(t) => NodeKind::Symlink(t),
                RawKind::Hardlink(t) => NodeKind::Hardlink(t),
                RawKind::Other => NodeKind::Other,
            };
            if let Some(old) = self.nodes.get(&path) {
                if old.kind == NodeKind::Dir && kind == NodeKind::Dir {
                    // Re-stating a directory (new mode or owner) keeps its children.
                } else if old.kind == NodeKind::Dir {
                    // A non-directory replaces a directory and everything in it.
                    self.remove_tree(&path, index, true);
                }
            }
            let node = Node {
                layer: index,
                kind,
                size,
                mode,
                uid,
                content,
            };
            if let Some(old) = self.nodes.insert(path.clone(), node)
                && old.layer != index
            {
                self.record_waste(&path, &old, index, true);
            }
        }
    }

    fn remove_tree(&mut self, path: &str, index: usize, overwritten: bool) {
        if let Some(node) = self.nodes.remove(path) {
            self.record_waste(path, &node, index, overwritten);
        }
        let below: Vec<Box<str>> = self.below(path).map(|(k, _)| k.into()).collect();
        for child in below {
            if let Some(node) = self.nodes.remove(&child) {
                self.record_waste(&child, &node, index, overwritten);
            }
        }
    }

    fn record_waste(&mut self, path: &str, node: &Node, removed_in: usize, overwritten: bool) {
        if node.kind == NodeKind::File && node.size > 0 && node.layer < removed_in {
            self.waste.push(Waste {
                path: path.to_owned(),
                bytes: node.size,
                added_in: node.layer,
                removed_in,
                overwritten,
            });
        }
    }
}
