//! The worm's view of the company, a bit per machine or per place on its target list: which
//! machines it runs from, and which targets are worth an attempt now (clean, on the network,
//! switched on). Most of a large outbreak's attempts find a machine already taken or asleep;
//! these bits answer that from the nearest cache, where the stages, the target list and the
//! machines' records would each be a trip to memory. They mirror the ground truth exactly, so
//! the worm draws and decides as it would without them.

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

/// "Not on the target list".
const NOT_A_TARGET: u32 = u32::MAX;

#[derive(Debug, Clone)]
pub struct WormBits {
    /// Per machine: the worm runs there (its stage spreads; not cut off or switched off).
    runs: Bits,
    /// Per place on the target list: clean, not cut off, switched on now.
    open_targets: Bits,
    /// Each machine's place on the target list.
    place: Vec<u32>,
    /// Per place: a workstation its user switches off outside office hours.
    sleeps: Bits,
    /// Per place: its office.
    office_of_place: Vec<u32>,
    /// The host groups along the list, as runs `(first place, group)`: a company's groups are
    /// long runs of machines, so a few hundred entries stay in cache where a group per place
    /// (four bytes a machine) would be a trip to memory on every attempt.
    group_runs: Vec<(u32, GroupId)>,
    /// Per office: the places of its sleeping workstations.
    sleepers: Vec<Vec<u32>>,
    /// Per office: open, as last told.
    office_open: Vec<bool>,
}

impl WormBits {
    /// The bits for a company whose machines are all clean and every office closed.
    pub fn new(scenario: &Scenario, hosts: &[HostTruth], targets: &[HostId]) -> Self {
        let mut bits = Self {
            runs: Bits::new(hosts.len()),
            open_targets: Bits::new(targets.len()),
            place: vec![NOT_A_TARGET; hosts.len()],
            sleeps: Bits::new(targets.len()),
            office_of_place: Vec::with_capacity(targets.len()),
            group_runs: Vec::new(),
            sleepers: vec![Vec::new(); scenario.offices.len()],
            office_open: vec![false; scenario.offices.len()],
        };
        for (place, &host) in targets.iter().enumerate() {
            let machine = &scenario.hosts[host.index()];
            bits.place[host.index()] = place as u32;
            bits.office_of_place.push(machine.office.0);
            if bits.group_runs.last().is_none_or(|&(_, group)| group != machine.group) {
                bits.group_runs.push((place as u32, machine.group));
            }
            let sleeps = machine.role == Role::Workstation && !hosts[host.index()].left_on;
            bits.sleeps.set(place, sleeps);
            if sleeps {
                bits.sleepers[machine.office.index()].push(place as u32);
            }
            bits.refresh(host, Stage::Clean, &hosts[host.index()]);
        }
        bits
    }

    /// Whether the worm runs on a machine.
    pub fn runs(&self, host: HostId) -> bool {
        self.runs.get(host.index())
    }

    /// Whether the target at a place on the list is worth an attempt now.
    pub fn open_target(&self, place: usize) -> bool {
        self.open_targets.get(place)
    }

    /// The host group of the target at a place on the list.
    pub fn target_group(&self, place: usize) -> GroupId {
        let run = self.group_runs.partition_point(|&(first, _)| first as usize <= place);
        self.group_runs[run - 1].1
    }

    /// Brings a machine's bits up to date with its stage and record.
    pub fn refresh(&mut self, host: HostId, stage: Stage, truth: &HostTruth) {
        let held_back = truth.isolated || truth.powered_off;
        self.runs.set(host.index(), stage.spreads() && !held_back);
        let place = self.place[host.index()];
        if place != NOT_A_TARGET {
            let place = place as usize;
            let awake = !self.sleeps.get(place) || self.office_open[self.office_of_place[place] as usize];
            self.open_targets
                .set(place, stage == Stage::Clean && !held_back && awake);
        }
    }

    /// An office opened or closed: its sleeping workstations woke or went to sleep.
    pub fn set_office_open(
        &mut self,
        office: OfficeId,
        open: bool,
        targets: &[HostId],
        stages: &[Stage],
        hosts: &[HostTruth],
    ) {
        if self.office_open[office.index()] == open {
            return;
        }
        self.office_open[office.index()] = open;
        for index in 0..self.sleepers[office.index()].len() {
            let host = targets[self.sleepers[office.index()][index] as usize];
            self.refresh(host, stages[host.index()], &hosts[host.index()]);
        }
    }
}
