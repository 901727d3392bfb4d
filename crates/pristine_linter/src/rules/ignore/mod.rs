pub(crate) mod copy_source_excluded;
pub(crate) mod ignore_pattern_matches_nothing;
pub(crate) mod ignore_trailing_comment;
pub(crate) mod ineffective_ignore_exception;
pub(crate) mod invalid_ignore_pattern;
pub(crate) mod missing_dockerignore;
pub(crate) mod root_anchored_ignore_pattern;
