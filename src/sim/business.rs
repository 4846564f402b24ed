//! The business: services are up while enough of their machines work, and injects reach the
//! responder at their time or when the state they wait for comes true.

use bevy::prelude::*;

use crate::scenario::model::{InjectId, Scenario, ServiceId, Tick, UpWhen, When};

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
        }
    }

    /// Ticks the service has been down up to `now`.
    pub fn downtime(&self, service: ServiceId, now: Tick) -> u32 {
        let current = self.down_since[service.index()].map_or(0, |since| now.0.saturating_sub(since.0));
        self.downtime_before[service.index()] + current
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
    let mut touched: Vec<ServiceId> = Vec::new();
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
    for service in touched {
        let index = service.index();
        let up = is_up(
            &scenario.services[index].up_when,
            status.working[index],
            status.carriers[index],
        );
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
}

fn fire_injects(
    clock: Res<Clock>,
    scenario: Res<ScenarioData>,
    truth: Res<GroundTruth>,
    services: Res<ServiceStatus>,
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
        };
        if due {
            status.fired_at[index] = Some(now);
            fired.write(InjectFired {
                tick: now,
                inject: InjectId(index as u32),
            });
        }
    }
}
