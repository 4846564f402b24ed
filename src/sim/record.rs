//! The two streams of an exercise, kept apart: the ground-truth log (what really happened) and
//! the observation log (what the responder could see). A running hash of the truth log makes
//! two runs comparable byte for byte.

use bevy::prelude::*;

use crate::checksum::Fnv1a;

use super::facts::{
    CredentialHarvested, InjectFired, Observed, ReachedThisTick, ServiceChanged, StageReached, WormCopied,
};

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

/// The ground truth's facts as a hash of them all in the order they happened (two runs are
/// the same run when their hashes are equal), how many there were, and the credential
/// harvests, which grading reads back. The rest (every copy of the worm and every machine's
/// every stage: millions in a large outbreak) are only hashed; the ground truth holds where
/// each machine stands and how it got there.
#[derive(Resource, Debug, Default)]
pub struct TruthLog {
    facts: usize,
    harvests: Vec<CredentialHarvested>,
    hash: Fnv1a,
}

/// "None" in a hashed fact.
const NONE: u32 = u32::MAX;

impl TruthLog {
    /// FNV-1a over every fact so far: equal logs give equal hashes on every platform.
    pub fn hash(&self) -> u64 {
        self.hash.finish()
    }

    /// How many facts there are.
    pub fn len(&self) -> usize {
        self.facts
    }

    /// Whether nothing has happened yet.
    pub fn is_empty(&self) -> bool {
        self.facts == 0
    }

    /// Every credential the attacker harvested, in the order it happened.
    pub fn harvests(&self) -> &[CredentialHarvested] {
        &self.harvests
    }

    fn push(&mut self, fact: Fact) {
        // Six words a fact, the encoding sessions' checksums have always been made of.
        let words: [u32; 6] = match fact {
            Fact::WormCopied(copied) => [
                1,
                copied.tick.0,
                copied.source.0,
                copied.target.0,
                copied.account.map_or(NONE, |account| account.0),
                0,
            ],
            Fact::StageReached(reached) => [
                2,
                reached.tick.0,
                reached.host.0,
                reached.stage.code() as u32,
                reached.source.map_or(NONE, |host| host.0),
                reached.account.map_or(NONE, |account| account.0),
            ],
            Fact::CredentialHarvested(harvested) => {
                self.harvests.push(harvested);
                [3, harvested.tick.0, harvested.host.0, harvested.account.0, 0, 0]
            }
            Fact::ServiceChanged(changed) => [4, changed.tick.0, changed.service.0, u32::from(changed.up), 0, 0],
            Fact::InjectFired(fired) => [5, fired.tick.0, fired.inject.0, 0, 0, 0],
        };
        for word in words {
            self.hash.write_u32(word);
        }
        self.facts += 1;
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
    reached: Res<ReachedThisTick>,
    mut harvested: MessageReader<CredentialHarvested>,
    mut changed: MessageReader<ServiceChanged>,
    mut fired: MessageReader<InjectFired>,
    mut observed: ResMut<Messages<Observed>>,
) {
    copied.read().for_each(|fact| log.push(Fact::WormCopied(*fact)));
    reached.iter().for_each(|fact| log.push(Fact::StageReached(fact)));
    harvested
        .read()
        .for_each(|fact| log.push(Fact::CredentialHarvested(*fact)));
    changed.read().for_each(|fact| log.push(Fact::ServiceChanged(*fact)));
    fired.read().for_each(|fact| log.push(Fact::InjectFired(*fact)));
    // The log is the observations' only reader: it takes them all, and the buffers go with
    // them, so that a burst (half a million calls and alerts in the minute a large company's
    // wipers fire) does not keep its memory for the rest of the run.
    observations.observations.extend(observed.drain());
    *observed = Messages::default();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::model::{AccountId, HostId, InjectId, ServiceId, Tick};
    use crate::sim::Stage;

    #[test]
    fn the_hash_tells_every_fact_and_their_order_and_harvests_are_kept() {
        let harvest = CredentialHarvested {
            tick: Tick(4),
            host: HostId(2),
            account: AccountId(0),
            retaken: false,
        };
        let facts = [
            Fact::WormCopied(WormCopied {
                tick: Tick(3),
                source: HostId(1),
                target: HostId(2),
                account: None,
            }),
            Fact::StageReached(StageReached {
                tick: Tick(4),
                host: HostId(2),
                stage: Stage::Compromised,
                source: Some(HostId(1)),
                account: Some(AccountId(7)),
            }),
            Fact::CredentialHarvested(harvest),
            Fact::ServiceChanged(ServiceChanged {
                tick: Tick(5),
                service: ServiceId(1),
                up: false,
            }),
            Fact::InjectFired(InjectFired {
                tick: Tick(7),
                inject: InjectId(2),
            }),
        ];
        let log_of = |facts: &[Fact]| {
            let mut log = TruthLog::default();
            facts.iter().for_each(|&fact| log.push(fact));
            log
        };
        let log = log_of(&facts);
        assert_eq!((log.len(), log.harvests()), (5, &[harvest][..]));
        let mut swapped = facts;
        swapped.swap(0, 1);
        assert_ne!(log_of(&swapped).hash(), log.hash(), "the order counts");
        let mut changed = facts;
        changed[4] = Fact::InjectFired(InjectFired {
            tick: Tick(8),
            inject: InjectId(2),
        });
        assert_ne!(log_of(&changed).hash(), log.hash(), "every fact counts");
        assert_eq!(log_of(&facts).hash(), log.hash());
    }
}
