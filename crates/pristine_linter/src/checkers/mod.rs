//! A checker per input kind: it runs the enabled rules of its family once per input.

pub(crate) mod context;
pub(crate) mod copy_sources;
pub(crate) mod dockerfile;
pub(crate) mod ignore_fix;
