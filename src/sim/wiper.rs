//! Scheduled transitions: the implant starts when the copy is done, the wiper is staged, fires
//! at its time bomb or after its delay (the warning page shows), overwrites the disk, and the
//! machine no longer boots.

use bevy::prelude::*;

use crate::scenario::model::{AccountId, HostId, Scenario, Sensor, Tick, ToolKind};

use super::facts::{CredentialHarvested, ReachedThisTick, StageReached};
use super::state::{Agenda, Clock, GroundTruth, ScenarioData, Stage, Transition};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<ReachedThisTick>()
        .add_message::<CredentialHarvested>()
        .add_systems(FixedUpdate, advance_clock.in_set(super::SimSystems::Clock))
        .add_systems(FixedUpdate, progress_hosts.in_set(super::SimSystems::Progress));
}

fn advance_clock(mut clock: ResMut<Clock>) {
    clock.advance();
}

/// What one tick's transitions write, gathered to keep the system's signature short.
struct Effects<'a, 'h> {
    scenario: &'a Scenario,
    now: Tick,
    truth: &'a mut GroundTruth,
    agenda: &'a mut Agenda,
    reached: &'a mut ReachedThisTick,
    harvested: &'a mut MessageWriter<'h, CredentialHarvested>,
}

impl Effects<'_, '_> {
    fn reach(&mut self, host: HostId, stage: Stage, source: Option<HostId>, account: Option<AccountId>) {
        self.truth.set_stage(self.scenario, host, stage, self.now);
        self.reached.push(StageReached {
            tick: self.now,
            host,
            stage,
            source,
            account,
        });
    }

    fn compromise(&mut self, host: HostId, source: Option<HostId>, account: Option<AccountId>) {
        self.reach(host, Stage::Compromised, source, account);
        if !self.scenario.threat.harvests_cached_credentials {
            return;
        }
        for &account in &self.scenario.group_of(host).cached_credentials {
            if self.truth.hold(account) {
                self.harvested.write(CredentialHarvested {
                    tick: self.now,
                    host,
                    account,
                    retaken: false,
                });
            }
        }
    }

    /// Whether EDR on the machine stops a kind of tool, once the responder deployed a block.
    fn stopped_by_edr(&self, host: HostId, kind: ToolKind) -> bool {
        self.scenario.group_of(host).sensors.contains(&Sensor::Edr)
            && self
                .scenario
                .threat
                .tools
                .iter()
                .zip(&self.truth.edr_blocked)
                .any(|(tool, blocked)| *blocked && tool.kind == kind)
    }

    /// Stages the wiper and schedules it: the later of the time bomb and install plus delay.
    fn arm(&mut self, host: HostId) {
        self.reach(host, Stage::Armed, None, None);
        let trigger = &self.scenario.threat.trigger;
        let bomb = self.truth.campaign.time_bomb.map_or(0, |tick| tick.0);
        let delayed = trigger
            .delay_after_install_ticks
            .map_or(0, |delay| self.now.0.saturating_add(delay));
        let fire = bomb.max(delayed).max(self.now.0 + 1);
        self.agenda.schedule(Tick(fire), host, Transition::Fire);
    }
}

fn progress_hosts(
    clock: Res<Clock>,
    scenario: Res<ScenarioData>,
    mut truth: ResMut<GroundTruth>,
    mut agenda: ResMut<Agenda>,
    mut reached: ResMut<ReachedThisTick>,
    mut harvested: MessageWriter<CredentialHarvested>,
) {
    let now = clock.now;
    reached.start_tick(now);
    let due = agenda.take(now);
    if due.is_empty() {
        return;
    }
    let mut effects = Effects {
        scenario: &scenario.0,
        now,
        truth: &mut truth,
        agenda: &mut agenda,
        reached: &mut reached,
        harvested: &mut harvested,
    };
    let wipe_ticks = effects.scenario.threat.wipe_duration_ticks.max(2);
    for (host, transition) in due {
        let (stage, powered_off) = (effects.truth.stage(host), effects.truth.hosts[host.index()].powered_off);
        match transition {
            Transition::Foothold if stage == Stage::Clean => effects.compromise(host, None, None),
            // EDR with a block for the worm quarantines the copy: the machine stays clean.
            Transition::Install { .. } if stage == Stage::Infecting && effects.stopped_by_edr(host, ToolKind::Worm) => {
                effects.truth.put_stage(host, Stage::Clean);
            }
            Transition::Install { source, account } if stage == Stage::Infecting => {
                effects.compromise(host, Some(source), account);
                effects.arm(host);
            }
            Transition::Arm if stage == Stage::Compromised => effects.arm(host),
            // A machine switched off when its wiper is due stays armed: nothing runs.
            Transition::Fire
                if stage == Stage::Armed && !powered_off && !effects.stopped_by_edr(host, ToolKind::Wiper) =>
            {
                effects.reach(host, Stage::Defaced, None, None);
                effects.agenda.schedule(Tick(now.0 + 1), host, Transition::StartWipe);
                effects
                    .agenda
                    .schedule(Tick(now.0 + wipe_ticks), host, Transition::FinishWipe);
            }
            // Switching a machine off stops the overwrite where it is.
            Transition::StartWipe if stage == Stage::Defaced && !powered_off => {
                effects.reach(host, Stage::Wiping, None, None)
            }
            Transition::FinishWipe if stage == Stage::Wiping && !powered_off => {
                effects.reach(host, Stage::Wiped, None, None)
            }
            _ => {}
        }
    }
}
