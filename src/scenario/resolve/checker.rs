//! Collecting located problems while resolving, the tables of declared names with the one
//! lookup every section uses, and the small checks many sections share (odds, durations,
//! ports, ATT&CK ids, hashes).

use std::collections::HashMap;

use crate::scenario::diagnostic::{Location, NameKind, Problem, ProblemKind, suggestion};
use crate::scenario::source_map::{SourceMap, Span, Step};
use crate::scenario::values::{self};
use crate::scenario::{Limits, Origin};

/// More problems than this are counted, not listed: a broken template can repeat one mistake
/// a million times.
pub(super) const MAX_PROBLEMS: usize = 100;

/// Hint computation over a large host list is bounded to the first few unknown hosts.
pub(super) const MAX_HOST_SUGGESTIONS: usize = 20;

/// Collects located problems while resolving.
pub(in crate::scenario) struct Checker<'a> {
    pub(super) source: &'a str,
    pub(super) map: SourceMap,
    pub(super) origin: &'a Origin,
    pub(in crate::scenario) limits: &'a Limits,
    pub(in crate::scenario) problems: Vec<Problem>,
    pub(in crate::scenario) problems_left_out: usize,
    pub(super) host_suggestions_made: usize,
    /// Every declaration and use of a name, kept only when asked for (the language server).
    pub(in crate::scenario) name_uses: Option<Vec<NameUse>>,
}

/// A name declared or used at a place in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameUse {
    pub kind: NameKind,
    /// What the name is known by: a subnet as `office/subnet`, a machine by the number of the
    /// group (`hosts` entry, counted through the file) that generates it.
    pub key: String,
    /// The name as written at this place.
    pub written: String,
    /// The written value, quotes included.
    pub span: Span,
    pub declaration: bool,
}

impl<'a> Checker<'a> {
    pub(in crate::scenario) fn new(source: &'a str, origin: &'a Origin, limits: &'a Limits) -> Self {
        Self {
            source,
            map: SourceMap::new(source),
            origin,
            limits,
            problems: Vec::new(),
            problems_left_out: 0,
            host_suggestions_made: 0,
            name_uses: None,
        }
    }

    /// Notes a declaration or use of a name at `path`, when the uses are being kept.
    pub(super) fn note_name(&mut self, kind: NameKind, key: &str, written: &str, path: &[Step], declaration: bool) {
        if self.name_uses.is_none() {
            return;
        }
        let mut span = self.map.span(path);
        // A value such as `Office("hq")` is spanned whole; the name is its string.
        let written_at = self.source.get(span.start..span.end).unwrap_or_default();
        if !written_at.starts_with('"')
            && let Some(open) = written_at.find('"')
            && let Some(length) = written_at[open + 1..].find('"')
        {
            span = Span {
                start: span.start + open,
                end: span.start + open + length + 2,
            };
        }
        if let Some(uses) = &mut self.name_uses {
            uses.push(NameUse {
                kind,
                key: key.to_string(),
                written: written.to_string(),
                span,
                declaration,
            });
        }
    }

    /// Locates a 1-based line and column as ron reports them.
    pub(in crate::scenario) fn location_of_line_column(&self, line: usize, column: usize) -> Location {
        let start = self.map.offset(self.source, line, column);
        let end = self.source[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
        Location {
            span: crate::scenario::source_map::Span { start, end },
            line,
            column,
        }
    }

    pub(super) fn location(&self, path: &[Step]) -> Location {
        let span = self.map.span(path);
        let (line, column) = self.map.line_column(self.source, span.start);
        Location { span, line, column }
    }

    pub(in crate::scenario) fn push(
        &mut self,
        kind: ProblemKind,
        location: Location,
        label: String,
        hint: Option<String>,
    ) {
        if self.problems.len() >= MAX_PROBLEMS {
            self.problems_left_out += 1;
            return;
        }
        self.problems.push(Problem {
            kind,
            location,
            label,
            hint,
        });
    }

    pub(super) fn report(&mut self, path: &[Step], kind: ProblemKind, label: impl Into<String>, hint: Option<String>) {
        let location = self.location(path);
        self.push(kind, location, label.into(), hint);
    }

    pub(super) fn invalid(&mut self, path: &[Step], what: &'static str, text: &str, reason: String) {
        let label = format!("not a valid {what}");
        self.report(
            path,
            ProblemKind::InvalidValue {
                what,
                text: text.to_string(),
                reason,
            },
            label,
            None,
        );
    }

    pub(super) fn inconsistent(&mut self, path: &[Step], message: String, label: &str, hint: Option<String>) {
        self.report(path, ProblemKind::Inconsistent(message), label, hint);
    }

    pub(super) fn odds(&mut self, path: &[Step], field: &'static str, value: u32) {
        if value > 1000 {
            self.report(
                path,
                ProblemKind::OddsOutOfRange { field, value },
                "more than certain",
                Some("odds are per-mille: 1000 means always, 50 means 5%".to_string()),
            );
        }
    }

    pub(super) fn duration_seconds(&mut self, path: &[Step], text: &str) -> Option<u64> {
        values::parse_duration(text)
            .map_err(|reason| self.invalid(path, "duration", text, reason))
            .ok()
    }
}

/// Names of one kind, in declaration order, for lookups and suggestions.
pub(super) struct Names {
    pub(super) kind: NameKind,
    pub(super) ids: HashMap<String, u32>,
    pub(super) first_lines: HashMap<String, usize>,
    pub(super) order: Vec<String>,
}

impl Names {
    pub(super) fn new(kind: NameKind) -> Self {
        Self {
            kind,
            ids: HashMap::new(),
            first_lines: HashMap::new(),
            order: Vec::new(),
        }
    }

    /// Records a declaration; a second one of the same name is a problem.
    pub(super) fn declare(&mut self, checker: &mut Checker, name: &str, path: &[Step]) -> u32 {
        let id = self.order.len() as u32;
        checker.note_name(self.kind, name, name, path, true);
        let line = checker.location(path).line;
        if name.trim().is_empty() {
            checker.inconsistent(path, format!("a {} needs a name", self.kind), "empty name", None);
        }
        match self.first_lines.get(name) {
            Some(&first_line) => checker.report(
                path,
                ProblemKind::DuplicateName {
                    kind: self.kind,
                    name: name.to_string(),
                    first_line,
                },
                "declared again here",
                Some(format!("give each {} a name of its own", self.kind)),
            ),
            None => {
                self.ids.insert(name.to_string(), id);
                self.first_lines.insert(name.to_string(), line);
            }
        }
        self.order.push(name.to_string());
        id
    }

    /// The ids of a list of names at `path`; each unknown name is reported at its own item.
    pub(super) fn lookup_all<Id>(
        &self,
        checker: &mut Checker,
        names: &[String],
        path: &[Step],
        id: fn(u32) -> Id,
    ) -> Vec<Id> {
        items(names, path)
            .filter_map(|(name, at)| self.lookup(checker, name, &at).map(id))
            .collect()
    }

    /// The id of a declared name; an unknown one is a problem with the closest name as hint.
    pub(super) fn lookup(&self, checker: &mut Checker, name: &str, path: &[Step]) -> Option<u32> {
        checker.note_name(self.kind, name, name, path, false);
        if let Some(&id) = self.ids.get(name) {
            return Some(id);
        }
        let hint = suggestion(name, self.order.iter().map(String::as_str));
        checker.report(
            path,
            ProblemKind::UnknownName {
                kind: self.kind,
                name: name.to_string(),
            },
            format!("no {} has this name", self.kind),
            hint,
        );
        None
    }
}

pub(super) fn ports(checker: &mut Checker, ports: &[u16], path: &[Step]) {
    if ports.contains(&0) {
        checker.invalid(path, "port list", "0", "TCP ports run from 1 to 65535".to_string());
    }
}

pub(super) fn technique(checker: &mut Checker, text: &str, path: &[Step]) {
    if !values::is_attack_id(text, 'T') {
        checker.invalid(
            path,
            "ATT&CK technique",
            text,
            "expected an id such as T1021.002 or T1485".to_string(),
        );
    }
}

/// Every ATT&CK technique id of a list at `path`.
pub(super) fn techniques(checker: &mut Checker, ids: &[String], path: &[Step]) {
    for (id, at) in items(ids, path) {
        technique(checker, id, &at);
    }
}

/// A full Windows path (`C:\\...`), as written.
pub(super) fn windows_path(checker: &mut Checker, text: &str, path: &[Step]) -> String {
    let bytes = text.as_bytes();
    let drive = bytes.len() > 3 && bytes[0].is_ascii_alphabetic() && &bytes[1..3] == b":\\";
    if !drive || text.contains('/') {
        checker.invalid(
            path,
            "Windows path",
            text,
            "expected a full path such as C:\\Windows\\System32\\name.exe (backslashes doubled in RON)".to_string(),
        );
    }
    text.to_string()
}

pub(super) fn hash(
    checker: &mut Checker,
    text: &Option<String>,
    digits: usize,
    what: &'static str,
    path: &[Step],
) -> Option<String> {
    let text = text.as_ref()?;
    if text.len() != digits || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        checker.invalid(path, what, text, format!("expected {digits} hexadecimal digits"));
    }
    Some(text.to_ascii_lowercase())
}

/// The items of a list with each one's path (`path` then its index).
pub(super) fn items<'a, T>(list: &'a [T], path: &'a [Step]) -> impl Iterator<Item = (&'a T, Vec<Step>)> {
    list.iter().enumerate().map(move |(index, item)| {
        let mut at = path.to_vec();
        at.push(Step::Index(index));
        (item, at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::source_map::Step::Field;

    fn checked(source: &str, check: impl FnOnce(&mut Checker)) -> Vec<Problem> {
        let origin = Origin {
            name: "test.ron".to_string(),
            folder: None,
        };
        let limits = Limits::default();
        let mut checker = Checker::new(source, &origin, &limits);
        check(&mut checker);
        checker.problems
    }

    #[test]
    fn every_unknown_name_of_a_list_is_reported_at_its_own_item_with_the_closest_name() {
        let source = "(\n  uses: [\"mail\", \"mial\", \"web\", \"payroll\"],\n)";
        let mut ids = Vec::new();
        let problems = checked(source, |checker| {
            let mut services = Names::new(NameKind::Service);
            services.declare(checker, "mail", &[]);
            services.declare(checker, "payroll", &[]);
            let names: Vec<String> = ["mail", "mial", "web", "payroll"].map(String::from).to_vec();
            ids = services.lookup_all(checker, &names, &[Field("uses")], |id| id);
        });
        assert_eq!(ids, [0, 1], "the known names, in order");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!((problems[0].location.line, problems[0].location.column), (2, 18));
        assert_eq!(problems[0].hint.as_deref(), Some("did you mean `mail`?"));
        assert_eq!((problems[1].location.line, problems[1].location.column), (2, 26));
        assert!(problems[1].kind.to_string().contains("unknown service `web`"));
    }

    #[test]
    fn a_name_declared_twice_names_the_line_of_the_first() {
        let source = "(\n  a: \"x\",\n  b: \"x\",\n)";
        let problems = checked(source, |checker| {
            let mut offices = Names::new(NameKind::Office);
            offices.declare(checker, "x", &[Field("a")]);
            offices.declare(checker, "x", &[Field("b")]);
        });
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].location.line, 3);
        assert!(
            problems[0].kind.to_string().contains("first declared on line 2"),
            "{:?}",
            problems[0]
        );
    }

    #[test]
    fn odds_durations_ports_and_ids_are_checked_where_they_are() {
        let source = "(\n  odds: 1200,\n  wait: \"3 weeks\",\n  ports: [0],\n  ids: [\"T1047\", \"TX\"],\n)";
        let problems = checked(source, |checker| {
            checker.odds(&[Field("odds")], "odds", 1200);
            checker.duration_seconds(&[Field("wait")], "3 weeks");
            ports(checker, &[0], &[Field("ports")]);
            techniques(checker, &["T1047".to_string(), "TX".to_string()], &[Field("ids")]);
        });
        let lines: Vec<usize> = problems.iter().map(|problem| problem.location.line).collect();
        assert_eq!(lines, [2, 3, 4, 5], "{problems:?}");
        assert_eq!(problems[3].location.column, 18, "the second id");
    }

    #[test]
    fn past_a_hundred_problems_the_rest_are_counted() {
        let problems_and_left_out = {
            let origin = Origin {
                name: "test.ron".to_string(),
                folder: None,
            };
            let limits = Limits::default();
            let mut checker = Checker::new("()", &origin, &limits);
            for _ in 0..150 {
                checker.odds(&[], "odds", 2000);
            }
            (checker.problems.len(), checker.problems_left_out)
        };
        assert_eq!(problems_and_left_out, (MAX_PROBLEMS, 50));
    }
}
