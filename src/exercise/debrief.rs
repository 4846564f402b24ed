//! Grading an exercise against the run with no response of the same scenario and seed, both
//! simulated to the same tick: the debrief and both runs' curves, for the console, the window
//! and the CLI alike.

use crate::scoring::{Curves, Debrief, debrief};
use crate::sim::Simulation;

use super::Exercise;

/// The debrief of an exercise so far, with both runs' curves for the chart.
pub struct Graded {
    pub debrief: Debrief,
    pub response: Curves,
    pub baseline: Curves,
}

/// The run with no response, kept between debriefs so that a later one only simulates the
/// ticks since the last.
#[derive(Default)]
pub struct Baseline {
    simulation: Option<Simulation>,
}

impl Baseline {
    /// Grades `exercise` so far, advancing the baseline (or starting it again, if it is ahead)
    /// to the exercise's present first: exactly as far, and not at all before the first tick.
    pub fn grade(&mut self, exercise: &Exercise) -> Graded {
        let run = exercise.simulation();
        let now = run.now();
        let fresh = || Simulation::new(run.shared_scenario(), run.seed());
        let base = match &mut self.simulation {
            Some(base) if base.now() <= now && base.seed() == run.seed() => base,
            slot => slot.insert(fresh()),
        };
        if let Some(now) = now {
            base.run_through(now, |_| {});
        }
        Graded {
            debrief: debrief(run, base),
            response: Curves::of(run),
            baseline: Curves::of(base),
        }
    }
}
