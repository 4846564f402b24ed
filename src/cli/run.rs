//! `redscreen run`: the exercise headless, with no response (the baseline), with a playbook
//! graded against the baseline of the same seed, or at the terminal console.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use redscreen::exercise::{Exercise, Summary};
use redscreen::scenario::Limits;
use redscreen::scenario::model::Tick;
use redscreen::scoring::{Debrief, debrief};
use redscreen::session::Recorder;

use super::{CliError, console, load, values};

/// What `redscreen run` was asked to do.
#[derive(Debug, clap::Args)]
pub struct RunOptions {
    /// Scenario file (the embedded flagship when absent).
    file: Option<PathBuf>,
    /// Seed of the simulation's random numbers: the same seed gives the same run.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Stop after this local time (`2014-11-24 12:00`) or tick number.
    #[arg(long)]
    until: Option<String>,
    /// Follow a response plan (a playbook file) and grade it against the run with no response.
    #[arg(long, conflicts_with = "interactive")]
    playbook: Option<PathBuf>,
    /// Play the exercise at a console: observations come in, you type actions (`help`).
    #[arg(long, short)]
    interactive: bool,
    /// Record the session to this file (a console session is recorded in `sessions/` anyway).
    #[arg(long)]
    record: Option<PathBuf>,
    /// Print the summary as one JSON object (fields in docs/run-output.md).
    #[arg(long)]
    json: bool,
    /// Worker threads for the simulation (the results do not depend on it).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Refuse scenarios with more machines than this.
    #[arg(long, default_value_t = Limits::default().max_hosts)]
    max_hosts: u64,
}

/// The run's summary, and with a playbook its grade against the run with no response.
#[derive(serde::Serialize)]
struct RunReport {
    #[serde(flatten)]
    summary: Summary,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    debrief: Option<Debrief>,
}

/// Runs the exercise as asked.
pub fn run(options: RunOptions) -> Result<ExitCode, CliError> {
    let limits = Limits {
        max_hosts: options.max_hosts,
        ..Limits::default()
    };
    let scenario = load::scenario(options.file.as_deref(), &limits)?;
    let playbook = options
        .playbook
        .as_deref()
        .map(|path| load::playbook(path, &scenario))
        .transpose()?;
    let last = values::moment_if(&scenario, "--until", options.until.as_deref())?.unwrap_or(scenario.meta.end());
    if let Some(threads) = options.threads {
        // The task pools are global: sized once, before the app is built.
        bevy::app::TaskPoolOptions::with_num_threads(threads as usize).create_default_pools();
    }
    let source = load::scenario_source(options.file.as_deref());
    if options.interactive {
        return console::run(scenario, options.seed, &source, options.record);
    }
    let passes = if playbook.is_some() { 2 } else { 1 };
    let mut progress = Progress::new(last.0 * passes);
    let mut baseline = Exercise::unattended(Arc::clone(&scenario), options.seed);
    let mode = playbook
        .as_ref()
        .map_or("baseline".to_string(), |playbook| format!("playbook {}", playbook.name));
    // With a playbook, the session recorded is the response, not the baseline beside it.
    let mut recorder = match (&options.record, &playbook) {
        (Some(path), None) => Some(load::start_recording(path, &baseline, &source, &mode)?),
        _ => None,
    };
    simulate(&mut baseline, last, recorder.as_mut(), |tick| progress.show(tick))?;
    let mut report = RunReport {
        summary: baseline.summary(),
        debrief: None,
    };
    if let Some(playbook) = playbook {
        let mut response = Exercise::following(Arc::clone(&scenario), options.seed, playbook);
        let mut recorder = match &options.record {
            Some(path) => Some(load::start_recording(path, &response, &source, &mode)?),
            None => None,
        };
        simulate(&mut response, last, recorder.as_mut(), |tick| {
            progress.show(last.0 + tick)
        })?;
        report.debrief = Some(debrief(response.simulation(), baseline.simulation()));
        report.summary = response.summary();
    }
    progress.finish();
    if options.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|error| CliError::Failed(format!("cannot write JSON: {error}")))?;
        println!("{text}");
    } else {
        print!("{}", report.summary);
        if let Some(debrief) = &report.debrief {
            println!();
            print!("{debrief}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Steps an exercise through `last`, recording each tick and the end; a write error stops
/// the run, leaving what was written.
pub fn simulate(
    exercise: &mut Exercise,
    last: Tick,
    mut recorder: Option<&mut Recorder>,
    mut progress: impl FnMut(u32),
) -> Result<(), CliError> {
    let failed =
        |recorder: &Recorder, error| CliError::io(format!("recording to {} failed", recorder.path.display()), error);
    let last = last.min(exercise.simulation().end());
    while exercise.now().is_none_or(|now| now < last) {
        exercise.step();
        if let Some(recorder) = recorder.as_deref_mut() {
            exercise
                .record_tick(recorder)
                .map_err(|error| failed(recorder, error))?;
        }
        progress(exercise.now().map_or(0, |tick| tick.0));
    }
    if let Some(recorder) = recorder {
        exercise.record_end(recorder).map_err(|error| failed(recorder, error))?;
    }
    Ok(())
}

/// A progress bar on standard error, drawn only when it is a terminal.
pub struct Progress {
    last: u32,
    /// What it counts (`tick`, `machine`).
    unit: &'static str,
    shown: Option<u32>,
    enabled: bool,
}

impl Progress {
    /// A bar of ticks that is full at `last`.
    pub fn new(last: u32) -> Self {
        Self::counting(last, "tick")
    }

    /// A bar of `unit`s that is full at `last`.
    pub fn counting(last: u32, unit: &'static str) -> Self {
        use std::io::IsTerminal;
        Self {
            last,
            unit,
            shown: None,
            enabled: std::io::stderr().is_terminal(),
        }
    }

    /// Shows the bar at `tick`, when its percentage changed.
    pub fn show(&mut self, tick: u32) {
        let percent = if self.last == 0 {
            100
        } else {
            (tick as u64 * 100 / self.last as u64).min(100)
        } as u32;
        if !self.enabled || self.shown == Some(percent) {
            return;
        }
        self.shown = Some(percent);
        let filled = (percent / 4) as usize;
        eprint!(
            "\r[{}{}] {percent:>3}%  {} {tick}/{}",
            "#".repeat(filled),
            ".".repeat(25 - filled),
            self.unit,
            self.last
        );
    }

    /// Ends the bar's line.
    pub fn finish(&self) {
        if self.enabled && self.shown.is_some() {
            eprintln!();
        }
    }
}
