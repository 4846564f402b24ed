//! Replaying a session: the simulation runs again from the same scenario and seed, the recorded
//! actions go to the team at their ticks, and every recorded result and checkpoint is checked.
//! The first difference is reported with its tick.

use std::sync::Arc;

use crate::response::{Desk, Outcome, parse_action};
use crate::scenario::model::{Scenario, Tick};
use crate::sim::Simulation;

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

/// A replayed session: the simulation where it stopped and what was checked on the way.
pub struct Replay {
    pub simulation: Simulation,
    pub checkpoints_verified: usize,
    pub actions_replayed: usize,
}

/// Replays `session` on `scenario` through tick `last` (the session's last tick when `None`),
/// checking every record; `on_tick` sees the simulation after each tick.
pub fn replay(
    session: &Session,
    scenario: Arc<Scenario>,
    last: Option<Tick>,
    mut on_tick: impl FnMut(&Simulation),
) -> Result<Replay, ReplayError> {
    let found = format!("{:016x}", scenario.content_hash);
    if found != session.header.scenario_hash {
        return Err(ReplayError::ScenarioChanged {
            scenario: session.header.scenario.clone(),
            recorded: session.header.scenario_hash.clone(),
            found,
        });
    }
    let last = last
        .map_or(session.last_tick(), |tick| tick.0)
        .min(scenario.meta.duration_ticks);
    let mut simulation = Simulation::new(Arc::clone(&scenario), session.header.seed);
    let records = &session.records;
    let mut next = 0;
    let mut checkpoints_verified = 0;
    let mut actions_replayed = 0;
    let time = |tick: u32| scenario.time_of(Tick(tick)).strftime("%Y-%m-%d %H:%M %Z").to_string();
    for tick in 0..=last {
        let mut asked = Vec::new();
        while let Some((
            line,
            Record::Action {
                tick: at,
                action,
                accepted,
                reason,
            },
        )) = records.get(next)
        {
            if *at != tick {
                break;
            }
            let parsed = parse_action(action, &scenario).map_err(|error| ReplayError::BadAction {
                line: *line,
                action: action.clone(),
                reason: error.to_string(),
            })?;
            simulation.app.world_mut().resource_mut::<Desk>().incoming.push(parsed);
            asked.push((*line, *accepted, reason.clone()));
            next += 1;
        }
        simulation.step();
        actions_replayed += asked.len();
        let desk = simulation.world().resource::<Desk>();
        let entries = &desk.log[desk.log.len() - asked.len()..];
        for ((line, accepted, reason), entry) in asked.iter().zip(entries) {
            let refused = match &entry.outcome {
                Outcome::Refused(why) => Some(why.clone()),
                _ => None,
            };
            if *accepted != refused.is_none() || (!accepted && *reason != refused) {
                let said = |accepted: bool, reason: &Option<String>| match (accepted, reason) {
                    (true, _) => "accepted".to_string(),
                    (false, reason) => format!("refused ({})", reason.as_deref().unwrap_or("")),
                };
                return Err(ReplayError::Diverged {
                    tick,
                    time: time(tick),
                    line: *line,
                    what: format!(
                        "`{}` was {} when recorded, {} now",
                        entry.action.to_text(&scenario),
                        said(*accepted, reason),
                        said(refused.is_none(), &refused)
                    ),
                });
            }
        }
        while let Some((line, record @ (Record::Checkpoint { tick: at, .. } | Record::End { tick: at, .. }))) =
            records.get(next)
        {
            if *at != tick {
                break;
            }
            let (Record::Checkpoint { state, .. } | Record::End { state, .. }) = record else {
                break;
            };
            let now = format!("{:016x}", simulation.state_hash());
            if *state != now {
                return Err(ReplayError::Diverged {
                    tick,
                    time: time(tick),
                    line: *line,
                    what: format!("the checkpoint recorded state {state}; the replay has {now}"),
                });
            }
            checkpoints_verified += 1;
            next += 1;
        }
        on_tick(&simulation);
    }
    Ok(Replay {
        simulation,
        checkpoints_verified,
        actions_replayed,
    })
}
