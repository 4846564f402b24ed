//! Writing a session as the exercise runs: every action the team is asked for and every
//! checkpoint goes out as one line, written at once, so a crash loses nothing already done.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::response::{Desk, Outcome};
use crate::sim::Simulation;

use super::format::{Header, Record, SESSION_FORMAT};

/// Ticks between checkpoints: one simulated hour at one-minute ticks.
pub const CHECKPOINT_EVERY: u32 = 60;

/// The first free `sessions/ID-seedN-K.jsonl`: numbered, so that names do not depend on a clock.
pub fn next_session_path(id: &str, seed: u64) -> PathBuf {
    (1..)
        .map(|number| PathBuf::from(format!("sessions/{id}-seed{seed}-{number}.jsonl")))
        .find(|path| !path.exists())
        .unwrap_or_else(|| PathBuf::from(format!("sessions/{id}-seed{seed}.jsonl")))
}

/// A session being written.
pub struct Recorder {
    file: File,
    pub path: PathBuf,
    /// Desk entries already written.
    entries_written: usize,
}

/// The header of a new session of a simulation.
pub fn header(
    simulation: &Simulation,
    scenario_source: &str,
    mode: &str,
    branched_from: Option<(String, u32)>,
) -> Header {
    let scenario = simulation.scenario();
    Header {
        session: SESSION_FORMAT,
        redscreen: env!("CARGO_PKG_VERSION").to_string(),
        scenario: scenario.meta.id.clone(),
        scenario_source: scenario_source.to_string(),
        scenario_hash: format!("{:016x}", scenario.content_hash),
        seed: simulation.seed,
        tick_seconds: scenario.meta.tick_seconds,
        checkpoint_every: CHECKPOINT_EVERY,
        rubric: scenario
            .rubric
            .objectives
            .iter()
            .map(|objective| (objective.name.clone(), objective.weight))
            .collect(),
        mode: mode.to_string(),
        branched_from,
    }
}

impl Recorder {
    /// Creates the file (and its folder) and writes the header.
    pub fn create(path: &Path, header: &Header) -> std::io::Result<Self> {
        if let Some(folder) = path.parent().filter(|folder| !folder.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder)?;
        }
        let mut recorder = Self {
            file: File::create(path)?,
            path: path.to_path_buf(),
            entries_written: 0,
        };
        recorder.line(&serde_json::to_string(header).map_err(std::io::Error::other)?)?;
        Ok(recorder)
    }

    fn line(&mut self, text: &str) -> std::io::Result<()> {
        // One write per line: the line reaches the file whole or, if the process dies
        // mid-call, as a cut tail that reading recognises.
        self.file.write_all(format!("{text}\n").as_bytes())?;
        self.file.flush()
    }

    fn record(&mut self, record: &Record) -> std::io::Result<()> {
        self.line(&serde_json::to_string(record).map_err(std::io::Error::other)?)
    }

    /// Writes what the last tick added: the actions asked for, and a checkpoint on the hour.
    pub fn after_tick(&mut self, simulation: &Simulation) -> std::io::Result<()> {
        let Some(now) = simulation.now() else {
            return Ok(());
        };
        let desk = simulation.world().resource::<Desk>();
        let new: Vec<Record> = desk.log[self.entries_written..]
            .iter()
            .map(|entry| {
                let reason = match &entry.outcome {
                    Outcome::Refused(reason) => Some(reason.clone()),
                    _ => None,
                };
                Record::Action {
                    tick: entry.requested.0,
                    action: entry.action.to_text(simulation.scenario()),
                    accepted: reason.is_none(),
                    reason,
                }
            })
            .collect();
        self.entries_written = desk.log.len();
        for record in &new {
            self.record(record)?;
        }
        if now.0 % CHECKPOINT_EVERY == 0 {
            let state = format!("{:016x}", simulation.state_hash());
            self.record(&Record::Checkpoint { tick: now.0, state })?;
        }
        Ok(())
    }

    /// Writes the end record with the final state.
    pub fn finish(&mut self, simulation: &Simulation) -> std::io::Result<()> {
        let tick = simulation.now().map_or(0, |tick| tick.0);
        let state = format!("{:016x}", simulation.state_hash());
        self.record(&Record::End { tick, state })
    }
}
