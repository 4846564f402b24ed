//! Grading: the rubric applied to what the team did and what it cost, against the run with no
//! response of the same seed. Plain functions over the records of two runs; each objective gets
//! points and an HSEEP rating (P, S, M, U) with a one-line reason.

mod curves;
mod debrief;

use std::fmt;

use serde::Serialize;

use crate::response::{Action, Desk, Entry, Finding, Progress};
use crate::scenario::model::{Goal, Scenario, ServiceId, Tick};
use crate::sim::{GroundTruth, NEVER, ObservationLog, ServiceStatus, Simulation};

pub use curves::Curves;
pub use debrief::Debrief;

/// HSEEP ratings of how an objective was performed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Rating {
    /// Performed without challenges.
    P,
    /// Performed with some challenges.
    S,
    /// Performed with major challenges.
    M,
    /// Unable to be performed.
    U,
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{self:?}"))
    }
}

/// One objective's grade.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectiveScore {
    pub objective: String,
    pub weight: u32,
    pub points: f64,
    pub rating: Rating,
    pub reason: String,
}

/// The whole grade: 0 to 100, every point explained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub total: f64,
    pub objectives: Vec<ObjectiveScore>,
}

/// What scoring needs of a finished run.
#[derive(Debug, Clone)]
pub struct RunRecord {
    pub end: Tick,
    pub wiped: u32,
    pub first_observation: Option<Tick>,
    /// The last machine the attacker took.
    pub last_compromise: Option<Tick>,
    /// When each machine was taken (`NEVER` if not).
    pub compromised_at: Vec<u32>,
    pub actions: Vec<Entry>,
    pub notified: Vec<Option<Tick>>,
    pub downtime_ticks: Vec<u32>,
}

impl RunRecord {
    /// Reads a simulation's record at its current tick.
    pub fn of(simulation: &Simulation) -> Self {
        let world = simulation.world();
        let truth = world.resource::<GroundTruth>();
        // A run with no one responding has no desk.
        let (actions, notified) = world.get_resource::<Desk>().map_or(
            (Vec::new(), vec![None; simulation.scenario().responders.contacts.len()]),
            |desk| (desk.log.clone(), desk.notified.clone()),
        );
        let end = simulation.now().unwrap_or_default();
        let services = world.resource::<ServiceStatus>();
        let last = truth
            .hosts
            .iter()
            .map(|host| host.compromised_at)
            .filter(|&tick| tick != NEVER)
            .max();
        Self {
            end,
            wiped: simulation.outcome().machines.wiped,
            first_observation: world
                .resource::<ObservationLog>()
                .observations
                .first()
                .map(|seen| seen.tick),
            last_compromise: last.map(Tick),
            compromised_at: truth.hosts.iter().map(|host| host.compromised_at).collect(),
            actions,
            notified,
            downtime_ticks: (0..simulation.scenario().services.len())
                .map(|index| services.downtime(ServiceId(index as u32), end))
                .collect(),
        }
    }

    fn accepted(&self) -> impl Iterator<Item = &Entry> {
        self.actions
            .iter()
            .filter(|entry| !matches!(entry.progress, Progress::Refused(_)))
    }

    /// The first tick the team acted on the attack (anything but a notification).
    pub fn detected_at(&self) -> Option<Tick> {
        self.accepted()
            .filter(|entry| !matches!(entry.action, Action::Notify(_)))
            .map(|entry| entry.requested)
            .min()
    }
}

/// Share of a time goal met: whole within the target, nothing at four times it.
fn timeliness(delay: u32, within: u32) -> (f64, Rating) {
    let within = within.max(1);
    let fraction = if delay <= within {
        1.0
    } else {
        (1.0 - (delay - within) as f64 / (3 * within) as f64).max(0.0)
    };
    let rating = match delay {
        _ if delay <= within => Rating::P,
        _ if delay <= 2 * within => Rating::S,
        _ if delay <= 4 * within => Rating::M,
        _ => Rating::U,
    };
    (fraction, rating)
}

/// A time goal's grade, with its reason: "`what` 12 min `since` (target 30 min)".
fn time_goal(scenario: &Scenario, delay: u32, within: u32, what: &str, since: &str) -> (f64, Rating, String) {
    let (fraction, rating) = timeliness(delay, within);
    let reason = format!(
        "{what} {} {since} (target {})",
        minutes(scenario, delay),
        minutes(scenario, within)
    );
    (fraction, rating, reason)
}

/// A rating from the share of an objective achieved.
fn rating_of(fraction: f64) -> Rating {
    match fraction {
        f if f >= 0.9 => Rating::P,
        f if f >= 0.6 => Rating::S,
        f if f >= 0.3 => Rating::M,
        _ => Rating::U,
    }
}

fn minutes(scenario: &Scenario, ticks: u32) -> String {
    let minutes = ticks as u64 * scenario.meta.tick_seconds as u64 / 60;
    if minutes >= 120 {
        format!("{:.1} h", minutes as f64 / 60.0)
    } else {
        format!("{minutes} min")
    }
}

/// The debrief of a response run against the no-response run of the same seed, both simulated
/// to the same tick.
pub fn debrief(response: &Simulation, baseline: &Simulation) -> Debrief {
    let scenario = response.scenario();
    let (run, base) = (RunRecord::of(response), RunRecord::of(baseline));
    let score = score(scenario, &run, &base);
    Debrief::new(
        scenario,
        score,
        &run,
        response.outcome().machines,
        baseline.outcome().machines,
    )
}

/// Grades a run against the rubric and the no-response run of the same seed.
pub fn score(scenario: &Scenario, run: &RunRecord, baseline: &RunRecord) -> Score {
    let objectives: Vec<ObjectiveScore> = scenario
        .rubric
        .objectives
        .iter()
        .map(|objective| {
            let (fraction, rating, reason) = grade(scenario, &objective.goal, run, baseline);
            ObjectiveScore {
                objective: objective.name.clone(),
                weight: objective.weight,
                points: (fraction * objective.weight as f64 * 10.0).round() / 10.0,
                rating,
                reason,
            }
        })
        .collect();
    let total = (objectives.iter().map(|objective| objective.points).sum::<f64>() * 10.0).round() / 10.0;
    Score { total, objectives }
}

fn grade(scenario: &Scenario, goal: &Goal, run: &RunRecord, baseline: &RunRecord) -> (f64, Rating, String) {
    match goal {
        Goal::SaveMachines => {
            let saved = baseline.wiped.saturating_sub(run.wiped);
            let fraction = if baseline.wiped == 0 {
                1.0
            } else {
                saved as f64 / baseline.wiped as f64
            };
            let reason = format!(
                "{} machines wiped against {} with no response: {saved} saved ({:.0}%)",
                run.wiped,
                baseline.wiped,
                fraction * 100.0
            );
            (fraction, rating_of(fraction), reason)
        }
        Goal::Detect { within_ticks } => match run.detected_at() {
            None => (0.0, Rating::U, "the team never acted on the attack".to_string()),
            Some(detected) => {
                let sign = run.first_observation.unwrap_or(detected);
                let delay = detected.0.saturating_sub(sign.0);
                time_goal(
                    scenario,
                    delay,
                    *within_ticks,
                    "first action",
                    "after the first observable sign",
                )
            }
        },
        Goal::Contain { within_ticks } => match run.detected_at() {
            None => (0.0, Rating::U, "never detected, never contained".to_string()),
            Some(detected) => {
                let last = run.last_compromise.unwrap_or(detected);
                let delay = last.0.saturating_sub(detected.0);
                time_goal(
                    scenario,
                    delay,
                    *within_ticks,
                    "the last machine fell",
                    "after the first action",
                )
            }
        },
        Goal::PreserveEvidence => {
            let wanted = &scenario.rubric.key_evidence;
            let kept = wanted
                .iter()
                .filter(|key| {
                    run.accepted().any(|entry| {
                        matches!(entry.progress, Progress::Completed { .. })
                            && entry.collected.iter().any(|&(host, artifact, pieces)| {
                                host == key.host && artifact == key.artifact && pieces > 0
                            })
                    })
                })
                .count();
            let fraction = if wanted.is_empty() {
                1.0
            } else {
                kept as f64 / wanted.len() as f64
            };
            (
                fraction,
                rating_of(fraction),
                format!("{kept} of {} key pieces of evidence secured", wanted.len()),
            )
        }
        Goal::Findings => findings(scenario, run),
        Goal::Notify { contact, by } => {
            let name = &scenario.responders.contacts[contact.index()];
            match run.notified[contact.index()] {
                Some(at) if at <= *by => (1.0, Rating::P, format!("{name} notified in time")),
                Some(at) => (
                    0.5,
                    Rating::M,
                    format!("{name} notified {} late", minutes(scenario, at.0 - by.0)),
                ),
                None => (0.0, Rating::U, format!("{name} never notified")),
            }
        }
        Goal::KeepServices(services) => {
            let sum = |record: &RunRecord| {
                services
                    .iter()
                    .map(|service| record.downtime_ticks[service.index()] as u64)
                    .sum::<u64>()
            };
            let (down, baseline_down) = (sum(run), sum(baseline));
            let fraction = match baseline_down {
                0 if down == 0 => 1.0,
                0 => 0.0,
                _ => (1.0 - down as f64 / baseline_down as f64).max(0.0),
            };
            let reason = format!(
                "services down {} in all, against {} with no response",
                minutes(scenario, down.min(u32::MAX as u64) as u32),
                minutes(scenario, baseline_down.min(u32::MAX as u64) as u32)
            );
            (fraction, rating_of(fraction), reason)
        }
        Goal::AvoidNeedlessDestruction => {
            let needless = run
                .accepted()
                .filter(|entry| match entry.action {
                    Action::PowerOff(host) | Action::Rebuild(host) | Action::RestoreFromBackup(host) => {
                        let taken = run.compromised_at[host.index()];
                        taken == NEVER || taken > entry.requested.0
                    }
                    _ => false,
                })
                .count();
            let fraction = (1.0 - needless as f64 / 5.0).max(0.0);
            let rating = match needless {
                0 => Rating::P,
                1..=2 => Rating::S,
                3..=5 => Rating::M,
                _ => Rating::U,
            };
            (
                fraction,
                rating,
                format!("{needless} clean machines switched off, rebuilt or restored"),
            )
        }
    }
}

/// Precision and recall of the submitted findings against the rubric's answers.
fn findings(scenario: &Scenario, run: &RunRecord) -> (f64, Rating, String) {
    let answers = &scenario.rubric.findings;
    let mut expected: Vec<String> = answers
        .patient_zero
        .iter()
        .map(|host| scenario.hosts[host.index()].name.to_lowercase())
        .chain(answers.vector.iter().map(|technique| technique.to_lowercase()))
        .chain(
            answers
                .accounts
                .iter()
                .map(|account| scenario.accounts[account.index()].name.to_lowercase()),
        )
        .chain(answers.indicators.iter().map(|indicator| indicator.to_lowercase()))
        .collect();
    expected.sort();
    expected.dedup();
    let mut submitted: Vec<String> = run
        .accepted()
        .filter_map(|entry| match &entry.action {
            Action::Submit(Finding::PatientZero(host)) => Some(scenario.hosts[host.index()].name.to_lowercase()),
            Action::Submit(Finding::Vector(technique)) => Some(technique.to_lowercase()),
            Action::Submit(Finding::Account(account)) => Some(scenario.accounts[account.index()].name.to_lowercase()),
            Action::Submit(Finding::Indicator(indicator)) => Some(indicator.to_lowercase()),
            _ => None,
        })
        .collect();
    submitted.sort();
    submitted.dedup();
    if submitted.is_empty() {
        return (0.0, Rating::U, "no findings submitted".to_string());
    }
    let right = submitted.iter().filter(|item| expected.contains(item)).count();
    let precision = right as f64 / submitted.len() as f64;
    let recall = if expected.is_empty() {
        1.0
    } else {
        right as f64 / expected.len() as f64
    };
    let f1 = if right == 0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    let reason = format!(
        "{right} of {} submitted findings right, {right} of {} answers found (precision {:.0}%, recall {:.0}%)",
        submitted.len(),
        expected.len(),
        precision * 100.0,
        recall * 100.0
    );
    (f1, rating_of(f1), reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_goals_decay_from_the_target_to_four_times_it() {
        assert_eq!(timeliness(10, 30), (1.0, Rating::P));
        assert_eq!(timeliness(30, 30), (1.0, Rating::P));
        assert_eq!(timeliness(60, 30).1, Rating::S);
        assert!((timeliness(60, 30).0 - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(timeliness(120, 30), (0.0, Rating::M));
        assert_eq!(timeliness(121, 30).1, Rating::U);
    }

    #[test]
    fn ratings_follow_the_share_achieved() {
        assert_eq!(rating_of(1.0), Rating::P);
        assert_eq!(rating_of(0.7), Rating::S);
        assert_eq!(rating_of(0.3), Rating::M);
        assert_eq!(rating_of(0.1), Rating::U);
    }
}
