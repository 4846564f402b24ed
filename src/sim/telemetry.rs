//! Sensors and people turn ground truth into observations, late and incomplete: EDR alerts,
//! the log collector's alerts, and users phoning the helpdesk in their office's hours.

use bevy::prelude::*;
use rand::RngExt;

use crate::scenario::model::{Role, Sensor, Tick};

use super::evidence::{CallTopic, EvidenceStore, RecordKey, Trace, event_id};
use super::facts::{InjectFired, Observation, Observed, ReachedThisTick, ServiceChanged};
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

    pub(crate) fn push(&mut self, observed: Observed) {
        if let Some(bucket) = self.buckets.get_mut(observed.tick.0 as usize) {
            bucket.push(observed);
        }
    }
}

/// The attack's alerts and calls, each naming the trace the sensor saw: the collector's on a
/// new service and on the failed logon of a guessed password, EDR's on the service and on the
/// raw disk writes, and the users' calls about their screens.
pub(crate) fn schedule_observations(
    scenario: Res<ScenarioData>,
    hours: Res<OfficeHours>,
    store: Res<EvidenceStore>,
    mut rng: ResMut<SimRng>,
    mut pending: ResMut<PendingObservations>,
    reached: Res<ReachedThisTick>,
) {
    let scenario = &scenario.0;
    let telemetry = &scenario.telemetry;
    let later = |tick: Tick, delay: u32| Tick(tick.0.saturating_add(delay.max(1)));
    for fact in reached.iter() {
        let sensors = &scenario.group_of(fact.host).sensors;
        let machine = &scenario.hosts[fact.host.index()];
        let event = |id: u16| {
            store
                .newest(
                    fact.host,
                    |trace| matches!(trace, Trace::Event { id: seen, .. } if *seen == id),
                )
                .map(RecordKey::Trace)
        };
        let mut observe = |tick: Tick, what, record: Option<RecordKey>| {
            pending.push(Observed {
                tick,
                host: Some(fact.host),
                what,
                record,
            })
        };
        match fact.stage {
            Stage::Compromised => {
                let service = event(event_id::SERVICE_INSTALLED);
                if sensors.contains(&Sensor::Edr) {
                    observe(
                        later(fact.tick, telemetry.edr_alert_delay_ticks),
                        Observation::EdrSuspiciousService,
                        service,
                    );
                }
                if let Some(service) = service
                    && sensors.contains(&Sensor::LogForwarding)
                {
                    observe(
                        later(fact.tick, telemetry.log_alert_delay_ticks),
                        Observation::LogAlert {
                            event_id: event_id::SERVICE_INSTALLED,
                        },
                        Some(service),
                    );
                }
                // A guessed password left failed logons that a collector can alert on.
                if fact.source.is_some()
                    && fact.account.is_none()
                    && sensors.contains(&Sensor::LogForwarding)
                    && let Some(failed) = event(event_id::FAILED_LOGON)
                {
                    observe(
                        later(fact.tick, telemetry.log_alert_delay_ticks),
                        Observation::LogAlert {
                            event_id: event_id::FAILED_LOGON,
                        },
                        Some(failed),
                    );
                }
            }
            Stage::Defaced => {
                if sensors.contains(&Sensor::Edr) {
                    let wiper = store
                        .newest(fact.host, |trace| matches!(trace, Trace::Process { .. }))
                        .map(RecordKey::Trace);
                    observe(
                        later(fact.tick, telemetry.edr_alert_delay_ticks),
                        Observation::EdrRawDiskWrite,
                        wiper,
                    );
                }
                // The user sees the page and, if they call at all, calls once the office is open.
                if machine.role == Role::Workstation && rng.0.random_range(0..1000) < telemetry.report_per_mille {
                    let delay = rng.0.random_range(1..=telemetry.report_delay_ticks.max(1));
                    let open = hours.next_open(machine.office, fact.tick);
                    let call = Tick(open.0.saturating_add(delay));
                    let call = match hours.is_open(machine.office, call) {
                        true => call,
                        false => hours.next_open(machine.office, call),
                    };
                    observe(call, Observation::HelpdeskCall(CallTopic::WarningPage), None);
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
            record: None,
        });
    }
    for inject in fired.read() {
        observed.write(Observed {
            tick: inject.tick,
            host: None,
            what: Observation::Inject(inject.inject),
            record: None,
        });
    }
}

pub(crate) fn deliver_observations(
    clock: Res<Clock>,
    mut pending: ResMut<PendingObservations>,
    mut observed: MessageWriter<Observed>,
) {
    if let Some(bucket) = pending.buckets.get_mut(clock.now.0 as usize) {
        observed.write_batch(std::mem::take(bucket));
    }
}
