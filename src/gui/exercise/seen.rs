//! What the responder knows of each machine, kept up to date from the observation and action
//! logs as they grow (never from the ground truth), and the colours the map gives each state.

use std::collections::HashMap;

use crate::response::{Action, Desk, Outcome};
use crate::scenario::model::HostId;
use crate::sim::{Observation, ObservationLog, Simulation, Stage};

/// What the responder knows of a machine, from observations and the team's own work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Nothing reported.
    Unknown,
    /// The team examined it and found nothing.
    Healthy,
    /// An alert names it.
    Alerting,
    /// Its user reported the warning page.
    PageReported,
    /// The team switched it off.
    Offline,
    /// The team cut it off the network.
    Isolated,
    /// The team is imaging its disk.
    BeingImaged,
    /// The team restored or rebuilt it.
    Restored,
}

impl Seen {
    pub const ALL: [Seen; 8] = [
        Seen::Unknown,
        Seen::Healthy,
        Seen::Alerting,
        Seen::PageReported,
        Seen::Offline,
        Seen::Isolated,
        Seen::BeingImaged,
        Seen::Restored,
    ];

    pub fn colour(self) -> [u8; 3] {
        match self {
            Seen::Unknown => [0x3a, 0x44, 0x50],
            Seen::Healthy => [0x70, 0x90, 0x70],
            Seen::Alerting => [0xf0, 0xa0, 0x20],
            Seen::PageReported => [0xe0, 0x18, 0x18],
            Seen::Offline => [0x0a, 0x0a, 0x0a],
            Seen::Isolated => [0x30, 0x80, 0xf0],
            Seen::BeingImaged => [0xa0, 0x50, 0xe0],
            Seen::Restored => [0x30, 0xd0, 0x60],
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Seen::Unknown => "unknown",
            Seen::Healthy => "healthy",
            Seen::Alerting => "alerting",
            Seen::PageReported => "page reported",
            Seen::Offline => "offline",
            Seen::Isolated => "isolated",
            Seen::BeingImaged => "being imaged",
            Seen::Restored => "restored",
        }
    }
}

/// The map's colour for a machine's true stage (the replay viewer's ground-truth view).
pub fn stage_colour(stage: Stage) -> [u8; 3] {
    match stage {
        Stage::Clean => [0x3a, 0x44, 0x50],
        Stage::Infecting => [0x90, 0x80, 0x30],
        Stage::Compromised => [0xf0, 0xc0, 0x20],
        Stage::Armed => [0xf0, 0x70, 0x10],
        Stage::Defaced => [0xe0, 0x18, 0x18],
        Stage::Wiping => [0x90, 0x10, 0x10],
        Stage::Wiped => [0xf0, 0xf0, 0xf0],
    }
}

/// The observed state of every machine, read incrementally: each update looks only at the
/// observations and outcomes that are new since the last.
pub struct SeenMap {
    states: Vec<Seen>,
    /// What a machine showed before the team started imaging it.
    before_imaging: HashMap<HostId, Seen>,
    observations_read: usize,
    /// Per desk entry, the outcome last taken into account.
    outcomes_read: Vec<Option<Outcome>>,
}

impl SeenMap {
    pub fn new(hosts: usize) -> Self {
        Self {
            states: vec![Seen::Unknown; hosts],
            before_imaging: HashMap::new(),
            observations_read: 0,
            outcomes_read: Vec::new(),
        }
    }

    /// The observed state of every machine at the simulation's present, from scratch.
    pub fn of(simulation: &Simulation) -> Self {
        let mut seen = Self::new(simulation.scenario().hosts.len());
        seen.update(simulation);
        seen
    }

    pub fn states(&self) -> &[Seen] {
        &self.states
    }

    pub fn get(&self, host: HostId) -> Seen {
        self.states[host.index()]
    }

    /// Takes in what was observed and done since the last update; returns whether anything
    /// changed.
    pub fn update(&mut self, simulation: &Simulation) -> bool {
        let world = simulation.world();
        let observations = &world.resource::<ObservationLog>().observations;
        let desk = world.resource::<Desk>();
        let new_observations = &observations[self.observations_read.min(observations.len())..];
        let mut changed = false;
        for observed in new_observations {
            let Some(host) = observed.host else { continue };
            let state = match observed.what {
                Observation::HelpdeskCall => Seen::PageReported,
                Observation::EdrSuspiciousService | Observation::EdrRawDiskWrite | Observation::LogAlert { .. } => {
                    Seen::Alerting
                }
                _ => continue,
            };
            let slot = &mut self.states[host.index()];
            // An alert adds nothing to a reported page.
            if !(state == Seen::Alerting && *slot == Seen::PageReported) {
                changed |= *slot != state;
                *slot = state;
            }
        }
        self.observations_read = observations.len();
        self.outcomes_read.resize(desk.log.len(), None);
        let scenario = simulation.scenario();
        for (index, entry) in desk.log.iter().enumerate() {
            if self.outcomes_read[index].as_ref() == Some(&entry.outcome) {
                continue;
            }
            self.outcomes_read[index] = Some(entry.outcome.clone());
            changed = true;
            let nothing_found = entry.collected.iter().all(|(_, _, pieces)| *pieces == 0);
            match (&entry.outcome, &entry.action) {
                (Outcome::Started { .. }, Action::ImageDisk(host)) => {
                    self.before_imaging.insert(*host, self.states[host.index()]);
                    self.states[host.index()] = Seen::BeingImaged;
                }
                (Outcome::Completed { .. }, action) => match action {
                    Action::Isolate(scope) => {
                        for host in scenario.hosts_in(scope) {
                            self.states[host.index()] = Seen::Isolated;
                        }
                    }
                    Action::Reconnect(scope) => {
                        for host in scenario.hosts_in(scope) {
                            let slot = &mut self.states[host.index()];
                            if *slot == Seen::Isolated {
                                *slot = Seen::Unknown;
                            }
                        }
                    }
                    Action::PowerOff(host) => self.states[host.index()] = Seen::Offline,
                    Action::RestoreFromBackup(host) | Action::Rebuild(host) => {
                        self.states[host.index()] = Seen::Restored
                    }
                    Action::ImageDisk(host) => {
                        let before = self.before_imaging.remove(host).unwrap_or(self.states[host.index()]);
                        self.states[host.index()] = match before {
                            Seen::Unknown | Seen::BeingImaged if nothing_found => Seen::Healthy,
                            Seen::BeingImaged => Seen::Unknown,
                            before => before,
                        };
                    }
                    Action::CaptureMemory(host) | Action::CollectLogs(host)
                        if nothing_found && self.states[host.index()] == Seen::Unknown =>
                    {
                        self.states[host.index()] = Seen::Healthy
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        changed
    }
}
