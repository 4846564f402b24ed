//! Ground truth of the simulated company: per-machine stage, the attacker's credentials, the
//! schedule of coming transitions, and the clock. Only the simulation writes these.

use std::sync::Arc;

use bevy::prelude::*;
use rand_chacha::ChaCha8Rng;

use super::worm_view::WormView;
use crate::scenario::model::{AccountId, GroupId, HostId, HostState, Role, Scenario, Scope, Tick};

/// The checked scenario the world was built from.
#[derive(Resource, Clone)]
pub struct ScenarioData(pub Arc<Scenario>);

/// The one random number generator of the simulation, seeded from the run's seed.
#[derive(Resource)]
pub struct SimRng(pub ChaCha8Rng);

/// The tick being simulated. The first update simulates tick 0.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub now: Tick,
    started: bool,
}

impl Clock {
    pub(super) fn new() -> Self {
        Self {
            now: Tick(0),
            started: false,
        }
    }

    /// Whether tick 0 has been simulated yet.
    pub fn started(&self) -> bool {
        self.started
    }

    pub(super) fn advance(&mut self) {
        if self.started {
            self.now.0 += 1;
        } else {
            self.started = true;
        }
    }
}

/// Where a machine is in the attack, in the order it gets there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Stage {
    Clean,
    /// The worm is copying itself over; the implant is not running yet.
    Infecting,
    Compromised,
    Armed,
    Defaced,
    Wiping,
    Wiped,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 7] = [
        Stage::Clean,
        Stage::Infecting,
        Stage::Compromised,
        Stage::Armed,
        Stage::Defaced,
        Stage::Wiping,
        Stage::Wiped,
    ];

    /// The stage in a word, for people.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Clean => "clean",
            Stage::Infecting => "infecting",
            Stage::Compromised => "compromised",
            Stage::Armed => "armed",
            Stage::Defaced => "defaced",
            Stage::Wiping => "wiping",
            Stage::Wiped => "wiped",
        }
    }

    /// The stage's number in checksums and the truth log's hash: fixed here, so that
    /// reordering or renaming the variants does not change recorded sessions.
    pub fn code(self) -> u8 {
        match self {
            Stage::Clean => 0,
            Stage::Infecting => 1,
            Stage::Compromised => 2,
            Stage::Armed => 3,
            Stage::Defaced => 4,
            Stage::Wiping => 5,
            Stage::Wiped => 6,
        }
    }

    /// The stages a scenario's triggers can name, in order.
    pub const REPORTED: [Stage; 5] = [
        Stage::Compromised,
        Stage::Armed,
        Stage::Defaced,
        Stage::Wiping,
        Stage::Wiped,
    ];

    /// The stage a scenario's `HostState` names.
    pub fn of(state: HostState) -> Stage {
        match state {
            HostState::Compromised => Stage::Compromised,
            HostState::Armed => Stage::Armed,
            HostState::Defaced => Stage::Defaced,
            HostState::Wiping => Stage::Wiping,
            HostState::Wiped => Stage::Wiped,
        }
    }

    fn reported_index(self) -> Option<usize> {
        Stage::REPORTED.iter().position(|&stage| stage == self)
    }

    /// Whether the machine still does its job (serves, lets its user work).
    pub fn is_working(self) -> bool {
        self < Stage::Defaced
    }

    /// Whether the worm runs on the machine: from the implant's start until the wiper takes
    /// the machine over and shows its page.
    pub fn spreads(self) -> bool {
        matches!(self, Stage::Compromised | Stage::Armed)
    }
}

/// "Never" for tick fields.
pub const NEVER: u32 = u32::MAX;

/// Ground truth of one machine, besides its stage.
#[derive(Debug, Clone, Copy)]
pub struct HostTruth {
    /// Cut off the network by the responder.
    pub isolated: bool,
    /// Switched off by the responder.
    pub powered_off: bool,
    /// On the worm's target list (drawn with the seed).
    pub targeted: bool,
    /// A workstation left on outside business hours (drawn with the seed).
    pub left_on: bool,
    pub compromised_at: u32,
    pub defaced_at: u32,
    pub wiped_at: u32,
    /// When the responder last restored or rebuilt it.
    pub restored_at: u32,
}

/// Machines that have reached each stage, per scope, for triggers and summaries.
#[derive(Debug, Clone, Default)]
pub struct StageCounts {
    /// `[stage][office]` etc., over `Stage::REPORTED`.
    by_office: Vec<[u32; 5]>,
    by_subnet: Vec<[u32; 5]>,
    by_role: Vec<[u32; 5]>,
    all: [u32; 5],
}

/// Position of a role in `Role::ALL`, to index per-role counts.
pub fn role_index(role: Role) -> usize {
    role.code() as usize
}

/// The ground truth of every machine and of the attacker.
#[derive(Resource)]
pub struct GroundTruth {
    /// Each machine's stage, apart from the rest: a byte per machine stays in cache where the
    /// whole record would not. Written only through `put_stage`, which keeps `worm` in step.
    stages: Vec<Stage>,
    /// The worm's view of the stages and records: where it runs, what it can take
    /// (`worm_view.rs`).
    worm: WormView,
    pub hosts: Vec<HostTruth>,
    /// Machines on the worm's target list, in id order.
    pub targets: Vec<HostId>,
    /// Accounts whose password the attacker holds.
    pub held: Vec<bool>,
    /// Accounts whose password the attacker holds still works (the responder may reset them).
    pub valid: Vec<bool>,
    /// Accounts the responder disabled: no password of theirs works again.
    pub disabled: Vec<bool>,
    /// When the worm goes out and the wiper goes off (the attacker may bring both forward).
    pub campaign: super::adversary::Campaign,
    /// Per host group: accounts admin on every machine of the group, in id order.
    group_admins: Vec<Vec<AccountId>>,
    /// Per host group: whether the attacker holds a valid admin account for it.
    group_open: Vec<bool>,
    /// Accounts admin on single machines (`Host` scopes), with the machines' groups.
    host_admins: Vec<(HostId, GroupId, AccountId)>,
    pub counts: StageCounts,
    /// Per tool: whether EDR machines now stop it (the responder deployed a block).
    pub edr_blocked: Vec<bool>,
    /// Machines whose availability may have changed this tick, for the services to recount.
    pub availability_changed: Vec<HostId>,
    /// Machines per office, subnet and role, to turn counts into shares.
    sizes: StageSizes,
}

#[derive(Debug, Clone, Default)]
struct StageSizes {
    by_office: Vec<u32>,
    by_subnet: Vec<u32>,
    by_role: Vec<u32>,
    all: u32,
}

impl GroundTruth {
    pub(super) fn new(scenario: &Scenario, hosts: Vec<HostTruth>) -> Self {
        let mut group_admins = vec![Vec::new(); scenario.host_groups.len()];
        let mut host_admins = Vec::new();
        for (account_index, account) in scenario.accounts.iter().enumerate() {
            let account_id = AccountId(account_index as u32);
            for scope in &account.admin_on {
                if let Scope::Host(host) = scope {
                    host_admins.push((*host, scenario.hosts[host.index()].group, account_id));
                    continue;
                }
                for (group_index, group) in scenario.host_groups.iter().enumerate() {
                    let covers = match *scope {
                        Scope::All => true,
                        Scope::Office(office) => group.office == office,
                        Scope::Subnet(subnet) => group.subnet == subnet,
                        Scope::Role(role) => group.role == role,
                        Scope::Host(_) => false,
                    };
                    if covers && !group_admins[group_index].contains(&account_id) {
                        group_admins[group_index].push(account_id);
                    }
                }
            }
        }
        let mut sizes = StageSizes {
            by_office: vec![0; scenario.offices.len()],
            by_subnet: vec![0; scenario.subnets.len()],
            by_role: vec![0; Role::ALL.len()],
            all: scenario.hosts.len() as u32,
        };
        for host in &scenario.hosts {
            sizes.by_office[host.office.index()] += 1;
            sizes.by_subnet[host.subnet.index()] += 1;
            sizes.by_role[role_index(host.role)] += 1;
        }
        let targets: Vec<HostId> = (0..hosts.len() as u32)
            .map(HostId)
            .filter(|host| hosts[host.index()].targeted)
            .collect();
        let worm = WormView::new(scenario, &hosts, &targets);
        let mut truth = Self {
            stages: vec![Stage::Clean; hosts.len()],
            worm,
            hosts,
            targets,
            held: vec![false; scenario.accounts.len()],
            valid: vec![true; scenario.accounts.len()],
            disabled: vec![false; scenario.accounts.len()],
            campaign: super::adversary::Campaign {
                spread_starts: scenario.threat.spread.starts,
                time_bomb: scenario.threat.trigger.time_bomb,
            },
            group_open: vec![false; group_admins.len()],
            group_admins,
            host_admins,
            edr_blocked: vec![false; scenario.threat.tools.len()],
            availability_changed: Vec::new(),
            counts: StageCounts {
                by_office: vec![[0; 5]; scenario.offices.len()],
                by_subnet: vec![[0; 5]; scenario.subnets.len()],
                by_role: vec![[0; 5]; Role::ALL.len()],
                all: [0; 5],
            },
            sizes,
        };
        for account in &scenario.threat.credentials {
            truth.held[account.index()] = true;
        }
        truth.refresh_open_groups();
        truth
    }

    /// Gives the attacker an account's password; returns whether it is new to them.
    pub fn hold(&mut self, account: AccountId) -> bool {
        let newly = !self.held[account.index()];
        self.held[account.index()] = true;
        if newly {
            self.refresh_open_groups();
        }
        newly
    }

    fn usable(&self, account: AccountId) -> bool {
        self.held[account.index()] && self.valid[account.index()]
    }

    /// Whether the attacker holds a password of the account that works now.
    pub fn holds_working(&self, account: AccountId) -> bool {
        self.usable(account)
    }

    /// Changes an account's password: the one the attacker held stops working.
    pub fn reset(&mut self, account: AccountId) {
        self.valid[account.index()] = false;
        self.refresh_open_groups();
    }

    /// Disables an account: no password of it works again.
    pub fn disable(&mut self, account: AccountId) {
        self.disabled[account.index()] = true;
        self.reset(account);
    }

    /// The attacker takes a reset account's new password; returns whether it got one it did
    /// not have (a disabled account gives nothing).
    pub fn retake(&mut self, account: AccountId) -> bool {
        let index = account.index();
        if !self.held[index] || self.valid[index] || self.disabled[index] {
            return false;
        }
        self.valid[index] = true;
        self.refresh_open_groups();
        true
    }

    fn refresh_open_groups(&mut self) {
        for group in 0..self.group_admins.len() {
            self.group_open[group] = self.group_admins[group].iter().any(|&account| self.usable(account));
        }
    }

    /// Whether the attacker may be admin on some of a group's machines: an account over the
    /// whole group, or one over single machines of it (`admin_account` says which).
    pub fn may_be_admin(&self, group: GroupId) -> bool {
        self.group_open[group.index()]
            || self
                .host_admins
                .iter()
                .any(|&(_, admin_group, account)| admin_group == group && self.usable(account))
    }

    /// The account (lowest id first) the attacker can use as admin on a machine, if any.
    pub fn admin_account(&self, host: HostId, group: GroupId) -> Option<AccountId> {
        if self.group_open[group.index()] {
            return self.group_admins[group.index()]
                .iter()
                .copied()
                .find(|&account| self.usable(account));
        }
        self.host_admins
            .iter()
            .find(|&&(target, _, account)| target == host && self.usable(account))
            .map(|&(_, _, account)| account)
    }

    /// Every machine's stage, by id.
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// A machine's stage.
    pub fn stage(&self, host: HostId) -> Stage {
        self.stages[host.index()]
    }

    /// Sets a machine's stage without counting it (`set_stage` counts).
    pub fn put_stage(&mut self, host: HostId, stage: Stage) {
        let before = std::mem::replace(&mut self.stages[host.index()], stage);
        // The worm cares whether a machine is clean and whether it spreads; the rest of the
        // way (armed, wiping, wiped) changes nothing for it.
        if (before == Stage::Clean) != (stage == Stage::Clean) || before.spreads() != stage.spreads() {
            self.worm.refresh(host, stage);
        }
    }

    /// How many machines of a host group the worm runs on now.
    pub fn running_in(&mut self, group: GroupId) -> usize {
        self.worm.running_in(group)
    }

    /// A machine of a group the worm runs on, by its position in the order they started
    /// (below `running_in`).
    pub fn runner(&self, group: GroupId, position: usize) -> HostId {
        self.worm.runner(group, position)
    }

    /// How many targets are worth an attempt now (clean, on the network, switched on), all
    /// groups together.
    pub fn open_total(&self) -> usize {
        self.worm.open_total()
    }

    /// How many targets of a host group are worth an attempt now.
    pub fn open_in(&self, group: GroupId) -> usize {
        self.worm.open_in(group)
    }

    /// One of a group's targets worth an attempt (below `open_in`).
    pub fn open_target(&self, group: GroupId, position: usize) -> HostId {
        self.worm.open_target(group, position)
    }

    /// Follows the offices' hours: workstations their users switch off sleep while closed.
    pub fn follow_office_hours(&mut self, hours: &super::network::OfficeHours, now: Tick) {
        for office in 0..hours.offices() {
            let office = crate::scenario::model::OfficeId(office as u32);
            self.worm
                .set_office_open(office, hours.is_open(office, now), &self.targets, &self.stages);
        }
    }

    fn refresh_held_back(&mut self, host: HostId) {
        let truth = &self.hosts[host.index()];
        self.worm
            .set_held_back(host, self.stages[host.index()], truth.isolated || truth.powered_off);
    }

    /// Whether a machine does its job: not locked by the page, on, and on the network.
    pub fn is_working(&self, host: HostId) -> bool {
        let truth = &self.hosts[host.index()];
        self.stages[host.index()].is_working() && !truth.isolated && !truth.powered_off
    }

    /// Cuts a machine off the network, or puts it back.
    pub fn set_isolated(&mut self, host: HostId, isolated: bool) {
        self.hosts[host.index()].isolated = isolated;
        self.refresh_held_back(host);
        self.availability_changed.push(host);
    }

    /// Switches a machine off.
    pub fn power_off(&mut self, host: HostId) {
        self.hosts[host.index()].powered_off = true;
        self.refresh_held_back(host);
        self.availability_changed.push(host);
    }

    /// Brings a machine back clean (from backup or rebuilt), switched on.
    pub fn restore(&mut self, host: HostId, tick: Tick) {
        self.put_stage(host, Stage::Clean);
        let truth = &mut self.hosts[host.index()];
        truth.powered_off = false;
        truth.restored_at = tick.0;
        self.refresh_held_back(host);
        self.availability_changed.push(host);
    }

    /// Moves a machine to a stage and counts it, at a tick.
    pub fn set_stage(&mut self, scenario: &Scenario, host: HostId, stage: Stage, tick: Tick) {
        self.put_stage(host, stage);
        if stage == Stage::Defaced {
            self.availability_changed.push(host);
        }
        let truth = &mut self.hosts[host.index()];
        match stage {
            Stage::Compromised => truth.compromised_at = tick.0,
            Stage::Defaced => truth.defaced_at = tick.0,
            Stage::Wiped => truth.wiped_at = tick.0,
            _ => {}
        }
        if let Some(index) = stage.reported_index() {
            let machine = &scenario.hosts[host.index()];
            self.counts.by_office[machine.office.index()][index] += 1;
            self.counts.by_subnet[machine.subnet.index()][index] += 1;
            self.counts.by_role[role_index(machine.role)][index] += 1;
            self.counts.all[index] += 1;
        }
    }

    /// Machines of a scope that have reached a stage, and the machines in the scope.
    pub fn reached(&self, scope: &Scope, stage: Stage) -> (u32, u32) {
        let Some(index) = stage.reported_index() else {
            return (0, 0);
        };
        match *scope {
            Scope::All => (self.counts.all[index], self.sizes.all),
            Scope::Office(office) => (
                self.counts.by_office[office.index()][index],
                self.sizes.by_office[office.index()],
            ),
            Scope::Subnet(subnet) => (
                self.counts.by_subnet[subnet.index()][index],
                self.sizes.by_subnet[subnet.index()],
            ),
            Scope::Role(role) => (
                self.counts.by_role[role_index(role)][index],
                self.sizes.by_role[role_index(role)],
            ),
            Scope::Host(host) => (u32::from(self.stages[host.index()] >= stage), 1),
        }
    }
}

/// A transition scheduled for a later tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// A foothold the attacker holds from the start.
    Foothold,
    /// The worm's copy finished: the implant starts.
    Install { source: HostId, account: Option<AccountId> },
    /// The wiper is staged on a foothold when the campaign starts.
    Arm,
    /// The wiper fires: the warning page shows.
    Fire,
    /// The disk overwrite is under way.
    StartWipe,
    /// The disk is gone; the machine no longer boots.
    FinishWipe,
}

/// Transitions waiting for their tick, in the order they were scheduled.
#[derive(Resource)]
pub struct Agenda {
    buckets: Vec<Vec<(HostId, Transition)>>,
}

impl Agenda {
    pub(super) fn new(duration_ticks: u32) -> Self {
        Self {
            buckets: vec![Vec::new(); duration_ticks as usize + 1],
        }
    }

    /// Schedules a transition; one past the end of the exercise never happens.
    pub fn schedule(&mut self, tick: Tick, host: HostId, transition: Transition) {
        if let Some(bucket) = self.buckets.get_mut(tick.0 as usize) {
            bucket.push((host, transition));
        }
    }

    /// Takes the transitions due at a tick, by machine (each machine's in the order they were
    /// scheduled): a large tick then walks the per-machine tables front to back instead of
    /// jumping about them in the order the worm happened to reach the machines.
    pub fn take(&mut self, tick: Tick) -> Vec<(HostId, Transition)> {
        let mut due = self
            .buckets
            .get_mut(tick.0 as usize)
            .map(std::mem::take)
            .unwrap_or_default();
        due.sort_by_key(|&(host, _)| host);
        due
    }
}
