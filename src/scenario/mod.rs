//! Scenarios: the RON file format, its loader, and the checked model the rest of redscreen reads.
//!
//! Loading goes raw text → [`file::ScenarioFile`] (serde) → checks and name resolution →
//! [`model::Scenario`] with typed ids. Every problem is located (file, line, column) and most
//! carry a hint. Nothing here knows about Bevy.

pub mod diagnostic;
pub mod file;
pub mod generate;
pub mod model;
mod resolve;
pub(crate) mod source_map;
mod summary;
pub mod values;

use std::path::{Path, PathBuf};

pub use diagnostic::{LoadError, Location, NameKind, Problem, ProblemKind, Report};
pub use model::Scenario;
pub use resolve::{FORMAT_VERSION, NameUse, kind_roles, threat_indicators};
pub use source_map::Span;
pub use summary::Summary;

use diagnostic::suggestion;
use resolve::Checker;

/// The flagship scenario, Sony Pictures in November 2014, built into the binary.
pub const FLAGSHIP_SOURCE: &str = include_str!("../../scenarios/sony-2014.ron");

/// How the embedded flagship is named in messages.
pub const FLAGSHIP_NAME: &str = "sony-2014.ron (embedded)";

/// Sizes past which a scenario is refused rather than loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Machines after templates are expanded.
    pub max_hosts: u64,
    /// Size of the scenario file.
    pub max_file_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            // Ten million machines fit in memory here; a typo of a few more digits does not.
            max_hosts: 20_000_000,
            max_file_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Where a scenario's text came from: its name in messages and the folder its assets live in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub name: String,
    /// `None` for the embedded scenario, which may not name files.
    pub folder: Option<PathBuf>,
}

/// Loads and checks the embedded flagship scenario.
pub fn load_flagship(limits: &Limits) -> Result<Scenario, LoadError> {
    let origin = Origin {
        name: FLAGSHIP_NAME.to_string(),
        folder: None,
    };
    load_str(FLAGSHIP_SOURCE, &origin, limits)
}

/// Reads, checks and resolves a scenario file.
pub fn load_file(path: &Path, limits: &Limits) -> Result<Scenario, LoadError> {
    let read_error = |source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    };
    let origin = Origin {
        name: path.display().to_string(),
        folder: Some(match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        }),
    };
    let bytes = std::fs::metadata(path).map_err(read_error)?.len();
    if bytes > limits.max_file_bytes {
        return Err(single_problem(
            &origin,
            String::new(),
            ProblemKind::FileTooLarge {
                bytes,
                limit: limits.max_file_bytes,
            },
            Location {
                line: 1,
                column: 1,
                ..Location::default()
            },
            "refused before reading".to_string(),
            Some("templates (`count`) describe thousands of machines in one entry".to_string()),
        ));
    }
    let raw = std::fs::read(path).map_err(read_error)?;
    match String::from_utf8(raw) {
        Ok(source) => load_str(&source, &origin, limits),
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let source = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let mut checker = Checker::new(&source, &origin, limits);
            let prefix = &source[..source
                .char_indices()
                .map(|(at, _)| at)
                .find(|&at| at >= valid)
                .unwrap_or(source.len())];
            let line = prefix.matches('\n').count() + 1;
            let column = prefix.rsplit('\n').next().map_or(0, |last| last.chars().count()) + 1;
            let location = checker.location_of_line_column(line, column);
            checker.push(
                ProblemKind::Syntax("the file is not UTF-8 text".to_string()),
                location,
                "not UTF-8".to_string(),
                Some("save the scenario as UTF-8".to_string()),
            );
            Err(invalid(&origin, &source, &mut checker))
        }
    }
}

/// Checks and resolves scenario text.
pub fn load_str(source: &str, origin: &Origin, limits: &Limits) -> Result<Scenario, LoadError> {
    let mut checker = Checker::new(source, origin, limits);
    check(source, origin, &mut checker)
}

/// Checks scenario text as [`load_str`] does, and tells where every name is declared and used
/// (for the language server). The uses are those found before any syntax error.
pub fn load_str_with_names(
    source: &str,
    origin: &Origin,
    limits: &Limits,
) -> (Result<Scenario, LoadError>, Vec<NameUse>) {
    let mut checker = Checker::new(source, origin, limits);
    checker.name_uses = Some(Vec::new());
    let loaded = check(source, origin, &mut checker);
    (loaded, checker.name_uses.take().unwrap_or_default())
}

fn check(source: &str, origin: &Origin, checker: &mut Checker) -> Result<Scenario, LoadError> {
    if source.len() as u64 > checker.limits.max_file_bytes {
        let location = checker.location_of_line_column(1, 1);
        checker.push(
            ProblemKind::FileTooLarge {
                bytes: source.len() as u64,
                limit: checker.limits.max_file_bytes,
            },
            location,
            "refused".to_string(),
            None,
        );
        return Err(invalid(origin, source, checker));
    }
    let options = ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    let file: file::ScenarioFile = match options.from_str(source) {
        Ok(file) => file,
        Err(error) => {
            let location = checker.location_of_line_column(error.span.start.line, error.span.start.col);
            let (kind, label, hint) = describe_ron_error(error.code, source, location.span.start);
            checker.push(kind, location, label, hint);
            return Err(invalid(origin, source, checker));
        }
    };
    match resolve::resolve(file, checker) {
        Some(scenario) => Ok(scenario),
        None => Err(invalid(origin, source, checker)),
    }
}

fn invalid(origin: &Origin, source: &str, checker: &mut Checker) -> LoadError {
    let mut problems = std::mem::take(&mut checker.problems);
    // Checks run section by section; a reader goes down the file.
    problems.sort_by_key(|problem| problem.location.span.start);
    if checker.problems_left_out > 0
        && let Some(last) = problems.last_mut()
    {
        let note = format!("{} more problems were found and not listed", checker.problems_left_out);
        last.hint = Some(match last.hint.take() {
            Some(hint) => format!("{hint}\n{note}"),
            None => note,
        });
    }
    LoadError::Invalid(Box::new(Report {
        file: origin.name.clone(),
        source: source.to_string(),
        problems,
    }))
}

/// The decimal number whose point is at `offset`, if one is: `75.0` for the `.` of it.
fn decimal_number_at(source: &str, offset: usize) -> Option<&str> {
    let bytes = source.as_bytes();
    let digit = |at: usize| bytes.get(at).is_some_and(u8::is_ascii_digit);
    if bytes.get(offset) != Some(&b'.') || !digit(offset.wrapping_sub(1)) || !digit(offset + 1) {
        return None;
    }
    let start = (0..offset).rev().take_while(|&at| digit(at)).last()?;
    let end = (offset + 1..bytes.len()).take_while(|&at| digit(at)).last()? + 1;
    source.get(start..end)
}

fn single_problem(
    origin: &Origin,
    source: String,
    kind: ProblemKind,
    location: Location,
    label: String,
    hint: Option<String>,
) -> LoadError {
    LoadError::Invalid(Box::new(Report {
        file: origin.name.clone(),
        source,
        problems: vec![Problem {
            kind,
            location,
            label,
            hint,
        }],
    }))
}

/// Turns ron's error at `offset` of `source` into a problem kind, a label and a hint.
pub(crate) fn describe_ron_error(
    error: ron::Error,
    source: &str,
    offset: usize,
) -> (ProblemKind, String, Option<String>) {
    use ron::Error as E;
    // ron reads `75.0` where a whole number is expected as `75` and stops at the point.
    if matches!(error, E::ExpectedComma | E::TrailingCharacters)
        && let Some(number) = decimal_number_at(source, offset)
    {
        let whole = number.split('.').next().unwrap_or_default();
        return (
            ProblemKind::WrongType(format!("expected a whole number, found `{number}`")),
            "a decimal number".to_string(),
            Some(format!(
                "counts, ports and odds per mille (0 to 1000) are whole numbers: write `{whole}`"
            )),
        );
    }
    match error {
        E::NoSuchStructField { expected, found, outer } => (
            ProblemKind::UnknownField {
                found: found.clone(),
                outer,
            },
            "not a field here".to_string(),
            suggestion(&found, expected.iter().copied())
                .or_else(|| Some(format!("expected one of: {}", expected.join(", ")))),
        ),
        E::NoSuchEnumVariant { expected, found, outer } => (
            ProblemKind::UnknownVariant {
                found: found.clone(),
                outer,
            },
            "not a known value".to_string(),
            suggestion(&found, expected.iter().copied())
                .or_else(|| Some(format!("expected one of: {}", expected.join(", ")))),
        ),
        E::MissingStructField { field, outer } => (
            ProblemKind::MissingField {
                field: field.to_string(),
                outer,
            },
            format!("`{field}` is needed before this point"),
            Some(format!("add `{field}: ...`; docs/scenario-format.md describes it")),
        ),
        E::DuplicateStructField { field, outer } => (
            ProblemKind::DuplicateField {
                field: field.to_string(),
                outer,
            },
            "given again here".to_string(),
            Some("keep one of the two".to_string()),
        ),
        E::InvalidValueForType { expected, found } => (
            ProblemKind::WrongType(format!("expected {expected}, found {found}")),
            format!("expected {expected}"),
            None,
        ),
        E::ExpectedDifferentStructName { expected, found } => (
            ProblemKind::Syntax(format!("expected `{expected}(...)`, found `{found}(...)`")),
            "wrong name".to_string(),
            Some(format!("write `{expected}(` or just `(`")),
        ),
        E::ExceededRecursionLimit => (
            ProblemKind::Syntax("values are nested too deeply".to_string()),
            "too deep".to_string(),
            None,
        ),
        E::ExpectedString | E::ExpectedStringEnd => (
            ProblemKind::WrongType("expected a string in double quotes".to_string()),
            "expected \"...\"".to_string(),
            Some("names, times and durations are written in double quotes, such as \"45m\"".to_string()),
        ),
        E::ExpectedInteger | E::IntegerOutOfBounds => (
            ProblemKind::WrongType(format!("{error}")),
            "expected a whole number".to_string(),
            Some("counts, odds and ports are whole numbers without quotes".to_string()),
        ),
        other => {
            let hint = match other {
                E::ExpectedComma => {
                    Some("separate items and fields with `,`, and close every string with `\"`".to_string())
                }
                E::ExpectedArray | E::ExpectedArrayEnd => Some("lists are written `[a, b, c]`".to_string()),
                E::ExpectedStructLike | E::ExpectedStructLikeEnd | E::ExpectedNamedStructLike(_) => {
                    Some("sections are written `(field: value, ...)`".to_string())
                }
                E::Eof => Some("a bracket or parenthesis is probably left open".to_string()),
                E::TrailingCharacters => Some("the file has text after the closing `)` of the scenario".to_string()),
                _ => None,
            };
            (ProblemKind::Syntax(other.to_string()), "here".to_string(), hint)
        }
    }
}
