//! The one error of the command line: what went wrong, the exit code it deserves (1: the input
//! has problems; 2: usage or I/O), and the one printer for it (located problems drawn by
//! miette, everything else as one line with its causes).

use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};
use redscreen::exercise::BranchError;
use redscreen::scenario::{LoadError, Report};
use redscreen::session::{ReplayError, SessionError};

/// Why a command did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A scenario or playbook with problems, each located.
    #[error("{} has {} problem(s)", .0.file, .0.problems.len())]
    Problems(Box<Report>),
    /// Well-formed input that does not hold up (a session that does not replay).
    #[error("{0}")]
    Failed(String),
    /// A command used wrongly: a value out of range, an unknown name.
    #[error("{0}")]
    Usage(String),
    /// A file that cannot be read or written.
    #[error("{what}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Replay(#[from] ReplayError),
    #[error(transparent)]
    Branch(#[from] BranchError),
}

impl CliError {
    /// The process exit code: 1 when the input has problems, 2 for usage and I/O.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Problems(_) | CliError::Failed(_) | CliError::Replay(_) => 1,
            CliError::Usage(_) | CliError::Io { .. } => 2,
            CliError::Session(error) => error.exit_code(),
            CliError::Branch(error) => error.exit_code(),
        }
    }

    /// A file that cannot be read or written, with what was being done.
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        CliError::Io {
            what: what.into(),
            source,
        }
    }

    /// Prints the error to standard error.
    pub fn print(&self) {
        match self {
            CliError::Problems(report) => print_problems(report),
            error => eprintln!("error: {}", chain(error)),
        }
    }
}

impl From<LoadError> for CliError {
    fn from(error: LoadError) -> Self {
        match error {
            LoadError::Invalid(report) => CliError::Problems(report),
            LoadError::Read { path, source } => CliError::io(format!("cannot read {}", path.display()), source),
        }
    }
}

/// An error with its causes, each after a colon.
pub(super) fn chain(error: &dyn std::error::Error) -> String {
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
