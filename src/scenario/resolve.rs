//! Checks a parsed scenario file and resolves it into the model, collecting every problem
//! rather than stopping at the first. A failed lookup continues with a placeholder id so later
//! checks still run; the model is only handed out when no problem was found.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::diagnostic::{Location, NameKind, Problem, ProblemKind, closest, suggestion};
use super::file as raw;
use super::model::*;
use super::source_map::{SourceMap, Step, Step::Field, Step::Index};
use super::values::{self, Cidr, ClockRange, NamePattern, Rgb};
use super::{Limits, Origin};

/// The format version this build reads.
pub const FORMAT_VERSION: u32 = 1;

/// More problems than this are counted, not listed: a broken template can repeat one mistake
/// a million times.
const MAX_PROBLEMS: usize = 100;

/// Hint computation over a large host list is bounded to the first few unknown hosts.
const MAX_HOST_SUGGESTIONS: usize = 20;

/// Collects located problems while resolving.
pub(super) struct Checker<'a> {
    source: &'a str,
    map: SourceMap,
    origin: &'a Origin,
    limits: &'a Limits,
    pub(super) problems: Vec<Problem>,
    pub(super) problems_left_out: usize,
    host_suggestions_made: usize,
}

impl<'a> Checker<'a> {
    pub(super) fn new(source: &'a str, origin: &'a Origin, limits: &'a Limits) -> Self {
        Self {
            source,
            map: SourceMap::new(source),
            origin,
            limits,
            problems: Vec::new(),
            problems_left_out: 0,
            host_suggestions_made: 0,
        }
    }

    /// Locates a 1-based line and column as ron reports them.
    pub(super) fn location_of_line_column(&self, line: usize, column: usize) -> Location {
        let start = self.map.offset(self.source, line, column);
        let end = self.source[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
        Location {
            span: super::source_map::Span { start, end },
            line,
            column,
        }
    }

    fn location(&self, path: &[Step]) -> Location {
        let span = self.map.span(path);
        let (line, column) = self.map.line_column(self.source, span.start);
        Location { span, line, column }
    }

    pub(super) fn push(&mut self, kind: ProblemKind, location: Location, label: String, hint: Option<String>) {
        if self.problems.len() >= MAX_PROBLEMS {
            self.problems_left_out += 1;
            return;
        }
        self.problems.push(Problem {
            kind,
            location,
            label,
            hint,
        });
    }

    fn report(&mut self, path: &[Step], kind: ProblemKind, label: impl Into<String>, hint: Option<String>) {
        let location = self.location(path);
        self.push(kind, location, label.into(), hint);
    }

    fn invalid(&mut self, path: &[Step], what: &'static str, text: &str, reason: String) {
        let label = format!("not a valid {what}");
        self.report(
            path,
            ProblemKind::InvalidValue {
                what,
                text: text.to_string(),
                reason,
            },
            label,
            None,
        );
    }

    fn inconsistent(&mut self, path: &[Step], message: String, label: &str, hint: Option<String>) {
        self.report(path, ProblemKind::Inconsistent(message), label, hint);
    }

    fn odds(&mut self, path: &[Step], field: &'static str, value: u32) {
        if value > 1000 {
            self.report(
                path,
                ProblemKind::OddsOutOfRange { field, value },
                "more than certain",
                Some("odds are per-mille: 1000 means always, 50 means 5%".to_string()),
            );
        }
    }

    fn duration_seconds(&mut self, path: &[Step], text: &str) -> Option<u64> {
        values::parse_duration(text)
            .map_err(|reason| self.invalid(path, "duration", text, reason))
            .ok()
    }
}

/// Names of one kind, in declaration order, for lookups and suggestions.
struct Names {
    kind: NameKind,
    ids: HashMap<String, u32>,
    first_lines: HashMap<String, usize>,
    order: Vec<String>,
}

impl Names {
    fn new(kind: NameKind) -> Self {
        Self {
            kind,
            ids: HashMap::new(),
            first_lines: HashMap::new(),
            order: Vec::new(),
        }
    }

    /// Records a declaration; a second one of the same name is a problem.
    fn declare(&mut self, checker: &mut Checker, name: &str, path: &[Step]) -> u32 {
        let id = self.order.len() as u32;
        let line = checker.location(path).line;
        if name.trim().is_empty() {
            checker.inconsistent(path, format!("a {} needs a name", self.kind), "empty name", None);
        }
        match self.first_lines.get(name) {
            Some(&first_line) => checker.report(
                path,
                ProblemKind::DuplicateName {
                    kind: self.kind,
                    name: name.to_string(),
                    first_line,
                },
                "declared again here",
                Some(format!("give each {} a name of its own", self.kind)),
            ),
            None => {
                self.ids.insert(name.to_string(), id);
                self.first_lines.insert(name.to_string(), line);
            }
        }
        self.order.push(name.to_string());
        id
    }

    /// The id of a declared name; an unknown one is a problem with the closest name as hint.
    fn lookup(&self, checker: &mut Checker, name: &str, path: &[Step]) -> Option<u32> {
        if let Some(&id) = self.ids.get(name) {
            return Some(id);
        }
        let hint = suggestion(name, self.order.iter().map(String::as_str));
        checker.report(
            path,
            ProblemKind::UnknownName {
                kind: self.kind,
                name: name.to_string(),
            },
            format!("no {} has this name", self.kind),
            hint,
        );
        None
    }
}

/// Time of the exercise, to turn local times and durations into ticks.
struct Clock {
    start: jiff::ZonedDateTime,
    time_zone: jiff::tz::TimeZone,
    tick_seconds: u32,
    duration_ticks: u32,
    /// False when `meta` itself was broken: times are then not compared with the exercise.
    trusted: bool,
}

impl Clock {
    /// A duration in whole ticks, rounded up so a delay is never shortened.
    fn ticks(&self, seconds: u64) -> u32 {
        seconds.div_ceil(self.tick_seconds as u64).min(u32::MAX as u64) as u32
    }

    fn end(&self) -> jiff::ZonedDateTime {
        let length = jiff::SignedDuration::from_secs(self.duration_ticks as i64 * self.tick_seconds as i64);
        self.start.checked_add(length).unwrap_or_else(|_| self.start.clone())
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
}

/// Hosts once expanded, sorted by name for lookups.
struct HostTable {
    hosts: Vec<Host>,
    by_name: Vec<HostId>,
    /// False when the hosts were not expanded (too many): host references are then not checked.
    expanded: bool,
}

pub(super) fn resolve(file: raw::ScenarioFile, checker: &mut Checker) -> Option<Scenario> {
    if file.format != FORMAT_VERSION {
        checker.report(
            &[Field("format")],
            ProblemKind::UnsupportedFormat { found: file.format },
            "unsupported version",
            Some("write `format: 1`".to_string()),
        );
    }
    let (meta, clock) = resolve_meta(checker, &file.meta);
    let mut tables = Tables {
        offices: Names::new(NameKind::Office),
        subnets: Names::new(NameKind::Subnet),
        services: Names::new(NameKind::Service),
        accounts: Names::new(NameKind::Account),
        tools: Names::new(NameKind::Tool),
        injects: Names::new(NameKind::Inject),
        contacts: Names::new(NameKind::Contact),
    };
    let services = resolve_services(checker, &mut tables, &file.services);
    for (index, account) in file.accounts.iter().enumerate() {
        tables.accounts.declare(
            checker,
            &account.name,
            &[Field("accounts"), Index(index), Field("name")],
        );
    }
    let (offices, mut subnets) = resolve_offices(checker, &mut tables, &file.offices);
    let (host_groups, host_table) = resolve_hosts(checker, &tables, &file.offices, &mut subnets, &clock);
    let accounts = resolve_accounts(checker, &tables, &host_table, &file.accounts);
    let network = resolve_network(checker, &tables, &host_table, &file.network);
    let threat = resolve_threat(checker, &mut tables, &host_table, &clock, &file.threat);
    let screen = resolve_screen(checker, &file.screen);
    let injects = resolve_injects(checker, &mut tables, &host_table, &clock, &file.injects);
    let telemetry = resolve_telemetry(checker, &clock, &file.telemetry);
    let responders = resolve_responders(checker, &mut tables, &file.responders);
    let rubric = resolve_rubric(checker, &tables, &host_table, &clock, &threat, &file.rubric);

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
        network,
        threat,
        screen,
        injects,
        telemetry,
        responders,
        rubric,
        content_hash: crate::checksum::Fnv1a::of(checker.source.as_bytes()),
        hosts_by_name: host_table.by_name,
    })
}

fn time_zone(checker: &mut Checker, name: &str, path: &[Step]) -> Option<jiff::tz::TimeZone> {
    match jiff::tz::db().get(name) {
        Ok(zone) => Some(zone),
        Err(_) => {
            let known: Vec<String> = jiff::tz::db().available().map(|name| name.to_string()).collect();
            let hint = closest(name, known.iter().map(String::as_str))
                .map(|close| format!("did you mean `{close}`?"))
                .or_else(|| Some("use an IANA time zone name such as `America/Los_Angeles`".to_string()));
            checker.report(
                path,
                ProblemKind::UnknownName {
                    kind: NameKind::TimeZone,
                    name: name.to_string(),
                },
                "not in the time zone database",
                hint,
            );
            None
        }
    }
}

fn resolve_meta(checker: &mut Checker, meta: &raw::Meta) -> (Meta, Clock) {
    let path = |field| [Field("meta"), Field(field)];
    let mut trusted = true;
    if meta.id.trim().is_empty()
        || !meta
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        checker.invalid(
            &path("id"),
            "scenario id",
            &meta.id,
            "expected letters, digits, `-` or `_`, such as sony-2014".to_string(),
        );
    }
    let zone = time_zone(checker, &meta.time_zone, &path("time_zone"));
    trusted &= zone.is_some();
    let zone = zone.unwrap_or(jiff::tz::TimeZone::UTC);
    let start = match values::parse_local_time(&meta.start) {
        Ok(local) => local.to_zoned_datetime(zone.clone()).ok(),
        Err(reason) => {
            checker.invalid(&path("start"), "local time", &meta.start, reason);
            None
        }
    };
    trusted &= start.is_some();
    let start = start.unwrap_or_else(|| jiff::Timestamp::UNIX_EPOCH.to_zoned_datetime(zone.clone()));

    let tick_seconds = match checker.duration_seconds(&path("tick"), &meta.tick) {
        Some(seconds @ 1..=86_400) => seconds as u32,
        Some(_) => {
            checker.invalid(
                &path("tick"),
                "tick",
                &meta.tick,
                "a tick runs from 1s to 1d".to_string(),
            );
            60
        }
        None => 60,
    };
    let duration_ticks = match checker.duration_seconds(&path("duration"), &meta.duration) {
        Some(0) => {
            checker.invalid(
                &path("duration"),
                "duration",
                &meta.duration,
                "the exercise needs some time".to_string(),
            );
            0
        }
        // A year of one-second ticks still fits a u32; longer is refused rather than wrapped.
        Some(seconds) if seconds > 366 * 86_400 => {
            checker.invalid(
                &path("duration"),
                "duration",
                &meta.duration,
                "an exercise lasts at most 366d".to_string(),
            );
            0
        }
        Some(seconds) => seconds.div_ceil(tick_seconds as u64) as u32,
        None => 0,
    };
    let clock = Clock {
        start: start.clone(),
        time_zone: zone,
        tick_seconds,
        duration_ticks,
        trusted: trusted && duration_ticks > 0,
    };
    let meta = Meta {
        id: meta.id.clone(),
        title: meta.title.clone(),
        briefing: meta.briefing.clone(),
        start,
        tick_seconds,
        duration_ticks,
    };
    (meta, clock)
}

/// A local time inside the exercise, as a tick.
fn exercise_time(checker: &mut Checker, clock: &Clock, text: &str, path: &[Step], what: &'static str) -> Tick {
    let local = match values::parse_local_time(text) {
        Ok(local) => local,
        Err(reason) => {
            checker.invalid(path, "local time", text, reason);
            return Tick(0);
        }
    };
    let Ok(zoned) = local.to_zoned_datetime(clock.time_zone.clone()) else {
        checker.invalid(path, "local time", text, "out of range".to_string());
        return Tick(0);
    };
    let seconds = zoned.timestamp().as_second() - clock.start.timestamp().as_second();
    let limit = clock.duration_ticks as i64 * clock.tick_seconds as i64;
    if clock.trusted && !(0..=limit).contains(&seconds) {
        let format = |time: &jiff::ZonedDateTime| time.strftime("%Y-%m-%d %H:%M %Z").to_string();
        checker.report(
            path,
            ProblemKind::OutsideExercise {
                what,
                time: text.to_string(),
                start: format(&clock.start),
                end: format(&clock.end()),
            },
            "outside the exercise",
            Some("move the time inside the exercise, or change `meta.start` or `meta.duration`".to_string()),
        );
        return Tick(0);
    }
    Tick((seconds.max(0) / clock.tick_seconds as i64) as u32)
}

/// A duration as whole ticks (0 when it is invalid, after reporting it).
fn duration_ticks(checker: &mut Checker, clock: &Clock, text: &str, path: &[Step]) -> u32 {
    checker
        .duration_seconds(path, text)
        .map_or(0, |seconds| clock.ticks(seconds))
}

fn resolve_services(checker: &mut Checker, tables: &mut Tables, services: &[raw::Service]) -> Vec<Service> {
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
        resolved.push(Service {
            name: service.name.clone(),
            title: service.title.clone(),
            up_when: service.up_when.clone(),
            channel: service.channel,
        });
    }
    resolved
}

fn resolve_offices(checker: &mut Checker, tables: &mut Tables, offices: &[raw::Office]) -> (Vec<Office>, Vec<Subnet>) {
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
fn report_overlaps(checker: &mut Checker, offices: &[raw::Office], subnets: &[Subnet]) {
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

fn resolve_hosts(
    checker: &mut Checker,
    tables: &Tables,
    offices: &[raw::Office],
    subnets: &mut [Subnet],
    clock: &Clock,
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
            let services = group
                .services
                .iter()
                .enumerate()
                .filter_map(|(i, name)| {
                    let path = [
                        Field("offices"),
                        Index(office_index),
                        Field("hosts"),
                        Index(host_index),
                        Field("services"),
                        Index(i),
                    ];
                    tables.services.lookup(checker, name, &path).map(ServiceId)
                })
                .collect();
            let cached_credentials = group
                .cached_credentials
                .iter()
                .enumerate()
                .filter_map(|(i, name)| {
                    let path = [
                        Field("offices"),
                        Index(office_index),
                        Field("hosts"),
                        Index(host_index),
                        Field("cached_credentials"),
                        Index(i),
                    ];
                    tables.accounts.lookup(checker, name, &path).map(AccountId)
                })
                .collect();
            let backup = match &group.backup {
                raw::Backup::None => Backup::None,
                raw::Backup::Offline { restore_time } => Backup::Offline {
                    restore_ticks: duration_ticks(checker, clock, restore_time, &path("backup")),
                },
                // The server is looked up once every host exists.
                raw::Backup::Online { restore_time, .. } => Backup::Online {
                    server: HostId(0),
                    restore_ticks: duration_ticks(checker, clock, restore_time, &path("backup")),
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
fn local_subnet(
    checker: &mut Checker,
    tables: &Tables,
    office: &raw::Office,
    name: &str,
    path: &[Step],
) -> Option<SubnetId> {
    if let Some(&id) = tables.subnets.ids.get(&format!("{}/{name}", office.name)) {
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
fn expand_hosts(
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
                name: group.pattern.name(raw_group.first as u64 + offset as u64),
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
    for pair in table.by_name.windows(2) {
        let (first, second) = (pair[0], pair[1]);
        if hosts[first.index()].name == hosts[second.index()].name {
            let first_line = checker.location(&group_path(first)).line;
            checker.report(
                &group_path(second),
                ProblemKind::DuplicateName {
                    kind: NameKind::Host,
                    name: hosts[second.index()].name.clone(),
                    first_line,
                },
                "this name is already taken",
                Some("use another name, or `first` to start the numbers elsewhere".to_string()),
            );
        }
    }
}

/// A machine by name; an unknown one is reported with the closest name.
fn host(checker: &mut Checker, table: &HostTable, name: &str, path: &[Step]) -> Option<HostId> {
    if !table.expanded {
        return None;
    }
    let hosts = &table.hosts;
    if let Ok(position) = table
        .by_name
        .binary_search_by(|id| hosts[id.index()].name.as_str().cmp(name))
    {
        return Some(table.by_name[position]);
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

fn scope(checker: &mut Checker, tables: &Tables, table: &HostTable, scope: &raw::Scope, path: &[Step]) -> Scope {
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

fn resolve_accounts(
    checker: &mut Checker,
    tables: &Tables,
    table: &HostTable,
    accounts: &[raw::Account],
) -> Vec<Account> {
    accounts
        .iter()
        .enumerate()
        .map(|(index, account)| {
            let admin_on = account
                .admin_on
                .iter()
                .enumerate()
                .map(|(i, raw_scope)| {
                    let path = [Field("accounts"), Index(index), Field("admin_on"), Index(i)];
                    scope(checker, tables, table, raw_scope, &path)
                })
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

fn ports(checker: &mut Checker, ports: &[u16], path: &[Step]) {
    if ports.contains(&0) {
        checker.invalid(path, "port list", "0", "TCP ports run from 1 to 65535".to_string());
    }
}

fn resolve_network(checker: &mut Checker, tables: &Tables, table: &HostTable, network: &raw::Network) -> Network {
    let mut link_names = Names::new(NameKind::Link);
    let mut links = Vec::with_capacity(network.links.len());
    for (index, link) in network.links.iter().enumerate() {
        let path = |field| [Field("network"), Field("links"), Index(index), Field(field)];
        link_names.declare(checker, &link.name, &path("name"));
        let between = [&link.between.0, &link.between.1];
        let mut ends = [OfficeId(0); 2];
        for (end, name) in between.iter().enumerate() {
            let end_path = [
                Field("network"),
                Field("links"),
                Index(index),
                Field("between"),
                Index(end),
            ];
            ends[end] = OfficeId(tables.offices.lookup(checker, name, &end_path).unwrap_or(0));
        }
        if link.between.0 == link.between.1 {
            checker.inconsistent(
                &path("between"),
                format!("link `{}` joins `{}` to itself", link.name, link.between.0),
                "both ends are the same office",
                None,
            );
        }
        links.push(Link {
            name: link.name.clone(),
            ends,
        });
    }
    let firewall = network
        .firewall
        .iter()
        .enumerate()
        .map(|(index, rule)| {
            let path = |field| [Field("network"), Field("firewall"), Index(index), Field(field)];
            if let Some(list) = &rule.ports {
                if list.is_empty() {
                    checker.inconsistent(
                        &path("ports"),
                        "an empty port list matches nothing".to_string(),
                        "no port",
                        Some("leave `ports` out to match every port".to_string()),
                    );
                }
                ports(checker, list, &path("ports"));
            }
            Rule {
                from: scope(checker, tables, table, &rule.from, &path("from")),
                to: scope(checker, tables, table, &rule.to, &path("to")),
                ports: rule.ports.clone(),
                action: rule.action,
            }
        })
        .collect();
    ports(
        checker,
        &network.internet_egress_ports,
        &[Field("network"), Field("internet_egress_ports")],
    );
    Network {
        links,
        between_subnets: network.between_subnets,
        firewall,
        internet_egress_ports: network.internet_egress_ports.clone(),
    }
}

fn technique(checker: &mut Checker, text: &str, path: &[Step]) {
    if !values::is_attack_id(text, 'T') {
        checker.invalid(
            path,
            "ATT&CK technique",
            text,
            "expected an id such as T1021.002 or T1485".to_string(),
        );
    }
}

fn hash(
    checker: &mut Checker,
    text: &Option<String>,
    digits: usize,
    what: &'static str,
    path: &[Step],
) -> Option<String> {
    let text = text.as_ref()?;
    if text.len() != digits || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        checker.invalid(path, what, text, format!("expected {digits} hexadecimal digits"));
    }
    Some(text.to_ascii_lowercase())
}

fn resolve_threat(
    checker: &mut Checker,
    tables: &mut Tables,
    table: &HostTable,
    clock: &Clock,
    threat: &raw::Threat,
) -> Threat {
    let path = |field| [Field("threat"), Field(field)];
    if let Some(group) = &threat.group
        && !values::is_attack_id(group, 'G')
    {
        checker.invalid(
            &path("group"),
            "ATT&CK group",
            group,
            "expected an id such as G0032".to_string(),
        );
    }
    if threat.footholds.is_empty() {
        checker.inconsistent(
            &path("footholds"),
            "the attacker has no foothold".to_string(),
            "empty",
            Some("name at least one machine the attacker holds at the start".to_string()),
        );
    }
    let footholds = threat
        .footholds
        .iter()
        .enumerate()
        .map(|(index, foothold)| {
            let path = |field| [Field("threat"), Field("footholds"), Index(index), Field(field)];
            technique(checker, &foothold.technique, &path("technique"));
            Foothold {
                host: host(checker, table, &foothold.host, &path("host")).unwrap_or(HostId(0)),
                technique: foothold.technique.clone(),
                dwell_seconds: foothold
                    .dwell
                    .as_ref()
                    .and_then(|dwell| checker.duration_seconds(&path("dwell"), dwell)),
            }
        })
        .collect();

    let mut tools = Vec::with_capacity(threat.tools.len());
    for (index, tool) in threat.tools.iter().enumerate() {
        let tool_path = |field| [Field("threat"), Field("tools"), Index(index), Field(field)];
        tables.tools.declare(checker, &tool.name, &tool_path("name"));
        let files = tool
            .files
            .iter()
            .enumerate()
            .map(|(i, file)| {
                let file_path = |field| {
                    [
                        Field("threat"),
                        Field("tools"),
                        Index(index),
                        Field("files"),
                        Index(i),
                        Field(field),
                    ]
                };
                ToolFile {
                    name: file.name.clone(),
                    md5: hash(checker, &file.md5, 32, "MD5", &file_path("md5")),
                    sha256: hash(checker, &file.sha256, 64, "SHA-256", &file_path("sha256")),
                }
            })
            .collect();
        for (i, id) in tool.techniques.iter().enumerate() {
            technique(
                checker,
                id,
                &[
                    Field("threat"),
                    Field("tools"),
                    Index(index),
                    Field("techniques"),
                    Index(i),
                ],
            );
        }
        ports(checker, &tool.listen_ports, &tool_path("listen_ports"));
        tools.push(Tool {
            name: tool.name.clone(),
            kind: tool.kind,
            files,
            services: tool.services.clone(),
            listen_ports: tool.listen_ports.clone(),
            techniques: tool.techniques.clone(),
        });
    }
    if !threat.tools.iter().any(|tool| tool.kind == ToolKind::Wiper) {
        checker.inconsistent(
            &path("tools"),
            "the toolset has no Wiper".to_string(),
            "nothing here wipes",
            Some("add a tool with `kind: Wiper`".to_string()),
        );
    }

    let credentials = threat
        .credentials
        .iter()
        .enumerate()
        .filter_map(|(i, name)| {
            tables
                .accounts
                .lookup(checker, name, &[Field("threat"), Field("credentials"), Index(i)])
                .map(AccountId)
        })
        .collect();

    let spread_path = |field| [Field("threat"), Field("spread"), Field(field)];
    checker.odds(
        &spread_path("guess_per_mille"),
        "guess_per_mille",
        threat.spread.guess_per_mille,
    );
    if threat.spread.ports.is_empty() {
        checker.inconsistent(
            &spread_path("ports"),
            "the worm needs at least one port".to_string(),
            "no port",
            Some("SMB is `[445]`".to_string()),
        );
    }
    ports(checker, &threat.spread.ports, &spread_path("ports"));
    checker.odds(
        &spread_path("targets_per_mille"),
        "targets_per_mille",
        threat.spread.targets_per_mille,
    );
    let spread = Spread {
        scan_rate: threat.spread.scan_rate,
        ports: threat.spread.ports.clone(),
        guess_per_mille: threat.spread.guess_per_mille,
        copy_delay_ticks: duration_ticks(checker, clock, &threat.spread.copy_delay, &spread_path("copy_delay")),
        starts: threat.spread.starts.as_ref().map_or(Tick(0), |time| {
            exercise_time(checker, clock, time, &spread_path("starts"), "the start of the spread")
        }),
        targets_per_mille: threat.spread.targets_per_mille,
    };

    let trigger_path = |field| [Field("threat"), Field("trigger"), Field(field)];
    if threat.trigger.time_bomb.is_none() && threat.trigger.delay_after_install.is_none() {
        checker.inconsistent(
            &path("trigger"),
            "the wiper has no trigger".to_string(),
            "never fires",
            Some("set `time_bomb`, `delay_after_install`, or both".to_string()),
        );
    }
    let trigger = Trigger {
        time_bomb: threat
            .trigger
            .time_bomb
            .as_ref()
            .map(|time| exercise_time(checker, clock, time, &trigger_path("time_bomb"), "the time bomb")),
        delay_after_install_ticks: threat
            .trigger
            .delay_after_install
            .as_ref()
            .map(|delay| duration_ticks(checker, clock, delay, &trigger_path("delay_after_install"))),
    };

    let c2 = threat
        .c2
        .iter()
        .enumerate()
        .map(|(index, c2)| {
            let path = [Field("threat"), Field("c2"), Index(index), Field("address")];
            let address = c2.address.parse().unwrap_or_else(|_| {
                checker.invalid(
                    &path,
                    "IPv4 address",
                    &c2.address,
                    "expected an address such as 203.0.113.7".to_string(),
                );
                std::net::Ipv4Addr::UNSPECIFIED
            });
            (address, c2.port)
        })
        .collect();

    Threat {
        actor: threat.actor.clone(),
        group: threat.group.clone(),
        footholds,
        tools,
        credentials,
        harvests_cached_credentials: threat.harvests_cached_credentials,
        spread,
        trigger,
        wipe_duration_ticks: duration_ticks(checker, clock, &threat.wipe_duration, &path("wipe_duration")),
        c2,
    }
}

fn resolve_screen(checker: &mut Checker, screen: &raw::Screen) -> Screen {
    let path = |field| [Field("screen"), Field(field)];
    if screen.headline.trim().is_empty() {
        checker.inconsistent(
            &path("headline"),
            "the warning page has no headline".to_string(),
            "empty",
            None,
        );
    }
    let mut colour = |field: &'static str, text: &str| {
        Rgb::parse(text).unwrap_or_else(|reason| {
            checker.invalid(
                &[Field("screen"), Field("colours"), Field(field)],
                "colour",
                text,
                reason,
            );
            Rgb([0, 0, 0])
        })
    };
    let colours = Colours {
        background: colour("background", &screen.colours.background),
        headline: colour("headline", &screen.colours.headline),
        text: colour("text", &screen.colours.text),
        accent: colour("accent", &screen.colours.accent),
    };
    let image = match &screen.image {
        raw::Image::None => Image::None,
        raw::Image::Skeleton => Image::Skeleton,
        raw::Image::File(file) => asset(checker, file, &path("image")).map_or(Image::None, Image::File),
    };
    let sound = screen
        .sound
        .as_ref()
        .and_then(|file| asset(checker, file, &path("sound")));
    Screen {
        headline: screen.headline.clone(),
        body: screen.body.clone(),
        deadline: screen.deadline.clone(),
        links: screen.links.clone(),
        colours,
        image,
        animation: screen.animation,
        sound,
        after_wipe: screen.after_wipe.clone(),
    }
}

/// A file named by the scenario: it must stay inside the scenario's folder and be readable.
fn asset(checker: &mut Checker, text: &str, path: &[Step]) -> Option<PathBuf> {
    let Some(folder) = checker.origin.folder.clone() else {
        checker.inconsistent(
            path,
            format!("the embedded scenario cannot name the file `{text}`"),
            "no folder to look in",
            Some("save the scenario to a file beside its assets".to_string()),
        );
        return None;
    };
    let outside = |checker: &mut Checker| {
        checker.report(
            path,
            ProblemKind::AssetOutsideFolder { path: text.to_string() },
            "refused",
            Some(
                "keep assets in the scenario's folder and name them relative to it, such as `art/page.png`".to_string(),
            ),
        );
        None
    };
    let mut depth: i32 = 0;
    for component in Path::new(text).components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => depth -= 1,
            Component::RootDir | Component::Prefix(_) => return outside(checker),
        }
        if depth < 0 {
            return outside(checker);
        }
    }
    let unreadable = |checker: &mut Checker, reason: String| {
        checker.report(
            path,
            ProblemKind::AssetUnreadable {
                path: text.to_string(),
                reason,
            },
            "cannot be read",
            Some(format!("the path is relative to {}", folder.display())),
        );
        None
    };
    let full = folder.join(text);
    // A symbolic link inside the folder may still point out of it.
    let (file, root) = match (full.canonicalize(), folder.canonicalize()) {
        (Ok(file), Ok(root)) => (file, root),
        (Err(error), _) | (_, Err(error)) => return unreadable(checker, error.to_string()),
    };
    if !file.starts_with(&root) {
        return outside(checker);
    }
    if let Err(error) = std::fs::File::open(&file)
        .and_then(|opened| opened.metadata())
        .and_then(|metadata| {
            if metadata.is_file() {
                Ok(())
            } else {
                Err(std::io::Error::other("not a file"))
            }
        })
    {
        return unreadable(checker, error.to_string());
    }
    Some(file)
}

fn resolve_injects(
    checker: &mut Checker,
    tables: &mut Tables,
    table: &HostTable,
    clock: &Clock,
    injects: &[raw::Inject],
) -> Vec<Inject> {
    for (index, inject) in injects.iter().enumerate() {
        tables
            .injects
            .declare(checker, &inject.name, &[Field("injects"), Index(index), Field("name")]);
    }
    let resolved: Vec<Inject> = injects
        .iter()
        .enumerate()
        .map(|(index, inject)| {
            let path = [Field("injects"), Index(index), Field("when")];
            let when = match &inject.when {
                raw::When::At(time) => When::At(exercise_time(checker, clock, time, &path, "the inject")),
                raw::When::Share { state, of, per_mille } => {
                    checker.odds(
                        &[Field("injects"), Index(index), Field("when"), Field("per_mille")],
                        "per_mille",
                        *per_mille,
                    );
                    When::Share {
                        state: *state,
                        of: scope(
                            checker,
                            tables,
                            table,
                            of,
                            &[Field("injects"), Index(index), Field("when"), Field("of")],
                        ),
                        per_mille: *per_mille,
                    }
                }
                raw::When::ServiceDown(name) => {
                    When::ServiceDown(ServiceId(tables.services.lookup(checker, name, &path).unwrap_or(0)))
                }
                raw::When::After { inject: name, delay } => {
                    let after_path = |field| [Field("injects"), Index(index), Field("when"), Field(field)];
                    When::After {
                        inject: InjectId(tables.injects.lookup(checker, name, &after_path("inject")).unwrap_or(0)),
                        delay_ticks: duration_ticks(checker, clock, delay, &after_path("delay")),
                    }
                }
            };
            Inject {
                name: inject.name.clone(),
                when,
                channel: inject.channel,
                from: inject.from.clone(),
                subject: inject.subject.clone(),
                text: inject.text.clone(),
            }
        })
        .collect();
    report_inject_cycles(checker, &resolved);
    resolved
}

/// Injects that wait on each other in a ring would never fire.
fn report_inject_cycles(checker: &mut Checker, injects: &[Inject]) {
    let waits_on = |index: usize| match injects[index].when {
        When::After { inject, .. } => Some(inject.index()).filter(|&next| next < injects.len()),
        _ => None,
    };
    for start in 0..injects.len() {
        let mut current = start;
        for _ in 0..injects.len() {
            match waits_on(current) {
                Some(next) if next == start => {
                    checker.inconsistent(
                        &[Field("injects"), Index(start), Field("when")],
                        format!(
                            "inject `{}` waits on itself through a chain of `After`",
                            injects[start].name
                        ),
                        "never fires",
                        Some("make one inject of the chain fire `At` a time or on a state".to_string()),
                    );
                    break;
                }
                Some(next) => current = next,
                None => break,
            }
        }
    }
}

fn resolve_telemetry(checker: &mut Checker, clock: &Clock, telemetry: &raw::Telemetry) -> Telemetry {
    let path = |field| [Field("telemetry"), Field(field)];
    checker.odds(
        &path("report_per_mille"),
        "report_per_mille",
        telemetry.report_per_mille,
    );
    let delay = |checker: &mut Checker, text: &str, field| duration_ticks(checker, clock, text, &path(field));
    Telemetry {
        edr_alert_delay_ticks: delay(checker, &telemetry.edr_alert_delay, "edr_alert_delay"),
        log_alert_delay_ticks: delay(checker, &telemetry.log_alert_delay, "log_alert_delay"),
        report_per_mille: telemetry.report_per_mille,
        report_delay_ticks: delay(checker, &telemetry.report_delay, "report_delay"),
    }
}

fn resolve_responders(checker: &mut Checker, tables: &mut Tables, responders: &raw::Responders) -> Responders {
    let path = |field| [Field("responders"), Field(field)];
    if !(1..=1000).contains(&responders.team_size) {
        checker.invalid(
            &path("team_size"),
            "team size",
            &responders.team_size.to_string(),
            "a team has from 1 to 1000 people".to_string(),
        );
    }
    for (index, contact) in responders.contacts.iter().enumerate() {
        tables.contacts.declare(
            checker,
            contact,
            &[Field("responders"), Field("contacts"), Index(index)],
        );
    }
    Responders {
        team_size: responders.team_size,
        office: OfficeId(
            tables
                .offices
                .lookup(checker, &responders.office, &path("office"))
                .unwrap_or(0),
        ),
        working_hours: ClockRange::parse(&responders.working_hours).unwrap_or_else(|reason| {
            checker.invalid(
                &path("working_hours"),
                "working hours",
                &responders.working_hours,
                reason,
            );
            ClockRange {
                start_minute: 0,
                end_minute: 1440,
            }
        }),
        contacts: responders.contacts.clone(),
    }
}

fn resolve_rubric(
    checker: &mut Checker,
    tables: &Tables,
    table: &HostTable,
    clock: &Clock,
    threat: &Threat,
    rubric: &raw::Rubric,
) -> Rubric {
    let mut objective_names = Names::new(NameKind::Objective);
    let mut objectives = Vec::with_capacity(rubric.objectives.len());
    for (index, objective) in rubric.objectives.iter().enumerate() {
        let path = |field| [Field("rubric"), Field("objectives"), Index(index), Field(field)];
        objective_names.declare(checker, &objective.name, &path("name"));
        let goal_path = |field| {
            [
                Field("rubric"),
                Field("objectives"),
                Index(index),
                Field("goal"),
                Field(field),
            ]
        };
        let goal = match &objective.goal {
            raw::Goal::SaveMachines => Goal::SaveMachines,
            raw::Goal::PreserveEvidence => {
                if rubric.key_evidence.is_empty() {
                    checker.inconsistent(
                        &path("goal"),
                        "`PreserveEvidence` but `key_evidence` is empty".to_string(),
                        "nothing to preserve",
                        Some("list the evidence in `rubric.key_evidence`".to_string()),
                    );
                }
                Goal::PreserveEvidence
            }
            raw::Goal::Findings => {
                let findings = &rubric.findings;
                if findings.patient_zero.is_empty()
                    && findings.vector.is_empty()
                    && findings.accounts.is_empty()
                    && findings.indicators.is_empty()
                {
                    checker.inconsistent(
                        &path("goal"),
                        "`Findings` but `rubric.findings` is empty".to_string(),
                        "nothing to grade",
                        Some("fill in `rubric.findings`".to_string()),
                    );
                }
                Goal::Findings
            }
            raw::Goal::AvoidNeedlessDestruction => Goal::AvoidNeedlessDestruction,
            raw::Goal::Detect { within } => Goal::Detect {
                within_ticks: duration_ticks(checker, clock, within, &goal_path("within")),
            },
            raw::Goal::Contain { within } => Goal::Contain {
                within_ticks: duration_ticks(checker, clock, within, &goal_path("within")),
            },
            raw::Goal::Notify { contact, by } => Goal::Notify {
                contact: ContactId(
                    tables
                        .contacts
                        .lookup(checker, contact, &goal_path("contact"))
                        .unwrap_or(0),
                ),
                by: exercise_time(checker, clock, by, &goal_path("by"), "the notification deadline"),
            },
            raw::Goal::KeepServices(names) => Goal::KeepServices(
                names
                    .iter()
                    .enumerate()
                    .filter_map(|(i, name)| {
                        let service_path = [
                            Field("rubric"),
                            Field("objectives"),
                            Index(index),
                            Field("goal"),
                            Index(i),
                        ];
                        tables.services.lookup(checker, name, &service_path).map(ServiceId)
                    })
                    .collect(),
            ),
        };
        objectives.push(Objective {
            name: objective.name.clone(),
            weight: objective.weight,
            goal,
        });
    }
    let total: u64 = rubric.objectives.iter().map(|objective| objective.weight as u64).sum();
    if total != 100 {
        checker.report(
            &[Field("rubric"), Field("objectives")],
            ProblemKind::WeightsNotHundred { total },
            "weights of these objectives",
            Some("the total score runs to 100: adjust the weights".to_string()),
        );
    }

    let findings = &rubric.findings;
    let patient_zero = findings
        .patient_zero
        .iter()
        .enumerate()
        .filter_map(|(i, name)| {
            host(
                checker,
                table,
                name,
                &[Field("rubric"), Field("findings"), Field("patient_zero"), Index(i)],
            )
        })
        .collect();
    for (i, id) in findings.vector.iter().enumerate() {
        technique(
            checker,
            id,
            &[Field("rubric"), Field("findings"), Field("vector"), Index(i)],
        );
    }
    let accounts = findings
        .accounts
        .iter()
        .enumerate()
        .filter_map(|(i, name)| {
            tables
                .accounts
                .lookup(
                    checker,
                    name,
                    &[Field("rubric"), Field("findings"), Field("accounts"), Index(i)],
                )
                .map(AccountId)
        })
        .collect();
    let known_indicators = threat_indicators(threat);
    for (i, indicator) in findings.indicators.iter().enumerate() {
        if !known_indicators
            .iter()
            .any(|known| known.eq_ignore_ascii_case(indicator))
        {
            checker.inconsistent(
                &[Field("rubric"), Field("findings"), Field("indicators"), Index(i)],
                format!("indicator `{indicator}` is not in the threat section"),
                "unknown indicator",
                suggestion(indicator, known_indicators.iter().map(String::as_str)).or_else(|| {
                    Some("indicators are file names, hashes, service names or C2 addresses of `threat`".to_string())
                }),
            );
        }
    }

    let key_evidence = rubric
        .key_evidence
        .iter()
        .enumerate()
        .filter_map(|(index, evidence)| {
            let path = [Field("rubric"), Field("key_evidence"), Index(index), Field("host")];
            host(checker, table, &evidence.host, &path).map(|host| KeyEvidence {
                host,
                artifact: evidence.artifact,
                why: evidence.why.clone(),
            })
        })
        .collect();
    Rubric {
        objectives,
        findings: Findings {
            patient_zero,
            vector: findings.vector.clone(),
            accounts,
            indicators: findings.indicators.clone(),
        },
        key_evidence,
    }
}

/// Everything of the threat a responder could report as an indicator.
pub fn threat_indicators(threat: &Threat) -> Vec<String> {
    let mut indicators = Vec::new();
    for tool in &threat.tools {
        for file in &tool.files {
            indicators.push(file.name.clone());
            indicators.extend(file.md5.iter().cloned());
            indicators.extend(file.sha256.iter().cloned());
        }
        indicators.extend(tool.services.iter().cloned());
    }
    for (address, port) in &threat.c2 {
        indicators.push(address.to_string());
        indicators.push(format!("{address}:{port}"));
    }
    indicators
}
