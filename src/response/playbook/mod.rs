//! Playbooks: a response plan as a RON file of steps, each firing at a time, on the first
//! observation of a kind, or on each record of a kind the case comes to hold, and asking for
//! actions of the action language (which can take values from that record). A playbook sees
//! only what the responder would: observations and the case, never ground truth.

pub(super) mod follow;
mod pattern;

pub use follow::FollowedPlaybook;
pub use pattern::{PLACEHOLDERS, Pattern, fill};

use std::path::Path;

use serde::Deserialize;

use crate::scenario::diagnostic::{Location, Problem, ProblemKind, Report};
use crate::scenario::model::{Scenario, Tick};
use crate::scenario::source_map::{SourceMap, Span, Step};
use crate::scenario::values::parse_duration;
use crate::scenario::{LoadError, describe_ron_error};
use crate::sim::Observation;

use super::action::Action;
use super::parse::parse_action;

/// A playbook file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename = "Playbook", deny_unknown_fields)]
struct PlaybookFile {
    name: String,
    #[serde(default)]
    description: String,
    steps: Vec<StepFile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepFile {
    when: WhenFile,
    /// Waits this long after the trigger.
    #[serde(default)]
    after: Option<String>,
    /// Lines of the action language (with placeholders in a `Found` step).
    actions: Vec<String>,
    /// A `Found` step fires for the first matching record only.
    #[serde(default)]
    once: bool,
    /// Holds a `Found` step's actions until this local time: what is found before it is acted
    /// on all at once then (a coordinated move), what is found after as it comes.
    #[serde(default)]
    not_before: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
enum WhenFile {
    /// At a local time of the scenario.
    At(String),
    /// On the first observation of a kind.
    FirstSeen(ObservationKind),
    /// On each record of the case that matches.
    Found(Pattern),
}

/// Kinds of observation a playbook can wait for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum ObservationKind {
    AnyAlert,
    EdrAlert,
    LogAlert,
    HelpdeskCall,
    ServiceDown,
    Inject,
}

impl ObservationKind {
    /// Whether an observation is of this kind.
    pub fn matches(self, observation: &Observation) -> bool {
        match self {
            ObservationKind::AnyAlert => matches!(
                observation,
                Observation::EdrSuspiciousService | Observation::EdrRawDiskWrite | Observation::LogAlert { .. }
            ),
            ObservationKind::EdrAlert => matches!(
                observation,
                Observation::EdrSuspiciousService | Observation::EdrRawDiskWrite
            ),
            ObservationKind::LogAlert => matches!(observation, Observation::LogAlert { .. }),
            ObservationKind::HelpdeskCall => matches!(observation, Observation::HelpdeskCall(_)),
            ObservationKind::ServiceDown => matches!(observation, Observation::ServiceDown(_)),
            ObservationKind::Inject => matches!(observation, Observation::Inject(_)),
        }
    }
}

/// When a step fires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    At(Tick),
    FirstSeen(ObservationKind),
    /// Each record of the case that matches (the first only, with `once`).
    Found {
        pattern: Pattern,
        once: bool,
    },
}

/// An action of a step: whole, or a line whose placeholders the matching record fills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepAction {
    Fixed(Action),
    Template(String),
}

/// One step of a checked playbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaybookStep {
    pub trigger: Trigger,
    pub delay_ticks: u32,
    pub actions: Vec<StepAction>,
    /// No action of the step goes to the team before this tick.
    pub not_before: Option<Tick>,
}

/// A checked playbook, every action resolved against one scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Playbook {
    pub name: String,
    pub description: String,
    pub steps: Vec<PlaybookStep>,
}

/// Reads and checks a playbook against a scenario; problems are located like a scenario's.
pub fn load_playbook(path: &Path, scenario: &Scenario) -> Result<Playbook, LoadError> {
    let source = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_playbook(&source, &path.display().to_string(), scenario)
}

/// Checks playbook text against a scenario.
pub fn parse_playbook(source: &str, name: &str, scenario: &Scenario) -> Result<Playbook, LoadError> {
    let map = SourceMap::new(source);
    let mut problems = Vec::new();
    let locate = |span: Span| {
        let (line, column) = map.line_column(source, span.start);
        Location { span, line, column }
    };
    let options = ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    let file: PlaybookFile = match options.from_str(source) {
        Ok(file) => file,
        Err(error) => {
            let start = map.offset(source, error.span.start.line, error.span.start.col);
            let (kind, label, hint) = describe_ron_error(error.code, source, start);
            let location = Location {
                span: Span { start, end: start },
                line: error.span.start.line,
                column: error.span.start.col,
            };
            problems.push(Problem {
                kind,
                location,
                label,
                hint,
            });
            return Err(invalid(name, source, problems));
        }
    };
    let mut steps = Vec::with_capacity(file.steps.len());
    for (index, step) in file.steps.iter().enumerate() {
        let path = |field| [Step::Field("steps"), Step::Index(index), Step::Field(field)];
        let trigger = match &step.when {
            WhenFile::At(time) => match scenario.tick_at(time) {
                Ok(tick) => Trigger::At(tick),
                Err(reason) => {
                    problems.push(Problem {
                        kind: ProblemKind::InvalidValue {
                            what: "time",
                            text: time.clone(),
                            reason,
                        },
                        location: locate(map.span(&path("when"))),
                        label: "not a time of the exercise".to_string(),
                        hint: Some("a local time of the scenario, such as 2014-11-24 07:30".to_string()),
                    });
                    Trigger::At(Tick(0))
                }
            },
            WhenFile::FirstSeen(seen) => Trigger::FirstSeen(*seen),
            WhenFile::Found(pattern) => Trigger::Found {
                pattern: pattern.clone(),
                once: step.once,
            },
        };
        let found = matches!(trigger, Trigger::Found { .. });
        let not_before = step.not_before.as_ref().and_then(|time| {
            let problem = |reason: String, label: &str, hint: &str| Problem {
                kind: ProblemKind::InvalidValue {
                    what: "time",
                    text: time.clone(),
                    reason,
                },
                location: locate(map.span(&path("not_before"))),
                label: label.to_string(),
                hint: Some(hint.to_string()),
            };
            if !found {
                problems.push(problem(
                    "only a `Found` step gathers records to act on at once".to_string(),
                    "not a `Found` step",
                    "time the step itself with `when: At(...)`",
                ));
                return None;
            }
            match scenario.tick_at(time) {
                Ok(tick) => Some(tick),
                Err(reason) => {
                    problems.push(problem(
                        reason,
                        "not a time of the exercise",
                        "a local time of the scenario, such as 2014-11-24 06:15",
                    ));
                    None
                }
            }
        });
        let delay_ticks = match step.after.as_deref().map(parse_duration) {
            None => 0,
            Some(Ok(seconds)) => seconds.div_ceil(scenario.meta.tick_seconds as u64).min(u32::MAX as u64) as u32,
            Some(Err(reason)) => {
                problems.push(Problem {
                    kind: ProblemKind::InvalidValue {
                        what: "duration",
                        text: step.after.clone().unwrap_or_default(),
                        reason,
                    },
                    location: locate(map.span(&path("after"))),
                    label: "not a duration".to_string(),
                    hint: None,
                });
                0
            }
        };
        let mut actions = Vec::with_capacity(step.actions.len());
        for (line_index, line) in step.actions.iter().enumerate() {
            let line_path = [
                Step::Field("steps"),
                Step::Index(index),
                Step::Field("actions"),
                Step::Index(line_index),
            ];
            let placeholders: Vec<&str> = PLACEHOLDERS.iter().copied().filter(|p| line.contains(p)).collect();
            if let Some(unknown) = unknown_placeholder(line) {
                problems.push(Problem {
                    kind: ProblemKind::Inconsistent(format!("`{unknown}` is not a placeholder")),
                    location: locate(map.span(&line_path)),
                    label: "not a value a record gives".to_string(),
                    hint: Some(format!("the placeholders are {}", PLACEHOLDERS.join(", "))),
                });
                continue;
            }
            if !placeholders.is_empty() && !found {
                problems.push(Problem {
                    kind: ProblemKind::Inconsistent(format!(
                        "`{}` takes its value from a record, and only a `Found` step has one",
                        placeholders[0]
                    )),
                    location: locate(map.span(&line_path)),
                    label: "no record to take it from".to_string(),
                    hint: Some("write the name, or make the step `when: Found(...)`".to_string()),
                });
                continue;
            }
            // A template is checked with sample values of the right kinds.
            let checked = placeholders.iter().fold(line.clone(), |line, placeholder| {
                line.replace(placeholder, &pattern::sample(scenario, placeholder).unwrap_or_default())
            });
            match parse_action(&checked, scenario) {
                Ok(_) if !placeholders.is_empty() => actions.push(StepAction::Template(line.clone())),
                Ok(action) => actions.push(StepAction::Fixed(action)),
                Err(error) if !placeholders.is_empty() => problems.push(Problem {
                    kind: ProblemKind::Inconsistent(format!("invalid action: {}", error.message)),
                    location: locate(map.span(&line_path)),
                    label: "not an action once its placeholders are filled".to_string(),
                    hint: error.hint,
                }),
                Err(error) => {
                    // Point inside the quoted line, at the word that is wrong.
                    let span = map.span(&line_path);
                    let inner = source[span.start..]
                        .char_indices()
                        .nth(error.column)
                        .map_or(span.start, |(at, _)| span.start + at);
                    let end = source[inner..].find(['"', ' ']).map_or(inner, |length| inner + length);
                    problems.push(Problem {
                        kind: ProblemKind::Inconsistent(format!("invalid action: {}", error.message)),
                        location: locate(Span { start: inner, end }),
                        label: "here".to_string(),
                        hint: error.hint,
                    });
                }
            }
        }
        steps.push(PlaybookStep {
            trigger,
            delay_ticks,
            actions,
            not_before,
        });
    }
    if !problems.is_empty() {
        return Err(invalid(name, source, problems));
    }
    Ok(Playbook {
        name: file.name,
        description: file.description,
        steps,
    })
}

fn invalid(name: &str, source: &str, mut problems: Vec<Problem>) -> LoadError {
    problems.sort_by_key(|problem| problem.location.span.start);
    LoadError::Invalid(Box::new(Report {
        file: name.to_string(),
        source: source.to_string(),
        problems,
    }))
}

/// The first `{word}` of a line that is not one of the placeholders.
fn unknown_placeholder(line: &str) -> Option<&str> {
    let mut rest = line;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}')?;
        let candidate = &rest[open..=close];
        if !PLACEHOLDERS.contains(&candidate) {
            return Some(candidate);
        }
        rest = &rest[close + 1..];
    }
    None
}

/// The shape of the playbook format, traced from its types as the scenario's is
/// ([`crate::scenario::file::shape`]).
pub fn shape() -> Result<serde_reflection::Registry, String> {
    let mut tracer = serde_reflection::Tracer::new(serde_reflection::TracerConfig::default());
    let failed = |error: serde_reflection::Error| error.to_string();
    tracer.trace_simple_type::<PlaybookFile>().map_err(failed)?;
    tracer.trace_simple_type::<WhenFile>().map_err(failed)?;
    tracer.trace_simple_type::<ObservationKind>().map_err(failed)?;
    tracer.trace_simple_type::<Pattern>().map_err(failed)?;
    tracer
        .trace_simple_type::<crate::scenario::model::Role>()
        .map_err(failed)?;
    tracer.registry().map_err(failed)
}
