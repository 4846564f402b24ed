//! Checks a parsed scenario file and resolves it into the model, collecting every problem
//! rather than stopping at the first. A failed lookup continues with a placeholder id so later
//! checks still run; the model is only handed out when no problem was found.

mod activity;
mod checker;
mod company;
mod hosts;
mod injects;
mod meta;
mod network;
mod page;
mod responders;
mod rubric;
mod threat;

use super::diagnostic::{NameKind, ProblemKind};
use super::file as raw;
use super::model::*;
use super::source_map::Step::{Field, Index};

pub(in crate::scenario) use checker::Checker;
pub use checker::NameUse;
pub use threat::threat_indicators;

use activity::resolve_activity;
use checker::{MAX_HOST_SUGGESTIONS, Names, hash, items, ports, technique, techniques, windows_path};
use company::{resolve_accounts, resolve_offices, resolve_services, scope};
use hosts::{host, hosts_named, resolve_hosts};
use injects::resolve_injects;
use meta::{ExerciseTime, duration_ticks, exercise_time, resolve_meta, time_zone};
use network::resolve_network;
use page::resolve_screen;
use responders::{resolve_responders, resolve_telemetry};
use rubric::resolve_rubric;
use threat::resolve_threat;

/// The format version this build writes and reads; older ones are read as they were meant.
pub const FORMAT_VERSION: u32 = 3;

pub use activity::kind_roles;

/// Fields a file of an older format cannot hold: it was written before they meant anything.
fn format_3_fields(checker: &mut Checker, file: &raw::ScenarioFile) {
    if file.format >= 3 {
        return;
    }
    let mut used: Vec<Vec<crate::scenario::source_map::Step>> = Vec::new();
    for (index, service) in file.services.iter().enumerate() {
        let path = |field| vec![Field("services"), Index(index), Field(field)];
        let fields = [
            ("run_as", !service.run_as.is_empty()),
            ("ports", !service.ports.is_empty()),
            ("reconfigure_time", service.reconfigure_time.is_some()),
            ("recovers_after", service.recovers_after.is_some()),
        ];
        used.extend(fields.iter().filter(|(_, set)| *set).map(|(field, _)| path(field)));
    }
    for (index, foothold) in file.threat.footholds.iter().enumerate() {
        if !foothold.tools.is_empty() {
            used.push(vec![Field("threat"), Field("footholds"), Index(index), Field("tools")]);
        }
    }
    let threat = |field| vec![Field("threat"), Field(field)];
    if !file.threat.reactions.is_empty() {
        used.push(threat("reactions"));
    }
    if file.threat.beacon.is_some() {
        used.push(threat("beacon"));
    }
    if !file.threat.exfiltration.is_empty() {
        used.push(threat("exfiltration"));
    }
    if !file.data.is_empty() {
        used.push(vec![Field("data")]);
    }
    if file.telemetry.flow_retention.is_some() {
        used.push(vec![Field("telemetry"), Field("flow_retention")]);
    }
    for (index, inject) in file.injects.iter().enumerate() {
        if matches!(inject.when, raw::When::Leak { .. }) {
            used.push(vec![Field("injects"), Index(index), Field("when")]);
        }
    }
    for (index, objective) in file.rubric.objectives.iter().enumerate() {
        if matches!(objective.goal, raw::Goal::ScopeTheft) {
            used.push(vec![Field("rubric"), Field("objectives"), Index(index), Field("goal")]);
        }
    }
    for path in used {
        checker.inconsistent(
            &path,
            format!("this field is new in format 3; the file says `format: {}`", file.format),
            "not in this format",
            Some("write `format: 3` (a format-2 file reads the same in format 3)".to_string()),
        );
    }
}

/// Everything that a later section refers to by name.
struct Tables {
    offices: Names,
    /// Subnets by `office/subnet`.
    subnets: Names,
    services: Names,
    accounts: Names,
    tools: Names,
    injects: Names,
    contacts: Names,
    data: Names,
}

/// Hosts once expanded, sorted by name for lookups.
struct HostTable {
    hosts: Vec<Host>,
    by_name: Vec<HostId>,
    /// False when the hosts were not expanded (too many): host references are then not checked.
    expanded: bool,
}

pub(super) fn resolve(file: raw::ScenarioFile, checker: &mut Checker) -> Option<Scenario> {
    if !(1..=FORMAT_VERSION).contains(&file.format) {
        checker.report(
            &[Field("format")],
            ProblemKind::UnsupportedFormat { found: file.format },
            "unsupported version",
            Some(match file.format > FORMAT_VERSION {
                true => "the file was written for a newer redscreen: use that one, or update this one".to_string(),
                false => format!("write `format: {FORMAT_VERSION}`"),
            }),
        );
    }
    let (meta, timing) = resolve_meta(checker, &file.meta);
    let mut tables = Tables {
        offices: Names::new(NameKind::Office),
        subnets: Names::new(NameKind::Subnet),
        services: Names::new(NameKind::Service),
        accounts: Names::new(NameKind::Account),
        tools: Names::new(NameKind::Tool),
        injects: Names::new(NameKind::Inject),
        contacts: Names::new(NameKind::Contact),
        data: Names::new(NameKind::Data),
    };
    for (index, account) in file.accounts.iter().enumerate() {
        tables.accounts.declare(
            checker,
            &account.name,
            &[Field("accounts"), Index(index), Field("name")],
        );
    }
    let services = resolve_services(checker, &mut tables, &timing, &file.services);
    if file.accounts.len() > MAX_ACCOUNTS {
        checker.inconsistent(
            &[Field("accounts"), Index(MAX_ACCOUNTS)],
            format!(
                "{} accounts; a scenario holds at most {MAX_ACCOUNTS}",
                file.accounts.len()
            ),
            "one account too many",
            Some("accounts stand for roles and groups of people, not every employee".to_string()),
        );
    }
    let (offices, mut subnets) = resolve_offices(checker, &mut tables, &file.offices);
    let (host_groups, host_table) = resolve_hosts(checker, &tables, &file.offices, &mut subnets, &timing);
    let accounts = resolve_accounts(checker, &tables, &host_table, &file.accounts);
    let data = company::resolve_data(checker, &mut tables, &host_table, &file.data);
    let network = resolve_network(checker, &tables, &host_table, &file.network);
    let threat = resolve_threat(checker, &mut tables, &host_table, &timing, &file.threat);
    let screen = resolve_screen(checker, &file.screen);
    let injects = resolve_injects(checker, &mut tables, &host_table, &timing, &file.injects);
    let telemetry = resolve_telemetry(checker, &timing, &file.telemetry);
    let activity = resolve_activity(checker, &tables, file.format, file.activity.as_ref());
    let responders = resolve_responders(checker, &mut tables, &file.responders);
    let rubric = resolve_rubric(checker, &tables, &host_table, &timing, &threat, &file.rubric);
    format_3_fields(checker, &file);

    if !checker.problems.is_empty() || checker.problems_left_out > 0 {
        return None;
    }
    Some(Scenario {
        format: file.format,
        meta,
        offices,
        subnets,
        host_groups,
        hosts: host_table.hosts,
        services,
        accounts,
        data,
        network,
        threat,
        screen,
        injects,
        telemetry,
        activity,
        responders,
        rubric,
        content_hash: crate::checksum::Fnv1a::of(checker.source.as_bytes()),
        hosts_by_name: host_table.by_name,
        hosts_by_address: std::sync::OnceLock::new(),
    })
}
