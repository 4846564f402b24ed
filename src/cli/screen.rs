//! `redscreen screen`: the warning page (or what a machine shows at a moment of the run with no
//! response) drawn to a PNG without a GPU, or shown in a window.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use redscreen::scenario::Limits;
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
}

/// Lays the page out again for a screen size: a window may be another size than the PNG.
type Relayout = Box<dyn Fn(u32, u32) -> Layout + Send + Sync>;

/// Draws the screen as asked.
pub fn screen(options: ScreenOptions) -> Result<ExitCode, CliError> {
    let scenario = load::scenario(options.file.as_deref(), &Limits::default())?;
    let (width, height) = options.size;
    let relayout: Relayout = match (&options.host, &options.at) {
        (Some(name), Some(at)) => {
            let host = values::machine_named(&scenario, name)?;
            let tick = values::moment(&scenario, "--at", at)?;
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
            (width, height),
            &scenario.meta.title,
            options.fullscreen,
            options.screenshot,
        );
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

#[cfg(feature = "gui")]
fn show_window(
    relayout: Relayout,
    (width, height): (u32, u32),
    title: &str,
    fullscreen: bool,
    screenshot: Option<PathBuf>,
) -> Result<ExitCode, CliError> {
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
            Ok(ExitCode::SUCCESS)
        }
        bevy::app::AppExit::Error(_) => Err(CliError::Failed("the window closed with an error".to_string())),
    }
}

#[cfg(not(feature = "gui"))]
fn show_window(_: Relayout, _: (u32, u32), _: &str, _: bool, _: Option<PathBuf>) -> Result<ExitCode, CliError> {
    Err(super::play::no_window())
}
