//! The exercise console: the responder's view in a terminal. It shows only what the responder
//! could know (observations, the team's work, the evidence it secured), takes lines of the
//! action language and a few console commands, and never lets a typed line crash the exercise.

use std::sync::Arc;

use crate::response::{Progress, SYNTAX, parse_action};
use crate::scenario::model::{HostId, Scenario, Tick, When};
use crate::scenario::values::{bytes_text, parse_duration};
use crate::session::Recorder;
use crate::sim::{InjectStatus, Observation, ObservationLog, Observed, Simulation};

use super::Exercise;
use super::reading::READING;

/// The clock's speeds on a terminal or in the window: simulated seconds per real second.
pub const SPEEDS: [u32; 5] = [1, 10, 60, 600, 3600];

/// Console commands besides actions.
pub const COMMANDS: &[(&str, &str)] = &[
    ("help", "this list"),
    ("status", "the clock in every office and the team's work"),
    ("step [N]", "advance N ticks (1 by default)"),
    ("wait DURATION", "advance by a duration, such as 15m or 2h"),
    ("until YYYY-MM-DD HH:MM", "advance to a local time"),
    ("pause / play", "stop or restart the clock (interactive terminal)"),
    (
        "speed 1|10|60|600|3600",
        "simulated seconds per real second (interactive terminal)",
    ),
    ("end", "end the exercise and show the debrief"),
];

/// What the console asks of whoever drives it, besides printing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Continue,
    Pause,
    Play,
    Speed(u32),
    End,
}

/// One line the console shows, with the machines it concerns (the window links them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub hosts: Vec<HostId>,
}

impl Line {
    fn about(text: String, hosts: Vec<HostId>) -> Self {
        Self { text, hosts }
    }
}

impl From<String> for Line {
    fn from(text: String) -> Self {
        Self::about(text, Vec::new())
    }
}

impl From<&str> for Line {
    fn from(text: &str) -> Self {
        Self::from(text.to_string())
    }
}

impl std::fmt::Display for Line {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.text)
    }
}

/// The console over one running exercise.
pub struct Console {
    exercise: Exercise,
    /// Where the session is being recorded, while writing works.
    recorder: Option<Recorder>,
    /// Where the session is (or was, once finished) recorded.
    recorded_to: Option<std::path::PathBuf>,
    news: NewsReader,
}

/// Reads what is new for the responder since it last read: observations, and the team's
/// requests whose outcome changed.
#[derive(Default)]
pub struct NewsReader {
    /// Observations already shown.
    shown_observations: usize,
    /// Per desk entry, the progress last shown.
    shown_progress: Vec<Progress>,
}

impl Console {
    /// A console over a fresh exercise of `scenario` with `seed`.
    pub fn new(scenario: Arc<Scenario>, seed: u64) -> Self {
        Self {
            exercise: Exercise::new(scenario, seed),
            recorder: None,
            recorded_to: None,
            news: NewsReader::default(),
        }
    }

    /// A console taking over an exercise already under way (a replay's moment): what
    /// happened so far counts as already shown.
    pub fn resume(exercise: Exercise) -> Self {
        let mut news = NewsReader::default();
        news.read(&exercise);
        Self {
            exercise,
            recorder: None,
            recorded_to: None,
            news,
        }
    }

    /// The exercise being played.
    pub fn exercise(&self) -> &Exercise {
        &self.exercise
    }

    /// The simulation being played, to read.
    pub fn simulation(&self) -> &Simulation {
        self.exercise.simulation()
    }

    fn scenario(&self) -> &Scenario {
        self.exercise.scenario()
    }

    /// Whether the exercise has reached its end.
    pub fn finished(&self) -> bool {
        self.exercise.finished()
    }

    /// The first lines the responder reads.
    pub fn briefing(&self) -> Vec<String> {
        let meta = &self.scenario().meta;
        vec![
            format!("{} — {}", meta.title, meta.briefing),
            format!(
                "The exercise starts {}. Type an action, or `help`.",
                meta.start.strftime("%A %Y-%m-%d %H:%M %Z")
            ),
        ]
    }

    /// Records the session as it goes.
    pub fn record_to(&mut self, recorder: Recorder) {
        self.recorded_to = Some(recorder.path.clone());
        self.recorder = Some(recorder);
    }

    /// Where the session is recorded (or was, once the exercise ended), if it is.
    pub fn recording_path(&self) -> Option<&std::path::Path> {
        self.recorded_to.as_deref()
    }

    /// Writes the session's end record; returns where the session is, if it was recorded.
    pub fn finish_recording(&mut self) -> Option<String> {
        let mut recorder = self.recorder.take()?;
        match self.exercise.record_end(&mut recorder) {
            Ok(()) => Some(recorder.path.display().to_string()),
            Err(error) => Some(format!(
                "{} (its end record could not be written: {error})",
                recorder.path.display()
            )),
        }
    }

    /// Advances the clock by up to `ticks`, returning what the responder sees meanwhile.
    pub fn advance(&mut self, ticks: u32) -> Vec<Line> {
        let mut lines = Vec::new();
        for _ in 0..ticks {
            if self.finished() {
                break;
            }
            self.exercise.step();
            if let Some(recorder) = &mut self.recorder
                && let Err(error) = self.exercise.record_tick(recorder)
            {
                // What is written stays; the exercise goes on unrecorded.
                lines.push(format!("recording stopped: {}: {error}", recorder.path.display()).into());
                self.recorder = None;
            }
            lines.extend(self.news.read(&self.exercise));
        }
        lines
    }
}

impl NewsReader {
    /// Observations and the team's progress since last read.
    pub fn read(&mut self, exercise: &Exercise) -> Vec<Line> {
        let scenario = exercise.scenario();
        let time = |tick: &Tick| scenario.time_of(*tick).strftime("%a %H:%M %Z").to_string();
        let mut lines = Vec::new();
        let observations = &exercise.simulation().world().resource::<ObservationLog>().observations;
        for observed in &observations[self.shown_observations.min(observations.len())..] {
            lines.push(Line::about(
                describe_observation(exercise, observed),
                observed.host.into_iter().collect(),
            ));
        }
        self.shown_observations = observations.len();
        let desk = exercise.desk();
        for (index, entry) in desk.log.iter().enumerate() {
            if self.shown_progress.get(index) == Some(&entry.progress) {
                continue;
            }
            let action = entry.action.to_text(scenario);
            let line = match &entry.progress {
                Progress::Refused(reason) => format!("refused: {action}: {reason}"),
                Progress::Queued => format!(
                    "queued: {action} (all {} responders are busy)",
                    scenario.responders.team_size
                ),
                Progress::Started { done, .. } => format!("started: {action} (done about {})", time(done)),
                Progress::Completed { at, .. } => {
                    let secured: Vec<String> = entry
                        .collected
                        .iter()
                        .map(|secured| format!("{} {} records", secured.records, secured.artifact.label()))
                        .collect();
                    match entry.collected.first() {
                        None => format!("{} done: {action}", time(at)),
                        Some(first) => format!(
                            "{} done: {action}; secured {} (`show {}` reads them)",
                            time(at),
                            secured.join(", "),
                            scenario.hosts[first.host.index()].name
                        ),
                    }
                }
            };
            lines.push(Line::about(line, entry.action.hosts()));
            if index < self.shown_progress.len() {
                self.shown_progress[index] = entry.progress.clone();
            } else {
                self.shown_progress.push(entry.progress.clone());
            }
        }
        lines
    }
}

/// One observation as the responder reads it: local time, source, what was seen, and for an
/// alert the record the sensor saw, with its number in the case.
pub fn describe_observation(exercise: &Exercise, observed: &Observed) -> String {
    let scenario = exercise.scenario();
    let host = observed
        .host
        .map(|host| scenario.hosts[host.index()].name.as_str())
        .unwrap_or("");
    let record = observed.record.and_then(|key| exercise.case().by_key(key));
    let seen = record.map_or(String::new(), |held| {
        format!(": {} [#{}]", held.record.what(scenario), held.id)
    });
    let what = match observed.what {
        Observation::EdrSuspiciousService => {
            format!("EDR alert on {host}: a program it does not know installed a service{seen}")
        }
        Observation::EdrRawDiskWrite => format!("EDR alert on {host}: a program is writing to the raw disk{seen}"),
        Observation::LogAlert { event_id } => match record {
            Some(_) => format!("log alert from {host}{seen}"),
            None => format!("log alert from {host}: Windows event {event_id}"),
        },
        Observation::HelpdeskCall(topic) => format!("helpdesk: the user of {host} {}", topic.says()),
        Observation::ServiceDown(service) => {
            format!("business: {} is down", scenario.services[service.index()].name)
        }
        Observation::ServiceRestored(service) => {
            format!("business: {} is back", scenario.services[service.index()].name)
        }
        Observation::Inject(id) => {
            let inject = &scenario.injects[id.index()];
            // A leak says how much of the data set is out: what was stolen by then.
            let published = match (
                &inject.when,
                exercise.simulation().world().resource::<InjectStatus>().published[id.index()],
            ) {
                (When::Leak { data, .. }, Some(bytes)) => format!(
                    " [{} of {} published]",
                    bytes_text(bytes),
                    scenario.data[data.index()].name
                ),
                _ => String::new(),
            };
            format!(
                "{:?} from {}: {} — {}{published}",
                inject.channel, inject.from, inject.subject, inject.text
            )
        }
    };
    format!("{} {what}", scenario.time_of(observed.tick).strftime("%a %H:%M %Z"))
}

impl Console {
    fn status(&self) -> Vec<String> {
        let scenario = self.scenario();
        let now = self.exercise.now().unwrap_or_default();
        let mut lines: Vec<String> = scenario
            .offices
            .iter()
            .enumerate()
            .map(|(index, office)| {
                let local = scenario.local_time(crate::scenario::model::OfficeId(index as u32), now);
                format!("  {:<16} {}", office.name, local.strftime("%a %Y-%m-%d %H:%M %Z"))
            })
            .collect();
        let desk = self.exercise.desk();
        lines.insert(0, format!("tick {} of {}", now.0, self.exercise.simulation().end().0));
        lines.push(format!(
            "  team: {} of {} free, {} waiting",
            desk.free(),
            scenario.responders.team_size,
            desk.queued()
        ));
        lines
    }

    /// Handles one typed line: a console command or an action. Never panics.
    pub fn handle(&mut self, line: &str) -> (Vec<Line>, Control) {
        let trimmed = line.trim();
        let (word, rest) = trimmed.split_once(char::is_whitespace).unwrap_or((trimmed, ""));
        let rest = rest.trim();
        match word.to_ascii_lowercase().as_str() {
            "" => (Vec::new(), Control::Continue),
            "help" | "?" => {
                let mut lines = vec!["Actions:".to_string()];
                lines.extend(SYNTAX.iter().map(|(form, meaning)| format!("  {form:<36} {meaning}")));
                lines.push("Reading the case (no responder, no time):".to_string());
                lines.extend(READING.iter().map(|(form, meaning)| format!("  {form:<36} {meaning}")));
                lines.push("Console:".to_string());
                lines.extend(COMMANDS.iter().map(|(form, meaning)| format!("  {form:<36} {meaning}")));
                (said(lines), Control::Continue)
            }
            "status" => (said(self.status()), Control::Continue),
            reading if super::reading::read(&self.exercise, reading, rest).is_some() => (
                said(super::reading::read(&self.exercise, reading, rest).unwrap_or_default()),
                Control::Continue,
            ),
            "step" => match if rest.is_empty() { Ok(1) } else { rest.parse::<u32>() } {
                Ok(ticks) => (self.advance(ticks), Control::Continue),
                Err(_) => (
                    said(vec![format!("`{rest}` is not a number of ticks")]),
                    Control::Continue,
                ),
            },
            "wait" => match parse_duration(rest) {
                Ok(seconds) => {
                    let ticks = seconds
                        .div_ceil(self.scenario().meta.tick_seconds as u64)
                        .min(u32::MAX as u64) as u32;
                    (self.advance(ticks), Control::Continue)
                }
                Err(reason) => (said(vec![format!("wait: {reason}")]), Control::Continue),
            },
            "until" => match self.scenario().tick_at(rest) {
                Ok(tick) => {
                    let now = self.exercise.now().map_or(0, |now| now.0 + 1);
                    (self.advance(tick.0.saturating_sub(now) + 1), Control::Continue)
                }
                Err(reason) => (said(vec![format!("until: {reason}")]), Control::Continue),
            },
            "pause" => (said(vec!["paused".to_string()]), Control::Pause),
            "play" | "resume" => (said(vec!["playing".to_string()]), Control::Play),
            "speed" => match rest.parse::<u32>() {
                Ok(speed) if SPEEDS.contains(&speed) => (said(vec![format!("speed {speed}×")]), Control::Speed(speed)),
                _ => (
                    said(vec![format!(
                        "speed is one of {SPEEDS:?} (simulated seconds per real second)"
                    )]),
                    Control::Continue,
                ),
            },
            "end" | "quit" | "exit" => (Vec::new(), Control::End),
            _ => match parse_action(trimmed, self.scenario()) {
                Ok(action) => {
                    self.exercise.request(action);
                    // The request reaches the desk on the next tick.
                    (self.advance(1), Control::Continue)
                }
                Err(error) => (said(vec![format!("not done: {error}")]), Control::Continue),
            },
        }
    }
}

/// Lines of plain text, about no machine in particular.
fn said(lines: Vec<String>) -> Vec<Line> {
    lines.into_iter().map(Line::from).collect()
}
