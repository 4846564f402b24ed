//! `rubric`: how the exercise is graded: objectives, correct findings, evidence to keep.

use serde::Deserialize;

/// How the exercise is graded.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    /// Weights add up to 100.
    pub objectives: Vec<Objective>,
    #[serde(default)]
    pub findings: Findings,
    #[serde(default)]
    pub key_evidence: Vec<KeyEvidence>,
}

/// One graded objective.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    pub name: String,
    pub weight: u32,
    pub goal: Goal,
}

/// What an objective measures.
#[derive(Debug, Clone, Deserialize)]
pub enum Goal {
    /// Machines kept from the wiper, against the no-response run of the same seed.
    SaveMachines,
    /// First correct detection within this time of the first compromise seen by telemetry.
    Detect { within: String },
    /// Spread stopped within this time of detection.
    Contain { within: String },
    /// The `key_evidence` collected before it was destroyed.
    PreserveEvidence,
    /// The submitted findings against `findings`.
    Findings,
    /// A contact notified by a local time.
    Notify { contact: String, by: String },
    /// Downtime of these services kept low.
    KeepServices(Vec<String>),
    /// No machine powered off, rebuilt or restored without cause.
    AvoidNeedlessDestruction,
    /// The data sets submitted as stolen against those that really left (format 3).
    ScopeTheft,
}

/// The correct answers for submitted findings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Findings {
    #[serde(default)]
    pub patient_zero: Vec<String>,
    /// ATT&CK technique ids of the spread.
    #[serde(default)]
    pub vector: Vec<String>,
    #[serde(default)]
    pub accounts: Vec<String>,
    /// File names, hashes, service names and C2 addresses from the threat section.
    #[serde(default)]
    pub indicators: Vec<String>,
}

/// Evidence the rubric wants preserved.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEvidence {
    pub host: String,
    pub artifact: Artifact,
    #[serde(default)]
    pub why: String,
}

/// A kind of evidence on a machine, by how volatile it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, serde::Serialize)]
pub enum Artifact {
    Memory,
    Disk,
    EventLogs,
    Flows,
}

impl Artifact {
    /// Every kind, by volatility.
    pub const ALL: [Artifact; 4] = [Artifact::Memory, Artifact::Disk, Artifact::EventLogs, Artifact::Flows];

    /// The kind in words, as the console and the case write it.
    pub fn label(self) -> &'static str {
        match self {
            Artifact::Memory => "memory",
            Artifact::Disk => "disk",
            Artifact::EventLogs => "logs",
            Artifact::Flows => "flows",
        }
    }

    /// The kind's number in checksums.
    pub fn code(self) -> u8 {
        match self {
            Artifact::Memory => 0,
            Artifact::Disk => 1,
            Artifact::EventLogs => 2,
            Artifact::Flows => 3,
        }
    }
}
