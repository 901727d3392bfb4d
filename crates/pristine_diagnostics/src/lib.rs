//! Diagnostics model shared by every input kind.
