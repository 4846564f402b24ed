//! The debrief: the score table with ratings and reasons, the team's actions against what was
//! really happening, and what the run with no response lost.

use std::fmt;

use serde::Serialize;

use crate::scenario::model::{Scenario, Tick};
use crate::sim::NEVER;
use crate::sim::outcome::{Counts, Moment};

use super::{RunRecord, Score};

/// One action of the team, set against the ground truth of that moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionLine {
    pub requested: Moment,
    pub action: String,
    pub outcome: String,
    /// Machines the attacker held when the action was asked for.
    pub compromised_then: u32,
}

/// Everything the debrief shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Debrief {
    pub score: Score,
    pub actions: Vec<ActionLine>,
    pub baseline: Counts,
    pub response: Counts,
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
        Self {
            score,
            actions,
            baseline,
            response,
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
        text += &format!(
            "\nWith no response the same seed lost {} machines wiped ({} taken); this run lost {} ({} taken).\n",
            self.baseline.wiped, self.baseline.compromised, self.response.wiped, self.response.compromised
        );
        text
    }
}

impl fmt::Display for Debrief {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n{}", self.table(), self.timeline())
    }
}
