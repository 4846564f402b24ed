//! The worm's view of the company, per host group: the machines it runs from, and the targets
//! worth an attempt now (clean, on the network, switched on), each as a list it can draw from
//! by position. The worm draws among these instead of probing the whole target list
//! (`spread.rs`), so a tick costs what the worm achieves, not what it tries. They mirror the
//! ground truth exactly.

use crate::scenario::model::{GroupId, HostId, OfficeId, Role, Scenario};

use super::state::{HostTruth, Stage};

/// A fixed-size set of bits.
#[derive(Debug, Clone, Default)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(len: usize) -> Self {
        Self(vec![0; len.div_ceil(64)])
    }

    fn get(&self, index: usize) -> bool {
        self.0[index / 64] & (1 << (index % 64)) != 0
    }

    fn set(&mut self, index: usize, on: bool) {
        let bit = 1u64 << (index % 64);
        match on {
            true => self.0[index / 64] |= bit,
            false => self.0[index / 64] &= !bit,
        }
    }
}

/// "Not on the target list" and "not in the open set".
const NOWHERE: u32 = u32::MAX;

/// Host groups along a run of ids, as `(first id, group)`: a company's groups are long runs of
/// machines, so a few hundred entries stay in cache where a group per machine would not.
#[derive(Debug, Clone, Default)]
struct GroupRuns(Vec<(u32, GroupId)>);

impl GroupRuns {
    fn push(&mut self, index: u32, group: GroupId) {
        if self.0.last().is_none_or(|&(_, last)| last != group) {
            self.0.push((index, group));
        }
    }

    fn at(&self, index: usize) -> GroupId {
        let run = self.0.partition_point(|&(first, _)| first as usize <= index);
        self.0[run - 1].1
    }
}

#[derive(Debug, Clone)]
pub struct WormView {
    /// Per machine: the worm runs there (its stage spreads; not cut off or switched off).
    runs: Bits,
    /// Per machine: cut off or switched off by the responder.
    held_back: Bits,
    /// Per host group: its machines the worm runs on, in the order they started; entries whose
    /// machine stopped are dropped before the next draw (`stale`).
    running: Vec<Vec<HostId>>,
    /// Per machine: in `running`.
    listed: Bits,
    /// A machine in `running` stopped since the lists were last tidied.
    stale: bool,
    /// Each machine's host group.
    host_groups: GroupRuns,
    /// Per host group: its targets worth an attempt now, in no meaningful order.
    open: Vec<Vec<HostId>>,
    /// Places worth an attempt, all groups together.
    open_total: usize,
    /// Per place: its position in its group's `open`, or `NOWHERE`.
    open_position: Vec<u32>,
    /// Each machine's place on the target list.
    place: Vec<u32>,
    /// Per place: a workstation its user switches off outside office hours.
    sleeps: Bits,
    /// The host groups along the target list.
    target_groups: GroupRuns,
    /// Each host group's office.
    group_offices: Vec<OfficeId>,
    /// Per office: the places of its sleeping workstations.
    sleepers: Vec<Vec<u32>>,
    /// Per office: open, as last told.
    office_open: Vec<bool>,
}

impl WormView {
    /// The view of a company whose machines are all clean and every office closed.
    pub fn new(scenario: &Scenario, hosts: &[HostTruth], targets: &[HostId]) -> Self {
        let groups = scenario.host_groups.len();
        let mut view = Self {
            runs: Bits::new(hosts.len()),
            held_back: Bits::new(hosts.len()),
            running: vec![Vec::new(); groups],
            listed: Bits::new(hosts.len()),
            stale: false,
            host_groups: GroupRuns::default(),
            open: vec![Vec::new(); groups],
            open_total: 0,
            open_position: vec![NOWHERE; targets.len()],
            place: vec![NOWHERE; hosts.len()],
            sleeps: Bits::new(targets.len()),
            target_groups: GroupRuns::default(),
            group_offices: scenario.host_groups.iter().map(|group| group.office).collect(),
            sleepers: vec![Vec::new(); scenario.offices.len()],
            office_open: vec![false; scenario.offices.len()],
        };
        for (index, machine) in scenario.hosts.iter().enumerate() {
            view.host_groups.push(index as u32, machine.group);
        }
        for (place, &host) in targets.iter().enumerate() {
            let machine = &scenario.hosts[host.index()];
            view.place[host.index()] = place as u32;
            view.target_groups.push(place as u32, machine.group);
            let sleeps = machine.role == Role::Workstation && !hosts[host.index()].left_on;
            view.sleeps.set(place, sleeps);
            if sleeps {
                view.sleepers[machine.office.index()].push(place as u32);
            }
            let truth = &hosts[host.index()];
            view.held_back.set(host.index(), truth.isolated || truth.powered_off);
            view.refresh(host, Stage::Clean);
        }
        view
    }

    /// How many machines of a host group the worm runs on.
    pub fn running_in(&mut self, group: GroupId) -> usize {
        self.tidy_running();
        self.running[group.index()].len()
    }

    /// The machine at a position of a group's running list (below `running_in`).
    pub fn runner(&self, group: GroupId, position: usize) -> HostId {
        self.running[group.index()][position]
    }

    fn tidy_running(&mut self) {
        if !std::mem::take(&mut self.stale) {
            return;
        }
        let (runs, listed) = (&self.runs, &mut self.listed);
        for running in &mut self.running {
            running.retain(|&host| {
                let keep = runs.get(host.index());
                listed.set(host.index(), keep);
                keep
            });
        }
    }

    /// How many targets are worth an attempt now, all groups together.
    pub fn open_total(&self) -> usize {
        self.open_total
    }

    /// How many targets of a host group are worth an attempt now.
    pub fn open_in(&self, group: GroupId) -> usize {
        self.open[group.index()].len()
    }

    /// One of a group's targets worth an attempt (below `open_in`).
    pub fn open_target(&self, group: GroupId, position: usize) -> HostId {
        self.open[group.index()][position]
    }

    /// A machine was cut off or switched off, or came back: brings its entries up to date.
    pub fn set_held_back(&mut self, host: HostId, stage: Stage, held_back: bool) {
        self.held_back.set(host.index(), held_back);
        self.refresh(host, stage);
    }

    /// Brings a machine's entries up to date with its stage.
    pub fn refresh(&mut self, host: HostId, stage: Stage) {
        let held_back = self.held_back.get(host.index());
        let runs = stage.spreads() && !held_back;
        let ran = self.runs.get(host.index());
        self.runs.set(host.index(), runs);
        if runs && !self.listed.get(host.index()) {
            self.listed.set(host.index(), true);
            self.running[self.host_groups.at(host.index()).index()].push(host);
        }
        self.stale |= ran && !runs;
        let place = self.place[host.index()];
        if place != NOWHERE {
            let place = place as usize;
            let group = self.target_groups.at(place);
            let awake = !self.sleeps.get(place) || self.office_open[self.group_offices[group.index()].index()];
            self.set_open(host, place, group, stage == Stage::Clean && !held_back && awake);
        }
    }

    fn set_open(&mut self, host: HostId, place: usize, group: GroupId, open: bool) {
        let position = self.open_position[place];
        if open == (position != NOWHERE) {
            return;
        }
        let group = &mut self.open[group.index()];
        if open {
            self.open_position[place] = group.len() as u32;
            group.push(host);
            self.open_total += 1;
        } else {
            group.swap_remove(position as usize);
            if let Some(&moved) = group.get(position as usize) {
                self.open_position[self.place[moved.index()] as usize] = position;
            }
            self.open_position[place] = NOWHERE;
            self.open_total -= 1;
        }
    }

    /// An office opened or closed: its sleeping workstations woke or went to sleep. Only clean
    /// ones matter to the worm.
    pub fn set_office_open(&mut self, office: OfficeId, open: bool, targets: &[HostId], stages: &[Stage]) {
        if self.office_open[office.index()] == open {
            return;
        }
        self.office_open[office.index()] = open;
        for index in 0..self.sleepers[office.index()].len() {
            let host = targets[self.sleepers[office.index()][index] as usize];
            if stages[host.index()] == Stage::Clean {
                self.refresh(host, Stage::Clean);
            }
        }
    }
}
