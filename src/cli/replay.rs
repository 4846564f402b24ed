//! `redscreen replay`: verify a session by playing it again, show a moment of it, branch it
//! into a new session with another plan, or watch it in the window.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use redscreen::exercise::{Exercise, branch, describe_observation, replay as replay_session};
use redscreen::sim::ObservationLog;

use super::play::WindowOptions;
use super::{CliError, load, play, run, values};

/// What `redscreen replay` was asked to do.
#[derive(Debug, clap::Args)]
pub struct ReplayOptions {
    /// The session file.
    pub session: PathBuf,
    /// The scenario file, when it has moved since the session was recorded.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Show the observed and the true state at this local time or tick.
    #[arg(long, conflicts_with = "branch_at")]
    pub at: Option<String>,
    /// Continue from this local time or tick with another playbook, into a new session.
    #[arg(long, requires_all = ["playbook", "record"])]
    branch_at: Option<String>,
    /// The playbook to follow from the branch point.
    #[arg(long, requires = "branch_at")]
    playbook: Option<PathBuf>,
    /// The new session of the branch.
    #[arg(long, requires = "branch_at")]
    record: Option<PathBuf>,
    /// Play the session in the exercise window, with a scrubber and a ground-truth view
    /// (`--at` is then where it starts).
    #[arg(long, conflicts_with = "branch_at")]
    gui: bool,
    #[command(flatten, next_help_heading = "Window (with --gui)")]
    pub window: WindowOptions,
}

/// Replays a session as asked.
pub fn replay(options: ReplayOptions) -> Result<ExitCode, CliError> {
    let session = load::session(&options.session)?;
    let scenario = load::session_scenario(&session.header, options.scenario.as_deref())?;
    let shown = options.session.display();
    if session.cut_tail {
        eprintln!(
            "warning: the last line of {shown} was cut short (the recording stopped mid-write); replaying the {} complete records",
            session.records.len()
        );
    }
    if !session.ended() {
        eprintln!(
            "warning: {shown} has no end record: the recording stopped after tick {}",
            session.last_tick()
        );
    }
    let at = values::moment_if(&scenario, "--at", options.at.as_deref())?;
    let branch_at = values::moment_if(&scenario, "--branch-at", options.branch_at.as_deref())?;
    if let Some(tick) = at.or(branch_at)
        && tick.0 > session.last_tick()
    {
        return Err(CliError::Usage(format!(
            "the session only reaches tick {}",
            session.last_tick()
        )));
    }
    if let (Some(tick), Some(playbook), Some(record)) = (branch_at, &options.playbook, &options.record) {
        let playbook = load::playbook(playbook, &scenario)?;
        // The branch replays the session up to the tick before, recording it anew.
        let origin = options.session.display().to_string();
        let mode = format!("playbook {}", playbook.name);
        let (mut exercise, mut recorder) = branch(&session, &origin, Arc::clone(&scenario), tick, record, &mode)?;
        exercise.follow(playbook, tick);
        // The branch runs as long as the session it comes from.
        let end = redscreen::scenario::model::Tick(session.last_tick());
        run::simulate(&mut exercise, end, Some(&mut recorder), |_| {})?;
        print!("{}", exercise.summary());
        println!("branched at tick {} into {}", tick.0, record.display());
        return Ok(ExitCode::SUCCESS);
    }
    if options.gui {
        return play::replay_in_window(&options, session, scenario);
    }
    let replayed = replay_session(&session, scenario, at, |_| {})?;
    match at {
        Some(_) => print_moment(&replayed.exercise),
        None => print!("{}", replayed.exercise.summary()),
    }
    let reached = replayed.exercise.now().map_or(0, |tick| tick.0);
    println!(
        "verified: {} actions and {} checkpoints agree through tick {reached}{}",
        replayed.actions_replayed,
        replayed.checkpoints_verified,
        if session.cut_tail {
            " (the cut tail was left out)"
        } else {
            ""
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// The responder's view and the ground truth at the moment a replay stopped.
fn print_moment(exercise: &Exercise) {
    let scenario = exercise.scenario();
    let observations = &exercise.simulation().world().resource::<ObservationLog>().observations;
    let time = exercise
        .now()
        .map(|tick| scenario.time_of(tick).strftime("%A %Y-%m-%d %H:%M %Z").to_string());
    println!("At {}", time.unwrap_or_default());
    println!();
    println!("Observed: {} observations so far; the latest:", observations.len());
    for observed in observations.iter().rev().take(12).rev() {
        println!("  {}", describe_observation(exercise, observed));
    }
    let desk = exercise.desk();
    println!(
        "The team: {} free, {} waiting; actions so far:",
        desk.free(),
        desk.queued()
    );
    for entry in &desk.log {
        let asked = scenario.time_of(entry.requested).strftime("%H:%M").to_string();
        println!(
            "  {asked}  {:<44} {}",
            entry.action.to_text(scenario),
            entry.progress.describe(scenario)
        );
    }
    println!();
    println!("Ground truth:");
    print!("{}", exercise.summary());
}
