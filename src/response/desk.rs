//! The response team at work: requests are checked against the world (a refused one gets a
//! reason and changes nothing), wait for a free responder in working hours, take their time,
//! and then change the world: isolation, blocks, resets, collection, restores.

use std::collections::VecDeque;

use bevy::prelude::*;

use crate::checksum::Fnv1a;

use crate::case::Case;
use crate::scenario::model::{
    AccountId, AccountKind, Artifact, Backup, HostId, Notice, Scenario, Tick, ToolId, ToolKind,
};
use crate::sim::{
    ActivityPlan, Adversary, Clock, EvidenceSeed, EvidenceStore, GroundTruth, Reachability, ScenarioData,
    ServiceStatus, SimSystems, Stage, perimeter_records, records_on,
};

use super::action::Action;

/// The response team joins a simulation: its desk, and its work first in every tick.
pub(crate) fn plugin(app: &mut App) {
    let desk = Desk::new(&app.world().resource::<ScenarioData>().0);
    app.insert_resource(desk).add_systems(
        FixedUpdate,
        (
            run_desk.in_set(SimSystems::Respond),
            secure_collections
                .after(SimSystems::Evidence)
                .before(SimSystems::Record),
        ),
    );
}

/// Where a request stands: refused, waiting, under way or done.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Progress {
    /// Refused when asked, with the reason; nothing changed.
    Refused(String),
    /// Waiting for a free responder.
    Queued,
    /// A responder is on it until `done`.
    Started { at: Tick, done: Tick },
    /// Done: its effect is in the world.
    Completed { started: Tick, at: Tick },
}

impl Progress {
    /// The progress in words, with local times.
    pub fn describe(&self, scenario: &Scenario) -> String {
        let time = |tick: &Tick| scenario.time_of(*tick).strftime("%Y-%m-%d %H:%M %Z").to_string();
        match self {
            Progress::Refused(reason) => format!("refused: {reason}"),
            Progress::Queued => "still waiting for a responder".to_string(),
            Progress::Started { done, .. } => format!("under way until {}", time(done)),
            Progress::Completed { at, .. } => format!("done {}", time(at)),
        }
    }
}

/// What a collection secured of one kind of evidence on one machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Secured {
    pub host: HostId,
    pub artifact: Artifact,
    /// Records secured (they come into the case when the work completes).
    pub records: u32,
    /// Of those, the attack's (ground truth, for grading only).
    pub attack: u32,
}

/// One request and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub requested: Tick,
    pub action: Action,
    pub progress: Progress,
    /// What a collection action secured, by machine and kind.
    pub collected: Vec<Secured>,
}

/// The response team's desk: incoming requests, the queue, and the log of everything asked.
#[derive(Resource)]
pub struct Desk {
    /// Requests for the next tick, in the order they were made (the exercise hands them in).
    pub(crate) incoming: Vec<Action>,
    queue: VecDeque<usize>,
    busy: Vec<usize>,
    pub log: Vec<Entry>,
    /// Whether the team works at each tick.
    on_duty: Vec<bool>,
    team_size: usize,
    /// When each contact was first notified.
    pub notified: Vec<Option<Tick>>,
    pub incident_declared: Option<Tick>,
    /// Collections started this tick, to be copied once the tick's evidence is laid down.
    starting: Vec<usize>,
}

impl Desk {
    pub(crate) fn new(scenario: &Scenario) -> Self {
        let responders = &scenario.responders;
        let on_duty = (0..=scenario.meta.duration_ticks)
            .map(|tick| {
                let local = scenario.local_time(responders.office, Tick(tick));
                responders
                    .working_hours
                    .contains(local.hour() as u16 * 60 + local.minute() as u16)
            })
            .collect();
        Self {
            incoming: Vec::new(),
            queue: VecDeque::new(),
            busy: Vec::new(),
            log: Vec::new(),
            on_duty,
            team_size: responders.team_size as usize,
            notified: vec![None; responders.contacts.len()],
            incident_declared: None,
            starting: Vec::new(),
        }
    }

    /// Responders free now.
    pub fn free(&self) -> usize {
        self.team_size.saturating_sub(self.busy.len())
    }

    /// Requests waiting for a responder.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Adds the team's record to a checksum: every request with its tick, its progress and what
    /// it secured, and the notifications, in an explicit encoding.
    pub fn hash_into(&self, hash: &mut Fnv1a) {
        hash.write_u32(self.log.len() as u32);
        for entry in &self.log {
            hash.write_u32(entry.requested.0);
            entry.action.hash_into(hash);
            entry.progress.hash_into(hash);
            hash.write_u32(entry.collected.len() as u32);
            for secured in &entry.collected {
                hash.write_u32(secured.host.0);
                hash.write(&[secured.artifact.code()]);
                hash.write_u32(secured.records);
                hash.write_u32(secured.attack);
            }
        }
        for notified in &self.notified {
            hash.write_u32(notified.map_or(u32::MAX, |tick| tick.0));
        }
        hash.write_u32(self.incident_declared.map_or(u32::MAX, |tick| tick.0));
    }
}

impl Progress {
    fn hash_into(&self, hash: &mut Fnv1a) {
        match self {
            Progress::Refused(reason) => {
                hash.write(&[0]);
                hash.write_u32(reason.len() as u32);
                hash.write(reason.as_bytes());
            }
            Progress::Queued => hash.write(&[1]),
            Progress::Started { at, done } => {
                hash.write(&[2]);
                hash.write_u32(at.0);
                hash.write_u32(done.0);
            }
            Progress::Completed { started, at } => {
                hash.write(&[3]);
                hash.write_u32(started.0);
                hash.write_u32(at.0);
            }
        }
    }
}

/// The simulated world as an action sees and changes it.
struct Situation<'a> {
    scenario: &'a Scenario,
    now: Tick,
    truth: &'a mut GroundTruth,
    reachability: &'a mut Reachability,
    evidence: &'a mut EvidenceStore,
    case: &'a mut Case,
    adversary: &'a mut Adversary,
    services: &'a mut ServiceStatus,
}

impl Situation<'_> {
    fn host_name(&self, host: HostId) -> &str {
        &self.scenario.hosts[host.index()].name
    }

    /// Why the action cannot be done now, if it cannot.
    fn refusal(&self, action: &Action, desk: &Desk) -> Option<String> {
        let stage = |host: HostId| self.truth.stage(host);
        let truth = |host: HostId| self.truth.hosts[host.index()];
        match action {
            Action::Isolate(scope) if self.scenario.hosts_in(scope).iter().all(|host| truth(*host).isolated) => {
                Some("already isolated".to_string())
            }
            Action::Reconnect(scope) if !self.scenario.hosts_in(scope).iter().any(|host| truth(*host).isolated) => {
                Some("nothing there is isolated".to_string())
            }
            Action::CutLink(link) if !self.reachability.link_up[link.index()] => {
                Some("the link is already cut".to_string())
            }
            Action::RestoreLink(link) if self.reachability.link_up[link.index()] => Some("the link is up".to_string()),
            Action::Block { port, from, to }
                if self.reachability.blocks.contains(&(*port, from.clone(), to.clone())) =>
            {
                Some("already blocked".to_string())
            }
            Action::Unblock { port, from, to }
                if !self.reachability.blocks.contains(&(*port, from.clone(), to.clone())) =>
            {
                Some("no such block to remove".to_string())
            }
            Action::BlockAddress(address) if self.reachability.blocked_addresses.contains(address) => {
                Some(format!("{address} is already blocked"))
            }
            Action::UnblockAddress(address) if !self.reachability.blocked_addresses.contains(address) => {
                Some(format!("no block on {address} to remove"))
            }
            Action::Reconfigure(service) if self.scenario.services[service.index()].run_as.is_empty() => Some(format!(
                "{} runs under no account of the scenario: nothing to give it",
                self.scenario.services[service.index()].name
            )),
            Action::Reconfigure(service) if !self.services.broken_by_account(*service) => Some(format!(
                "{} is not stopped by an account change",
                self.scenario.services[service.index()].name
            )),
            Action::CollectFlows(address) if self.scenario.activity.web_addresses.contains(address) => Some(format!(
                "{address} is where the company's staff browse: the perimeter holds more flows with it than anyone can read; collect logs on a machine instead"
            )),
            Action::Kill { host, .. } if stage(*host) == Stage::Wiped => {
                Some(format!("{} is wiped: nothing runs on it", self.host_name(*host)))
            }
            Action::Kill { host, .. } if truth(*host).powered_off => {
                Some(format!("{} is off: nothing runs on it", self.host_name(*host)))
            }
            Action::PowerOff(host) if truth(*host).powered_off => {
                Some(format!("{} is already off", self.host_name(*host)))
            }
            Action::PowerOff(host) | Action::CaptureMemory(host) | Action::ImageDisk(host)
                if stage(*host) == Stage::Wiped =>
            {
                Some(format!("{} is wiped: nothing is left on it", self.host_name(*host)))
            }
            Action::CaptureMemory(host) if truth(*host).powered_off => {
                Some(format!("{} is off: its memory is gone", self.host_name(*host)))
            }
            Action::RestoreFromBackup(host) => match &self.scenario.group_of(*host).backup {
                Backup::None => Some(format!("{} has no backup: rebuild it", self.host_name(*host))),
                Backup::Online { server, .. } if stage(*server) >= Stage::Defaced => Some(format!(
                    "its backups were on {}, which the wiper took",
                    self.host_name(*server)
                )),
                _ => None,
            },
            Action::Notify(contact) if desk.notified[contact.index()].is_some() => Some(format!(
                "{} was already notified",
                self.scenario.responders.contacts[contact.index()]
            )),
            Action::DeclareIncident if desk.incident_declared.is_some() => {
                Some("the incident is already declared".to_string())
            }
            _ => None,
        }
    }

    /// The second of the exercise the current tick starts at.
    fn second(&self) -> i32 {
        (self.now.0 as i64 * self.scenario.meta.tick_seconds as i64).min(i32::MAX as i64) as i32
    }

    /// Whether the attacker controls a machine now.
    fn controlled(&self, host: HostId) -> bool {
        self.adversary
            .controls(self.scenario, self.truth, self.reachability, host)
    }

    /// The attacker may notice that it lost a machine it controlled.
    fn cut_off(&mut self, host: HostId, was_controlled: bool, how: &str) {
        if was_controlled && !self.controlled(host) {
            let what = format!("{} {how}", self.host_name(host));
            self.adversary.notice(Notice::AccessCut, what);
        }
    }

    /// Resets or disables an account: its services stop, and the attacker may notice if the
    /// password was one it used.
    fn change_account(&mut self, account: AccountId, disable: bool) {
        let held = self.truth.holds_working(account);
        match disable {
            true => self.truth.disable(account),
            false => self.truth.reset(account),
        }
        self.services.account_changed(self.scenario, account, self.now);
        if held {
            let name = &self.scenario.accounts[account.index()].name;
            let what = format!("{name} {}", if disable { "disabled" } else { "reset" });
            self.adversary.notice(Notice::AccountReset, what);
        }
    }

    /// Puts a finished action's effect into the world.
    fn apply(&mut self, entry: usize, action: &Action, desk: &mut Desk) {
        let now = self.now;
        match action {
            Action::Isolate(scope) | Action::Reconnect(scope) => {
                let isolated = matches!(action, Action::Isolate(_));
                for host in self.scenario.hosts_in(scope) {
                    let was = isolated && self.controlled(host);
                    self.truth.set_isolated(host, isolated);
                    self.cut_off(host, was, "isolated");
                }
            }
            Action::BlockAddress(address) => {
                self.reachability.blocked_addresses.push(*address);
                if Adversary::is_c2(self.scenario, *address) {
                    self.adversary.notice(Notice::C2Blocked, format!("{address} blocked"));
                }
            }
            Action::UnblockAddress(address) => self.reachability.blocked_addresses.retain(|blocked| blocked != address),
            Action::Reconfigure(service) => self.services.reconfigure(*service, now),
            Action::Kill { program, host } => {
                let was = self.controlled(*host);
                let doors: Vec<ToolId> = self.scenario.threat.doors_on(*host).collect();
                for tool in self.scenario.threat.tools_named(program) {
                    if doors.contains(&tool) {
                        self.adversary.remove(*host, tool);
                    }
                }
                self.cut_off(*host, was, &format!("cleaned of {program}"));
            }
            Action::CutLink(link) | Action::RestoreLink(link) => {
                self.reachability.link_up[link.index()] = matches!(action, Action::RestoreLink(_));
                self.reachability.refresh_links(self.scenario);
            }
            Action::Block { port, from, to } | Action::Unblock { port, from, to } => {
                let block = matches!(action, Action::Block { .. });
                self.reachability.set_block(*port, from.clone(), to.clone(), block);
                self.services
                    .blocks_changed(self.scenario, &self.reachability.blocks, now);
            }
            Action::DisableAccount(account) => self.change_account(*account, true),
            Action::ResetAccount(account) => self.change_account(*account, false),
            Action::ResetAdmins => {
                for (index, account) in self.scenario.accounts.iter().enumerate() {
                    if !account.admin_on.is_empty()
                        || matches!(account.kind, AccountKind::Admin | AccountKind::DomainAdmin)
                    {
                        self.change_account(AccountId(index as u32), false);
                    }
                }
            }
            Action::DeployBlock(indicator) => {
                let threat = &self.scenario.threat;
                for named in threat.tools_named(indicator) {
                    // A block on any file of the wiper's kit stops the wiper; the worm's stops the worm.
                    let kind = match threat.tools[named.index()].kind {
                        ToolKind::Driver | ToolKind::WebServer => ToolKind::Wiper,
                        kind => kind,
                    };
                    for (other, blocked) in threat.tools.iter().zip(self.truth.edr_blocked.iter_mut()) {
                        if other.kind == kind {
                            *blocked = true;
                        }
                    }
                }
            }
            Action::PowerOff(host) => {
                let was = self.controlled(*host);
                self.truth.power_off(*host);
                self.cut_off(*host, was, "switched off");
                self.evidence.clear(*host, self.second(), &[Artifact::Memory]);
            }
            // Collection secured its evidence when it started; it comes into the case now.
            Action::CaptureMemory(_) | Action::CollectLogs(_) | Action::CollectFlows(_) | Action::ImageDisk(_) => {
                self.case.complete_collection(entry, now)
            }
            // A machine brought back clean holds nothing of before.
            Action::RestoreFromBackup(host) | Action::Rebuild(host) => {
                let was = self.controlled(*host);
                self.adversary.forget(*host);
                self.evidence.clear(
                    *host,
                    self.second(),
                    &[Artifact::Memory, Artifact::Disk, Artifact::EventLogs],
                );
                self.truth.restore(*host, now);
                self.cut_off(*host, was, "brought back clean");
            }
            Action::Notify(contact) => {
                desk.notified[contact.index()].get_or_insert(now);
            }
            Action::DeclareIncident => {
                desk.incident_declared.get_or_insert(now);
            }
            Action::Submit(_) => {}
        }
    }
}

#[expect(clippy::too_many_arguments, reason = "a Bevy system names every resource it touches")]
pub(crate) fn run_desk(
    clock: Res<Clock>,
    scenario: Res<ScenarioData>,
    mut desk: ResMut<Desk>,
    mut truth: ResMut<GroundTruth>,
    mut reachability: ResMut<Reachability>,
    mut evidence: ResMut<EvidenceStore>,
    mut case: ResMut<Case>,
    mut adversary: ResMut<Adversary>,
    mut services: ResMut<ServiceStatus>,
) {
    let now = clock.now;
    let mut world = Situation {
        scenario: &scenario.0,
        now,
        truth: &mut truth,
        reachability: &mut reachability,
        evidence: &mut evidence,
        case: &mut case,
        adversary: &mut adversary,
        services: &mut services,
    };
    let desk = &mut *desk;

    // Work that ends now takes effect first, in the order it was asked for.
    let mut finished: Vec<usize> = desk
        .busy
        .iter()
        .copied()
        .filter(|&entry| matches!(desk.log[entry].progress, Progress::Started { done, .. } if done <= now))
        .collect();
    finished.sort_unstable();
    desk.busy.retain(|entry| !finished.contains(entry));
    for entry in finished {
        let action = desk.log[entry].action.clone();
        world.apply(entry, &action, desk);
        if let Progress::Started { at, .. } = desk.log[entry].progress {
            desk.log[entry].progress = Progress::Completed { started: at, at: now };
        }
    }

    for action in std::mem::take(&mut desk.incoming) {
        let entry = desk.log.len();
        let refusal = world.refusal(&action, desk);
        let instant = action.duration_ticks(world.scenario) == 0;
        desk.log.push(Entry {
            requested: now,
            action: action.clone(),
            progress: match &refusal {
                Some(reason) => Progress::Refused(reason.clone()),
                None if instant => Progress::Completed { started: now, at: now },
                None => Progress::Queued,
            },
            collected: Vec::new(),
        });
        match refusal {
            Some(_) => {}
            None if instant => world.apply(entry, &action, desk),
            None => desk.queue.push_back(entry),
        }
    }

    if !desk.on_duty.get(now.0 as usize).copied().unwrap_or(false) {
        return;
    }
    while desk.busy.len() < desk.team_size {
        let Some(entry) = desk.queue.pop_front() else {
            break;
        };
        let done = Tick(
            now.0
                .saturating_add(desk.log[entry].action.duration_ticks(world.scenario)),
        );
        desk.log[entry].progress = Progress::Started { at: now, done };
        if collected_kinds(&desk.log[entry].action).is_some()
            || matches!(desk.log[entry].action, Action::CollectFlows(_))
        {
            desk.starting.push(entry);
        }
        desk.busy.push(entry);
    }
}

/// What a collection action copies, and from which machine.
fn collected_kinds(action: &Action) -> Option<(HostId, &'static [Artifact])> {
    match action {
        Action::CaptureMemory(host) => Some((*host, &[Artifact::Memory])),
        Action::CollectLogs(host) => Some((*host, &[Artifact::EventLogs, Artifact::Flows])),
        Action::ImageDisk(host) => Some((*host, &[Artifact::Disk])),
        _ => None,
    }
}

/// What each collection started this tick copies: what the machine holds at the end of that
/// tick (the footholds' evidence is laid down in the first). It is secured if the work
/// completes, even if the wiper gets to the machine meanwhile, and comes into the case then.
fn secure_collections(
    clock: Res<Clock>,
    scenario: Res<ScenarioData>,
    plan: Res<ActivityPlan>,
    seed: Res<EvidenceSeed>,
    evidence: Res<EvidenceStore>,
    mut desk: ResMut<Desk>,
    mut case: ResMut<Case>,
) {
    let scenario = &scenario.0;
    let tick_seconds = scenario.meta.tick_seconds as i64;
    let until = (clock.now.0 as i64 + 1) * tick_seconds - 1;
    for entry in std::mem::take(&mut desk.starting) {
        if let Action::CollectFlows(address) = desk.log[entry].action {
            let records = perimeter_records(scenario, seed.0, &evidence, address, until);
            let mut hosts: Vec<HostId> = records.iter().map(|record| record.host).collect();
            hosts.sort_unstable();
            hosts.dedup();
            desk.log[entry].collected = hosts
                .into_iter()
                .map(|host| {
                    let found = records.iter().filter(|record| record.host == host).count() as u32;
                    Secured {
                        host,
                        artifact: Artifact::Flows,
                        records: found,
                        attack: found,
                    }
                })
                .collect();
            case.begin_collection(entry, records);
            continue;
        }
        let Some((host, kinds)) = collected_kinds(&desk.log[entry].action) else {
            continue;
        };
        let records: Vec<_> = records_on(scenario, seed.0, &evidence, &plan, host, until)
            .into_iter()
            .filter(|record| kinds.contains(&record.artifact()))
            .collect();
        desk.log[entry].collected = kinds
            .iter()
            .map(|&artifact| {
                let of_kind = records.iter().filter(|record| record.artifact() == artifact);
                Secured {
                    host,
                    artifact,
                    records: of_kind.clone().count() as u32,
                    attack: of_kind.filter(|record| record.key.is_attack()).count() as u32,
                }
            })
            .collect();
        case.begin_collection(entry, records);
    }
}
