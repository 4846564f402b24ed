//! The summary of a run: the simulation's outcome (losses, timeline, services, evidence) with
//! who responded and how much. Printed as text or as one JSON object (docs/run-output.md).

use std::fmt;

use serde::Serialize;

use crate::sim::Outcome;

/// The simulation's outcome and the team's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The playbook the team followed, if any.
    pub playbook: Option<String>,
    /// Actions the team was asked for, accepted or refused.
    pub responder_actions: u32,
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let response = match (&self.playbook, self.responder_actions) {
            (Some(name), _) => format!("following playbook `{name}`"),
            (None, 0) => "with no response".to_string(),
            (None, 1) => "with 1 responder action".to_string(),
            (None, actions) => format!("with {actions} responder actions"),
        };
        writeln!(f, "{}", self.outcome.heading(&response))?;
        writeln!(f)?;
        write!(f, "{}", self.outcome)
    }
}
