//! The attacker behind the worm: the machines it controls through the tools it left there (its
//! ways back in), what it notices of the response, and what it does then, as the scenario's
//! `reactions` say: take the new passwords, take a new machine, set the wiper off early, or lie
//! low. It acts only through a machine it still controls, so a team that closes every way in
//! at once leaves it nothing to act through.

use std::net::Ipv4Addr;

use bevy::prelude::*;
use rand::RngExt;

use crate::scenario::model::{AccountId, HostId, Notice, Response, Scenario, Tick, ToolId};

use super::facts::CredentialHarvested;
use super::network::Reachability;
use super::state::{Agenda, Clock, GroundTruth, ScenarioData, SimRng, Stage, Transition};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Adversary>()
        .add_systems(FixedUpdate, react.in_set(super::SimSystems::React));
}

/// When the worm goes out and the wiper's time bomb goes off: the scenario's, until the
/// attacker sets it off early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Campaign {
    pub spread_starts: Tick,
    pub time_bomb: Option<Tick>,
}

/// What became of a move the attacker decided on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum MoveOutcome {
    /// It acted; what it achieved, in words.
    Done(String),
    /// It had no machine left to act through.
    NoWayIn,
    /// It was lying low.
    Quiet,
}

/// One thing the attacker noticed and what it did about it (ground truth, for the debrief).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Move {
    pub noticed_at: Tick,
    pub notice: Notice,
    /// What it noticed, in words ("SPE\it-ops reset", "SPE-CC-MGT-07 isolated").
    pub what: String,
    pub response: Response,
    /// When it acted (or would have).
    pub at: Tick,
    pub outcome: MoveOutcome,
}

/// The attacker's side of the world besides its credentials (in `GroundTruth`).
#[derive(Resource, Debug, Default)]
pub struct Adversary {
    /// Tools the team removed, by machine: few entries, one per removal.
    removed: Vec<(HostId, ToolId)>,
    /// The team's changes this tick that the attacker may notice, one per kind.
    noticed: Vec<(Notice, String)>,
    /// Moves decided and not yet made: when, which reaction, and what prompted it.
    pending: Vec<(Tick, usize, Tick, String)>,
    quiet_until: Tick,
    /// Everything it noticed and did, in order.
    pub moves: Vec<Move>,
}

impl Adversary {
    /// Whether the attacker can reach a machine and act on it: its implant or backdoor runs
    /// there, the machine is on and on the network, and one of its C2 addresses is still open.
    pub fn controls(&self, scenario: &Scenario, truth: &GroundTruth, reach: &Reachability, host: HostId) -> bool {
        let machine = truth.hosts[host.index()];
        matches!(truth.stage(host), Stage::Compromised | Stage::Armed)
            && !machine.isolated
            && !machine.powered_off
            && self.c2_open(scenario, reach)
            && scenario
                .threat
                .doors_on(host)
                .any(|tool| !self.removed.contains(&(host, tool)))
    }

    /// Whether the implants can still call home: some C2 address is not blocked (or the
    /// scenario gives none: the attacker reaches its machines directly).
    pub fn c2_open(&self, scenario: &Scenario, reach: &Reachability) -> bool {
        let c2 = &scenario.threat.c2;
        c2.is_empty() || c2.iter().any(|(address, _)| !reach.blocked_addresses.contains(address))
    }

    /// Whether a tool was removed from a machine.
    pub fn removed(&self, host: HostId, tool: ToolId) -> bool {
        self.removed.contains(&(host, tool))
    }

    /// The team removed a tool from a machine.
    pub fn remove(&mut self, host: HostId, tool: ToolId) {
        if !self.removed(host, tool) {
            self.removed.push((host, tool));
        }
    }

    /// A machine came back clean: whatever was removed from it is gone with the rest.
    pub fn forget(&mut self, host: HostId) {
        self.removed.retain(|&(on, _)| on != host);
    }

    /// The team did something the attacker may notice; the odds are drawn at the next step.
    pub fn notice(&mut self, notice: Notice, what: String) {
        if !self.noticed.iter().any(|(kind, _)| *kind == notice) {
            self.noticed.push((notice, what));
        }
    }

    /// Whether an address is one of the attacker's C2 servers.
    pub fn is_c2(scenario: &Scenario, address: Ipv4Addr) -> bool {
        scenario.threat.c2.iter().any(|(c2, _)| *c2 == address)
    }
}

/// What a move changes, gathered to keep the system's signature short.
struct World<'a, 'h> {
    scenario: &'a Scenario,
    now: Tick,
    truth: &'a mut GroundTruth,
    reach: &'a mut Reachability,
    agenda: &'a mut Agenda,
    rng: &'a mut SimRng,
    harvested: &'a mut MessageWriter<'h, CredentialHarvested>,
}

#[expect(clippy::too_many_arguments, reason = "a Bevy system names every resource it touches")]
pub(super) fn react(
    clock: Res<Clock>,
    scenario: Res<ScenarioData>,
    mut adversary: ResMut<Adversary>,
    mut truth: ResMut<GroundTruth>,
    mut reach: ResMut<Reachability>,
    mut agenda: ResMut<Agenda>,
    mut rng: ResMut<SimRng>,
    mut harvested: MessageWriter<CredentialHarvested>,
) {
    let scenario = &scenario.0;
    let now = clock.now;
    let adversary = &mut *adversary;
    // Each change the team made is a chance to notice, by the scenario's odds, in its order.
    for (notice, what) in std::mem::take(&mut adversary.noticed) {
        if now < adversary.quiet_until {
            continue;
        }
        for (index, reaction) in scenario.threat.reactions.iter().enumerate() {
            if reaction.notices == notice && rng.0.random_range(0..1000) < reaction.per_mille {
                let due = Tick(now.0.saturating_add(reaction.delay_ticks));
                adversary.pending.push((due, index, now, what.clone()));
            }
        }
    }
    if adversary.pending.is_empty() {
        return;
    }
    let mut world = World {
        scenario,
        now,
        truth: &mut truth,
        reach: &mut reach,
        agenda: &mut agenda,
        rng: &mut rng,
        harvested: &mut harvested,
    };
    let due: Vec<_> = adversary
        .pending
        .iter()
        .filter(|(at, ..)| *at <= now)
        .cloned()
        .collect();
    adversary.pending.retain(|(at, ..)| *at > now);
    for (_, index, noticed_at, what) in due {
        let reaction = &scenario.threat.reactions[index];
        let through: Vec<HostId> = (0..scenario.hosts.len() as u32)
            .map(HostId)
            .filter(|&host| adversary.controls(scenario, world.truth, world.reach, host))
            .collect();
        let outcome = if now < adversary.quiet_until {
            MoveOutcome::Quiet
        } else if through.is_empty() {
            MoveOutcome::NoWayIn
        } else {
            match reaction.does {
                Response::Reharvest => world.reharvest(&through),
                Response::Reenter => world.reenter(&through),
                Response::Detonate => world.detonate(&through),
                Response::GoQuiet { ticks } => {
                    adversary.quiet_until = Tick(now.0.saturating_add(ticks));
                    adversary.pending.clear();
                    let until = scenario.time_of(adversary.quiet_until).strftime("%Y-%m-%d %H:%M");
                    MoveOutcome::Done(format!("made no move until {until}"))
                }
            }
        };
        adversary.moves.push(Move {
            noticed_at,
            notice: reaction.notices,
            what,
            response: reaction.does,
            at: now,
            outcome,
        });
    }
}

impl World<'_, '_> {
    /// New passwords come back when an administrator logs on where the implant runs: every
    /// reset account cached on a machine the attacker controls is its again.
    fn reharvest(&mut self, through: &[HostId]) -> MoveOutcome {
        let mut taken: Vec<AccountId> = Vec::new();
        for &host in through {
            for &account in &self.scenario.group_of(host).cached_credentials {
                if self.truth.retake(account) {
                    taken.push(account);
                    self.harvested.write(CredentialHarvested {
                        tick: self.now,
                        host,
                        account,
                        retaken: true,
                    });
                }
            }
        }
        match taken.is_empty() {
            true => MoveOutcome::Done("found no new password where it still runs".to_string()),
            false => MoveOutcome::Done(format!(
                "took the new passwords of {}",
                taken
                    .iter()
                    .map(|account| self.scenario.accounts[account.index()].name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// From a machine it controls, takes a clean machine it can reach with an administrator
    /// account it holds, by the seed's pick, and leaves the worm's kit there.
    fn reenter(&mut self, through: &[HostId]) -> MoveOutcome {
        let scenario = self.scenario;
        let port = scenario.threat.spread.ports.first().copied().unwrap_or(445);
        let source = through[self.rng.0.random_range(0..through.len())];
        let candidates: Vec<(HostId, AccountId)> = (0..scenario.hosts.len() as u32)
            .map(HostId)
            .filter(|&host| self.truth.stage(host) == Stage::Clean && self.truth.is_working(host))
            .filter_map(|host| {
                let account = self.truth.admin_account(host, scenario.hosts[host.index()].group)?;
                Some((host, account))
            })
            .filter(|&(host, _)| self.reach.allows(scenario, source, host, port))
            .collect();
        if candidates.is_empty() {
            return MoveOutcome::Done("found no machine it could take with the passwords it holds".to_string());
        }
        let (target, account) = candidates[self.rng.0.random_range(0..candidates.len())];
        self.truth.put_stage(target, Stage::Infecting);
        let arrival = Tick(self.now.0 + scenario.threat.spread.copy_delay_ticks.max(1));
        self.agenda.schedule(
            arrival,
            target,
            Transition::Install {
                source,
                account: Some(account),
            },
        );
        MoveOutcome::Done(format!(
            "took {} from {} with {}",
            scenario.hosts[target.index()].name,
            scenario.hosts[source.index()].name,
            scenario.accounts[account.index()].name
        ))
    }

    /// Sets the wiper off now: the worm goes out at once and the time bomb comes forward by
    /// as much (so the worm keeps its head start), or, once the worm is out, goes off now.
    fn detonate(&mut self, through: &[HostId]) -> MoveOutcome {
        let now = self.now;
        let next = Tick(now.0 + 1);
        let campaign = self.truth.campaign;
        let bomb = match campaign.time_bomb {
            Some(bomb) if now < campaign.spread_starts => {
                Tick(bomb.0.saturating_sub(campaign.spread_starts.0 - next.0).max(next.0))
            }
            _ => next,
        };
        self.truth.campaign = Campaign {
            spread_starts: campaign.spread_starts.min(next),
            time_bomb: Some(campaign.time_bomb.map_or(bomb, |old| old.min(bomb))),
        };
        // Machines held but not yet armed are armed now and fire at the new time bomb.
        for &host in through {
            match self.truth.stage(host) {
                Stage::Compromised => self.agenda.schedule(next, host, Transition::Arm),
                _ => self.agenda.schedule(bomb.max(next), host, Transition::Fire),
            }
        }
        let time = |tick: Tick| self.scenario.time_of(tick).strftime("%H:%M").to_string();
        let held = format!("{} machine{}", through.len(), if through.len() == 1 { "" } else { "s" });
        MoveOutcome::Done(match now < campaign.spread_starts {
            true => format!(
                "let the worm loose at {} from the {held} it held, and brought the wiper forward to {}",
                time(next),
                time(bomb)
            ),
            false => format!("set the wiper off at {} on the {held} it held", time(bomb)),
        })
    }
}
