//! The responder's actions as typed values, with every name resolved to an id. One
//! representation serves the console, playbooks, sessions and the GUI.

use std::fmt;

use crate::checksum::Fnv1a;

use std::net::Ipv4Addr;

use crate::scenario::model::{AccountId, ContactId, DataId, HostId, LinkId, Scenario, Scope, ServiceId, Tick};

/// Something the response team can do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Cut machines off the network: they can neither be reached nor spread.
    Isolate(Scope),
    /// Put isolated machines back on the network.
    Reconnect(Scope),
    CutLink(LinkId),
    RestoreLink(LinkId),
    /// A firewall rule, checked before the scenario's own.
    Block {
        port: u16,
        from: Scope,
        to: Scope,
    },
    Unblock {
        port: u16,
        from: Scope,
        to: Scope,
    },
    /// Blocks an outside address at the perimeter: no machine talks to it any more.
    BlockAddress(Ipv4Addr),
    UnblockAddress(Ipv4Addr),
    DisableAccount(AccountId),
    ResetAccount(AccountId),
    /// Gives a service the new password of the accounts it runs under, so it runs again.
    Reconfigure(ServiceId),
    /// Stops a program on a machine and removes it with its persistence (file, service).
    Kill {
        program: String,
        host: HostId,
    },
    /// Resets every account with administrator rights.
    ResetAdmins,
    /// Pushes an indicator (file name or hash) to the machines with EDR, which then stop it.
    DeployBlock(String),
    PowerOff(HostId),
    CaptureMemory(HostId),
    CollectLogs(HostId),
    /// Reads the perimeter's flow records with an outside address, from every machine.
    CollectFlows(Ipv4Addr),
    ImageDisk(HostId),
    RestoreFromBackup(HostId),
    Rebuild(HostId),
    Notify(ContactId),
    DeclareIncident,
    Submit(Finding),
}

/// A finding the responder submits for grading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    PatientZero(HostId),
    /// An ATT&CK technique of the spread.
    Vector(String),
    Account(AccountId),
    /// A file name, hash, service name or C2 address.
    Indicator(String),
    /// A data set that left the company.
    Stolen(DataId),
}

impl Action {
    /// The single machine the action names, if it names one (the window links it).
    pub fn hosts(&self) -> Vec<HostId> {
        match self {
            Action::Isolate(Scope::Host(host)) | Action::Reconnect(Scope::Host(host)) => vec![*host],
            Action::PowerOff(host)
            | Action::CaptureMemory(host)
            | Action::CollectLogs(host)
            | Action::ImageDisk(host)
            | Action::RestoreFromBackup(host)
            | Action::Rebuild(host)
            | Action::Kill { host, .. }
            | Action::Submit(Finding::PatientZero(host)) => vec![*host],
            _ => Vec::new(),
        }
    }

    /// Whether the action acts on a machine, directly or through a scope holding it.
    pub fn concerns(&self, scenario: &Scenario, host: HostId) -> bool {
        match self {
            Action::Isolate(scope) | Action::Reconnect(scope) => scenario.contains(scope, host),
            _ => self.hosts().contains(&host),
        }
    }

    /// How long the action keeps a responder busy, in ticks (0: no responder needed).
    pub fn duration_ticks(&self, scenario: &Scenario) -> u32 {
        let minutes = |minutes: u32| (minutes * 60).div_ceil(scenario.meta.tick_seconds).max(1);
        match self {
            Action::Isolate(Scope::Host(_)) | Action::Reconnect(Scope::Host(_)) => minutes(5),
            Action::Isolate(Scope::Subnet(_)) | Action::Reconnect(Scope::Subnet(_)) => minutes(10),
            Action::Isolate(_) | Action::Reconnect(_) => minutes(15),
            Action::CutLink(_) | Action::RestoreLink(_) => minutes(5),
            Action::Block { .. } | Action::Unblock { .. } => minutes(10),
            Action::BlockAddress(_) | Action::UnblockAddress(_) => minutes(10),
            Action::Reconfigure(service) => scenario.services[service.index()].reconfigure_ticks.max(1),
            Action::Kill { .. } => minutes(15),
            Action::DisableAccount(_) | Action::ResetAccount(_) => minutes(5),
            Action::ResetAdmins => minutes(30),
            Action::DeployBlock(_) => minutes(20),
            Action::PowerOff(_) => minutes(2),
            Action::CaptureMemory(_) => minutes(30),
            Action::CollectLogs(_) | Action::CollectFlows(_) => minutes(20),
            Action::ImageDisk(_) => minutes(120),
            Action::RestoreFromBackup(host) => match &scenario.group_of(*host).backup {
                crate::scenario::model::Backup::Online { restore_ticks, .. }
                | crate::scenario::model::Backup::Offline { restore_ticks } => (*restore_ticks).max(1),
                crate::scenario::model::Backup::None => minutes(5),
            },
            Action::Rebuild(_) => minutes(8 * 60),
            Action::Notify(_) | Action::DeclareIncident => minutes(5),
            Action::Submit(_) => 0,
        }
    }

    /// Adds the action to a checksum: a tag per kind of action and its ids, in an explicit
    /// encoding (free text with its length first).
    pub fn hash_into(&self, hash: &mut Fnv1a) {
        let text = |hash: &mut Fnv1a, text: &str| {
            hash.write_u32(text.len() as u32);
            hash.write(text.as_bytes());
        };
        match self {
            Action::Isolate(scope) => {
                hash.write(&[1]);
                scope.hash_into(hash);
            }
            Action::Reconnect(scope) => {
                hash.write(&[2]);
                scope.hash_into(hash);
            }
            Action::CutLink(link) => {
                hash.write(&[3]);
                hash.write_u32(link.0);
            }
            Action::RestoreLink(link) => {
                hash.write(&[4]);
                hash.write_u32(link.0);
            }
            Action::Block { port, from, to } | Action::Unblock { port, from, to } => {
                hash.write(&[if matches!(self, Action::Block { .. }) { 5 } else { 6 }]);
                hash.write(&port.to_le_bytes());
                from.hash_into(hash);
                to.hash_into(hash);
            }
            Action::DisableAccount(account) => {
                hash.write(&[7]);
                hash.write_u32(account.0);
            }
            Action::ResetAccount(account) => {
                hash.write(&[8]);
                hash.write_u32(account.0);
            }
            Action::ResetAdmins => hash.write(&[9]),
            Action::DeployBlock(indicator) => {
                hash.write(&[10]);
                text(hash, indicator);
            }
            Action::PowerOff(host)
            | Action::CaptureMemory(host)
            | Action::CollectLogs(host)
            | Action::ImageDisk(host)
            | Action::RestoreFromBackup(host)
            | Action::Rebuild(host) => {
                let tag = match self {
                    Action::PowerOff(_) => 11,
                    Action::CaptureMemory(_) => 12,
                    Action::CollectLogs(_) => 13,
                    Action::ImageDisk(_) => 14,
                    Action::RestoreFromBackup(_) => 15,
                    _ => 16,
                };
                hash.write(&[tag]);
                hash.write_u32(host.0);
            }
            Action::Notify(contact) => {
                hash.write(&[17]);
                hash.write_u32(contact.0);
            }
            Action::DeclareIncident => hash.write(&[18]),
            Action::BlockAddress(address) | Action::UnblockAddress(address) => {
                hash.write(&[if matches!(self, Action::BlockAddress(_)) {
                    20
                } else {
                    21
                }]);
                hash.write(&address.octets());
            }
            Action::Reconfigure(service) => {
                hash.write(&[22]);
                hash.write_u32(service.0);
            }
            Action::Kill { program, host } => {
                hash.write(&[23]);
                text(hash, program);
                hash.write_u32(host.0);
            }
            Action::CollectFlows(address) => {
                hash.write(&[24]);
                hash.write(&address.octets());
            }
            Action::Submit(finding) => {
                hash.write(&[19]);
                match finding {
                    Finding::PatientZero(host) => {
                        hash.write(&[0]);
                        hash.write_u32(host.0);
                    }
                    Finding::Vector(technique) => {
                        hash.write(&[1]);
                        text(hash, technique);
                    }
                    Finding::Account(account) => {
                        hash.write(&[2]);
                        hash.write_u32(account.0);
                    }
                    Finding::Indicator(indicator) => {
                        hash.write(&[3]);
                        text(hash, indicator);
                    }
                    Finding::Stolen(data) => {
                        hash.write(&[4]);
                        hash.write_u32(data.0);
                    }
                }
            }
        }
    }

    /// The canonical text of the action, which parses back to the same action.
    pub fn to_text(&self, scenario: &Scenario) -> String {
        ActionText { action: self, scenario }.to_string()
    }
}

struct ActionText<'a> {
    action: &'a Action,
    scenario: &'a Scenario,
}

fn scope_text(scenario: &Scenario, scope: &Scope) -> String {
    match *scope {
        Scope::All => "all".to_string(),
        Scope::Office(office) => format!("office {}", scenario.offices[office.index()].name),
        Scope::Subnet(subnet) => {
            let subnet = &scenario.subnets[subnet.index()];
            format!(
                "subnet {}/{}",
                scenario.offices[subnet.office.index()].name,
                subnet.name
            )
        }
        Scope::Host(host) => format!("host {}", scenario.hosts[host.index()].name),
        Scope::Role(role) => format!("role {}", role.name()),
    }
}

impl fmt::Display for ActionText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scenario = self.scenario;
        let host = |host: &HostId| scenario.hosts[host.index()].name.clone();
        let account = |account: &AccountId| scenario.accounts[account.index()].name.clone();
        let link = |link: &LinkId| scenario.network.links[link.index()].name.clone();
        match self.action {
            Action::Isolate(scope) => write!(f, "isolate {}", scope_text(scenario, scope)),
            Action::Reconnect(scope) => write!(f, "reconnect {}", scope_text(scenario, scope)),
            Action::CutLink(id) => write!(f, "cut link {}", link(id)),
            Action::RestoreLink(id) => write!(f, "restore link {}", link(id)),
            Action::Block { port, from, to } => {
                write!(
                    f,
                    "block {port} from {} to {}",
                    scope_text(scenario, from),
                    scope_text(scenario, to)
                )
            }
            Action::Unblock { port, from, to } => {
                write!(
                    f,
                    "unblock {port} from {} to {}",
                    scope_text(scenario, from),
                    scope_text(scenario, to)
                )
            }
            Action::BlockAddress(address) => write!(f, "block address {address}"),
            Action::UnblockAddress(address) => write!(f, "unblock address {address}"),
            Action::Reconfigure(service) => write!(f, "reconfigure {}", scenario.services[service.index()].name),
            Action::Kill { program, host: id } => write!(f, "kill {program} on {}", host(id)),
            Action::DisableAccount(id) => write!(f, "disable account {}", account(id)),
            Action::ResetAccount(id) => write!(f, "reset account {}", account(id)),
            Action::ResetAdmins => write!(f, "reset admins"),
            Action::DeployBlock(indicator) => write!(f, "deploy block {indicator}"),
            Action::PowerOff(id) => write!(f, "power off {}", host(id)),
            Action::CaptureMemory(id) => write!(f, "capture memory {}", host(id)),
            Action::CollectLogs(id) => write!(f, "collect logs {}", host(id)),
            Action::CollectFlows(address) => write!(f, "collect flows {address}"),
            Action::ImageDisk(id) => write!(f, "image {}", host(id)),
            Action::RestoreFromBackup(id) => write!(f, "restore {}", host(id)),
            Action::Rebuild(id) => write!(f, "rebuild {}", host(id)),
            Action::Notify(contact) => write!(f, "notify {}", scenario.responders.contacts[contact.index()]),
            Action::DeclareIncident => write!(f, "declare incident"),
            Action::Submit(Finding::PatientZero(id)) => {
                write!(f, "submit patient-zero {}", host(id))
            }
            Action::Submit(Finding::Vector(technique)) => write!(f, "submit vector {technique}"),
            Action::Submit(Finding::Account(id)) => write!(f, "submit account {}", account(id)),
            Action::Submit(Finding::Indicator(indicator)) => {
                write!(f, "submit indicator {indicator}")
            }
            Action::Submit(Finding::Stolen(data)) => write!(f, "submit stolen {}", scenario.data[data.index()].name),
        }
    }
}

/// An action with the tick it was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub tick: Tick,
    pub action: Action,
}
