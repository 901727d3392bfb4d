//! One file per rule, grouped by the input they look at.

pub(crate) mod context;
pub(crate) mod dockerfile;
pub(crate) mod ignore;
pub(crate) mod image;
pub(crate) mod python;
pub(crate) mod shell;
// @@ rule family modules (python, shell)
