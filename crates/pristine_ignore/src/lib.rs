//! `.dockerignore` reading and matching exactly as modern BuildKit does. No I/O.
