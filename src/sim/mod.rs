//! The ground-truth world: a headless Bevy app that spreads the wiper, shows the warning page
//! and wipes machines, one `FixedUpdate` step per tick.
//!
//! Everything the simulation knows lives in resources; facts travel as messages and are kept
//! in the truth log, apart from the observations the responder gets. One seeded ChaCha RNG,
//! integer odds and ordered iteration make a run a pure function of scenario and seed.

mod adversary;
mod business;
mod evidence;
mod facts;
mod network;
pub mod outcome;
mod record;
mod spread;
mod state;
mod telemetry;
pub mod theft;
mod wiper;
mod worm_view;

use std::sync::Arc;

use bevy::app::TaskPoolPlugin;
use bevy::prelude::*;
use bevy::time::{TimePlugin, TimeUpdateStrategy};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub use adversary::{Adversary, Campaign, Move, MoveOutcome};
pub use business::{Breakage, Cause, InjectStatus, ServiceStatus};
pub use evidence::{
    ActivityPlan, Body, CallTopic, Channel, CredentialEntry, Evidence, EvidenceSeed, EvidenceStore, FileEntry,
    FlowEntry, Occurrence, ProcessEntry, Record, RecordKey, ServiceEntry, Trace, WindowsEvent, archive, event_id,
    file_name, forwards_logs, known_programs, occurrences_on, perimeter_records, record_by_key, record_of_trace,
    records_ever_on, records_on, utc, values,
};
pub use facts::{CredentialHarvested, InjectFired, Observation, Observed, ServiceChanged, StageReached, WormCopied};
pub use network::{OfficeHours, Reachability};
pub use outcome::Outcome;
pub use record::{Fact, ObservationLog, TruthLog};
pub use state::{Agenda, Clock, GroundTruth, HostTruth, NEVER, ScenarioData, SimRng, Stage, Transition};
pub use theft::Theft;

use crate::scenario::model::{HostId, Role, Scenario, Tick};

/// The order of the simulation within one tick.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SimSystems {
    /// The clock moves to the next tick.
    Clock,
    /// The response team finishes, takes up and starts its actions.
    Respond,
    /// The attacker notices what the team did and makes its moves.
    React,
    /// The worm tries new victims.
    Spread,
    /// Scheduled transitions happen: installs finish, wipers fire, disks are wiped.
    Progress,
    /// This tick's facts leave and destroy evidence.
    Evidence,
    /// Sensors and users turn facts into observations, which arrive when due.
    Observe,
    /// Business services and injects react to the new state.
    Business,
    /// Service outages and injects are announced to the responder.
    Announce,
    /// Facts and observations are appended to their logs.
    Record,
}

/// The simulation of one scenario with one seed.
pub struct SimulationPlugin {
    pub scenario: Arc<Scenario>,
    pub seed: u64,
}

impl Plugin for SimulationPlugin {
    fn build(&self, app: &mut App) {
        use SimSystems::*;
        app.configure_sets(
            FixedUpdate,
            (
                Clock, Respond, React, Spread, Progress, Evidence, Observe, Business, Announce, Record,
            )
                .chain(),
        );
        let scenario = &self.scenario;
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let hosts = initial_truth(scenario, &mut rng);
        let mut agenda = Agenda::new(scenario.meta.duration_ticks);
        for foothold in &scenario.threat.footholds {
            agenda.schedule(Tick(0), foothold.host, Transition::Foothold);
        }
        for foothold in &scenario.threat.footholds {
            agenda.schedule(scenario.threat.spread.starts, foothold.host, Transition::Arm);
        }
        app.insert_resource(GroundTruth::new(scenario, hosts))
            .insert_resource(agenda)
            .insert_resource(state::Clock::new())
            .insert_resource(SimRng(rng))
            .insert_resource(Reachability::new(scenario))
            .insert_resource(OfficeHours::new(scenario))
            .insert_resource(EvidenceStore::new(scenario.hosts.len()))
            .insert_resource(EvidenceSeed(self.seed))
            .insert_resource(ActivityPlan::new(scenario))
            .insert_resource(telemetry::PendingObservations::new(scenario.meta.duration_ticks))
            .insert_resource(ServiceStatus::new(scenario))
            .insert_resource(InjectStatus {
                fired_at: vec![None; scenario.injects.len()],
                published: vec![None; scenario.injects.len()],
            })
            .insert_resource(ScenarioData(Arc::clone(scenario)))
            .add_plugins((
                adversary::plugin,
                theft::plugin,
                wiper::plugin,
                spread::plugin,
                evidence::plugin,
                telemetry::plugin,
                business::plugin,
                record::plugin,
            ));
    }
}

/// Every machine clean; the seed decides which are on the worm's list and which workstations
/// were left on overnight. Draws happen in host id order.
fn initial_truth(scenario: &Scenario, rng: &mut ChaCha8Rng) -> Vec<HostTruth> {
    let targets_per_mille = scenario.threat.spread.targets_per_mille;
    scenario
        .hosts
        .iter()
        .map(|host| {
            let targeted = rng.random_range(0..1000) < targets_per_mille;
            let left_on = host.role == Role::Workstation
                && rng.random_range(0..1000) < scenario.offices[host.office.index()].after_hours_on_per_mille;
            HostTruth {
                isolated: false,
                powered_off: false,
                targeted,
                left_on,
                compromised_at: NEVER,
                defaced_at: NEVER,
                wiped_at: NEVER,
                restored_at: NEVER,
            }
        })
        .collect()
}

/// A headless app that simulates `scenario` with `seed`, with `extend` adding what layers
/// above the simulation bring (the response team): each `update()` is one tick, the first
/// simulating tick 0.
fn build_app(scenario: Arc<Scenario>, seed: u64, extend: impl FnOnce(&mut App)) -> App {
    let mut app = App::new();
    app.add_plugins((TaskPoolPlugin::default(), TimePlugin))
        .insert_resource(TimeUpdateStrategy::FixedTimesteps(1))
        .add_plugins(SimulationPlugin { scenario, seed });
    extend(&mut app);
    // Bevy's clock measures nothing on its first update; spend it here so that every update
    // the caller makes runs exactly one fixed step.
    app.update();
    app
}

/// A running simulation: its app (private: the world changes only through its systems and
/// the layers that compose it) and the questions the layers above ask it.
pub struct Simulation {
    app: App,
    seed: u64,
}

impl Simulation {
    /// Builds the world with no one responding; nothing is simulated until the first step.
    pub fn new(scenario: Arc<Scenario>, seed: u64) -> Self {
        Self::extended(scenario, seed, |_| {})
    }

    /// Builds the world with more plugins beside the simulation's own (the exercise adds the
    /// response team this way).
    pub(crate) fn extended(scenario: Arc<Scenario>, seed: u64, extend: impl FnOnce(&mut App)) -> Self {
        Self {
            app: build_app(scenario, seed, extend),
            seed,
        }
    }

    /// The seed of the run.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The scenario being simulated.
    pub fn scenario(&self) -> &Scenario {
        &self.app.world().resource::<ScenarioData>().0
    }

    /// The scenario, shared (for what outlives a borrow of the simulation).
    pub fn shared_scenario(&self) -> Arc<Scenario> {
        Arc::clone(&self.app.world().resource::<ScenarioData>().0)
    }

    /// The last tick simulated, if any.
    pub fn now(&self) -> Option<Tick> {
        let clock = self.app.world().resource::<state::Clock>();
        clock.started().then_some(clock.now)
    }

    /// The last tick of the exercise.
    pub fn end(&self) -> Tick {
        Tick(self.scenario().meta.duration_ticks)
    }

    /// Whether the last tick has been simulated.
    pub fn finished(&self) -> bool {
        self.now().is_some_and(|now| now >= self.end())
    }

    /// Simulates one tick.
    pub fn step(&mut self) {
        self.app.update();
    }

    /// Simulates up to and including `last` (at most to the end of the exercise), calling
    /// `progress` after each tick.
    pub fn run_through(&mut self, last: Tick, mut progress: impl FnMut(Tick)) {
        let last = last.min(self.end());
        while self.now().is_none_or(|now| now < last) {
            self.step();
            if let Some(now) = self.now() {
                progress(now);
            }
        }
    }

    /// Read access to the world's resources.
    pub fn world(&self) -> &World {
        self.app.world()
    }

    /// Write access for the layers that compose the simulation (the exercise hands the team
    /// its requests this way).
    pub(crate) fn world_mut(&mut self) -> &mut World {
        self.app.world_mut()
    }

    /// A machine's ground truth, besides its stage.
    pub fn truth(&self, host: HostId) -> HostTruth {
        self.world().resource::<GroundTruth>().hosts[host.index()]
    }

    /// A machine's stage.
    pub fn stage(&self, host: HostId) -> Stage {
        self.world().resource::<GroundTruth>().stage(host)
    }

    /// The record a key names, made again from the run's seed.
    pub fn record(&self, key: RecordKey) -> Option<Record> {
        let world = self.world();
        record_by_key(
            self.scenario(),
            self.seed,
            world.resource::<EvidenceStore>(),
            world.resource::<ActivityPlan>(),
            key,
        )
    }

    /// Every record on a machine that can be read at a second of the exercise.
    pub fn records_on(&self, host: HostId, until: i64) -> Vec<Record> {
        let world = self.world();
        records_on(
            self.scenario(),
            self.seed,
            world.resource::<EvidenceStore>(),
            world.resource::<ActivityPlan>(),
            host,
            until,
        )
    }

    /// Every record a machine held up to a second of the exercise, each with whether it can
    /// still be read then: the ground truth of its evidence.
    pub fn records_ever_on(&self, host: HostId, until: i64) -> Vec<(Record, bool)> {
        let world = self.world();
        records_ever_on(
            self.scenario(),
            self.seed,
            world.resource::<EvidenceStore>(),
            world.resource::<ActivityPlan>(),
            host,
            until,
        )
    }

    /// The second of the exercise a tick starts at.
    pub fn second_of(&self, tick: Tick) -> i64 {
        tick.0 as i64 * self.scenario().meta.tick_seconds as i64
    }

    /// The summary of the run so far.
    pub fn outcome(&self) -> Outcome {
        Outcome::of(self)
    }

    /// A checksum of the whole simulated world: every machine, the attacker, the network, the
    /// logs and the random generator. Two runs agree while their checksums do. The encoding is
    /// explicit (numbers and tags, never `Debug` text), so renaming a type changes nothing.
    pub fn state_hash(&self) -> u64 {
        let world = self.world();
        let mut hash = crate::checksum::Fnv1a::default();
        hash.write_u32(self.now().map_or(u32::MAX, |tick| tick.0));
        let truth = world.resource::<GroundTruth>();
        for (stage, host) in truth.stages().iter().zip(&truth.hosts) {
            let flags = u8::from(host.isolated)
                | u8::from(host.powered_off) << 1
                | u8::from(host.targeted) << 2
                | u8::from(host.left_on) << 3;
            hash.write(&[stage.code(), flags]);
            for tick in [host.compromised_at, host.defaced_at, host.wiped_at, host.restored_at] {
                hash.write_u32(tick);
            }
        }
        for flags in [&truth.held, &truth.valid, &truth.edr_blocked] {
            hash.write(&flags.iter().map(|&flag| u8::from(flag)).collect::<Vec<u8>>());
        }
        // What the response added after the first version: hashed only once it happens, so a
        // run without it keeps the checksums recorded before.
        if truth.disabled.iter().any(|&flag| flag) {
            hash.write(&truth.disabled.iter().map(|&flag| u8::from(flag)).collect::<Vec<u8>>());
        }
        let scenario = self.scenario();
        let campaign = truth.campaign;
        if campaign.spread_starts != scenario.threat.spread.starts
            || campaign.time_bomb != scenario.threat.trigger.time_bomb
        {
            hash.write_u32(campaign.spread_starts.0);
            hash.write_u32(campaign.time_bomb.map_or(u32::MAX, |tick| tick.0));
        }
        if !scenario.threat.exfiltration.is_empty() {
            let theft = world.resource::<Theft>();
            for (stolen, leaked) in theft.stolen.iter().zip(&theft.leaked) {
                hash.write_u64(*stolen);
                hash.write_u64(*leaked);
            }
        }
        let adversary = world.resource::<Adversary>();
        if !adversary.moves.is_empty() {
            hash.write_u32(adversary.moves.len() as u32);
            for made in &adversary.moves {
                hash.write_u32(made.noticed_at.0);
                hash.write_u32(made.at.0);
            }
        }
        let reachability = world.resource::<Reachability>();
        hash.write(&reachability.link_up.iter().map(|&up| u8::from(up)).collect::<Vec<u8>>());
        hash.write_u32(reachability.blocks.len() as u32);
        for (port, from, to) in &reachability.blocks {
            hash.write(&port.to_le_bytes());
            from.hash_into(&mut hash);
            to.hash_into(&mut hash);
        }
        for address in &reachability.blocked_addresses {
            hash.write(&address.octets());
        }
        hash.write_u64(world.resource::<TruthLog>().hash());
        hash.write_u64(world.resource::<ObservationLog>().observations.len() as u64);
        hash.write_u64(world.resource::<EvidenceStore>().len() as u64);
        hash.write(&world.resource::<SimRng>().0.get_word_pos().to_le_bytes());
        hash.finish()
    }
}
