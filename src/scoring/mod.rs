//! Grading: the rubric applied to what the team did and what it cost, against the run with no
//! response of the same seed. Plain functions over the records of two runs; each objective gets
//! points and an HSEEP rating (P, S, M, U) with a one-line reason.

mod curves;
mod debrief;
mod findings;
mod record;

use std::fmt;

use serde::Serialize;

use crate::response::{Action, Progress};
use crate::scenario::model::{AccountId, AccountKind, Goal, Scenario};
use crate::sim::Simulation;

pub use curves::Curves;
pub use debrief::Debrief;
pub use findings::{
    Clue, FindingsReport, JudgedFinding, MissedAnswer, Verdict, answers, finding_text, techniques_shown,
};
pub use record::RunRecord;

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
        Goal::Detect { within_ticks } => match (run.first_attack_sign, run.detected_at(scenario)) {
            (None, _) => (
                1.0,
                Rating::P,
                "the attack showed no sign the team could see yet".to_string(),
            ),
            (Some(_), None) => (0.0, Rating::U, undetected_reason(scenario, run)),
            (Some(sign), Some(detected)) => time_goal(
                scenario,
                detected.0 - sign.0,
                *within_ticks,
                "first action on the attack",
                "after its first visible sign",
            ),
        },
        Goal::Contain { within_ticks } => containment(scenario, *within_ticks, run, baseline),
        Goal::PreserveEvidence => {
            let wanted = &scenario.rubric.key_evidence;
            let kept = wanted
                .iter()
                .filter(|key| {
                    run.accepted().any(|entry| {
                        matches!(entry.progress, Progress::Completed { .. })
                            && entry.collected.iter().any(|secured| {
                                secured.host == key.host && secured.artifact == key.artifact && secured.attack > 0
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
        Goal::Findings => findings_grade(&run.findings),
        Goal::ScopeTheft => theft_grade(scenario, run),
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
        Goal::AvoidNeedlessDestruction => collateral(scenario, run),
    }
}

/// Why no action counted as detecting the attack: none came after its first sign, or those
/// that did touched only ordinary activity.
fn undetected_reason(scenario: &Scenario, run: &RunRecord) -> String {
    let acted_before = run
        .accepted()
        .filter(|entry| Some(entry.requested) < run.first_attack_sign && !matches!(entry.action, Action::Notify(_)))
        .map(|entry| entry.action.to_text(scenario))
        .next();
    match acted_before {
        Some(action) => format!(
            "no action touched the attack after its first sign (the team acted on ordinary alerts before it: {action})"
        ),
        None => "no action touched the attack after its first sign".to_string(),
    }
}

/// Containment: of what the run with no response lost after the team's first containing
/// action, the share this run did not lose. The points are that share; the target time only
/// caps the rating: a spread that went on longer than it after the first action is not P.
fn containment(scenario: &Scenario, within: u32, run: &RunRecord, baseline: &RunRecord) -> (f64, Rating, String) {
    let Some(first) = run.first_containing_action() else {
        return (0.0, Rating::U, "the team never acted to contain".to_string());
    };
    let (would, did) = (baseline.taken_after(first), run.taken_after(first));
    let prevented = match would {
        0 if did == 0 => 1.0,
        0 => 0.0,
        _ => (1.0 - did as f64 / would as f64).max(0.0),
    };
    let mut reason = format!(
        "after the first containing action ({}) the attacker took {did} machines, against {would} with no response: {:.0}% prevented",
        scenario.time_of(first).strftime("%H:%M"),
        prevented * 100.0
    );
    let mut rating = rating_of(prevented);
    let spread_for = run.last_taken_after(first).map(|last| last.0 - first.0);
    if let Some(ticks) = spread_for.filter(|&ticks| ticks > within) {
        rating = rating.max(Rating::S);
        reason += &format!(
            "; the spread went on {} after it (target {})",
            minutes(scenario, ticks),
            minutes(scenario, within)
        );
    }
    (prevented, rating, reason)
}

/// The findings grade: the F1 of precision (supported findings among all submitted: guesses
/// and wrong ones count against it) and recall (the answers the run left evidence of that the
/// team supported).
fn findings_grade(report: &FindingsReport) -> (f64, Rating, String) {
    let submitted = report.judged.len() as u32;
    if submitted == 0 {
        return (
            0.0,
            Rating::U,
            format!("no findings submitted (0 of {} answers)", report.answers),
        );
    }
    let supported = report.supported();
    let precision = supported as f64 / submitted as f64;
    let recall = match report.answers {
        0 => 1.0,
        answers => report.answers_found as f64 / answers as f64,
    };
    let f1 = match supported {
        0 => 0.0,
        _ => 2.0 * precision * recall / (precision + recall),
    };
    let reason = format!(
        "{supported} of {submitted} findings supported by the case ({} true but unsupported, {} wrong); {} of {} answers in evidence found",
        report.unsupported(),
        report.wrong(),
        report.answers_found,
        report.answers
    );
    (f1, rating_of(f1), reason)
}

/// The theft's scoping: the F1 of the data sets the team reported stolen with a staged archive
/// in the case to show it (guesses and wrong ones count against precision) against those that
/// really left by the end.
fn theft_grade(scenario: &Scenario, run: &RunRecord) -> (f64, Rating, String) {
    let left: Vec<usize> = (0..scenario.data.len())
        .filter(|&index| run.stolen.get(index).is_some_and(|&bytes| bytes > 0))
        .collect();
    let reported: Vec<&findings::JudgedFinding> = run
        .findings
        .judged
        .iter()
        .filter(|judged| judged.finding.starts_with("stolen "))
        .collect();
    let shown = reported
        .iter()
        .filter(|judged| matches!(judged.verdict, Verdict::Supported { .. }))
        .count();
    let describe = |indices: &[usize]| {
        let names: Vec<&str> = indices
            .iter()
            .map(|&index| scenario.data[index].name.as_str())
            .collect();
        match names.is_empty() {
            true => "none".to_string(),
            false => names.join(", "),
        }
    };
    if left.is_empty() {
        let fraction = if reported.is_empty() { 1.0 } else { 0.0 };
        let reason = format!("no data left the company; {} reported stolen", reported.len());
        return (fraction, rating_of(fraction), reason);
    }
    let precision = match reported.len() {
        0 => 0.0,
        count => shown as f64 / count as f64,
    };
    let recall = shown as f64 / left.len() as f64;
    let f1 = match shown {
        0 => 0.0,
        _ => 2.0 * precision * recall / (precision + recall),
    };
    let reason = format!(
        "{shown} of {} data sets that left shown stolen by a staged archive in the case ({} reported); they were: {}",
        left.len(),
        reported.len(),
        describe(&left)
    );
    (f1, rating_of(f1), reason)
}

/// Collateral: clean machines switched off, rebuilt or restored (one each), accounts the
/// attacker never held reset or disabled (one each), clean machines cut off the network (one
/// per hundred). Five units lose every point.
fn collateral(scenario: &Scenario, run: &RunRecord) -> (f64, Rating, String) {
    let (mut machines, mut accounts, mut isolated) = (0u32, 0u32, 0u32);
    let clean_account =
        |account: AccountId, entry: &crate::response::Entry| !run.held_account(account, entry.requested);
    for entry in run.accepted() {
        match &entry.action {
            Action::PowerOff(host) | Action::Rebuild(host) | Action::RestoreFromBackup(host) => {
                machines += u32::from(!run.held_machine(*host, entry.requested));
            }
            Action::Isolate(scope) => {
                isolated += scenario
                    .hosts_in(scope)
                    .into_iter()
                    .filter(|&host| !run.held_machine(host, entry.requested))
                    .count() as u32;
            }
            Action::DisableAccount(account) | Action::ResetAccount(account) => {
                accounts += u32::from(clean_account(*account, entry));
            }
            Action::ResetAdmins => {
                accounts += scenario
                    .accounts
                    .iter()
                    .enumerate()
                    .filter(|(_, account)| account.kind != AccountKind::User)
                    .filter(|(index, _)| clean_account(AccountId(*index as u32), entry))
                    .count() as u32;
            }
            _ => {}
        }
    }
    let units = machines as f64 + accounts as f64 + isolated as f64 / 100.0;
    let fraction = (1.0 - units / 5.0).max(0.0);
    let rating = match units {
        0.0 => Rating::P,
        u if u <= 2.0 => Rating::S,
        u if u <= 5.0 => Rating::M,
        _ => Rating::U,
    };
    let reason = format!(
        "{machines} clean machines switched off, rebuilt or restored; {accounts} accounts the attacker did not hold reset or disabled; {isolated} clean machines isolated"
    );
    (fraction, rating, reason)
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
