//! The worm: each machine it runs on tries `scan_rate` targets from its list every tick, and
//! takes those it can reach with an admin account the attacker holds, or by guessing.
//!
//! Most probes come to nothing: the target is already taken or asleep, out of reach, or its
//! password is not guessed. Drawing each would make a tick cost what the worm tries rather than
//! what it achieves (late in a large outbreak, thousands of probes per machine taken). So the
//! worm draws in two steps, with the same odds: for the machines of one host group, how many
//! probes in a row come to nothing (a geometric draw from the odds that one succeeds, summed
//! over the target groups), then which group and which of its open targets the next one takes.
//! Where the odds depend on the single machine (firewall rules or admin accounts that name
//! machines), the group's odds are an upper bound and the machine's own decide.

use bevy::prelude::*;
use rand::{Rng, RngExt};
use rand_chacha::ChaCha8Rng;

use crate::scenario::model::{GroupId, HostId, Scenario, Tick};

use super::facts::WormCopied;
use super::network::{OfficeHours, Reachability, is_powered};
use super::state::{AdminOdds, Agenda, Clock, GroundTruth, ScenarioData, SimRng, Stage, Transition};

pub(super) fn plugin(app: &mut App) {
    app.add_message::<WormCopied>()
        .add_systems(FixedUpdate, spread_worm.in_set(super::SimSystems::Spread));
}

/// Odds are counted in thousandths.
const CERTAIN: u64 = 1000;

/// The chance that a probe from one source group takes a machine of a target group, as an
/// upper bound in thousandths per open target, and whether the machine must be asked.
#[derive(Debug, Clone, Copy)]
struct Odds {
    group: GroupId,
    per_mille: u64,
    /// The firewall decides per machine.
    ask_network: bool,
    /// An admin account may cover single machines.
    ask_account: bool,
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
    let scan_rate = u64::from(spread.scan_rate);
    // Every probe picks from the whole list; these are the odds per place on it.
    let all_odds = truth.targets.len() as u64 * CERTAIN;
    for source_group in (0..scenario.host_groups.len() as u32).map(GroupId) {
        let probes = truth.running_in(source_group) as u64 * scan_rate;
        if probes == 0 || truth.open_total() == 0 {
            continue;
        }
        let sample_source = truth.runner(source_group, 0);
        let odds = odds_from(scenario, &truth, &mut reachability, (sample_source, source_group));
        let mut weight: u64 = odds
            .iter()
            .map(|odds| truth.open_in(odds.group) as u64 * odds.per_mille)
            .sum();
        let mut probe: u64 = 0;
        while weight > 0 {
            probe = probe.saturating_add(misses_before_a_hit(&mut rng.0, weight, all_odds));
            if probe >= probes {
                break;
            }
            let source = truth.runner(source_group, (probe / scan_rate) as usize);
            probe += 1;
            let odds = pick_group(&mut rng.0, &truth, &odds, weight);
            let group = odds.group;
            let target = truth.open_target(group, rng.0.random_range(0..truth.open_in(group)));
            debug_assert!(is_powered(
                &hours,
                &truth.hosts[target.index()],
                &scenario.host_groups[group.index()],
                now
            ));
            // The machine's own answers, where the group's odds were only a bound.
            if odds.ask_network
                && !spread
                    .ports
                    .iter()
                    .all(|&port| reachability.allows_between(scenario, (source, source_group), group, || target, port))
            {
                continue;
            }
            let account = truth.admin_account(target, group);
            if odds.ask_account
                && account.is_none()
                && rng.0.random_range(0..CERTAIN) >= u64::from(spread.guess_per_mille)
            {
                continue;
            }
            truth.put_stage(target, Stage::Infecting);
            weight -= odds.per_mille;
            agenda.schedule(arrival, target, Transition::Install { source, account });
            copied.write(WormCopied {
                tick: now,
                source,
                target,
                account,
            });
        }
    }
}

/// The odds of a probe from a source group against every target group with open targets.
fn odds_from(
    scenario: &Scenario,
    truth: &GroundTruth,
    reachability: &mut Reachability,
    source: (HostId, GroupId),
) -> Vec<Odds> {
    let spread = &scenario.threat.spread;
    let mut all = Vec::new();
    for group in (0..scenario.host_groups.len() as u32).map(GroupId) {
        if truth.open_in(group) == 0 {
            continue;
        }
        let sample_target = truth.open_target(group, 0);
        let mut ask_network = false;
        let mut reachable = true;
        for &port in &spread.ports {
            match reachability.allows_groups(scenario, source, group, &|| sample_target, port) {
                Some(allowed) => reachable &= allowed,
                None => ask_network = true,
            }
        }
        let (per_mille, ask_account) = match truth.admin_odds(group) {
            AdminOdds::Surely => (CERTAIN, false),
            AdminOdds::Perhaps => (CERTAIN, true),
            AdminOdds::Not => (u64::from(spread.guess_per_mille), false),
        };
        if reachable && per_mille > 0 {
            all.push(Odds {
                group,
                per_mille,
                ask_network,
                ask_account,
            });
        }
    }
    all
}

/// The target group a hit lands in: each group weighs its open targets times its odds.
fn pick_group<'a>(rng: &mut ChaCha8Rng, truth: &GroundTruth, odds: &'a [Odds], weight: u64) -> &'a Odds {
    let mut point = rng.random_range(0..weight);
    for entry in odds {
        let share = truth.open_in(entry.group) as u64 * entry.per_mille;
        if point < share {
            return entry;
        }
        point -= share;
    }
    unreachable!("the weight is the sum of the groups' shares")
}

/// How many probes in a row come to nothing before one hits, when the odds of a hit are
/// `weight` in `all`: a geometric draw by inversion. The logarithms are `libm`'s, in Rust, so
/// every platform draws the same.
fn misses_before_a_hit(rng: &mut ChaCha8Rng, weight: u64, all: u64) -> u64 {
    if weight >= all {
        return 0;
    }
    // Uniform in (0, 1], from 53 random bits.
    let uniform = ((rng.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64;
    let miss_odds = 1.0 - weight as f64 / all as f64;
    // Saturating: a draw beyond the tick's probes ends the tick either way.
    (libm::log(uniform) / libm::log(miss_odds)) as u64
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    /// The geometric draw matches the odds it stands for: with odds of one in four, a quarter
    /// of the draws are zero and the mean is three misses.
    #[test]
    fn misses_follow_the_odds_of_a_hit() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let draws: Vec<u64> = (0..100_000).map(|_| misses_before_a_hit(&mut rng, 250, 1000)).collect();
        let zeros = draws.iter().filter(|&&misses| misses == 0).count() as f64 / draws.len() as f64;
        let mean = draws.iter().sum::<u64>() as f64 / draws.len() as f64;
        assert!((zeros - 0.25).abs() < 0.01, "share of immediate hits {zeros}");
        assert!((mean - 3.0).abs() < 0.05, "mean misses {mean}");
        assert_eq!(misses_before_a_hit(&mut rng, 1000, 1000), 0, "certain odds: no misses");
    }
}
