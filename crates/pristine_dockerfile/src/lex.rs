//! BuildKit shell-word lexer (`frontend/dockerfile/shell/lex.go`).
