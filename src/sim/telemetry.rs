//! Sensors and people turn ground truth into observations, late and incomplete: EDR alerts,
//! the log collector's alerts, and users phoning the helpdesk in their office's hours.

use bevy::prelude::*;
use rand::RngExt;

use crate::scenario::model::{Role, Sensor, Tick};

use super::evidence::event_id;
use super::facts::{InjectFired, Observation, Observed, ServiceChanged, StageReached, WormCopied};
use super::network::OfficeHours;
use super::state::{Clock, ScenarioData, SimRng, Stage};

pub(super) fn plugin(app: &mut App) {
    app.add_message::<Observed>().add_systems(
        FixedUpdate,
        (schedule_observations, deliver_observations)
            .chain()
            .in_set(super::SimSystems::Observe),
    );
    app.add_systems(FixedUpdate, observe_business.in_set(super::SimSystems::Announce));
}

/// Observations waiting for their tick, in the order they were made.
#[derive(Resource)]
pub struct PendingObservations {
    buckets: Vec<Vec<Observed>>,
}

impl PendingObservations {
    pub(super) fn new(duration_ticks: u32) -> Self {
        Self {
            buckets: vec![Vec::new(); duration_ticks as usize + 1],
        }
    }

    fn push(&mut self, observed: Observed) {
        if let Some(bucket) = self.buckets.get_mut(observed.tick.0 as usize) {
            bucket.push(observed);
        }
    }
}

fn schedule_observations(
    scenario: Res<ScenarioData>,
    hours: Res<OfficeHours>,
    mut rng: ResMut<SimRng>,
    mut pending: ResMut<PendingObservations>,
    mut reached: MessageReader<StageReached>,
    mut copied: MessageReader<WormCopied>,
) {
    let scenario = &scenario.0;
    let telemetry = &scenario.telemetry;
    let later = |tick: Tick, delay: u32| Tick(tick.0.saturating_add(delay.max(1)));
    for fact in copied.read() {
        // Guessed passwords leave failed logons that a collector can alert on.
        if fact.account.is_none() && scenario.group_of(fact.target).sensors.contains(&Sensor::LogForwarding) {
            pending.push(Observed {
                tick: later(fact.tick, telemetry.log_alert_delay_ticks),
                host: Some(fact.target),
                what: Observation::LogAlert {
                    event_id: event_id::FAILED_LOGON,
                },
            });
        }
    }
    for fact in reached.read() {
        let sensors = &scenario.group_of(fact.host).sensors;
        let machine = &scenario.hosts[fact.host.index()];
        let mut observe = |tick: Tick, what| {
            pending.push(Observed {
                tick,
                host: Some(fact.host),
                what,
            })
        };
        match fact.stage {
            Stage::Compromised => {
                if sensors.contains(&Sensor::Edr) {
                    observe(
                        later(fact.tick, telemetry.edr_alert_delay_ticks),
                        Observation::EdrSuspiciousService,
                    );
                }
                let installs_service = scenario.threat.tools.iter().any(|tool| !tool.services.is_empty());
                if installs_service && sensors.contains(&Sensor::LogForwarding) {
                    observe(
                        later(fact.tick, telemetry.log_alert_delay_ticks),
                        Observation::LogAlert {
                            event_id: event_id::SERVICE_INSTALLED,
                        },
                    );
                }
            }
            Stage::Defaced => {
                if sensors.contains(&Sensor::Edr) {
                    observe(
                        later(fact.tick, telemetry.edr_alert_delay_ticks),
                        Observation::EdrRawDiskWrite,
                    );
                }
                // The user sees the page and, if they call at all, calls once the office is open.
                if machine.role == Role::Workstation && rng.0.random_range(0..1000) < telemetry.report_per_mille {
                    let delay = rng.0.random_range(1..=telemetry.report_delay_ticks.max(1));
                    let open = hours.next_open(machine.office, fact.tick);
                    let call = Tick(open.0.saturating_add(delay));
                    if hours.is_open(machine.office, call) {
                        observe(call, Observation::HelpdeskCall);
                    } else {
                        observe(hours.next_open(machine.office, call), Observation::HelpdeskCall);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Service outages and injects are seen as they happen.
fn observe_business(
    mut changed: MessageReader<ServiceChanged>,
    mut fired: MessageReader<InjectFired>,
    mut observed: MessageWriter<Observed>,
) {
    for change in changed.read() {
        let what = if change.up {
            Observation::ServiceRestored(change.service)
        } else {
            Observation::ServiceDown(change.service)
        };
        observed.write(Observed {
            tick: change.tick,
            host: None,
            what,
        });
    }
    for inject in fired.read() {
        observed.write(Observed {
            tick: inject.tick,
            host: None,
            what: Observation::Inject(inject.inject),
        });
    }
}

fn deliver_observations(
    clock: Res<Clock>,
    mut pending: ResMut<PendingObservations>,
    mut observed: MessageWriter<Observed>,
) {
    if let Some(bucket) = pending.buckets.get_mut(clock.now.0 as usize) {
        observed.write_batch(std::mem::take(bucket));
    }
}
