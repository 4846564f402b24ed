//! Scenario format versions: a scenario written for an older format keeps working. Frozen
//! copies of the flagship and the tutorial as they were when format 1 was current are kept in
//! `tests/fixtures/format-1/`: they must load and run exactly as pinned here, whatever the
//! format has become. (The pins move only when the simulation itself draws differently, which
//! changes the session format too: they were last moved for session format 4.) A file of a newer format than this redscreen reads is refused, naming
//! both versions (docs/scenario-format.md, "Format versions").

use std::sync::Arc;

use redscreen::scenario::{FORMAT_VERSION, Limits, LoadError, Origin, load_file, load_str};
use redscreen::sim::TruthLog;
use redscreen::testing::{project_path, run_to_end};

/// Runs a frozen scenario with no response and gives its truth log's hash and machines wiped.
fn frozen_run(name: &str, seed: u64, until: Option<&str>) -> (String, u32) {
    let path = project_path(&format!("tests/fixtures/format-1/{name}.ron"));
    let scenario = Arc::new(load_file(&path, &Limits::default()).unwrap_or_else(|error| panic!("{name}: {error}")));
    assert_eq!(scenario.format, 1);
    let simulation = match until {
        None => run_to_end(scenario, seed),
        Some(time) => {
            let tick = scenario.tick_at(time).expect("inside");
            let mut simulation = redscreen::sim::Simulation::new(scenario, seed);
            simulation.run_through(tick, |_| {});
            simulation
        }
    };
    let hash = format!("{:016x}", simulation.world().resource::<TruthLog>().hash());
    (hash, simulation.outcome().machines.wiped)
}

#[test]
fn format_1_scenarios_run_as_they_did_when_format_1_was_current() {
    assert_eq!(
        frozen_run("sony-2014", 1, Some("2014-11-25 05:00")),
        ("c9394a13e266e2a1".to_string(), 4145)
    );
    assert_eq!(frozen_run("tutorial", 1, None), ("d2ddedf5f93c5890".to_string(), 29));
}

#[test]
fn a_newer_format_is_refused_naming_both_versions() {
    let newer = FORMAT_VERSION + 1;
    let source = std::fs::read_to_string(project_path("tests/fixtures/minimal.ron"))
        .expect("readable")
        .replacen("format: 1", &format!("format: {newer}"), 1);
    let origin = Origin {
        name: "newer.ron".to_string(),
        folder: None,
    };
    let Err(LoadError::Invalid(report)) = load_str(&source, &origin, &Limits::default()) else {
        panic!("format {newer} was accepted");
    };
    let problem = &report.problems[0];
    assert_eq!(
        problem.kind.to_string(),
        format!("format version {newer} is not supported; this redscreen reads format {FORMAT_VERSION}")
    );
    assert!(problem.hint.as_deref().unwrap_or("").contains("newer redscreen"));
}
