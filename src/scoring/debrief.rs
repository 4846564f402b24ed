//! The debrief: the score table with ratings and reasons, the team's actions against what was
//! really happening, and what the run with no response lost.

use std::fmt;

use serde::Serialize;

use crate::scenario::model::{Scenario, Tick};
use crate::sim::outcome::{Counts, Moment};
use crate::sim::{Cause, MoveOutcome, NEVER};

use super::{FindingsReport, RunRecord, Score, Verdict};

/// One action of the team, set against the ground truth of that moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionLine {
    pub requested: Moment,
    pub action: String,
    pub outcome: String,
    /// Machines the attacker held when the action was asked for.
    pub compromised_then: u32,
}

/// A move of the attacker in reply to the response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttackerLine {
    pub noticed: Moment,
    /// What it noticed ("SPE\it-ops reset").
    pub what: String,
    pub response: String,
    pub at: Moment,
    pub outcome: String,
}

/// A service the response broke, and when it came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenLine {
    pub service: String,
    pub cause: String,
    pub at: Moment,
    pub mended: Option<Moment>,
}

/// Everything the debrief shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Debrief {
    pub score: Score,
    pub actions: Vec<ActionLine>,
    pub baseline: Counts,
    pub response: Counts,
    /// The findings, judged against the answers and the case, and what was missed.
    pub findings: FindingsReport,
    /// What the attacker did in reply to the response.
    pub attacker: Vec<AttackerLine>,
    /// Services the response itself took down.
    pub broken: Vec<BrokenLine>,
}

impl Debrief {
    /// Builds the debrief of a run against its baseline.
    pub fn new(scenario: &Scenario, score: Score, run: &RunRecord, response: Counts, baseline: Counts) -> Self {
        let moment = |tick: Tick| Moment {
            tick: tick.0,
            time: scenario.time_of(tick).strftime("%Y-%m-%d %H:%M %Z").to_string(),
        };
        let actions = run
            .actions
            .iter()
            .map(|entry| ActionLine {
                requested: moment(entry.requested),
                action: entry.action.to_text(scenario),
                outcome: entry.progress.describe(scenario),
                compromised_then: run
                    .compromised_at
                    .iter()
                    .filter(|&&tick| tick != NEVER && tick <= entry.requested.0)
                    .count() as u32,
            })
            .collect();
        let attacker = run
            .attacker_moves
            .iter()
            .map(|made| AttackerLine {
                noticed: moment(made.noticed_at),
                what: made.what.clone(),
                response: made.response.label().to_string(),
                at: moment(made.at),
                outcome: match &made.outcome {
                    MoveOutcome::Done(what) => what.clone(),
                    MoveOutcome::NoWayIn => "could not: no machine left to act through".to_string(),
                    MoveOutcome::Quiet => "did nothing: it was lying low".to_string(),
                },
            })
            .collect();
        let broken = run
            .breakages
            .iter()
            .map(|breakage| BrokenLine {
                service: scenario.services[breakage.service.index()].name.clone(),
                cause: match breakage.cause {
                    Cause::Account(account) => format!(
                        "runs under {}, which was changed",
                        scenario.accounts[account.index()].name
                    ),
                    Cause::Port(port) => format!("needs port {port}, which was blocked"),
                },
                at: moment(breakage.at),
                mended: breakage.mended.map(moment),
            })
            .collect();
        Self {
            score,
            actions,
            baseline,
            response,
            findings: run.findings.clone(),
            attacker,
            broken,
        }
    }
}

impl Debrief {
    /// The score table: every objective with its points, rating and reason.
    pub fn table(&self) -> String {
        let mut text = format!("Debrief: {:.1} / 100\n", self.score.total);
        text += &format!(
            "  {:<26} {:>6} {:>7}  rating  reason\n",
            "objective", "weight", "points"
        );
        for objective in &self.score.objectives {
            text += &format!(
                "  {:<26} {:>6} {:>7.1}  {:<6}  {}\n",
                objective.objective, objective.weight, objective.points, objective.rating, objective.reason
            );
        }
        text
    }

    /// The team's actions against ground truth, and what each run lost.
    pub fn timeline(&self) -> String {
        let mut text = "Your actions against ground truth\n".to_string();
        if self.actions.is_empty() {
            text += "  (none)\n";
        }
        for line in &self.actions {
            text += &format!(
                "  {}  {:<48} {} ({} machines already taken)\n",
                line.requested.time, line.action, line.outcome, line.compromised_then
            );
        }
        if !self.attacker.is_empty() {
            text += "\nWhat the attacker did in reply\n";
            for line in &self.attacker {
                text += &format!(
                    "  {}  noticed: {}; at {}: {}: {}\n",
                    line.noticed.time, line.what, line.at.time, line.response, line.outcome
                );
            }
        }
        if !self.broken.is_empty() {
            text += "\nServices your actions broke\n";
            for line in &self.broken {
                let mended = line
                    .mended
                    .as_ref()
                    .map_or("still down at the end".to_string(), |at| format!("back {}", at.time));
                text += &format!("  {}  {:<16} {}; {mended}\n", line.at.time, line.service, line.cause);
            }
        }
        text += &format!(
            "\nWith no response the same seed lost {} machines wiped ({} taken); this run lost {} ({} taken).\n",
            self.baseline.wiped, self.baseline.compromised, self.response.wiped, self.response.compromised
        );
        text
    }
}

impl Debrief {
    /// The findings: each submitted one with the records that show it, the guesses and the
    /// wrong ones, then every answer missed and where its evidence was.
    pub fn findings(&self) -> String {
        let report = &self.findings;
        let mut text = "Findings against the evidence\n".to_string();
        if report.judged.is_empty() {
            text += "  (none submitted)\n";
        }
        for judged in &report.judged {
            let verdict = match &judged.verdict {
                Verdict::Supported { records } => {
                    let shown: Vec<String> = records.iter().take(6).map(|id| format!("#{id}")).collect();
                    let more = records.len().saturating_sub(shown.len());
                    let more = if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    };
                    format!("supported by {}{more}", shown.join(" "))
                }
                Verdict::Unsupported => {
                    "true, but no record in the case showed it when submitted: a guess, not counted".to_string()
                }
                Verdict::Wrong => "not what happened".to_string(),
            };
            text += &format!("  {:<44} {verdict}\n", judged.finding);
        }
        let (in_evidence, never): (Vec<_>, Vec<_>) = report.missed.iter().partition(|missed| missed.evidence.is_some());
        if !in_evidence.is_empty() {
            text += &format!(
                "Missed ({} of {} answers in evidence) and where the evidence was\n",
                in_evidence.len(),
                report.answers
            );
            for missed in in_evidence {
                let clue = missed.evidence.as_ref().map(|clue| clue.describe()).unwrap_or_default();
                text += &format!("  {:<44} {clue}\n", missed.answer);
            }
        }
        if !never.is_empty() {
            let names: Vec<&str> = never.iter().map(|missed| missed.answer.as_str()).collect();
            text += &format!("Not in evidence this run (not counted): {}\n", names.join(", "));
        }
        text
    }
}

impl fmt::Display for Debrief {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n{}\n{}", self.table(), self.findings(), self.timeline())
    }
}
