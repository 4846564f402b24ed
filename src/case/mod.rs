//! The team's case file: every record the team holds, how it came (a collection the team made,
//! or the record a sensor's alert showed), and the ways to read it: per machine, by search,
//! in time order, and from one record to the others it leads to. The team sees only this and
//! its observations, never the ground truth. Reading it takes no responder and no simulated
//! time: collecting is what costs (a responder, for the action's duration).

use std::collections::{BTreeMap, HashMap};

use bevy::prelude::*;

use crate::scenario::model::{Artifact, HostId, Scenario, Tick};
use crate::sim::{
    ActivityPlan, Body, EvidenceSeed, EvidenceStore, ObservationLog, Record, RecordKey, ScenarioData, SimSystems,
    record_by_key,
};

/// The case joins an exercise: it files the record of every alert as the alert arrives.
pub fn plugin(app: &mut App) {
    app.init_resource::<Case>()
        .add_systems(FixedUpdate, file_alerts.after(SimSystems::Record));
}

/// How a record came into the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Came {
    /// A sensor's alert showed it.
    Alert,
    /// The team collected it (the index of the action in the desk's log).
    Collected { entry: usize },
}

/// A record in the case, with its number there (`#12`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CaseRecord {
    pub id: u32,
    pub record: Record,
    pub came: Came,
    /// When it came into the case.
    pub filed: Tick,
}

/// What the case holds of one machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct MachineSummary {
    pub memory: u32,
    pub disk: u32,
    pub logs: u32,
    pub flows: u32,
    /// Of those, records only an alert showed (not collected).
    pub from_alerts: u32,
}

/// The team's case file.
#[derive(Resource, Default)]
pub struct Case {
    records: Vec<CaseRecord>,
    by_key: HashMap<RecordKey, usize>,
    /// Each record's text, in lower case, for searching: made the first time a search needs
    /// it (a team may file thousands of records and search a few times).
    text: Vec<std::sync::OnceLock<String>>,
    /// Collections under way: what they secured when they started, filed when they end.
    pending: BTreeMap<usize, Vec<Record>>,
    observations_read: usize,
}

impl Case {
    /// Every record, in the order it came in.
    pub fn records(&self) -> &[CaseRecord] {
        &self.records
    }

    /// A record by its number in the case.
    pub fn get(&self, id: u32) -> Option<&CaseRecord> {
        self.records.get((id as usize).checked_sub(1)?)
    }

    /// A record by its key, if the case holds it.
    pub fn by_key(&self, key: RecordKey) -> Option<&CaseRecord> {
        self.by_key.get(&key).map(|&index| &self.records[index])
    }

    /// Whether the case holds anything.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Files a record, or upgrades one already filed (a collection's copy replaces an
    /// alert's: it carries the record's number in its log). Returns its number.
    fn file(&mut self, record: Record, came: Came, filed: Tick) -> u32 {
        if let Some(&index) = self.by_key.get(&record.key) {
            let existing = &mut self.records[index];
            if matches!(came, Came::Collected { .. }) {
                existing.came = came;
                existing.record = record;
            }
            return existing.id;
        }
        let id = self.records.len() as u32 + 1;
        self.by_key.insert(record.key, self.records.len());
        self.text.push(std::sync::OnceLock::new());
        self.records.push(CaseRecord {
            id,
            record,
            came,
            filed,
        });
        id
    }

    /// A collection started: what it will secure if it completes.
    pub fn begin_collection(&mut self, entry: usize, records: Vec<Record>) {
        self.pending.insert(entry, records);
    }

    /// A collection completed: its records come into the case.
    pub fn complete_collection(&mut self, entry: usize, filed: Tick) {
        for record in self.pending.remove(&entry).unwrap_or_default() {
            self.file(record, Came::Collected { entry }, filed);
        }
    }

    /// The machines the case holds records of, with what it holds of each.
    pub fn machines(&self) -> BTreeMap<HostId, MachineSummary> {
        let mut machines: BTreeMap<HostId, MachineSummary> = BTreeMap::new();
        for held in &self.records {
            let summary = machines.entry(held.record.host).or_default();
            match held.record.artifact() {
                Artifact::Memory => summary.memory += 1,
                Artifact::Disk => summary.disk += 1,
                Artifact::EventLogs => summary.logs += 1,
                Artifact::Flows => summary.flows += 1,
            }
            summary.from_alerts += u32::from(held.came == Came::Alert);
        }
        machines
    }

    /// The records of a machine (of one kind, when given), in time order.
    pub fn on_machine(&self, host: HostId, artifact: Option<Artifact>) -> Vec<&CaseRecord> {
        let mut found: Vec<&CaseRecord> = self
            .records
            .iter()
            .filter(|held| held.record.host == host && artifact.is_none_or(|kind| held.record.artifact() == kind))
            .collect();
        found.sort_by_key(|held| (held.record.at, held.id));
        found
    }

    /// The records whose text holds `text` (any case), in time order.
    pub fn search(&self, scenario: &Scenario, text: &str) -> Vec<&CaseRecord> {
        let wanted = text.trim().to_lowercase();
        if wanted.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<&CaseRecord> = self
            .records
            .iter()
            .zip(&self.text)
            .filter(|(held, text)| {
                text.get_or_init(|| searchable(scenario, &held.record))
                    .contains(&wanted)
            })
            .map(|(held, _)| held)
            .collect();
        found.sort_by_key(|held| (held.record.at, held.id));
        found
    }

    /// The records between two seconds of the exercise (inclusive), of a machine or all, in
    /// time order.
    pub fn timeline(&self, host: Option<HostId>, from: i64, to: i64) -> Vec<&CaseRecord> {
        let mut found: Vec<&CaseRecord> = self
            .records
            .iter()
            .filter(|held| host.is_none_or(|host| held.record.host == host))
            .filter(|held| (from..=to).contains(&held.record.at))
            .collect();
        found.sort_by_key(|held| (held.record.at, held.id));
        found
    }

    /// Where a record leads: the other machines it names, the account's other records, the
    /// same file elsewhere.
    pub fn related(&self, scenario: &Scenario, id: u32) -> Related {
        let Some(held) = self.get(id) else {
            return Related::default();
        };
        let record = &held.record;
        let mut machines: Vec<HostId> = record
            .values(scenario)
            .iter()
            .filter_map(|value| scenario.host_named(value).or_else(|| host_at(scenario, value)))
            .filter(|host| *host != record.host)
            .collect();
        machines.sort_unstable();
        machines.dedup();
        let others = |value: &str| -> Vec<u32> {
            match value.is_empty() || value == "-" {
                true => Vec::new(),
                false => self
                    .search(scenario, value)
                    .iter()
                    .map(|other| other.id)
                    .filter(|other| *other != id)
                    .collect(),
            }
        };
        let account = account_of(record);
        let hash = match &record.body {
            Body::File(file) => Some(file.sha256.clone()),
            _ => None,
        };
        Related {
            machines,
            same_account: account.as_deref().map(others).unwrap_or_default(),
            account,
            same_file: hash.as_deref().map(others).unwrap_or_default(),
            hash,
        }
    }
}

/// Where a record leads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Related {
    /// Other machines it names (the other end of a flow or a logon).
    pub machines: Vec<HostId>,
    /// The account it names, and the case's other records naming it.
    pub account: Option<String>,
    pub same_account: Vec<u32>,
    /// A file's SHA-256, and the case's other records of it.
    pub hash: Option<String>,
    pub same_file: Vec<u32>,
}

/// The machine with this address, if any.
pub fn host_at(scenario: &Scenario, text: &str) -> Option<HostId> {
    let address: std::net::Ipv4Addr = text.trim_start_matches("::ffff:").parse().ok()?;
    scenario.host_with_address(address)
}

/// The account a record names as the one acting or signing in (`DOMAIN\\name` where the
/// record gives the domain).
pub fn account_of(record: &Record) -> Option<String> {
    match &record.body {
        Body::Event(event) => {
            let (user, domain) = match event.get("TargetUserName") {
                Some(user) => (user, event.get("TargetDomainName")),
                None => (event.get("SubjectUserName")?, event.get("SubjectDomainName")),
            };
            let domain = domain.unwrap_or("");
            match domain.is_empty() || user.contains('\\') {
                true => Some(user.to_string()),
                false => Some(format!("{domain}\\{user}")),
            }
            .filter(|account| account != "-")
        }
        Body::Credential(credential) => Some(credential.account.clone()),
        Body::Process(process) => Some(process.user.clone()),
        _ => None,
    }
}

/// A record's text for searching: its summary and every field's value.
fn searchable(scenario: &Scenario, record: &Record) -> String {
    let mut text = record.summary(scenario);
    for (name, value) in record.fields(scenario) {
        text.push_str(" | ");
        text.push_str(name);
        text.push('=');
        text.push_str(&value);
    }
    for value in record.values(scenario).into_iter().chain(account_of(record)) {
        text.push_str(" | ");
        text.push_str(&value);
    }
    text.to_lowercase()
}

/// Files the record each new alert showed.
fn file_alerts(
    scenario: Res<ScenarioData>,
    seed: Res<EvidenceSeed>,
    store: Res<EvidenceStore>,
    plan: Res<ActivityPlan>,
    log: Res<ObservationLog>,
    clock: Res<crate::sim::Clock>,
    mut case: ResMut<Case>,
) {
    let scenario = &scenario.0;
    let new = &log.observations[case.observations_read.min(log.observations.len())..];
    let keys: Vec<RecordKey> = new.iter().filter_map(|observed| observed.record).collect();
    case.observations_read = log.observations.len();
    for key in keys {
        if case.by_key.contains_key(&key) {
            continue;
        }
        if let Some(record) = record_by_key(scenario, seed.0, &store, &plan, key) {
            case.file(record, Came::Alert, clock.now);
        }
    }
}
