//! What tests and benchmarks share: the shipped scenarios and playbooks, variants of the
//! minimal fixture, exercises brought to a moment, actions asked as lines, and the built
//! binary run from the project's folder. Not for the product's own use.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use crate::exercise::Exercise;
use crate::response::{Playbook, Progress, load_playbook, parse_action};
use crate::scenario::{Limits, LoadError, Origin, Scenario, load_file, load_flagship, load_str};
use crate::sim::Simulation;

/// A path inside the project's folder.
pub fn project_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The embedded flagship, Sony Pictures in November 2014.
pub fn flagship() -> Arc<Scenario> {
    Arc::new(load_flagship(&Limits::default()).expect("the flagship loads"))
}

/// The commented 30-machine tutorial.
pub fn tutorial() -> Arc<Scenario> {
    shipped("tutorial")
}

/// A shipped scenario of `scenarios/`, by name.
pub fn shipped(name: &str) -> Arc<Scenario> {
    let path = project_path(&format!("scenarios/{name}.ron"));
    Arc::new(load_file(&path, &Limits::default()).unwrap_or_else(|error| panic!("{name} loads: {error}")))
}

/// The minimal fixture (`tests/fixtures/minimal.ron`) with some text replaced; each text to
/// replace must be there.
pub fn minimal_with(replacements: &[(&str, &str)]) -> Arc<Scenario> {
    variant_of("tests/fixtures/minimal.ron", replacements)
}

/// The shipped tutorial with some text replaced; each text to replace must be there.
pub fn tutorial_with(replacements: &[(&str, &str)]) -> Arc<Scenario> {
    variant_of("scenarios/tutorial.ron", replacements)
}

/// A scenario file of the project with some text replaced, loaded (it must load).
fn variant_of(relative: &str, replacements: &[(&str, &str)]) -> Arc<Scenario> {
    let mut source = std::fs::read_to_string(project_path(relative)).expect("readable");
    for (old, new) in replacements {
        assert!(source.contains(old), "`{old}` is not in {relative}");
        source = source.replace(old, new);
    }
    let origin = Origin {
        name: "variant.ron".to_string(),
        folder: None,
    };
    match load_str(&source, &origin, &Limits::default()) {
        Ok(scenario) => Arc::new(scenario),
        Err(LoadError::Invalid(report)) => panic!("{report}"),
        Err(other) => panic!("{other}"),
    }
}

/// A shipped playbook of `scenarios/playbooks/` for a scenario.
pub fn playbook(name: &str, scenario: &Scenario) -> Playbook {
    let path = project_path(&format!("scenarios/playbooks/{name}.ron"));
    load_playbook(&path, scenario).unwrap_or_else(|error| panic!("{name}: {error}"))
}

/// The run with no response, to its end.
pub fn run_to_end(scenario: Arc<Scenario>, seed: u64) -> Simulation {
    let mut simulation = Simulation::new(scenario, seed);
    let end = simulation.end();
    simulation.run_through(end, |_| {});
    simulation
}

/// An exercise simulated through a local time of its scenario.
pub fn exercise_at(scenario: Arc<Scenario>, seed: u64, local: &str) -> Exercise {
    let tick = scenario.tick_at(local).expect("inside the exercise");
    let mut exercise = Exercise::new(scenario, seed);
    exercise.run_through(tick, |_| {});
    exercise
}

/// Asks the team for an action written in the action language (it must parse); the team takes
/// it up on the next step.
pub fn ask(exercise: &mut Exercise, line: &str) {
    let action = parse_action(line, exercise.scenario()).unwrap_or_else(|error| panic!("`{line}`: {error}"));
    exercise.request(action);
}

/// Where the team's last request stands.
pub fn last_progress(exercise: &Exercise) -> Progress {
    exercise.desk().log.last().expect("an entry").progress.clone()
}

/// Runs the built `redscreen` with arguments from the project's folder, without colours.
/// (`binary` is `env!("CARGO_BIN_EXE_redscreen")` of the calling test.)
pub fn run_binary(binary: &str, arguments: &[&str]) -> Output {
    Command::new(binary)
        .args(arguments)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// What a command printed, standard output then standard error.
pub fn printed(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A fresh temporary folder for one test's files.
pub fn temporary_folder(name: &str) -> PathBuf {
    let folder = std::env::temp_dir().join(format!("redscreen-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&folder).ok();
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    folder
}
