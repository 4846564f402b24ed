//! The summary of a run: machines taken, defaced and wiped by office and by role, when each
//! office was hit, services lost, evidence lost. Printed as text or as one JSON object
//! (fields documented in docs/run-output.md).

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::scenario::model::{Artifact, OfficeId, Scenario, Scope, ServiceId, Tick};
use crate::scenario::values::{bytes_text, thousands};

use super::Simulation;
use super::business::{InjectStatus, ServiceStatus};
use super::evidence::EvidenceStore;
use super::facts::Observation;
use super::record::{ObservationLog, TruthLog};
use super::state::{GroundTruth, NEVER, Stage};

/// A moment of the exercise: its tick and its local time in the scenario's time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moment {
    pub tick: u32,
    pub time: String,
}

impl Moment {
    /// The moment of a tick.
    pub fn of(scenario: &Scenario, tick: Tick) -> Self {
        Self {
            tick: tick.0,
            time: scenario.time_of(tick).strftime("%Y-%m-%d %H:%M %Z").to_string(),
        }
    }
}

/// Machines in a scope and how many reached each stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    pub machines: u32,
    pub compromised: u32,
    pub defaced: u32,
    pub wiped: u32,
}

/// One office's counts and the first moment it was hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfficeOutcome {
    pub office: String,
    #[serde(flatten)]
    pub counts: Counts,
    pub first_compromise: Option<Moment>,
    pub first_page: Option<Moment>,
    pub first_wipe: Option<Moment>,
}

/// A business service's availability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceOutcome {
    pub service: String,
    pub up: bool,
    pub first_down: Option<Moment>,
    pub downtime_minutes: u64,
}

/// Evidence left by the attack and what of it is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EvidenceOutcome {
    pub left: u64,
    pub lost: u64,
    pub lost_memory: u64,
    pub lost_disk: u64,
    pub lost_event_logs: u64,
    /// Event log lines destroyed on their machine but kept by log forwarding.
    pub kept_by_forwarding: u64,
}

/// What the responder could have seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObservationOutcome {
    pub total: u64,
    pub edr_alerts: u64,
    pub log_alerts: u64,
    pub helpdesk_calls: u64,
    pub first: Option<Moment>,
    /// Of them, those that showed the attack (ground truth); the rest were ordinary activity.
    pub of_the_attack: u64,
    pub first_of_the_attack: Option<Moment>,
}

/// One data set: how much there was, how much left the company (before the exercise and in
/// all), and how much of it was published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataOutcome {
    pub data: String,
    pub size_bytes: u64,
    pub stolen_bytes: u64,
    pub stolen_before_start_bytes: u64,
    pub leaked_bytes: u64,
    pub first_leak: Option<Moment>,
}

/// When an inject reached the responder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InjectOutcome {
    pub inject: String,
    pub fired: Option<Moment>,
}

/// The summary of a run so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub scenario: String,
    pub seed: u64,
    /// Ticks simulated, counting tick 0.
    pub ticks: u32,
    pub tick_seconds: u32,
    pub until: Option<Moment>,
    pub machines: Counts,
    pub by_role: BTreeMap<String, Counts>,
    pub by_office: Vec<OfficeOutcome>,
    pub services: Vec<ServiceOutcome>,
    pub evidence: EvidenceOutcome,
    pub observations: ObservationOutcome,
    pub injects: Vec<InjectOutcome>,
    /// Accounts whose passwords the attacker held by the end.
    pub credentials_held: Vec<String>,
    /// The company's data sets: what was stolen and what leaked (empty when the scenario names
    /// none).
    pub data: Vec<DataOutcome>,
    /// FNV-1a hash of the ground-truth log, in hexadecimal: equal runs give equal hashes.
    pub truth_log_hash: String,
}

fn counts(truth: &GroundTruth, scope: &Scope) -> Counts {
    let (compromised, machines) = truth.reached(scope, Stage::Compromised);
    Counts {
        machines,
        compromised,
        defaced: truth.reached(scope, Stage::Defaced).0,
        wiped: truth.reached(scope, Stage::Wiped).0,
    }
}

impl Outcome {
    /// Summarises a simulation at its current tick.
    pub fn of(simulation: &Simulation) -> Self {
        let world = simulation.world();
        let scenario = simulation.scenario();
        let truth = world.resource::<GroundTruth>();
        let now = simulation.now();
        let moment = |tick: u32| (tick != NEVER).then(|| Moment::of(scenario, Tick(tick)));

        let mut firsts = vec![[NEVER; 3]; scenario.offices.len()];
        for (host, state) in scenario.hosts.iter().zip(&truth.hosts) {
            let first = &mut firsts[host.office.index()];
            for (slot, tick) in [state.compromised_at, state.defaced_at, state.wiped_at]
                .into_iter()
                .enumerate()
            {
                first[slot] = first[slot].min(tick);
            }
        }
        let by_office = scenario
            .offices
            .iter()
            .enumerate()
            .map(|(index, office)| OfficeOutcome {
                office: office.name.clone(),
                counts: counts(truth, &Scope::Office(OfficeId(index as u32))),
                first_compromise: moment(firsts[index][0]),
                first_page: moment(firsts[index][1]),
                first_wipe: moment(firsts[index][2]),
            })
            .collect();
        let by_role = crate::scenario::model::Role::ALL
            .iter()
            .map(|&role| (role.name().to_string(), counts(truth, &Scope::Role(role))))
            .filter(|(_, counts)| counts.machines > 0)
            .collect();

        let status = world.resource::<ServiceStatus>();
        let minutes = |ticks: u32| ticks as u64 * scenario.meta.tick_seconds as u64 / 60;
        let services = scenario
            .services
            .iter()
            .enumerate()
            .map(|(index, service)| ServiceOutcome {
                service: service.name.clone(),
                up: status.up[index],
                first_down: status.first_down[index].map(|tick| Moment::of(scenario, tick)),
                downtime_minutes: minutes(status.downtime(ServiceId(index as u32), now.unwrap_or_default())),
            })
            .collect();

        let mut evidence = EvidenceOutcome {
            left: 0,
            lost: 0,
            lost_memory: 0,
            lost_disk: 0,
            lost_event_logs: 0,
            kept_by_forwarding: 0,
        };
        let store = world.resource::<EvidenceStore>();
        for (_, item) in store.iter() {
            evidence.left += 1;
            let artifact = item.trace.artifact();
            if artifact == Artifact::Flows || item.at > store.cleared_at(item.host, artifact) {
                continue;
            }
            if artifact == Artifact::EventLogs && super::evidence::forwards_logs(scenario, item.host) {
                evidence.kept_by_forwarding += 1;
                continue;
            }
            evidence.lost += 1;
            match item.trace.artifact() {
                Artifact::Memory => evidence.lost_memory += 1,
                Artifact::Disk => evidence.lost_disk += 1,
                Artifact::EventLogs => evidence.lost_event_logs += 1,
                Artifact::Flows => {}
            }
        }

        let log = &world.resource::<ObservationLog>().observations;
        let count = |wanted: fn(&Observation) -> bool| log.iter().filter(|seen| wanted(&seen.what)).count() as u64;
        let observations = ObservationOutcome {
            total: log.len() as u64,
            edr_alerts: count(|what| matches!(what, Observation::EdrSuspiciousService | Observation::EdrRawDiskWrite)),
            log_alerts: count(|what| matches!(what, Observation::LogAlert { .. })),
            helpdesk_calls: count(|what| matches!(what, Observation::HelpdeskCall(_))),
            first: log.first().map(|seen| Moment::of(scenario, seen.tick)),
            of_the_attack: log.iter().filter(|seen| seen.shows_attack()).count() as u64,
            first_of_the_attack: log
                .iter()
                .find(|seen| seen.shows_attack())
                .map(|seen| Moment::of(scenario, seen.tick)),
        };
        let fired = &world.resource::<InjectStatus>().fired_at;
        let injects = scenario
            .injects
            .iter()
            .zip(fired)
            .map(|(inject, fired)| InjectOutcome {
                inject: inject.name.clone(),
                fired: fired.map(|tick| Moment::of(scenario, tick)),
            })
            .collect();
        let theft = world.resource::<super::theft::Theft>();
        let data = scenario
            .data
            .iter()
            .enumerate()
            .map(|(index, set)| DataOutcome {
                data: set.name.clone(),
                size_bytes: set.size_bytes,
                stolen_bytes: theft.stolen[index],
                stolen_before_start_bytes: theft.before_start[index],
                leaked_bytes: theft.leaked[index],
                first_leak: theft.first_leak[index].map(|tick| Moment::of(scenario, tick)),
            })
            .collect();
        let credentials_held = scenario
            .accounts
            .iter()
            .zip(&truth.held)
            .filter(|(_, held)| **held)
            .map(|(account, _)| account.name.clone())
            .collect();

        Self {
            scenario: scenario.meta.id.clone(),
            seed: simulation.seed(),
            ticks: now.map_or(0, |tick| tick.0 + 1),
            tick_seconds: scenario.meta.tick_seconds,
            until: now.map(|tick| Moment::of(scenario, tick)),
            machines: counts(truth, &Scope::All),
            by_role,
            by_office,
            services,
            evidence,
            observations,
            injects,
            credentials_held,
            data,
            truth_log_hash: format!("{:016x}", world.resource::<TruthLog>().hash()),
        }
    }

    /// Counts for one role (zeros when the scenario has none).
    pub fn role(&self, role: crate::scenario::model::Role) -> Counts {
        self.by_role.get(role.name()).copied().unwrap_or_default()
    }
}

fn row(f: &mut fmt::Formatter<'_>, name: &str, counts: &Counts) -> fmt::Result {
    let share = |part: u32| {
        if counts.machines == 0 {
            0.0
        } else {
            part as f64 * 100.0 / counts.machines as f64
        }
    };
    writeln!(
        f,
        "  {name:<20} {:>9} {:>9} {:>9} {:>9}  ({:.0}% wiped)",
        thousands(counts.machines as u64),
        thousands(counts.compromised as u64),
        thousands(counts.defaced as u64),
        thousands(counts.wiped as u64),
        share(counts.wiped)
    )
}

impl Outcome {
    /// The summary's first line, saying who responded (`with no response`, `following
    /// playbook X`...): the simulation itself does not know.
    pub fn heading(&self, response: &str) -> String {
        let until = self
            .until
            .as_ref()
            .map_or("before the start".to_string(), |moment| moment.time.clone());
        format!(
            "{} {response}, seed {}, until {until} ({} ticks)",
            self.scenario,
            self.seed,
            thousands(self.ticks as u64)
        )
    }
}

impl fmt::Display for Outcome {
    /// Everything after the heading: the timeline, the losses, services, evidence, observations.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |moment: &Option<Moment>| moment.as_ref().map_or("-".to_string(), |moment| moment.time.clone());
        writeln!(f, "Timeline (ground truth)")?;
        writeln!(
            f,
            "  {:<20} {:<22} {:<22} {:<22}",
            "office", "first compromise", "first warning page", "first wipe"
        )?;
        for office in &self.by_office {
            writeln!(
                f,
                "  {:<20} {:<22} {:<22} {:<22}",
                office.office,
                show(&office.first_compromise),
                show(&office.first_page),
                show(&office.first_wipe)
            )?;
        }
        writeln!(f)?;
        writeln!(
            f,
            "  {:<20} {:>9} {:>9} {:>9} {:>9}",
            "machines", "total", "taken", "defaced", "wiped"
        )?;
        row(f, "all", &self.machines)?;
        writeln!(f, "  by office")?;
        for office in &self.by_office {
            row(f, &office.office, &office.counts)?;
        }
        writeln!(f, "  by role")?;
        for (role, counts) in &self.by_role {
            row(f, role, counts)?;
        }
        writeln!(f)?;
        let down: Vec<String> = self
            .services
            .iter()
            .filter(|service| service.first_down.is_some())
            .map(|service| {
                let hours = service.downtime_minutes as f64 / 60.0;
                let since = service
                    .first_down
                    .as_ref()
                    .map_or(String::new(), |moment| moment.time.clone());
                format!(
                    "{} (down from {since}, {hours:.1} h{})",
                    service.service,
                    if service.up { ", back up" } else { "" }
                )
            })
            .collect();
        if down.is_empty() {
            writeln!(f, "Business services: all up")?;
        } else {
            writeln!(f, "Business services down: {}", down.len())?;
            for line in down {
                writeln!(f, "  {line}")?;
            }
        }
        let evidence = &self.evidence;
        writeln!(
            f,
            "Evidence: {} pieces left, {} lost ({} in memory, {} on disk, {} event log lines); {} log lines kept by forwarding",
            thousands(evidence.left),
            thousands(evidence.lost),
            thousands(evidence.lost_memory),
            thousands(evidence.lost_disk),
            thousands(evidence.lost_event_logs),
            thousands(evidence.kept_by_forwarding)
        )?;
        let seen = &self.observations;
        writeln!(
            f,
            "Observable: {} observations ({} EDR alerts, {} log alerts, {} helpdesk calls), the first at {}",
            thousands(seen.total),
            thousands(seen.edr_alerts),
            thousands(seen.log_alerts),
            thousands(seen.helpdesk_calls),
            show(&seen.first)
        )?;
        writeln!(
            f,
            "  of the attack: {} (the rest were ordinary activity), the first at {}",
            thousands(seen.of_the_attack),
            show(&seen.first_of_the_attack)
        )?;
        let fired: Vec<String> = self
            .injects
            .iter()
            .filter_map(|inject| {
                inject
                    .fired
                    .as_ref()
                    .map(|moment| format!("{} at {}", inject.inject, moment.time))
            })
            .collect();
        writeln!(f, "Injects fired: {} of {}", fired.len(), self.injects.len())?;
        for line in fired {
            writeln!(f, "  {line}")?;
        }
        writeln!(f, "Credentials the attacker held: {}", self.credentials_held.join(", "))?;
        if !self.data.is_empty() {
            writeln!(f, "Data stolen and leaked")?;
            for set in &self.data {
                let leaked = match &set.first_leak {
                    Some(first) => format!("{} published from {}", bytes_text(set.leaked_bytes), first.time),
                    None => "none published".to_string(),
                };
                writeln!(
                    f,
                    "  {:<20} {:>8} of {:>8} stolen ({} before the exercise); {leaked}",
                    set.data,
                    bytes_text(set.stolen_bytes),
                    bytes_text(set.size_bytes),
                    bytes_text(set.stolen_before_start_bytes)
                )?;
            }
        }
        writeln!(f, "Truth log hash: {}", self.truth_log_hash)
    }
}
