//! Checking a replay against its session: which recorded actions go to the team at each tick,
//! and whether what the replay did agrees with what was recorded (every action's acceptance
//! and reason, every checkpoint's state). The first difference is reported with its tick and
//! line. Running the exercise is the exercise layer's; this is the session's side of it.

use std::sync::Arc;

use crate::scenario::model::{Scenario, Tick};

use super::format::{Record, Session};

/// Why a replay stopped.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error(
        "the session was recorded on scenario `{scenario}` with hash {recorded}; this scenario hashes to {found}: it has changed since"
    )]
    ScenarioChanged {
        scenario: String,
        recorded: String,
        found: String,
    },
    #[error("line {line}: the recorded action `{action}` does not parse against this scenario: {reason}")]
    BadAction {
        line: usize,
        action: String,
        reason: String,
    },
    #[error("diverges at tick {tick} ({time}), line {line}: {what}")]
    Diverged {
        tick: u32,
        time: String,
        line: usize,
        what: String,
    },
}

/// An action as the session recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedAction {
    pub line: usize,
    pub action: String,
    pub accepted: bool,
    pub reason: Option<String>,
}

/// What became of an action in the replay: its text, and the reason if it was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayedAction {
    pub action: String,
    pub refusal: Option<String>,
}

/// Walks a session's records tick by tick, handing out the actions to replay and checking
/// what the replay did against the records.
pub struct Verifier {
    scenario: Arc<Scenario>,
    records: Vec<(usize, Record)>,
    last: u32,
    /// The next record to hand out or check.
    next: usize,
    pub checkpoints_verified: usize,
    pub actions_replayed: usize,
}

impl Verifier {
    /// Starts checking `session` on `scenario`, which must be the one it was recorded on.
    pub fn new(session: &Session, scenario: Arc<Scenario>) -> Result<Self, ReplayError> {
        let found = format!("{:016x}", scenario.content_hash);
        if found != session.header.scenario_hash {
            return Err(ReplayError::ScenarioChanged {
                scenario: session.header.scenario.clone(),
                recorded: session.header.scenario_hash.clone(),
                found,
            });
        }
        Ok(Self {
            last: session.last_tick().min(scenario.meta.duration_ticks),
            scenario,
            records: session.records.clone(),
            next: 0,
            checkpoints_verified: 0,
            actions_replayed: 0,
        })
    }

    /// The last tick the session reaches.
    pub fn last(&self) -> u32 {
        self.last
    }

    fn time(&self, tick: u32) -> String {
        self.scenario
            .time_of(Tick(tick))
            .strftime("%Y-%m-%d %H:%M %Z")
            .to_string()
    }

    /// The actions recorded as asked at `tick`, in order.
    pub fn actions_at(&mut self, tick: u32) -> Vec<RecordedAction> {
        let mut asked = Vec::new();
        while let Some((
            line,
            Record::Action {
                tick: at,
                action,
                accepted,
                reason,
            },
        )) = self.records.get(self.next)
        {
            if *at != tick {
                break;
            }
            asked.push(RecordedAction {
                line: *line,
                action: action.clone(),
                accepted: *accepted,
                reason: reason.clone(),
            });
            self.next += 1;
        }
        asked
    }

    /// Checks that each recorded action was accepted or refused (with the same reason) in the
    /// replay as when it was recorded.
    pub fn check_actions(
        &mut self,
        tick: u32,
        recorded: &[RecordedAction],
        replayed: &[ReplayedAction],
    ) -> Result<(), ReplayError> {
        self.actions_replayed += recorded.len();
        for (recorded, replayed) in recorded.iter().zip(replayed) {
            let agrees = recorded.accepted == replayed.refusal.is_none()
                && (recorded.accepted || recorded.reason == replayed.refusal);
            if agrees {
                continue;
            }
            let said = |accepted: bool, reason: &Option<String>| match accepted {
                true => "accepted".to_string(),
                false => format!("refused ({})", reason.as_deref().unwrap_or("")),
            };
            return Err(ReplayError::Diverged {
                tick,
                time: self.time(tick),
                line: recorded.line,
                what: format!(
                    "`{}` was {} when recorded, {} now",
                    replayed.action,
                    said(recorded.accepted, &recorded.reason),
                    said(replayed.refusal.is_none(), &replayed.refusal)
                ),
            });
        }
        Ok(())
    }

    /// Checks the checkpoints (and the end record) of `tick` against the replay's state.
    pub fn check_state(&mut self, tick: u32, state: impl Fn() -> u64) -> Result<(), ReplayError> {
        while let Some((
            line,
            Record::Checkpoint {
                tick: at,
                state: recorded,
            }
            | Record::End {
                tick: at,
                state: recorded,
            },
        )) = self.records.get(self.next)
        {
            if *at != tick {
                break;
            }
            let now = format!("{:016x}", state());
            if *recorded != now {
                return Err(ReplayError::Diverged {
                    tick,
                    time: self.time(tick),
                    line: *line,
                    what: format!("the checkpoint recorded state {recorded}; the replay has {now}"),
                });
            }
            self.checkpoints_verified += 1;
            self.next += 1;
        }
        Ok(())
    }
}
