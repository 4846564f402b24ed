//! `redscreen export`: a session's case as the files responders' own tools open. The session is
//! replayed and verified first; nothing is written for one that does not verify.

use std::path::PathBuf;
use std::process::ExitCode;

use redscreen::exercise::replay;
use redscreen::export::export_case;

use super::{CliError, load};

/// What `redscreen export` was asked to write.
#[derive(Debug, clap::Args)]
pub struct ExportOptions {
    /// The session file.
    pub session: PathBuf,
    /// The scenario file, when it has moved since the session was recorded.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Write the team's case to this new folder: a folder per machine (events as JSON lines,
    /// a bodyfile, services, processes, cached passwords, a Zeek conn.log) and the timeline
    /// for Timesketch (JSONL, CSV) and plaso (l2tcsv).
    #[arg(long, required = true)]
    case: Option<PathBuf>,
    /// Replace an existing export.
    #[arg(long)]
    force: bool,
}

pub fn export(options: ExportOptions) -> Result<ExitCode, CliError> {
    let session = load::session(&options.session)?;
    let scenario = load::session_scenario(&session.header, options.scenario.as_deref())?;
    let shown = options.session.display().to_string();
    if session.cut_tail {
        return Err(CliError::Failed(format!(
            "{shown}: its last line was cut short; `redscreen replay {shown}` says where"
        )));
    }
    // Refused before anything is written: a session that does not replay is not evidence.
    let replayed = replay(&session, scenario, None, |_| {})?;
    if let Some(folder) = &options.case {
        if folder.exists() && !options.force {
            return Err(CliError::Usage(format!(
                "{} exists: choose another folder, or `--force` to replace it",
                folder.display()
            )));
        }
        let written = export_case(&replayed.exercise, &shown, folder, options.force)
            .map_err(|error| CliError::io(format!("cannot write the case to {}", folder.display()), error))?;
        println!(
            "wrote the case of {shown} ({} records from {} machines, {} files) to {}",
            written.records,
            written.machines,
            written.files.len(),
            written.folder.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
