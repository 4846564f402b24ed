//! What scoring reads of a finished run: the team's actions, what the attacker took and when,
//! the first sign of the attack the team could see, and the findings judged against the case.

use crate::case::Case;
use crate::response::{Action, Desk, Entry, Progress};
use crate::scenario::model::{AccountId, AccountKind, HostId, Scenario, Scope, ServiceId, Tick};
use crate::sim::{
    Adversary, Breakage, EvidenceStore, GroundTruth, Move, NEVER, ObservationLog, ServiceStatus, Simulation, Theft,
    TruthLog,
};

use super::findings::{self, FindingsReport};

/// What scoring needs of a finished run.
#[derive(Debug, Clone)]
pub struct RunRecord {
    pub end: Tick,
    pub wiped: u32,
    /// The first observation that showed the attack itself (one of its records, a raw-disk
    /// write, a warning page on a screen), not ordinary activity.
    pub first_attack_sign: Option<Tick>,
    /// When each machine was taken (`NEVER` if not).
    pub compromised_at: Vec<u32>,
    /// Since when the attacker held each account's password (`NEVER` if not).
    pub held_from: Vec<u32>,
    pub actions: Vec<Entry>,
    pub notified: Vec<Option<Tick>>,
    pub downtime_ticks: Vec<u32>,
    /// Services the response broke (an account it changed, a port it blocked).
    pub breakages: Vec<Breakage>,
    /// What the attacker noticed of the response and did in reply.
    pub attacker_moves: Vec<Move>,
    /// Per data set: bytes stolen by the end.
    pub stolen: Vec<u64>,
    /// The names and hashes of every archive of stolen data the run staged: the attacker's
    /// artifacts too, and true indicators.
    pub archives: Vec<String>,
    /// The submitted findings judged against the answers and the case (empty with no team).
    pub findings: FindingsReport,
}

/// The names and hashes of the archives each stream staged.
fn archive_indicators(scenario: &Scenario, parts: &[u32]) -> Vec<String> {
    parts
        .iter()
        .enumerate()
        .flat_map(|(stream, &parts)| (0..parts).map(move |part| (stream, part)))
        .flat_map(|(stream, part)| {
            let (name, md5, sha256) = crate::sim::archive(scenario, stream, part);
            [name, md5, sha256]
        })
        .collect()
}

impl RunRecord {
    /// Reads a simulation's record at its current tick.
    pub fn of(simulation: &Simulation) -> Self {
        let world = simulation.world();
        let scenario = simulation.scenario();
        let truth = world.resource::<GroundTruth>();
        // A run with no one responding has no desk.
        let (actions, notified) = world
            .get_resource::<Desk>()
            .map_or((Vec::new(), vec![None; scenario.responders.contacts.len()]), |desk| {
                (desk.log.clone(), desk.notified.clone())
            });
        let end = simulation.now().unwrap_or_default();
        let services = world.resource::<ServiceStatus>();
        let first_attack_sign = world
            .resource::<ObservationLog>()
            .observations
            .iter()
            .find(|seen| seen.shows_attack())
            .map(|seen| seen.tick);
        let mut record = Self {
            end,
            wiped: simulation.outcome().machines.wiped,
            first_attack_sign,
            compromised_at: truth.hosts.iter().map(|host| host.compromised_at).collect(),
            held_from: held_from(scenario, world.resource::<TruthLog>()),
            actions,
            notified,
            downtime_ticks: (0..scenario.services.len())
                .map(|index| services.downtime(ServiceId(index as u32), end))
                .collect(),
            breakages: services.breakages.clone(),
            attacker_moves: world.resource::<Adversary>().moves.clone(),
            stolen: world.resource::<Theft>().stolen.clone(),
            archives: archive_indicators(scenario, &world.resource::<Theft>().parts),
            findings: FindingsReport::default(),
        };
        if let Some(case) = world.get_resource::<Case>() {
            let store = world.resource::<EvidenceStore>();
            record.findings = findings::judge(scenario, simulation.seed(), &record, case, store, end);
        }
        record
    }

    /// The actions the team asked for that were not refused.
    pub fn accepted(&self) -> impl Iterator<Item = &Entry> {
        self.actions
            .iter()
            .filter(|entry| !matches!(entry.progress, Progress::Refused(_)))
    }

    /// Whether the attacker held a machine at a tick.
    pub fn held_machine(&self, host: HostId, at: Tick) -> bool {
        let taken = self.compromised_at[host.index()];
        taken != NEVER && taken <= at.0
    }

    /// Whether the attacker held an account's password at a tick.
    pub fn held_account(&self, account: AccountId, at: Tick) -> bool {
        let from = self.held_from[account.index()];
        from != NEVER && from <= at.0
    }

    /// Whether an action touched the attack when it was asked for: a machine or an account the
    /// attacker held then, a port or a file of its tools, a correct finding. Acting on ordinary
    /// activity is not detecting the attack, however lucky.
    pub fn touches_attack(&self, scenario: &Scenario, entry: &Entry) -> bool {
        let at = entry.requested;
        let held_in = |scope: &Scope| {
            scenario
                .hosts_in(scope)
                .into_iter()
                .any(|host| self.held_machine(host, at))
        };
        match &entry.action {
            Action::Isolate(scope) => held_in(scope),
            Action::PowerOff(host)
            | Action::CaptureMemory(host)
            | Action::CollectLogs(host)
            | Action::ImageDisk(host)
            | Action::RestoreFromBackup(host)
            | Action::Rebuild(host) => self.held_machine(*host, at),
            Action::DisableAccount(account) | Action::ResetAccount(account) => self.held_account(*account, at),
            Action::ResetAdmins => scenario
                .accounts
                .iter()
                .enumerate()
                .filter(|(_, account)| account.kind != AccountKind::User)
                .any(|(index, _)| self.held_account(AccountId(index as u32), at)),
            Action::Block { port, from, to } => attack_ports(scenario).contains(port) && (held_in(from) || held_in(to)),
            Action::CutLink(link) => {
                let ends = scenario.network.links[link.index()].ends;
                ends.iter().any(|office| held_in(&Scope::Office(*office)))
            }
            Action::DeployBlock(indicator) => scenario.threat.tools_named(indicator).next().is_some(),
            Action::BlockAddress(address) | Action::CollectFlows(address) => {
                scenario.threat.c2.iter().any(|(c2, _)| c2 == address)
                    || scenario.threat.exfiltration.iter().any(|stream| stream.to == *address)
            }
            Action::Kill { program, host } => {
                self.held_machine(*host, at) && scenario.threat.tools_named(program).next().is_some()
            }
            Action::Submit(finding) => findings::is_true(scenario, self, finding),
            Action::UnblockAddress(_) | Action::Reconfigure(_) => false,
            Action::Reconnect(_)
            | Action::RestoreLink(_)
            | Action::Unblock { .. }
            | Action::Notify(_)
            | Action::DeclareIncident => false,
        }
    }

    /// The first action that touched the attack at or after its first visible sign.
    pub fn detected_at(&self, scenario: &Scenario) -> Option<Tick> {
        let sign = self.first_attack_sign?;
        self.accepted()
            .filter(|entry| entry.requested >= sign && self.touches_attack(scenario, entry))
            .map(|entry| entry.requested)
            .min()
    }

    /// The first action that could hold the attacker back: anything that changes the network,
    /// the accounts or the machines (not reading, reporting or telling people).
    pub fn first_containing_action(&self) -> Option<Tick> {
        self.accepted()
            .filter(|entry| {
                !matches!(
                    entry.action,
                    Action::CaptureMemory(_)
                        | Action::CollectLogs(_)
                        | Action::CollectFlows(_)
                        | Action::ImageDisk(_)
                        | Action::Notify(_)
                        | Action::DeclareIncident
                        | Action::Submit(_)
                        | Action::Reconnect(_)
                        | Action::RestoreLink(_)
                        | Action::Unblock { .. }
                        | Action::UnblockAddress(_)
                        | Action::Reconfigure(_)
                )
            })
            .map(|entry| entry.requested)
            .min()
    }

    /// The last tick a machine was taken after a tick, if one was.
    pub fn last_taken_after(&self, tick: Tick) -> Option<Tick> {
        self.compromised_at
            .iter()
            .filter(|&&taken| taken != NEVER && taken > tick.0)
            .max()
            .map(|&taken| Tick(taken))
    }

    /// Machines taken after a tick.
    pub fn taken_after(&self, tick: Tick) -> u32 {
        self.compromised_at
            .iter()
            .filter(|&&taken| taken != NEVER && taken > tick.0)
            .count() as u32
    }
}

/// Since when the attacker held each account: the credentials it came with from the start,
/// the cached ones from the moment it harvested them.
fn held_from(scenario: &Scenario, log: &TruthLog) -> Vec<u32> {
    let mut from = vec![NEVER; scenario.accounts.len()];
    for account in &scenario.threat.credentials {
        from[account.index()] = 0;
    }
    for harvested in log.harvests() {
        let slot = &mut from[harvested.account.index()];
        *slot = (*slot).min(harvested.tick.0);
    }
    from
}

/// The ports the attack uses: the worm's, its tools' listening ports, its servers'.
fn attack_ports(scenario: &Scenario) -> Vec<u16> {
    let threat = &scenario.threat;
    let mut ports = threat.spread.ports.clone();
    ports.extend(threat.tools.iter().flat_map(|tool| tool.listen_ports.iter().copied()));
    ports.extend(threat.c2.iter().map(|(_, port)| *port));
    ports.sort_unstable();
    ports.dedup();
    ports
}
