pub(crate) mod non_utf8_context_path;
pub(crate) mod special_file_in_context;
pub(crate) mod unreadable_context_entry;
