//! `redscreen check` (validate scenarios and summarise them) and `redscreen gen` (write a
//! synthetic enterprise for scale tests).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use redscreen::scenario::{self, Limits, Summary};
use redscreen::watch::FileWatcher;

use super::CliError;
use super::check_format::{Format, problems_as_json, sarif};

/// What `redscreen check` was asked to do.
#[derive(Debug, clap::Args)]
pub struct CheckOptions {
    /// Scenario files (RON).
    files: Vec<PathBuf>,
    /// Refuse scenarios with more machines than this.
    #[arg(long, default_value_t = Limits::default().max_hosts)]
    max_hosts: u64,
    /// Print only problems, not the summary.
    #[arg(long, short)]
    quiet: bool,
    /// How to print problems: drawn in the text, as JSON lines, or as a SARIF 2.1.0 log.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Check the files again each time one is saved, until stopped (Ctrl-C).
    #[arg(long)]
    watch: bool,
}

/// Checks every file (or the flagship), printing each one's summary or problems; the exit code
/// is the worst outcome. With `--watch`, checks again each file that is saved, until stopped.
pub fn check(options: CheckOptions) -> Result<ExitCode, CliError> {
    let limits = Limits {
        max_hosts: options.max_hosts,
        ..Limits::default()
    };
    if options.watch {
        if options.files.is_empty() {
            return Err(CliError::Usage(
                "`--watch` needs the files to watch (the embedded flagship never changes)".to_string(),
            ));
        }
        return watch(&options, &limits);
    }
    Ok(ExitCode::from(check_files(&options.files, &options, &limits)))
}

/// Checks `files` (the flagship when there are none) and prints what was found in the
/// chosen format; returns the exit code of the worst outcome.
fn check_files(files: &[PathBuf], options: &CheckOptions, limits: &Limits) -> u8 {
    let outcomes: Vec<_> = match files.is_empty() {
        true => vec![scenario::load_flagship(limits)],
        false => files.iter().map(|file| scenario::load_file(file, limits)).collect(),
    };
    if options.format != Format::Text {
        let names: Vec<String> = match files.is_empty() {
            true => vec!["embedded flagship".to_string()],
            false => files.iter().map(|file| file.display().to_string()).collect(),
        };
        let failed: Vec<(&str, &scenario::LoadError)> = names
            .iter()
            .zip(&outcomes)
            .filter_map(|(name, outcome)| outcome.as_ref().err().map(|error| (name.as_str(), error)))
            .collect();
        let problems = problems_as_json(failed.iter().copied());
        match options.format {
            Format::Json => {
                for problem in &problems {
                    println!("{problem}");
                }
            }
            _ => println!(
                "{}",
                serde_json::to_string_pretty(&sarif(&problems)).unwrap_or_default()
            ),
        }
        return u8::from(!failed.is_empty());
    }
    let mut worst = 0;
    for outcome in outcomes {
        match outcome {
            Ok(scenario) if options.quiet => println!("ok: {}", scenario.meta.id),
            Ok(scenario) => print!("{}", Summary(&scenario)),
            Err(error) => {
                let error = CliError::from(error);
                error.print();
                worst = worst.max(error.exit_code());
            }
        }
    }
    worst
}

/// Checks the files, then each again whenever it is saved (saves by rename included).
fn watch(options: &CheckOptions, limits: &Limits) -> Result<ExitCode, CliError> {
    let watcher = FileWatcher::new(&options.files, &[]).map_err(CliError::Failed)?;
    check_files(&options.files, options, limits);
    eprintln!("watching {} file(s); Ctrl-C stops", options.files.len());
    let _ = std::io::stdout().flush();
    while let Some(changes) = watcher.next_changes() {
        for file in changes.files {
            let time = jiff::ZonedDateTime::now().strftime("%H:%M:%S");
            if options.format == Format::Text {
                println!("── {time} {} changed ──", file.display());
            }
            check_files(std::slice::from_ref(&file), options, limits);
        }
        let _ = std::io::stdout().flush();
    }
    Ok(ExitCode::SUCCESS)
}

/// What `redscreen gen` was asked to write.
#[derive(Debug, clap::Args)]
pub struct GenOptions {
    /// Number of machines (up to 16,000,000: the company is numbered in 10.0.0.0/8).
    #[arg(long, value_parser = clap::value_parser!(u64).range(10..=scenario::generate::MAX_HOSTS))]
    hosts: u64,
    /// Output file (standard output when absent).
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// Writes a synthetic enterprise scenario of `hosts` machines.
pub fn generate(options: GenOptions) -> Result<ExitCode, CliError> {
    let text = scenario::generate::synthetic_enterprise(options.hosts);
    match options.output {
        None => print!("{text}"),
        Some(path) => {
            std::fs::write(&path, text)
                .map_err(|error| CliError::io(format!("cannot write {}", path.display()), error))?;
            eprintln!("wrote {} ({} machines)", path.display(), options.hosts);
        }
    }
    Ok(ExitCode::SUCCESS)
}
