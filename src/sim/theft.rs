//! The theft: each stream of stolen data goes out from its staging machine at its daily rate,
//! from weeks before the exercise (what the history holds) and on through it while the way stays
//! open: the attacker controls the machine and its destination is not blocked. A leak publishes
//! what was stolen by then.

use bevy::prelude::*;

use crate::scenario::model::{DataId, Scenario, Tick};

use super::adversary::Adversary;
use super::evidence::{EvidenceSeed, EvidenceStore, lay_transfer};
use super::network::Reachability;
use super::state::{Clock, GroundTruth, ScenarioData};

/// Archives a stream sends a day: it stages and sends its data in parts.
pub const PARTS_PER_DAY: u64 = 4;

pub(super) fn plugin(app: &mut App) {
    let theft = Theft::new(&app.world().resource::<ScenarioData>().0);
    app.insert_resource(theft).add_systems(
        FixedUpdate,
        exfiltrate
            .in_set(super::SimSystems::React)
            .after(super::adversary::react),
    );
}

/// What was taken and what was published, per data set, and how each stream stands.
#[derive(Resource, Debug, Clone)]
pub struct Theft {
    /// Per data set: bytes taken so far.
    pub stolen: Vec<u64>,
    /// Per data set: bytes taken before the exercise started.
    pub before_start: Vec<u64>,
    /// Per data set: bytes published so far, and when first.
    pub leaked: Vec<u64>,
    pub first_leak: Vec<Option<Tick>>,
    /// Per stream: archives sent so far (the history's included).
    pub parts: Vec<u32>,
    /// Per stream: the first tick it found its way cut with data left to take.
    pub cut_at: Vec<Option<Tick>>,
    /// Per stream: bytes taken since its last archive went out.
    pending: Vec<u64>,
}

impl Theft {
    fn new(scenario: &Scenario) -> Self {
        let sets = scenario.data.len();
        let streams = &scenario.threat.exfiltration;
        let mut stolen = vec![0u64; sets];
        let mut parts = Vec::with_capacity(streams.len());
        for stream in streams {
            let size = scenario.data[stream.data.index()].size_bytes;
            let taken = (stream.bytes_per_day as u128 * stream.since_seconds as u128 / 86_400) as u64;
            let taken = taken.min(size - stolen[stream.data.index()].min(size));
            stolen[stream.data.index()] += taken;
            parts.push(taken.div_ceil(part_bytes(stream.bytes_per_day)) as u32);
        }
        Self {
            before_start: stolen.clone(),
            stolen,
            leaked: vec![0; sets],
            first_leak: vec![None; sets],
            parts,
            cut_at: vec![None; streams.len()],
            pending: vec![0; streams.len()],
        }
    }

    /// A leak publishes a share of what was stolen of a data set by now; returns how much.
    pub fn leak(&mut self, data: DataId, share_per_mille: u32, now: Tick) -> u64 {
        let index = data.index();
        let published = (self.stolen[index] as u128 * share_per_mille as u128 / 1000) as u64;
        self.leaked[index] = (self.leaked[index] + published).min(self.stolen[index]);
        self.first_leak[index].get_or_insert(now);
        published
    }
}

/// The size of one archive of a stream.
pub fn part_bytes(bytes_per_day: u64) -> u64 {
    (bytes_per_day / PARTS_PER_DAY).max(1)
}

#[expect(clippy::too_many_arguments, reason = "a Bevy system names every resource it touches")]
fn exfiltrate(
    clock: Res<Clock>,
    scenario: Res<ScenarioData>,
    seed: Res<EvidenceSeed>,
    truth: Res<GroundTruth>,
    reach: Res<Reachability>,
    adversary: Res<Adversary>,
    mut theft: ResMut<Theft>,
    mut store: ResMut<EvidenceStore>,
) {
    let scenario = &scenario.0;
    let now = clock.now;
    for (index, stream) in scenario.threat.exfiltration.iter().enumerate() {
        let data = stream.data.index();
        let left = scenario.data[data].size_bytes.saturating_sub(theft.stolen[data]);
        if left == 0 {
            continue;
        }
        let open = adversary.controls(scenario, &truth, &reach, stream.through)
            && !reach.blocked_addresses.contains(&stream.to);
        if !open {
            theft.cut_at[index].get_or_insert(now);
            continue;
        }
        let taken = (stream.bytes_per_day as u128 * scenario.meta.tick_seconds as u128 / 86_400) as u64;
        let taken = taken.max(1).min(left);
        theft.stolen[data] += taken;
        theft.pending[index] += taken;
        // An archive goes out when a part's worth is staged, or the last of the data is.
        if theft.pending[index] >= part_bytes(stream.bytes_per_day) || taken == left {
            theft.pending[index] = 0;
            let part = theft.parts[index];
            theft.parts[index] += 1;
            lay_transfer(scenario, seed.0, &mut store, index, part, now);
        }
    }
}
