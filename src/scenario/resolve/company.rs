//! The company: business services, offices and their subnets (which may not overlap), and
//! accounts with the scopes they are administrators of.

use crate::scenario::diagnostic::ProblemKind;
use crate::scenario::file as raw;
use crate::scenario::model::*;
use crate::scenario::source_map::{Step, Step::Field, Step::Index};
use crate::scenario::values::{Cidr, ClockRange};

use super::*;

pub(super) fn resolve_services(
    checker: &mut Checker,
    tables: &mut Tables,
    timing: &ExerciseTime,
    services: &[raw::Service],
) -> Vec<Service> {
    let mut resolved = Vec::with_capacity(services.len());
    for (index, service) in services.iter().enumerate() {
        let path = |field| [Field("services"), Index(index), Field(field)];
        tables.services.declare(checker, &service.name, &path("name"));
        match service.up_when {
            raw::UpWhen::ShareAtLeast(per_mille) => checker.odds(&path("up_when"), "ShareAtLeast", per_mille),
            raw::UpWhen::AtLeast(0) => checker.inconsistent(
                &path("up_when"),
                "`AtLeast(0)` would keep the service up with every machine gone".to_string(),
                "never down",
                Some("use `AtLeast(1)` or `Any`".to_string()),
            ),
            _ => {}
        }
        ports(checker, &service.ports, &path("ports"));
        let recovers_after_ticks = service
            .recovers_after
            .as_ref()
            .map(|time| duration_ticks(checker, timing, time, &path("recovers_after")));
        if recovers_after_ticks.is_some() && service.run_as.is_empty() {
            checker.inconsistent(
                &path("recovers_after"),
                "`recovers_after` without `run_as`".to_string(),
                "nothing to recover from",
                Some(
                    "only an account change breaks a service until it is fixed: name its accounts in `run_as`"
                        .to_string(),
                ),
            );
        }
        resolved.push(Service {
            name: service.name.clone(),
            title: service.title.clone(),
            up_when: service.up_when.clone(),
            channel: service.channel,
            run_as: tables
                .accounts
                .lookup_all(checker, &service.run_as, &path("run_as"), AccountId),
            ports: service.ports.clone(),
            reconfigure_ticks: service.reconfigure_time.as_ref().map_or_else(
                || timing.ticks(3600).max(1),
                |time| duration_ticks(checker, timing, time, &path("reconfigure_time")).max(1),
            ),
            recovers_after_ticks,
        });
    }
    resolved
}

pub(super) fn resolve_data(
    checker: &mut Checker,
    tables: &mut Tables,
    table: &HostTable,
    data: &[raw::DataSet],
) -> Vec<DataSet> {
    data.iter()
        .enumerate()
        .map(|(index, set)| {
            let path = |field| [Field("data"), Index(index), Field(field)];
            tables.data.declare(checker, &set.name, &path("name"));
            let size_bytes = crate::scenario::values::parse_size(&set.size).unwrap_or_else(|reason| {
                checker.invalid(&path("size"), "size", &set.size, reason);
                1
            });
            let on = set
                .on
                .iter()
                .enumerate()
                .map(|(at, on)| {
                    scope(
                        checker,
                        tables,
                        table,
                        on,
                        &[Field("data"), Index(index), Field("on"), Index(at)],
                    )
                })
                .collect();
            DataSet {
                name: set.name.clone(),
                title: set.title.clone(),
                on,
                size_bytes,
                sensitivity: set.sensitivity,
            }
        })
        .collect()
}

pub(super) fn resolve_offices(
    checker: &mut Checker,
    tables: &mut Tables,
    offices: &[raw::Office],
) -> (Vec<Office>, Vec<Subnet>) {
    let mut resolved = Vec::with_capacity(offices.len());
    let mut subnets = Vec::new();
    if offices.is_empty() {
        checker.inconsistent(
            &[Field("offices")],
            "the scenario has no office".to_string(),
            "empty",
            None,
        );
    }
    for (office_index, office) in offices.iter().enumerate() {
        let path = |field| [Field("offices"), Index(office_index), Field(field)];
        let office_id = OfficeId(tables.offices.declare(checker, &office.name, &path("name")));
        checker.odds(
            &path("after_hours_on_per_mille"),
            "after_hours_on_per_mille",
            office.after_hours_on_per_mille,
        );
        if office.name.contains('/') {
            checker.inconsistent(
                &path("name"),
                format!("office name `{}` contains `/`", office.name),
                "`/` separates office and subnet",
                None,
            );
        }
        let zone = time_zone(checker, &office.time_zone, &path("time_zone")).unwrap_or(jiff::tz::TimeZone::UTC);
        let business_hours = ClockRange::parse(&office.business_hours).unwrap_or_else(|reason| {
            checker.invalid(
                &path("business_hours"),
                "business hours",
                &office.business_hours,
                reason,
            );
            ClockRange {
                start_minute: 0,
                end_minute: 1440,
            }
        });
        let mut subnet_ids = Vec::with_capacity(office.subnets.len());
        for (subnet_index, subnet) in office.subnets.iter().enumerate() {
            let subnet_path = |field| {
                [
                    Field("offices"),
                    Index(office_index),
                    Field("subnets"),
                    Index(subnet_index),
                    Field(field),
                ]
            };
            let qualified = format!("{}/{}", office.name, subnet.name);
            let id = SubnetId(tables.subnets.declare(checker, &qualified, &subnet_path("name")));
            let cidr = Cidr::parse(&subnet.cidr).unwrap_or_else(|error| {
                let location = checker.location(&subnet_path("cidr"));
                checker.push(
                    ProblemKind::InvalidValue {
                        what: "CIDR",
                        text: subnet.cidr.clone(),
                        reason: error.reason,
                    },
                    location,
                    "not a network".to_string(),
                    error.did_you_mean.map(|network| format!("did you mean `{network}`?")),
                );
                Cidr {
                    network: std::net::Ipv4Addr::UNSPECIFIED,
                    prefix: 32,
                }
            });
            subnet_ids.push(id);
            subnets.push(Subnet {
                name: subnet.name.clone(),
                office: office_id,
                cidr,
                role: subnet.role,
                host_count: 0,
            });
        }
        resolved.push(Office {
            name: office.name.clone(),
            location: office.location.clone(),
            time_zone: zone,
            business_hours,
            work_days: office.work_days.clone(),
            headcount: office.headcount,
            after_hours_on_per_mille: office.after_hours_on_per_mille,
            subnets: subnet_ids,
        });
    }
    report_overlaps(checker, offices, &subnets);
    (resolved, subnets)
}

/// Two subnets may not share addresses, within an office or across offices.
pub(super) fn report_overlaps(checker: &mut Checker, offices: &[raw::Office], subnets: &[Subnet]) {
    // Paths of each subnet, in the same order as `subnets`.
    let paths: Vec<(usize, usize)> = offices
        .iter()
        .enumerate()
        .flat_map(|(office, raw)| (0..raw.subnets.len()).map(move |subnet| (office, subnet)))
        .collect();
    let mut by_start: Vec<usize> = (0..subnets.len()).filter(|&i| subnets[i].cidr.prefix <= 30).collect();
    by_start.sort_by_key(|&i| (u32::from(subnets[i].cidr.network), i));
    let end = |i: usize| u64::from(u32::from(subnets[i].cidr.network)) + subnets[i].cidr.usable_hosts() + 1;
    let mut widest: Option<usize> = None;
    for &i in &by_start {
        if let Some(previous) = widest
            && subnets[previous].cidr.overlaps(&subnets[i].cidr)
        {
            let (later, earlier) = if previous > i { (previous, i) } else { (i, previous) };
            let name = |i: usize| format!("{}/{}", offices[paths[i].0].name, subnets[i].name);
            let (office, subnet) = paths[later];
            checker.report(
                &[
                    Field("offices"),
                    Index(office),
                    Field("subnets"),
                    Index(subnet),
                    Field("cidr"),
                ],
                ProblemKind::OverlappingSubnets {
                    subnet: name(later),
                    cidr: subnets[later].cidr.to_string(),
                    other: name(earlier),
                    other_cidr: subnets[earlier].cidr.to_string(),
                },
                "shares addresses with another subnet",
                Some("give each subnet its own address range".to_string()),
            );
        }
        if widest.is_none_or(|previous| end(i) > end(previous)) {
            widest = Some(i);
        }
    }
}

pub(super) fn scope(
    checker: &mut Checker,
    tables: &Tables,
    table: &HostTable,
    scope: &raw::Scope,
    path: &[Step],
) -> Scope {
    match scope {
        raw::Scope::All => Scope::All,
        raw::Scope::Role(role) => Scope::Role(*role),
        raw::Scope::Office(name) => Scope::Office(OfficeId(tables.offices.lookup(checker, name, path).unwrap_or(0))),
        raw::Scope::Host(name) => Scope::Host(host(checker, table, name, path).unwrap_or(HostId(0))),
        raw::Scope::Subnet(name) if !name.contains('/') => {
            let matches: Vec<&String> = tables
                .subnets
                .order
                .iter()
                .filter(|q| q.ends_with(&format!("/{name}")))
                .collect();
            let hint = match matches.as_slice() {
                [only] => format!("name the office too: `{only}`"),
                _ => "name a subnet as `office/subnet`, such as `culver-city/servers`".to_string(),
            };
            checker.invalid(path, "subnet reference", name, "expected `office/subnet`".to_string());
            if let Some(problem) = checker.problems.last_mut() {
                problem.hint = Some(hint);
            }
            Scope::Subnet(SubnetId(0))
        }
        raw::Scope::Subnet(name) => Scope::Subnet(SubnetId(tables.subnets.lookup(checker, name, path).unwrap_or(0))),
    }
}

pub(super) fn resolve_accounts(
    checker: &mut Checker,
    tables: &Tables,
    table: &HostTable,
    accounts: &[raw::Account],
) -> Vec<Account> {
    accounts
        .iter()
        .enumerate()
        .map(|(index, account)| {
            let path = [Field("accounts"), Index(index), Field("admin_on")];
            let admin_on = items(&account.admin_on, &path)
                .map(|(raw_scope, at)| scope(checker, tables, table, raw_scope, &at))
                .collect();
            Account {
                name: account.name.clone(),
                kind: account.kind,
                password: account.password,
                admin_on,
            }
        })
        .collect()
}
