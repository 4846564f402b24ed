//! `threat`: the attacker: footholds, toolset, credentials, spread, trigger and C2.

use serde::Deserialize;

use super::*;

/// The attacker: who, where they start, what they carry and how the wiper behaves.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threat {
    pub actor: String,
    /// MITRE ATT&CK group id, such as `G0032`.
    #[serde(default)]
    pub group: Option<String>,
    pub footholds: Vec<Foothold>,
    pub tools: Vec<Tool>,
    /// Accounts whose passwords the attacker holds (hard-coded in the wiper or stolen).
    #[serde(default)]
    pub credentials: Vec<String>,
    /// Whether the implant harvests credentials cached on the machines it takes.
    #[serde(default = "yes")]
    pub harvests_cached_credentials: bool,
    pub spread: Spread,
    pub trigger: Trigger,
    /// How long overwriting a disk takes once the wiper fires.
    pub wipe_duration: String,
    #[serde(default)]
    pub c2: Vec<C2>,
    /// What the attacker notices of the response and what it does then (format 3).
    #[serde(default)]
    pub reactions: Vec<Reaction>,
    /// How often the implants on the footholds call their C2 servers, such as `"1h"` (format
    /// 3): the perimeter's flow records hold these calls from before the exercise.
    #[serde(default)]
    pub beacon: Option<String>,
    /// The data the attacker takes out, one stream each (format 3).
    #[serde(default)]
    pub exfiltration: Vec<Exfiltration>,
}

/// A stream of stolen data: from its staging machine to an outside address, at a daily rate,
/// from some time before the exercise until it is all out or the team cuts the way.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exfiltration {
    /// The data set it takes.
    pub data: String,
    /// The machine that stages the archives and sends them (a foothold).
    pub through: String,
    /// The outside address it sends to.
    pub to: String,
    #[serde(default = "https")]
    pub port: u16,
    /// How long before the exercise it began, such as `"28d"`.
    #[serde(default)]
    pub since: Option<String>,
    /// How much a day, such as `"600GB"`.
    pub per_day: String,
}

fn https() -> u16 {
    443
}

fn yes() -> bool {
    true
}

/// Where the attacker already is when the exercise starts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Foothold {
    pub host: String,
    /// ATT&CK technique of the initial access, such as `T1566.001`.
    pub technique: String,
    /// How long the attacker has been inside before the exercise starts.
    #[serde(default)]
    pub dwell: Option<String>,
    /// The machine the attacker reached this one from, when it was not the first: its logs
    /// show the logon from there.
    #[serde(default)]
    pub from: Option<String>,
    /// The account the attacker used to get in (with `from`).
    #[serde(default)]
    pub account: Option<String>,
    /// The tools it left running here, by name (format 3): its ways back in. By default the
    /// worm, the implants and the backdoors, as on a machine the worm takes.
    #[serde(default)]
    pub tools: Vec<String>,
}

/// One program of the attacker's toolset.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    pub kind: ToolKind,
    #[serde(default)]
    pub files: Vec<ToolFile>,
    /// Windows services it installs, by display name.
    #[serde(default)]
    pub services: Vec<String>,
    /// TCP ports it listens on.
    #[serde(default)]
    pub listen_ports: Vec<u16>,
    /// ATT&CK technique ids it carries out.
    #[serde(default)]
    pub techniques: Vec<String>,
}

/// What a tool does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum ToolKind {
    Worm,
    Implant,
    Backdoor,
    Proxy,
    Wiper,
    Cleaner,
    WebServer,
    Driver,
    /// Turns off defences, such as an anti-virus killer.
    Evasion,
}

impl ToolKind {
    /// Whether the tool lets the attacker back into a machine it runs on.
    pub fn is_door(self) -> bool {
        matches!(self, ToolKind::Implant | ToolKind::Backdoor | ToolKind::Proxy)
    }
}

impl Notice {
    /// The notice in words, for people.
    pub fn label(self) -> &'static str {
        match self {
            Notice::AccountReset => "an account it held was reset",
            Notice::AccessCut => "a machine it controlled was cut off",
            Notice::C2Blocked => "a C2 address was blocked",
        }
    }
}

/// A file a tool drops, with its hashes when known.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolFile {
    pub name: String,
    /// Where the tool writes it, a full Windows path; `C:\Windows\System32\` and the name
    /// when left out.
    #[serde(default)]
    pub path: Option<String>,
    /// Its size in bytes; a size made from the name when left out.
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub md5: Option<String>,
    #[serde(default)]
    pub sha256: Option<String>,
}

/// How the worm moves.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spread {
    /// Targets each compromised machine tries per tick.
    pub scan_rate: u32,
    /// Ports an attempt needs open on the target.
    #[serde(default = "default_spread_ports")]
    pub ports: Vec<u16>,
    /// Odds, per-mille, that guessing a password wins admin rights when no credential does.
    #[serde(default)]
    pub guess_per_mille: u32,
    /// Time to copy and start the toolset on a new victim.
    pub copy_delay: String,
    /// When the worm starts spreading (a local time); the start of the exercise by default.
    #[serde(default)]
    pub starts: Option<String>,
    /// Share of machines, per-mille, on the target list the worm carries.
    #[serde(default = "always")]
    pub targets_per_mille: u32,
}

fn default_spread_ports() -> Vec<u16> {
    vec![445]
}

/// When the wiper fires: at a set time, a delay after install, or the later of both.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    #[serde(default)]
    pub time_bomb: Option<String>,
    #[serde(default)]
    pub delay_after_install: Option<String>,
}

/// A command-and-control address.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct C2 {
    pub address: String,
    pub port: u16,
}

/// One thing the attacker may notice, and what it does then.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reaction {
    pub notices: Notice,
    /// Odds, per-mille, that it notices each time (every time by default).
    #[serde(default = "always")]
    pub per_mille: u32,
    /// How long after the team's change it acts.
    #[serde(default)]
    pub delay: Option<String>,
    pub does: Response,
}

/// A change the response makes that touches the attacker's access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
pub enum Notice {
    /// An account whose password it holds is reset or disabled.
    AccountReset,
    /// A machine it controls is isolated, switched off, cleaned of its tools, restored or
    /// rebuilt.
    AccessCut,
    /// One of its C2 addresses is blocked at the perimeter.
    C2Blocked,
}

/// What the attacker does once it noticed, through a machine it still controls.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
pub enum Response {
    /// Takes the new passwords of reset accounts from the memory of the machines it controls,
    /// when their administrators log on there.
    Reharvest,
    /// Takes a new machine with an administrator account it holds, and leaves its tools there.
    Reenter,
    /// Sets the wiper off now: the worm goes out and the time bomb comes forward by as much.
    Detonate,
    /// Lies low for a while (such as `"12h"`): it makes no move and notices nothing.
    GoQuiet(String),
}
