//! What several commands load: a scenario file (or the flagship), a playbook, a session and
//! the scenario it names; and how they start recording a session.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use redscreen::exercise::Exercise;
use redscreen::response::{Playbook, load_playbook};
use redscreen::scenario::{self, Limits, Scenario};
use redscreen::session::{Header, Recorder, Session};

use super::CliError;

/// A scenario file, or the embedded flagship.
pub fn scenario(file: Option<&Path>, limits: &Limits) -> Result<Arc<Scenario>, CliError> {
    let loaded = match file {
        Some(path) => scenario::load_file(path, limits)?,
        None => scenario::load_flagship(limits)?,
    };
    Ok(Arc::new(loaded))
}

/// A playbook checked against a scenario.
pub fn playbook(path: &Path, scenario: &Scenario) -> Result<Playbook, CliError> {
    Ok(load_playbook(path, scenario)?)
}

/// How a session names its scenario: the path as given, or `embedded` for the flagship.
pub fn scenario_source(file: Option<&Path>) -> String {
    file.map_or("embedded".to_string(), |path| path.display().to_string())
}

/// A session file, read and checked.
pub fn session(path: &Path) -> Result<Session, CliError> {
    Ok(Session::read(path)?)
}

/// The scenario a session names (or the one given instead).
pub fn session_scenario(header: &Header, given: Option<&Path>) -> Result<Arc<Scenario>, CliError> {
    let file = given
        .map(Path::to_path_buf)
        .or_else(|| (header.scenario_source != "embedded").then(|| PathBuf::from(&header.scenario_source)));
    scenario(file.as_deref(), &Limits::default())
}

/// Starts recording an exercise to a new session file.
pub fn start_recording(path: &Path, exercise: &Exercise, source: &str, mode: &str) -> Result<Recorder, CliError> {
    Recorder::create(path, &exercise.session_header(source, mode))
        .map_err(|error| CliError::io(format!("cannot record to {}", path.display()), error))
}
