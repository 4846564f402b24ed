//! The scenario file as written by a trainer: plain serde structs, one per RON section.
//!
//! Nothing here is checked beyond its type. `resolve` turns these into the checked model;
//! `docs/scenario-format.md` documents every field, and a test keeps the two in step. One file
//! per section of the format, in the order a scenario is written.

mod activity;
mod company;
mod injects;
mod network;
mod page;
mod responders;
mod rubric;
mod threat;

use serde::Deserialize;

pub use activity::*;
pub use company::*;
pub use injects::*;
pub use network::*;
pub use page::*;
pub use responders::*;
pub use rubric::*;
pub use threat::*;

/// A whole scenario file: `Scenario(format: 1, meta: (...), ...)`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename = "Scenario", deny_unknown_fields)]
pub struct ScenarioFile {
    /// Version of the file format; this build reads `3`, `2` and `1`.
    pub format: u32,
    pub meta: Meta,
    pub offices: Vec<Office>,
    #[serde(default)]
    pub services: Vec<Service>,
    #[serde(default)]
    pub accounts: Vec<Account>,
    /// The company's data worth stealing (format 3).
    #[serde(default)]
    pub data: Vec<DataSet>,
    #[serde(default)]
    pub network: Network,
    pub threat: Threat,
    pub screen: Screen,
    #[serde(default)]
    pub injects: Vec<Inject>,
    #[serde(default)]
    pub telemetry: Telemetry,
    /// Ordinary activity (format 2 on): the defaults when left out; none in format 1.
    #[serde(default)]
    pub activity: Option<Activity>,
    pub responders: Responders,
    pub rubric: Rubric,
}

/// What the exercise is and when it happens.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub briefing: String,
    /// Local time in `time_zone`, `YYYY-MM-DD HH:MM`.
    pub start: String,
    /// IANA name, such as `America/Los_Angeles`; every time in the file is read in it.
    pub time_zone: String,
    /// Simulated time per tick, such as `1m`.
    #[serde(default = "default_tick")]
    pub tick: String,
    /// Length of the exercise, such as `7d`.
    pub duration: String,
}

fn default_tick() -> String {
    "1m".to_string()
}

/// The shape of the format: every section with its fields and every choice with its values,
/// traced from the types above, keyed by the names the reference uses (`Scenario`, `Office`).
pub fn shape() -> Result<serde_reflection::Registry, String> {
    let mut tracer = serde_reflection::Tracer::new(serde_reflection::TracerConfig::default());
    let failed = |error: serde_reflection::Error| error.to_string();
    tracer.trace_simple_type::<ScenarioFile>().map_err(failed)?;
    // A choice is explored one value at a time only when traced on its own; a choice missing
    // here makes `registry` fail, which the docs test notices.
    macro_rules! trace_choices {
        ($($name:ident),*) => {$(
            tracer.trace_simple_type::<$name>().map_err(failed)?;
        )*};
    }
    trace_choices!(
        AccountKind,
        ActivityKind,
        Animation,
        Artifact,
        Backup,
        Channel,
        Goal,
        HostState,
        Image,
        Notice,
        Sensitivity,
        Os,
        Policy,
        Response,
        Role,
        Scope,
        Sensor,
        Strength,
        SubnetRole,
        ToolKind,
        UpWhen,
        Weekday,
        When
    );
    tracer.registry().map_err(failed)
}
