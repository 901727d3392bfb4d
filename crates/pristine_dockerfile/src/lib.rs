//! A BuildKit-exact Dockerfile parser. No I/O.

pub mod lex;
