//! An open file as the server keeps it: its text, checked once per change into its problems
//! and the places where each name is declared and used, and the names it declared the last
//! time it read far enough to declare them (completion offers those while the text is broken).

use std::path::PathBuf;
use std::sync::OnceLock;

use lsp_types::{Diagnostic, DiagnosticSeverity, Position, Range};

use super::language::FileKind;
use crate::scenario::{
    Limits, LoadError, NameKind, NameUse, Origin, Report, Scenario, load_flagship, load_str_with_names,
};

/// Names offered for completion.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// Declared names by kind, in the file's order; machines are not among them.
    pub names: Vec<(NameKind, String)>,
    /// Every machine's name.
    pub machines: Vec<String>,
}

pub struct Document {
    pub text: String,
    pub kind: FileKind,
    pub diagnostics: Vec<Diagnostic>,
    /// Where names are declared and used in this text; empty when it does not read.
    pub uses: Vec<NameUse>,
    pub known: Known,
}

impl Document {
    pub fn open(uri: &str, text: String) -> Self {
        let mut document = Self {
            kind: kind_of(uri, &text),
            text: String::new(),
            diagnostics: Vec::new(),
            uses: Vec::new(),
            known: Known::default(),
        };
        document.change(uri, text);
        document
    }

    /// Takes the editor's new text and checks it.
    pub fn change(&mut self, uri: &str, text: String) {
        self.text = text;
        match self.kind {
            FileKind::Scenario => self.check_scenario(uri),
            FileKind::Playbook => self.check_playbook(uri),
        }
    }

    fn check_scenario(&mut self, uri: &str) {
        let (loaded, uses) = load_str_with_names(&self.text, &origin_of(uri), &Limits::default());
        if !uses.is_empty() {
            self.known.names = uses
                .iter()
                .filter(|name| name.declaration && name.kind != NameKind::Host)
                .map(|name| (name.kind, name.key.clone()))
                .collect();
        }
        self.uses = uses;
        self.diagnostics = match loaded {
            Ok(scenario) => {
                self.known.machines = scenario.hosts.iter().map(|host| host.name.to_string()).collect();
                Vec::new()
            }
            Err(error) => diagnostics_of(&error),
        };
    }

    fn check_playbook(&mut self, uri: &str) {
        self.uses.clear();
        self.diagnostics = match playbook_scenario() {
            Some(scenario) => match crate::response::parse_playbook(&self.text, &origin_of(uri).name, scenario) {
                Ok(_) => Vec::new(),
                Err(error) => diagnostics_of(&error),
            },
            None => Vec::new(),
        };
    }
}

/// Playbooks are checked against the flagship, which the shipped playbooks are written for.
fn playbook_scenario() -> Option<&'static Scenario> {
    static FLAGSHIP: OnceLock<Option<Scenario>> = OnceLock::new();
    FLAGSHIP.get_or_init(|| load_flagship(&Limits::default()).ok()).as_ref()
}

/// A playbook is a file that starts `Playbook(` or sits in a `playbooks` folder.
fn kind_of(uri: &str, text: &str) -> FileKind {
    let first_word = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with("//") && !line.starts_with('#'))
        .unwrap_or_default();
    if first_word.starts_with("Playbook") || uri.contains("/playbooks/") {
        FileKind::Playbook
    } else {
        FileKind::Scenario
    }
}

/// The file's folder and name from its address, as `check` would name them.
pub fn origin_of(uri: &str) -> Origin {
    let path = uri.strip_prefix("file://").map(percent_decoded).map(PathBuf::from);
    Origin {
        name: path.as_ref().map_or(uri.to_string(), |path| path.display().to_string()),
        folder: path.as_ref().and_then(|path| path.parent().map(PathBuf::from)),
    }
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes
            .get(at + 1..at + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok());
        match (bytes[at], hex.and_then(|pair| u8::from_str_radix(pair, 16).ok())) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                at += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// The problems of a failed load, as the editor shows them.
fn diagnostics_of(error: &LoadError) -> Vec<Diagnostic> {
    let LoadError::Invalid(report) = error else {
        return vec![Diagnostic {
            message: error.to_string(),
            severity: Some(DiagnosticSeverity::ERROR),
            source: Some("redscreen".to_string()),
            ..Diagnostic::default()
        }];
    };
    let report: &Report = report;
    report
        .problems
        .iter()
        .map(|problem| {
            let (end_line, end_column) = report.end_of(problem);
            let mut message = problem.kind.to_string();
            if let Some(hint) = &problem.hint {
                message = format!("{message}\nhint: {hint}");
            }
            Diagnostic {
                range: Range {
                    start: position(&report.source, problem.location.line, problem.location.column),
                    end: position(&report.source, end_line, end_column),
                },
                severity: Some(DiagnosticSeverity::ERROR),
                code: Some(lsp_types::NumberOrString::String(problem.kind.code().to_string())),
                source: Some("redscreen".to_string()),
                message,
                ..Diagnostic::default()
            }
        })
        .collect()
}

/// A 1-based line and column in characters of `text` as the protocol counts: from 0, in
/// UTF-16 units.
pub fn position(text: &str, line: usize, column: usize) -> Position {
    let line_text = text.lines().nth(line.saturating_sub(1)).unwrap_or_default();
    let units: usize = line_text
        .chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf16)
        .sum();
    Position::new(line.saturating_sub(1) as u32, units as u32)
}

/// The protocol's position of a byte offset.
pub fn position_of(text: &str, offset: usize) -> Position {
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let units: usize = before[line_start..].chars().map(char::len_utf16).sum();
    Position::new(line as u32, units as u32)
}

/// The byte offset of a protocol position; past a line's end, the line's end.
pub fn offset_of(text: &str, position: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..position.line {
        match text[line_start..].find('\n') {
            Some(at) => line_start += at + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..].find('\n').map_or(text.len(), |at| line_start + at);
    let mut units = 0;
    for (at, character) in text[line_start..line_end].char_indices() {
        if units >= position.character as usize {
            return line_start + at;
        }
        units += character.len_utf16();
    }
    line_end
}

pub fn range_of(text: &str, span: std::ops::Range<usize>) -> Range {
    Range::new(position_of(text, span.start), position_of(text, span.end))
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_positions_both_ways_in_utf16() {
        let text = "ab\n(é𝄞x: 1)\n";
        let x = text.find('x').unwrap();
        let position = position_of(text, x);
        assert_eq!(position, Position::new(1, 4), "é is one unit, 𝄞 two");
        assert_eq!(offset_of(text, position), x);
        assert_eq!(offset_of(text, Position::new(9, 0)), text.len());
        assert_eq!(offset_of(text, Position::new(0, 99)), 2);
    }
}
