//! What the responder knows of each machine, kept up to date from the observation and action
//! logs as they grow (never from the ground truth), and the colours the map gives each state.

use std::collections::HashMap;

use crate::response::{Action, Progress};
use crate::scenario::model::HostId;
use crate::sim::{CallTopic, Observation, ObservationLog};

use super::Exercise;

/// What the responder knows of a machine, from observations and the team's own work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Nothing reported.
    Unknown,
    /// The team collected evidence from it (what the evidence says is the team's to read).
    Examined,
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
    /// Every state, in the legend's order.
    pub const ALL: [Seen; 8] = [
        Seen::Unknown,
        Seen::Examined,
        Seen::Alerting,
        Seen::PageReported,
        Seen::Offline,
        Seen::Isolated,
        Seen::BeingImaged,
        Seen::Restored,
    ];

    /// The state's colour on the map, in the window and the report alike.
    pub fn colour(self) -> [u8; 3] {
        match self {
            Seen::Unknown => [0x3a, 0x44, 0x50],
            Seen::Examined => [0x70, 0x90, 0x70],
            Seen::Alerting => [0xf0, 0xa0, 0x20],
            Seen::PageReported => [0xe0, 0x18, 0x18],
            Seen::Offline => [0x0a, 0x0a, 0x0a],
            Seen::Isolated => [0x30, 0x80, 0xf0],
            Seen::BeingImaged => [0xa0, 0x50, 0xe0],
            Seen::Restored => [0x30, 0xd0, 0x60],
        }
    }

    /// The state in words.
    pub fn label(self) -> &'static str {
        match self {
            Seen::Unknown => "unknown",
            Seen::Examined => "examined",
            Seen::Alerting => "alerting",
            Seen::PageReported => "page reported",
            Seen::Offline => "offline",
            Seen::Isolated => "isolated",
            Seen::BeingImaged => "being imaged",
            Seen::Restored => "restored",
        }
    }
}

/// The observed state of every machine, read incrementally: each update looks only at the
/// observations and outcomes that are new since the last.
pub struct SeenMap {
    states: Vec<Seen>,
    /// What a machine showed before the team started imaging it.
    before_imaging: HashMap<HostId, Seen>,
    observations_read: usize,
    /// Per desk entry, the progress last taken into account.
    progress_read: Vec<Option<Progress>>,
    /// The last update's changes, in order: machine, state before, state after (a map that
    /// counts states keeps up with these instead of counting again).
    changes: Vec<(HostId, Seen, Seen)>,
}

impl SeenMap {
    /// Nothing known of `hosts` machines.
    pub fn new(hosts: usize) -> Self {
        Self {
            states: vec![Seen::Unknown; hosts],
            before_imaging: HashMap::new(),
            observations_read: 0,
            progress_read: Vec::new(),
            changes: Vec::new(),
        }
    }

    /// The observed state of every machine at the exercise's present, from scratch.
    pub fn of(exercise: &Exercise) -> Self {
        let mut seen = Self::new(exercise.scenario().hosts.len());
        seen.update(exercise);
        seen
    }

    /// Every machine's state, by id.
    pub fn states(&self) -> &[Seen] {
        &self.states
    }

    /// One machine's state.
    pub fn get(&self, host: HostId) -> Seen {
        self.states[host.index()]
    }

    /// What the last update changed: machine, state before, state after, in order.
    pub fn last_changes(&self) -> &[(HostId, Seen, Seen)] {
        &self.changes
    }

    fn set(&mut self, host: HostId, state: Seen) {
        let slot = &mut self.states[host.index()];
        if *slot != state {
            self.changes.push((host, *slot, state));
            *slot = state;
        }
    }

    /// Takes in what was observed and done since the last update, in the order it happened
    /// (within a tick the team's work comes first, as in the simulation); returns whether
    /// anything changed. Read at once or tick by tick, the same run gives the same states.
    pub fn update(&mut self, exercise: &Exercise) -> bool {
        let observations = &exercise.simulation().world().resource::<ObservationLog>().observations;
        let desk = exercise.desk();
        self.changes.clear();
        // (tick, 0 for the team's work or 1 for an observation, its index)
        let mut events: Vec<(u32, u8, usize)> = Vec::new();
        for (index, observed) in observations.iter().enumerate().skip(self.observations_read) {
            events.push((observed.tick.0, 1, index));
        }
        self.observations_read = observations.len();
        self.progress_read.resize(desk.log.len(), None);
        for (index, entry) in desk.log.iter().enumerate() {
            if self.progress_read[index].as_ref() == Some(&entry.progress) {
                continue;
            }
            self.progress_read[index] = Some(entry.progress.clone());
            let tick = match entry.progress {
                Progress::Started { at, .. } | Progress::Completed { at, .. } => at.0,
                Progress::Refused(_) | Progress::Queued => entry.requested.0,
            };
            events.push((tick, 0, index));
        }
        events.sort_unstable();
        let changed = !events.is_empty();
        for (_, kind, index) in events {
            match kind {
                0 => self.take_work(exercise, index),
                _ => self.take_observation(&observations[index]),
            }
        }
        changed
    }

    fn take_observation(&mut self, observed: &crate::sim::Observed) {
        let Some(host) = observed.host else { return };
        let state = match observed.what {
            Observation::HelpdeskCall(CallTopic::WarningPage) => Seen::PageReported,
            Observation::EdrSuspiciousService | Observation::EdrRawDiskWrite | Observation::LogAlert { .. } => {
                Seen::Alerting
            }
            _ => return,
        };
        // What arrives while the disk is being imaged shows once the imaging is done.
        let imaging = self.states[host.index()] == Seen::BeingImaged;
        let before = match imaging {
            true => *self.before_imaging.entry(host).or_insert(Seen::Unknown),
            false => self.states[host.index()],
        };
        // An alert adds nothing to a reported page.
        if before == state || (state == Seen::Alerting && before == Seen::PageReported) {
            return;
        }
        match imaging {
            true => {
                self.before_imaging.insert(host, state);
            }
            false => self.set(host, state),
        }
    }

    fn take_work(&mut self, exercise: &Exercise, index: usize) {
        let scenario = exercise.scenario();
        let entry = &exercise.desk().log[index];
        match (&entry.progress, &entry.action) {
            (Progress::Started { .. }, Action::ImageDisk(host)) => {
                self.before_imaging.insert(*host, self.states[host.index()]);
                self.set(*host, Seen::BeingImaged);
            }
            (Progress::Completed { .. }, action) => match action {
                Action::Isolate(scope) => {
                    for host in scenario.hosts_in(scope) {
                        self.set(host, Seen::Isolated);
                    }
                }
                Action::Reconnect(scope) => {
                    for host in scenario.hosts_in(scope) {
                        if self.states[host.index()] == Seen::Isolated {
                            self.set(host, Seen::Unknown);
                        }
                    }
                }
                Action::PowerOff(host) => self.set(*host, Seen::Offline),
                Action::RestoreFromBackup(host) | Action::Rebuild(host) => self.set(*host, Seen::Restored),
                Action::ImageDisk(host) => {
                    let before = self.before_imaging.remove(host).unwrap_or(self.states[host.index()]);
                    let after = match before {
                        Seen::Unknown | Seen::BeingImaged => Seen::Examined,
                        before => before,
                    };
                    self.set(*host, after);
                }
                Action::CaptureMemory(host) | Action::CollectLogs(host)
                    if self.states[host.index()] == Seen::Unknown =>
                {
                    self.set(*host, Seen::Examined)
                }
                _ => {}
            },
            _ => {}
        }
    }
}
