//! `redscreen screen`: the warning page (or what a machine shows at a moment of the run with no
//! response) drawn to a PNG without a GPU, or shown in a window.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use redscreen::scenario::{Limits, Scenario};
use redscreen::screen::{self, Layout, Showing};
use redscreen::sim::Simulation;

use super::{CliError, load, values};

/// What `redscreen screen` was asked to draw.
#[derive(Debug, clap::Args)]
pub struct ScreenOptions {
    /// Scenario file (the embedded flagship when absent).
    file: Option<PathBuf>,
    /// The PNG to write.
    #[arg(long, short, default_value = "screen.png")]
    output: PathBuf,
    /// Screen size, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x720", value_parser = values::parse_size)]
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
    #[arg(long, default_value_t = (screen::FRAMES - 1) as u8, value_parser = clap::value_parser!(u8).range(0..screen::FRAMES as i64))]
    frame: u8,
    /// Show it in a window, as a victim's machine shows it, instead of writing a PNG.
    #[arg(long)]
    window: bool,
    /// With --window: fill the screen.
    #[arg(long, requires = "window")]
    fullscreen: bool,
    /// With --window: once the page is fully shown, save a screenshot (Bevy's own) and exit.
    #[arg(long, requires = "window")]
    screenshot: Option<PathBuf>,
    /// With --window: show the page again each time the scenario file is saved (its problems
    /// over the page while it has any), and the art each time `assets/art/` is saved.
    #[arg(long, requires_all = ["window", "file"])]
    watch: bool,
}

/// Lays the page out again for a screen size: a window may be another size than the PNG.
type Relayout = Box<dyn Fn(u32, u32) -> Layout + Send + Sync>;

/// Draws the screen as asked.
pub fn screen(options: ScreenOptions) -> Result<ExitCode, CliError> {
    let scenario = load::scenario(options.file.as_deref(), &Limits::default())?;
    let (width, height) = options.size;
    let relayout = page_of(&scenario, options.host.as_deref(), options.at.as_deref(), options.seed)?;
    if options.window {
        return show_window(relayout, &scenario.meta.title, options);
    }
    let bytes = screen::png(&relayout(width, height), options.frame as usize).map_err(|error| match error {
        screen::RenderError::Image { .. } => CliError::Failed(error.to_string()),
        error => CliError::Usage(error.to_string()),
    })?;
    std::fs::write(&options.output, bytes)
        .map_err(|error| CliError::io(format!("cannot write {}", options.output.display()), error))?;
    eprintln!("wrote {} ({width}x{height})", options.output.display());
    Ok(ExitCode::SUCCESS)
}

/// The page to show: the warning page, or what a machine shows at a moment of the run with
/// no response.
fn page_of(scenario: &Arc<Scenario>, host: Option<&str>, at: Option<&str>, seed: u64) -> Result<Relayout, CliError> {
    let (Some(name), Some(at)) = (host, at) else {
        let scenario = Arc::clone(scenario);
        return Ok(Box::new(move |width, height| {
            screen::warning_page(&scenario.screen, width, height)
        }));
    };
    let host = values::machine_named(scenario, name)?;
    let tick = values::moment(scenario, "--at", at)?;
    let mut simulation = Simulation::new(Arc::clone(scenario), seed);
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
    let scenario = Arc::clone(scenario);
    Ok(Box::new(move |width, height| {
        screen::screen_of(&scenario, host, showing, tick, width, height)
    }))
}

#[cfg(feature = "gui")]
fn show_window(relayout: Relayout, title: &str, options: ScreenOptions) -> Result<ExitCode, CliError> {
    use redscreen::gui::{PageWindow, WatchedPage, show_page};
    let watch = match (options.watch, &options.file) {
        (true, Some(path)) => {
            let (host, at, seed) = (options.host.clone(), options.at.clone(), options.seed);
            eprintln!(
                "Watching {} (and assets/): a save shows the page again.",
                path.display()
            );
            Some(WatchedPage {
                path: path.clone(),
                page_of: Box::new(move |scenario| {
                    page_of(&scenario, host.as_deref(), at.as_deref(), seed).map_err(|error| error.to_string())
                }),
            })
        }
        _ => None,
    };
    let window = PageWindow {
        title: format!("redscreen: {title}"),
        fullscreen: options.fullscreen,
        screenshot: options.screenshot.clone(),
        watch,
    };
    let (width, height) = options.size;
    match show_page(relayout, width, height, window) {
        bevy::app::AppExit::Success => {
            if let Some(path) = options.screenshot {
                eprintln!("wrote {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        bevy::app::AppExit::Error(_) => Err(CliError::Failed("the window closed with an error".to_string())),
    }
}

#[cfg(not(feature = "gui"))]
fn show_window(_: Relayout, _: &str, _: ScreenOptions) -> Result<ExitCode, CliError> {
    Err(super::play::no_window())
}
