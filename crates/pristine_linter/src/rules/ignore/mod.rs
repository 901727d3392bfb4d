pub(crate) mod invalid_ignore_pattern;
