//! The company: offices with their subnets and machines, business services, accounts, and
//! the scopes that name sets of machines.

use serde::Deserialize;

use super::*;

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

/// A per-mille default of "always" (1000).
pub(super) fn always() -> u32 {
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
    /// Accounts the service runs under (format 3): resetting or disabling one breaks the
    /// service until it is reconfigured with the new password.
    #[serde(default)]
    pub run_as: Vec<String>,
    /// TCP ports the service needs (format 3): a block of one of them to its machines takes
    /// it down while the block stands.
    #[serde(default)]
    pub ports: Vec<u16>,
    /// How long the team's `reconfigure` of the service takes (format 3); `1h` by default.
    #[serde(default)]
    pub reconfigure_time: Option<String>,
    /// How long its owners take to fix it themselves once an account change broke it (format
    /// 3); by default they wait for the team's `reconfigure`.
    #[serde(default)]
    pub recovers_after: Option<String>,
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

/// A body of the company's data: where it lives, how much, how sensitive.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSet {
    pub name: String,
    #[serde(default)]
    pub title: String,
    /// The machines that hold it.
    #[serde(default)]
    pub on: Vec<Scope>,
    /// How much there is, such as `"35TB"` or `"400GB"`.
    pub size: String,
    #[serde(default)]
    pub sensitivity: Sensitivity,
}

/// How much harm the data does in the wrong hands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, serde::Serialize)]
pub enum Sensitivity {
    Internal,
    #[default]
    Confidential,
    /// Personal data, unreleased work, secrets: what a leak makes news of.
    Restricted,
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
