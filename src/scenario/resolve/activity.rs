//! `activity`: ordinary activity rules checked and completed with defaults. A format-1 file
//! has none (that is what it meant); a format-2 file that leaves the section out gets the
//! defaults below (documented in docs/scenario-format.md).

use std::net::Ipv4Addr;

use crate::scenario::file as raw;
use crate::scenario::model::*;
use crate::scenario::source_map::Step::{Field, Index};
use crate::scenario::values::ClockRange;

use super::*;

/// The roles a kind of activity happens on when a rule names none.
pub fn kind_roles(kind: ActivityKind) -> Vec<Role> {
    let servers = || {
        Role::ALL
            .iter()
            .copied()
            .filter(|role| *role != Role::Workstation)
            .collect()
    };
    match kind {
        ActivityKind::SignIn | ActivityKind::MistypedPassword | ActivityKind::WebBrowsing => vec![Role::Workstation],
        ActivityKind::AdminSession
        | ActivityKind::RemoteAdminTool
        | ActivityKind::ScheduledTask
        | ActivityKind::LogMaintenance => servers(),
        ActivityKind::SoftwareUpdate => Role::ALL.to_vec(),
        ActivityKind::Backup => vec![
            Role::FileServer,
            Role::DatabaseServer,
            Role::MailServer,
            Role::ApplicationServer,
        ],
    }
}

/// The defaults: a working week in a company of this kind (rates per machine and hour).
fn default_rules() -> Vec<ActivityRule> {
    let rule = |kind, hours: Option<&str>, per_mille| ActivityRule {
        kind,
        roles: kind_roles(kind),
        offices: Vec::new(),
        hours: hours.map(|text| ClockRange::parse_overnight(text).expect("the defaults parse")),
        days: None,
        per_mille,
    };
    use ActivityKind::*;
    vec![
        // People at their desks in business hours.
        rule(SignIn, None, 120),
        rule(WebBrowsing, None, 600),
        // Early arrivals and late leavers mistype too.
        rule(MistypedPassword, Some("06:30-19:00"), 8),
        // IT staff in the day, and a few at night.
        rule(AdminSession, None, 40),
        rule(AdminSession, Some("19:00-07:00"), 4),
        rule(RemoteAdminTool, None, 6),
        // Updates go out overnight, and a few in the day.
        rule(SoftwareUpdate, Some("22:00-06:00"), 60),
        rule(SoftwareUpdate, None, 2),
        rule(ScheduledTask, Some("00:00-24:00"), 30),
        rule(Backup, Some("01:00-05:00"), 200),
        rule(LogMaintenance, Some("00:00-24:00"), 1),
    ]
}

/// The company's own software when the scenario names none (names made up for redscreen).
fn default_software() -> Vec<Software> {
    [
        ("DeployAgent", "C:\\Program Files\\Deploy Agent\\deployagent.exe"),
        ("PatchService", "C:\\Program Files\\Patch Service\\patchsvc.exe"),
        ("EndpointUpdate", "C:\\Program Files\\Endpoint Protection\\epupdate.exe"),
        ("InventoryCollector", "C:\\Program Files\\Inventory\\invcollect.exe"),
    ]
    .into_iter()
    .map(|(service, image)| Software {
        service: service.to_string(),
        image: image.to_string(),
    })
    .collect()
}

/// Addresses staff reach on the web when the scenario names none (documentation ranges).
fn default_web_addresses() -> Vec<Ipv4Addr> {
    (20..60).map(|host| Ipv4Addr::new(203, 0, 113, host)).collect()
}

/// Rates above this (a hundred times an hour on every machine) are a mistake.
const MAX_RATE: u32 = 100_000;

pub(super) fn resolve_activity(
    checker: &mut Checker,
    tables: &Tables,
    format: u32,
    activity: Option<&raw::Activity>,
) -> Activity {
    let activity = match (activity, format) {
        (Some(activity), _) => activity.clone(),
        // Format 1 had no ordinary activity: its files still mean none.
        (None, 1) => return Activity::default(),
        (None, _) => raw::Activity::default(),
    };
    let path = |field| [Field("activity"), Field(field)];
    let rules = match &activity.rules {
        None => default_rules(),
        Some(rules) => rules
            .iter()
            .enumerate()
            .map(|(index, rule)| {
                let rule_path = |field| [Field("activity"), Field("rules"), Index(index), Field(field)];
                if rule.per_mille > MAX_RATE {
                    checker.invalid(
                        &rule_path("per_mille"),
                        "rate",
                        &rule.per_mille.to_string(),
                        format!("at most {MAX_RATE} per-mille (a hundred times an hour on every machine)"),
                    );
                }
                let roles = match rule.roles.is_empty() {
                    true => kind_roles(rule.kind),
                    false => rule.roles.clone(),
                };
                ActivityRule {
                    kind: rule.kind,
                    roles,
                    offices: tables
                        .offices
                        .lookup_all(checker, &rule.offices, &rule_path("offices"), OfficeId),
                    hours: rule.hours.as_ref().and_then(|text| {
                        ClockRange::parse_overnight(text)
                            .map_err(|reason| checker.invalid(&rule_path("hours"), "hours", text, reason))
                            .ok()
                    }),
                    days: rule.days.clone(),
                    per_mille: rule.per_mille,
                }
            })
            .collect(),
    };
    let history_seconds = match checker.duration_seconds(&path("history"), &activity.history) {
        Some(seconds) if seconds <= 30 * 86_400 => seconds as u32,
        Some(_) => {
            checker.invalid(
                &path("history"),
                "history",
                &activity.history,
                "at most 30d of activity before the exercise".to_string(),
            );
            0
        }
        None => 0,
    };
    let web_addresses = match &activity.web_addresses {
        None => default_web_addresses(),
        Some(addresses) => items(addresses, &path("web_addresses"))
            .filter_map(|(text, at)| {
                text.parse::<Ipv4Addr>()
                    .map_err(|_| {
                        checker.invalid(
                            &at,
                            "IPv4 address",
                            text,
                            "expected an address such as 203.0.113.7".to_string(),
                        )
                    })
                    .ok()
            })
            .collect(),
    };
    let software = activity.software.clone().unwrap_or_else(default_software);
    for (index, program) in software.iter().enumerate() {
        let at = [Field("activity"), Field("software"), Index(index), Field("image")];
        windows_path(checker, &program.image, &at);
    }
    Activity {
        rules,
        software,
        helpdesk_calls_per_mille: activity.helpdesk_calls_per_mille,
        history_seconds,
        web_addresses,
    }
}
