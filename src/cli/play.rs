//! `redscreen play`: the exercise in a window (recorded like every exercise); the replay
//! viewer behind `replay --gui`; and `redscreen` alone, which opens the window when there is a
//! display and the terminal console otherwise, saying which.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use redscreen::scenario::{Limits, Scenario};
use redscreen::session::Session;

use super::replay::ReplayOptions;
use super::{CliError, console, load, values};

/// What `redscreen play` was asked to do.
#[derive(Debug, clap::Args)]
pub struct PlayOptions {
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
    /// Restart the exercise on the scenario file each time it is saved (each run recorded to a
    /// new session); while it has problems, show them and pause. Saved fonts and art in
    /// `assets/` show too.
    #[arg(long, requires = "file")]
    watch: bool,
}

/// How the exercise window opens; shared by `play` and `replay --gui`.
#[derive(Debug, Clone, clap::Args)]
pub struct WindowOptions {
    /// Simulated seconds per real second at the start (1, 10, 60, 600 or 3600; 0 starts paused).
    #[arg(long, default_value_t = 60, value_parser = values::parse_speed)]
    speed: u32,
    /// Window size, WIDTHxHEIGHT (at least 800x600).
    #[arg(long, default_value = "1280x720", value_parser = parse_window_size)]
    size: (u32, u32),
    /// Start the window at this local time or tick (the exercise runs there first).
    #[arg(long)]
    pub from: Option<String>,
    /// Show this machine in the inspector from the start.
    #[arg(long)]
    inspect: Option<String>,
    /// Run these lines once the window is drawn: console lines, or the window's own commands
    /// (inspect NAME, debrief, truth on|off, seek TIME, zoom FACTOR, case open|close|filter
    /// TEXT|sort time|machine|kind|row N|link VALUE, screenshot PATH, quit).
    #[arg(long)]
    script: Option<PathBuf>,
    /// Save a screenshot once the window is drawn (after the script), then exit.
    #[arg(long)]
    screenshot: Option<PathBuf>,
    /// Measure frame times for this many seconds, print them, and exit (the frame benchmark).
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    frame_stats: Option<f32>,
}

impl Default for WindowOptions {
    fn default() -> Self {
        Self {
            speed: 60,
            size: (1280, 720),
            from: None,
            inspect: None,
            script: None,
            screenshot: None,
            frame_stats: None,
        }
    }
}

fn parse_window_size(text: &str) -> Result<(u32, u32), String> {
    let (width, height) = values::parse_size(text)?;
    match width >= 800 && height >= 600 && width <= 7680 && height <= 4320 {
        true => Ok((width, height)),
        false => Err("the window is from 800x600 to 7680x4320".to_string()),
    }
}

fn parse_seconds(text: &str) -> Result<f32, String> {
    text.parse::<f32>()
        .ok()
        .filter(|seconds| (0.5..=3600.0).contains(seconds))
        .ok_or_else(|| "from 0.5 to 3600 seconds".to_string())
}

/// Without the `gui` feature there is no window to open.
#[cfg_attr(feature = "gui", allow(dead_code))]
pub fn no_window() -> CliError {
    CliError::Usage("this redscreen was built without the `gui` feature: no window".to_string())
}

/// The window's options checked against the scenario.
#[cfg(feature = "gui")]
fn exercise_window(options: &WindowOptions, scenario: &Scenario) -> Result<redscreen::gui::ExerciseWindow, CliError> {
    let mut script = match &options.script {
        None => Vec::new(),
        Some(path) => std::fs::read_to_string(path)
            .map_err(|error| CliError::io(format!("cannot read the script {}", path.display()), error))?
            .lines()
            .map(str::to_string)
            .collect(),
    };
    if let Some(path) = &options.screenshot {
        script.push(format!("screenshot {}", path.display()));
        script.push("quit".to_string());
    }
    Ok(redscreen::gui::ExerciseWindow {
        width: options.size.0,
        height: options.size.1,
        speed: options.speed,
        start_at: values::moment_if(scenario, "--from", options.from.as_deref())?,
        script,
        inspect: options
            .inspect
            .as_deref()
            .map(|name| values::machine_named(scenario, name))
            .transpose()?,
        frame_stats: options.frame_stats.map(std::time::Duration::from_secs_f32),
        watch: None,
    })
}

/// The exit code of a closed window.
#[cfg(feature = "gui")]
fn window_closed(exit: bevy::app::AppExit) -> Result<ExitCode, CliError> {
    match exit {
        bevy::app::AppExit::Success => Ok(ExitCode::SUCCESS),
        bevy::app::AppExit::Error(_) => Err(CliError::Failed("the window closed with an error".to_string())),
    }
}

/// Plays the exercise in a window, recording it.
#[cfg(feature = "gui")]
pub fn play(options: PlayOptions) -> Result<ExitCode, CliError> {
    use redscreen::exercise::Console;
    let scenario = load::scenario(options.file.as_deref(), &Limits::default())?;
    let window = exercise_window(&options.window, &scenario)?;
    let mut console = Console::new(Arc::clone(&scenario), options.seed);
    let path = options
        .record
        .unwrap_or_else(|| redscreen::session::next_session_path(&scenario.meta.id, options.seed));
    let source = load::scenario_source(options.file.as_deref());
    console.record_to(load::start_recording(&path, console.exercise(), &source, "gui")?);
    println!("Recording this session to {}.", path.display());
    let mut window = window;
    if let (true, Some(file)) = (options.watch, options.file) {
        let seed = options.seed;
        let restart: redscreen::gui::Restart = Box::new(move |scenario: Arc<Scenario>| {
            let mut console = Console::new(Arc::clone(&scenario), seed);
            let path = redscreen::session::next_session_path(&scenario.meta.id, seed);
            let recorder =
                load::start_recording(&path, console.exercise(), &source, "gui").map_err(|error| error.to_string())?;
            console.record_to(recorder);
            println!("The scenario was saved: recording the new run to {}.", path.display());
            Ok((console, format!("recording to {}", path.display())))
        });
        println!(
            "Watching {} (and assets/): a save restarts the exercise.",
            file.display()
        );
        window.watch = Some(redscreen::gui::WatchedScenario { path: file, restart });
    }
    window_closed(redscreen::gui::play(console, window))
}

#[cfg(not(feature = "gui"))]
pub fn play(_: PlayOptions) -> Result<ExitCode, CliError> {
    Err(no_window())
}

/// `replay FILE --gui`: the session in the exercise window; a record that disagrees stops the
/// playback there, with the reason in the window.
#[cfg(feature = "gui")]
pub fn replay_in_window(
    options: &ReplayOptions,
    session: Session,
    scenario: Arc<Scenario>,
) -> Result<ExitCode, CliError> {
    let mut window_options = options.window.clone();
    window_options.from = options.at.clone().or(window_options.from);
    let window = exercise_window(&window_options, &scenario)?;
    let path = options.session.display().to_string();
    window_closed(redscreen::gui::replay_window(session, path, scenario, window)?)
}

#[cfg(not(feature = "gui"))]
pub fn replay_in_window(_: &ReplayOptions, _: Session, _: Arc<Scenario>) -> Result<ExitCode, CliError> {
    Err(no_window())
}

/// `redscreen` alone: the flagship exercise in a window when there is a display (and the
/// window is built in), otherwise at the terminal console; the first line says which.
pub fn play_or_console() -> Result<ExitCode, CliError> {
    let display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()));
    if display && cfg!(feature = "gui") {
        println!("redscreen: opening the exercise window (the terminal console is `redscreen run --interactive`)");
        return play(PlayOptions {
            file: None,
            seed: 1,
            window: WindowOptions::default(),
            record: None,
            watch: false,
        });
    }
    let reason = match display {
        true => "this redscreen has no window built in",
        false => "no display",
    };
    println!("redscreen: {reason}: starting the terminal console (`help` lists the actions)");
    let scenario = load::scenario(None, &Limits::default())?;
    console::run(scenario, 1, &load::scenario_source(None), None)
}
