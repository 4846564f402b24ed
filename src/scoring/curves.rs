//! Losses over time: how many machines the attacker had compromised, defaced and wiped by each
//! tick of a run, for the debrief's chart against the run with no response.

use crate::sim::{NEVER, Simulation};

/// Machines that had reached each stage by each tick, from tick 0 through `last`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Curves {
    pub last: u32,
    pub compromised: Vec<u32>,
    pub defaced: Vec<u32>,
    pub wiped: Vec<u32>,
}

impl Curves {
    /// The curves of a run so far, from when each machine reached each stage.
    pub fn of(simulation: &Simulation) -> Self {
        let last = simulation.now().map_or(0, |tick| tick.0);
        let ticks = last as usize + 1;
        let mut reached = [vec![0u32; ticks], vec![0u32; ticks], vec![0u32; ticks]];
        for host in 0..simulation.scenario().hosts.len() {
            let truth = simulation.truth(crate::scenario::model::HostId(host as u32));
            for (counts, at) in reached
                .iter_mut()
                .zip([truth.compromised_at, truth.defaced_at, truth.wiped_at])
            {
                if at != NEVER && at <= last {
                    counts[at as usize] += 1;
                }
            }
        }
        // From "reached at this tick" to "reached by this tick".
        for counts in &mut reached {
            let mut total = 0;
            for count in counts.iter_mut() {
                total += *count;
                *count = total;
            }
        }
        let [compromised, defaced, wiped] = reached;
        Self {
            last,
            compromised,
            defaced,
            wiped,
        }
    }

    /// The largest count on any curve.
    pub fn peak(&self) -> u32 {
        [&self.compromised, &self.defaced, &self.wiped]
            .iter()
            .filter_map(|curve| curve.last().copied())
            .max()
            .unwrap_or(0)
    }
}
