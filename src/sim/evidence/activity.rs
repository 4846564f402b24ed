//! Ordinary activity: people signing in and mistyping passwords, administrators at work,
//! software updates, scheduled tasks, backups, log maintenance, web browsing, helpdesk calls.
//! Nothing of it is stored. How many times a kind happens on a machine in an hour is drawn
//! from the seed, the machine, the kind and the hour (integer odds from the scenario's rules),
//! so the simulation only looks at machines whose sensors could alert, and any machine's
//! history is made again when it is read. None of it touches the simulation's random
//! generator: the attack unfolds the same with or without it.

use std::net::Ipv4Addr;

use bevy::prelude::*;

use crate::scenario::model::{
    AccountId, AccountKind, ActivityKind, Artifact, GroupId, HostId, OfficeId, Role, Scenario, Scope, Sensor, Tick,
    Weekday,
};

use super::record::{
    Body, CallTopic, CredentialEntry, FileEntry, FlowEntry, ProcessEntry, Record, RecordKey, ServiceEntry, file_name,
    logon_data, process_created, security, service_installed, subject, target,
};
use super::values::{self, Purpose, chance_of_mixed, mix, mix_more, pick};
use super::{EvidenceSeed, event_id};
use crate::sim::facts::{Observation, Observed};
use crate::sim::network::OfficeHours;
use crate::sim::state::{Clock, ScenarioData};
use crate::sim::telemetry::PendingObservations;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        FixedUpdate,
        raise_ordinary_alerts
            .in_set(crate::sim::SimSystems::Observe)
            .after(crate::sim::telemetry::schedule_observations)
            .before(crate::sim::telemetry::deliver_observations),
    );
}

/// Every kind, in a fixed order (its index is its code in the mix).
const KINDS: [ActivityKind; 9] = [
    ActivityKind::SignIn,
    ActivityKind::MistypedPassword,
    ActivityKind::AdminSession,
    ActivityKind::RemoteAdminTool,
    ActivityKind::SoftwareUpdate,
    ActivityKind::ScheduledTask,
    ActivityKind::Backup,
    ActivityKind::LogMaintenance,
    ActivityKind::WebBrowsing,
];

fn code(kind: ActivityKind) -> usize {
    KINDS.iter().position(|&known| known == kind).unwrap_or(0)
}

/// What the activity of a scenario needs at hand: each group's rate of each kind in each hour,
/// and the machines and accounts activity involves besides its own machine.
#[derive(Resource)]
pub struct ActivityPlan {
    /// The first hour with activity (negative: before the start).
    first_hour: i32,
    /// Hours covered, from `first_hour` to the end of the exercise.
    hours: usize,
    /// `rates[group][kind][hour - first_hour]`: occurrences per machine, per-mille.
    rates: Vec<Vec<Vec<u32>>>,
    domain_controllers: Places,
    management: Places,
    backup_servers: Places,
    /// Per group: administrator accounts with rights on its machines.
    admins: Vec<Vec<AccountId>>,
    /// Per group: an account the backup and deployment systems use there, if the company has one.
    backup_account: Vec<Option<AccountId>>,
    deploy_account: Vec<Option<AccountId>>,
    /// Per office: each hour's chance of an ordinary helpdesk call per member of staff.
    helpdesk: Vec<Vec<u32>>,
    /// Per office: its workstations, which ordinary calls are about.
    workstations: Vec<Vec<HostId>>,
}

/// Machines of a role per office, and all of them.
#[derive(Default)]
struct Places {
    by_office: Vec<Vec<HostId>>,
    all: Vec<HostId>,
}

impl Places {
    fn of(scenario: &Scenario, role: Role) -> Self {
        let mut places = Places {
            by_office: vec![Vec::new(); scenario.offices.len()],
            all: Vec::new(),
        };
        for (index, host) in scenario.hosts.iter().enumerate() {
            if host.role == role {
                places.by_office[host.office.index()].push(HostId(index as u32));
                places.all.push(HostId(index as u32));
            }
        }
        places
    }

    /// The candidates for an office: its own, or the company's when it has none.
    fn for_office(&self, office: OfficeId) -> &[HostId] {
        match self.by_office[office.index()].is_empty() {
            true => &self.all,
            false => &self.by_office[office.index()],
        }
    }

    fn choose(&self, office: OfficeId, parts: &[u64]) -> Option<HostId> {
        let candidates = self.for_office(office);
        (!candidates.is_empty()).then(|| candidates[pick(parts, candidates.len() as u64) as usize])
    }
}

fn weekday(day: jiff::civil::Weekday) -> Weekday {
    use jiff::civil::Weekday as Civil;
    match day {
        Civil::Monday => Weekday::Mon,
        Civil::Tuesday => Weekday::Tue,
        Civil::Wednesday => Weekday::Wed,
        Civil::Thursday => Weekday::Thu,
        Civil::Friday => Weekday::Fri,
        Civil::Saturday => Weekday::Sat,
        Civil::Sunday => Weekday::Sun,
    }
}

impl ActivityPlan {
    /// The plan of a scenario's activity, from its history before the start to its end.
    pub fn new(scenario: &Scenario) -> Self {
        let activity = &scenario.activity;
        let first_hour = -(activity.history_seconds.div_ceil(3600) as i32);
        let exercise_seconds = scenario.meta.duration_ticks as u64 * scenario.meta.tick_seconds as u64;
        let hours = (exercise_seconds.div_ceil(3600) as i64 + 1 - first_hour as i64).max(0) as usize;
        // Each office's local clock and day in the middle of each hour.
        let start = scenario.meta.start.timestamp().as_second();
        let local: Vec<Vec<(u16, Weekday, bool)>> = scenario
            .offices
            .iter()
            .map(|office| {
                (0..hours)
                    .map(|slot| {
                        let second = start + (first_hour as i64 + slot as i64) * 3600 + 1800;
                        let time = jiff::Timestamp::from_second(second)
                            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
                            .to_zoned_datetime(office.time_zone.clone());
                        let minute = time.hour() as u16 * 60 + time.minute() as u16;
                        let day = weekday(time.weekday());
                        let open = office.work_days.contains(&day) && office.business_hours.contains(minute);
                        (minute, day, open)
                    })
                    .collect()
            })
            .collect();
        let rates = scenario
            .host_groups
            .iter()
            .map(|group| {
                KINDS
                    .iter()
                    .map(|&kind| {
                        (0..hours)
                            .map(|slot| {
                                let (minute, day, open) = local[group.office.index()][slot];
                                activity
                                    .rules
                                    .iter()
                                    .filter(|rule| rule.kind == kind && rule.roles.contains(&group.role))
                                    .filter(|rule| rule.offices.is_empty() || rule.offices.contains(&group.office))
                                    .filter(|rule| rule.days.as_ref().is_none_or(|days| days.contains(&day)))
                                    .filter(|rule| rule.hours.map_or(open, |hours| hours.contains(minute)))
                                    .map(|rule| rule.per_mille)
                                    .sum()
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let helpdesk = scenario
            .offices
            .iter()
            .enumerate()
            .map(|(office, _)| {
                (0..hours)
                    .map(|slot| match local[office][slot].2 {
                        true => activity.helpdesk_calls_per_mille,
                        false => 0,
                    })
                    .collect()
            })
            .collect();
        let accounts_for = |group: &crate::scenario::model::HostGroup,
                            wanted: &dyn Fn(&crate::scenario::model::Account) -> bool| {
            scenario
                .accounts
                .iter()
                .enumerate()
                .filter(|(_, account)| wanted(account))
                .filter(|(_, account)| {
                    account.admin_on.iter().any(|scope| match *scope {
                        Scope::All => true,
                        Scope::Office(office) => office == group.office,
                        Scope::Subnet(subnet) => subnet == group.subnet,
                        Scope::Role(role) => role == group.role,
                        Scope::Host(host) => group.hosts.contains(&host.0),
                    })
                })
                .map(|(index, _)| AccountId(index as u32))
                .collect::<Vec<_>>()
        };
        let named = |word: &'static str| {
            move |account: &crate::scenario::model::Account| account.name.to_ascii_lowercase().contains(word)
        };
        Self {
            first_hour,
            hours,
            rates,
            domain_controllers: Places::of(scenario, Role::DomainController),
            management: Places::of(scenario, Role::ManagementServer),
            backup_servers: Places::of(scenario, Role::BackupServer),
            admins: scenario
                .host_groups
                .iter()
                .map(|group| {
                    accounts_for(group, &|account| {
                        matches!(account.kind, AccountKind::Admin | AccountKind::DomainAdmin)
                    })
                })
                .collect(),
            backup_account: scenario
                .host_groups
                .iter()
                .map(|group| accounts_for(group, &named("backup")).first().copied())
                .collect(),
            deploy_account: scenario
                .host_groups
                .iter()
                .map(|group| accounts_for(group, &named("deploy")).first().copied())
                .collect(),
            helpdesk,
            workstations: Places::of(scenario, Role::Workstation).by_office,
        }
    }

    fn slot(&self, hour: i32) -> Option<usize> {
        let slot = hour - self.first_hour;
        (slot >= 0 && (slot as usize) < self.hours).then_some(slot as usize)
    }

    fn rate(&self, group: GroupId, kind: ActivityKind, hour: i32) -> u32 {
        self.slot(hour)
            .map_or(0, |slot| self.rates[group.index()][code(kind)][slot])
    }

    /// Hours with activity up to (and including) the hour of `until`.
    fn hours_until(&self, until: i64) -> std::ops::RangeInclusive<i32> {
        let last = until
            .div_euclid(3600)
            .min(self.first_hour as i64 + self.hours as i64 - 1);
        self.first_hour..=last as i32
    }
}

/// One occurrence of ordinary activity on a machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub host: HostId,
    pub kind: ActivityKind,
    pub hour: i32,
    pub n: u16,
    /// Seconds from the exercise's start.
    pub at: i64,
}

/// How many times a kind happens on a machine in an hour: the rate's whole part, and one more
/// with the odds of its fraction.
fn count(plan: &ActivityPlan, scenario: &Scenario, seed: u64, host: HostId, kind: ActivityKind, hour: i32) -> u16 {
    let rate = plan.rate(scenario.hosts[host.index()].group, kind, hour);
    count_at_rate(rate, count_mix(seed, kind, hour), host)
}

/// What the counts of one kind in one hour share, mixed: the machine comes last, so that a
/// scan of every machine mixes one number each.
fn count_mix(seed: u64, kind: ActivityKind, hour: i32) -> u64 {
    mix(&[seed, code(kind) as u64, hour as u64, Purpose::Count as u64])
}

fn count_at_rate(rate: u32, count_mix: u64, host: HostId) -> u16 {
    if rate == 0 {
        return 0;
    }
    let extra =
        !rate.is_multiple_of(1000) && chance_of_mixed(mix_more(count_mix, host.0 as u64), (rate % 1000) as u64 * 1000);
    (rate / 1000 + u32::from(extra)).min(u16::MAX as u32) as u16
}

/// The occurrences of a kind on a machine in an hour.
fn occurrences(
    plan: &ActivityPlan,
    scenario: &Scenario,
    seed: u64,
    host: HostId,
    kind: ActivityKind,
    hour: i32,
) -> impl Iterator<Item = Occurrence> {
    occurrences_counted(count(plan, scenario, seed, host, kind, hour), seed, host, kind, hour)
}

/// The same, with their number known.
fn occurrences_counted(
    count: u16,
    seed: u64,
    host: HostId,
    kind: ActivityKind,
    hour: i32,
) -> impl Iterator<Item = Occurrence> {
    (0..count).map(move |n| Occurrence {
        host,
        kind,
        hour,
        n,
        at: hour as i64 * 3600
            + pick(
                &[
                    seed,
                    host.0 as u64,
                    code(kind) as u64,
                    hour as u64,
                    n as u64,
                    Purpose::Second as u64,
                ],
                3590,
            ) as i64,
    })
}

/// Every occurrence on a machine from the history's start through `until`.
pub fn occurrences_on(
    plan: &ActivityPlan,
    scenario: &Scenario,
    seed: u64,
    host: HostId,
    until: i64,
) -> Vec<Occurrence> {
    let mut found = Vec::new();
    for hour in plan.hours_until(until) {
        for kind in KINDS {
            found.extend(
                occurrences(plan, scenario, seed, host, kind, hour).filter(|occurrence| occurrence.at <= until),
            );
        }
    }
    found
}

/// The numbers an occurrence's details are drawn from.
fn parts_of(seed: u64, occurrence: &Occurrence, purpose: Purpose) -> [u64; 6] {
    [
        seed,
        occurrence.host.0 as u64,
        code(occurrence.kind) as u64,
        occurrence.hour as u64,
        occurrence.n as u64,
        purpose as u64,
    ]
}

/// The other machine an occurrence involves, if any.
fn counterpart(plan: &ActivityPlan, scenario: &Scenario, seed: u64, occurrence: &Occurrence) -> Option<HostId> {
    let office = scenario.hosts[occurrence.host.index()].office;
    let parts = parts_of(seed, occurrence, Purpose::Counterpart);
    match occurrence.kind {
        ActivityKind::MistypedPassword => plan.domain_controllers.choose(office, &parts),
        ActivityKind::AdminSession | ActivityKind::RemoteAdminTool => plan.management.choose(office, &parts),
        ActivityKind::SoftwareUpdate => plan.management.choose(office, &parts),
        ActivityKind::Backup => plan.backup_servers.choose(office, &parts),
        _ => None,
    }
    .filter(|other| *other != occurrence.host)
}

fn account_text(scenario: &Scenario, account: Option<AccountId>, fallback: &str) -> String {
    account.map_or_else(
        || format!("{}\\{fallback}", values::domain(scenario)),
        |account| scenario.accounts[account.index()].name.clone(),
    )
}

/// Tasks servers run on a schedule.
const TASKS: [(&str, &str); 4] = [
    (
        "\\Microsoft\\Windows\\DiskCleanup\\SilentCleanup",
        "C:\\Windows\\System32\\cleanmgr.exe /autoclean /d C:",
    ),
    (
        "\\Microsoft\\Windows\\Defrag\\ScheduledDefrag",
        "C:\\Windows\\System32\\defrag.exe -c -h -o",
    ),
    (
        "\\Maintenance\\RotateLogs",
        "C:\\Windows\\System32\\cmd.exe /c forfiles /p D:\\logs /d -30 /c \"cmd /c del @file\"",
    ),
    (
        "\\Maintenance\\InventoryScan",
        "C:\\Program Files\\Inventory\\invcollect.exe /scan",
    ),
];

/// The records one occurrence leaves, on its machine and on the other it involves.
fn records_of(plan: &ActivityPlan, scenario: &Scenario, seed: u64, occurrence: &Occurrence) -> Vec<Record> {
    let host = occurrence.host;
    let group = scenario.hosts[host.index()].group;
    let other = counterpart(plan, scenario, seed, occurrence);
    let key = |part: u8| RecordKey::Activity {
        host,
        kind: occurrence.kind,
        hour: occurrence.hour,
        n: occurrence.n,
        part,
    };
    let at = occurrence.at;
    let port = values::ephemeral_port(&parts_of(seed, occurrence, Purpose::Port));
    let bytes = |base: u64, spread: u64| base + pick(&parts_of(seed, occurrence, Purpose::Bytes), spread);
    let pid = values::pid(&parts_of(seed, occurrence, Purpose::Pid));
    let choice = |bound: usize| pick(&parts_of(seed, occurrence, Purpose::Choice), bound as u64) as usize;
    let record = |part: u8, on: HostId, at: i64, body: Body| Record {
        key: key(part),
        host: on,
        at,
        body,
    };
    let flow = |source: HostId, destination: Ipv4Addr, destination_port: u16, bytes: u64, seconds: i64| {
        Body::Flow(FlowEntry {
            source: values::address(scenario, source),
            source_port: port,
            destination,
            destination_port,
            protocol: "tcp",
            bytes,
            first: at,
            last: at + seconds,
        })
    };
    // An account signing in over the network from another machine (4624 type 3).
    let network_logon = |account: &str, from: HostId| {
        security(
            event_id::LOGON,
            logon_data(scenario, account, 3, Some(from), port, false),
        )
    };
    let admins = &plan.admins[group.index()];
    let admin = (!admins.is_empty())
        .then(|| admins[pick(&parts_of(seed, occurrence, Purpose::Account), admins.len() as u64) as usize]);
    let mut records = Vec::new();
    match occurrence.kind {
        ActivityKind::SignIn => {
            let user = values::user_of(scenario, host);
            records.push(record(
                0,
                host,
                at,
                security(event_id::LOGON, logon_data(scenario, &user, 2, None, 0, false)),
            ));
        }
        ActivityKind::MistypedPassword => {
            let user = values::user_of(scenario, host);
            records.push(record(
                0,
                host,
                at,
                security(event_id::FAILED_LOGON, logon_data(scenario, &user, 2, None, 0, true)),
            ));
            if let Some(controller) = other {
                let name = user.split_once('\\').map_or(user.clone(), |(_, name)| name.to_string());
                records.push(record(
                    1,
                    controller,
                    at,
                    security(
                        event_id::KERBEROS_PREAUTH_FAILED,
                        vec![
                            ("TargetUserName", name),
                            ("ServiceName", "krbtgt".to_string()),
                            ("IpAddress", format!("::ffff:{}", values::address(scenario, host))),
                            ("Status", "0x18".to_string()),
                        ],
                    ),
                ));
            }
        }
        ActivityKind::AdminSession | ActivityKind::RemoteAdminTool => {
            let (Some(source), Some(admin)) = (other, admin) else {
                return records;
            };
            let account = scenario.accounts[admin.index()].name.clone();
            records.push(record(0, host, at, network_logon(&account, source)));
            records.push(record(
                1,
                host,
                at,
                security(
                    event_id::SPECIAL_PRIVILEGES,
                    [
                        subject(&account).to_vec(),
                        vec![(
                            "PrivilegeList",
                            "SeBackupPrivilege SeRestorePrivilege SeDebugPrivilege".to_string(),
                        )],
                    ]
                    .concat(),
                ),
            ));
            let server = &scenario.hosts[host.index()].name;
            if occurrence.kind == ActivityKind::AdminSession {
                let tool = [
                    "C:\\Windows\\System32\\mmc.exe",
                    "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                ][choice(2)];
                records.push(record(
                    2,
                    host,
                    at + 2,
                    process_created(
                        &account,
                        tool,
                        &format!("\"{tool}\""),
                        "C:\\Windows\\System32\\wsmprovhost.exe",
                        pid,
                    ),
                ));
                let port = [3389, 5985][choice(2)];
                records.push(record(
                    3,
                    host,
                    at,
                    flow(
                        source,
                        values::address(scenario, host),
                        port,
                        bytes(200_000, 8_000_000),
                        60 + choice(3000) as i64,
                    ),
                ));
                records.push(record(
                    4,
                    source,
                    at,
                    security(
                        event_id::EXPLICIT_CREDENTIALS,
                        [
                            subject(&account).to_vec(),
                            target(&account).to_vec(),
                            vec![("TargetServerName", server.to_string())],
                        ]
                        .concat(),
                    ),
                ));
            } else {
                let image = "C:\\Windows\\PSEXESVC.exe";
                records.push(record(
                    2,
                    host,
                    at + 1,
                    service_installed("PSEXESVC", "%SystemRoot%\\PSEXESVC.exe", "LocalSystem"),
                ));
                records.push(record(
                    3,
                    host,
                    at + 2,
                    process_created(
                        "NT AUTHORITY\\SYSTEM",
                        image,
                        image,
                        "C:\\Windows\\System32\\services.exe",
                        pid,
                    ),
                ));
                records.push(record(
                    4,
                    host,
                    at + 1,
                    Body::File(FileEntry {
                        path: image.to_string(),
                        size: 179_848,
                        created: at + 1,
                        modified: at + 1,
                        accessed: at + 1,
                        changed: at + 1,
                        md5: crate::scenario::values::made_up_digest("md5:psexesvc", 16),
                        sha256: crate::scenario::values::made_up_digest("sha256:psexesvc", 32),
                    }),
                ));
                records.push(record(
                    5,
                    host,
                    at,
                    flow(
                        source,
                        values::address(scenario, host),
                        445,
                        bytes(200_000, 400_000),
                        5 + choice(60) as i64,
                    ),
                ));
                let command = format!("PsExec64.exe \\\\{server} -s cmd /c \"ipconfig /all\"");
                records.push(record(
                    6,
                    source,
                    at,
                    process_created(
                        &account,
                        "C:\\Tools\\PsExec64.exe",
                        &command,
                        "C:\\Windows\\System32\\cmd.exe",
                        pid + 4,
                    ),
                ));
            }
        }
        ActivityKind::SoftwareUpdate => {
            let software = &scenario.activity.software;
            if software.is_empty() {
                return records;
            }
            let program = &software[choice(software.len())];
            if let Some(source) = other {
                let account = account_text(scenario, plan.deploy_account[group.index()], "deploy");
                records.push(record(0, host, at, network_logon(&account, source)));
                records.push(record(
                    3,
                    host,
                    at,
                    flow(
                        source,
                        values::address(scenario, host),
                        445,
                        bytes(2_000_000, 40_000_000),
                        10 + choice(120) as i64,
                    ),
                ));
            }
            records.push(record(
                1,
                host,
                at + 5,
                service_installed(&program.service, &program.image, "LocalSystem"),
            ));
            records.push(record(
                2,
                host,
                at + 4,
                Body::File(FileEntry {
                    path: program.image.clone(),
                    size: 1_000_000 + pick(&[seed, code(occurrence.kind) as u64], 9_000_000),
                    created: at + 4,
                    modified: at + 4,
                    accessed: at + 4,
                    changed: at + 4,
                    md5: crate::scenario::values::made_up_digest(&format!("md5:software:{}", program.image), 16),
                    sha256: crate::scenario::values::made_up_digest(&format!("sha256:software:{}", program.image), 32),
                }),
            ));
        }
        ActivityKind::ScheduledTask => {
            let (task, command) = TASKS[choice(TASKS.len())];
            let image = task_image(command);
            records.push(record(
                0,
                host,
                at,
                process_created(
                    "NT AUTHORITY\\SYSTEM",
                    image,
                    command,
                    "C:\\Windows\\System32\\svchost.exe",
                    pid,
                ),
            ));
            let _ = task;
        }
        ActivityKind::Backup => {
            let Some(server) = other else { return records };
            let account = account_text(scenario, plan.backup_account[group.index()], "backup");
            records.push(record(0, host, at, network_logon(&account, server)));
            records.push(record(
                1,
                host,
                at,
                flow(
                    host,
                    values::address(scenario, server),
                    10_000,
                    bytes(200_000_000, 20_000_000_000),
                    600 + choice(7200) as i64,
                ),
            ));
        }
        ActivityKind::LogMaintenance => {
            let account = account_text(scenario, admin, "Administrator");
            records.push(record(
                0,
                host,
                at,
                Body::Event(super::WindowsEvent {
                    channel: super::Channel::Security,
                    event_id: event_id::LOG_CLEARED,
                    provider: "Microsoft-Windows-Eventlog",
                    record_number: None,
                    data: subject(&account).to_vec(),
                }),
            ));
        }
        ActivityKind::WebBrowsing => {
            let addresses = &scenario.activity.web_addresses;
            if !addresses.is_empty() {
                let destination = addresses[choice(addresses.len())];
                records.push(record(
                    0,
                    host,
                    at,
                    flow(host, destination, 443, bytes(20_000, 5_000_000), 5 + choice(300) as i64),
                ));
            }
        }
    }
    records
}

/// The record an activity key names (the alert of a sensor, a record read again).
pub fn activity_record(plan: &ActivityPlan, scenario: &Scenario, seed: u64, key: RecordKey) -> Option<Record> {
    let RecordKey::Activity {
        host, kind, hour, n, ..
    } = key
    else {
        return None;
    };
    let occurrence = occurrences(plan, scenario, seed, host, kind, hour).find(|occurrence| occurrence.n == n)?;
    records_of(plan, scenario, seed, &occurrence)
        .into_iter()
        .find(|record| record.key == key)
}

/// The record a baseline key names.
pub fn baseline_record(plan: &ActivityPlan, scenario: &Scenario, seed: u64, key: RecordKey) -> Option<Record> {
    let RecordKey::Baseline { host, .. } = key else {
        return None;
    };
    baseline(plan, scenario, seed, host)
        .into_iter()
        .find(|record| record.key == key)
}

/// The occurrences on other machines whose records land on `host` (a domain controller, a
/// management host, a backup server), through `until`.
fn reaching(plan: &ActivityPlan, scenario: &Scenario, seed: u64, host: HostId, until: i64) -> Vec<Occurrence> {
    let role = scenario.hosts[host.index()].role;
    let office = scenario.hosts[host.index()].office;
    let (places, kinds): (&Places, &[ActivityKind]) = match role {
        Role::DomainController => (&plan.domain_controllers, &[ActivityKind::MistypedPassword]),
        Role::ManagementServer => (
            &plan.management,
            &[
                ActivityKind::AdminSession,
                ActivityKind::RemoteAdminTool,
                ActivityKind::SoftwareUpdate,
            ],
        ),
        Role::BackupServer => (&plan.backup_servers, &[ActivityKind::Backup]),
        _ => return Vec::new(),
    };
    // The machines that could pick this one: its office's, or every office's where they
    // have none of their own.
    let offices: Vec<OfficeId> = (0..scenario.offices.len() as u32)
        .map(OfficeId)
        .filter(|other| *other == office || (places.by_office[other.index()].is_empty() && places.all.contains(&host)))
        .collect();
    let mut found = Vec::new();
    for group in scenario.host_groups.iter().enumerate() {
        let (index, group) = group;
        if !offices.contains(&group.office) {
            continue;
        }
        for &kind in kinds {
            let rated = plan.rates[index][code(kind)].iter().any(|&rate| rate > 0);
            if !rated {
                continue;
            }
            for member in group.hosts.clone().map(HostId) {
                for hour in plan.hours_until(until) {
                    for occurrence in occurrences(plan, scenario, seed, member, kind, hour) {
                        if occurrence.at <= until && counterpart(plan, scenario, seed, &occurrence) == Some(host) {
                            found.push(occurrence);
                        }
                    }
                }
            }
        }
    }
    found
}

/// The records of ordinary activity on a machine through `until`: its own, and those other
/// machines' activity left on it.
pub fn activity_records_on(
    plan: &ActivityPlan,
    scenario: &Scenario,
    seed: u64,
    host: HostId,
    until: i64,
) -> Vec<Record> {
    let mut records: Vec<Record> = occurrences_on(plan, scenario, seed, host, until)
        .iter()
        .flat_map(|occurrence| records_of(plan, scenario, seed, occurrence))
        .filter(|record| record.host == host || record.artifact() == Artifact::Flows)
        .collect();
    records.extend(
        reaching(plan, scenario, seed, host, until)
            .iter()
            .flat_map(|occurrence| records_of(plan, scenario, seed, occurrence))
            .filter(|record| record.host == host || record.artifact() == Artifact::Flows),
    );
    records.retain(|record| record.at <= until);
    records
}

/// The last second an administrator cleared the machine's log as maintenance, through `until`.
pub fn log_cleared_at(plan: &ActivityPlan, scenario: &Scenario, seed: u64, host: HostId, until: i64) -> i64 {
    plan.hours_until(until)
        .flat_map(|hour| occurrences(plan, scenario, seed, host, ActivityKind::LogMaintenance, hour))
        .filter(|occurrence| occurrence.at <= until)
        .map(|occurrence| occurrence.at)
        .max()
        .unwrap_or(i64::MIN)
}

/// Windows' own programs every machine runs from its start.
const WINDOWS_PROGRAMS: [&str; 5] = [
    "C:\\Windows\\System32\\smss.exe",
    "C:\\Windows\\System32\\wininit.exe",
    "C:\\Windows\\System32\\services.exe",
    "C:\\Windows\\System32\\lsass.exe",
    "C:\\Windows\\System32\\svchost.exe",
];

/// Administrators' tools ordinary activity uses.
const ADMIN_TOOLS: [&str; 5] = [
    "C:\\Windows\\System32\\mmc.exe",
    "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
    "C:\\Windows\\PSEXESVC.exe",
    "%SystemRoot%\\PSEXESVC.exe",
    "C:\\Tools\\PsExec64.exe",
];

/// Every program ordinary activity runs or installs (Windows', the roles', the company's
/// software, scheduled tasks, administrators' tools), in lower case: what a responder who
/// knows the company would recognise. Anything else is unknown to them.
pub fn known_programs(scenario: &Scenario) -> Vec<String> {
    let mut known: Vec<String> = WINDOWS_PROGRAMS
        .iter()
        .chain(ADMIN_TOOLS.iter())
        .map(|image| image.to_string())
        .chain(
            Role::ALL
                .iter()
                .flat_map(|role| role_programs(*role).iter().map(|image| image.to_string())),
        )
        .chain(TASKS.iter().map(|(_, command)| task_image(command).to_string()))
        .chain(scenario.activity.software.iter().map(|program| program.image.clone()))
        .map(|image| image.to_lowercase())
        .collect();
    known.sort();
    known.dedup();
    known
}

/// The program a task's command line runs.
fn task_image(command: &str) -> &str {
    command
        .split(" /")
        .next()
        .unwrap_or(command)
        .split(" -")
        .next()
        .unwrap_or(command)
}

/// Programs every machine of a role runs.
fn role_programs(role: Role) -> &'static [&'static str] {
    match role {
        Role::Workstation => &["C:\\Windows\\explorer.exe", "C:\\Program Files\\Browser\\browser.exe"],
        Role::DomainController => &["C:\\Windows\\System32\\dns.exe", "C:\\Windows\\System32\\dfsrs.exe"],
        Role::MailServer => &["C:\\Program Files\\Mail Server\\Bin\\MailTransport.exe"],
        Role::DatabaseServer => &["C:\\Program Files\\Database Server\\Binn\\sqlservr.exe"],
        Role::WebServer => &["C:\\Windows\\System32\\inetsrv\\w3wp.exe"],
        Role::BackupServer => &["C:\\Program Files\\Backup Server\\bksrv.exe"],
        Role::PhoneServer => &["C:\\Program Files\\Voice\\callmanager.exe"],
        Role::ManagementServer => &["C:\\Windows\\System32\\mmc.exe", "C:\\Windows\\System32\\mstsc.exe"],
        Role::FileServer | Role::ApplicationServer | Role::ProductionServer => &[],
    }
}

/// What a machine runs and holds from its start: Windows' own processes, its role's programs,
/// the company's software agents, the passwords of those who logged on to it.
pub fn baseline(plan: &ActivityPlan, scenario: &Scenario, seed: u64, host: HostId) -> Vec<Record> {
    let machine = &scenario.hosts[host.index()];
    let booted = plan.first_hour as i64 * 3600 - pick(&[seed, host.0 as u64, Purpose::Second as u64, 7], 86_400) as i64;
    let mut records = Vec::new();
    let mut item = 0u16;
    let mut add = |at: i64, body: Body, records: &mut Vec<Record>| {
        records.push(Record {
            key: RecordKey::Baseline { host, item },
            host,
            at,
            body,
        });
        item += 1;
    };
    let user = values::user_of(scenario, host);
    let mut programs: Vec<(String, String)> = WINDOWS_PROGRAMS
        .iter()
        .map(|image| (image.to_string(), "NT AUTHORITY\\SYSTEM".to_string()))
        .collect();
    for image in role_programs(machine.role) {
        let owner = match machine.role {
            Role::Workstation => user.clone(),
            _ => "NT AUTHORITY\\SYSTEM".to_string(),
        };
        programs.push((image.to_string(), owner));
    }
    for program in &scenario.activity.software {
        programs.push((program.image.clone(), "NT AUTHORITY\\SYSTEM".to_string()));
        add(
            booted,
            Body::Service(ServiceEntry {
                name: program.service.clone(),
                image_path: program.image.clone(),
                start_type: "auto start",
                account: "LocalSystem".to_string(),
            }),
            &mut records,
        );
    }
    if scenario.activity.rules.is_empty() && scenario.activity.software.is_empty() {
        // A scenario without ordinary activity has no baseline either: only the attack shows.
        return Vec::new();
    }
    // `services.exe` has the id the attack's services name as their parent.
    let services_pid = values::pid(&[seed, host.0 as u64, Purpose::ParentPid as u64]);
    let pids: Vec<u32> = programs
        .iter()
        .enumerate()
        .map(
            |(index, (image, _))| match image.eq_ignore_ascii_case(WINDOWS_PROGRAMS[2]) {
                true => services_pid,
                false => values::pid(&[seed, host.0 as u64, index as u64, Purpose::Pid as u64]),
            },
        )
        .collect();
    let pid_of = |wanted: &str| {
        programs
            .iter()
            .position(|(image, _)| image.eq_ignore_ascii_case(wanted))
            .map(|index| pids[index])
    };
    for (index, (image, owner)) in programs.iter().enumerate() {
        let pid = pids[index];
        // Each process under the one that starts it on Windows; `userinit.exe`, which starts
        // the desktop, has exited by the time anyone looks (its id is all that is left).
        let parent = match file_name(image).to_ascii_lowercase().as_str() {
            "smss.exe" => "System",
            "wininit.exe" => WINDOWS_PROGRAMS[0],
            "services.exe" | "lsass.exe" => WINDOWS_PROGRAMS[1],
            "explorer.exe" => "C:\\Windows\\System32\\userinit.exe",
            _ if owner != "NT AUTHORITY\\SYSTEM" => "C:\\Windows\\explorer.exe",
            _ => WINDOWS_PROGRAMS[2],
        };
        let parent_pid = match parent {
            "System" => 4,
            parent => {
                pid_of(parent).unwrap_or_else(|| values::pid(&[seed, host.0 as u64, Purpose::ParentPid as u64, 1]))
            }
        };
        add(
            booted + index as i64 * 2,
            Body::Process(ProcessEntry {
                pid,
                parent_pid,
                parent_image: parent.to_string(),
                image: image.clone(),
                command_line: format!("\"{image}\""),
                user: owner.clone(),
                started: booted + index as i64 * 2,
            }),
            &mut records,
        );
    }
    let mut cached: Vec<String> = scenario
        .group_of(host)
        .cached_credentials
        .iter()
        .map(|account| scenario.accounts[account.index()].name.clone())
        .collect();
    if machine.role == Role::Workstation {
        cached.push(user);
    }
    for account in cached {
        add(
            booted + 60,
            Body::Credential(CredentialEntry {
                account,
                logon_type: "interactive",
            }),
            &mut records,
        );
    }
    records
}

/// The kinds whose occurrences a sensor alerts on, and the sensor each needs.
fn alerting(kind: ActivityKind) -> bool {
    matches!(
        kind,
        ActivityKind::MistypedPassword
            | ActivityKind::RemoteAdminTool
            | ActivityKind::SoftwareUpdate
            | ActivityKind::LogMaintenance
    )
}

/// At the start of each hour of the exercise: the alerts ordinary activity of that hour will
/// trip (the log collector on events it watches for, EDR on administration tools), and the
/// helpdesk calls about anything but the attack. Only machines with sensors (and the domain
/// controllers' sources) are looked at.
fn raise_ordinary_alerts(
    clock: Res<Clock>,
    scenario: Res<ScenarioData>,
    seed: Res<EvidenceSeed>,
    plan: Res<ActivityPlan>,
    hours: Res<OfficeHours>,
    mut pending: ResMut<PendingObservations>,
) {
    let scenario = &scenario.0;
    let tick_seconds = scenario.meta.tick_seconds as i64;
    let now = clock.now.0 as i64 * tick_seconds;
    let hour = now.div_euclid(3600);
    // The first tick of each hour (or the exercise's first tick) looks at the hour ahead.
    if clock.now.0 != 0 && (now - tick_seconds).div_euclid(3600) == hour {
        return;
    }
    let hour = hour as i32;
    let telemetry = &scenario.telemetry;
    // At the start the collector is still working through the hour before: its alerts that
    // fall due in the exercise come in too.
    let looked: &[i32] = if clock.now.0 == 0 { &[hour - 1, hour] } else { &[hour] };
    let due = |at: i64, delay: u32| at.div_euclid(tick_seconds) + delay.max(1) as i64;
    for (group_index, group) in scenario.host_groups.iter().enumerate() {
        let logs = group.sensors.contains(&Sensor::LogForwarding);
        let edr = group.sensors.contains(&Sensor::Edr);
        for kind in KINDS.into_iter().filter(|kind| alerting(*kind)) {
            let rates: Vec<(i32, u32, u64)> = looked
                .iter()
                .map(|&hour| {
                    (
                        hour,
                        plan.rate(GroupId(group_index as u32), kind, hour),
                        count_mix(seed.0, kind, hour),
                    )
                })
                .collect();
            if rates.iter().all(|&(_, rate, _)| rate == 0) {
                continue;
            }
            // Failed sign-ins are seen at the domain controller too.
            let controller_watched = kind == ActivityKind::MistypedPassword;
            if !logs && !edr && !controller_watched {
                continue;
            }
            for host in group.hosts.clone().map(HostId) {
                for &(hour, rate, count_mix) in &rates {
                    let count = count_at_rate(rate, count_mix, host);
                    for occurrence in occurrences_counted(count, seed.0, host, kind, hour) {
                        let key = |part| RecordKey::Activity {
                            host,
                            kind,
                            hour,
                            n: occurrence.n,
                            part,
                        };
                        let mut alert = |on: HostId, part: u8, what: Observation, delay: u32| {
                            // Only what happens from now on, or fell due in the hour before the start.
                            let tick = due(occurrence.at, delay);
                            if occurrence.at >= now || (hour < 0 && tick >= 0) {
                                pending.push(Observed {
                                    tick: Tick(tick.max(clock.now.0 as i64) as u32),
                                    host: Some(on),
                                    what,
                                    record: Some(key(part)),
                                });
                            }
                        };
                        match kind {
                            ActivityKind::MistypedPassword => {
                                if logs {
                                    alert(
                                        host,
                                        0,
                                        Observation::LogAlert {
                                            event_id: event_id::FAILED_LOGON,
                                        },
                                        telemetry.log_alert_delay_ticks,
                                    );
                                }
                                if let Some(controller) = counterpart(&plan, scenario, seed.0, &occurrence)
                                    && super::forwards_logs(scenario, controller)
                                {
                                    alert(
                                        controller,
                                        1,
                                        Observation::LogAlert {
                                            event_id: event_id::KERBEROS_PREAUTH_FAILED,
                                        },
                                        telemetry.log_alert_delay_ticks,
                                    );
                                }
                            }
                            ActivityKind::RemoteAdminTool => {
                                if edr {
                                    alert(
                                        host,
                                        2,
                                        Observation::EdrSuspiciousService,
                                        telemetry.edr_alert_delay_ticks,
                                    );
                                }
                                if logs {
                                    alert(
                                        host,
                                        2,
                                        Observation::LogAlert {
                                            event_id: event_id::SERVICE_INSTALLED,
                                        },
                                        telemetry.log_alert_delay_ticks,
                                    );
                                }
                            }
                            ActivityKind::SoftwareUpdate if logs => alert(
                                host,
                                1,
                                Observation::LogAlert {
                                    event_id: event_id::SERVICE_INSTALLED,
                                },
                                telemetry.log_alert_delay_ticks,
                            ),
                            ActivityKind::LogMaintenance if logs => alert(
                                host,
                                0,
                                Observation::LogAlert {
                                    event_id: event_id::LOG_CLEARED,
                                },
                                telemetry.log_alert_delay_ticks,
                            ),
                            _ => {}
                        }
                    }
                }
            }
        }
    }
    // Ordinary helpdesk calls: each member of staff may call once an hour, in business hours.
    for (office_index, office) in scenario.offices.iter().enumerate() {
        let odds = plan.helpdesk[office_index]
            .get((hour - plan.first_hour).max(0) as usize)
            .copied()
            .unwrap_or(0);
        let workstations = &plan.workstations[office_index];
        if odds == 0 || workstations.is_empty() {
            continue;
        }
        // The person comes last, so the scan mixes one number each.
        let calls = mix(&[seed.0, office_index as u64, hour as u64, Purpose::Count as u64]);
        for person in 0..office.headcount {
            if !chance_of_mixed(mix_more(calls, person as u64), odds as u64 * 1000) {
                continue;
            }
            let host = workstations[pick(
                &[
                    seed.0,
                    office_index as u64,
                    hour as u64,
                    person as u64,
                    Purpose::Host as u64,
                ],
                workstations.len() as u64,
            ) as usize];
            let topic = CallTopic::ORDINARY[pick(
                &[
                    seed.0,
                    office_index as u64,
                    hour as u64,
                    person as u64,
                    Purpose::Choice as u64,
                ],
                5,
            ) as usize];
            let at = hour as i64 * 3600
                + pick(
                    &[
                        seed.0,
                        office_index as u64,
                        hour as u64,
                        person as u64,
                        Purpose::Second as u64,
                    ],
                    3590,
                ) as i64;
            if at < now || !hours.is_open(OfficeId(office_index as u32), Tick((at / tick_seconds) as u32)) {
                continue;
            }
            pending.push(Observed {
                tick: Tick((at / tick_seconds) as u32),
                host: Some(host),
                what: Observation::HelpdeskCall(topic),
                record: None,
            });
        }
    }
}
