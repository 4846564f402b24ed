//! Problems found in a scenario: what is wrong, where (file, line, column), and a hint.

use std::fmt;
use std::path::PathBuf;

use super::source_map::Span;
use super::values::thousands;

/// What kind of named thing a reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Office,
    Subnet,
    Host,
    Account,
    Service,
    Tool,
    Link,
    Inject,
    Contact,
    Objective,
    TimeZone,
    Data,
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NameKind::Office => "office",
            NameKind::Subnet => "subnet",
            NameKind::Host => "host",
            NameKind::Account => "account",
            NameKind::Service => "service",
            NameKind::Tool => "tool",
            NameKind::Link => "link",
            NameKind::Inject => "inject",
            NameKind::Contact => "contact",
            NameKind::Objective => "objective",
            NameKind::TimeZone => "time zone",
            NameKind::Data => "data set",
        })
    }
}

/// What is wrong with a scenario.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProblemKind {
    #[error("invalid RON: {0}")]
    Syntax(String),
    #[error("unknown field `{found}`{}", within(outer))]
    UnknownField { found: String, outer: Option<String> },
    #[error("unknown value `{found}`{}", within(outer))]
    UnknownVariant { found: String, outer: Option<String> },
    #[error("missing required field `{field}`{}", within(outer))]
    MissingField { field: String, outer: Option<String> },
    #[error("field `{field}` appears twice{}", within(outer))]
    DuplicateField { field: String, outer: Option<String> },
    #[error("wrong type: {0}")]
    WrongType(String),
    #[error("the file is {bytes} bytes; the limit is {limit}")]
    FileTooLarge { bytes: u64, limit: u64 },
    #[error(
        "format version {found} is not supported; this redscreen reads format {}",
        super::resolve::FORMAT_VERSION
    )]
    UnsupportedFormat { found: u32 },
    #[error("unknown {kind} `{name}`")]
    UnknownName { kind: NameKind, name: String },
    #[error("duplicate {kind} `{name}` (first declared on line {first_line})")]
    DuplicateName {
        kind: NameKind,
        name: String,
        first_line: usize,
    },
    #[error("invalid {what} `{text}`: {reason}")]
    InvalidValue {
        what: &'static str,
        text: String,
        reason: String,
    },
    #[error("subnet `{subnet}` ({cidr}) overlaps `{other}` ({other_cidr})")]
    OverlappingSubnets {
        subnet: String,
        cidr: String,
        other: String,
        other_cidr: String,
    },
    #[error("subnet `{subnet}` has room for {capacity} machines but {placed} are placed in it")]
    SubnetFull { subnet: String, capacity: u64, placed: u64 },
    #[error("{what} at {time} falls outside the exercise ({start} to {end})")]
    OutsideExercise {
        what: &'static str,
        time: String,
        start: String,
        end: String,
    },
    #[error("`{field}` is {value} per-mille; odds run from 0 to 1000")]
    OddsOutOfRange { field: &'static str, value: u32 },
    #[error("asset path `{path}` leaves the scenario's folder")]
    AssetOutsideFolder { path: String },
    #[error("asset `{path}` cannot be read: {reason}")]
    AssetUnreadable { path: String, reason: String },
    #[error("the scenario describes {} machines; the limit is {}", thousands(*count), thousands(*limit))]
    TooManyHosts { count: u64, limit: u64 },
    #[error("objective weights add up to {total}, not 100")]
    WeightsNotHundred { total: u64 },
    #[error("{0}")]
    Inconsistent(String),
}

impl ProblemKind {
    /// A short stable name of the kind of problem, for tools that read problems as data
    /// (`check --format json`, SARIF's rule ids).
    pub fn code(&self) -> &'static str {
        match self {
            ProblemKind::Syntax(_) => "syntax",
            ProblemKind::UnknownField { .. } => "unknown-field",
            ProblemKind::UnknownVariant { .. } => "unknown-value",
            ProblemKind::MissingField { .. } => "missing-field",
            ProblemKind::DuplicateField { .. } => "duplicate-field",
            ProblemKind::WrongType(_) => "wrong-type",
            ProblemKind::FileTooLarge { .. } => "file-too-large",
            ProblemKind::UnsupportedFormat { .. } => "unsupported-format",
            ProblemKind::UnknownName { .. } => "unknown-name",
            ProblemKind::DuplicateName { .. } => "duplicate-name",
            ProblemKind::InvalidValue { .. } => "invalid-value",
            ProblemKind::OverlappingSubnets { .. } => "overlapping-subnets",
            ProblemKind::SubnetFull { .. } => "subnet-full",
            ProblemKind::OutsideExercise { .. } => "outside-exercise",
            ProblemKind::OddsOutOfRange { .. } => "odds-out-of-range",
            ProblemKind::AssetOutsideFolder { .. } => "asset-outside-folder",
            ProblemKind::AssetUnreadable { .. } => "asset-unreadable",
            ProblemKind::TooManyHosts { .. } => "too-many-hosts",
            ProblemKind::WeightsNotHundred { .. } => "weights-not-hundred",
            ProblemKind::Inconsistent(_) => "inconsistent",
        }
    }
}

fn within(outer: &Option<String>) -> String {
    outer.as_ref().map(|outer| format!(" in `{outer}`")).unwrap_or_default()
}

/// Where a problem is: a span of the file and its 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location {
    pub span: Span,
    pub line: usize,
    pub column: usize,
}

/// One problem, located, with a short label for the span and an optional hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub location: Location,
    pub label: String,
    pub hint: Option<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.location.line, self.location.column, self.kind)
    }
}

/// Every problem found in one scenario file, with the text they point into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The file's name as the user gave it (or the embedded scenario's name).
    pub file: String,
    pub source: String,
    pub problems: Vec<Problem>,
}

impl Report {
    /// Where a problem's span ends: its 1-based line and column (in characters), just past
    /// the span's last character (the start, for an empty span).
    pub fn end_of(&self, problem: &Problem) -> (usize, usize) {
        let end = problem
            .location
            .span
            .end
            .max(problem.location.span.start)
            .min(self.source.len());
        let start = problem.location.span.start.min(end);
        let Some(between) = self.source.get(start..end) else {
            return (problem.location.line, problem.location.column);
        };
        match between.rfind('\n') {
            None => (problem.location.line, problem.location.column + between.chars().count()),
            Some(last_break) => (
                problem.location.line + between.matches('\n').count(),
                between[last_break + 1..].chars().count() + 1,
            ),
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in &self.problems {
            writeln!(f, "{}:{problem}", self.file)?;
            if let Some(hint) = &problem.hint {
                writeln!(f, "  hint: {hint}")?;
            }
        }
        Ok(())
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} has {} problem{}", .0.file, .0.problems.len(), if .0.problems.len() == 1 { "" } else { "s" })]
    Invalid(Box<Report>),
}

/// The closest of `candidates` to `name`, if one is close enough to be a likely typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let budget = (name.chars().count() / 3).max(2);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate.eq_ignore_ascii_case(name) {
            return Some(candidate);
        }
        if candidate.len().abs_diff(name.len()) > budget {
            continue;
        }
        let distance = edit_distance(name, candidate);
        // A short name is within two edits of many words; changing all of it is no typo.
        let retyped = distance >= name.chars().count();
        if distance <= budget && !retyped && best.is_none_or(|(best, _)| distance < best) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// A hint naming the closest candidate, or listing a few when none is close.
pub fn suggestion<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> Option<String> {
    if let Some(close) = closest(name, candidates.clone()) {
        return Some(format!("did you mean `{close}`?"));
    }
    let listed: Vec<&str> = candidates.into_iter().take(9).collect();
    match listed.len() {
        0 => None,
        1..=8 => Some(format!("expected one of: {}", listed.join(", "))),
        _ => None,
    }
}

/// Levenshtein distance over characters, ignoring ASCII case.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().map(|c| c.to_ascii_lowercase()).enumerate() {
        current[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_name() {
        let subnets = ["workstations", "servers", "backup"];
        assert_eq!(closest("workstatons", subnets), Some("workstations"));
        assert_eq!(closest("SERVERS", subnets), Some("servers"));
        assert_eq!(closest("printers", subnets), None);
        // Two letters are within two edits of `Host`, but share none of its letters' places.
        assert_eq!(closest("Os", ["All", "Office", "Subnet", "Host", "Role"]), None);
    }

    #[test]
    fn lists_a_few_candidates_when_none_is_close() {
        assert_eq!(
            suggestion("zzz", ["Weak", "Medium", "Strong"]).as_deref(),
            Some("expected one of: Weak, Medium, Strong")
        );
        assert_eq!(
            suggestion("Meduim", ["Weak", "Medium", "Strong"]).as_deref(),
            Some("did you mean `Medium`?")
        );
        assert_eq!(suggestion("x", std::iter::empty()), None);
    }

    #[test]
    fn edit_distance_counts_single_changes() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("Culver", "culver"), 0);
    }
}
