//! Evidence the attack leaves on each machine, typed by volatility: processes and cached
//! passwords in memory, dropped files and services on disk, Windows event logs, network flows.
//! A wipe destroys what lives on the machine; forwarded logs and flows survive elsewhere.

use bevy::prelude::*;
use rand::RngExt;

use crate::scenario::model::{AccountId, Artifact, HostId, Scenario, Sensor, Tick, ToolId, ToolKind};

use super::facts::StageReached;
use super::state::{NEVER, ScenarioData, SimRng, Stage};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(FixedUpdate, leave_evidence.in_set(super::SimSystems::Evidence));
}

/// Windows event ids this attack leaves (DOMAIN.md).
pub mod event_id {
    pub const LOGON: u16 = 4624;
    pub const FAILED_LOGON: u16 = 4625;
    pub const PROCESS_CREATED: u16 = 4688;
    pub const SHARE_ACCESSED: u16 = 5140;
    pub const SHARE_CREATED: u16 = 5142;
    pub const SHARE_DELETED: u16 = 5144;
    pub const SERVICE_INSTALLED: u16 = 7045;
    pub const LOG_CLEARED: u16 = 1102;
}

/// What an artifact is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Trace {
    /// A tool's process running in memory.
    Process { tool: ToolId },
    /// A password cached in memory that the implant can take.
    CachedPassword { account: AccountId },
    /// A file a tool dropped (index into the tool's `files`).
    File { tool: ToolId, file: u16 },
    /// A service a tool installed (index into the tool's `services`).
    Service { tool: ToolId, service: u16 },
    /// A Windows event, with the account and the other machine when it names them.
    Event {
        id: u16,
        account: Option<AccountId>,
        peer: Option<HostId>,
    },
    /// An SMB connection from another machine, seen at a collection point.
    SmbFlow { peer: HostId },
    /// Traffic to a C2 address (index into the threat's `c2`).
    C2Flow { c2: u16 },
}

impl Trace {
    /// The kind of evidence, by volatility.
    pub fn artifact(&self) -> Artifact {
        match self {
            Trace::Process { .. } | Trace::CachedPassword { .. } => Artifact::Memory,
            Trace::File { .. } | Trace::Service { .. } => Artifact::Disk,
            Trace::Event { .. } => Artifact::EventLogs,
            Trace::SmbFlow { .. } | Trace::C2Flow { .. } => Artifact::Flows,
        }
    }
}

/// One piece of evidence on one machine.
#[derive(Debug, Clone, Copy)]
pub struct Evidence {
    pub host: HostId,
    pub tick: Tick,
    pub trace: Trace,
    /// An event log line copied to the collector: it survives the machine.
    pub forwarded: bool,
    /// When the machine's copy was destroyed (`NEVER` while it is there).
    pub destroyed_at: u32,
    /// The previous piece on the same machine (`u32::MAX` for none).
    previous_on_host: u32,
}

impl Evidence {
    /// Whether the evidence can still be collected somewhere after its machine's copy is gone.
    pub fn survives(&self) -> bool {
        self.destroyed_at == NEVER || self.forwarded
    }
}

/// All evidence, in the order it was left, with a chain per machine.
#[derive(Resource, Default)]
pub struct EvidenceStore {
    pub items: Vec<Evidence>,
    last_on_host: Vec<u32>,
}

impl EvidenceStore {
    pub(super) fn new(hosts: usize) -> Self {
        Self {
            items: Vec::new(),
            last_on_host: vec![u32::MAX; hosts],
        }
    }

    fn leave(&mut self, scenario: &Scenario, host: HostId, tick: Tick, trace: Trace) {
        let forwarded =
            matches!(trace, Trace::Event { .. }) && scenario.group_of(host).sensors.contains(&Sensor::LogForwarding);
        let previous_on_host = self.last_on_host[host.index()];
        self.last_on_host[host.index()] = self.items.len() as u32;
        self.items.push(Evidence {
            host,
            tick,
            trace,
            forwarded,
            destroyed_at: NEVER,
            previous_on_host,
        });
    }

    /// Destroys the machine's copies of the artifacts `kinds` holds.
    pub(crate) fn destroy(&mut self, host: HostId, tick: Tick, kinds: &[Artifact]) {
        let mut index = self.last_on_host[host.index()];
        while let Some(evidence) = self.items.get_mut(index as usize) {
            if evidence.destroyed_at == NEVER && kinds.contains(&evidence.trace.artifact()) {
                evidence.destroyed_at = tick.0;
            }
            index = evidence.previous_on_host;
        }
    }

    /// The evidence on one machine, newest first.
    pub fn on_host(&self, host: HostId) -> impl Iterator<Item = &Evidence> {
        let mut index = self.last_on_host.get(host.index()).copied().unwrap_or(u32::MAX);
        std::iter::from_fn(move || {
            let evidence = self.items.get(index as usize)?;
            index = evidence.previous_on_host;
            Some(evidence)
        })
    }
}

fn tools_of<'a>(
    scenario: &'a Scenario,
    kinds: &'a [ToolKind],
) -> impl Iterator<Item = (ToolId, &'a crate::scenario::model::Tool)> {
    scenario
        .threat
        .tools
        .iter()
        .enumerate()
        .filter(move |(_, tool)| kinds.contains(&tool.kind))
        .map(|(index, tool)| (ToolId(index as u32), tool))
}

fn leave_evidence(
    scenario: Res<ScenarioData>,
    mut store: ResMut<EvidenceStore>,
    mut rng: ResMut<SimRng>,
    mut reached: MessageReader<StageReached>,
) {
    let scenario = &scenario.0;
    for fact in reached.read() {
        let (host, tick) = (fact.host, fact.tick);
        let leave = |store: &mut EvidenceStore, trace| store.leave(scenario, host, tick, trace);
        match fact.stage {
            Stage::Compromised => {
                if let Some(source) = fact.source {
                    // Admin share, a share of its own, then a process started over WMI (DOMAIN.md).
                    let account = fact.account;
                    let id = if account.is_some() {
                        event_id::LOGON
                    } else {
                        event_id::FAILED_LOGON
                    };
                    leave(
                        &mut store,
                        Trace::Event {
                            id,
                            account,
                            peer: Some(source),
                        },
                    );
                    if account.is_none() {
                        leave(
                            &mut store,
                            Trace::Event {
                                id: event_id::LOGON,
                                account: None,
                                peer: Some(source),
                            },
                        );
                    }
                    for id in [
                        event_id::SHARE_ACCESSED,
                        event_id::SHARE_CREATED,
                        event_id::PROCESS_CREATED,
                        event_id::SHARE_DELETED,
                    ] {
                        leave(
                            &mut store,
                            Trace::Event {
                                id,
                                account,
                                peer: Some(source),
                            },
                        );
                    }
                    leave(&mut store, Trace::SmbFlow { peer: source });
                }
                for (tool_id, tool) in tools_of(scenario, &[ToolKind::Worm]) {
                    // The worm copies itself under one of its names, picked at random.
                    let executables: Vec<u16> = (0..tool.files.len() as u16)
                        .filter(|&file| tool.files[file as usize].name.ends_with(".exe"))
                        .collect();
                    if !executables.is_empty() {
                        let pick = executables[rng.0.random_range(0..executables.len())];
                        leave(
                            &mut store,
                            Trace::File {
                                tool: tool_id,
                                file: pick,
                            },
                        );
                    }
                    for file in 0..tool.files.len() as u16 {
                        if !tool.files[file as usize].name.ends_with(".exe") {
                            leave(&mut store, Trace::File { tool: tool_id, file });
                        }
                    }
                    for service in 0..tool.services.len() as u16 {
                        leave(&mut store, Trace::Service { tool: tool_id, service });
                        leave(
                            &mut store,
                            Trace::Event {
                                id: event_id::SERVICE_INSTALLED,
                                account: None,
                                peer: None,
                            },
                        );
                    }
                }
                for (tool, _) in tools_of(scenario, &[ToolKind::Worm, ToolKind::Implant, ToolKind::Backdoor]) {
                    leave(&mut store, Trace::Process { tool });
                }
                for &account in &scenario.group_of(host).cached_credentials {
                    leave(&mut store, Trace::CachedPassword { account });
                }
                if !scenario.threat.c2.is_empty() {
                    leave(&mut store, Trace::C2Flow { c2: 0 });
                }
            }
            Stage::Armed => {
                let staged = [
                    ToolKind::Wiper,
                    ToolKind::WebServer,
                    ToolKind::Driver,
                    ToolKind::Evasion,
                    ToolKind::Cleaner,
                ];
                for (tool_id, tool) in tools_of(scenario, &staged) {
                    for file in 0..tool.files.len() as u16 {
                        leave(&mut store, Trace::File { tool: tool_id, file });
                    }
                }
            }
            Stage::Defaced => {
                for (tool, _) in tools_of(scenario, &[ToolKind::Wiper, ToolKind::WebServer]) {
                    leave(&mut store, Trace::Process { tool });
                }
                // A target-cleaning tool clears the local logs before the disk goes.
                if tools_of(scenario, &[ToolKind::Cleaner]).next().is_some() {
                    store.destroy(host, tick, &[Artifact::EventLogs]);
                    leave(
                        &mut store,
                        Trace::Event {
                            id: event_id::LOG_CLEARED,
                            account: None,
                            peer: None,
                        },
                    );
                }
            }
            Stage::Wiped => store.destroy(host, tick, &[Artifact::Memory, Artifact::Disk, Artifact::EventLogs]),
            Stage::Clean | Stage::Infecting | Stage::Wiping => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_stays_small_enough_for_a_million_machines() {
        // About fifteen pieces per machine taken: this size keeps a million machines in budget.
        assert!(
            std::mem::size_of::<Evidence>() <= 40,
            "{}",
            std::mem::size_of::<Evidence>()
        );
        println!(
            "Evidence {} bytes, Trace {}",
            std::mem::size_of::<Evidence>(),
            std::mem::size_of::<Trace>()
        );
        println!("Fact {}", std::mem::size_of::<crate::sim::Fact>());
    }
}
