//! Commands of the `redscreen` binary. Exit codes: 0 success, 1 the scenario has problems,
//! 2 usage or I/O errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use miette::{Diagnostic, NamedSource, SourceSpan};
use redscreen::response::{Console, Control, FollowedPlaybook, load_playbook};
use redscreen::scenario::{self, Limits, LoadError, Report, Scenario, Summary};
use redscreen::scoring::{Debrief, debrief};
use redscreen::sim::Simulation;

/// A training simulator for responding to a destructive-wiper attack.
#[derive(Debug, Parser)]
#[command(name = "redscreen", version, about)]
pub struct Arguments {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check scenario files and summarise them (the embedded flagship when none is given).
    Check {
        /// Scenario files (RON).
        files: Vec<PathBuf>,
        /// Refuse scenarios with more machines than this.
        #[arg(long, default_value_t = Limits::default().max_hosts)]
        max_hosts: u64,
        /// Print only problems, not the summary.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Run the exercise: with no response (the baseline), a playbook, or at the console.
    Run(RunOptions),
    /// Write a synthetic enterprise scenario, for scale tests.
    Gen {
        /// Number of machines.
        #[arg(long, value_parser = clap::value_parser!(u64).range(10..=2_000_000))]
        hosts: u64,
        /// Output file (standard output when absent).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

/// Runs a command and turns its outcome into the process exit code.
pub fn run(arguments: Arguments) -> ExitCode {
    let command = arguments.command.unwrap_or(Command::Check {
        files: Vec::new(),
        max_hosts: Limits::default().max_hosts,
        quiet: false,
    });
    match command {
        Command::Check {
            files,
            max_hosts,
            quiet,
        } => check(&files, max_hosts, quiet),
        Command::Gen { hosts, output } => generate(hosts, output),
        Command::Run(options) => run_exercise(options),
    }
}

fn check(files: &[PathBuf], max_hosts: u64, quiet: bool) -> ExitCode {
    let limits = Limits {
        max_hosts,
        ..Limits::default()
    };
    if files.is_empty() {
        return ExitCode::from(report_load(scenario::load_flagship(&limits), quiet));
    }
    let worst = files
        .iter()
        .map(|file| report_load(scenario::load_file(file, &limits), quiet))
        .max()
        .unwrap_or(0);
    ExitCode::from(worst)
}

/// Prints a summary or the problems; returns the exit code this outcome deserves.
fn report_load(outcome: Result<Scenario, LoadError>, quiet: bool) -> u8 {
    match outcome {
        Ok(scenario) => {
            if quiet {
                println!("ok: {}", scenario.meta.id);
            } else {
                print!("{}", Summary(&scenario));
            }
            0
        }
        Err(LoadError::Invalid(report)) => {
            print_problems(&report);
            1
        }
        Err(error @ LoadError::Read { .. }) => {
            eprintln!("error: {}", error_chain(&error));
            2
        }
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

/// One problem as miette draws it: the message, the file excerpt with a label, the hint.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
struct LocatedProblem {
    message: String,
    #[source_code]
    source_code: NamedSource<Arc<String>>,
    #[label("{label}")]
    span: SourceSpan,
    label: String,
    #[help]
    hint: Option<String>,
}

fn print_problems(report: &Report) {
    let source = Arc::new(report.source.clone());
    for problem in &report.problems {
        let location = problem.location;
        let length = location.span.end.saturating_sub(location.span.start);
        let diagnostic = LocatedProblem {
            message: problem.kind.to_string(),
            source_code: NamedSource::new(&report.file, Arc::clone(&source)),
            span: (location.span.start, length).into(),
            label: problem.label.clone(),
            hint: problem.hint.clone(),
        };
        eprintln!("{:?}", miette::Report::new(diagnostic));
    }
    let count = report.problems.len();
    eprintln!("{}: {count} problem{}", report.file, if count == 1 { "" } else { "s" });
}

fn generate(hosts: u64, output: Option<PathBuf>) -> ExitCode {
    let text = scenario::generate::synthetic_enterprise(hosts);
    match output {
        None => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Some(path) => match std::fs::write(&path, text) {
            Ok(()) => {
                eprintln!("wrote {} ({hosts} machines)", path.display());
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: cannot write {}: {error}", path.display());
                ExitCode::from(2)
            }
        },
    }
}

/// Loads a scenario file, or the flagship; on failure prints why and gives the exit code.
fn load(file: Option<&Path>, limits: &Limits) -> Result<Scenario, u8> {
    let outcome = match file {
        Some(path) => scenario::load_file(path, limits),
        None => scenario::load_flagship(limits),
    };
    outcome.map_err(|error| match error {
        LoadError::Invalid(report) => {
            print_problems(&report);
            1
        }
        error @ LoadError::Read { .. } => {
            eprintln!("error: {}", error_chain(&error));
            2
        }
    })
}

/// What `redscreen run` was asked to do.
#[derive(Debug, clap::Args)]
struct RunOptions {
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
    /// Print the summary as one JSON object (fields in docs/run-output.md).
    #[arg(long)]
    json: bool,
    /// Worker threads for the simulation (the results do not depend on it).
    #[arg(long)]
    threads: Option<usize>,
    /// Refuse scenarios with more machines than this.
    #[arg(long, default_value_t = Limits::default().max_hosts)]
    max_hosts: u64,
}

/// The run's summary, and with a playbook its grade against the run with no response.
#[derive(serde::Serialize)]
struct RunReport {
    #[serde(flatten)]
    outcome: redscreen::sim::Outcome,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    debrief: Option<Debrief>,
}

fn run_exercise(options: RunOptions) -> ExitCode {
    let limits = Limits {
        max_hosts: options.max_hosts,
        ..Limits::default()
    };
    let scenario = match load(options.file.as_deref(), &limits) {
        Ok(scenario) => Arc::new(scenario),
        Err(code) => return ExitCode::from(code),
    };
    let playbook = match options.playbook.as_deref().map(|path| load_playbook(path, &scenario)) {
        None => None,
        Some(Ok(playbook)) => Some(playbook),
        Some(Err(LoadError::Invalid(report))) => {
            print_problems(&report);
            return ExitCode::from(1);
        }
        Some(Err(error)) => {
            eprintln!("error: {}", error_chain(&error));
            return ExitCode::from(2);
        }
    };
    let last = match options.until.as_deref().map(|text| scenario.tick_at(text)) {
        None => scenario.meta.end(),
        Some(Ok(tick)) => tick,
        Some(Err(reason)) => {
            eprintln!("error: --until: {reason}");
            return ExitCode::from(2);
        }
    };
    if let Some(threads) = options.threads {
        // The task pools are global: sized once, before the app is built.
        bevy::app::TaskPoolOptions::with_num_threads(threads).create_default_pools();
    }
    if options.interactive {
        return run_console(scenario, options.seed);
    }
    let passes = if playbook.is_some() { 2 } else { 1 };
    let mut progress = Progress::new(last.0 * passes);
    let mut simulation = Simulation::new(Arc::clone(&scenario), options.seed);
    simulation.run_through(last, |tick| progress.show(tick.0));
    let mut report = RunReport {
        outcome: simulation.outcome(),
        debrief: None,
    };
    if let Some(playbook) = playbook {
        let mut response = Simulation::new(Arc::clone(&scenario), options.seed);
        response.app.insert_resource(FollowedPlaybook::new(playbook));
        response.run_through(last, |tick| progress.show(last.0 + tick.0));
        report.debrief = Some(debrief(&response, &simulation));
        report.outcome = response.outcome();
    }
    progress.finish();
    if options.json {
        match serde_json::to_string_pretty(&report) {
            Ok(text) => println!("{text}"),
            Err(error) => {
                eprintln!("error: cannot write JSON: {error}");
                return ExitCode::from(2);
            }
        }
    } else {
        print!("{}", report.outcome);
        if let Some(debrief) = &report.debrief {
            println!();
            print!("{debrief}");
        }
    }
    ExitCode::SUCCESS
}

/// A progress bar on standard error, drawn only when it is a terminal.
struct Progress {
    last: u32,
    shown: Option<u32>,
    enabled: bool,
}

impl Progress {
    fn new(last: u32) -> Self {
        use std::io::IsTerminal;
        Self {
            last,
            shown: None,
            enabled: std::io::stderr().is_terminal(),
        }
    }

    fn show(&mut self, tick: u32) {
        let percent = if self.last == 0 {
            100
        } else {
            tick as u64 * 100 / self.last as u64
        } as u32;
        if !self.enabled || self.shown == Some(percent) {
            return;
        }
        self.shown = Some(percent);
        let filled = (percent / 4) as usize;
        eprint!(
            "\r[{}{}] {percent:>3}%  tick {tick}/{}",
            "#".repeat(filled),
            ".".repeat(25 - filled),
            self.last
        );
    }

    fn finish(&self) {
        if self.enabled && self.shown.is_some() {
            eprintln!();
        }
    }
}

/// The exercise at a terminal. On a terminal the clock runs (60 simulated seconds a second at
/// first) and lines are taken as they are typed; from a pipe the clock moves only with `step`,
/// `wait` and `until`, so a scripted session always gives the same result. The debrief follows.
fn run_console(scenario: Arc<Scenario>, seed: u64) -> ExitCode {
    use std::io::{BufRead, IsTerminal, Write};
    use std::sync::mpsc::{RecvTimeoutError, channel};
    use std::time::Duration;

    let interactive = std::io::stdin().is_terminal();
    let mut console = Console::new(Arc::clone(&scenario), seed);
    for line in console.briefing() {
        println!("{line}");
    }
    if interactive {
        println!("The clock is running at 60× (a minute a second): `pause`, `speed 1|10|60|600|3600`, `end`.");
    }
    let (lines, typed) = channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut playing = interactive;
    let mut speed = 60u32;
    while !console.finished() {
        let _ = std::io::stdout().flush();
        let next = if playing {
            let real_seconds = scenario.meta.tick_seconds as f64 / speed as f64;
            typed.recv_timeout(Duration::from_secs_f64(real_seconds))
        } else {
            typed.recv().map_err(|_| RecvTimeoutError::Disconnected)
        };
        let line = match next {
            Ok(Ok(line)) => line,
            Err(RecvTimeoutError::Timeout) => {
                for line in console.advance(1) {
                    println!("{line}");
                }
                continue;
            }
            Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => break,
        };
        let (output, control) = console.handle(&line);
        for line in output {
            println!("{line}");
        }
        match control {
            Control::Continue => {}
            Control::Pause => playing = false,
            Control::Play => playing = interactive,
            Control::Speed(chosen) => speed = chosen,
            Control::End => break,
        }
    }
    let last = console.simulation.now().unwrap_or_default();
    let mut baseline = Simulation::new(scenario, seed);
    baseline.run_through(last, |_| {});
    println!();
    print!("{}", console.simulation.outcome());
    println!();
    print!("{}", debrief(&console.simulation, &baseline));
    ExitCode::SUCCESS
}
