pub(crate) mod empty_continuation_line;
pub(crate) mod invalid_syntax;
pub(crate) mod unused_suppression;
