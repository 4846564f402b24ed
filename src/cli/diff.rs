//! `redscreen diff`: two sessions of the same scenario and seed side by side: their actions in
//! time order, their losses, and their grades per objective.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use redscreen::exercise::{Baseline, replay};
use redscreen::scenario::model::Tick;
use redscreen::session::Record;

use super::{CliError, load};

/// What `redscreen diff` was asked to compare.
#[derive(Debug, clap::Args)]
pub struct DiffOptions {
    /// The first session.
    first: PathBuf,
    /// The second session.
    second: PathBuf,
    /// The scenario file, when it has moved since the sessions were recorded.
    #[arg(long)]
    scenario: Option<PathBuf>,
}

/// Compares two sessions.
pub fn diff(options: DiffOptions) -> Result<ExitCode, CliError> {
    let (first, second) = (&options.first, &options.second);
    let (a, b) = (load::session(first)?, load::session(second)?);
    if a.header.scenario_hash != b.header.scenario_hash || a.header.seed != b.header.seed {
        return Err(CliError::Failed(format!(
            "{} ({} seed {}) and {} ({} seed {}) are not sessions of the same scenario and seed",
            first.display(),
            a.header.scenario,
            a.header.seed,
            second.display(),
            b.header.scenario,
            b.header.seed
        )));
    }
    let scenario = load::session_scenario(&a.header, options.scenario.as_deref())?;
    let mut graded = Vec::new();
    for (path, session) in [(first, &a), (second, &b)] {
        let replayed = replay(session, Arc::clone(&scenario), None, |_| {})
            .map_err(|error| CliError::Failed(format!("{}: {error}", path.display())))?;
        // Each session is graded against doing nothing for as long as it ran.
        graded.push(Baseline::default().grade(&replayed.exercise).debrief);
    }
    println!(
        "{} against {}: {}, seed {}",
        first.display(),
        second.display(),
        a.header.scenario,
        a.header.seed
    );
    println!();
    println!("Actions");
    let mut lines: Vec<(u32, usize, String)> = Vec::new();
    for (side, session) in [&a, &b].into_iter().enumerate() {
        for (_, record) in &session.records {
            if let Record::Action {
                tick, action, accepted, ..
            } = record
            {
                let refused = if *accepted { "" } else { " (refused)" };
                lines.push((*tick, side, format!("{action}{refused}")));
            }
        }
    }
    lines.sort_by_key(|(tick, side, _)| (*tick, *side));
    for (tick, side, action) in lines {
        let time = scenario.time_of(Tick(tick)).strftime("%a %H:%M").to_string();
        let (left, right) = if side == 0 {
            (action, String::new())
        } else {
            (String::new(), action)
        };
        println!("  {time}  {left:<46} {right}");
    }
    println!();
    let [one, other] = [&graded[0], &graded[1]];
    println!(
        "Machines wiped: {} against {} (with no response: {})",
        one.response.wiped, other.response.wiped, one.baseline.wiped
    );
    println!("  {:<26} {:>8} {:>8} {:>8}", "objective", "first", "second", "change");
    for (mine, theirs) in one.score.objectives.iter().zip(&other.score.objectives) {
        println!(
            "  {:<26} {:>5.1} {} {:>5.1} {} {:>+8.1}",
            mine.objective,
            mine.points,
            mine.rating,
            theirs.points,
            theirs.rating,
            theirs.points - mine.points
        );
    }
    println!(
        "  {:<26} {:>8.1} {:>8.1} {:>+8.1}",
        "total",
        one.score.total,
        other.score.total,
        other.score.total - one.score.total
    );
    Ok(ExitCode::SUCCESS)
}
