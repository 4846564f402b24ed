//! `activity`: the ordinary work of the company that leaves the same kinds of evidence as the
//! attack and trips the same sensors: people signing in and mistyping passwords, IT staff
//! administering servers, software updates, scheduled tasks, backups, web browsing, helpdesk
//! calls. Left out, the defaults apply (docs/scenario-format.md lists them).

use serde::Deserialize;

use super::Weekday;
use super::company::Role;

/// How much ordinary activity there is, and what the company's own software is.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    /// How often each kind of activity happens, per machine and hour; the defaults when left out.
    #[serde(default)]
    pub rules: Option<Vec<ActivityRule>>,
    /// The company's own software, which its deployment system installs and updates as
    /// services; the defaults when left out.
    #[serde(default)]
    pub software: Option<Vec<Software>>,
    /// Calls to the helpdesk about anything but the attack (printers, passwords, a slow PC),
    /// per member of staff and business hour, in per-mille.
    #[serde(default = "default_helpdesk")]
    pub helpdesk_calls_per_mille: u32,
    /// How far back the machines' logs and the collector already hold ordinary activity when
    /// the exercise starts.
    #[serde(default = "default_history")]
    pub history: String,
    /// Addresses on the internet that staff reach in their normal work (web browsing).
    #[serde(default)]
    pub web_addresses: Option<Vec<String>>,
}

impl Default for Activity {
    fn default() -> Self {
        Self {
            rules: None,
            software: None,
            helpdesk_calls_per_mille: default_helpdesk(),
            history: default_history(),
            web_addresses: None,
        }
    }
}

fn default_helpdesk() -> u32 {
    4
}

fn default_history() -> String {
    "1d".to_string()
}

/// How often one kind of activity happens on some machines.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityRule {
    pub kind: ActivityKind,
    /// The roles of machines it happens on; all the kind applies to when left out.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// The offices it happens in, by name; all when left out.
    #[serde(default)]
    pub offices: Vec<String>,
    /// Local hours of the machine's office, `HH:MM-HH:MM` (may run past midnight, such as
    /// `22:00-06:00`); the office's business hours when left out.
    #[serde(default)]
    pub hours: Option<String>,
    /// The days it happens on; every day when left out.
    #[serde(default)]
    pub days: Option<Vec<Weekday>>,
    /// Occurrences per machine per hour, in per-mille (1000: once an hour on every machine).
    pub per_mille: u32,
}

/// The kinds of ordinary activity, each leaving its own evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, serde::Serialize)]
pub enum ActivityKind {
    /// A user signs in at their workstation: a logon and their desktop's processes.
    SignIn,
    /// A user mistypes their password: failed logons on the workstation and its domain
    /// controller (which the log collector alerts on).
    MistypedPassword,
    /// An administrator manages a server from a management host: a network logon with an
    /// administrator account, the flow, the tools started.
    AdminSession,
    /// An administrator runs a remote administration tool, which installs a short-lived service
    /// (EDR and the log collector alert on it).
    RemoteAdminTool,
    /// The deployment system installs or updates the company's software: a new service and its
    /// file (the log collector alerts on the service).
    SoftwareUpdate,
    /// A scheduled task runs: a task registered and its process.
    ScheduledTask,
    /// The backup server copies a machine's data: a logon with the backup account and a large
    /// flow to the backup server.
    Backup,
    /// An administrator clears an event log during maintenance (the log collector alerts).
    LogMaintenance,
    /// A user browses the web: flows to addresses on the internet.
    WebBrowsing,
}

/// A program of the company's own, as its deployment system installs it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Software {
    /// The Windows service's name.
    pub service: String,
    /// The program's full path.
    pub image: String,
}
