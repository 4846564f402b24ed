//! The worm: each machine it runs on tries `scan_rate` targets from its list every tick, and
//! takes those it can reach with an admin account the attacker holds, or by guessing.
//!
//! Most probes come to nothing: the target is already taken or asleep, out of reach, or its
//! password is not guessed. Drawing each would make a tick cost what the worm tries rather than
//! what it achieves (late in a large outbreak, thousands of probes per machine taken). So the
//! worm draws in two steps, with the same odds: how many probes in a row come to nothing by
//! the odds that do not depend on the source (a target is open, and its group's password is
//! held or guessed: a geometric draw), then which probe hits, which target group (weighed by
//! its open targets and its odds) and which open target; the network (and, where admin
//! accounts name single machines, the machine's own account) then decides that hit alone.

use bevy::prelude::*;
use rand::{Rng, RngExt};
use rand_chacha::ChaCha8Rng;

use crate::scenario::model::{GroupId, Tick};

use super::facts::WormCopied;
use super::network::{OfficeHours, Reachability, is_powered};
use super::state::{Agenda, Clock, GroundTruth, ScenarioData, SimRng, Stage, Transition};

pub(super) fn plugin(app: &mut App) {
    app.add_message::<WormCopied>()
        .add_systems(FixedUpdate, spread_worm.in_set(super::SimSystems::Spread));
}

/// Odds are counted in thousandths.
const CERTAIN: u64 = 1000;

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
    if now < truth.campaign.spread_starts || truth.targets.is_empty() {
        return;
    }
    let arrival = Tick(now.0 + spread.copy_delay_ticks.max(1));
    truth.follow_office_hours(&hours, now);
    let groups = scenario.host_groups.len();
    // The machines the worm runs on, group after group: `running[g]` of them before group g.
    let mut running_before = Vec::with_capacity(groups + 1);
    running_before.push(0u64);
    for group in (0..groups as u32).map(GroupId) {
        let before = running_before[group.index()];
        running_before.push(before + truth.running_in(group) as u64);
    }
    let scan_rate = u64::from(spread.scan_rate);
    let probes = running_before[groups] * scan_rate;
    if probes == 0 || truth.open_total() == 0 {
        return;
    }
    // Each target group's odds per open target, and their weights.
    let odds: Vec<u64> = (0..groups as u32)
        .map(|group| match truth.may_be_admin(GroupId(group)) {
            true => CERTAIN,
            false => u64::from(spread.guess_per_mille),
        })
        .collect();
    let mut weights = Weights::new(
        (0..groups)
            .map(|group| truth.open_in(GroupId(group as u32)) as u64 * odds[group])
            .collect(),
    );
    // Every probe picks from the whole list: these are the odds per place on it.
    let all_odds = truth.targets.len() as u64 * CERTAIN;
    let mut probe: u64 = 0;
    while weights.total() > 0 {
        probe = probe.saturating_add(misses_before_a_hit(&mut rng.0, weights.total(), all_odds));
        if probe >= probes {
            break;
        }
        let runner = probe / scan_rate;
        probe += 1;
        let source_group = running_before.partition_point(|&before| before <= runner) - 1;
        let source = truth.runner(
            GroupId(source_group as u32),
            (runner - running_before[source_group]) as usize,
        );
        let group = GroupId(weights.find(rng.0.random_range(0..weights.total())) as u32);
        let target = truth.open_target(group, rng.0.random_range(0..truth.open_in(group)));
        debug_assert!(is_powered(
            &hours,
            &truth.hosts[target.index()],
            &scenario.host_groups[group.index()],
            now
        ));
        // The hit's own answers: the network between the two machines, and the account.
        if !spread.ports.iter().all(|&port| {
            reachability.allows_between(scenario, (source, GroupId(source_group as u32)), group, || target, port)
        }) {
            continue;
        }
        let account = truth.admin_account(target, group);
        if odds[group.index()] == CERTAIN
            && account.is_none()
            && rng.0.random_range(0..CERTAIN) >= u64::from(spread.guess_per_mille)
        {
            continue;
        }
        truth.put_stage(target, Stage::Infecting);
        weights.take(group.index(), odds[group.index()]);
        agenda.schedule(arrival, target, Transition::Install { source, account });
        copied.write(WormCopied {
            tick: now,
            source,
            target,
            account,
        });
    }
}

/// Weights of the target groups, as a Fenwick tree: a weighed pick and a change each take a
/// few steps however many groups a company has.
struct Weights {
    tree: Vec<u64>,
    total: u64,
}

impl Weights {
    fn new(weights: Vec<u64>) -> Self {
        let total = weights.iter().sum();
        let mut tree = weights;
        for index in 0..tree.len() {
            let parent = index | (index + 1);
            if parent < tree.len() {
                tree[parent] += tree[index];
            }
        }
        Self { tree, total }
    }

    fn total(&self) -> u64 {
        self.total
    }

    /// Lowers one weight.
    fn take(&mut self, index: usize, amount: u64) {
        self.total -= amount;
        let mut at = index;
        while at < self.tree.len() {
            self.tree[at] -= amount;
            at |= at + 1;
        }
    }

    /// The index whose share of the total holds `point` (below the total).
    fn find(&self, mut point: u64) -> usize {
        let mut found = 0;
        let mut step = self.tree.len().next_power_of_two();
        while step > 0 {
            let next = found + step;
            if next <= self.tree.len() && self.tree[next - 1] <= point {
                point -= self.tree[next - 1];
                found = next;
            }
            step /= 2;
        }
        found
    }
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

    /// A weighed pick lands in each index for exactly its share of the points, before and
    /// after a weight is lowered.
    #[test]
    fn weighed_picks_follow_the_weights() {
        let mut weights = Weights::new(vec![3, 0, 5, 1, 0, 2, 7]);
        let shares = |weights: &Weights| {
            let mut shares = vec![0; 7];
            (0..weights.total()).for_each(|point| shares[weights.find(point)] += 1);
            shares
        };
        assert_eq!(shares(&weights), [3, 0, 5, 1, 0, 2, 7]);
        weights.take(2, 4);
        weights.take(6, 7);
        assert_eq!(weights.total(), 7);
        assert_eq!(shares(&weights), [3, 0, 1, 1, 0, 2, 0]);
    }
}
