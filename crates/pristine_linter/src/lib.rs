//! Rules, the rule registry and the checkers that run them. No I/O: checkers receive parsed
//! inputs and return [`Diagnostic`](pristine_diagnostics::Diagnostic)s.

pub mod fix;
pub mod registry;
mod rules;
mod settings;
pub mod suppression;

pub use registry::{
    BUILDKIT_NOT_COVERED, Family, FixAvailability, HADOLINT_NOT_COVERED, Rule, RuleMeta,
};
pub use settings::{LinterSettings, PerFileIgnore, RuleSet};

mod checkers;
pub use checkers::context::{ContentSource, ContextFacts, check_context};
pub use checkers::dockerfile::{check_dockerfile, check_parsed};
pub use rules::image::check_image;
