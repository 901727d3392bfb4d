//! Positions: from the text the shell parser sees back to byte offsets in the Dockerfile.

use text_size::{TextRange, TextSize};

/// A piecewise-linear map from offsets in a logical text (what the shell sees) to offsets in
/// the Dockerfile source.
///
/// BuildKit joins continuation lines before the shell sees a `RUN` (`parser.Parse`: the escape
/// character and the line break are dropped, comment lines and empty lines inside the
/// continuation are skipped); each kept piece is one segment here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceMap {
    /// `(logical start, source start)` of each piece, ascending.
    segments: Vec<(usize, usize)>,
    /// Offsets are clamped into this source range.
    bounds: TextRange,
    /// The source text of `bounds` when the pieces may not line up with the logical text
    /// (the fallback of [`SourceMap::joined`]): offsets are then moved back to a char boundary.
    snap: Option<Box<str>>,
}

impl SourceMap {
    /// Logical offset `i` is source offset `start + i` (a heredoc body, a single line).
    pub fn identity(start: TextSize, len: TextSize) -> Self {
        Self {
            segments: vec![(0, usize::from(start))],
            bounds: TextRange::at(start, len),
            snap: None,
        }
    }

    /// Every offset maps into `range` (used when positions inside a value are unknown).
    pub fn collapsed(range: TextRange) -> Self {
        Self {
            segments: Vec::new(),
            bounds: range,
            snap: None,
        }
    }

    /// The map of a value BuildKit joined from the source lines in `range` (`range` as in
    /// `Spanned::range`: from the value's first character to its last). `logical` is the joined
    /// value. When the re-derived join does not reproduce `logical` (it always should), falls
    /// back to a map that is exact on the first line.
    pub fn joined(source: &str, range: TextRange, logical: &str, escape: char) -> Self {
        let start = usize::from(range.start());
        let end = usize::from(range.end()).min(source.len());
        let Some(text) = source.get(start..end) else {
            return Self::collapsed(range);
        };
        let mut segments = Vec::new();
        let mut joined = String::with_capacity(logical.len());
        let mut offset = start;
        let mut first = true;
        let mut pieces = text.split_inclusive('\n');
        for raw in &mut pieces {
            let line_start = offset;
            offset += raw.len();
            let line = raw.trim_end_matches(['\r', '\n']);
            if !first {
                let trimmed = line.trim_start_matches([' ', '\t']);
                if trimmed.starts_with('#') || trimmed.trim_end().is_empty() {
                    continue;
                }
            }
            first = false;
            let (kept, more) = trim_continuation(line, escape);
            segments.push((joined.len(), line_start));
            joined.push_str(kept);
            if !more {
                break;
            }
        }
        if joined.starts_with(logical) || joined.trim_end() == logical.trim_end() {
            Self {
                segments,
                bounds: range,
                snap: None,
            }
        } else {
            Self {
                segments: vec![(0, start)],
                bounds: range,
                snap: Some(text.into()),
            }
        }
    }

    /// The source offset of logical offset `pos`.
    pub fn offset(&self, pos: usize) -> TextSize {
        let i = self.segments.partition_point(|&(l, _)| l <= pos);
        let raw = match i.checked_sub(1).and_then(|i| self.segments.get(i)) {
            Some(&(l, s)) => s + (pos - l),
            None => usize::from(self.bounds.start()),
        };
        self.clamp(raw)
    }

    /// The source offset just after the logical character ending at `pos`.
    fn end_offset(&self, pos: usize) -> TextSize {
        let i = self.segments.partition_point(|&(l, _)| l < pos);
        let raw = match i.checked_sub(1).and_then(|i| self.segments.get(i)) {
            Some(&(l, s)) => s + (pos - l),
            None => return self.offset(pos),
        };
        self.clamp(raw)
    }

    fn clamp(&self, raw: usize) -> TextSize {
        if self.segments.is_empty() {
            return self.bounds.start();
        }
        let raw = TextSize::try_from(raw).unwrap_or(self.bounds.end());
        let mut at = raw.clamp(self.bounds.start(), self.bounds.end());
        if let Some(text) = &self.snap {
            let mut rel = usize::from(at - self.bounds.start()).min(text.len());
            while !text.is_char_boundary(rel) {
                rel -= 1;
            }
            at = self.bounds.start() + TextSize::try_from(rel).unwrap_or_default();
        }
        at
    }

    /// The source range of the logical range `start..end`.
    pub fn range(&self, start: usize, end: usize) -> TextRange {
        if self.segments.is_empty() {
            return self.bounds;
        }
        let s = self.offset(start);
        let e = if end <= start {
            s
        } else {
            self.end_offset(end).max(s)
        };
        TextRange::new(s, e)
    }
}

/// BuildKit's `trimContinuationCharacter`: `([^E])E[ \t]*$|^E[ \t]*$` → `$1`.
fn trim_continuation(line: &str, escape: char) -> (&str, bool) {
    let t = line.trim_end_matches([' ', '\t']);
    if let Some(before) = t.strip_suffix(escape)
        && !before.ends_with(escape)
    {
        return (before, true);
    }
    (line, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_skips_escapes_comments_and_blank_lines() {
        let src = "RUN a \\\n  # c\n\n    && b \\\n  c\n";
        let value_start = 4;
        let logical = "a     && b   c";
        let range = TextRange::new(
            TextSize::from(value_start),
            TextSize::from(u32::try_from(src.len() - 1).unwrap()),
        );
        let map = SourceMap::joined(src, range, logical, '\\');
        let b = logical.find('b').unwrap();
        let r = map.range(b, b + 1);
        assert_eq!(&src[r], "b");
        let c = logical.rfind('c').unwrap();
        let r = map.range(c, c + 1);
        assert_eq!(&src[r], "c");
        let r = map.range(0, logical.len());
        assert_eq!(&src[r], &src[4..src.len() - 1]);
    }
}
