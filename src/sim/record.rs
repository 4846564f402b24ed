//! The two streams of an exercise, kept apart: the ground-truth log (what really happened) and
//! the observation log (what the responder could see). A running hash of the truth log makes
//! two runs comparable byte for byte.

use bevy::prelude::*;

use crate::checksum::Fnv1a;

use super::facts::{CredentialHarvested, InjectFired, Observed, ServiceChanged, StageReached, WormCopied};
use super::state::Stage;
use crate::scenario::model::{AccountId, HostId, InjectId, ServiceId, Tick};

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

/// Every fact in the order it happened, and a hash of them all. Facts are kept packed, five
/// words each (a large outbreak leaves millions), and unpacked when read.
#[derive(Resource, Debug, Default)]
pub struct TruthLog {
    packed: Vec<[u32; 5]>,
    hash: Fnv1a,
}

/// "None" in a packed fact.
const NONE: u32 = u32::MAX;

impl TruthLog {
    /// FNV-1a over every fact so far: equal logs give equal hashes on every platform.
    pub fn hash(&self) -> u64 {
        self.hash.finish()
    }

    /// How many facts there are.
    pub fn len(&self) -> usize {
        self.packed.len()
    }

    /// Whether nothing has happened yet.
    pub fn is_empty(&self) -> bool {
        self.packed.is_empty()
    }

    /// Every fact, in the order it happened.
    pub fn facts(&self) -> impl Iterator<Item = Fact> + '_ {
        self.packed.iter().map(|&packed| unpack(packed))
    }

    fn push(&mut self, fact: Fact) {
        // The hash keeps its own six-word encoding, older than the packed one: sessions'
        // checksums are made of it.
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
            Fact::CredentialHarvested(harvested) => [3, harvested.tick.0, harvested.host.0, harvested.account.0, 0, 0],
            Fact::ServiceChanged(changed) => [4, changed.tick.0, changed.service.0, u32::from(changed.up), 0, 0],
            Fact::InjectFired(fired) => [5, fired.tick.0, fired.inject.0, 0, 0, 0],
        };
        for word in words {
            self.hash.write_u32(word);
        }
        self.packed.push(pack(fact));
    }
}

/// A fact in five words: its kind (with a stage or a state in the byte above), its tick, and
/// the ids it names.
fn pack(fact: Fact) -> [u32; 5] {
    let or_none = |id: Option<u32>| id.unwrap_or(NONE);
    match fact {
        Fact::WormCopied(copied) => [
            1,
            copied.tick.0,
            copied.source.0,
            copied.target.0,
            or_none(copied.account.map(|account| account.0)),
        ],
        Fact::StageReached(reached) => [
            2 | (reached.stage.code() as u32) << 8,
            reached.tick.0,
            reached.host.0,
            or_none(reached.source.map(|host| host.0)),
            or_none(reached.account.map(|account| account.0)),
        ],
        Fact::CredentialHarvested(harvested) => [3, harvested.tick.0, harvested.host.0, harvested.account.0, 0],
        Fact::ServiceChanged(changed) => [4 | u32::from(changed.up) << 8, changed.tick.0, changed.service.0, 0, 0],
        Fact::InjectFired(fired) => [5, fired.tick.0, fired.inject.0, 0, 0],
    }
}

fn unpack([head, tick, first, second, third]: [u32; 5]) -> Fact {
    let tick = Tick(tick);
    let some = |id: u32| (id != NONE).then_some(id);
    match head & 0xff {
        1 => Fact::WormCopied(WormCopied {
            tick,
            source: HostId(first),
            target: HostId(second),
            account: some(third).map(AccountId),
        }),
        2 => Fact::StageReached(StageReached {
            tick,
            host: HostId(first),
            stage: Stage::ALL
                .into_iter()
                .find(|stage| stage.code() as u32 == head >> 8)
                .unwrap_or(Stage::Clean),
            source: some(second).map(HostId),
            account: some(third).map(AccountId),
        }),
        3 => Fact::CredentialHarvested(CredentialHarvested {
            tick,
            host: HostId(first),
            account: AccountId(second),
        }),
        4 => Fact::ServiceChanged(ServiceChanged {
            tick,
            service: ServiceId(first),
            up: head >> 8 == 1,
        }),
        _ => Fact::InjectFired(InjectFired {
            tick,
            inject: InjectId(first),
        }),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_come_back_as_they_were_packed() {
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
            Fact::StageReached(StageReached {
                tick: Tick(9),
                host: HostId(2),
                stage: Stage::Wiped,
                source: None,
                account: None,
            }),
            Fact::CredentialHarvested(CredentialHarvested {
                tick: Tick(4),
                host: HostId(2),
                account: AccountId(0),
            }),
            Fact::ServiceChanged(ServiceChanged {
                tick: Tick(5),
                service: ServiceId(1),
                up: false,
            }),
            Fact::ServiceChanged(ServiceChanged {
                tick: Tick(6),
                service: ServiceId(1),
                up: true,
            }),
            Fact::InjectFired(InjectFired {
                tick: Tick(7),
                inject: InjectId(2),
            }),
        ];
        let mut log = TruthLog::default();
        facts.iter().for_each(|&fact| log.push(fact));
        assert_eq!(log.facts().collect::<Vec<_>>(), facts);
        assert_eq!(log.len(), facts.len());
    }
}
