//! Machines: each `hosts` entry checked and expanded into machines with names and addresses
//! in their subnet, and machines looked up by name.

use std::collections::BTreeMap;

use crate::scenario::diagnostic::{NameKind, ProblemKind, closest, suggestion};
use crate::scenario::file as raw;
use crate::scenario::model::*;
use crate::scenario::source_map::{Step, Step::Field, Step::Index};
use crate::scenario::values::{NamePattern, thousands};

use super::*;

pub(super) fn resolve_hosts(
    checker: &mut Checker,
    tables: &Tables,
    offices: &[raw::Office],
    subnets: &mut [Subnet],
    timing: &ExerciseTime,
) -> (Vec<HostGroup>, HostTable) {
    let mut groups = Vec::new();
    let mut total: u64 = 0;
    let mut too_many = false;
    // Without every machine's name, references to machines cannot be checked.
    let mut names_known = true;
    let mut group_paths = Vec::new();
    for (office_index, office) in offices.iter().enumerate() {
        let office_id = OfficeId(tables.offices.ids.get(&office.name).copied().unwrap_or(0));
        for (host_index, group) in office.hosts.iter().enumerate() {
            let path = |field| {
                [
                    Field("offices"),
                    Index(office_index),
                    Field("hosts"),
                    Index(host_index),
                    Field(field),
                ]
            };
            // A machine's name is declared by its group, which generates it.
            checker.note_name(
                NameKind::Host,
                &groups.len().to_string(),
                &group.name,
                &path("name"),
                true,
            );
            let subnet = local_subnet(checker, tables, office, &group.subnet, &path("subnet"));
            let parsed = NamePattern::parse(&group.name);
            let pattern_parsed = parsed.is_ok();
            let pattern = parsed.unwrap_or_else(|reason| {
                checker.invalid(&path("name"), "host name", &group.name, reason);
                names_known = false;
                NamePattern::plain(&group.name)
            });
            if group.count == 0 {
                checker.inconsistent(
                    &path("count"),
                    "`count` is 0".to_string(),
                    "no machine",
                    Some("remove the entry or give a count of 1 or more".to_string()),
                );
            } else if group.count > 1 && !pattern.is_template() && pattern_parsed {
                names_known = false;
                checker.inconsistent(
                    &path("name"),
                    format!("{} machines would all be named `{}`", group.count, group.name),
                    "needs a number placeholder",
                    Some(format!(
                        "add `{{n:04}}` where the number goes, such as `{}-{{n:04}}`",
                        group.name
                    )),
                );
            }
            total = total.saturating_add(group.count as u64);
            if total > checker.limits.max_hosts && !too_many {
                too_many = true;
                checker.report(
                    &path("count"),
                    ProblemKind::TooManyHosts {
                        count: offices
                            .iter()
                            .flat_map(|office| &office.hosts)
                            .map(|group| group.count as u64)
                            .sum(),
                        limit: checker.limits.max_hosts,
                    },
                    "the total passes the limit here",
                    Some("lower the counts, or raise the limit with `--max-hosts`".to_string()),
                );
            }
            let services = tables
                .services
                .lookup_all(checker, &group.services, &path("services"), ServiceId);
            let cached_credentials = tables.accounts.lookup_all(
                checker,
                &group.cached_credentials,
                &path("cached_credentials"),
                AccountId,
            );
            let backup = match &group.backup {
                raw::Backup::None => Backup::None,
                raw::Backup::Offline { restore_time } => Backup::Offline {
                    restore_ticks: duration_ticks(checker, timing, restore_time, &path("backup")),
                },
                // The server is looked up once every host exists.
                raw::Backup::Online { restore_time, .. } => Backup::Online {
                    server: HostId(0),
                    restore_ticks: duration_ticks(checker, timing, restore_time, &path("backup")),
                },
            };
            group_paths.push((office_index, host_index));
            groups.push(HostGroup {
                pattern,
                office: office_id,
                subnet: subnet.unwrap_or(SubnetId(u32::MAX)),
                role: group.role,
                os: group.os,
                services,
                sensors: group.sensors.clone(),
                cached_credentials,
                backup,
                hosts: 0..0,
            });
        }
    }

    let mut table = HostTable {
        hosts: Vec::new(),
        by_name: Vec::new(),
        expanded: !too_many && names_known,
    };
    if !table.expanded {
        return (groups, table);
    }
    expand_hosts(checker, offices, &mut groups, &group_paths, subnets, &mut table);

    for (group_index, &(office_index, host_index)) in group_paths.iter().enumerate() {
        if let raw::Backup::Online { server, .. } = &offices[office_index].hosts[host_index].backup {
            let path = [
                Field("offices"),
                Index(office_index),
                Field("hosts"),
                Index(host_index),
                Field("backup"),
                Field("server"),
            ];
            if let Some(server) = host(checker, &table, server, &path) {
                if table.hosts[server.index()].role != Role::BackupServer {
                    checker.inconsistent(
                        &path,
                        format!("`{}` is not a BackupServer", table.hosts[server.index()].name),
                        "backups need a BackupServer",
                        None,
                    );
                }
                if let Backup::Online { server: slot, .. } = &mut groups[group_index].backup {
                    *slot = server;
                }
            }
        }
    }
    (groups, table)
}

/// A subnet of this office, named without the office.
pub(super) fn local_subnet(
    checker: &mut Checker,
    tables: &Tables,
    office: &raw::Office,
    name: &str,
    path: &[Step],
) -> Option<SubnetId> {
    let qualified = format!("{}/{name}", office.name);
    checker.note_name(NameKind::Subnet, &qualified, name, path, false);
    if let Some(&id) = tables.subnets.ids.get(&qualified) {
        return Some(SubnetId(id));
    }
    let hint = suggestion(name, office.subnets.iter().map(|subnet| subnet.name.as_str()));
    checker.report(
        path,
        ProblemKind::UnknownName {
            kind: NameKind::Subnet,
            name: name.to_string(),
        },
        format!("office `{}` has no subnet of this name", office.name),
        hint,
    );
    None
}

/// Names and numbers every machine, checks subnet room and unique names.
pub(super) fn expand_hosts(
    checker: &mut Checker,
    offices: &[raw::Office],
    groups: &mut [HostGroup],
    group_paths: &[(usize, usize)],
    subnets: &mut [Subnet],
    table: &mut HostTable,
) {
    let total: usize = group_paths
        .iter()
        .map(|&(office, host)| offices[office].hosts[host].count as usize)
        .sum();
    table.hosts.reserve_exact(total);
    let mut placed = vec![0u64; subnets.len()];
    for (group_index, group) in groups.iter_mut().enumerate() {
        let (office_index, host_index) = group_paths[group_index];
        let raw_group = &offices[office_index].hosts[host_index];
        let start = table.hosts.len() as u32;
        // A group whose subnet is unknown still names its machines (without addresses), so
        // references to them are not reported as a second, spurious problem.
        let mut cidr = None;
        let mut first_address = 0;
        if let Some(subnet) = subnets.get_mut(group.subnet.index()) {
            let capacity = subnet.cidr.usable_hosts();
            let placed = &mut placed[group.subnet.index()];
            first_address = *placed;
            *placed += raw_group.count as u64;
            // A subnet whose CIDR did not parse carries a /32 placeholder: its room is unknown.
            let cidr_parsed = subnet.cidr.prefix <= 30;
            if cidr_parsed && *placed > capacity && first_address <= capacity {
                let name = format!("{}/{}", offices[office_index].name, subnet.name);
                checker.report(
                    &[
                        Field("offices"),
                        Index(office_index),
                        Field("hosts"),
                        Index(host_index),
                        Field("count"),
                    ],
                    ProblemKind::SubnetFull {
                        subnet: name,
                        capacity,
                        placed: *placed,
                    },
                    "the subnet overflows here",
                    Some(format!("widen {} or move machines to another subnet", subnet.cidr)),
                );
            }
            subnet.host_count = (*placed).min(u32::MAX as u64) as u32;
            cidr = Some(subnet.cidr);
        }
        for offset in 0..raw_group.count {
            let address_index = (first_address + offset as u64).min(u32::MAX as u64) as u32;
            table.hosts.push(Host {
                name: group.pattern.name(raw_group.first as u64 + offset as u64).into(),
                group: GroupId(group_index as u32),
                office: group.office,
                subnet: group.subnet,
                role: group.role,
                address: cidr.map_or(std::net::Ipv4Addr::UNSPECIFIED, |cidr| cidr.host_address(address_index)),
            });
        }
        group.hosts = start..table.hosts.len() as u32;
    }

    table.by_name = (0..table.hosts.len() as u32).map(HostId).collect();
    let hosts = &table.hosts;
    table
        .by_name
        .sort_unstable_by(|a, b| hosts[a.index()].name.cmp(&hosts[b.index()].name).then(a.cmp(b)));
    let group_path = |host: HostId| {
        let (office, index) = group_paths[hosts[host.index()].group.index()];
        [
            Field("offices"),
            Index(office),
            Field("hosts"),
            Index(index),
            Field("name"),
        ]
    };
    // Collisions are reported once per pair of groups: a template can take a thousand names
    // another group already has, and one message with the count says it.
    let mut collisions: BTreeMap<(u32, u32), Vec<HostId>> = BTreeMap::new();
    for pair in table.by_name.windows(2) {
        let (first, second) = (pair[0], pair[1]);
        if hosts[first.index()].name == hosts[second.index()].name {
            let groups = (hosts[second.index()].group.0, hosts[first.index()].group.0);
            collisions.entry(groups).or_default().push(second);
        }
    }
    for ((_, first_group), taken) in collisions {
        let first_of_group = table
            .hosts
            .iter()
            .position(|host| host.group.0 == first_group)
            .unwrap_or(0);
        let first_line = checker.location(&group_path(HostId(first_of_group as u32))).line;
        let at = group_path(taken[0]);
        let hint = Some("use another name, or `first` to start the numbers elsewhere".to_string());
        if let [only] = taken[..] {
            checker.report(
                &at,
                ProblemKind::DuplicateName {
                    kind: NameKind::Host,
                    name: hosts[only.index()].name.to_string(),
                    first_line,
                },
                "this name is already taken",
                hint,
            );
            continue;
        }
        let mut names: Vec<&str> = taken.iter().map(|host| hosts[host.index()].name.as_str()).collect();
        names.sort_unstable();
        let shown: Vec<String> = names.iter().take(3).map(|name| format!("`{name}`")).collect();
        checker.report(
            &at,
            ProblemKind::Inconsistent(format!(
                "{} machine names of this group are already taken by the group on line {first_line}: {}{}",
                thousands(taken.len() as u64),
                shown.join(", "),
                if names.len() > 3 { ", ..." } else { "" }
            )),
            "these names are already taken",
            hint,
        );
    }
}

/// A machine by name; an unknown one is reported with the closest name.
pub(super) fn host(checker: &mut Checker, table: &HostTable, name: &str, path: &[Step]) -> Option<HostId> {
    if !table.expanded {
        return None;
    }
    let hosts = &table.hosts;
    if let Ok(position) = table
        .by_name
        .binary_search_by(|id| hosts[id.index()].name.as_str().cmp(name))
    {
        let id = table.by_name[position];
        checker.note_name(
            NameKind::Host,
            &hosts[id.index()].group.0.to_string(),
            name,
            path,
            false,
        );
        return Some(id);
    }
    let hint = if checker.host_suggestions_made < MAX_HOST_SUGGESTIONS {
        checker.host_suggestions_made += 1;
        closest(name, hosts.iter().map(|host| host.name.as_str())).map(|close| format!("did you mean `{close}`?"))
    } else {
        None
    };
    checker.report(
        path,
        ProblemKind::UnknownName {
            kind: NameKind::Host,
            name: name.to_string(),
        },
        "no machine has this name",
        hint,
    );
    None
}

/// The machines of a list of names at `path`; each unknown name is reported at its own item.
pub(super) fn hosts_named(checker: &mut Checker, table: &HostTable, names: &[String], path: &[Step]) -> Vec<HostId> {
    items(names, path)
        .filter_map(|(name, at)| host(checker, table, name, &at))
        .collect()
}
