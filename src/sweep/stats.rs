//! The statistics of a sweep: each plan's distribution of points and losses over the seeds,
//! and plans compared seed by seed with the Wilcoxon signed-rank test (paired: the same seed
//! is the same attack, so only the response differs).

use serde::Serialize;

use super::RunResult;

/// A distribution over the seeds: its median and 10th and 90th percentiles, mean and range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Distribution {
    pub median: f64,
    pub p10: f64,
    pub p90: f64,
    pub mean: f64,
    pub min: f64,
    pub max: f64,
}

impl Distribution {
    /// Of some values (none: all zero).
    pub fn of(values: &[f64]) -> Self {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let mean = if sorted.is_empty() {
            0.0
        } else {
            sorted.iter().sum::<f64>() / sorted.len() as f64
        };
        Self {
            median: percentile(&sorted, 0.5),
            p10: percentile(&sorted, 0.1),
            p90: percentile(&sorted, 0.9),
            mean,
            min: sorted.first().copied().unwrap_or_default(),
            max: sorted.last().copied().unwrap_or_default(),
        }
    }
}

/// A percentile of sorted values, interpolated between the two nearest.
fn percentile(sorted: &[f64], share: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        count => {
            let at = share * (count - 1) as f64;
            let (below, above) = (at.floor() as usize, at.ceil() as usize);
            sorted[below] + (sorted[above] - sorted[below]) * (at - below as f64)
        }
    }
}

/// One plan over the seeds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSummary {
    pub playbook: String,
    pub runs: usize,
    pub score: Distribution,
    /// Each objective's points, in the rubric's order.
    pub objectives: Vec<(String, Distribution)>,
    pub wiped: Distribution,
    pub downtime_hours: Distribution,
    pub evidence_lost: Distribution,
}

/// Each plan's distributions, in the order of `playbooks`.
pub fn summarize(results: &[RunResult], playbooks: &[String]) -> Vec<PlanSummary> {
    playbooks
        .iter()
        .map(|playbook| {
            let runs: Vec<&RunResult> = results.iter().filter(|result| &result.playbook == playbook).collect();
            let of = |value: &dyn Fn(&RunResult) -> f64| {
                Distribution::of(&runs.iter().map(|run| value(run)).collect::<Vec<f64>>())
            };
            let objectives = runs
                .first()
                .map(|first| {
                    first
                        .objectives
                        .iter()
                        .enumerate()
                        .map(|(index, objective)| {
                            let points = of(&|run| run.objectives.get(index).map_or(0.0, |objective| objective.points));
                            (objective.objective.clone(), points)
                        })
                        .collect()
                })
                .unwrap_or_default();
            PlanSummary {
                playbook: playbook.clone(),
                runs: runs.len(),
                score: of(&|run| run.score),
                objectives,
                wiped: of(&|run| run.wiped as f64),
                downtime_hours: of(&|run| run.downtime_minutes as f64 / 60.0),
                evidence_lost: of(&|run| run.evidence_lost as f64),
            }
        })
        .collect()
}

/// Two plans compared on the seeds both ran.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub first: String,
    pub second: String,
    pub seeds: usize,
    pub first_better: usize,
    pub second_better: usize,
    pub ties: usize,
    /// Mean and median of (first's score - second's score) over the seeds.
    pub mean_difference: f64,
    pub median_difference: f64,
    /// Sums of the signed-rank test's ranks of the differences where the first plan scored
    /// higher, and where it scored lower: the larger says which plan the test favours.
    pub ranks_first_higher: f64,
    pub ranks_first_lower: f64,
    /// Two-sided p-value of the Wilcoxon signed-rank test.
    pub p_value: f64,
    /// `exact` (60 differing seeds or fewer) or `normal approximation`.
    pub method: &'static str,
}

/// Below this p-value a difference is called clear.
const CLEAR: f64 = 0.05;

impl Comparison {
    /// Which plan is better, and how sure that is, in a sentence or two.
    pub fn verdict(&self) -> String {
        let (first, second) = (&self.first, &self.second);
        let counts = format!(
            "`{first}` scored higher on {} of {} seeds, lower on {}, the same on {}; difference {:+.1} points on average, {:+.1} at the median",
            self.first_better, self.seeds, self.second_better, self.ties, self.mean_difference, self.median_difference
        );
        let test = format!(
            "Wilcoxon signed-rank test, paired by seed ({}): {}",
            self.method,
            p_text(self.p_value)
        );
        // The test's own statistic says which way: a few large losses outweigh many small wins.
        let (better, worse) = match self.ranks_first_higher >= self.ranks_first_lower {
            true => (first, second),
            false => (second, first),
        };
        let conclusion = if self.seeds == 0 {
            "No seed was run with both plans: nothing to compare".to_string()
        } else if self.p_value < CLEAR {
            let chance = match self.p_value {
                p if p < 0.001 => "less than 1 time in 1,000".to_string(),
                p => format!("about {} time in {}", 1, (1.0 / p).floor() as u64),
            };
            format!("`{better}` is better than `{worse}`: a difference this consistent would arise by chance {chance}")
        } else {
            format!(
                "No clear difference between `{first}` and `{second}` over these seeds: more seeds may tell them apart"
            )
        };
        format!("{counts}.\n{test}.\n{conclusion}.")
    }
}

fn p_text(p: f64) -> String {
    match p {
        p if p < 0.0001 => "p < 0.0001".to_string(),
        p => format!("p = {p:.4}"),
    }
}

/// Compares two plans on the seeds both ran.
pub fn compare(results: &[RunResult], first: &str, second: &str) -> Comparison {
    let score = |playbook: &str| -> std::collections::BTreeMap<u64, f64> {
        results
            .iter()
            .filter(|result| result.playbook == playbook)
            .map(|result| (result.seed, result.score))
            .collect()
    };
    let (a, b) = (score(first), score(second));
    let differences: Vec<f64> = a
        .iter()
        .filter_map(|(seed, score)| b.get(seed).map(|other| score - other))
        .collect();
    let test = signed_rank_test(&differences);
    let distribution = Distribution::of(&differences);
    Comparison {
        first: first.to_string(),
        second: second.to_string(),
        seeds: differences.len(),
        first_better: differences.iter().filter(|&&d| d > TIED).count(),
        second_better: differences.iter().filter(|&&d| d < -TIED).count(),
        ties: differences.iter().filter(|&&d| d.abs() <= TIED).count(),
        mean_difference: distribution.mean,
        median_difference: distribution.median,
        ranks_first_higher: test.positive_ranks,
        ranks_first_lower: test.negative_ranks,
        p_value: test.p_value,
        method: test.method,
    }
}

/// Scores this close are the same (they are sums of rounded points).
const TIED: f64 = 1e-9;

/// The Wilcoxon signed-rank test of paired differences.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignedRank {
    /// Two-sided.
    pub p_value: f64,
    pub method: &'static str,
    /// Sums of the ranks of the positive and of the negative differences.
    pub positive_ranks: f64,
    pub negative_ranks: f64,
}

/// The Wilcoxon signed-rank test of paired differences: zero differences are left out, tied
/// magnitudes share their ranks. Exact up to 60 differences, by the normal approximation
/// (with the tie and continuity corrections) beyond.
pub fn signed_rank_test(differences: &[f64]) -> SignedRank {
    let mut nonzero: Vec<f64> = differences.iter().copied().filter(|d| d.abs() > TIED).collect();
    let n = nonzero.len();
    if n == 0 {
        return SignedRank {
            p_value: 1.0,
            method: "exact",
            positive_ranks: 0.0,
            negative_ranks: 0.0,
        };
    }
    nonzero.sort_by(|a, b| a.abs().total_cmp(&b.abs()));
    // Doubled ranks stay whole numbers when tied magnitudes share the mean of their ranks.
    let mut doubled = vec![0usize; n];
    let mut tie_groups = Vec::new();
    let mut start = 0;
    while start < n {
        let mut end = start;
        while end + 1 < n && (nonzero[end + 1].abs() - nonzero[start].abs()).abs() <= TIED {
            end += 1;
        }
        for rank in &mut doubled[start..=end] {
            *rank = (start + 1) + (end + 1);
        }
        tie_groups.push(end - start + 1);
        start = end + 1;
    }
    let positive: usize = (0..n).filter(|&i| nonzero[i] > 0.0).map(|i| doubled[i]).sum();
    let total: usize = doubled.iter().sum();
    let test = |p_value: f64, method| SignedRank {
        p_value,
        method,
        positive_ranks: positive as f64 / 2.0,
        negative_ranks: (total - positive) as f64 / 2.0,
    };
    if n <= 60 {
        // The distribution of the positive ranks' sum when each sign is a coin toss.
        let mut chances = vec![0.0f64; total + 1];
        chances[0] = 1.0;
        let mut reach = 0;
        for &rank in &doubled {
            for sum in (0..=reach).rev() {
                let half = chances[sum] / 2.0;
                chances[sum] = half;
                chances[sum + rank] += half;
            }
            reach += rank;
        }
        let at_most: f64 = chances[..=positive].iter().sum();
        let at_least: f64 = chances[positive..].iter().sum();
        return test((2.0 * at_most.min(at_least)).min(1.0), "exact");
    }
    let n = n as f64;
    let w = positive as f64 / 2.0;
    let mean = n * (n + 1.0) / 4.0;
    let ties: f64 = tie_groups.iter().map(|&t| (t * t * t - t) as f64).sum();
    let variance = n * (n + 1.0) * (2.0 * n + 1.0) / 24.0 - ties / 48.0;
    let z = ((w - mean).abs() - 0.5).max(0.0) / variance.sqrt();
    test(erfc(z / std::f64::consts::SQRT_2).min(1.0), "normal approximation")
}

/// The complementary error function (Numerical Recipes' Chebyshev fit, relative error under
/// 1.2e-7).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98 + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let value = t * poly.exp();
    if x >= 0.0 { value } else { 2.0 - value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate() {
        let values: Vec<f64> = (1..=11).map(f64::from).collect();
        let distribution = Distribution::of(&values);
        assert_eq!(
            (distribution.median, distribution.p10, distribution.p90),
            (6.0, 2.0, 10.0)
        );
        assert_eq!(Distribution::of(&[]).median, 0.0);
    }

    #[test]
    fn the_signed_rank_test_counts_sign_patterns_exactly() {
        // Every one of 10 differences positive: the exact two-sided p is 2 / 2^10.
        let all_up: Vec<f64> = (1..=10).map(f64::from).collect();
        let SignedRank { p_value: p, method, .. } = signed_rank_test(&all_up);
        assert_eq!(method, "exact");
        assert!((p - 2.0 / 1024.0).abs() < 1e-12, "{p}");
        // Counted by hand: d = [1, -2, 3, -4, 5] has W+ = 9 of 15, and 13 of the 32 sign
        // patterns give W+ >= 9 (as many as give W+ <= 6).
        let p = signed_rank_test(&[1.0, -2.0, 3.0, -4.0, 5.0]).p_value;
        assert!((p - 2.0 * 13.0 / 32.0).abs() < 1e-12, "{p}");
        // Tied magnitudes share their ranks: [1, 1, -1] has ranks 2, 2, 2 and W+ = 4 of 6;
        // P(W+ >= 4) = 4/8 (sign patterns with two or three positive).
        let p = signed_rank_test(&[1.0, 1.0, -1.0]).p_value;
        assert!((p - 1.0).abs() < 1e-12, "{p}");
        // No difference at all.
        assert_eq!(signed_rank_test(&[0.0, 0.0]).p_value, 1.0);
        // The normal approximation agrees with the exact test where both apply.
        let mixed: Vec<f64> = (1..=80)
            .map(|i| if i % 3 == 0 { -(i as f64) } else { i as f64 })
            .collect();
        let SignedRank {
            p_value: approximate,
            method,
            ..
        } = signed_rank_test(&mixed);
        assert_eq!(method, "normal approximation");
        assert!(approximate < 0.01, "{approximate}");
        assert!((erfc(0.0) - 1.0).abs() < 1e-6 && (erfc(1.0) - 0.157_299_2).abs() < 1e-6);
    }

    fn run(seed: u64, playbook: &str, score: f64) -> RunResult {
        RunResult {
            scenario: "test".to_string(),
            scenario_hash: "0".repeat(16),
            simulation: crate::session::SESSION_FORMAT,
            seed,
            playbook: playbook.to_string(),
            score,
            objectives: Vec::new(),
            wiped: 0,
            wiped_without_response: 0,
            defaced: 0,
            compromised: 0,
            downtime_minutes: 0,
            evidence_lost: 0,
        }
    }

    /// Many small wins and fewer large losses: the plan that wins more seeds is the worse one
    /// on average, and the test (and the verdict) says so.
    #[test]
    fn a_few_large_losses_outweigh_many_small_wins() {
        let mut results = Vec::new();
        for seed in 0..100 {
            let steady = 53.0;
            let erratic = if seed < 58 { 55.0 } else { 45.0 };
            results.push(run(seed, "erratic", erratic));
            results.push(run(seed, "steady", steady));
        }
        let comparison = compare(&results, "erratic", "steady");
        assert_eq!((comparison.first_better, comparison.second_better), (58, 42));
        assert!(comparison.mean_difference < 0.0 && comparison.median_difference > 0.0);
        assert!(comparison.p_value < 0.05, "{}", comparison.p_value);
        assert!(
            comparison.verdict().contains("`steady` is better than `erratic`"),
            "{}",
            comparison.verdict()
        );
    }
}
