pub(crate) mod empty_continuation_line;
pub(crate) mod invalid_syntax;
