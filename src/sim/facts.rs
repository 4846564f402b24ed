//! What happens in the simulation: ground-truth facts, and the observations the responder
//! gets, as messages (the stages reached, by the hundred thousand in one tick, as a list of the
//! tick's own). Facts are named in the past tense.

use bevy::prelude::*;

use crate::scenario::model::{AccountId, HostId, InjectId, ServiceId, Tick};

use super::evidence::{CallTopic, RecordKey};
use super::state::Stage;

/// The worm copied itself from one machine to another, with an account or a guessed password.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct WormCopied {
    pub tick: Tick,
    pub source: HostId,
    pub target: HostId,
    /// `None` when a password was guessed.
    pub account: Option<AccountId>,
}

/// A machine reached a stage of the attack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageReached {
    pub tick: Tick,
    pub host: HostId,
    pub stage: Stage,
    /// For `Compromised`: the machine the worm came from (none for a foothold).
    pub source: Option<HostId>,
    pub account: Option<AccountId>,
}

/// The stages machines reached this tick, in order: the scheduled transitions write them;
/// evidence, sensors and the truth log read them later in the same tick. Not a Bevy message:
/// messages keep the room of their largest tick for good, and a large company's wipers fire on
/// a million machines in the same minute.
#[derive(Resource, Debug, Default)]
pub struct ReachedThisTick {
    tick: Tick,
    /// Packed: the tick is the same for all, and the ids' "none" is `u32::MAX`.
    reached: Vec<(HostId, u32, u32, Stage)>,
}

impl ReachedThisTick {
    /// A new tick: the last one's stages are gone, and so is the room a burst took once it is
    /// over.
    pub fn start_tick(&mut self, tick: Tick) {
        let last = self.reached.len();
        self.tick = tick;
        self.reached.clear();
        if self.reached.capacity() > 65_536 && last < self.reached.capacity() / 4 {
            self.reached = Vec::new();
        }
    }

    pub fn push(&mut self, reached: StageReached) {
        debug_assert_eq!(reached.tick, self.tick);
        self.reached.push((
            reached.host,
            reached.source.map_or(u32::MAX, |host| host.0),
            reached.account.map_or(u32::MAX, |account| account.0),
            reached.stage,
        ));
    }

    /// This tick's stages, in the order they were reached.
    pub fn iter(&self) -> impl Iterator<Item = StageReached> + '_ {
        let some = |id: u32| (id != u32::MAX).then_some(id);
        self.reached
            .iter()
            .map(move |&(host, source, account, stage)| StageReached {
                tick: self.tick,
                host,
                stage,
                source: some(source).map(HostId),
                account: some(account).map(AccountId),
            })
    }
}

/// The implant took a password cached on a machine that the attacker did not have.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialHarvested {
    pub tick: Tick,
    pub host: HostId,
    pub account: AccountId,
    /// Taken again after the team reset it: an administrator logged on where the implant runs.
    pub retaken: bool,
}

/// A business service went down or came back.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceChanged {
    pub tick: Tick,
    pub service: ServiceId,
    pub up: bool,
}

/// An inject reached the responder.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct InjectFired {
    pub tick: Tick,
    pub inject: InjectId,
}

/// Something the responder can see, with the record a sensor saw when it alerted.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Observed {
    pub tick: Tick,
    pub host: Option<HostId>,
    pub what: Observation,
    pub record: Option<RecordKey>,
}

impl Observed {
    /// Whether it showed the attack itself (ground truth, for grading and summaries): one of
    /// its records, a raw-disk write, a call about the warning page. Ordinary activity trips
    /// the same sensors and says nothing of which is which.
    pub fn shows_attack(&self) -> bool {
        self.record.is_some_and(|key| key.is_attack())
            || matches!(
                self.what,
                Observation::EdrRawDiskWrite | Observation::HelpdeskCall(super::CallTopic::WarningPage)
            )
    }
}

/// The kinds of observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Observation {
    /// EDR saw a new service installed by a binary it does not know (the attack's, or an
    /// administrator's tool).
    EdrSuspiciousService,
    /// EDR saw a driver write to the raw disk.
    EdrRawDiskWrite,
    /// The log collector saw a Windows event its rules watch for (7045, 4625, 4771, 1102).
    LogAlert {
        event_id: u16,
    },
    /// A user phoned the helpdesk, about their screen or about anything else.
    HelpdeskCall(CallTopic),
    ServiceDown(ServiceId),
    ServiceRestored(ServiceId),
    Inject(InjectId),
}
