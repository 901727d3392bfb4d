//! Rules, the rule registry and the checkers that run them. No I/O: checkers receive parsed
//! inputs and return [`Diagnostic`](pristine_diagnostics::Diagnostic)s.

pub mod registry;
mod rules;

pub use registry::{Family, FixAvailability, Rule, RuleMeta};

mod checkers;
pub use checkers::dockerfile::{check_dockerfile, check_parsed};
