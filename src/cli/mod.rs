//! The commands of the `redscreen` binary, one file each. Every command returns
//! `Result<ExitCode, CliError>`; the error knows its exit code (0 success, 1 the input has
//! problems, 2 usage or I/O) and how to print itself.

mod check;
mod check_format;
mod console;
mod diff;
mod error;
mod export;
mod load;
mod play;
mod replay;
mod run;
mod screen;
mod sweep;
mod values;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use error::CliError;

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
    Check(check::CheckOptions),
    /// Run the exercise: with no response (the baseline), a playbook, or at the console.
    Run(run::RunOptions),
    /// Replay a recorded session and check it; scrub to a moment; or branch it.
    Replay(replay::ReplayOptions),
    /// Compare two sessions of the same scenario and seed.
    Diff(diff::DiffOptions),
    /// Write a session's case as files forensic tools open: per-machine evidence, timelines.
    Export(export::ExportOptions),
    /// Play the exercise in a window: the map of machines as observed, the clock, the feed.
    Play(play::PlayOptions),
    /// Draw the warning page (or what a machine shows at a moment) to a PNG, without a GPU.
    Screen(screen::ScreenOptions),
    /// Run playbooks over many seeds on every core, and compare them (`sweep merge` combines
    /// shards).
    Sweep(sweep::SweepOptions),
    /// Write a synthetic enterprise scenario, for scale tests.
    Gen(check::GenOptions),
    /// A language server for scenario files, on standard input and output, for editors.
    Lsp,
}

/// Runs the command; `redscreen` alone plays the flagship.
pub fn run(arguments: Arguments) -> Result<ExitCode, CliError> {
    match arguments.command {
        None => play::play_or_console(),
        Some(Command::Check(options)) => check::check(options),
        Some(Command::Gen(options)) => check::generate(options),
        Some(Command::Run(options)) => run::run(options),
        Some(Command::Screen(options)) => screen::screen(options),
        Some(Command::Play(options)) => play::play(options),
        Some(Command::Replay(options)) => replay::replay(options),
        Some(Command::Diff(options)) => diff::diff(options),
        Some(Command::Export(options)) => export::export(options),
        Some(Command::Sweep(options)) => sweep::sweep(options),
        Some(Command::Lsp) => redscreen::lsp::serve_stdio()
            .map(|()| ExitCode::SUCCESS)
            .map_err(|error| CliError::Failed(format!("the language server stopped: {error}"))),
    }
}
