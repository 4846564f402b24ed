//! Evidence, typed by volatility: processes and cached passwords in memory, files and
//! services on disk, Windows event logs, network flows. The attack's traces are kept compact
//! in a store (32 bytes each); ordinary activity is never stored but made again from the seed
//! when someone reads a machine (`activity.rs`). Either becomes a record with the fields a
//! responder reads (`record.rs`) only when it is read. A machine's copies are cleared by what
//! happens to it (switched off, wiped, its log cleared); forwarded logs and flows survive at
//! the collection points.

mod activity;
mod record;
pub mod values;

use bevy::prelude::*;
use rand::RngExt;

use crate::scenario::model::{AccountId, Artifact, HostId, Scenario, Sensor, Tick, ToolId, ToolKind};

use super::facts::{CredentialHarvested, ReachedThisTick, StageReached};
use super::state::{ScenarioData, SimRng, Stage};

pub use activity::{ActivityPlan, Occurrence, known_programs, occurrences_on};
pub use record::{
    Body, CallTopic, Channel, CredentialEntry, FileEntry, FlowEntry, ProcessEntry, Record, RecordKey, ServiceEntry,
    WindowsEvent, archive, file_name, record_by_key, record_of_trace, records_ever_on, records_on, utc,
};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        FixedUpdate,
        (leave_evidence, lay_history)
            .chain()
            .in_set(super::SimSystems::Evidence),
    );
    activity::plugin(app);
}

/// Windows event ids the attack and ordinary activity leave (DOMAIN.md).
pub mod event_id {
    pub const LOGON: u16 = 4624;
    pub const FAILED_LOGON: u16 = 4625;
    pub const EXPLICIT_CREDENTIALS: u16 = 4648;
    pub const SPECIAL_PRIVILEGES: u16 = 4672;
    pub const PROCESS_CREATED: u16 = 4688;
    pub const TASK_CREATED: u16 = 4698;
    pub const KERBEROS_PREAUTH_FAILED: u16 = 4771;
    pub const SHARE_ACCESSED: u16 = 5140;
    pub const SHARE_CREATED: u16 = 5142;
    pub const SHARE_DELETED: u16 = 5144;
    pub const SERVICE_INSTALLED: u16 = 7045;
    pub const LOG_CLEARED: u16 = 1102;
}

/// "None" for the compact fields of a trace.
pub const NONE: u32 = u32::MAX;
/// "None" for a file of a tool.
pub const NO_FILE: u16 = u16::MAX;
/// "None" for an event's tool (a scenario has fewer tools: `model::MAX_TOOLS`).
pub const NO_TOOL: u8 = u8::MAX;
/// "None" for an event's account (a scenario has fewer accounts: `model::MAX_ACCOUNTS`).
pub const NO_ACCOUNT: u16 = u16::MAX;

/// What a piece of the attack's evidence is. Fields that may be absent hold `NONE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Trace {
    /// A tool's process running in memory, running one of its files (`NO_FILE`: none named).
    Process { tool: ToolId, file: u16 },
    /// A password cached in memory that the implant can take.
    CachedPassword { account: AccountId },
    /// A file a tool dropped (index into the tool's `files`).
    File { tool: ToolId, file: u16 },
    /// A service a tool installed (index into the tool's `services`), running one of its files.
    Service { tool: ToolId, service: u16, file: u16 },
    /// A Windows event: its id, the account and the other machine it names, and the tool and
    /// file it concerns (for process creations and service installs). Packed into 12 bytes
    /// with the tag, so that a piece of evidence takes 16: a large outbreak leaves millions.
    Event {
        id: u16,
        tool: u8,
        file: u16,
        account: u16,
        peer: u32,
    },
    /// An SMB connection from another machine, seen at a collection point.
    SmbFlow { peer: HostId },
    /// Traffic to a C2 address (index into the threat's `c2`).
    C2Flow { c2: u16 },
    /// An archive of stolen data sent out (a stream of the threat's `exfiltration`, and which
    /// of its archives).
    Transfer { stream: u16, part: u32 },
    /// An archive of stolen data staged on disk before it goes out.
    Staged { stream: u16, part: u32 },
}

impl Trace {
    /// The kind of evidence, by volatility.
    pub fn artifact(&self) -> Artifact {
        match self {
            Trace::Process { .. } | Trace::CachedPassword { .. } => Artifact::Memory,
            Trace::File { .. } | Trace::Service { .. } | Trace::Staged { .. } => Artifact::Disk,
            Trace::Event { .. } => Artifact::EventLogs,
            Trace::SmbFlow { .. } | Trace::C2Flow { .. } | Trace::Transfer { .. } => Artifact::Flows,
        }
    }

    /// An event's account, when it names one.
    pub fn account(&self) -> Option<AccountId> {
        match *self {
            Trace::Event { account, .. } if account != NO_ACCOUNT => Some(AccountId(account as u32)),
            Trace::CachedPassword { account } => Some(account),
            _ => None,
        }
    }

    /// The other machine an event or a flow names.
    pub fn peer(&self) -> Option<HostId> {
        match *self {
            Trace::Event { peer, .. } if peer != NONE => Some(HostId(peer)),
            Trace::SmbFlow { peer } => Some(peer),
            _ => None,
        }
    }
}

/// One piece of the attack's evidence on one machine.
#[derive(Debug, Clone, Copy)]
pub struct Evidence {
    pub host: HostId,
    /// Seconds from the exercise's start (negative: before it, such as a foothold's origin).
    pub at: i32,
    pub trace: Trace,
}

/// A piece as stored: its machine is its run's.
#[derive(Debug, Clone, Copy)]
struct Stored {
    at: i32,
    trace: Trace,
}

/// Pieces left one after the other on one machine (a fact leaves several at once).
#[derive(Debug, Clone, Copy)]
struct Run {
    host: HostId,
    /// Index of its first piece.
    first: u32,
    /// The previous run on the same machine (`NONE` for none).
    previous_on_host: u32,
}

/// "Never cleared".
const NEVER_CLEARED: i32 = i32::MIN;

/// The attack's evidence in the order it was left, in runs per machine chained together, and
/// when each machine's memory, disk and event logs were last cleared. A piece takes 20 bytes
/// and a run 12: a machine taken by the worm holds about a dozen pieces in three runs.
#[derive(Resource, Default)]
pub struct EvidenceStore {
    stored: Vec<Stored>,
    runs: Vec<Run>,
    last_run_on_host: Vec<u32>,
    /// Per machine: the last second its memory, disk and event logs were cleared.
    cleared: Vec<[i32; 3]>,
}

fn slot(artifact: Artifact) -> Option<usize> {
    match artifact {
        Artifact::Memory => Some(0),
        Artifact::Disk => Some(1),
        Artifact::EventLogs => Some(2),
        Artifact::Flows => None,
    }
}

impl EvidenceStore {
    pub(super) fn new(hosts: usize) -> Self {
        Self {
            stored: Vec::new(),
            runs: Vec::new(),
            last_run_on_host: vec![NONE; hosts],
            cleared: vec![[NEVER_CLEARED; 3]; hosts],
        }
    }

    /// How many pieces have been left.
    pub fn len(&self) -> usize {
        self.stored.len()
    }

    /// Whether nothing has been left yet.
    pub fn is_empty(&self) -> bool {
        self.stored.is_empty()
    }

    /// Leaves a trace on a machine at a second; returns its index.
    fn leave(&mut self, host: HostId, at: i32, trace: Trace) -> u32 {
        let index = self.stored.len() as u32;
        if self.runs.last().is_none_or(|run| run.host != host) {
            let previous_on_host = std::mem::replace(&mut self.last_run_on_host[host.index()], self.runs.len() as u32);
            self.runs.push(Run {
                host,
                first: index,
                previous_on_host,
            });
        }
        self.stored.push(Stored { at, trace });
        index
    }

    /// The piece at an index.
    pub fn get(&self, index: u32) -> Option<Evidence> {
        if index as usize >= self.stored.len() {
            return None;
        }
        let run = self.runs.partition_point(|run| run.first <= index) - 1;
        Some(self.piece(self.runs[run].host, index).1)
    }

    /// The indices of a run's pieces.
    fn pieces_of(&self, run: usize) -> std::ops::Range<u32> {
        let end = self
            .runs
            .get(run + 1)
            .map_or(self.stored.len() as u32, |next| next.first);
        self.runs[run].first..end
    }

    fn piece(&self, host: HostId, index: u32) -> (u32, Evidence) {
        let stored = self.stored[index as usize];
        (
            index,
            Evidence {
                host,
                at: stored.at,
                trace: stored.trace,
            },
        )
    }

    /// Every piece in the order it was left, with its index.
    pub fn iter(&self) -> impl Iterator<Item = (u32, Evidence)> + '_ {
        (0..self.runs.len()).flat_map(move |run| {
            let host = self.runs[run].host;
            self.pieces_of(run).map(move |index| self.piece(host, index))
        })
    }

    /// The evidence on one machine, newest first, with each piece's index.
    pub fn on_host(&self, host: HostId) -> impl Iterator<Item = (u32, Evidence)> + '_ {
        let mut run = self.last_run_on_host.get(host.index()).copied().unwrap_or(NONE);
        std::iter::from_fn(move || {
            let this = self.runs.get(run as usize)?;
            let pieces = self.pieces_of(run as usize);
            run = this.previous_on_host;
            Some(pieces.rev().map(move |index| self.piece(host, index)))
        })
        .flatten()
    }

    /// Clears a machine's copies of some kinds of evidence at a second (switched off: its
    /// memory; wiped or rebuilt: everything on it; a cleaner: its logs). Flows are not on the
    /// machine and stay.
    pub(crate) fn clear(&mut self, host: HostId, at: i32, kinds: &[Artifact]) {
        for &kind in kinds {
            if let Some(slot) = slot(kind) {
                let cleared = &mut self.cleared[host.index()][slot];
                *cleared = (*cleared).max(at);
            }
        }
    }

    /// The last second a machine's copy of a kind of evidence was cleared by what the store
    /// knows (ordinary log maintenance is the activity's to add).
    pub fn cleared_at(&self, host: HostId, artifact: Artifact) -> i32 {
        slot(artifact).map_or(NEVER_CLEARED, |slot| self.cleared[host.index()][slot])
    }

    /// The newest trace on a machine that matches, with its index (the alert of a sensor
    /// names the trace it saw).
    pub fn newest(&self, host: HostId, wanted: impl Fn(&Trace) -> bool) -> Option<u32> {
        self.on_host(host)
            .find(|(_, evidence)| wanted(&evidence.trace))
            .map(|(index, _)| index)
    }

    /// Whether a piece left at `at` on `host` can still be read somewhere: on the machine if it
    /// was not cleared since, or at a collection point (forwarded logs, flows).
    pub fn survives(&self, scenario: &Scenario, host: HostId, artifact: Artifact, at: i64) -> bool {
        artifact == Artifact::Flows
            || at > self.cleared_at(host, artifact) as i64
            || (artifact == Artifact::EventLogs && forwards_logs(scenario, host))
    }
}

/// What the perimeter holds of traffic with an outside address through a second of the
/// exercise, as far back as it keeps flows: the attack's calls home and archives sent out. (No
/// ordinary activity reaches an address the company does not browse; the action that reads
/// this refuses those it does.)
pub fn perimeter_records(
    scenario: &Scenario,
    seed: u64,
    store: &EvidenceStore,
    address: std::net::Ipv4Addr,
    until: i64,
) -> Vec<Record> {
    let since = -(scenario.telemetry.flow_retention_seconds.min(i32::MAX as u64) as i64);
    let reaches = |trace: &Trace| match *trace {
        Trace::C2Flow { c2 } => scenario
            .threat
            .c2
            .get(c2 as usize)
            .is_some_and(|(to, _)| *to == address),
        Trace::Transfer { stream, .. } => scenario
            .threat
            .exfiltration
            .get(stream as usize)
            .is_some_and(|stream| stream.to == address),
        _ => false,
    };
    let mut records: Vec<Record> = store
        .iter()
        .filter(|(_, piece)| (since..=until).contains(&(piece.at as i64)) && reaches(&piece.trace))
        .map(|(index, piece)| record_of_trace(scenario, seed, index, &piece))
        .collect();
    records.sort_by_key(|record| (record.at, record.host));
    records
}

/// Whether a machine's event logs are copied to the collector.
pub fn forwards_logs(scenario: &Scenario, host: HostId) -> bool {
    scenario.group_of(host).sensors.contains(&Sensor::LogForwarding)
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

/// The first executable a tool names, if any.
fn executable(tool: &crate::scenario::model::Tool) -> u16 {
    tool.files
        .iter()
        .position(|file| file.name.to_ascii_lowercase().ends_with(".exe"))
        .map_or(NO_FILE, |index| index as u16)
}

/// Lays the traces of one fact down one after the other, a second apart, from a moment in the
/// fact's tick that the seed decides.
struct Layer<'a> {
    store: &'a mut EvidenceStore,
    host: HostId,
    at: i32,
}

impl Layer<'_> {
    fn leave(&mut self, trace: Trace) -> u32 {
        let index = self.store.leave(self.host, self.at, trace);
        self.at += 1;
        index
    }

    fn event(&mut self, id: u16, account: Option<AccountId>, peer: Option<HostId>) -> u32 {
        self.leave(Trace::Event {
            id,
            tool: NO_TOOL,
            file: NO_FILE,
            account: account.map_or(NO_ACCOUNT, |account| account.0 as u16),
            peer: peer.map_or(NONE, |host| host.0),
        })
    }
}

/// Where in its tick a fact's traces start: the seed's choice, leaving room for them all.
fn second_in_tick(scenario: &Scenario, seed: u64, host: HostId, tick: Tick) -> i32 {
    let tick_seconds = scenario.meta.tick_seconds as i64;
    let room = (tick_seconds - 20).max(1) as u64;
    let offset = values::pick(
        &[seed, host.0 as u64, tick.0 as u64, values::Purpose::Second as u64],
        room,
    );
    (tick.0 as i64 * tick_seconds + offset as i64).min(i32::MAX as i64) as i32
}

/// The seed of the run, for the values evidence is made of.
#[derive(Resource, Clone, Copy)]
pub struct EvidenceSeed(pub u64);

fn leave_evidence(
    scenario: Res<ScenarioData>,
    seed: Res<EvidenceSeed>,
    mut store: ResMut<EvidenceStore>,
    mut rng: ResMut<SimRng>,
    reached: Res<ReachedThisTick>,
    mut harvested: MessageReader<CredentialHarvested>,
) {
    let scenario = &scenario.0;
    // A password taken again: an administrator's logon on a machine the implant runs on, and
    // the password in its memory.
    for harvest in harvested.read().filter(|harvest| harvest.retaken) {
        let at = second_in_tick(scenario, seed.0, harvest.host, harvest.tick);
        let mut layer = Layer {
            store: &mut store,
            host: harvest.host,
            at,
        };
        layer.event(event_id::LOGON, Some(harvest.account), None);
        layer.leave(Trace::CachedPassword {
            account: harvest.account,
        });
    }
    for fact in reached.iter() {
        let (host, tick) = (fact.host, fact.tick);
        let at = second_in_tick(scenario, seed.0, host, tick);
        let mut layer = Layer {
            store: &mut store,
            host,
            at,
        };
        match fact.stage {
            Stage::Compromised => compromise(scenario, &mut layer, &mut rng, &fact),
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
                        layer.leave(Trace::File { tool: tool_id, file });
                    }
                }
            }
            Stage::Defaced => {
                for (tool, details) in tools_of(scenario, &[ToolKind::Wiper, ToolKind::WebServer]) {
                    layer.leave(Trace::Process {
                        tool,
                        file: executable(details),
                    });
                }
                // A target-cleaning tool clears the local logs before the disk goes.
                if tools_of(scenario, &[ToolKind::Cleaner]).next().is_some() {
                    let cleared = layer.at;
                    layer.store.clear(host, cleared, &[Artifact::EventLogs]);
                    layer.at += 1;
                    layer.event(event_id::LOG_CLEARED, None, None);
                }
            }
            Stage::Wiped => {
                let wiped = (tick.0 as i64 * scenario.meta.tick_seconds as i64).min(i32::MAX as i64) as i32;
                layer
                    .store
                    .clear(host, wiped, &[Artifact::Memory, Artifact::Disk, Artifact::EventLogs]);
            }
            Stage::Clean | Stage::Infecting | Stage::Wiping => {}
        }
    }
}

/// What a machine taken by the worm (or held from the start) shows: the logon and the share
/// and process it was taken through, the worm's copy and service, the tools running, the
/// passwords cached, the call home.
fn compromise(scenario: &Scenario, layer: &mut Layer, rng: &mut SimRng, fact: &StageReached) {
    if fact.source.is_none() && scenario.threat.doors_on(fact.host).next().is_some() {
        let named = scenario
            .threat
            .footholds
            .iter()
            .find(|foothold| foothold.host == fact.host)
            .is_some_and(|foothold| !foothold.tools.is_empty());
        if named {
            return quiet_foothold(scenario, layer, fact.host);
        }
    }
    // The worm copies itself under one of its names, picked at random (the one draw).
    let worm = tools_of(scenario, &[ToolKind::Worm]).next();
    let pick = worm.map(|(_, tool)| {
        let executables: Vec<u16> = (0..tool.files.len() as u16)
            .filter(|&file| tool.files[file as usize].name.ends_with(".exe"))
            .collect();
        match executables.is_empty() {
            true => NO_FILE,
            false => executables[rng.0.random_range(0..executables.len())],
        }
    });
    let worm_event = |id: u16, account: Option<AccountId>, peer: Option<HostId>| Trace::Event {
        id,
        tool: worm.map_or(NO_TOOL, |(tool, _)| tool.0 as u8),
        file: pick.unwrap_or(NO_FILE),
        account: account.map_or(NO_ACCOUNT, |account| account.0 as u16),
        peer: peer.map_or(NONE, |host| host.0),
    };
    match fact.source {
        Some(source) => {
            // Admin share, a share of its own, then a process started over WMI (DOMAIN.md).
            let account = fact.account;
            if account.is_none() {
                layer.event(event_id::FAILED_LOGON, None, Some(source));
            }
            layer.event(event_id::LOGON, account, Some(source));
            for id in [event_id::SHARE_ACCESSED, event_id::SHARE_CREATED] {
                layer.event(id, account, Some(source));
            }
            layer.leave(worm_event(event_id::PROCESS_CREATED, account, Some(source)));
            layer.event(event_id::SHARE_DELETED, account, Some(source));
            layer.leave(Trace::SmbFlow { peer: source });
        }
        None => origin(scenario, layer, fact.host),
    }
    if let (Some((tool_id, tool)), Some(pick)) = (worm, pick) {
        if pick != NO_FILE {
            layer.leave(Trace::File {
                tool: tool_id,
                file: pick,
            });
        }
        for file in 0..tool.files.len() as u16 {
            if !tool.files[file as usize].name.ends_with(".exe") {
                layer.leave(Trace::File { tool: tool_id, file });
            }
        }
        for service in 0..tool.services.len() as u16 {
            layer.leave(Trace::Service {
                tool: tool_id,
                service,
                file: pick,
            });
            layer.leave(worm_event(event_id::SERVICE_INSTALLED, None, None));
        }
    }
    for (tool, details) in tools_of(scenario, &[ToolKind::Worm, ToolKind::Implant, ToolKind::Backdoor]) {
        let file = match details.kind {
            ToolKind::Worm => pick.unwrap_or(NO_FILE),
            _ => executable(details),
        };
        if details.kind != ToolKind::Worm && file != NO_FILE {
            layer.leave(Trace::File { tool, file });
        }
        layer.leave(Trace::Process { tool, file });
    }
    // The footholds call every server; machines the worm took call one, by turn.
    let servers = scenario.threat.c2.len() as u16;
    let called: Vec<u16> = match fact.source {
        None => (0..servers).collect(),
        Some(_) if servers > 0 => vec![(fact.host.0 % servers as u32) as u16],
        Some(_) => Vec::new(),
    };
    for c2 in called {
        layer.leave(Trace::C2Flow { c2 });
    }
}

/// The history before the exercise, laid down once at its start: the footholds' implants
/// calling their C2 servers every `beacon`, and each stream's archives going out, as far back as
/// the perimeter keeps flows; each stream's last day of archives still staged on disk.
fn lay_history(clock: Res<super::state::Clock>, scenario: Res<ScenarioData>, mut store: ResMut<EvidenceStore>) {
    if clock.now != Tick(0) {
        return;
    }
    let scenario = &scenario.0;
    let retention = scenario.telemetry.flow_retention_seconds.min(i32::MAX as u64 / 2) as i64;
    let servers = scenario.threat.c2.len() as u64;
    if let Some(interval) = scenario.threat.beacon_seconds.filter(|_| servers > 0) {
        for foothold in &scenario.threat.footholds {
            let dwell = foothold.dwell_seconds.unwrap_or(u64::MAX).min(retention as u64);
            let calls = dwell / interval;
            let mut layer = Layer {
                store: &mut store,
                host: foothold.host,
                at: 0,
            };
            for call in (1..=calls).rev() {
                layer.at = -((call * interval) as i64) as i32;
                layer.leave(Trace::C2Flow {
                    c2: (call % servers) as u16,
                });
            }
        }
    }
    let part_interval = (86_400 / super::theft::PARTS_PER_DAY) as i64;
    for (index, stream) in scenario.threat.exfiltration.iter().enumerate() {
        let size = scenario.data[stream.data.index()].size_bytes;
        let sent = (stream.bytes_per_day as u128 * stream.since_seconds as u128 / 86_400).min(size as u128) as u64;
        let parts = sent.div_ceil(super::theft::part_bytes(stream.bytes_per_day));
        let began = -(stream.since_seconds.min(i32::MAX as u64 / 2) as i64);
        let mut layer = Layer {
            store: &mut store,
            host: stream.through,
            at: 0,
        };
        // The last day's archives of a stream are still on the staging disk.
        let staged_from = parts.saturating_sub(super::theft::PARTS_PER_DAY);
        for part in 0..parts {
            let at = began + part as i64 * part_interval;
            if at < -retention && part < staged_from {
                continue;
            }
            layer.at = at as i32;
            if part >= staged_from {
                layer.leave(Trace::Staged {
                    stream: index as u16,
                    part: part as u32,
                });
            }
            if at >= -retention {
                layer.leave(Trace::Transfer {
                    stream: index as u16,
                    part: part as u32,
                });
            }
        }
    }
}

/// An archive of a stream staged and sent during the exercise, at a moment of the tick the
/// seed decides.
pub(super) fn lay_transfer(
    scenario: &Scenario,
    seed: u64,
    store: &mut EvidenceStore,
    stream: usize,
    part: u32,
    tick: Tick,
) {
    let host = scenario.threat.exfiltration[stream].through;
    let mut layer = Layer {
        store,
        host,
        at: second_in_tick(scenario, seed, host, tick),
    };
    layer.leave(Trace::Staged {
        stream: stream as u16,
        part,
    });
    layer.leave(Trace::Transfer {
        stream: stream as u16,
        part,
    });
}

/// A foothold the scenario gives its own tools: only those run there (a proxy on a file
/// server, a backdoor on a web server), each with its file, its process and any service it
/// installs, and the machine calls every C2 server.
fn quiet_foothold(scenario: &Scenario, layer: &mut Layer, host: HostId) {
    origin(scenario, layer, host);
    for tool in scenario.threat.doors_on(host).collect::<Vec<_>>() {
        let details = &scenario.threat.tools[tool.index()];
        let file = executable(details);
        for index in 0..details.files.len() as u16 {
            layer.leave(Trace::File { tool, file: index });
        }
        for service in 0..details.services.len() as u16 {
            layer.leave(Trace::Service { tool, service, file });
            layer.leave(Trace::Event {
                id: event_id::SERVICE_INSTALLED,
                tool: tool.0 as u8,
                file,
                account: NO_ACCOUNT,
                peer: NONE,
            });
        }
        layer.leave(Trace::Process { tool, file });
    }
    for c2 in 0..scenario.threat.c2.len() as u16 {
        layer.leave(Trace::C2Flow { c2 });
    }
}

/// A foothold the scenario says was reached from another machine: its logs show that logon,
/// `dwell` before the exercise started, and the flow is at the collection points.
fn origin(scenario: &Scenario, layer: &mut Layer, host: HostId) {
    let Some(foothold) = scenario.threat.footholds.iter().find(|foothold| foothold.host == host) else {
        return;
    };
    let Some(from) = foothold.from else { return };
    let now = layer.at;
    let dwell = foothold.dwell_seconds.unwrap_or(0).min(i32::MAX as u64 / 2) as i32;
    layer.at = now.saturating_sub(dwell);
    layer.event(event_id::LOGON, foothold.account, Some(from));
    layer.event(event_id::SPECIAL_PRIVILEGES, foothold.account, Some(from));
    layer.leave(Trace::SmbFlow { peer: from });
    layer.at = now;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_stays_small_enough_for_a_million_machines() {
        // About a dozen pieces in three runs per machine taken: these sizes keep a million
        // machines in budget.
        assert_eq!(std::mem::size_of::<Stored>(), 16);
        assert_eq!(std::mem::size_of::<Run>(), 12);
    }

    #[test]
    fn pieces_are_found_by_index_by_machine_and_in_order() {
        let mut store = EvidenceStore::new(3);
        let trace = |c2| Trace::C2Flow { c2 };
        store.leave(HostId(1), 10, trace(0));
        store.leave(HostId(1), 11, trace(1));
        store.leave(HostId(2), 12, trace(2));
        store.leave(HostId(1), 13, trace(3));
        let on_one: Vec<(u32, i32)> = store
            .on_host(HostId(1))
            .map(|(index, piece)| (index, piece.at))
            .collect();
        assert_eq!(on_one, [(3, 13), (1, 11), (0, 10)], "newest first");
        assert_eq!(store.on_host(HostId(0)).count(), 0);
        assert_eq!(store.get(2).map(|piece| (piece.host, piece.at)), Some((HostId(2), 12)));
        assert!(store.get(4).is_none());
        let hosts: Vec<u32> = store.iter().map(|(_, piece)| piece.host.0).collect();
        assert_eq!(hosts, [1, 1, 2, 1]);
    }
}
