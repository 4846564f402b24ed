//! The session file: a JSON header line, then one JSON record per line, appended and flushed
//! as the exercise runs. Every record carries a link of a hash chain over the header and the
//! records before it, so a line changed, removed, added or moved is found at its line. Reading
//! tells a cut tail (a crash mid-write: replay what is whole) from damage (refused).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::checksum::Fnv1a;

/// The session format this build writes and reads; older files are refused with both versions
/// named. Format 1 had no record chain and hashed its checkpoints differently. Format 2 was
/// recorded while the worm drew every probe; format 3 drew how many probes in a row miss for
/// one source group at a time; format 4 draws them for all sources at once (`sim/spread.rs`).
/// Each takes other machines from the same seed, so an older session's checkpoints cannot be
/// met.
pub const SESSION_FORMAT: u32 = 4;

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
    /// `baseline`, `playbook NAME`, `console` or `gui`.
    pub mode: String,
    /// The session and tick this one branched from, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branched_from: Option<(String, u32)>,
}

/// One line after the header (without its chain link, which is written beside it).
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

/// The hash chain over a session's lines: each link is FNV-1a of the previous link and the
/// line's content in its canonical form (the JSON serde writes, without the link itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chain(u64);

impl Chain {
    /// The chain's start: the header's own hash.
    pub fn start(header: &Header) -> Self {
        Self(Fnv1a::of(canonical(header).as_bytes()))
    }

    /// The link after a record.
    pub fn next(self, record: &Record) -> Self {
        let mut hash = Fnv1a::default();
        hash.write_u64(self.0);
        hash.write(canonical(record).as_bytes());
        Self(hash.finish())
    }

    fn text(self) -> String {
        format!("{:016x}", self.0)
    }
}

/// A value's canonical JSON (serde's, field order as declared).
fn canonical(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The header as its line.
pub fn header_line(header: &Header) -> String {
    canonical(header)
}

/// A record as its line: its JSON with the chain link after it, as `"chain":"…"`.
pub fn record_line(record: &Record, link: Chain) -> String {
    let json = canonical(record);
    let body = json.strip_suffix('}').unwrap_or(&json);
    format!("{body},\"chain\":\"{}\"}}", link.text())
}

/// Why a session file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path} is not a redscreen session: its first line is not a session header ({reason})")]
    NotASession { path: String, reason: String },
    #[error(
        "{path} is session format {found}; this redscreen reads format {SESSION_FORMAT} (record the exercise again, or replay it with the redscreen that recorded it)"
    )]
    Version { path: String, found: u32 },
    #[error("{path}:{line}: damaged record: {reason}")]
    Damaged { path: String, line: usize, reason: String },
    #[error(
        "{path}:{line}: the record chain breaks here: this line, or one before it, was changed, added, removed or moved since it was recorded"
    )]
    ChainBroken { path: String, line: usize },
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

/// One record line as written: the record's fields and its chain link.
#[derive(Deserialize)]
struct Linked {
    chain: String,
    #[serde(flatten)]
    record: serde_json::Map<String, serde_json::Value>,
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
        let header = parse_header(first, name)?;
        let mut chain = Chain::start(&header);
        let mut records = Vec::with_capacity(lines.len());
        let mut cut_tail = false;
        let mut previous = 0;
        let mut ended = false;
        for (index, line) in lines.iter().enumerate().skip(1) {
            let number = index + 1;
            let linked = match parse_record(line) {
                Ok(linked) => linked,
                // Only the very last line, unterminated, can be a write cut short by a crash.
                Err(_) if number == lines.len() && !complete => {
                    cut_tail = true;
                    break;
                }
                Err(reason) => {
                    return Err(SessionError::Damaged {
                        path: name.to_string(),
                        line: number,
                        reason,
                    });
                }
            };
            let (record, link) = linked;
            chain = chain.next(&record);
            if chain.text() != link {
                return Err(SessionError::ChainBroken {
                    path: name.to_string(),
                    line: number,
                });
            }
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

fn parse_header(line: &str, name: &str) -> Result<Header, SessionError> {
    // A header of another format version is worth saying so, whatever else it holds.
    let value: Option<serde_json::Value> = serde_json::from_str(line).ok();
    if let Some(found) = value.as_ref().and_then(|value| value["session"].as_u64())
        && found != SESSION_FORMAT as u64
    {
        return Err(SessionError::Version {
            path: name.to_string(),
            found: found.min(u32::MAX as u64) as u32,
        });
    }
    serde_json::from_str(line).map_err(|error| SessionError::NotASession {
        path: name.to_string(),
        reason: error.to_string(),
    })
}

fn parse_record(line: &str) -> Result<(Record, String), String> {
    let linked: Linked = serde_json::from_str(line).map_err(|error| error.to_string())?;
    let record = serde_json::from_value(serde_json::Value::Object(linked.record)).map_err(|error| error.to_string())?;
    Ok((record, linked.chain))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            session: SESSION_FORMAT,
            redscreen: "0.1.0".to_string(),
            scenario: "s".to_string(),
            scenario_source: "embedded".to_string(),
            scenario_hash: "00".to_string(),
            seed: 1,
            tick_seconds: 60,
            checkpoint_every: 60,
            rubric: Vec::new(),
            mode: "console".to_string(),
            branched_from: None,
        }
    }

    fn written(records: &[Record]) -> String {
        let header = header();
        let mut chain = Chain::start(&header);
        let mut text = header_line(&header) + "\n";
        for record in records {
            chain = chain.next(record);
            text += &(record_line(record, chain) + "\n");
        }
        text
    }

    fn records() -> Vec<Record> {
        vec![
            Record::Action {
                tick: 3,
                action: "reset admins".to_string(),
                accepted: true,
                reason: None,
            },
            Record::Checkpoint {
                tick: 60,
                state: "ab".to_string(),
            },
            Record::End {
                tick: 61,
                state: "cd".to_string(),
            },
        ]
    }

    #[test]
    fn a_written_session_reads_back() {
        let session = Session::parse(&written(&records()), "s").expect("reads");
        assert_eq!(session.records.len(), 3);
        assert!(session.ended());
        assert_eq!(session.last_tick(), 61);
    }

    #[test]
    fn an_edited_removed_or_moved_line_breaks_the_chain_at_its_line() {
        let text = written(&records());
        let lines: Vec<&str> = text.lines().collect();
        let broken_at = |text: String| match Session::parse(&text, "s") {
            Err(SessionError::ChainBroken { line, .. }) => line,
            other => panic!("expected a broken chain, got {other:?}"),
        };
        assert_eq!(broken_at(text.replace("\"tick\":60", "\"tick\":59")), 3);
        assert_eq!(broken_at(text.replace("reset admins", "reset account x")), 2);
        let removed = [lines[0], lines[1], lines[3]].join("\n") + "\n";
        assert_eq!(broken_at(removed), 3);
        let moved = [lines[0], lines[2], lines[1], lines[3]].join("\n") + "\n";
        assert_eq!(broken_at(moved), 2);
        assert_eq!(broken_at(text.replace("\"seed\":1", "\"seed\":2")), 2);
    }

    #[test]
    fn a_cut_last_line_is_left_out_and_older_formats_are_named() {
        let text = written(&records());
        let cut = &text[..text.len() - 10];
        let session = Session::parse(cut, "s").expect("a cut tail is not damage");
        assert!(session.cut_tail);
        assert_eq!(session.records.len(), 2);
        let old = text.replacen("\"session\":4", "\"session\":3", 1);
        let error = Session::parse(&old, "old.jsonl").expect_err("format 3 is refused");
        assert!(
            error
                .to_string()
                .contains("session format 3; this redscreen reads format 4")
        );
    }
}
