//! The worm: each machine it runs on tries `scan_rate` targets from its list every tick, and
//! takes those it can reach with an admin account the attacker holds, or by guessing.

use bevy::prelude::*;
use rand::RngExt;

use crate::scenario::model::Tick;

use super::facts::WormCopied;
use super::network::{OfficeHours, Reachability, is_powered};
use super::state::{Agenda, Clock, GroundTruth, ScenarioData, SimRng, Stage, Transition};

pub(super) fn plugin(app: &mut App) {
    app.add_message::<WormCopied>()
        .add_systems(FixedUpdate, spread_worm.in_set(super::SimSystems::Spread));
}

#[expect(clippy::too_many_arguments, reason = "a Bevy system names every resource it touches")]
fn spread_worm(
    clock: Res<Clock>,
    scenario: Res<ScenarioData>,
    hours: Res<OfficeHours>,
    mut truth: ResMut<GroundTruth>,
    mut agenda: ResMut<Agenda>,
    mut rng: ResMut<SimRng>,
    mut reachability: ResMut<Reachability>,
    mut copied: MessageWriter<WormCopied>,
) {
    let scenario = &scenario.0;
    let spread = &scenario.threat.spread;
    let now = clock.now;
    if now < spread.starts || truth.targets.is_empty() {
        return;
    }
    let arrival = Tick(now.0 + spread.copy_delay_ticks.max(1));
    truth.follow_office_hours(&hours, now);
    let active = std::mem::take(&mut truth.active);
    for &(source, source_group) in &active {
        // The compact bits first: most of a large outbreak's attempts end there.
        if !truth.worm_runs(source) {
            continue;
        }
        let from = (source, source_group);
        for _ in 0..spread.scan_rate {
            let place = rng.0.random_range(0..truth.targets.len());
            if !truth.open_target(place) {
                continue;
            }
            // Clean, on the network and switched on, as the bits say; reachable is the last test.
            let group = truth.target_group(place);
            let targets = &truth.targets;
            if !spread
                .ports
                .iter()
                .all(|&port| reachability.allows_between(scenario, from, group, || targets[place], port))
            {
                continue;
            }
            let target = truth.targets[place];
            debug_assert!(is_powered(
                &hours,
                &truth.hosts[target.index()],
                &scenario.host_groups[group.index()],
                now
            ));
            let account = truth.admin_account(target, group);
            let guessed = account.is_none() && rng.0.random_range(0..1000) < spread.guess_per_mille;
            if account.is_none() && !guessed {
                continue;
            }
            truth.put_stage(target, Stage::Infecting);
            agenda.schedule(arrival, target, Transition::Install { source, account });
            copied.write(WormCopied {
                tick: now,
                source,
                target,
                account,
            });
        }
    }
    truth.active = active;
}
