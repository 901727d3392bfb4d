//! The build context: which files Docker sends, and build discovery.

pub mod discover;
