//! Replaying a session: the exercise runs again from the same scenario and seed, the recorded
//! actions go to the team at their ticks, and the session's verifier checks every result and
//! checkpoint. A branch replays a session up to a tick into a new session and goes on live.

use std::sync::Arc;

use crate::response::{Progress, parse_action};
use crate::scenario::model::{Scenario, Tick};
use crate::session::{self, Recorder, ReplayError, ReplayedAction, Session, Verifier};

use super::Exercise;

/// A replayed session: the exercise where it stopped and what was checked on the way.
pub struct Replay {
    pub exercise: Exercise,
    pub checkpoints_verified: usize,
    pub actions_replayed: usize,
}

/// Replays `session` on `scenario` through tick `last` (the session's last tick when `None`),
/// checking every record; `on_tick` sees the exercise after each tick.
pub fn replay(
    session: &Session,
    scenario: Arc<Scenario>,
    last: Option<Tick>,
    mut on_tick: impl FnMut(&Exercise),
) -> Result<Replay, ReplayError> {
    let mut playback = Playback::start(session, scenario)?;
    let last = last.map_or(playback.last(), |tick| tick.0.min(playback.last()));
    while playback.exercise.now().is_none_or(|now| now.0 < last) {
        playback.step()?;
        on_tick(&playback.exercise);
    }
    Ok(Replay {
        checkpoints_verified: playback.verifier.checkpoints_verified,
        actions_replayed: playback.verifier.actions_replayed,
        exercise: playback.exercise,
    })
}

/// A session being played back one tick at a time, each tick checked against its records.
pub struct Playback {
    pub exercise: Exercise,
    verifier: Verifier,
}

impl Playback {
    /// Starts playing `session` back on `scenario`, which must be the one it was recorded on.
    pub fn start(session: &Session, scenario: Arc<Scenario>) -> Result<Self, ReplayError> {
        Ok(Self {
            verifier: Verifier::new(session, Arc::clone(&scenario))?,
            exercise: Exercise::new(scenario, session.header.seed),
        })
    }

    /// The last tick the session reaches.
    pub fn last(&self) -> u32 {
        self.verifier.last()
    }

    /// Checkpoints verified so far.
    pub fn checkpoints_verified(&self) -> usize {
        self.verifier.checkpoints_verified
    }

    /// Plays the next tick: its recorded actions go to the team, then its records are checked.
    pub fn step(&mut self) -> Result<(), ReplayError> {
        let tick = self.exercise.now().map_or(0, |now| now.0 + 1);
        let recorded = self.verifier.actions_at(tick);
        for asked in &recorded {
            let action =
                parse_action(&asked.action, self.exercise.scenario()).map_err(|error| ReplayError::BadAction {
                    line: asked.line,
                    action: asked.action.clone(),
                    reason: error.to_string(),
                })?;
            self.exercise.request(action);
        }
        self.exercise.step();
        let log = &self.exercise.desk().log;
        let replayed: Vec<ReplayedAction> = log[log.len().saturating_sub(recorded.len())..]
            .iter()
            .map(|entry| ReplayedAction {
                action: entry.action.to_text(self.exercise.scenario()),
                refusal: match &entry.progress {
                    Progress::Refused(reason) => Some(reason.clone()),
                    _ => None,
                },
            })
            .collect();
        self.verifier.check_actions(tick, &recorded, &replayed)?;
        let exercise = &self.exercise;
        self.verifier.check_state(tick, || exercise.state_hash())
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
/// exercise there, and the recorder to go on with.
pub fn branch(
    session: &Session,
    origin: &str,
    scenario: Arc<Scenario>,
    branch: Tick,
    path: &std::path::Path,
    mode: &str,
) -> Result<(Exercise, Recorder), BranchError> {
    let mut playback = Playback::start(session, Arc::clone(&scenario))?;
    let header = session::header(
        &scenario,
        session.header.seed,
        &session.header.scenario_source,
        mode,
        Some((origin.to_string(), branch.0)),
    );
    let shown = path.display().to_string();
    let mut recorder = Recorder::create(path, &header).map_err(|error| BranchError::Create {
        path: shown.clone(),
        error,
    })?;
    while playback.exercise.now().map_or(0, |now| now.0 + 1) < branch.0 {
        playback.step()?;
        playback
            .exercise
            .record_tick(&mut recorder)
            .map_err(|error| BranchError::Write {
                path: shown.clone(),
                error,
            })?;
    }
    Ok((playback.exercise, recorder))
}
