//! Where a place in a file sits: inside which sections, lists and values, at a field's name or
//! at a value, and what has been typed of the word there. Read from the start of the file up
//! to the place, leniently: the text is usually half-typed when an editor asks.

/// A section, list or value in parentheses that is open at the place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frame {
    /// `(`, `[` or `{`.
    pub open: u8,
    /// The word written just before `(`: a section's or a value's name (`Online`, `Some`).
    pub head: String,
    /// The field whose value is being written, in a section.
    pub key: Option<String>,
    /// Fields already written in this section.
    pub keys: Vec<String>,
    /// Which item is being written (commas so far).
    pub item: usize,
    /// The text given to this section's `name` field, if it comes before the place.
    pub name: Option<String>,
    /// Right after `(` or `,`: a field's name goes here, if this is a section.
    pub at_key: bool,
}

/// What surrounds a place in the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// Open frames, outermost first.
    pub frames: Vec<Frame>,
    /// Inside a string: the offset just after its opening quote.
    pub string_start: Option<usize>,
    /// The start of the word or string text that ends at the place.
    pub word_start: usize,
    /// The place is inside a comment.
    pub in_comment: bool,
}

impl Context {
    pub fn innermost(&self) -> Option<&Frame> {
        self.frames.last()
    }
}

/// Deeper nesting than this is not followed (the loader refuses it anyway).
const MAX_FRAMES: usize = 256;

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.' | b'+' | b'-')
}

/// Reads `text` up to byte `offset`.
pub fn context_at(text: &str, offset: usize) -> Context {
    let bytes = text.as_bytes();
    let end = offset.min(bytes.len());
    let mut context = Context {
        word_start: end,
        ..Context::default()
    };
    let mut at = 0;
    // The last word read, and where it ended: a `(` right after it belongs to it.
    let mut last_word = String::new();
    while at < end {
        let byte = bytes[at];
        match byte {
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                while at < end && bytes[at] != b'\n' {
                    at += 1;
                }
                if at == end {
                    context.in_comment = true;
                }
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                let mut depth = 0usize;
                while at < end {
                    if bytes[at..].starts_with(b"/*") {
                        depth += 1;
                        at += 2;
                    } else if bytes[at..].starts_with(b"*/") {
                        depth -= 1;
                        at += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        at += 1;
                    }
                }
                if depth > 0 {
                    context.in_comment = true;
                }
            }
            b'#' => {
                while at < end && bytes[at] != b']' {
                    at += 1;
                }
                at += 1;
            }
            b'"' => {
                let start = at + 1;
                at = start;
                while at < end && bytes[at] != b'"' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
                if at >= end {
                    context.string_start = Some(start);
                    context.word_start = start;
                    break;
                }
                if let Some(frame) = context.frames.last_mut()
                    && frame.key.as_deref() == Some("name")
                {
                    frame.name = Some(text[start..at].to_string());
                }
                at += 1;
                last_word.clear();
            }
            b'(' | b'[' | b'{' => {
                if context.frames.len() >= MAX_FRAMES {
                    break;
                }
                context.frames.push(Frame {
                    open: byte,
                    head: std::mem::take(&mut last_word),
                    at_key: byte == b'(',
                    ..Frame::default()
                });
                at += 1;
            }
            b')' | b']' | b'}' => {
                context.frames.pop();
                last_word.clear();
                at += 1;
            }
            b',' => {
                if let Some(frame) = context.frames.last_mut() {
                    frame.item += 1;
                    frame.key = None;
                    frame.at_key = frame.open == b'(';
                }
                last_word.clear();
                at += 1;
            }
            b':' => {
                if let Some(frame) = context.frames.last_mut() {
                    frame.at_key = false;
                }
                at += 1;
            }
            byte if is_word_byte(byte) => {
                let start = at;
                while at < end && is_word_byte(bytes[at]) {
                    at += 1;
                }
                if at == end {
                    context.word_start = start;
                    break;
                }
                let word = &text[start..at];
                let mut next = at;
                while next < bytes.len() && bytes[next].is_ascii_whitespace() {
                    next += 1;
                }
                match context.frames.last_mut() {
                    Some(frame) if frame.at_key && frame.open == b'(' && bytes.get(next) == Some(&b':') => {
                        frame.key = Some(word.to_string());
                        frame.keys.push(word.to_string());
                        last_word.clear();
                    }
                    _ => last_word = word.to_string(),
                }
            }
            _ => at += 1,
        }
    }
    context
}

/// The word or string under a byte offset: its span, and whether it is a string (the span
/// then covers its text without the quotes).
pub fn token_at(text: &str, offset: usize) -> Option<(std::ops::Range<usize>, bool)> {
    let context = context_at(text, offset);
    let bytes = text.as_bytes();
    if let Some(start) = context.string_start {
        let mut end = offset;
        while end < bytes.len() && bytes[end] != b'"' && bytes[end] != b'\n' {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        return Some((start..end.min(bytes.len()), true));
    }
    if context.in_comment {
        return None;
    }
    // On the opening quote itself: the string that follows.
    if bytes.get(offset) == Some(&b'"') && context.word_start == offset {
        return token_at(text, offset + 1);
    }
    let mut end = offset;
    while end < bytes.len() && is_word_byte(bytes[end]) {
        end += 1;
    }
    let start = context.word_start.min(offset);
    (start < end).then_some((start..end, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_marker(source: &str) -> (String, Context) {
        let offset = source.find('|').expect("a | marks the place");
        let text = source.replacen('|', "", 1);
        let context = context_at(&text, offset);
        (text, context)
    }

    #[test]
    fn follows_sections_lists_and_fields_to_the_place() {
        let (_, context) =
            at_marker("Scenario(format: 2, offices: [(name: \"hq\", subnets: [], hosts: [(name: \"A\", subnet: \"w|");
        let heads: Vec<(u8, Option<&str>)> = context
            .frames
            .iter()
            .map(|frame| (frame.open, frame.key.as_deref()))
            .collect();
        assert_eq!(
            heads,
            [
                (b'(', Some("offices")),
                (b'[', None),
                (b'(', Some("hosts")),
                (b'[', None),
                (b'(', Some("subnet"))
            ]
        );
        assert_eq!(context.frames[0].head, "Scenario");
        assert_eq!(context.frames[2].name.as_deref(), Some("hq"));
        assert_eq!(context.frames[2].keys, ["name", "subnets", "hosts"]);
        assert!(context.string_start.is_some());
    }

    #[test]
    fn tells_a_field_name_from_a_value() {
        let (text, context) = at_marker("(meta: (id: \"x\", ti|");
        let frame = context.innermost().unwrap();
        assert!(frame.at_key);
        assert_eq!(&text[context.word_start..], "ti");
        let (_, context) = at_marker("(role: Work|");
        assert!(!context.innermost().unwrap().at_key);
        let (_, context) = at_marker("(backup: Online(ser|");
        assert_eq!(context.innermost().unwrap().head, "Online");
        let (_, context) = at_marker("(a: 1, // note (|");
        assert!(context.in_comment);
    }

    #[test]
    fn finds_the_word_or_string_under_the_cursor() {
        let text = "(subnet: \"core\", role: Workstation)";
        let (span, string) = token_at(text, text.find("ore").unwrap()).unwrap();
        assert_eq!((&text[span], string), ("core", true));
        let (span, string) = token_at(text, text.find("kstation").unwrap()).unwrap();
        assert_eq!((&text[span], string), ("Workstation", false));
        let (span, _) = token_at(text, 1).unwrap();
        assert_eq!(&text[span], "subnet");
        for offset in 0..=text.len() + 2 {
            let _ = token_at(text, offset);
        }
    }
}
