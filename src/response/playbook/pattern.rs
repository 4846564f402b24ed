//! What a playbook step can wait for in the case (`Found(...)`), and the values an action can
//! take from the record that matched (`{host}`, `{peer}`, `{account}`, `{file}`, `{hash}`,
//! `{address}`, `{service}`, and `{machines_with_file}`, one action per machine where the case
//! shows the same file). A pattern reads only records the team holds.

use serde::Deserialize;

use crate::case::{Case, account_of, host_at};
use crate::scenario::model::{AccountKind, HostId, Role, Scenario};
use crate::sim::{Body, Record, event_id, file_name};

/// A record a step waits for, as the playbook file writes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub enum Pattern {
    /// A service installed (event 7045) or registered: by name, or any the company does not
    /// run (`unknown`), leaving out names the team knows to be harmless (`except`).
    Service {
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        unknown: bool,
        #[serde(default)]
        except: Vec<String>,
    },
    /// A process running or started: by program (file name or path), or any program the
    /// company does not run (`unknown`).
    Process {
        #[serde(default)]
        image: Option<String>,
        #[serde(default)]
        unknown: bool,
        #[serde(default)]
        except: Vec<String>,
    },
    /// A network logon (4624): of an account by name, or of any administrator account
    /// (`admin`), from a machine of a role (`from_role`).
    Logon {
        #[serde(default)]
        account: Option<String>,
        #[serde(default)]
        admin: bool,
        #[serde(default)]
        from_role: Option<Role>,
    },
    /// A file, by name or hash, or any file that is not one of the company's programs
    /// (`unknown`).
    File {
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        hash: Option<String>,
        #[serde(default)]
        unknown: bool,
    },
    /// A flow: to an address, to a port, or to an address outside the company (`outside`)
    /// on a port other than the web's (`unusual_port`), of at least `min_bytes`.
    Flow {
        #[serde(default)]
        address: Option<String>,
        #[serde(default)]
        port: Option<u16>,
        #[serde(default)]
        outside: bool,
        #[serde(default)]
        unusual_port: bool,
        #[serde(default)]
        min_bytes: Option<u64>,
    },
    /// A Windows event, by id.
    Event(u16),
    /// Any record holding this text.
    Text(String),
}

/// The values an action can take from a record, by placeholder.
pub const PLACEHOLDERS: [&str; 9] = [
    "{host}",
    "{peer}",
    "{account}",
    "{file}",
    "{hash}",
    "{address}",
    "{service}",
    "{machines_with_file}",
    "{data}",
];

fn equal(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Whether a program (path or name) is one of the company's own, as ordinary activity runs.
fn known(known: &[String], image: &str) -> bool {
    let image = image.to_lowercase();
    known.contains(&image)
}

impl Pattern {
    /// Whether a record matches. `known` is the programs the company runs (lower case).
    pub fn matches(&self, scenario: &Scenario, known_programs: &[String], record: &Record) -> bool {
        match (self, &record.body) {
            (Pattern::Service { name, unknown, except }, body) => {
                let (service, image) = match body {
                    Body::Event(event) if event.event_id == event_id::SERVICE_INSTALLED => (
                        event.get("ServiceName").unwrap_or(""),
                        event.get("ImagePath").unwrap_or(""),
                    ),
                    Body::Service(service) => (service.name.as_str(), service.image_path.as_str()),
                    _ => return false,
                };
                name.as_deref().is_none_or(|wanted| equal(wanted, service))
                    && (!unknown || !known(known_programs, image))
                    && !except.iter().any(|left_out| equal(left_out, service))
            }
            (Pattern::Process { image, unknown, except }, body) => {
                let program = match body {
                    Body::Process(process) => process.image.as_str(),
                    Body::Event(event) if event.event_id == event_id::PROCESS_CREATED => {
                        event.get("NewProcessName").unwrap_or("")
                    }
                    _ => return false,
                };
                let name = file_name(program);
                image
                    .as_deref()
                    .is_none_or(|wanted| equal(wanted, program) || equal(wanted, &name))
                    && (!unknown || !known(known_programs, program))
                    && !except
                        .iter()
                        .any(|left_out| equal(left_out, &name) || equal(left_out, program))
            }
            (
                Pattern::Logon {
                    account,
                    admin,
                    from_role,
                },
                Body::Event(event),
            ) if event.event_id == event_id::LOGON => {
                let Some(who) = account_of(record) else { return false };
                let from = peer(scenario, record);
                account.as_deref().is_none_or(|wanted| equal(wanted, &who))
                    && (!admin || is_admin(scenario, &who))
                    && from_role.is_none_or(|role| from.is_some_and(|host| scenario.hosts[host.index()].role == role))
            }
            (Pattern::File { name, hash, unknown }, Body::File(file)) => {
                name.as_deref()
                    .is_none_or(|wanted| equal(wanted, &file_name(&file.path)) || equal(wanted, &file.path))
                    && hash
                        .as_deref()
                        .is_none_or(|wanted| equal(wanted, &file.sha256) || equal(wanted, &file.md5))
                    && (!unknown || !known(known_programs, &file.path))
            }
            (
                Pattern::Flow {
                    address,
                    port,
                    outside,
                    unusual_port,
                    min_bytes,
                },
                Body::Flow(flow),
            ) => {
                address
                    .as_deref()
                    .is_none_or(|wanted| wanted == flow.destination.to_string() || wanted == flow.source.to_string())
                    && port.is_none_or(|wanted| wanted == flow.destination_port)
                    && (!outside || scenario.host_with_address(flow.destination).is_none())
                    && (!unusual_port || ![80, 443].contains(&flow.destination_port))
                    && min_bytes.is_none_or(|least| flow.bytes >= least)
            }
            (Pattern::Event(id), Body::Event(event)) => event.event_id == *id,
            (Pattern::Text(text), _) => {
                let wanted = text.to_lowercase();
                record.summary(scenario).to_lowercase().contains(&wanted)
                    || record
                        .values(scenario)
                        .iter()
                        .any(|value| value.to_lowercase().contains(&wanted))
            }
            _ => false,
        }
    }
}

/// Whether an account (as `DOMAIN\name`) is one of the scenario's administrators.
fn is_admin(scenario: &Scenario, account: &str) -> bool {
    scenario.accounts.iter().any(|known| {
        known.name.eq_ignore_ascii_case(account)
            && (matches!(known.kind, AccountKind::Admin | AccountKind::DomainAdmin) || !known.admin_on.is_empty())
    })
}

/// The other machine a record names: the one a logon came from, the other end of a flow.
pub fn peer(scenario: &Scenario, record: &Record) -> Option<HostId> {
    let other = |host: Option<HostId>| host.filter(|host| *host != record.host);
    match &record.body {
        Body::Event(event) => other(
            event
                .get("WorkstationName")
                .and_then(|name| scenario.host_named(name))
                .or_else(|| event.get("IpAddress").and_then(|address| host_at(scenario, address)))
                .or_else(|| event.get("TargetServerName").and_then(|name| scenario.host_named(name))),
        ),
        Body::Flow(flow) => other(scenario.host_with_address(flow.source))
            .or_else(|| other(scenario.host_with_address(flow.destination))),
        _ => None,
    }
}

/// The value a placeholder takes from a record, if the record has one.
pub fn value(scenario: &Scenario, record: &Record, placeholder: &str) -> Option<String> {
    let event = match &record.body {
        Body::Event(event) => Some(event),
        _ => None,
    };
    let name_of = |host: HostId| scenario.hosts[host.index()].name.to_string();
    match placeholder {
        "{host}" => Some(name_of(record.host)),
        "{peer}" => peer(scenario, record).map(name_of),
        "{account}" => account_of(record).filter(|account| {
            scenario
                .accounts
                .iter()
                .any(|known| known.name.eq_ignore_ascii_case(account))
        }),
        "{file}" => match &record.body {
            Body::File(file) => Some(file_name(&file.path)),
            Body::Process(process) => Some(file_name(&process.image)),
            Body::Service(service) => Some(file_name(&service.image_path)),
            Body::Event(event) => event.get("ImagePath").or(event.get("NewProcessName")).map(file_name),
            _ => None,
        },
        "{hash}" => match &record.body {
            Body::File(file) => Some(file.sha256.clone()),
            _ => None,
        },
        "{address}" => match &record.body {
            Body::Flow(flow) => [flow.destination, flow.source]
                .into_iter()
                .find(|address| scenario.host_with_address(*address).is_none())
                .or(Some(flow.destination))
                .map(|address| address.to_string()),
            _ => event
                .and_then(|event| event.get("IpAddress"))
                .map(|address| address.trim_start_matches("::ffff:").to_string()),
        },
        "{service}" => match &record.body {
            Body::Service(service) => Some(service.name.clone()),
            _ => event.and_then(|event| event.get("ServiceName")).map(str::to_string),
        },
        // The company's data set an archive is named after (`film-masters-004.rar`).
        "{data}" => match &record.body {
            Body::File(file) => {
                let name = file_name(&file.path).to_ascii_lowercase();
                scenario
                    .data
                    .iter()
                    .find(|set| name.starts_with(&format!("{}-", set.name.to_ascii_lowercase())))
                    .map(|set| set.name.clone())
            }
            _ => None,
        },
        _ => None,
    }
    .filter(|value| !value.is_empty() && value != "-")
}

/// An action line with its placeholders filled from a record: one line, or one per machine
/// for `{machines_with_file}`; none when the record lacks a value the line needs.
pub fn fill(scenario: &Scenario, case: &Case, record: &Record, line: &str) -> Vec<String> {
    if line.contains("{machines_with_file}") {
        let Some(hash) = value(scenario, record, "{hash}") else {
            return Vec::new();
        };
        let mut machines: Vec<HostId> = case
            .search(scenario, &hash)
            .iter()
            .filter(|held| matches!(&held.record.body, Body::File(file) if file.sha256 == hash))
            .map(|held| held.record.host)
            .collect();
        machines.sort_unstable();
        machines.dedup();
        return machines
            .into_iter()
            .flat_map(|host| {
                fill(
                    scenario,
                    case,
                    record,
                    &line.replace("{machines_with_file}", &scenario.hosts[host.index()].name),
                )
            })
            .collect();
    }
    let mut filled = line.to_string();
    for placeholder in PLACEHOLDERS {
        if filled.contains(placeholder) {
            match value(scenario, record, placeholder) {
                Some(value) => filled = filled.replace(placeholder, &value),
                None => return Vec::new(),
            }
        }
    }
    vec![filled]
}

/// A value of the right kind for each placeholder, to check a line before anything runs.
pub fn sample(scenario: &Scenario, placeholder: &str) -> Option<String> {
    match placeholder {
        "{host}" | "{peer}" | "{machines_with_file}" => scenario.hosts.first().map(|host| host.name.to_string()),
        "{account}" => scenario.accounts.first().map(|account| account.name.clone()),
        "{file}" => Some("sample.exe".to_string()),
        "{hash}" => Some("0".repeat(64)),
        "{address}" => Some("192.0.2.1".to_string()),
        "{service}" => Some("Sample Service".to_string()),
        "{data}" => scenario.data.first().map(|set| set.name.clone()),
        _ => None,
    }
}
