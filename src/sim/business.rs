//! The business: services are up while enough of their machines work, and injects reach the
//! responder at their time or when the state they wait for comes true.

use bevy::prelude::*;

use crate::scenario::model::{AccountId, GroupId, InjectId, Scenario, Scope, ServiceId, Tick, UpWhen, When};

use super::facts::{InjectFired, ServiceChanged};
use super::state::{Clock, GroundTruth, ScenarioData, Stage};

pub(super) fn plugin(app: &mut App) {
    app.add_message::<ServiceChanged>()
        .add_message::<InjectFired>()
        .add_systems(
            FixedUpdate,
            (track_services, fire_injects)
                .chain()
                .in_set(super::SimSystems::Business),
        );
}

/// Availability of each business service.
#[derive(Resource)]
pub struct ServiceStatus {
    /// Machines carrying each service.
    pub carriers: Vec<u32>,
    /// Of those, machines still working.
    pub working: Vec<u32>,
    /// Whether each machine counted as working when last looked at.
    working_known: Vec<bool>,
    pub up: Vec<bool>,
    /// Ticks each service has been down so far, counting the current outage up to `last_down`.
    pub down_since: Vec<Option<Tick>>,
    pub downtime_before: Vec<u32>,
    pub first_down: Vec<Option<Tick>>,
    /// Per service: the breakage keeping it down now, whatever its machines (an index into
    /// `breakages`).
    broken: Vec<Option<usize>>,
    /// Per service: a port it needs is blocked to its machines.
    cut_off: Vec<Option<usize>>,
    /// Every time the response broke a service, in order: the debrief's list of what it cost.
    pub breakages: Vec<Breakage>,
    /// Services whose breakage changed since the last count.
    recheck: Vec<ServiceId>,
}

/// What broke a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Cause {
    /// An account it runs under was reset or disabled.
    Account(AccountId),
    /// A port it needs was blocked to its machines.
    Port(u16),
}

/// A service the response broke, and when it was mended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Breakage {
    pub service: ServiceId,
    pub cause: Cause,
    pub at: Tick,
    /// When its owners fix it themselves, if the scenario says they do.
    pub recovers_at: Option<Tick>,
    pub mended: Option<Tick>,
}

impl ServiceStatus {
    pub(super) fn new(scenario: &Scenario) -> Self {
        let mut carriers = vec![0; scenario.services.len()];
        for group in &scenario.host_groups {
            for service in &group.services {
                carriers[service.index()] += group.hosts.len() as u32;
            }
        }
        let count = carriers.len();
        let up = (0..count)
            .map(|index| is_up(&scenario.services[index].up_when, carriers[index], carriers[index]))
            .collect();
        Self {
            working: carriers.clone(),
            working_known: vec![true; scenario.hosts.len()],
            carriers,
            up,
            down_since: vec![None; count],
            downtime_before: vec![0; count],
            first_down: vec![None; count],
            broken: vec![None; count],
            cut_off: vec![None; count],
            breakages: Vec::new(),
            recheck: Vec::new(),
        }
    }

    /// The breakage keeping a service down now, if any.
    pub fn breakage(&self, service: ServiceId) -> Option<&Breakage> {
        let index = self.broken[service.index()].or(self.cut_off[service.index()])?;
        self.breakages.get(index)
    }

    /// An account was reset or disabled: the services running under it stop until they are
    /// reconfigured (or their owners fix them, when the scenario says they do).
    pub fn account_changed(&mut self, scenario: &Scenario, account: AccountId, now: Tick) {
        for (index, service) in scenario.services.iter().enumerate() {
            if !service.run_as.contains(&account) || self.broken[index].is_some() {
                continue;
            }
            self.broken[index] = Some(self.breakages.len());
            self.breakages.push(Breakage {
                service: ServiceId(index as u32),
                cause: Cause::Account(account),
                at: now,
                recovers_at: service
                    .recovers_after_ticks
                    .map(|ticks| Tick(now.0.saturating_add(ticks))),
                mended: None,
            });
            self.recheck.push(ServiceId(index as u32));
        }
    }

    /// Whether an account change keeps a service down (what `reconfigure` mends).
    pub fn broken_by_account(&self, service: ServiceId) -> bool {
        self.broken[service.index()].is_some()
    }

    /// The team gave the service its new credentials: it runs again.
    pub fn reconfigure(&mut self, service: ServiceId, now: Tick) {
        if let Some(index) = self.broken[service.index()].take() {
            self.breakages[index].mended = Some(now);
            self.recheck.push(service);
        }
    }

    /// The firewall's blocks changed: services whose ports are blocked to their machines are
    /// cut off, and those no block touches any more come back.
    pub fn blocks_changed(&mut self, scenario: &Scenario, blocks: &[(u16, Scope, Scope)], now: Tick) {
        for (index, service) in scenario.services.iter().enumerate() {
            let id = ServiceId(index as u32);
            let cut = blocks.iter().find(|(port, _, to)| {
                service.ports.contains(port)
                    && scenario.host_groups.iter().enumerate().any(|(group, carrier)| {
                        carrier.services.contains(&id) && touches(scenario, to, GroupId(group as u32))
                    })
            });
            match (cut, self.cut_off[index]) {
                (Some(&(port, _, _)), None) => {
                    self.cut_off[index] = Some(self.breakages.len());
                    self.breakages.push(Breakage {
                        service: id,
                        cause: Cause::Port(port),
                        at: now,
                        recovers_at: None,
                        mended: None,
                    });
                    self.recheck.push(id);
                }
                (None, Some(breakage)) => {
                    self.breakages[breakage].mended = Some(now);
                    self.cut_off[index] = None;
                    self.recheck.push(id);
                }
                _ => {}
            }
        }
    }

    /// Owners fix what the scenario says they fix, when they do.
    fn recover(&mut self, now: Tick) {
        for index in 0..self.broken.len() {
            let Some(breakage) = self.broken[index] else { continue };
            if self.breakages[breakage].recovers_at.is_some_and(|at| at <= now) {
                self.reconfigure(ServiceId(index as u32), now);
            }
        }
    }

    /// Ticks the service has been down up to `now`.
    pub fn downtime(&self, service: ServiceId, now: Tick) -> u32 {
        let current = self.down_since[service.index()].map_or(0, |since| now.0.saturating_sub(since.0));
        self.downtime_before[service.index()] + current
    }
}

/// Whether a scope holds machines of a host group.
fn touches(scenario: &Scenario, scope: &Scope, group: GroupId) -> bool {
    let carrier = &scenario.host_groups[group.index()];
    match *scope {
        Scope::All => true,
        Scope::Office(office) => carrier.office == office,
        Scope::Subnet(subnet) => carrier.subnet == subnet,
        Scope::Role(role) => carrier.role == role,
        Scope::Host(host) => scenario.hosts[host.index()].group == group,
    }
}

/// Whether a service with `working` of `carriers` machines counts as available.
pub fn is_up(rule: &UpWhen, working: u32, carriers: u32) -> bool {
    match *rule {
        UpWhen::Any => working >= 1,
        UpWhen::All => working == carriers,
        UpWhen::AtLeast(count) => working >= count,
        UpWhen::ShareAtLeast(per_mille) => working as u64 * 1000 >= per_mille as u64 * carriers as u64,
    }
}

fn track_services(
    clock: Res<Clock>,
    scenario: Res<ScenarioData>,
    mut truth: ResMut<GroundTruth>,
    mut status: ResMut<ServiceStatus>,
    mut changed: MessageWriter<ServiceChanged>,
) {
    let scenario = &scenario.0;
    let now = clock.now;
    status.recover(now);
    let mut touched: Vec<ServiceId> = std::mem::take(&mut status.recheck);
    for host in std::mem::take(&mut truth.availability_changed) {
        let working = truth.is_working(host);
        if status.working_known[host.index()] == working {
            continue;
        }
        status.working_known[host.index()] = working;
        for &service in &scenario.group_of(host).services {
            let count = &mut status.working[service.index()];
            *count = if working { *count + 1 } else { count.saturating_sub(1) };
            if !touched.contains(&service) {
                touched.push(service);
            }
        }
    }
    // Services are announced in id order, whatever order their machines changed in.
    touched.sort_unstable();
    touched.dedup();
    for service in touched {
        let index = service.index();
        let up = is_up(
            &scenario.services[index].up_when,
            status.working[index],
            status.carriers[index],
        ) && status.broken[index].is_none()
            && status.cut_off[index].is_none();
        if up == status.up[index] {
            continue;
        }
        status.up[index] = up;
        if up {
            let since = status.down_since[index].take().unwrap_or(now);
            status.downtime_before[index] += now.0.saturating_sub(since.0);
        } else {
            status.down_since[index] = Some(now);
            status.first_down[index].get_or_insert(now);
        }
        changed.write(ServiceChanged { tick: now, service, up });
    }
}

/// When each inject fired.
#[derive(Resource)]
pub struct InjectStatus {
    pub fired_at: Vec<Option<Tick>>,
    /// For a leak: the bytes of its data set published when it fired.
    pub published: Vec<Option<u64>>,
}

fn fire_injects(
    clock: Res<Clock>,
    scenario: Res<ScenarioData>,
    truth: Res<GroundTruth>,
    services: Res<ServiceStatus>,
    mut theft: ResMut<super::theft::Theft>,
    mut status: ResMut<InjectStatus>,
    mut fired: MessageWriter<InjectFired>,
) {
    let now = clock.now;
    for (index, inject) in scenario.0.injects.iter().enumerate() {
        if status.fired_at[index].is_some() {
            continue;
        }
        let due = match &inject.when {
            When::At(tick) => now >= *tick,
            When::Share { state, of, per_mille } => {
                let (reached, size) = truth.reached(of, Stage::of(*state));
                size > 0 && reached as u64 * 1000 >= *per_mille as u64 * size as u64 && reached > 0
            }
            When::ServiceDown(service) => !services.up[service.index()],
            When::After { inject, delay_ticks } => {
                status.fired_at[inject.index()].is_some_and(|tick| now.0 >= tick.0.saturating_add(*delay_ticks))
            }
            When::Leak {
                data,
                at,
                at_least_bytes,
                ..
            } => now >= *at && theft.stolen[data.index()] >= *at_least_bytes,
        };
        if due
            && let When::Leak {
                data, share_per_mille, ..
            } = &inject.when
        {
            status.published[index] = Some(theft.leak(*data, *share_per_mille, now));
        }
        if due {
            status.fired_at[index] = Some(now);
            fired.write(InjectFired {
                tick: now,
                inject: InjectId(index as u32),
            });
        }
    }
}
