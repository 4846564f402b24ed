//! The two streams of an exercise, kept apart: the ground-truth log (what really happened) and
//! the observation log (what the responder could see). A running hash of the truth log makes
//! two runs comparable byte for byte.

use bevy::prelude::*;

use crate::checksum::Fnv1a;

use super::facts::{CredentialHarvested, InjectFired, Observed, ServiceChanged, StageReached, WormCopied};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<TruthLog>()
        .init_resource::<ObservationLog>()
        .add_systems(FixedUpdate, record_facts.in_set(super::SimSystems::Record));
}

/// One ground-truth fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    WormCopied(WormCopied),
    StageReached(StageReached),
    CredentialHarvested(CredentialHarvested),
    ServiceChanged(ServiceChanged),
    InjectFired(InjectFired),
}

/// Every fact in the order it happened, and a hash of them all.
#[derive(Resource, Debug, Default)]
pub struct TruthLog {
    pub facts: Vec<Fact>,
    hash: Fnv1a,
}

impl TruthLog {
    /// FNV-1a over every fact so far: equal logs give equal hashes on every platform.
    pub fn hash(&self) -> u64 {
        self.hash.finish()
    }

    fn push(&mut self, fact: Fact) {
        let none = u32::MAX;
        let words: [u32; 6] = match fact {
            Fact::WormCopied(copied) => [
                1,
                copied.tick.0,
                copied.source.0,
                copied.target.0,
                copied.account.map_or(none, |account| account.0),
                0,
            ],
            Fact::StageReached(reached) => [
                2,
                reached.tick.0,
                reached.host.0,
                reached.stage.code() as u32,
                reached.source.map_or(none, |host| host.0),
                reached.account.map_or(none, |account| account.0),
            ],
            Fact::CredentialHarvested(harvested) => [3, harvested.tick.0, harvested.host.0, harvested.account.0, 0, 0],
            Fact::ServiceChanged(changed) => [4, changed.tick.0, changed.service.0, u32::from(changed.up), 0, 0],
            Fact::InjectFired(fired) => [5, fired.tick.0, fired.inject.0, 0, 0, 0],
        };
        for word in words {
            self.hash.write_u32(word);
        }
        self.facts.push(fact);
    }
}

/// Every observation in the order the responder gets it.
#[derive(Resource, Debug, Default)]
pub struct ObservationLog {
    pub observations: Vec<Observed>,
}

#[expect(
    clippy::too_many_arguments,
    reason = "one reader per kind of fact, read in a fixed order"
)]
fn record_facts(
    mut log: ResMut<TruthLog>,
    mut observations: ResMut<ObservationLog>,
    mut copied: MessageReader<WormCopied>,
    mut reached: MessageReader<StageReached>,
    mut harvested: MessageReader<CredentialHarvested>,
    mut changed: MessageReader<ServiceChanged>,
    mut fired: MessageReader<InjectFired>,
    mut observed: MessageReader<Observed>,
) {
    copied.read().for_each(|fact| log.push(Fact::WormCopied(*fact)));
    reached.read().for_each(|fact| log.push(Fact::StageReached(*fact)));
    harvested
        .read()
        .for_each(|fact| log.push(Fact::CredentialHarvested(*fact)));
    changed.read().for_each(|fact| log.push(Fact::ServiceChanged(*fact)));
    fired.read().for_each(|fact| log.push(Fact::InjectFired(*fact)));
    observations.observations.extend(observed.read().copied());
}
