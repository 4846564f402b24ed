//! The scenario file as written by a trainer: plain serde structs, one per RON section.
//!
//! Nothing here is checked beyond its type. `resolve` turns these into the checked model;
//! `docs/scenario-format.md` documents every field, and a test keeps the two in step.

use serde::Deserialize;

/// A whole scenario file: `Scenario(format: 1, meta: (...), ...)`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename = "Scenario", deny_unknown_fields)]
pub struct ScenarioFile {
    /// Version of the file format; this build reads `1`.
    pub format: u32,
    pub meta: Meta,
    pub offices: Vec<Office>,
    #[serde(default)]
    pub services: Vec<Service>,
    #[serde(default)]
    pub accounts: Vec<Account>,
    #[serde(default)]
    pub network: Network,
    pub threat: Threat,
    pub screen: Screen,
    #[serde(default)]
    pub injects: Vec<Inject>,
    #[serde(default)]
    pub telemetry: Telemetry,
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

/// A site with its own time zone, subnets and machines.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Office {
    pub name: String,
    #[serde(default)]
    pub location: String,
    pub time_zone: String,
    /// Local opening hours, `HH:MM-HH:MM`; users report screens to the helpdesk only then.
    #[serde(default = "default_business_hours")]
    pub business_hours: String,
    #[serde(default = "default_work_days")]
    pub work_days: Vec<Weekday>,
    #[serde(default)]
    pub headcount: u32,
    /// Share of workstations, per-mille, left switched on outside business hours.
    #[serde(default = "always")]
    pub after_hours_on_per_mille: u32,
    pub subnets: Vec<Subnet>,
    pub hosts: Vec<HostGroup>,
}

fn always() -> u32 {
    1000
}

fn default_business_hours() -> String {
    "09:00-17:00".to_string()
}

fn default_work_days() -> Vec<Weekday> {
    use Weekday::*;
    vec![Mon, Tue, Wed, Thu, Fri]
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// One IPv4 network inside an office.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subnet {
    pub name: String,
    pub cidr: String,
    pub role: SubnetRole,
}

/// What a subnet is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum SubnetRole {
    Workstations,
    Servers,
    Management,
    Backup,
    Dmz,
}

/// One machine, or many alike: `name: "SPE-CC-WS-{n:04}", count: 2400`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostGroup {
    /// The host name, or a pattern with one `{n}` / `{n:04}` placeholder when `count` > 1.
    pub name: String,
    #[serde(default = "one")]
    pub count: u32,
    /// The number the placeholder starts from.
    #[serde(default = "one")]
    pub first: u32,
    /// A subnet of this office, by name.
    pub subnet: String,
    pub role: Role,
    #[serde(default)]
    pub os: Os,
    /// Business services these machines carry, by name.
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub sensors: Vec<Sensor>,
    /// Accounts whose credentials sit in these machines' memory, by name.
    #[serde(default)]
    pub cached_credentials: Vec<String>,
    #[serde(default)]
    pub backup: Backup,
}

fn one() -> u32 {
    1
}

/// What a machine does; drives who notices it and what breaks when it dies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
pub enum Role {
    Workstation,
    DomainController,
    FileServer,
    MailServer,
    WebServer,
    DatabaseServer,
    ApplicationServer,
    BackupServer,
    ProductionServer,
    PhoneServer,
    ManagementServer,
}

impl Role {
    /// Every role, in declaration order.
    pub const ALL: [Role; 11] = [
        Role::Workstation,
        Role::DomainController,
        Role::FileServer,
        Role::MailServer,
        Role::WebServer,
        Role::DatabaseServer,
        Role::ApplicationServer,
        Role::BackupServer,
        Role::ProductionServer,
        Role::PhoneServer,
        Role::ManagementServer,
    ];

    /// The role's name as the scenario format and the action language write it.
    pub fn name(self) -> &'static str {
        match self {
            Role::Workstation => "Workstation",
            Role::DomainController => "DomainController",
            Role::FileServer => "FileServer",
            Role::MailServer => "MailServer",
            Role::WebServer => "WebServer",
            Role::DatabaseServer => "DatabaseServer",
            Role::ApplicationServer => "ApplicationServer",
            Role::BackupServer => "BackupServer",
            Role::ProductionServer => "ProductionServer",
            Role::PhoneServer => "PhoneServer",
            Role::ManagementServer => "ManagementServer",
        }
    }

    /// The role's number in checksums (its position in `ALL`, fixed by this list).
    pub fn code(self) -> u8 {
        Role::ALL.iter().position(|&role| role == self).unwrap_or(0) as u8
    }
}

/// Operating system family; the wipers of these scenarios run on Windows only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
pub enum Os {
    #[default]
    Windows,
    Linux,
    MacOs,
    Appliance,
}

/// Telemetry a machine sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum Sensor {
    /// Endpoint detection and response: alerts, and can block indicators.
    Edr,
    /// Event logs forwarded to a collector, so they survive a wipe.
    LogForwarding,
}

/// How a machine can be restored.
#[derive(Debug, Clone, Default, Deserialize)]
pub enum Backup {
    #[default]
    None,
    /// Kept on a backup server on the network: lost if that server is wiped.
    Online { server: String, restore_time: String },
    /// Kept off the network (tape, vault): survives the attack, slower to bring back.
    Offline { restore_time: String },
}

/// A business service and how many of its machines it needs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub up_when: UpWhen,
    /// A way the company talks that dies with this service.
    #[serde(default)]
    pub channel: Option<Channel>,
}

/// When a service counts as available, from the machines that carry it.
#[derive(Debug, Clone, Default, Deserialize)]
pub enum UpWhen {
    /// At least one of its machines works.
    #[default]
    Any,
    /// Every one of its machines works.
    All,
    /// At least this many work.
    AtLeast(u32),
    /// At least this share, in per-mille (0..=1000), works.
    ShareAtLeast(u32),
}

/// A user, service or administrator account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub name: String,
    pub kind: AccountKind,
    #[serde(default)]
    pub password: Strength,
    /// Where this account has administrator rights.
    #[serde(default)]
    pub admin_on: Vec<Scope>,
}

/// The kind of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum AccountKind {
    User,
    Service,
    Admin,
    DomainAdmin,
}

/// How hard an account's password is to guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
pub enum Strength {
    Weak,
    #[default]
    Medium,
    Strong,
}

/// A set of machines, named by what contains them.
#[derive(Debug, Clone, Deserialize)]
pub enum Scope {
    All,
    Office(String),
    /// `"office/subnet"`.
    Subnet(String),
    Host(String),
    Role(Role),
}

/// Links between offices and the rules between subnets.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    #[serde(default)]
    pub links: Vec<Link>,
    /// What happens between two subnets when no rule matches.
    #[serde(default)]
    pub between_subnets: Policy,
    /// Checked in order; the first rule that matches decides.
    #[serde(default)]
    pub firewall: Vec<Rule>,
    /// Ports machines may use to reach the internet (and so the attacker's C2).
    #[serde(default = "default_egress_ports")]
    pub internet_egress_ports: Vec<u16>,
}

fn default_egress_ports() -> Vec<u16> {
    vec![80, 443]
}

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
pub enum Policy {
    #[default]
    Allow,
    Deny,
}

/// A WAN link between two offices.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub name: String,
    pub between: (String, String),
}

/// A firewall rule between two scopes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub from: Scope,
    pub to: Scope,
    /// TCP ports; omitted means every port.
    #[serde(default)]
    pub ports: Option<Vec<u16>>,
    pub action: Policy,
}

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

/// A file a tool drops, with its hashes when known.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolFile {
    pub name: String,
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

/// The warning page the wiper shows, and what a wiped machine shows after reboot.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Screen {
    pub headline: String,
    /// Paragraphs of the message.
    pub body: Vec<String>,
    #[serde(default)]
    pub deadline: Option<String>,
    #[serde(default)]
    pub links: Vec<String>,
    pub colours: Colours,
    #[serde(default)]
    pub image: Image,
    #[serde(default)]
    pub animation: Animation,
    /// A sound file beside the scenario, played when the page appears.
    #[serde(default)]
    pub sound: Option<String>,
    /// The text a wiped machine shows when it tries to boot.
    pub after_wipe: String,
}

/// Colours of the warning page, as `#rrggbb`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Colours {
    pub background: String,
    pub headline: String,
    pub text: String,
    pub accent: String,
}

/// The picture on the warning page.
#[derive(Debug, Clone, Default, Deserialize)]
pub enum Image {
    /// No picture.
    None,
    /// redscreen's own red skeleton, drawn from code.
    #[default]
    Skeleton,
    /// A PNG beside the scenario file; the path may not leave its folder.
    File(String),
}

/// How the page appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum Animation {
    #[default]
    Still,
    Flicker,
    Reveal,
}

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

/// How ground truth becomes what the responder sees.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Telemetry {
    /// From an event on a machine with EDR to its alert.
    #[serde(default = "default_edr_delay")]
    pub edr_alert_delay: String,
    /// From an event logged on a machine that forwards logs to the collector's alert.
    #[serde(default = "default_log_delay")]
    pub log_alert_delay: String,
    /// Share of users, per-mille, who phone the helpdesk when their screen changes.
    #[serde(default = "default_report_per_mille")]
    pub report_per_mille: u32,
    /// Longest time a user takes to phone, in business hours.
    #[serde(default = "default_report_delay")]
    pub report_delay: String,
}

impl Default for Telemetry {
    fn default() -> Self {
        Self {
            edr_alert_delay: default_edr_delay(),
            log_alert_delay: default_log_delay(),
            report_per_mille: default_report_per_mille(),
            report_delay: default_report_delay(),
        }
    }
}

fn default_edr_delay() -> String {
    "2m".to_string()
}

fn default_log_delay() -> String {
    "10m".to_string()
}

fn default_report_per_mille() -> u32 {
    300
}

fn default_report_delay() -> String {
    "15m".to_string()
}

/// The response team.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Responders {
    pub team_size: u32,
    /// The office whose clock their working hours follow.
    pub office: String,
    #[serde(default = "default_working_hours")]
    pub working_hours: String,
    /// Parties the team may notify (executives, legal, law enforcement...).
    #[serde(default)]
    pub contacts: Vec<String>,
}

fn default_working_hours() -> String {
    "00:00-24:00".to_string()
}

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum Artifact {
    Memory,
    Disk,
    EventLogs,
    Flows,
}

impl Artifact {
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
