//! Sweeps: response plans evaluated over many seeds. Each seed's run with no response is
//! simulated once, then each playbook on the same seed, graded against it; the runs of a batch
//! of seeds go to every core at once (rayon), and each result is one JSON line. A sweep can be
//! split into shards run anywhere and merged; the statistics compare plans seed by seed.

mod report;
mod results;
mod stats;

use std::ops::RangeInclusive;
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::exercise::Exercise;
use crate::response::Playbook;
use crate::scenario::Scenario;
use crate::scoring::debrief;

pub use report::report_html;
pub use results::{ResultsError, ResultsFile, line, merge, read_results, write_sorted};
pub use stats::{Comparison, Distribution, PlanSummary, compare, summarize};

/// A sweep of more seeds than this is refused as a mistake in the range.
pub const MAX_SEEDS: u64 = 10_000_000;

fn simulation_before_the_field() -> u32 {
    2
}

/// One playbook run on one seed, graded against the run with no response of that seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    pub scenario: String,
    /// The scenario file's content hash (FNV-1a, hexadecimal): results of other versions of
    /// the file do not mix.
    pub scenario_hash: String,
    /// The simulation that made the run, by its session format: another draws differently from
    /// the same seed, so its results do not mix (lines written before this field: format 2).
    #[serde(default = "simulation_before_the_field")]
    pub simulation: u32,
    pub seed: u64,
    pub playbook: String,
    /// The grade, 0 to 100.
    pub score: f64,
    /// Points of each objective of the rubric, in the rubric's order.
    pub objectives: Vec<ObjectivePoints>,
    /// Machines wiped with this response, and in the run with no response.
    pub wiped: u32,
    pub wiped_without_response: u32,
    pub defaced: u32,
    pub compromised: u32,
    /// Minutes of business-service downtime, all services together.
    pub downtime_minutes: u64,
    /// Records of the attack lost to the wiper.
    pub evidence_lost: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectivePoints {
    pub objective: String,
    pub points: f64,
}

/// What to run: seeds, and named playbooks checked against the scenario.
pub struct Sweep {
    pub scenario: Arc<Scenario>,
    pub seeds: RangeInclusive<u64>,
    pub playbooks: Vec<Playbook>,
    /// Run only the seeds of this shard: `(index, count)`, the index from 0.
    pub shard: Option<(u64, u64)>,
}

impl Sweep {
    /// The seeds of this sweep (of its shard): every `count`th seed of the range, from the
    /// `index`th.
    pub fn seeds(&self) -> impl Iterator<Item = u64> + '_ {
        let (index, count) = self.shard.unwrap_or((0, 1));
        self.seeds.clone().skip(index as usize).step_by(count as usize)
    }

    /// Runs every (seed, playbook) pair not in `done`, a batch of seeds at a time on every
    /// core; `batch_done` receives each batch's results in seed and playbook order (to write
    /// them) and may stop the sweep with an error.
    pub fn run<E>(
        &self,
        done: &std::collections::HashSet<(u64, String)>,
        mut batch_done: impl FnMut(Vec<RunResult>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut to_run = self.seeds().filter_map(|seed| {
            let missing: Vec<&Playbook> = self
                .playbooks
                .iter()
                .filter(|playbook| !done.contains(&(seed, playbook.name.clone())))
                .collect();
            (!missing.is_empty()).then_some((seed, missing))
        });
        // Small batches keep the progress moving and lose little when stopped.
        let batch = rayon::current_num_threads().max(1) * 2;
        loop {
            let seeds: Vec<(u64, Vec<&Playbook>)> = to_run.by_ref().take(batch).collect();
            if seeds.is_empty() {
                break;
            }
            let results: Vec<RunResult> = seeds
                .par_iter()
                .flat_map_iter(|(seed, playbooks)| run_seed(&self.scenario, *seed, playbooks))
                .collect();
            batch_done(results)?;
        }
        Ok(())
    }

    /// Whether a seed is one of this sweep's (of its shard's).
    pub fn includes(&self, seed: u64) -> bool {
        let (index, count) = self.shard.unwrap_or((0, 1));
        self.seeds.contains(&seed) && (seed - self.seeds.start()) % count == index
    }

    /// How many runs the sweep has, done or not.
    pub fn run_count(&self) -> u64 {
        self.seeds().count() as u64 * self.playbooks.len() as u64
    }
}

/// The run with no response of a seed, then each playbook on it, graded.
pub fn run_seed(scenario: &Arc<Scenario>, seed: u64, playbooks: &[&Playbook]) -> Vec<RunResult> {
    let end = scenario.meta.end();
    let mut baseline = Exercise::unattended(Arc::clone(scenario), seed);
    baseline.run_through(end, |_| {});
    let without_response = baseline.summary().outcome.machines;
    playbooks
        .iter()
        .map(|playbook| {
            let mut response = Exercise::following(Arc::clone(scenario), seed, (*playbook).clone());
            response.run_through(end, |_| {});
            let graded = debrief(response.simulation(), baseline.simulation());
            let outcome = response.summary().outcome;
            RunResult {
                scenario: scenario.meta.id.clone(),
                scenario_hash: format!("{:016x}", scenario.content_hash),
                simulation: crate::session::SESSION_FORMAT,
                seed,
                playbook: playbook.name.clone(),
                score: graded.score.total,
                objectives: graded
                    .score
                    .objectives
                    .iter()
                    .map(|objective| ObjectivePoints {
                        objective: objective.objective.clone(),
                        points: objective.points,
                    })
                    .collect(),
                wiped: outcome.machines.wiped,
                wiped_without_response: without_response.wiped,
                defaced: outcome.machines.defaced,
                compromised: outcome.machines.compromised,
                downtime_minutes: outcome.services.iter().map(|service| service.downtime_minutes).sum(),
                evidence_lost: outcome.evidence.lost,
            }
        })
        .collect()
}

/// `A..B` (both included) or one seed `A`.
pub fn parse_seeds(text: &str) -> Result<RangeInclusive<u64>, String> {
    let number = |part: &str| {
        part.trim()
            .parse::<u64>()
            .map_err(|_| format!("`{part}` is not a seed: seeds are whole numbers, such as 1..1000"))
    };
    let (first, last) = match text.split_once("..") {
        Some((first, last)) => (number(first)?, number(last.trim_start_matches('='))?),
        None => {
            let seed = number(text)?;
            (seed, seed)
        }
    };
    if last < first {
        return Err(format!(
            "the range {text} is empty: write the smaller seed first, such as {last}..{first}"
        ));
    }
    if last - first >= MAX_SEEDS {
        return Err(format!(
            "{} seeds is more than a sweep runs ({MAX_SEEDS}); split it into several ranges",
            last - first + 1
        ));
    }
    Ok(first..=last)
}

/// `I/N`: the shard `I` of `N`, from 0 (as Kubernetes numbers an Indexed Job's pods).
pub fn parse_shard(text: &str) -> Result<(u64, u64), String> {
    let usage = || format!("`{text}` is not a shard: write INDEX/COUNT with the index from 0, such as 0/4");
    let (index, count) = text.split_once('/').ok_or_else(usage)?;
    let (index, count) = (
        index.trim().parse::<u64>().map_err(|_| usage())?,
        count.trim().parse::<u64>().map_err(|_| usage())?,
    );
    match (count, index < count) {
        (0, _) => Err("a sweep is split into 1 shard or more".to_string()),
        (_, false) => Err(format!(
            "shard {index} of {count} does not exist: the shards of {count} are 0/{count} to {}/{count}",
            count - 1
        )),
        _ => Ok((index, count)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_seed_ranges_and_shards() {
        assert_eq!(parse_seeds("1..1000"), Ok(1..=1000));
        assert_eq!(parse_seeds("7"), Ok(7..=7));
        assert_eq!(parse_seeds("1..=3"), Ok(1..=3));
        assert!(parse_seeds("10..1").unwrap_err().contains("empty"));
        assert!(parse_seeds("1..99999999999").unwrap_err().contains("more than a sweep"));
        assert!(parse_seeds("a..b").unwrap_err().contains("not a seed"));
        assert_eq!(parse_shard("0/4"), Ok((0, 4)));
        assert!(parse_shard("4/4").unwrap_err().contains("0/4 to 3/4"));
        assert!(parse_shard("1/0").is_err());
        assert!(parse_shard("x").is_err());
    }

    #[test]
    fn a_shard_includes_exactly_its_seeds() {
        let scenario = crate::scenario::load_flagship(&crate::scenario::Limits::default()).unwrap();
        let sweep = Sweep {
            scenario: Arc::new(scenario),
            seeds: 5..=20,
            playbooks: Vec::new(),
            shard: Some((1, 3)),
        };
        let listed: Vec<u64> = sweep.seeds().collect();
        assert_eq!(listed, [6, 9, 12, 15, 18]);
        let included: Vec<u64> = (0..30).filter(|&seed| sweep.includes(seed)).collect();
        assert_eq!(included, listed);
    }
}
