//! Byte offset ↔ line/column conversion.

use text_size::{TextRange, TextSize};

/// Line starts of a source text. Lines end at `\n` only, like BuildKit's scanner, so line
/// numbers agree with BuildKit's `StartLine`/`EndLine`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineIndex {
    starts: Vec<TextSize>,
    len: TextSize,
}

/// A 1-based line and a 1-based column counted in bytes from the line start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

impl LineIndex {
    /// Indexes `source`.
    pub fn new(source: &str) -> Self {
        let mut starts = vec![TextSize::from(0)];
        starts.extend(
            memchr::memchr_iter(b'\n', source.as_bytes())
                .map(|i| TextSize::from(u32::try_from(i + 1).unwrap_or(u32::MAX))),
        );
        Self {
            starts,
            len: TextSize::of(source),
        }
    }

    /// Number of lines (a final line without `\n` counts; a trailing `\n` starts an empty one).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 1-based line containing `offset` (offsets past the end map to the last line).
    pub fn line(&self, offset: TextSize) -> u32 {
        let idx = self.starts.partition_point(|&s| s <= offset);
        u32::try_from(idx.max(1)).unwrap_or(u32::MAX)
    }

    /// 1-based line and byte column of `offset`.
    pub fn line_col(&self, offset: TextSize) -> LineCol {
        let line = self.line(offset);
        let start = self.line_start(line).unwrap_or_default();
        LineCol {
            line,
            col: u32::from(offset.checked_sub(start).unwrap_or_default()) + 1,
        }
    }

    /// Offset where 1-based `line` starts.
    pub fn line_start(&self, line: u32) -> Option<TextSize> {
        let idx = usize::try_from(line).ok()?.checked_sub(1)?;
        self.starts.get(idx).copied()
    }

    /// Range of 1-based `line` including its `\n` (if any).
    pub fn line_range(&self, line: u32) -> Option<TextRange> {
        let start = self.line_start(line)?;
        let end = self.line_start(line + 1).unwrap_or(self.len);
        Some(TextRange::new(start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let idx = LineIndex::new("ab\ncd\n");
        assert_eq!(idx.line_count(), 3);
        assert_eq!(idx.line_col(TextSize::from(0)), LineCol { line: 1, col: 1 });
        assert_eq!(idx.line_col(TextSize::from(4)), LineCol { line: 2, col: 2 });
        assert_eq!(idx.line(TextSize::from(6)), 3);
        assert_eq!(
            idx.line_range(2),
            Some(TextRange::new(TextSize::from(3), TextSize::from(6)))
        );
        assert_eq!(idx.line_range(4), None);
    }
}
