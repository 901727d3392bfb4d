//! A BuildKit-exact, error-tolerant, span-keeping Dockerfile parser. No I/O.
//!
//! ```
//! let df = pristine_dockerfile::parse("FROM python:3.12 AS base\nRUN pip install x\n");
//! assert!(df.errors.is_empty());
//! assert_eq!(df.dump(), "(from \"python:3.12\" \"AS\" \"base\")\n(run \"pip install x\")\n");
//! ```
//!
//! # Layers
//!
//! BuildKit parses a Dockerfile in two steps, and so does this crate:
//!
//! 1. `parser.Parse` (`frontend/dockerfile/parser`): lines, continuations, comments, parser
//!    directives, per-instruction argument splitting, JSON forms, heredocs. The result is one
//!    [`Node`] per instruction; [`Dockerfile::dump`] prints them in BuildKit's test format.
//! 2. `instructions.Parse` (`frontend/dockerfile/instructions`): typed instructions
//!    ([`Command`]) with flags checked, argument counts, stage names.
//!
//! [`parse`] never fails: errors of both layers are collected in [`Dockerfile::errors`] with
//! BuildKit's message text and a source range, and [`ErrorKind`] tells which layer would have
//! rejected the file. [`Dockerfile::parser_error`] is what makes `parser.Parse` fail.
//!
//! All ranges are byte offsets into the original source ([`text_size::TextRange`]); use
//! [`LineIndex`] to turn them into lines and columns. Line numbers on nodes are BuildKit's
//! 1-based `StartLine`/`EndLine`.
//!
//! The stage model ([`Stages`], from [`Dockerfile::stages`]) resolves global `ARG`s, stage
//! names and bases, `COPY --from` edges and the per-stage `USER`/`WORKDIR`/`ENV`/`SHELL`.

mod ast;
mod directives;
mod dump;
mod error;
mod go;
mod heredoc;
mod instructions;
mod json;
mod line_index;
mod line_parsers;
mod parser;
mod quote;
mod stages;
mod unicode_tables;

pub mod duration;
pub mod flags;
pub mod lex;
pub mod mount;

pub use ast::{Heredoc, Keyword, Node, Spanned};
pub use directives::{DetectedDirective, Directive, detect_syntax, parse_directive};
pub use dump::{dump_node, dump_nodes};
pub use error::{ErrorKind, SyntaxError, SyntaxWarning};
pub use heredoc::{HeredocMarker, chomp_heredoc_content, heredoc_names_from_line, parse_heredoc};
pub use instructions::{
    AddCommand, ArgDefinition, Command, CommandLine, CopyCommand, FromCommand, Healthcheck,
    HealthcheckCmd, InlineFile, KeyValue, OnbuildCommand, RunCommand, RunMount, Source,
    parse_command,
};
pub use line_index::{LineCol, LineIndex};
pub use quote::{go_quote, go_quote_list};
pub use stages::{Base, CopyFrom, CopySource, Stage, Stages, Variable, stages};

/// A parsed Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    /// Parser directives at the top of the file.
    pub directives: Vec<Directive>,
    /// The escape character in effect (`\` or `` ` ``).
    pub escape: char,
    /// The instructions, in order.
    pub instructions: Vec<Instruction>,
    /// Every error, in the order BuildKit would meet them.
    pub errors: Vec<SyntaxError>,
    /// Parser warnings (empty continuation lines).
    pub warnings: Vec<SyntaxWarning>,
    /// Line starts of the source.
    pub line_index: LineIndex,
}

/// One instruction: the syntax node and, when both parser layers accepted it, its typed form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    pub node: Node,
    /// `None` when the instruction has an error (see [`Dockerfile::errors`]).
    pub command: Option<Command>,
}

impl std::ops::Deref for Instruction {
    type Target = Node;

    fn deref(&self) -> &Node {
        &self.node
    }
}

/// Parses a Dockerfile. Never fails and never panics; see [`Dockerfile::errors`].
pub fn parse(source: &str) -> Dockerfile {
    let parsed = parser::parse(source);
    let mut errors = parsed.errors;
    let mut seen_from = false;
    let instructions = parsed
        .nodes
        .into_iter()
        .map(|(node, ok)| {
            let command = if ok {
                match instructions::parse_command(&node) {
                    Ok(c) => Some(c),
                    Err(e) => {
                        errors.push(e);
                        None
                    }
                }
            } else {
                None
            };
            // instructions.Parse: before the first FROM only ARG is allowed (`CurrentStage`).
            match &command {
                Some(Command::From(_)) => seen_from = true,
                Some(Command::Arg(_)) | None => {}
                Some(_) if !seen_from => errors.push(SyntaxError {
                    kind: ErrorKind::Instruction,
                    range: node.range,
                    message: "no build stage in current context".to_owned(),
                }),
                Some(_) => {}
            }
            Instruction { node, command }
        })
        .collect();
    Dockerfile {
        directives: parsed.directives,
        escape: parsed.escape,
        instructions,
        errors,
        warnings: parsed.warnings,
        line_index: LineIndex::new(source),
    }
}

/// BuildKit's `parseWords` (used for `ENV`, `LABEL` and `ARG`): whitespace-separated words,
/// quotes and escape characters kept.
pub fn parse_words(rest: &str, escape: char) -> Vec<String> {
    line_parsers::parse_words(rest, 0, escape)
        .into_iter()
        .map(|t| t.value)
        .collect()
}

impl Dockerfile {
    /// BuildKit's `AST.Dump() + "\n"` (the fixtures' `result` format).
    pub fn dump(&self) -> String {
        dump_nodes(self.instructions.iter().map(|i| &i.node))
    }

    /// The first error of the parser layer: what makes BuildKit's `parser.Parse` fail.
    pub fn parser_error(&self) -> Option<&SyntaxError> {
        self.errors.iter().find(|e| e.kind == ErrorKind::Parser)
    }

    /// The first error of either layer: what makes a BuildKit build fail before it starts.
    pub fn first_error(&self) -> Option<&SyntaxError> {
        self.parser_error().or_else(|| self.errors.first())
    }

    /// The stage model ([`stages`]).
    pub fn stages(&self) -> Stages {
        stages::stages(self)
    }

    /// The parser directive `name` (`syntax`, `escape`, `check`).
    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name == name)
    }
}
