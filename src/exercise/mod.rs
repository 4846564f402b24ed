//! A running exercise: a checked scenario, a seed, the response team and optionally a
//! playbook, composed into one simulation. It is the only way to act on a run: request an
//! action, follow a playbook, step; the console, replays, the window and the CLI all go
//! through it. The state checksum of sessions and the run summary are assembled here.

mod complete;
mod console;
mod debrief;
mod reading;
mod replay;
mod seen;
mod summary;

use std::sync::Arc;

use crate::checksum::Fnv1a;
use crate::response::{Action, Desk, FollowedPlaybook, Playbook};
use crate::scenario::model::{Scenario, Tick};
use crate::session::{Header, Recorder};
use crate::sim::Simulation;

pub use complete::{complete, completions};
pub use console::{COMMANDS, Console, Control, Line, NewsReader, SPEEDS, describe_observation};
pub use debrief::{Baseline, Graded};
pub use reading::{READING, record_line};
pub use replay::{BranchError, Playback, Replay, branch, replay};
pub use seen::{Seen, SeenMap};
pub use summary::Summary;

/// One run of a scenario with a seed and a response team.
pub struct Exercise {
    simulation: Simulation,
}

impl Exercise {
    /// A new exercise; nothing is simulated until the first step.
    pub fn new(scenario: Arc<Scenario>, seed: u64) -> Self {
        let simulation = Simulation::extended(scenario, seed, |app| {
            app.add_plugins((crate::case::plugin, crate::response::plugin));
        });
        Self { simulation }
    }

    /// An exercise no one reads as it runs (the run with no response, recorded or measured):
    /// the team's desk is there, but the case does not copy what the alerts showed, which at
    /// the scale of a million machines would be millions of records nobody opens.
    pub fn unattended(scenario: Arc<Scenario>, seed: u64) -> Self {
        let simulation = Simulation::extended(scenario, seed, |app| {
            app.init_resource::<crate::case::Case>()
                .add_plugins(crate::response::plugin);
        });
        Self { simulation }
    }

    /// A new exercise whose team follows a playbook from the start.
    pub fn following(scenario: Arc<Scenario>, seed: u64, playbook: Playbook) -> Self {
        let mut exercise = Self::new(scenario, seed);
        exercise.follow(playbook, Tick(0));
        exercise
    }

    /// The team follows a playbook from `start` on (a branch): steps timed before it are
    /// dropped.
    pub fn follow(&mut self, playbook: Playbook, start: Tick) {
        self.simulation
            .world_mut()
            .insert_resource(FollowedPlaybook::starting_at(playbook, start));
    }

    /// Asks the team for an action: it reaches the team's desk on the next tick, where it is
    /// checked (and refused with a reason if it cannot be done).
    pub fn request(&mut self, action: Action) {
        self.simulation.world_mut().resource_mut::<Desk>().incoming.push(action);
    }

    /// Simulates one tick.
    pub fn step(&mut self) {
        self.simulation.step();
    }

    /// Simulates up to and including `last`, calling `progress` after each tick.
    pub fn run_through(&mut self, last: Tick, progress: impl FnMut(Tick)) {
        self.simulation.run_through(last, progress);
    }

    /// The simulation, to read.
    pub fn simulation(&self) -> &Simulation {
        &self.simulation
    }

    /// The team's case file: every record it holds.
    pub fn case(&self) -> &crate::case::Case {
        self.simulation.world().resource::<crate::case::Case>()
    }

    /// The team's desk: what was asked, what became of it.
    pub fn desk(&self) -> &Desk {
        self.simulation.world().resource::<Desk>()
    }

    /// The scenario being played.
    pub fn scenario(&self) -> &Scenario {
        self.simulation.scenario()
    }

    /// The scenario, shared.
    pub fn shared_scenario(&self) -> Arc<Scenario> {
        self.simulation.shared_scenario()
    }

    /// The run's seed.
    pub fn seed(&self) -> u64 {
        self.simulation.seed()
    }

    /// The last tick simulated, if any.
    pub fn now(&self) -> Option<Tick> {
        self.simulation.now()
    }

    /// Whether the exercise has reached its end.
    pub fn finished(&self) -> bool {
        self.simulation.finished()
    }

    /// The playbook the team follows, if any.
    pub fn playbook(&self) -> Option<&Playbook> {
        self.simulation
            .world()
            .get_resource::<FollowedPlaybook>()
            .map(|followed| &followed.playbook)
    }

    /// The checksum of the whole exercise that sessions record: the simulated world's and the
    /// team's record. (The playbook is not in it: sessions record the actions it asked for.)
    pub fn state_hash(&self) -> u64 {
        let mut hash = Fnv1a::default();
        hash.write_u64(self.simulation.state_hash());
        self.desk().hash_into(&mut hash);
        hash.finish()
    }

    /// Writes to a session what the last tick added (actions, and a checkpoint on the hour).
    pub fn record_tick(&self, recorder: &mut Recorder) -> std::io::Result<()> {
        match self.now() {
            Some(now) => recorder.after_tick(now, self.desk(), self.scenario(), || self.state_hash()),
            None => Ok(()),
        }
    }

    /// Writes a session's end record, with the final state.
    pub fn record_end(&self, recorder: &mut Recorder) -> std::io::Result<()> {
        recorder.finish(self.now(), self.state_hash())
    }

    /// A new session's header for this exercise.
    pub fn session_header(&self, scenario_source: &str, mode: &str) -> Header {
        crate::session::header(self.scenario(), self.seed(), scenario_source, mode, None)
    }

    /// The summary of the run so far: the simulation's outcome and the team's record.
    pub fn summary(&self) -> Summary {
        Summary {
            playbook: self.playbook().map(|playbook| playbook.name.clone()),
            responder_actions: self.desk().log.len() as u32,
            outcome: self.simulation.outcome(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{ask, flagship};

    /// The checksums sessions record are pinned: a change to what they cover or how they are
    /// encoded (a renamed variant must not be one) shows here before it breaks every session.
    /// (They moved with the flagship's format-3 edition; `tests/formats.rs` pins the format-2
    /// flagship to the values before.)
    #[test]
    fn the_state_checksum_is_pinned() {
        let mut quiet = Exercise::new(flagship(), 1);
        quiet.run_through(Tick(60), |_| {});
        let mut acting = Exercise::new(flagship(), 1);
        ask(&mut acting, "reset admins");
        acting.run_through(Tick(60), |_| {});
        assert_eq!(format!("{:016x}", quiet.state_hash()), "5184c3c7e3fd1315");
        assert_eq!(format!("{:016x}", acting.state_hash()), "91e11541868c07b0");
    }
}
