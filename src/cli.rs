//! Commands of the `redscreen` binary. Exit codes: 0 success, 1 the scenario has problems,
//! 2 usage or I/O errors.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use miette::{Diagnostic, NamedSource, SourceSpan};
use redscreen::scenario::{self, Limits, LoadError, Report, Scenario, Summary};

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
    eprintln!(
        "{}: {count} problem{}",
        report.file,
        if count == 1 { "" } else { "s" }
    );
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
