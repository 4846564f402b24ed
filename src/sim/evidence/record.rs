//! Records: evidence as a responder reads it, with the fields forensic tools show: Windows
//! events (channel, record number, id, provider, computer, and the event's own data), files
//! (path, size, times, MD5 and SHA-256), processes (pid, parent, image, command line, user,
//! start), services, cached credentials and network flows. They are made when read, from the
//! attack's compact traces or from ordinary activity, always the same for a scenario and seed.

use std::net::Ipv4Addr;

use serde::Serialize;

use crate::scenario::model::{ActivityKind, Artifact, HostId, Scenario};

use super::values::{self, Purpose};
use super::{Evidence, EvidenceStore, NO_FILE, Trace, event_id};

/// Where a record comes from: one of the attack's traces (its index in the store), what a
/// machine runs from its start (its baseline), or one occurrence of ordinary activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum RecordKey {
    Trace(u32),
    Baseline {
        host: HostId,
        item: u16,
    },
    Activity {
        /// The machine the activity happened on (its origin).
        host: HostId,
        kind: ActivityKind,
        /// The hour of the exercise it happened in (negative: before the start).
        hour: i32,
        /// Which occurrence of that hour, and which of its records.
        n: u16,
        part: u8,
    },
}

impl RecordKey {
    /// Whether the record is the attack's (ground truth: never shown to a responder as such).
    pub fn is_attack(&self) -> bool {
        matches!(self, RecordKey::Trace(_))
    }
}

/// A Windows event log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Channel {
    Security,
    System,
}

impl Channel {
    /// The log's name.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Security => "Security",
            Channel::System => "System",
        }
    }
}

/// A Windows event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WindowsEvent {
    pub channel: Channel,
    pub event_id: u16,
    pub provider: &'static str,
    /// Its place in the machine's log, once the whole log has been read.
    pub record_number: Option<u64>,
    /// The event's own data, as `EventData` names it.
    pub data: Vec<(&'static str, String)>,
}

impl WindowsEvent {
    /// A data field's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.data
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A file on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    /// Seconds from the exercise's start: the four times a file system keeps.
    pub created: i64,
    pub modified: i64,
    pub accessed: i64,
    pub changed: i64,
    pub md5: String,
    pub sha256: String,
}

/// A process in memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcessEntry {
    pub pid: u32,
    pub parent_pid: u32,
    pub parent_image: String,
    pub image: String,
    pub command_line: String,
    pub user: String,
    pub started: i64,
}

/// A Windows service, as the registry holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceEntry {
    pub name: String,
    pub image_path: String,
    pub start_type: &'static str,
    pub account: String,
}

/// A password cached in memory by a logon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialEntry {
    pub account: String,
    pub logon_type: &'static str,
}

/// A network flow, as a collection point records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowEntry {
    pub source: Ipv4Addr,
    pub source_port: u16,
    pub destination: Ipv4Addr,
    pub destination_port: u16,
    pub protocol: &'static str,
    pub bytes: u64,
    pub first: i64,
    pub last: i64,
}

/// What a record holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Body {
    Event(WindowsEvent),
    File(FileEntry),
    Process(ProcessEntry),
    Service(ServiceEntry),
    Credential(CredentialEntry),
    Flow(FlowEntry),
}

/// One record: where it is, when, and what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    pub key: RecordKey,
    /// The machine it was found on (for a flow: the machine it concerns).
    pub host: HostId,
    /// Seconds from the exercise's start (negative: before it).
    pub at: i64,
    pub body: Body,
}

/// What a helpdesk call is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum CallTopic {
    /// A red warning page on the screen: the attack.
    WarningPage,
    Printer,
    Password,
    SlowComputer,
    Email,
    RemoteAccess,
}

impl CallTopic {
    /// Topics of ordinary calls.
    pub const ORDINARY: [CallTopic; 5] = [
        CallTopic::Printer,
        CallTopic::Password,
        CallTopic::SlowComputer,
        CallTopic::Email,
        CallTopic::RemoteAccess,
    ];

    /// What the user says.
    pub fn says(self) -> &'static str {
        match self {
            CallTopic::WarningPage => "reports a red warning page",
            CallTopic::Printer => "cannot print",
            CallTopic::Password => "is locked out and needs a new password",
            CallTopic::SlowComputer => "says the computer is very slow",
            CallTopic::Email => "cannot open an attachment",
            CallTopic::RemoteAccess => "cannot connect from home",
        }
    }
}

impl Body {
    /// The kind of evidence, by volatility.
    pub fn artifact(&self) -> Artifact {
        match self {
            Body::Event(_) => Artifact::EventLogs,
            Body::File(_) | Body::Service(_) => Artifact::Disk,
            Body::Process(_) | Body::Credential(_) => Artifact::Memory,
            Body::Flow(_) => Artifact::Flows,
        }
    }
}

impl Record {
    /// The kind of evidence, by volatility.
    pub fn artifact(&self) -> Artifact {
        self.body.artifact()
    }

    /// Every field, named as forensic tools name them, in the order they show them.
    pub fn fields(&self, scenario: &Scenario) -> Vec<(&'static str, String)> {
        let time = |at: i64| utc(scenario, at);
        let mut fields = vec![
            ("time", time(self.at)),
            ("computer", scenario.hosts[self.host.index()].name.to_string()),
        ];
        match &self.body {
            Body::Event(event) => {
                fields.push(("channel", event.channel.name().to_string()));
                fields.push(("event_id", event.event_id.to_string()));
                fields.push(("provider", event.provider.to_string()));
                if let Some(number) = event.record_number {
                    fields.push(("record_number", number.to_string()));
                }
                fields.extend(event.data.iter().cloned());
            }
            Body::File(file) => fields.extend([
                ("path", file.path.clone()),
                ("size", file.size.to_string()),
                ("created", time(file.created)),
                ("modified", time(file.modified)),
                ("accessed", time(file.accessed)),
                ("changed", time(file.changed)),
                ("md5", file.md5.clone()),
                ("sha256", file.sha256.clone()),
            ]),
            Body::Process(process) => fields.extend([
                ("pid", process.pid.to_string()),
                ("parent_pid", process.parent_pid.to_string()),
                ("parent_image", process.parent_image.clone()),
                ("image", process.image.clone()),
                ("command_line", process.command_line.clone()),
                ("user", process.user.clone()),
                ("started", time(process.started)),
            ]),
            Body::Service(service) => fields.extend([
                ("service", service.name.clone()),
                ("image_path", service.image_path.clone()),
                ("start_type", service.start_type.to_string()),
                ("account", service.account.clone()),
            ]),
            Body::Credential(credential) => fields.extend([
                ("account", credential.account.clone()),
                ("logon_type", credential.logon_type.to_string()),
            ]),
            Body::Flow(flow) => fields.extend([
                ("source", flow.source.to_string()),
                ("source_port", flow.source_port.to_string()),
                ("destination", flow.destination.to_string()),
                ("destination_port", flow.destination_port.to_string()),
                ("protocol", flow.protocol.to_string()),
                ("bytes", flow.bytes.to_string()),
                ("first", time(flow.first)),
                ("last", time(flow.last)),
            ]),
        }
        fields
    }

    /// One line saying what the record is, starting with its machine.
    pub fn summary(&self, scenario: &Scenario) -> String {
        format!("{} {}", scenario.hosts[self.host.index()].name, self.what(scenario))
    }

    /// What the record says, in a line.
    pub fn what(&self, scenario: &Scenario) -> String {
        let _ = scenario;
        match &self.body {
            Body::Event(event) => {
                let said = |name: &str| event.get(name).unwrap_or("-").to_string();
                let what = match event.event_id {
                    event_id::LOGON => format!(
                        "logon type {} of {} from {} ({})",
                        said("LogonType"),
                        said("TargetUserName"),
                        said("WorkstationName"),
                        said("IpAddress")
                    ),
                    event_id::FAILED_LOGON => format!(
                        "failed logon type {} of {} from {} ({})",
                        said("LogonType"),
                        said("TargetUserName"),
                        said("WorkstationName"),
                        said("IpAddress")
                    ),
                    event_id::KERBEROS_PREAUTH_FAILED => {
                        format!(
                            "failed Kerberos sign-in of {} from {}",
                            said("TargetUserName"),
                            said("IpAddress")
                        )
                    }
                    event_id::SERVICE_INSTALLED => {
                        format!("service installed: {} ({})", said("ServiceName"), said("ImagePath"))
                    }
                    event_id::PROCESS_CREATED => format!(
                        "process {} started by {} under {}",
                        said("NewProcessName"),
                        said("ParentProcessName"),
                        said("SubjectUserName")
                    ),
                    event_id::SHARE_ACCESSED | event_id::SHARE_CREATED | event_id::SHARE_DELETED => {
                        let verb = match event.event_id {
                            event_id::SHARE_ACCESSED => "accessed",
                            event_id::SHARE_CREATED => "created",
                            _ => "deleted",
                        };
                        format!("share {} {verb} by {}", said("ShareName"), said("SubjectUserName"))
                    }
                    event_id::SPECIAL_PRIVILEGES => format!("special privileges for {}", said("SubjectUserName")),
                    event_id::EXPLICIT_CREDENTIALS => {
                        format!(
                            "{} used the credentials of {} for {}",
                            said("SubjectUserName"),
                            said("TargetUserName"),
                            said("TargetServerName")
                        )
                    }
                    event_id::TASK_CREATED => format!("scheduled task {} registered", said("TaskName")),
                    event_id::LOG_CLEARED => format!("the Security log was cleared by {}", said("SubjectUserName")),
                    id => format!("event {id}"),
                };
                format!("{} {}: {what}", event.channel.name(), event.event_id)
            }
            Body::File(file) => format!("file {} ({} bytes, SHA-256 {})", file.path, file.size, file.sha256),
            Body::Process(process) => format!(
                "process {} (pid {}) run by {}: {}",
                process.image, process.pid, process.user, process.command_line
            ),
            Body::Service(service) => format!(
                "service {}: {} as {}",
                service.name, service.image_path, service.account
            ),
            Body::Credential(credential) => {
                format!(
                    "password of {} cached in memory ({} logon)",
                    credential.account, credential.logon_type
                )
            }
            Body::Flow(flow) => format!(
                "flow {}:{} -> {}:{} {}, {} bytes",
                flow.source, flow.source_port, flow.destination, flow.destination_port, flow.protocol, flow.bytes
            ),
        }
    }

    /// The values a responder pivots on: machines' names, accounts, files, hashes, addresses,
    /// services, event ids.
    pub fn values(&self, scenario: &Scenario) -> Vec<String> {
        let mut values = vec![scenario.hosts[self.host.index()].name.to_string()];
        match &self.body {
            Body::Event(event) => {
                values.push(event.event_id.to_string());
                values.extend(
                    event
                        .data
                        .iter()
                        .filter(|(name, _)| {
                            [
                                "SubjectUserName",
                                "TargetUserName",
                                "WorkstationName",
                                "IpAddress",
                                "ServiceName",
                                "ImagePath",
                                "NewProcessName",
                                "ParentProcessName",
                                "ShareName",
                                "TaskName",
                                "TargetServerName",
                            ]
                            .contains(name)
                        })
                        .map(|(_, value)| value.clone())
                        .filter(|value| value != "-"),
                );
                // A program an event names is found by its file name too.
                for field in ["ImagePath", "NewProcessName"] {
                    if let Some(path) = event.get(field).filter(|path| path.contains('\\')) {
                        values.push(file_name(path));
                    }
                }
            }
            Body::File(file) => values.extend([
                file.path.clone(),
                file_name(&file.path),
                file.md5.clone(),
                file.sha256.clone(),
            ]),
            Body::Process(process) => {
                values.extend([process.image.clone(), file_name(&process.image), process.user.clone()])
            }
            Body::Service(service) => values.extend([
                service.name.clone(),
                service.image_path.clone(),
                file_name(&service.image_path),
            ]),
            Body::Credential(credential) => values.push(credential.account.clone()),
            Body::Flow(flow) => values.extend([
                flow.source.to_string(),
                flow.destination.to_string(),
                format!("{}:{}", flow.destination, flow.destination_port),
            ]),
        }
        values
    }
}

/// A staged archive's file name and hashes: named after its data set and numbered, with
/// hashes made from the name (the same in every run, so they can be reported and checked).
pub fn archive(scenario: &Scenario, stream: usize, part: u32) -> (String, String, String) {
    let data = &scenario.data[scenario.threat.exfiltration[stream].data.index()].name;
    let name = format!("{data}-{:03}.rar", part + 1);
    let digest = |kind: &str, bytes| crate::scenario::values::made_up_digest(&format!("{kind}:archive:{name}"), bytes);
    (name.clone(), digest("md5", 16), digest("sha256", 32))
}

/// An archive's size: a part of a day's data, give or take a few per cent by the seed.
fn archive_bytes(seed: u64, bytes_per_day: u64, stream: u16, part: u32) -> u64 {
    let part_bytes = crate::sim::theft::part_bytes(bytes_per_day);
    let spread = part_bytes / 20 + 1;
    part_bytes - spread + values::pick(&[seed, stream as u64, part as u64, Purpose::Bytes as u64], 2 * spread)
}

/// The last part of a Windows path.
pub fn file_name(path: &str) -> String {
    path.rsplit('\\').next().unwrap_or(path).to_string()
}

/// A moment of the exercise, in UTC with its offset (ISO 8601), as logs write it.
pub fn utc(scenario: &Scenario, at: i64) -> String {
    let start = scenario.meta.start.timestamp().as_second();
    jiff::Timestamp::from_second(start + at)
        .map(|time| time.strftime("%Y-%m-%dT%H:%M:%S+00:00").to_string())
        .unwrap_or_default()
}

/// The machine's account names: the scenario's accounts are written `DOMAIN\name`.
fn account_name(scenario: &Scenario, account: Option<crate::scenario::model::AccountId>) -> String {
    account.map_or("Administrator".to_string(), |account| {
        scenario.accounts[account.index()].name.clone()
    })
}

/// Who acted, as events name them: `SubjectUserName` and `SubjectDomainName`.
pub fn subject(account: &str) -> [(&'static str, String); 2] {
    let (domain, user) = split_account(account);
    [("SubjectUserName", user), ("SubjectDomainName", domain)]
}

/// The account acted on, as events name it: `TargetUserName` and `TargetDomainName`.
pub fn target(account: &str) -> [(&'static str, String); 2] {
    let (domain, user) = split_account(account);
    [("TargetUserName", user), ("TargetDomainName", domain)]
}

fn split_account(name: &str) -> (String, String) {
    match name.split_once('\\') {
        Some((domain, user)) => (domain.to_string(), user.to_string()),
        None => (String::new(), name.to_string()),
    }
}

/// The data of a logon event (4624, 4625) from another machine.
pub fn logon_data(
    scenario: &Scenario,
    account: &str,
    logon_type: u8,
    peer: Option<HostId>,
    port: u16,
    failed: bool,
) -> Vec<(&'static str, String)> {
    let (domain, user) = split_account(account);
    let (workstation, address) = match peer {
        Some(peer) => (
            scenario.hosts[peer.index()].name.to_string(),
            values::address(scenario, peer).to_string(),
        ),
        None => ("-".to_string(), "-".to_string()),
    };
    let mut data = vec![
        ("SubjectUserName", "-".to_string()),
        ("TargetUserName", user),
        ("TargetDomainName", domain),
        ("LogonType", logon_type.to_string()),
    ];
    if failed {
        data.push(("Status", "0xc000006d".to_string()));
        data.push(("SubStatus", "0xc000006a".to_string()));
    }
    data.extend([
        (
            "LogonProcessName",
            if logon_type == 3 { "NtLmSsp" } else { "User32" }.to_string(),
        ),
        (
            "AuthenticationPackageName",
            if logon_type == 3 { "NTLM" } else { "Negotiate" }.to_string(),
        ),
        ("WorkstationName", workstation),
        ("IpAddress", address),
        (
            "IpPort",
            if peer.is_some() {
                port.to_string()
            } else {
                "-".to_string()
            },
        ),
    ]);
    data
}

/// A Security-log event.
pub fn security(event_id: u16, data: Vec<(&'static str, String)>) -> Body {
    Body::Event(WindowsEvent {
        channel: Channel::Security,
        event_id,
        provider: "Microsoft-Windows-Security-Auditing",
        record_number: None,
        data,
    })
}

/// A service installed (System log, 7045).
pub fn service_installed(name: &str, image: &str, account: &str) -> Body {
    Body::Event(WindowsEvent {
        channel: Channel::System,
        event_id: event_id::SERVICE_INSTALLED,
        provider: "Service Control Manager",
        record_number: None,
        data: vec![
            ("ServiceName", name.to_string()),
            ("ImagePath", image.to_string()),
            ("ServiceType", "user mode service".to_string()),
            ("StartType", "auto start".to_string()),
            ("AccountName", account.to_string()),
        ],
    })
}

/// A process creation (4688).
pub fn process_created(user: &str, image: &str, command_line: &str, parent: &str, pid: u32) -> Body {
    security(
        event_id::PROCESS_CREATED,
        [
            subject(user).to_vec(),
            vec![
                ("NewProcessId", format!("0x{pid:x}")),
                ("NewProcessName", image.to_string()),
                ("CommandLine", command_line.to_string()),
                ("ParentProcessName", parent.to_string()),
            ],
        ]
        .concat(),
    )
}

const SYSTEM_ACCOUNT: &str = "NT AUTHORITY\\SYSTEM";
const WMI_HOST: &str = "C:\\Windows\\System32\\wbem\\WmiPrvSE.exe";
const SERVICES: &str = "C:\\Windows\\System32\\services.exe";

/// The record of one of the attack's traces.
pub fn record_of_trace(scenario: &Scenario, seed: u64, index: u32, evidence: &Evidence) -> Record {
    let host = evidence.host;
    let at = evidence.at as i64;
    let mixing = [seed, index as u64];
    let port = values::ephemeral_port(&mixing);
    let tool_file = |tool: u32, file: u16| {
        scenario
            .threat
            .tools
            .get(tool as usize)
            .and_then(|tool| tool.files.get(file as usize))
    };
    let image_of = |tool: u32, file: u16| match tool_file(tool, file) {
        Some(file) => file.path.clone(),
        None => scenario
            .threat
            .tools
            .get(tool as usize)
            .map_or("C:\\Windows\\System32\\unknown.exe".to_string(), |tool| {
                format!("C:\\Windows\\System32\\{}.exe", tool.name)
            }),
    };
    let body = match evidence.trace {
        Trace::Event {
            id,
            tool,
            file,
            account,
            peer,
        } => {
            let account_id =
                (account != super::NO_ACCOUNT).then_some(crate::scenario::model::AccountId(account as u32));
            let peer = (peer != super::NONE).then_some(HostId(peer));
            let user = account_name(scenario, account_id);
            match id {
                event_id::LOGON => security(id, logon_data(scenario, &user, 3, peer, port, false)),
                event_id::FAILED_LOGON => security(id, logon_data(scenario, "Administrator", 3, peer, port, true)),
                event_id::SPECIAL_PRIVILEGES => {
                    let mut data = subject(&user).to_vec();
                    data.push((
                        "PrivilegeList",
                        "SeDebugPrivilege SeBackupPrivilege SeTcbPrivilege".to_string(),
                    ));
                    security(id, data)
                }
                event_id::SHARE_ACCESSED | event_id::SHARE_CREATED | event_id::SHARE_DELETED => {
                    let share = match id {
                        event_id::SHARE_ACCESSED => "\\\\*\\ADMIN$",
                        _ => "\\\\*\\shared$",
                    };
                    let mut data = subject(&user).to_vec();
                    data.extend([
                        ("ShareName", share.to_string()),
                        ("ShareLocalPath", "C:\\Windows".to_string()),
                    ]);
                    if let Some(peer) = peer {
                        data.push(("IpAddress", values::address(scenario, peer).to_string()));
                    }
                    security(id, data)
                }
                event_id::PROCESS_CREATED => {
                    let image = image_of(tool as u32, file);
                    process_created(&user, &image, &format!("\"{image}\""), WMI_HOST, values::pid(&mixing))
                }
                event_id::SERVICE_INSTALLED => {
                    let name = scenario
                        .threat
                        .tools
                        .get(tool as usize)
                        .and_then(|tool| tool.services.first())
                        .cloned()
                        .unwrap_or_default();
                    service_installed(&name, &image_of(tool as u32, file), "LocalSystem")
                }
                event_id::LOG_CLEARED => Body::Event(WindowsEvent {
                    channel: Channel::Security,
                    event_id: id,
                    provider: "Microsoft-Windows-Eventlog",
                    record_number: None,
                    data: vec![
                        ("SubjectUserName", "SYSTEM".to_string()),
                        ("SubjectDomainName", "NT AUTHORITY".to_string()),
                    ],
                }),
                other => security(other, Vec::new()),
            }
        }
        Trace::File { tool, file } => match tool_file(tool.0, file) {
            Some(entry) => Body::File(FileEntry {
                path: entry.path.clone(),
                size: entry.size,
                created: at,
                modified: at,
                accessed: at,
                changed: at,
                md5: entry.md5.clone(),
                sha256: entry.sha256.clone(),
            }),
            None => Body::File(FileEntry {
                path: image_of(tool.0, NO_FILE),
                size: 0,
                created: at,
                modified: at,
                accessed: at,
                changed: at,
                md5: String::new(),
                sha256: String::new(),
            }),
        },
        Trace::Process { tool, file } => {
            let image = image_of(tool.0, file);
            Body::Process(ProcessEntry {
                pid: values::pid(&mixing),
                parent_pid: values::pid(&[seed, host.0 as u64, Purpose::ParentPid as u64]),
                parent_image: SERVICES.to_string(),
                command_line: format!("\"{image}\""),
                image,
                user: SYSTEM_ACCOUNT.to_string(),
                started: at,
            })
        }
        Trace::Service { tool, service, file } => Body::Service(ServiceEntry {
            name: scenario.threat.tools[tool.index()]
                .services
                .get(service as usize)
                .cloned()
                .unwrap_or_default(),
            image_path: image_of(tool.0, file),
            start_type: "auto start",
            account: "LocalSystem".to_string(),
        }),
        Trace::CachedPassword { account } => Body::Credential(CredentialEntry {
            account: scenario.accounts[account.index()].name.clone(),
            logon_type: "interactive",
        }),
        Trace::SmbFlow { peer } => Body::Flow(FlowEntry {
            source: values::address(scenario, peer),
            source_port: port,
            destination: values::address(scenario, host),
            destination_port: 445,
            protocol: "tcp",
            bytes: 40_000 + values::pick(&[seed, index as u64, Purpose::Bytes as u64], 400_000),
            first: at,
            last: at + 3 + values::pick(&[seed, index as u64, Purpose::Duration as u64], 40) as i64,
        }),
        Trace::Transfer { stream, part } => {
            let stream_of = &scenario.threat.exfiltration[stream as usize];
            let bytes = archive_bytes(seed, stream_of.bytes_per_day, stream, part);
            Body::Flow(FlowEntry {
                source: values::address(scenario, host),
                source_port: port,
                destination: stream_of.to,
                destination_port: stream_of.port,
                protocol: "tcp",
                bytes,
                first: at,
                // Sent at about 20 MB/s.
                last: at + (bytes / 20_000_000) as i64 + 1,
            })
        }
        Trace::Staged { stream, part } => {
            let stream_of = &scenario.threat.exfiltration[stream as usize];
            let (name, md5, sha256) = archive(scenario, stream as usize, part);
            Body::File(FileEntry {
                path: format!("C:\\Windows\\Temp\\{name}"),
                size: archive_bytes(seed, stream_of.bytes_per_day, stream, part),
                created: at,
                modified: at,
                accessed: at,
                changed: at,
                md5,
                sha256,
            })
        }
        Trace::C2Flow { c2 } => {
            let (address, c2_port) = scenario
                .threat
                .c2
                .get(c2 as usize)
                .copied()
                .unwrap_or((Ipv4Addr::UNSPECIFIED, 0));
            Body::Flow(FlowEntry {
                source: values::address(scenario, host),
                source_port: port,
                destination: address,
                destination_port: c2_port,
                protocol: "tcp",
                bytes: 300 + values::pick(&[seed, index as u64, Purpose::Bytes as u64], 4_000),
                first: at,
                last: at + 1,
            })
        }
    };
    Record {
        key: RecordKey::Trace(index),
        host,
        at,
        body,
    }
}

/// The record a key names, made again from the seed (`None` for a key of another run).
pub fn record_by_key(
    scenario: &Scenario,
    seed: u64,
    store: &EvidenceStore,
    plan: &super::ActivityPlan,
    key: RecordKey,
) -> Option<Record> {
    match key {
        RecordKey::Trace(index) => store
            .get(index)
            .map(|evidence| record_of_trace(scenario, seed, index, &evidence)),
        RecordKey::Activity { .. } => super::activity::activity_record(plan, scenario, seed, key),
        RecordKey::Baseline { .. } => super::activity::baseline_record(plan, scenario, seed, key),
    }
}

/// Every record on a machine that can be read at `until` (seconds from the start): the
/// attack's traces, what the machine runs from its start, ordinary activity on it or that
/// reached it; its events numbered in its logs; flows that name it. Sorted by time.
pub fn records_on(
    scenario: &Scenario,
    seed: u64,
    store: &EvidenceStore,
    plan: &super::ActivityPlan,
    host: HostId,
    until: i64,
) -> Vec<Record> {
    records_ever_on(scenario, seed, store, plan, host, until)
        .into_iter()
        .filter_map(|(record, readable)| readable.then_some(record))
        .collect()
}

/// Every record a machine held at some time up to `until`, each with whether it can still be
/// read then (false: lost since, to a wipe, a power-off or a cleared log). For the answer key.
pub fn records_ever_on(
    scenario: &Scenario,
    seed: u64,
    store: &EvidenceStore,
    plan: &super::ActivityPlan,
    host: HostId,
    until: i64,
) -> Vec<(Record, bool)> {
    let mut records: Vec<Record> = store
        .on_host(host)
        .filter(|(_, evidence)| (evidence.at as i64) <= until)
        .map(|(index, evidence)| record_of_trace(scenario, seed, index, &evidence))
        .collect();
    // Flows are kept at collection points: those from this machine sit on the other end.
    records.extend(
        store
            .iter()
            .filter(|(_, evidence)| {
                evidence.host != host
                    && evidence.trace.peer() == Some(host)
                    && evidence.trace.artifact() == Artifact::Flows
            })
            .filter(|(_, evidence)| (evidence.at as i64) <= until)
            .map(|(index, evidence)| record_of_trace(scenario, seed, index, &evidence)),
    );
    records.extend(super::activity::baseline(plan, scenario, seed, host));
    records.extend(super::activity::activity_records_on(plan, scenario, seed, host, until));
    // A flow is the machine's that was read, whichever end it is.
    for record in &mut records {
        if record.artifact() == Artifact::Flows {
            record.host = host;
        }
    }
    records.sort_by(|a, b| a.at.cmp(&b.at).then(a.key.cmp(&b.key)));
    // Record numbers follow every event the machine ever logged, read or not.
    let mut numbers = [
        1_000 + values::pick(&[seed, host.0 as u64, 1], 90_000),
        1_000 + values::pick(&[seed, host.0 as u64, 2], 9_000),
    ];
    for record in &mut records {
        if let Body::Event(event) = &mut record.body
            && record.host == host
        {
            let number = &mut numbers[event.channel as usize];
            event.record_number = Some(*number);
            *number += 1;
        }
    }
    let log_cleared = store.cleared_at(host, Artifact::EventLogs).max(
        super::activity::log_cleared_at(plan, scenario, seed, host, until).clamp(i32::MIN as i64, i32::MAX as i64)
            as i32,
    );
    let readable = |record: &Record| {
        let artifact = record.artifact();
        let cleared = match artifact {
            Artifact::EventLogs => log_cleared,
            other => store.cleared_at(host, other),
        };
        artifact == Artifact::Flows
            || record.at > cleared as i64
            || (artifact == Artifact::EventLogs && super::forwards_logs(scenario, host))
    };
    records
        .into_iter()
        .map(|record| {
            let readable = readable(&record);
            (record, readable)
        })
        .collect()
}
