//! `injects`: messages to the responder, timed or triggered by the state of the simulation.

use serde::Deserialize;

use super::*;

/// A message to the responder, at a time or when the simulation reaches a state.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inject {
    pub name: String,
    pub when: When,
    pub channel: Channel,
    pub from: String,
    pub subject: String,
    #[serde(default)]
    pub text: String,
}

/// When an inject fires.
#[derive(Debug, Clone, Deserialize)]
pub enum When {
    /// At a local time.
    At(String),
    /// When at least `per_mille` of the machines in `of` have reached `state`.
    Share {
        state: HostState,
        of: Scope,
        per_mille: u32,
    },
    /// When a business service goes down.
    ServiceDown(String),
    /// A delay after another inject.
    After { inject: String, delay: String },
    /// From a local time on, once at least `at_least` of a data set has been stolen (format
    /// 3): it publishes `share` (per-mille, all by default) of what was stolen by then.
    Leak {
        data: String,
        at: String,
        at_least: String,
        #[serde(default = "always")]
        share: u32,
    },
}

/// Ground-truth stage of a machine, for triggers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum HostState {
    Compromised,
    Armed,
    Defaced,
    Wiping,
    Wiped,
}

/// How a message reaches the responder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum Channel {
    Phone,
    Email,
    Chat,
    Press,
    Leak,
    Management,
}
