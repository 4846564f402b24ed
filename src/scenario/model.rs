//! The checked scenario: every name resolved to a typed id, every time to a tick.
//! This is what the simulation, scoring and the interfaces read; it never needs re-checking.

use smol_str::SmolStr;
use std::net::Ipv4Addr;
use std::ops::Range;
use std::path::PathBuf;

pub use super::file::{
    AccountKind, ActivityKind, Animation, Artifact, Channel, HostState, Notice, Os, Policy, Role, Sensitivity, Sensor,
    Software, Strength, SubnetRole, ToolKind, UpWhen, Weekday,
};
pub use super::values::{Cidr, ClockRange, NamePattern, Rgb};

macro_rules! typed_id {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            /// Position in the scenario's list of these.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

typed_id!(
    /// An office, in file order.
    OfficeId,
    /// A subnet, in file order across all offices.
    SubnetId,
    /// A host group (one entry of an office's `hosts`), in file order.
    GroupId,
    /// A machine, in file order after templates are expanded.
    HostId,
    /// An account, in file order.
    AccountId,
    /// A business service, in file order.
    ServiceId,
    /// A tool of the threat's toolset, in file order.
    ToolId,
    /// A WAN link, in file order.
    LinkId,
    /// An inject, in file order.
    InjectId,
    /// A party the responders may notify, in file order.
    ContactId,
    /// A data set, in file order.
    DataId,
);

/// One step of simulated time, counted from the start of the exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize)]
#[serde(transparent)]
pub struct Tick(pub u32);

/// At most this many tools in a threat, and accounts in a scenario: the evidence names them in
/// one and two bytes (a piece of evidence takes 16 bytes; a large outbreak leaves millions).
pub const MAX_TOOLS: usize = u8::MAX as usize;
pub const MAX_ACCOUNTS: usize = u16::MAX as usize;

/// A checked scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub format: u32,
    pub meta: Meta,
    pub offices: Vec<Office>,
    pub subnets: Vec<Subnet>,
    pub host_groups: Vec<HostGroup>,
    pub hosts: Vec<Host>,
    pub services: Vec<Service>,
    pub accounts: Vec<Account>,
    pub data: Vec<DataSet>,
    pub network: Network,
    pub threat: Threat,
    pub screen: Screen,
    pub injects: Vec<Inject>,
    pub telemetry: Telemetry,
    pub activity: Activity,
    pub responders: Responders,
    pub rubric: Rubric,
    /// FNV-1a hash of the scenario's text: sessions name the exact scenario they ran.
    pub content_hash: u64,
    /// Host ids sorted by name, for lookups by name.
    pub(super) hosts_by_name: Vec<HostId>,
    /// Machines by address, sorted, built the first time an address is looked up (the
    /// simulation never does; reading the evidence does, for every flow).
    pub(super) hosts_by_address: std::sync::OnceLock<Vec<(u32, HostId)>>,
}

impl Scenario {
    /// The machine with this exact name.
    pub fn host_named(&self, name: &str) -> Option<HostId> {
        let position = self
            .hosts_by_name
            .binary_search_by(|id| self.hosts[id.index()].name.as_str().cmp(name))
            .ok()?;
        Some(self.hosts_by_name[position])
    }

    /// The machine with this address, if it is one of the company's.
    pub fn host_with_address(&self, address: Ipv4Addr) -> Option<HostId> {
        let index = self.hosts_by_address.get_or_init(|| {
            let mut index: Vec<(u32, HostId)> = (0..self.hosts.len() as u32)
                .map(|id| (u32::from(self.hosts[id as usize].address), HostId(id)))
                .collect();
            index.sort_unstable();
            index
        });
        let wanted = u32::from(address);
        let position = index.partition_point(|&(known, _)| known < wanted);
        index
            .get(position)
            .filter(|&&(known, _)| known == wanted)
            .map(|&(_, host)| host)
    }

    /// The group a machine was declared in, which holds what it shares with its siblings.
    pub fn group_of(&self, host: HostId) -> &HostGroup {
        &self.host_groups[self.hosts[host.index()].group.index()]
    }

    /// The local time of a tick in the scenario's time zone.
    pub fn time_of(&self, tick: Tick) -> jiff::ZonedDateTime {
        self.meta.time_of(tick)
    }

    /// The time of a tick on an office's clocks.
    pub fn local_time(&self, office: OfficeId, tick: Tick) -> jiff::ZonedDateTime {
        self.time_of(tick)
            .with_time_zone(self.offices[office.index()].time_zone.clone())
    }

    /// The tick of a local time (`YYYY-MM-DD HH:MM`, or `HH:MM` on the first day, in the
    /// scenario's time zone) or of a tick number, inside the exercise.
    pub fn tick_at(&self, text: &str) -> Result<Tick, String> {
        let tick = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            text.parse::<u32>().map_err(|_| format!("tick `{text}` is too large"))?
        } else {
            // A bare `HH:MM` means that time on the exercise's first day (or the day after,
            // when the exercise starts later in the day).
            let text = match super::values::parse_clock(text) {
                Ok((hour, minute)) if hour < 24 => {
                    let start = self.meta.start.datetime();
                    let day = if (hour, minute) < (start.hour() as u8, start.minute() as u8) {
                        start.date().tomorrow().unwrap_or(start.date())
                    } else {
                        start.date()
                    };
                    format!("{day} {hour:02}:{minute:02}")
                }
                _ => text.to_string(),
            };
            let local = super::values::parse_local_time(&text)?;
            let zoned = local
                .to_zoned_datetime(self.meta.start.time_zone().clone())
                .map_err(|error| error.to_string())?;
            let seconds = zoned.timestamp().as_second() - self.meta.start.timestamp().as_second();
            if seconds < 0 {
                return Err(format!("{text} is before the exercise starts"));
            }
            (seconds / self.meta.tick_seconds as i64).min(u32::MAX as i64) as u32
        };
        if tick > self.meta.duration_ticks {
            return Err(format!(
                "{text} is after the exercise ends (tick {})",
                self.meta.duration_ticks
            ));
        }
        Ok(Tick(tick))
    }

    /// The machines of a scope, in id order.
    pub fn hosts_in(&self, scope: &Scope) -> Vec<HostId> {
        match *scope {
            Scope::Host(host) => vec![host],
            _ => (0..self.hosts.len() as u32)
                .map(HostId)
                .filter(|host| self.contains(scope, *host))
                .collect(),
        }
    }

    /// Whether a machine lies inside a scope.
    pub fn contains(&self, scope: &Scope, host: HostId) -> bool {
        let machine = &self.hosts[host.index()];
        match *scope {
            Scope::All => true,
            Scope::Office(office) => machine.office == office,
            Scope::Subnet(subnet) => machine.subnet == subnet,
            Scope::Host(id) => id == host,
            Scope::Role(role) => machine.role == role,
        }
    }
}

/// What the exercise is and when it happens.
#[derive(Debug, Clone)]
pub struct Meta {
    pub id: String,
    pub title: String,
    pub briefing: String,
    pub start: jiff::ZonedDateTime,
    pub tick_seconds: u32,
    /// Length of the exercise in ticks.
    pub duration_ticks: u32,
}

impl Meta {
    /// The local time of a tick.
    pub fn time_of(&self, tick: Tick) -> jiff::ZonedDateTime {
        let offset = jiff::SignedDuration::from_secs(tick.0 as i64 * self.tick_seconds as i64);
        self.start.checked_add(offset).unwrap_or_else(|_| self.start.clone())
    }

    /// The last tick of the exercise.
    pub fn end(&self) -> Tick {
        Tick(self.duration_ticks)
    }
}

/// A site.
#[derive(Debug, Clone)]
pub struct Office {
    pub name: String,
    pub location: String,
    pub time_zone: jiff::tz::TimeZone,
    pub business_hours: ClockRange,
    pub work_days: Vec<Weekday>,
    pub headcount: u32,
    pub after_hours_on_per_mille: u32,
    pub subnets: Vec<SubnetId>,
}

/// One IPv4 network of an office.
#[derive(Debug, Clone)]
pub struct Subnet {
    /// The name within its office.
    pub name: String,
    pub office: OfficeId,
    pub cidr: Cidr,
    pub role: SubnetRole,
    pub host_count: u32,
}

/// What the machines of one `hosts` entry share.
#[derive(Debug, Clone)]
pub struct HostGroup {
    pub pattern: NamePattern,
    pub office: OfficeId,
    pub subnet: SubnetId,
    pub role: Role,
    pub os: Os,
    pub services: Vec<ServiceId>,
    pub sensors: Vec<Sensor>,
    pub cached_credentials: Vec<AccountId>,
    pub backup: Backup,
    pub hosts: Range<u32>,
}

/// How a machine can be restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backup {
    None,
    Online { server: HostId, restore_ticks: u32 },
    Offline { restore_ticks: u32 },
}

/// One machine.
#[derive(Debug, Clone)]
pub struct Host {
    /// Kept inline up to 23 bytes: a large company's million names cost no allocation each.
    pub name: SmolStr,
    pub group: GroupId,
    pub office: OfficeId,
    pub subnet: SubnetId,
    pub role: Role,
    pub address: Ipv4Addr,
}

/// A business service.
#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    pub title: String,
    pub up_when: UpWhen,
    pub channel: Option<Channel>,
    /// Accounts it runs under: a reset or disable of one breaks it until reconfigured.
    pub run_as: Vec<AccountId>,
    /// Ports it needs: a block of one of them to its machines takes it down.
    pub ports: Vec<u16>,
    pub reconfigure_ticks: u32,
    /// When set, its owners fix it themselves this long after an account change broke it.
    pub recovers_after_ticks: Option<u32>,
}

/// An account.
#[derive(Debug, Clone)]
pub struct Account {
    pub name: String,
    pub kind: AccountKind,
    pub password: Strength,
    pub admin_on: Vec<Scope>,
}

/// A body of the company's data.
#[derive(Debug, Clone)]
pub struct DataSet {
    pub name: String,
    pub title: String,
    pub on: Vec<Scope>,
    pub size_bytes: u64,
    pub sensitivity: Sensitivity,
}

/// A stream of stolen data, from its staging machine to an outside address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exfiltration {
    pub data: DataId,
    pub through: HostId,
    pub to: Ipv4Addr,
    pub port: u16,
    /// How long before the exercise it began.
    pub since_seconds: u64,
    pub bytes_per_day: u64,
}

/// A set of machines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Office(OfficeId),
    Subnet(SubnetId),
    Host(HostId),
    Role(Role),
}

impl Scope {
    /// Adds the scope to a checksum as a tag and an id (an explicit, stable encoding).
    pub fn hash_into(&self, hash: &mut crate::checksum::Fnv1a) {
        let (tag, id) = match *self {
            Scope::All => (0u8, 0),
            Scope::Office(office) => (1, office.0),
            Scope::Subnet(subnet) => (2, subnet.0),
            Scope::Host(host) => (3, host.0),
            Scope::Role(role) => (4, role.code() as u32),
        };
        hash.write(&[tag]);
        hash.write_u32(id);
    }
}

/// Links and firewall rules.
#[derive(Debug, Clone)]
pub struct Network {
    pub links: Vec<Link>,
    pub between_subnets: Policy,
    pub firewall: Vec<Rule>,
    pub internet_egress_ports: Vec<u16>,
}

/// A WAN link between two offices.
#[derive(Debug, Clone)]
pub struct Link {
    pub name: String,
    pub ends: [OfficeId; 2],
}

/// A firewall rule; `ports: None` means every port.
#[derive(Debug, Clone)]
pub struct Rule {
    pub from: Scope,
    pub to: Scope,
    pub ports: Option<Vec<u16>>,
    pub action: Policy,
}

/// The attacker.
#[derive(Debug, Clone)]
pub struct Threat {
    pub actor: String,
    pub group: Option<String>,
    pub footholds: Vec<Foothold>,
    pub tools: Vec<Tool>,
    pub credentials: Vec<AccountId>,
    pub harvests_cached_credentials: bool,
    pub spread: Spread,
    pub trigger: Trigger,
    pub wipe_duration_ticks: u32,
    pub c2: Vec<(Ipv4Addr, u16)>,
    pub reactions: Vec<Reaction>,
    /// How often the footholds' implants call their C2, when the scenario says.
    pub beacon_seconds: Option<u64>,
    pub exfiltration: Vec<Exfiltration>,
}

impl Threat {
    /// The tools one of whose files a name or a hash names (any case).
    pub fn tools_named<'a>(&'a self, text: &'a str) -> impl Iterator<Item = ToolId> + 'a {
        self.tools
            .iter()
            .enumerate()
            .filter(move |(_, tool)| {
                tool.files.iter().any(|file| {
                    [&file.name, &file.md5, &file.sha256]
                        .iter()
                        .any(|known| known.eq_ignore_ascii_case(text))
                })
            })
            .map(|(index, _)| ToolId(index as u32))
    }

    /// The tools a machine runs once the attacker holds it, that let it back in (implants,
    /// backdoors, proxies): a foothold's own list, or the kit the worm leaves.
    pub fn doors_on(&self, host: HostId) -> impl Iterator<Item = ToolId> + '_ {
        let foothold = self.footholds.iter().find(|foothold| foothold.host == host);
        let named = foothold.filter(|foothold| !foothold.tools.is_empty());
        self.tools
            .iter()
            .enumerate()
            .filter(move |(index, tool)| match named {
                Some(foothold) => foothold.tools.contains(&ToolId(*index as u32)) && tool.kind.is_door(),
                None => matches!(tool.kind, ToolKind::Implant | ToolKind::Backdoor),
            })
            .map(|(index, _)| ToolId(index as u32))
    }
}

/// Something the attacker notices, and what it does then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reaction {
    pub notices: Notice,
    pub per_mille: u32,
    pub delay_ticks: u32,
    pub does: Response,
}

/// The attacker's move once it noticed (`file::Response`, with its time in ticks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Response {
    Reharvest,
    Reenter,
    Detonate,
    GoQuiet { ticks: u32 },
}

impl Response {
    /// The response in a word or two, for people.
    pub fn label(self) -> &'static str {
        match self {
            Response::Reharvest => "re-harvest credentials",
            Response::Reenter => "re-enter",
            Response::Detonate => "detonate early",
            Response::GoQuiet { .. } => "go quiet",
        }
    }
}

/// A machine the attacker holds when the exercise starts.
#[derive(Debug, Clone)]
pub struct Foothold {
    pub host: HostId,
    pub technique: String,
    pub dwell_seconds: Option<u64>,
    /// The machine the attacker came from, and the account it used, when the scenario says.
    pub from: Option<HostId>,
    pub account: Option<AccountId>,
    /// The tools left running here (empty: the kit the worm leaves).
    pub tools: Vec<ToolId>,
}

/// A tool of the toolset.
#[derive(Debug, Clone)]
pub struct Tool {
    pub name: String,
    pub kind: ToolKind,
    pub files: Vec<ToolFile>,
    pub services: Vec<String>,
    pub listen_ports: Vec<u16>,
    pub techniques: Vec<String>,
}

/// A dropped file: where it goes, its size, and its hashes in lower-case hex (the scenario's,
/// or made from the tool's and the file's names when it gives none).
#[derive(Debug, Clone)]
pub struct ToolFile {
    pub name: String,
    pub path: String,
    pub size: u64,
    pub md5: String,
    pub sha256: String,
}

/// How the worm moves.
#[derive(Debug, Clone)]
pub struct Spread {
    pub scan_rate: u32,
    pub ports: Vec<u16>,
    pub guess_per_mille: u32,
    pub copy_delay_ticks: u32,
    pub starts: Tick,
    pub targets_per_mille: u32,
}

/// When the wiper fires: the later of the time bomb and install plus delay, when both are set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    pub time_bomb: Option<Tick>,
    pub delay_after_install_ticks: Option<u32>,
}

/// The warning page and the wiped machine's boot screen.
#[derive(Debug, Clone)]
pub struct Screen {
    pub headline: String,
    pub body: Vec<String>,
    pub deadline: Option<String>,
    pub links: Vec<String>,
    pub colours: Colours,
    pub image: Image,
    pub animation: Animation,
    pub sound: Option<PathBuf>,
    pub after_wipe: String,
}

/// Colours of the warning page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colours {
    pub background: Rgb,
    pub headline: Rgb,
    pub text: Rgb,
    pub accent: Rgb,
}

/// The picture on the warning page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Image {
    None,
    Skeleton,
    /// An image file inside the scenario's folder.
    File(PathBuf),
}

/// A message to the responder.
#[derive(Debug, Clone)]
pub struct Inject {
    pub name: String,
    pub when: When,
    pub channel: Channel,
    pub from: String,
    pub subject: String,
    pub text: String,
}

/// When an inject fires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    At(Tick),
    Share {
        state: HostState,
        of: Scope,
        per_mille: u32,
    },
    ServiceDown(ServiceId),
    After {
        inject: InjectId,
        delay_ticks: u32,
    },
    Leak {
        data: DataId,
        at: Tick,
        at_least_bytes: u64,
        share_per_mille: u32,
    },
}

/// How ground truth becomes observations, in ticks and per-mille.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Telemetry {
    pub edr_alert_delay_ticks: u32,
    pub log_alert_delay_ticks: u32,
    pub report_per_mille: u32,
    pub report_delay_ticks: u32,
    /// How far back the perimeter keeps flow records.
    pub flow_retention_seconds: u64,
}

/// Ordinary activity: how often each kind happens where, the company's own software, the
/// helpdesk's other calls, and how far back logs already hold it. Empty (no activity) for a
/// format-1 scenario.
#[derive(Debug, Clone, Default)]
pub struct Activity {
    pub rules: Vec<ActivityRule>,
    pub software: Vec<Software>,
    /// Calls per member of staff and business hour, per-mille.
    pub helpdesk_calls_per_mille: u32,
    pub history_seconds: u32,
    pub web_addresses: Vec<Ipv4Addr>,
}

/// How often one kind of activity happens, on which machines and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRule {
    pub kind: ActivityKind,
    /// Never empty once resolved.
    pub roles: Vec<Role>,
    /// Empty: every office.
    pub offices: Vec<OfficeId>,
    /// `None`: the office's business hours.
    pub hours: Option<ClockRange>,
    /// `None`: every day.
    pub days: Option<Vec<Weekday>>,
    pub per_mille: u32,
}

/// The response team.
#[derive(Debug, Clone)]
pub struct Responders {
    pub team_size: u32,
    pub office: OfficeId,
    pub working_hours: ClockRange,
    pub contacts: Vec<String>,
}

/// How the exercise is graded.
#[derive(Debug, Clone)]
pub struct Rubric {
    pub objectives: Vec<Objective>,
    pub findings: Findings,
    pub key_evidence: Vec<KeyEvidence>,
}

/// A graded objective.
#[derive(Debug, Clone)]
pub struct Objective {
    pub name: String,
    pub weight: u32,
    pub goal: Goal,
}

/// What an objective measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Goal {
    SaveMachines,
    Detect { within_ticks: u32 },
    Contain { within_ticks: u32 },
    PreserveEvidence,
    Findings,
    Notify { contact: ContactId, by: Tick },
    KeepServices(Vec<ServiceId>),
    AvoidNeedlessDestruction,
    ScopeTheft,
}

/// The correct findings.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    pub patient_zero: Vec<HostId>,
    pub vector: Vec<String>,
    pub accounts: Vec<AccountId>,
    pub indicators: Vec<String>,
}

/// Evidence to preserve.
#[derive(Debug, Clone)]
pub struct KeyEvidence {
    pub host: HostId,
    pub artifact: Artifact,
    pub why: String,
}
