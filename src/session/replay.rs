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
    let mut playback = Playback::start(session, scenario)?;
    let last = last.map_or(playback.last(), |tick| tick.0.min(playback.last()));
    while playback.simulation.now().is_none_or(|now| now.0 < last) {
        playback.step()?;
        on_tick(&playback.simulation);
    }
    Ok(Replay {
        simulation: playback.simulation,
        checkpoints_verified: playback.checkpoints_verified,
        actions_replayed: playback.actions_replayed,
    })
}

/// A session being played back one tick at a time, each tick checked against its records.
pub struct Playback {
    pub simulation: Simulation,
    records: Vec<(usize, Record)>,
    last: u32,
    /// The next record to play or check.
    next: usize,
    pub checkpoints_verified: usize,
    pub actions_replayed: usize,
}

impl Playback {
    /// Starts playing `session` back on `scenario`, which must be the one it was recorded on.
    pub fn start(session: &Session, scenario: Arc<Scenario>) -> Result<Self, ReplayError> {
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
            simulation: Simulation::new(scenario, session.header.seed),
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

    /// Plays the next tick: its recorded actions go to the team, then its records are checked.
    pub fn step(&mut self) -> Result<(), ReplayError> {
        let tick = self.simulation.now().map_or(0, |now| now.0 + 1);
        let scenario = self.simulation.shared_scenario();
        let time = |tick: u32| scenario.time_of(Tick(tick)).strftime("%Y-%m-%d %H:%M %Z").to_string();
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
            let parsed = parse_action(action, &scenario).map_err(|error| ReplayError::BadAction {
                line: *line,
                action: action.clone(),
                reason: error.to_string(),
            })?;
            self.simulation
                .app
                .world_mut()
                .resource_mut::<Desk>()
                .incoming
                .push(parsed);
            asked.push((*line, *accepted, reason.clone()));
            self.next += 1;
        }
        self.simulation.step();
        self.actions_replayed += asked.len();
        let desk = self.simulation.world().resource::<Desk>();
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
            self.records.get(self.next)
        {
            if *at != tick {
                break;
            }
            let (Record::Checkpoint { state, .. } | Record::End { state, .. }) = record else {
                break;
            };
            let now = format!("{:016x}", self.simulation.state_hash());
            if *state != now {
                return Err(ReplayError::Diverged {
                    tick,
                    time: time(tick),
                    line: *line,
                    what: format!("the checkpoint recorded state {state}; the replay has {now}"),
                });
            }
            self.checkpoints_verified += 1;
            self.next += 1;
        }
        Ok(())
    }
}

/// Why a branch could not be started.
#[derive(Debug, thiserror::Error)]
pub enum BranchError {
    #[error("cannot record to {path}: {error}")]
    Create { path: String, error: std::io::Error },
    #[error("recording to {path} failed: {error}")]
    Write { path: String, error: std::io::Error },
    #[error(transparent)]
    Replay(#[from] ReplayError),
}

impl BranchError {
    /// The exit code: 2 for the file, 1 for a session that does not replay.
    pub fn exit_code(&self) -> u8 {
        match self {
            BranchError::Replay(_) => 1,
            _ => 2,
        }
    }
}

/// Starts a branch of `session` at tick `branch`: a new session at `path` that names its
/// origin, holding the session replayed (and checked) through the tick before. Returns the
/// simulation there, and the recorder to go on with.
pub fn branch(
    session: &Session,
    origin: &str,
    scenario: Arc<Scenario>,
    branch: Tick,
    path: &std::path::Path,
    mode: &str,
) -> Result<(Simulation, super::Recorder), BranchError> {
    let mut playback = Playback::start(session, scenario)?;
    let header = super::header(
        &playback.simulation,
        &session.header.scenario_source,
        mode,
        Some((origin.to_string(), branch.0)),
    );
    let shown = path.display().to_string();
    let mut recorder = super::Recorder::create(path, &header).map_err(|error| BranchError::Create {
        path: shown.clone(),
        error,
    })?;
    while playback.simulation.now().map_or(0, |now| now.0 + 1) < branch.0 {
        playback.step()?;
        recorder
            .after_tick(&playback.simulation)
            .map_err(|error| BranchError::Write {
                path: shown.clone(),
                error,
            })?;
    }
    Ok((playback.simulation, recorder))
}
