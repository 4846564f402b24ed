//! Writing a session as the exercise runs: every action the team is asked for and every
//! checkpoint goes out as one chained line, written at once, so a crash loses nothing already
//! done.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::response::{Desk, Progress};
use crate::scenario::model::{Scenario, Tick};

use super::format::{Chain, Header, Record, SESSION_FORMAT, header_line, record_line};

/// Ticks between checkpoints: one simulated hour at one-minute ticks.
pub const CHECKPOINT_EVERY: u32 = 60;

/// The first free `sessions/ID-seedN-K.jsonl`: numbered, so that names do not depend on a clock.
pub fn next_session_path(id: &str, seed: u64) -> PathBuf {
    (1..)
        .map(|number| PathBuf::from(format!("sessions/{id}-seed{seed}-{number}.jsonl")))
        .find(|path| !path.exists())
        .unwrap_or_else(|| PathBuf::from(format!("sessions/{id}-seed{seed}.jsonl")))
}

/// The header of a new session of a scenario and seed.
pub fn header(
    scenario: &Scenario,
    seed: u64,
    scenario_source: &str,
    mode: &str,
    branched_from: Option<(String, u32)>,
) -> Header {
    Header {
        session: SESSION_FORMAT,
        redscreen: env!("CARGO_PKG_VERSION").to_string(),
        scenario: scenario.meta.id.clone(),
        scenario_source: scenario_source.to_string(),
        scenario_hash: format!("{:016x}", scenario.content_hash),
        seed,
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

/// A session being written.
pub struct Recorder {
    file: File,
    pub path: PathBuf,
    chain: Chain,
    /// Desk entries already written.
    entries_written: usize,
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
            chain: Chain::start(header),
            entries_written: 0,
        };
        recorder.line(&header_line(header))?;
        Ok(recorder)
    }

    fn line(&mut self, text: &str) -> std::io::Result<()> {
        // One write per line: the line reaches the file whole or, if the process dies
        // mid-call, as a cut tail that reading recognises.
        self.file.write_all(format!("{text}\n").as_bytes())?;
        self.file.flush()
    }

    fn record(&mut self, record: &Record) -> std::io::Result<()> {
        self.chain = self.chain.next(record);
        self.line(&record_line(record, self.chain))
    }

    /// Writes what a tick added: the actions asked of the team, and a checkpoint on the hour
    /// (`state` is asked for only then).
    pub fn after_tick(
        &mut self,
        now: Tick,
        desk: &Desk,
        scenario: &Scenario,
        state: impl FnOnce() -> u64,
    ) -> std::io::Result<()> {
        let new: Vec<Record> = desk.log[self.entries_written.min(desk.log.len())..]
            .iter()
            .map(|entry| {
                let reason = match &entry.progress {
                    Progress::Refused(reason) => Some(reason.clone()),
                    _ => None,
                };
                Record::Action {
                    tick: entry.requested.0,
                    action: entry.action.to_text(scenario),
                    accepted: reason.is_none(),
                    reason,
                }
            })
            .collect();
        self.entries_written = desk.log.len();
        for record in &new {
            self.record(record)?;
        }
        if now.0.is_multiple_of(CHECKPOINT_EVERY) {
            let state = format!("{:016x}", state());
            self.record(&Record::Checkpoint { tick: now.0, state })?;
        }
        Ok(())
    }

    /// Writes the end record with the final state.
    pub fn finish(&mut self, now: Option<Tick>, state: u64) -> std::io::Result<()> {
        let tick = now.map_or(0, |tick| tick.0);
        let state = format!("{state:016x}");
        self.record(&Record::End { tick, state })
    }
}
