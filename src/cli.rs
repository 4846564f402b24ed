//! Commands of the `redscreen` binary. Exit codes: 0 success, 1 the scenario has problems,
//! 2 usage or I/O errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use miette::{Diagnostic, NamedSource, SourceSpan};
use redscreen::response::{Console, Control, FollowedPlaybook, describe_observation, load_playbook};
use redscreen::scenario::model::Tick;
use redscreen::scenario::{self, Limits, LoadError, Report, Scenario, Summary};
use redscreen::scoring::{Debrief, debrief};
use redscreen::session::{self, Recorder, Session};
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
    /// Replay a recorded session and check it; scrub to a moment; or branch it.
    Replay(ReplayOptions),
    /// Compare two sessions of the same scenario and seed.
    Diff {
        /// The first session.
        first: PathBuf,
        /// The second session.
        second: PathBuf,
        /// The scenario file, when it has moved since the sessions were recorded.
        #[arg(long)]
        scenario: Option<PathBuf>,
    },
    /// Play the exercise in a window: the map of machines as observed, the clock, the feed.
    Play(PlayOptions),
    /// Draw the warning page (or what a machine shows at a moment) to a PNG, without a GPU.
    Screen(ScreenOptions),
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
    let Some(command) = arguments.command else {
        return play_or_console();
    };
    match command {
        Command::Check {
            files,
            max_hosts,
            quiet,
        } => check(&files, max_hosts, quiet),
        Command::Gen { hosts, output } => generate(hosts, output),
        Command::Run(options) => run_exercise(options),
        Command::Screen(options) => draw_screen(options),
        Command::Play(options) => play_exercise(options),
        Command::Replay(options) => replay_session(options),
        Command::Diff {
            first,
            second,
            scenario,
        } => diff_sessions(&first, &second, scenario.as_deref()),
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
    /// Record the session to this file (a console session is recorded in `sessions/` anyway).
    #[arg(long)]
    record: Option<PathBuf>,
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
        return run_console(scenario, options.seed, options.file.as_deref(), options.record);
    }
    let source = scenario_source(options.file.as_deref());
    let passes = if playbook.is_some() { 2 } else { 1 };
    let mut progress = Progress::new(last.0 * passes);
    let mut simulation = Simulation::new(Arc::clone(&scenario), options.seed);
    let mode = playbook
        .as_ref()
        .map_or("baseline".to_string(), |playbook| format!("playbook {}", playbook.name));
    // With a playbook, the session recorded is the response, not the baseline beside it.
    let mut recorder = match &options.record {
        Some(path) if playbook.is_none() => match start_recording(path, &simulation, &source, &mode, None) {
            Ok(recorder) => Some(recorder),
            Err(code) => return code,
        },
        _ => None,
    };
    if let Err(code) = simulate(&mut simulation, last, recorder.as_mut(), |tick| progress.show(tick)) {
        return code;
    }
    let mut report = RunReport {
        outcome: simulation.outcome(),
        debrief: None,
    };
    if let Some(playbook) = playbook {
        let mut response = Simulation::new(Arc::clone(&scenario), options.seed);
        response.app.insert_resource(FollowedPlaybook::new(playbook));
        let mut recorder = match &options.record {
            Some(path) => match start_recording(path, &response, &source, &mode, None) {
                Ok(recorder) => Some(recorder),
                Err(code) => return code,
            },
            None => None,
        };
        if let Err(code) = simulate(&mut response, last, recorder.as_mut(), |tick| {
            progress.show(last.0 + tick)
        }) {
            return code;
        }
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
fn run_console(scenario: Arc<Scenario>, seed: u64, file: Option<&Path>, record: Option<PathBuf>) -> ExitCode {
    use std::io::{BufRead, IsTerminal, Write};
    use std::sync::mpsc::{RecvTimeoutError, channel};
    use std::time::Duration;

    let interactive = std::io::stdin().is_terminal();
    let mut console = Console::new(Arc::clone(&scenario), seed);
    for line in console.briefing() {
        println!("{line}");
    }
    let path = record.unwrap_or_else(|| session::next_session_path(&scenario.meta.id, seed));
    match start_recording(&path, &console.simulation, &scenario_source(file), "console", None) {
        Ok(recorder) => {
            println!("Recording this session to {}.", path.display());
            console.record_to(recorder);
        }
        Err(code) => return code,
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
    if let Some(path) = console.finish_recording() {
        println!("Session recorded to {path}.");
    }
    // The baseline runs exactly as far as the exercise did (not at all if it never started).
    let mut baseline = Simulation::new(scenario, seed);
    if let Some(last) = console.simulation.now() {
        baseline.run_through(last, |_| {});
    }
    println!();
    print!("{}", console.simulation.outcome());
    println!();
    print!("{}", debrief(&console.simulation, &baseline));
    ExitCode::SUCCESS
}

/// How a session names its scenario: the path as given, or `embedded` for the flagship.
fn scenario_source(file: Option<&Path>) -> String {
    file.map_or("embedded".to_string(), |path| path.display().to_string())
}

fn start_recording(
    path: &Path,
    simulation: &Simulation,
    source: &str,
    mode: &str,
    branched_from: Option<(String, u32)>,
) -> Result<Recorder, ExitCode> {
    Recorder::create(path, &session::header(simulation, source, mode, branched_from)).map_err(|error| {
        eprintln!("error: cannot record to {}: {error}", path.display());
        ExitCode::from(2)
    })
}

/// Steps a simulation through `last`, recording each tick; a write error stops with exit 2,
/// leaving what was written.
fn simulate(
    simulation: &mut Simulation,
    last: Tick,
    mut recorder: Option<&mut Recorder>,
    mut progress: impl FnMut(u32),
) -> Result<(), ExitCode> {
    let written = |recorder: &Recorder, result: std::io::Result<()>| {
        result.map_err(|error| {
            eprintln!("error: recording to {} failed: {error}", recorder.path.display());
            ExitCode::from(2)
        })
    };
    while simulation.now().is_none_or(|now| now < last.min(simulation.end())) {
        simulation.step();
        if let Some(recorder) = recorder.as_deref_mut() {
            let result = recorder.after_tick(simulation);
            written(recorder, result)?;
        }
        progress(simulation.now().map_or(0, |tick| tick.0));
    }
    if let Some(recorder) = recorder {
        let result = recorder.finish(simulation);
        written(recorder, result)?;
    }
    Ok(())
}

/// What `redscreen replay` was asked to do.
#[derive(Debug, clap::Args)]
struct ReplayOptions {
    /// The session file.
    session: PathBuf,
    /// The scenario file, when it has moved since the session was recorded.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Show the observed and the true state at this local time or tick.
    #[arg(long, conflicts_with = "branch_at")]
    at: Option<String>,
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
    window: WindowOptions,
}

/// Loads the scenario a session names (or the one given), reporting problems.
fn session_scenario(header: &session::Header, given: Option<&Path>) -> Result<Arc<Scenario>, ExitCode> {
    let file = given
        .map(Path::to_path_buf)
        .or_else(|| (header.scenario_source != "embedded").then(|| PathBuf::from(&header.scenario_source)));
    load(file.as_deref(), &Limits::default())
        .map(Arc::new)
        .map_err(ExitCode::from)
}

fn read_session(path: &Path) -> Result<Session, ExitCode> {
    Session::read(path).map_err(|error| {
        eprintln!("error: {error}");
        ExitCode::from(error.exit_code())
    })
}

fn replay_session(options: ReplayOptions) -> ExitCode {
    let session = match read_session(&options.session) {
        Ok(session) => session,
        Err(code) => return code,
    };
    let scenario = match session_scenario(&session.header, options.scenario.as_deref()) {
        Ok(scenario) => scenario,
        Err(code) => return code,
    };
    if session.cut_tail {
        eprintln!(
            "warning: the last line of {} was cut short (the recording stopped mid-write); replaying the {} complete records",
            options.session.display(),
            session.records.len()
        );
    }
    if !session.ended() {
        eprintln!(
            "warning: {} has no end record: the recording stopped after tick {}",
            options.session.display(),
            session.last_tick()
        );
    }
    let moment = |text: &Option<String>| -> Result<Option<Tick>, ExitCode> {
        match text.as_deref().map(|text| scenario.tick_at(text)) {
            None => Ok(None),
            Some(Ok(tick)) => Ok(Some(tick)),
            Some(Err(reason)) => {
                eprintln!("error: {reason}");
                Err(ExitCode::from(2))
            }
        }
    };
    let (at, branch_at) = match (moment(&options.at), moment(&options.branch_at)) {
        (Ok(at), Ok(branch_at)) => (at, branch_at),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    if let Some(tick) = at.or(branch_at)
        && tick.0 > session.last_tick()
    {
        eprintln!("error: the session only reaches tick {}", session.last_tick());
        return ExitCode::from(2);
    }
    if let Some(branch) = branch_at {
        return branch_session(&options, &session, scenario, branch);
    }
    if options.gui {
        return replay_in_window(&options, session, scenario);
    }
    let replayed = match session::replay(&session, Arc::clone(&scenario), at, |_| {}) {
        Ok(replayed) => replayed,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(1);
        }
    };
    let simulation = &replayed.simulation;
    match at {
        Some(_) => print_moment(simulation),
        None => print!("{}", simulation.outcome()),
    }
    let reached = simulation.now().map_or(0, |tick| tick.0);
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
    ExitCode::SUCCESS
}

/// The responder's view and the ground truth at the moment a replay stopped.
fn print_moment(simulation: &Simulation) {
    let scenario = simulation.scenario();
    let world = simulation.world();
    let observations = &world.resource::<redscreen::sim::ObservationLog>().observations;
    let time = simulation
        .now()
        .map(|tick| scenario.time_of(tick).strftime("%A %Y-%m-%d %H:%M %Z").to_string());
    println!("At {}", time.unwrap_or_default());
    println!();
    println!("Observed: {} observations so far; the latest:", observations.len());
    for observed in observations.iter().rev().take(12).rev() {
        println!("  {}", describe_observation(scenario, observed));
    }
    let desk = world.resource::<redscreen::response::Desk>();
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
            entry.outcome.describe(scenario)
        );
    }
    println!();
    println!("Ground truth:");
    print!("{}", simulation.outcome());
}

fn branch_session(options: &ReplayOptions, session: &Session, scenario: Arc<Scenario>, branch: Tick) -> ExitCode {
    let (Some(playbook_path), Some(record)) = (&options.playbook, &options.record) else {
        eprintln!("error: --branch-at needs --playbook and --record");
        return ExitCode::from(2);
    };
    let playbook = match load_playbook(playbook_path, &scenario) {
        Ok(playbook) => playbook,
        Err(LoadError::Invalid(report)) => {
            print_problems(&report);
            return ExitCode::from(1);
        }
        Err(error) => {
            eprintln!("error: {}", error_chain(&error));
            return ExitCode::from(2);
        }
    };
    // The branch replays the session up to the tick before, recording it anew.
    let origin = options.session.display().to_string();
    let mode = format!("playbook {}", playbook.name);
    let (mut simulation, mut recorder) =
        match session::branch(session, &origin, Arc::clone(&scenario), branch, record, &mode) {
            Ok(started) => started,
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::from(error.exit_code());
            }
        };
    simulation
        .app
        .insert_resource(FollowedPlaybook::starting_at(playbook, branch));
    // The branch runs as long as the session it comes from.
    let end = Tick(session.last_tick());
    if let Err(code) = simulate(&mut simulation, end, Some(&mut recorder), |_| {}) {
        return code;
    }
    print!("{}", simulation.outcome());
    println!("branched at tick {} into {}", branch.0, record.display());
    ExitCode::SUCCESS
}

fn diff_sessions(first: &Path, second: &Path, scenario: Option<&Path>) -> ExitCode {
    let (a, b) = match (read_session(first), read_session(second)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    if a.header.scenario_hash != b.header.scenario_hash || a.header.seed != b.header.seed {
        eprintln!(
            "error: {} ({} seed {}) and {} ({} seed {}) are not sessions of the same scenario and seed",
            first.display(),
            a.header.scenario,
            a.header.seed,
            second.display(),
            b.header.scenario,
            b.header.seed
        );
        return ExitCode::from(1);
    }
    let scenario = match session_scenario(&a.header, scenario) {
        Ok(scenario) => scenario,
        Err(code) => return code,
    };
    let mut runs = Vec::new();
    for (path, session) in [(first, &a), (second, &b)] {
        match session::replay(session, Arc::clone(&scenario), None, |_| {}) {
            Ok(replayed) => runs.push(replayed.simulation),
            Err(error) => {
                eprintln!("error: {}: {error}", path.display());
                return ExitCode::from(1);
            }
        }
    }
    // Each session is graded against doing nothing for as long as it ran.
    let debriefs: Vec<Debrief> = runs
        .iter()
        .map(|run| {
            let mut baseline = Simulation::new(Arc::clone(&scenario), a.header.seed);
            baseline.run_through(run.now().unwrap_or_default(), |_| {});
            debrief(run, &baseline)
        })
        .collect();
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
            if let session::Record::Action {
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
    let [first_debrief, second_debrief] = [&debriefs[0], &debriefs[1]];
    println!(
        "Machines wiped: {} against {} (with no response: {})",
        first_debrief.response.wiped, second_debrief.response.wiped, first_debrief.baseline.wiped
    );
    println!("  {:<26} {:>8} {:>8} {:>8}", "objective", "first", "second", "change");
    for (one, other) in first_debrief
        .score
        .objectives
        .iter()
        .zip(&second_debrief.score.objectives)
    {
        println!(
            "  {:<26} {:>5.1} {} {:>5.1} {} {:>+8.1}",
            one.objective,
            one.points,
            one.rating,
            other.points,
            other.rating,
            other.points - one.points
        );
    }
    println!(
        "  {:<26} {:>8.1} {:>8.1} {:>+8.1}",
        "total",
        first_debrief.score.total,
        second_debrief.score.total,
        second_debrief.score.total - first_debrief.score.total
    );
    ExitCode::SUCCESS
}

/// What `redscreen screen` was asked to draw.
#[derive(Debug, clap::Args)]
struct ScreenOptions {
    /// Scenario file (the embedded flagship when absent).
    file: Option<PathBuf>,
    /// The PNG to write.
    #[arg(long, short, default_value = "screen.png")]
    output: PathBuf,
    /// Screen size, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x720", value_parser = parse_size)]
    size: (u32, u32),
    /// Draw what this machine shows, in the run with no response, at `--at`.
    #[arg(long, requires = "at")]
    host: Option<String>,
    /// The moment for `--host`: a local time or a tick.
    #[arg(long, requires = "host")]
    at: Option<String>,
    /// Seed of that run.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Frame of an animated page (0 to 4; the last shows the whole page).
    #[arg(long, default_value_t = redscreen::screen::FRAMES - 1)]
    frame: usize,
    /// Show it in a window, as a victim's machine shows it, instead of writing a PNG.
    #[arg(long)]
    window: bool,
    /// With --window: fill the screen.
    #[arg(long, requires = "window")]
    fullscreen: bool,
    /// With --window: once the page is fully shown, save a screenshot (Bevy's own) and exit.
    #[arg(long, requires = "window")]
    screenshot: Option<PathBuf>,
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (width, height) = text
        .split_once(['x', 'X'])
        .ok_or("expected WIDTHxHEIGHT, such as 1920x1080")?;
    let number = |part: &str| {
        part.trim()
            .parse::<u32>()
            .map_err(|_| format!("`{part}` is not a number of pixels"))
    };
    Ok((number(width)?, number(height)?))
}

fn draw_screen(options: ScreenOptions) -> ExitCode {
    use redscreen::screen::{self, Showing};
    let scenario = match load(options.file.as_deref(), &Limits::default()) {
        Ok(scenario) => Arc::new(scenario),
        Err(code) => return ExitCode::from(code),
    };
    let (width, height) = options.size;
    // What to draw, at any size: the window may be another size than the PNG.
    let relayout: Box<dyn Fn(u32, u32) -> screen::Layout + Send + Sync> = match (&options.host, &options.at) {
        (Some(name), Some(at)) => {
            let host = match machine_named(&scenario, name) {
                Ok(host) => host,
                Err(code) => return code,
            };
            let tick = match scenario.tick_at(at) {
                Ok(tick) => tick,
                Err(reason) => {
                    eprintln!("error: --at: {reason}");
                    return ExitCode::from(2);
                }
            };
            let mut simulation = Simulation::new(Arc::clone(&scenario), options.seed);
            simulation.run_through(tick, |_| {});
            let showing = screen::showing(&simulation, host);
            eprintln!(
                "{name} at {}: {}",
                scenario.time_of(tick).strftime("%Y-%m-%d %H:%M %Z"),
                match showing {
                    Showing::Desktop => "its desktop",
                    Showing::WarningPage => "the warning page",
                    Showing::NoBootableDevice => "no bootable device: it was wiped",
                    Showing::Off => "nothing: it is switched off",
                }
            );
            let scenario = Arc::clone(&scenario);
            Box::new(move |width, height| screen::screen_of(&scenario, host, showing, tick, width, height))
        }
        _ => {
            let scenario = Arc::clone(&scenario);
            Box::new(move |width, height| screen::warning_page(&scenario.screen, width, height))
        }
    };
    if options.window {
        return show_window(
            relayout,
            width,
            height,
            &scenario.meta.title,
            options.fullscreen,
            options.screenshot,
        );
    }
    let layout = relayout(width, height);
    let bytes = match screen::png(&layout, options.frame) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(if matches!(error, screen::RenderError::Image { .. }) {
                1
            } else {
                2
            });
        }
    };
    match std::fs::write(&options.output, bytes) {
        Ok(()) => {
            eprintln!("wrote {} ({width}x{height})", options.output.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: cannot write {}: {error}", options.output.display());
            ExitCode::from(2)
        }
    }
}

#[cfg(feature = "gui")]
fn show_window(
    relayout: redscreen::gui::Relayout,
    width: u32,
    height: u32,
    title: &str,
    fullscreen: bool,
    screenshot: Option<PathBuf>,
) -> ExitCode {
    use redscreen::gui::{PageWindow, show_page};
    let window = PageWindow {
        title: format!("redscreen: {title}"),
        fullscreen,
        screenshot: screenshot.clone(),
    };
    match show_page(relayout, width, height, window) {
        bevy::app::AppExit::Success => {
            if let Some(path) = screenshot {
                eprintln!("wrote {}", path.display());
            }
            ExitCode::SUCCESS
        }
        bevy::app::AppExit::Error(_) => ExitCode::from(2),
    }
}

#[cfg(not(feature = "gui"))]
fn show_window(
    _: Box<dyn Fn(u32, u32) -> redscreen::screen::Layout + Send + Sync>,
    _: u32,
    _: u32,
    _: &str,
    _: bool,
    _: Option<PathBuf>,
) -> ExitCode {
    eprintln!("error: this redscreen was built without the `gui` feature: no window");
    ExitCode::from(2)
}

/// What `redscreen play` was asked to do.
#[derive(Debug, clap::Args)]
struct PlayOptions {
    /// Scenario file (the embedded flagship when absent).
    file: Option<PathBuf>,
    /// Seed of the simulation's random numbers.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[command(flatten)]
    window: WindowOptions,
    /// Where to record the session (default: a new file in `sessions/`).
    #[arg(long)]
    record: Option<PathBuf>,
}

/// How the exercise window opens; shared by `play` and `replay --gui`.
#[derive(Debug, Clone, clap::Args)]
struct WindowOptions {
    /// Simulated seconds per real second at the start (1, 10 or 60; 0 starts paused).
    #[arg(long, default_value_t = 60)]
    speed: u32,
    /// Window size, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x720", value_parser = parse_size)]
    size: (u32, u32),
    /// Start the window at this local time or tick (the exercise runs there first).
    #[arg(long)]
    from: Option<String>,
    /// Show this machine in the inspector from the start.
    #[arg(long)]
    inspect: Option<String>,
    /// Run these lines once the window is drawn: console lines, or the window's own commands
    /// (inspect NAME, debrief, truth on|off, seek TIME, zoom FACTOR, screenshot PATH, quit).
    #[arg(long)]
    script: Option<PathBuf>,
    /// Save a screenshot once the window is drawn (after the script), then exit.
    #[arg(long)]
    screenshot: Option<PathBuf>,
    /// Measure frame times for this many seconds, print them, and exit (the frame benchmark).
    #[arg(long, value_name = "SECONDS")]
    frame_stats: Option<f32>,
}

/// The window's options checked against the scenario.
#[cfg(feature = "gui")]
fn exercise_window(options: &WindowOptions, scenario: &Scenario) -> Result<redscreen::gui::ExerciseWindow, ExitCode> {
    let start_at = match options.from.as_deref().map(|text| scenario.tick_at(text)) {
        None => None,
        Some(Ok(tick)) => Some(tick),
        Some(Err(reason)) => {
            eprintln!("error: --from: {reason}");
            return Err(ExitCode::from(2));
        }
    };
    let inspect = match options.inspect.as_deref().map(|name| machine_named(scenario, name)) {
        None => None,
        Some(Ok(host)) => Some(host),
        Some(Err(code)) => return Err(code),
    };
    let (width, height) = options.size;
    if !(800..=7680).contains(&width) || !(600..=4320).contains(&height) {
        eprintln!("error: the window needs at least 800x600");
        return Err(ExitCode::from(2));
    }
    let mut script = match &options.script {
        None => Vec::new(),
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => text.lines().map(str::to_string).collect(),
            Err(error) => {
                eprintln!("error: cannot read the script {}: {error}", path.display());
                return Err(ExitCode::from(2));
            }
        },
    };
    if let Some(path) = &options.screenshot {
        script.push(format!("screenshot {}", path.display()));
        script.push("quit".to_string());
    }
    let frame_stats = match options.frame_stats {
        Some(seconds) if !(0.5..=3600.0).contains(&seconds) => {
            eprintln!("error: --frame-stats takes 0.5 to 3600 seconds");
            return Err(ExitCode::from(2));
        }
        seconds => seconds.map(std::time::Duration::from_secs_f32),
    };
    Ok(redscreen::gui::ExerciseWindow {
        width,
        height,
        speed: options.speed,
        start_at,
        script,
        inspect,
        frame_stats,
    })
}

/// The exit code of a closed window.
#[cfg(feature = "gui")]
fn window_closed(exit: bevy::app::AppExit) -> ExitCode {
    match exit {
        bevy::app::AppExit::Success => ExitCode::SUCCESS,
        bevy::app::AppExit::Error(_) => ExitCode::from(2),
    }
}

#[cfg(feature = "gui")]
fn play_exercise(options: PlayOptions) -> ExitCode {
    let scenario = match load(options.file.as_deref(), &Limits::default()) {
        Ok(scenario) => Arc::new(scenario),
        Err(code) => return ExitCode::from(code),
    };
    let window = match exercise_window(&options.window, &scenario) {
        Ok(window) => window,
        Err(code) => return code,
    };
    let mut console = Console::new(Arc::clone(&scenario), options.seed);
    let path = options
        .record
        .unwrap_or_else(|| session::next_session_path(&scenario.meta.id, options.seed));
    match start_recording(
        &path,
        &console.simulation,
        &scenario_source(options.file.as_deref()),
        "gui",
        None,
    ) {
        Ok(recorder) => {
            println!("Recording this session to {}.", path.display());
            console.record_to(recorder);
        }
        Err(code) => return code,
    }
    window_closed(redscreen::gui::play(console, window))
}

/// `replay FILE --gui`: the session in the exercise window; a record that disagrees stops the
/// playback there, with the reason in the window.
#[cfg(feature = "gui")]
fn replay_in_window(options: &ReplayOptions, session: Session, scenario: Arc<Scenario>) -> ExitCode {
    let mut window_options = options.window.clone();
    window_options.from = options.at.clone().or(window_options.from);
    let window = match exercise_window(&window_options, &scenario) {
        Ok(window) => window,
        Err(code) => return code,
    };
    let path = options.session.display().to_string();
    match redscreen::gui::replay_window(session, path, scenario, window) {
        Ok(exit) => window_closed(exit),
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}

#[cfg(not(feature = "gui"))]
fn replay_in_window(_: &ReplayOptions, _: Session, _: Arc<Scenario>) -> ExitCode {
    eprintln!("error: this redscreen was built without the `gui` feature: no window");
    ExitCode::from(2)
}

#[cfg(not(feature = "gui"))]
fn play_exercise(_: PlayOptions) -> ExitCode {
    eprintln!("error: this redscreen was built without the `gui` feature: no window");
    ExitCode::from(2)
}

/// `redscreen` alone: the flagship exercise in a window when there is a display (and the
/// window is built in), otherwise at the terminal console; the first line says which.
fn play_or_console() -> ExitCode {
    let display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()));
    if display && cfg!(feature = "gui") {
        println!("redscreen: opening the exercise window (the terminal console is `redscreen run --interactive`)");
        return play_exercise(PlayOptions {
            file: None,
            seed: 1,
            window: WindowOptions {
                speed: 60,
                size: (1280, 720),
                from: None,
                inspect: None,
                script: None,
                screenshot: None,
                frame_stats: None,
            },
            record: None,
        });
    }
    let reason = if display {
        "this redscreen has no window built in"
    } else {
        "no display"
    };
    println!("redscreen: {reason}: starting the terminal console (`help` lists the actions)");
    let scenario = match load(None, &Limits::default()) {
        Ok(scenario) => Arc::new(scenario),
        Err(code) => return ExitCode::from(code),
    };
    run_console(scenario, 1, None, None)
}

/// A machine named on the command line; an unknown name is reported with the closest one.
fn machine_named(scenario: &Scenario, name: &str) -> Result<redscreen::scenario::model::HostId, ExitCode> {
    scenario.host_named(name).ok_or_else(|| {
        let close =
            redscreen::scenario::diagnostic::closest(name, scenario.hosts.iter().map(|host| host.name.as_str()));
        let hint = close
            .map(|close| format!(" (did you mean `{close}`?)"))
            .unwrap_or_default();
        eprintln!("error: no machine is named `{name}`{hint}");
        ExitCode::from(2)
    })
}
