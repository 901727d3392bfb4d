//! Byte offsets ⇄ 1-based line/column.

use text_size::{TextRange, TextSize};

/// A 1-based row and column; the column counts characters (Unicode scalar values), as ruff's
/// JSON output does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct SourceLocation {
    pub row: usize,
    pub column: usize,
}

/// Start offsets of every line of a text. Lines end at `\n`; a `\r` before it belongs to the
/// line's text (Dockerfiles with CRLF endings still get the right columns since `\r` comes last).
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<TextSize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        // memchr finds the new lines a vector at a time (the index of every linted Dockerfile
        // is built twice, by the suppressions and for rendering).
        let mut line_starts = vec![TextSize::default()];
        line_starts.extend(
            memchr::memchr_iter(b'\n', text.as_bytes())
                .map(|i| TextSize::try_from(i + 1).unwrap_or(TextSize::from(u32::MAX))),
        );
        Self { line_starts }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line containing `offset`.
    pub fn line_of(&self, offset: TextSize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// The byte range of a 0-based line, without its line terminator.
    pub fn line_range(&self, line: usize, text: &str) -> TextRange {
        let start = self.line_starts.get(line).copied().unwrap_or_default();
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(text.len(), |next| usize::from(*next).saturating_sub(1));
        let end = end.max(usize::from(start));
        let slice = text.get(usize::from(start)..end).unwrap_or("");
        let trimmed = slice.strip_suffix('\r').unwrap_or(slice);
        TextRange::at(start, TextSize::from(trimmed.len() as u32))
    }

    /// 1-based row and character column of `offset` in `text`.
    pub fn location(&self, offset: TextSize, text: &str) -> SourceLocation {
        let line = self.line_of(offset);
        let start = usize::from(self.line_starts[line]);
        let end = usize::from(offset).min(text.len()).max(start);
        let column = text
            .get(start..end)
            .map_or(end - start, |s| s.chars().count());
        SourceLocation {
            row: line + 1,
            column: column + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_columns() {
        let text = "FROM a\r\nRUN é x\n\nCMD y";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(
            index.location(TextSize::from(0), text),
            SourceLocation { row: 1, column: 1 }
        );
        // `x` after the two-byte `é`.
        let x = text.find(" x").unwrap() + 1;
        assert_eq!(
            index.location(TextSize::try_from(x).unwrap(), text),
            SourceLocation { row: 2, column: 7 }
        );
        assert_eq!(
            &text[index.line_range(0, text)],
            "FROM a",
            "CR is not part of the line"
        );
        assert_eq!(&text[index.line_range(3, text)], "CMD y");
        assert_eq!(&text[index.line_range(2, text)], "");
    }
}
