//! The session file: a JSON header line, then one JSON record per line, appended and flushed
//! as the exercise runs. Reading it tells a cut tail (a crash mid-write: replay what is whole)
//! from damage (a bad line inside the file: refused).

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The session format this build writes and reads.
pub const SESSION_FORMAT: u32 = 1;

/// The first line of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Session format version.
    pub session: u32,
    /// Version of redscreen that recorded it.
    pub redscreen: String,
    /// The scenario's `meta.id`.
    pub scenario: String,
    /// Where the scenario came from: a file path as given, or `embedded` for the flagship.
    pub scenario_source: String,
    /// FNV-1a of the scenario's text, in hexadecimal.
    pub scenario_hash: String,
    pub seed: u64,
    pub tick_seconds: u32,
    /// Ticks between checkpoints.
    pub checkpoint_every: u32,
    /// The rubric's objectives and weights.
    pub rubric: Vec<(String, u32)>,
    /// `baseline`, `playbook NAME` or `console`.
    pub mode: String,
    /// The session and tick this one branched from, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branched_from: Option<(String, u32)>,
}

/// One line after the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case", deny_unknown_fields)]
pub enum Record {
    /// An action asked of the team at a tick, and whether it was accepted.
    Action {
        tick: u32,
        action: String,
        accepted: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The checksum of the whole simulated state after a tick.
    Checkpoint { tick: u32, state: String },
    /// The exercise ended after this tick, with this state.
    End { tick: u32, state: String },
}

impl Record {
    /// The tick the record belongs to.
    pub fn tick(&self) -> u32 {
        match self {
            Record::Action { tick, .. } | Record::Checkpoint { tick, .. } | Record::End { tick, .. } => *tick,
        }
    }
}

/// Why a session file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path} is not a redscreen session: its first line is not a session header ({reason})")]
    NotASession { path: String, reason: String },
    #[error("{path} is session format {found}; this redscreen reads format {SESSION_FORMAT}")]
    Version { path: String, found: u32 },
    #[error("{path}:{line}: damaged record: {reason}")]
    Damaged { path: String, line: usize, reason: String },
    #[error("{path}:{line}: tick {tick} comes after tick {previous}: the lines are out of order")]
    OutOfOrder {
        path: String,
        line: usize,
        tick: u32,
        previous: u32,
    },
    #[error("{path}:{line}: a record after the end of the exercise")]
    AfterEnd { path: String, line: usize },
}

impl SessionError {
    /// Exit code: 2 when the file cannot be read as a session at all, 1 when it is damaged.
    pub fn exit_code(&self) -> u8 {
        match self {
            SessionError::Read { .. } | SessionError::NotASession { .. } | SessionError::Version { .. } => 2,
            _ => 1,
        }
    }
}

/// A session as read from its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub header: Header,
    /// Records with their line numbers, in file order.
    pub records: Vec<(usize, Record)>,
    /// The last line was cut mid-write (a crash): it was left out.
    pub cut_tail: bool,
}

impl Session {
    /// Reads and checks a session file.
    pub fn read(path: &Path) -> Result<Self, SessionError> {
        let name = path.display().to_string();
        let text = std::fs::read(path).map_err(|source| SessionError::Read {
            path: name.clone(),
            source,
        })?;
        Self::parse(&String::from_utf8_lossy(&text), &name)
    }

    /// Checks session text; `name` is used in messages.
    pub fn parse(text: &str, name: &str) -> Result<Self, SessionError> {
        let complete = text.ends_with('\n');
        let lines: Vec<&str> = text.lines().collect();
        let first = lines.first().copied().unwrap_or("");
        let header: Header = serde_json::from_str(first).map_err(|error| {
            // A header that names another format version is worth saying so.
            match serde_json::from_str::<serde_json::Value>(first)
                .ok()
                .and_then(|value| value["session"].as_u64())
            {
                Some(found) if found != SESSION_FORMAT as u64 => SessionError::Version {
                    path: name.to_string(),
                    found: found as u32,
                },
                _ => SessionError::NotASession {
                    path: name.to_string(),
                    reason: error.to_string(),
                },
            }
        })?;
        if header.session != SESSION_FORMAT {
            return Err(SessionError::Version {
                path: name.to_string(),
                found: header.session,
            });
        }
        let mut records = Vec::with_capacity(lines.len());
        let mut cut_tail = false;
        let mut previous = 0;
        let mut ended = false;
        for (index, line) in lines.iter().enumerate().skip(1) {
            let number = index + 1;
            let record: Record = match serde_json::from_str(line) {
                Ok(record) => record,
                // Only the very last line, unterminated, can be a write cut short by a crash.
                Err(_) if number == lines.len() && !complete => {
                    cut_tail = true;
                    break;
                }
                Err(error) => {
                    return Err(SessionError::Damaged {
                        path: name.to_string(),
                        line: number,
                        reason: error.to_string(),
                    });
                }
            };
            if ended {
                return Err(SessionError::AfterEnd {
                    path: name.to_string(),
                    line: number,
                });
            }
            if record.tick() < previous {
                return Err(SessionError::OutOfOrder {
                    path: name.to_string(),
                    line: number,
                    tick: record.tick(),
                    previous,
                });
            }
            previous = record.tick();
            ended = matches!(record, Record::End { .. });
            records.push((number, record));
        }
        Ok(Self {
            header,
            records,
            cut_tail,
        })
    }

    /// The last tick the session covers.
    pub fn last_tick(&self) -> u32 {
        self.records.last().map_or(0, |(_, record)| record.tick())
    }

    /// Whether the session reached its end record.
    pub fn ended(&self) -> bool {
        matches!(self.records.last(), Some((_, Record::End { .. })))
    }
}
