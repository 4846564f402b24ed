//! Where each value of a RON file sits, so a problem found after parsing can point at its
//! line and column. serde forgets positions; this reads the file's shape a second time.
//!
//! The reader is lenient: on text it does not understand it stops, and lookups fall back to
//! the nearest enclosing value it did record.

/// A byte range in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// One step of a path from the top of the file: a field name or a list index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Field(&'static str),
    Index(usize),
}

#[derive(Debug, Default)]
struct Node {
    span: Span,
    fields: Vec<(String, Node)>,
    items: Vec<Node>,
    /// `[...]`, as opposed to a tuple or a wrapper such as `Some(...)`.
    is_list: bool,
}

/// The shape of a RON file: spans of every value, by path.
#[derive(Debug)]
pub struct SourceMap {
    root: Node,
    line_starts: Vec<usize>,
}

/// Deeper nesting than this is left unmapped (serde refuses it before that anyway).
const MAX_DEPTH: usize = 256;

impl SourceMap {
    /// Reads the shape of `source`.
    pub fn new(source: &str) -> Self {
        let mut reader = Reader {
            text: source.as_bytes(),
            at: 0,
        };
        reader.skip_trivia();
        let root = reader.value(0).unwrap_or_default();
        let line_starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Self { root, line_starts }
    }

    /// The span of the value at `path`, or of the deepest value on the way to it.
    pub fn span(&self, path: &[Step]) -> Span {
        let mut node = &self.root;
        for step in path {
            match find(node, step) {
                Some(child) => node = child,
                None => break,
            }
        }
        node.span
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, source: &str, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&start| start <= offset).max(1);
        let line_start = self.line_starts[line - 1];
        let end = offset.min(source.len());
        let column = source.get(line_start..end).map_or(1, |text| text.chars().count() + 1);
        (line, column)
    }

    /// The byte offset of a 1-based line and column (in characters).
    pub fn offset(&self, source: &str, line: usize, column: usize) -> usize {
        let Some(&line_start) = self.line_starts.get(line.saturating_sub(1)) else {
            return source.len();
        };
        source[line_start..]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(source.len(), |(at, _)| line_start + at)
    }
}

fn find<'a>(node: &'a Node, step: &Step) -> Option<&'a Node> {
    // `Some(x)` and newtype variants such as `KeepServices([...])` wrap the value the path means.
    let wrapped = || match node.items.as_slice() {
        [only] if !node.is_list && node.fields.is_empty() => find(only, step),
        _ => None,
    };
    match step {
        Step::Field(name) => node
            .fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
            .or_else(wrapped),
        Step::Index(index) => match node.items.as_slice() {
            [only] if !node.is_list && only.is_list => find(only, step),
            items => items.get(*index),
        },
    }
}

struct Reader<'a> {
    text: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn skip_trivia(&mut self) {
        loop {
            match (self.peek(), self.text.get(self.at + 1)) {
                (Some(c), _) if c.is_ascii_whitespace() => self.at += 1,
                (Some(b'/'), Some(b'/')) => {
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.at += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => self.skip_block_comment(),
                // `#![enable(...)]` attributes carry no values.
                (Some(b'#'), _) => {
                    while self.peek().is_some_and(|c| c != b']') {
                        self.at += 1;
                    }
                    self.at += 1;
                }
                _ => return,
            }
        }
    }

    fn skip_block_comment(&mut self) {
        let mut depth = 0usize;
        while self.at < self.text.len() {
            if self.text[self.at..].starts_with(b"/*") {
                depth += 1;
                self.at += 2;
            } else if self.text[self.at..].starts_with(b"*/") {
                depth -= 1;
                self.at += 2;
                if depth == 0 {
                    return;
                }
            } else {
                self.at += 1;
            }
        }
    }

    fn word(&mut self) -> &str {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'+' | b'-'))
        {
            self.at += 1;
        }
        std::str::from_utf8(&self.text[start..self.at]).unwrap_or("")
    }

    fn quoted(&mut self, quote: u8) -> Option<()> {
        self.at += 1;
        loop {
            match self.peek()? {
                b'\\' => self.at += 2,
                c if c == quote => {
                    self.at += 1;
                    return Some(());
                }
                _ => self.at += 1,
            }
        }
    }

    fn raw_string(&mut self) -> Option<()> {
        self.at += 1;
        let hashes = self.text[self.at..].iter().take_while(|&&c| c == b'#').count();
        self.at += hashes + 1;
        let closing: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
        let end = self.text[self.at..]
            .windows(closing.len())
            .position(|window| window == closing)?;
        self.at += end + closing.len();
        Some(())
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let start = self.at;
        let mut node = Node::default();
        match self.peek()? {
            b'"' => self.quoted(b'"')?,
            b'\'' => self.quoted(b'\'')?,
            b'r' if matches!(self.text.get(self.at + 1), Some(b'"' | b'#')) => self.raw_string()?,
            b'(' | b'[' | b'{' => self.group(&mut node, depth)?,
            _ => {
                if self.word().is_empty() {
                    return None;
                }
                self.skip_trivia();
                if self.peek() == Some(b'(') {
                    self.group(&mut node, depth)?;
                }
            }
        }
        node.span = Span { start, end: self.at };
        Some(node)
    }

    /// `( ... )`, `[ ... ]` or `{ ... }`: named fields, items, or map entries (kept as items).
    fn group(&mut self, node: &mut Node, depth: usize) -> Option<()> {
        let close = match self.peek()? {
            b'(' => b')',
            b'[' => b']',
            _ => b'}',
        };
        node.is_list = close == b']';
        self.at += 1;
        loop {
            self.skip_trivia();
            if self.peek()? == close {
                self.at += 1;
                return Some(());
            }
            let checkpoint = self.at;
            let key = self.word().to_string();
            self.skip_trivia();
            if close == b')' && !key.is_empty() && self.peek() == Some(b':') {
                self.at += 1;
                self.skip_trivia();
                let value = self.value(depth + 1)?;
                node.fields.push((key, value));
            } else {
                self.at = checkpoint;
                let item = self.value(depth + 1)?;
                self.skip_trivia();
                if self.peek() == Some(b':') {
                    self.at += 1;
                    self.skip_trivia();
                    self.value(depth + 1)?;
                }
                node.items.push(item);
            }
            self.skip_trivia();
            if self.peek() == Some(b',') {
                self.at += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r##"#![enable(implicit_some)]
// a comment with ( and [
Scenario(
    meta: (id: "x", /* note */ start: "2014-11-24 05:00"),
    offices: [
        (name: "hq", subnets: [(name: "ws", cidr: r#"10.0.0.0/24"#)]),
        (name: "branch", between: ("hq", "lab"), goal: KeepServices(["mail"]), map: {"a": 1}),
    ],
)
"##;

    fn text_at<'a>(map: &SourceMap, path: &[Step]) -> &'a str {
        let span = map.span(path);
        &SOURCE[span.start..span.end]
    }

    #[test]
    fn finds_values_by_path() {
        let map = SourceMap::new(SOURCE);
        use Step::*;
        assert_eq!(text_at(&map, &[Field("meta"), Field("start")]), "\"2014-11-24 05:00\"");
        assert_eq!(
            text_at(&map, &[Field("offices"), Index(1), Field("name")]),
            "\"branch\""
        );
        assert_eq!(
            text_at(
                &map,
                &[Field("offices"), Index(0), Field("subnets"), Index(0), Field("cidr")]
            ),
            "r#\"10.0.0.0/24\"#"
        );
        assert_eq!(
            text_at(&map, &[Field("offices"), Index(1), Field("between"), Index(1)]),
            "\"lab\""
        );
        assert_eq!(
            text_at(&map, &[Field("offices"), Index(1), Field("goal"), Index(0)]),
            "\"mail\""
        );
    }

    #[test]
    fn falls_back_to_the_deepest_value_found() {
        let map = SourceMap::new(SOURCE);
        use Step::*;
        assert_eq!(
            text_at(&map, &[Field("offices"), Index(1), Field("missing")])
                .lines()
                .count(),
            1
        );
        assert!(text_at(&map, &[Field("offices"), Index(1), Field("missing")]).starts_with("(name: \"branch\""));
    }

    #[test]
    fn converts_offsets_to_lines_and_columns_and_back() {
        let map = SourceMap::new(SOURCE);
        let offset = SOURCE.find("meta").unwrap();
        assert_eq!(map.line_column(SOURCE, offset), (4, 5));
        assert_eq!(map.offset(SOURCE, 4, 5), offset);
        assert_eq!(map.offset(SOURCE, 999, 1), SOURCE.len());
    }

    #[test]
    fn survives_broken_and_deep_input() {
        for source in [
            "",
            "(",
            "[[[[",
            "\"unterminated",
            "r#\"open",
            "(a: ",
            "/* open",
            &"[".repeat(100_000),
        ] {
            let map = SourceMap::new(source);
            let _ = map.span(&[Step::Field("a"), Step::Index(3)]);
            let _ = map.line_column(source, source.len() + 5);
        }
    }
}
