//! Synthetic enterprise scenarios of any size, for scale tests and benchmarks.
//! The output is ordinary scenario text: templates keep a million machines to a few pages.

use std::fmt::Write;

/// Time zones the generated offices cycle through.
const TIME_ZONES: [&str; 6] = [
    "America/Los_Angeles",
    "America/New_York",
    "Europe/London",
    "Europe/Warsaw",
    "Asia/Tokyo",
    "Australia/Sydney",
];

/// The most machines the generator lays out: 10.0.0.0/8 as /20 subnets, with room to spare
/// for the last subnets of each office.
pub const MAX_HOSTS: u64 = 16_000_000;

/// Usable addresses of the /20 subnets the generator lays out.
const SUBNET_ROOM: u64 = 4_094;

/// Servers are about 19% of machines, as at Sony in 2014 (1,555 of 8,352).
const SERVER_PER_MILLE: u64 = 186;

/// Writes a scenario of about `hosts` machines (at least two offices' worth of servers).
pub fn synthetic_enterprise(hosts: u64) -> String {
    let offices = hosts.div_ceil(40_000).clamp(2, 250);
    let mut text = String::new();
    let mut office_blocks = String::new();
    let mut links = String::new();
    let mut remaining = hosts;
    let mut next_block = 0;
    for office in 0..offices {
        let share = remaining / (offices - office);
        remaining -= share;
        next_block = write_office(&mut office_blocks, office, share, next_block);
        if office > 0 {
            let _ = writeln!(
                links,
                "            (name: \"wan-{office:03}\", between: (\"office-000\", \"office-{office:03}\")),"
            );
        }
    }
    let _ = write!(
        text,
        r##"// Synthetic enterprise of {hosts} machines written by `redscreen gen`. Ordinary activity
// follows redscreen's defaults (no `activity` section).
Scenario(
    format: 2,
    meta: (
        id: "synthetic-{hosts}",
        title: "Synthetic enterprise, {hosts} machines",
        briefing: "A generated company for scale tests: every office alike, one wiper.",
        start: "2024-03-04 06:00",
        time_zone: "America/Los_Angeles",
        tick: "1m",
        duration: "3d",
    ),
    services: [
        (name: "mail", title: "E-mail", up_when: AtLeast(1), channel: Email),
        (name: "directory", title: "Sign-in and directory", up_when: AtLeast(1)),
        (name: "file-shares", title: "File shares", up_when: ShareAtLeast(500)),
        (name: "production", title: "Line-of-business applications", up_when: ShareAtLeast(700)),
        (name: "desktops", title: "Staff desktops", up_when: ShareAtLeast(800)),
    ],
    accounts: [
        (name: "CORP\\domain-admin", kind: DomainAdmin, password: Strong, admin_on: [All]),
        (name: "CORP\\desktop-support", kind: Admin, password: Weak, admin_on: [Role(Workstation)]),
        (name: "CORP\\svc-backup", kind: Service, password: Medium, admin_on: [Role(BackupServer), Role(FileServer)]),
    ],
    offices: [
{office_blocks}    ],
    network: (
        links: [
{links}        ],
        between_subnets: Allow,
        firewall: [],
        internet_egress_ports: [80, 443],
    ),
    threat: (
        actor: "Synthetic wiper crew",
        footholds: [(host: "O000-WS-000001", technique: "T1566.001", dwell: "30d")],
        tools: [
            (name: "worm", kind: Worm, files: [(name: "svcupdate.exe")], services: ["Update Scheduler"], techniques: ["T1021.002", "T1110.001"]),
            (name: "wiper", kind: Wiper, files: [(name: "diskclean.exe")], techniques: ["T1561.002", "T1485"]),
        ],
        credentials: ["CORP\\desktop-support"],
        spread: (scan_rate: 3, ports: [445], guess_per_mille: 2, copy_delay: "2m"),
        trigger: (time_bomb: "2024-03-04 09:00", delay_after_install: "30m"),
        wipe_duration: "20m",
        c2: [(address: "198.51.100.23", port: 443)],
    ),
    screen: (
        headline: "Your files are gone",
        body: ["Every disk in this company is being erased."],
        colours: (background: "#000000", headline: "#d01010", text: "#f0f0f0", accent: "#d01010"),
        image: Skeleton,
        after_wipe: "No bootable device found.",
    ),
    injects: [
        (name: "first-call", when: Share(state: Defaced, of: All, per_mille: 1), channel: Phone, from: "Helpdesk", subject: "A red screen on a desktop"),
    ],
    responders: (team_size: 4, office: "office-000", working_hours: "00:00-24:00", contacts: ["executives"]),
    rubric: (
        objectives: [
            (name: "save-machines", weight: 60, goal: SaveMachines),
            (name: "detect", weight: 20, goal: Detect(within: "30m")),
            (name: "contain", weight: 20, goal: Contain(within: "2h")),
        ],
    ),
)
"##
    );
    text
}

/// One office: workstation subnets of up to 4,094 machines, then its server subnets, from the
/// /20 numbered `first_block` in 10.0.0.0/8; returns the next free /20. The offices' subnets
/// follow each other, so 10.0.0.0/8's 4,096 /20s hold up to 16.7 million machines.
fn write_office(text: &mut String, office: u64, hosts: u64, first_block: u64) -> u64 {
    let servers = (hosts * SERVER_PER_MILLE / 1000).max(8);
    let workstations = hosts.saturating_sub(servers);
    let zone = TIME_ZONES[office as usize % TIME_ZONES.len()];
    let subnet_cidr = |index: u64| {
        let block = first_block + index;
        format!("10.{}.{}.0/20", block / 16, (block % 16) * 16)
    };
    let workstation_subnets = workstations.div_ceil(SUBNET_ROOM);
    let server_subnets = servers.div_ceil(SUBNET_ROOM);
    let _ = writeln!(
        text,
        "        (\n            name: \"office-{office:03}\",\n            location: \"Site {office}\",\n            time_zone: \"{zone}\",\n            business_hours: \"08:00-18:00\",\n            headcount: {workstations},\n            subnets: ["
    );
    for index in 0..workstation_subnets {
        let _ = writeln!(
            text,
            "                (name: \"ws-{index:02}\", cidr: \"{}\", role: Workstations),",
            subnet_cidr(index)
        );
    }
    for index in 0..server_subnets {
        let _ = writeln!(
            text,
            "                (name: \"srv-{index:02}\", cidr: \"{}\", role: Servers),",
            subnet_cidr(workstation_subnets + index)
        );
    }
    let _ = writeln!(text, "            ],\n            hosts: [");
    let prefix = format!("O{office:03}");
    let mut first = 1;
    let mut left = workstations;
    for index in 0..workstation_subnets {
        let count = left.min(SUBNET_ROOM);
        left -= count;
        let _ = writeln!(
            text,
            "                (name: \"{prefix}-WS-{{n:06}}\", count: {count}, first: {first}, subnet: \"ws-{index:02}\", role: Workstation, services: [\"desktops\"], sensors: [LogForwarding], cached_credentials: [\"CORP\\\\desktop-support\"], backup: Online(server: \"{prefix}-BK-01\", restore_time: \"4h\")),"
        );
        first += count;
    }
    let fixed = [
        ("DC-{n:02}", 2, "DomainController", "\"directory\""),
        ("MX-{n:02}", 2, "MailServer", "\"mail\""),
        ("BK-{n:02}", 1, "BackupServer", ""),
        ("FS-{n:03}", 2, "FileServer", "\"file-shares\""),
    ];
    let fixed_total: u64 = fixed.iter().map(|(_, count, _, _)| count).sum();
    let mut groups: Vec<(String, u64, &str, &str)> = fixed
        .iter()
        .map(|(name, count, role, services)| (name.to_string(), *count, *role, *services))
        .collect();
    groups.push((
        "APP-{n:05}".to_string(),
        servers - fixed_total,
        "ApplicationServer",
        "\"production\"",
    ));
    // Servers fill their subnets in order; a group that crosses a subnet boundary is split.
    let mut subnet = 0;
    let mut room = SUBNET_ROOM;
    for (name, mut count, role, services) in groups {
        let mut number = 1;
        while count > 0 {
            let here = count.min(room);
            let _ = writeln!(
                text,
                "                (name: \"{prefix}-{name}\", count: {here}, first: {number}, subnet: \"srv-{subnet:02}\", role: {role}, services: [{services}], sensors: [Edr, LogForwarding], backup: Offline(restore_time: \"12h\")),"
            );
            count -= here;
            number += here;
            room -= here;
            if room == 0 {
                subnet += 1;
                room = SUBNET_ROOM;
            }
        }
    }
    let _ = writeln!(text, "            ],\n        ),");
    first_block + workstation_subnets + server_subnets
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Limits, Origin, load_str};

    #[test]
    fn generated_scenarios_check_and_have_the_size_asked() {
        for hosts in [60, 10_000, 100_000] {
            let text = synthetic_enterprise(hosts);
            let origin = Origin {
                name: "generated".to_string(),
                folder: None,
            };
            let scenario = load_str(&text, &origin, &Limits::default()).unwrap_or_else(|error| match error {
                crate::scenario::LoadError::Invalid(report) => panic!("{report}"),
                other => panic!("{other}"),
            });
            assert_eq!(scenario.hosts.len() as u64, hosts);
        }
    }
}
