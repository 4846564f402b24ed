//! Scenario format versions: a scenario written for an older format keeps working. Frozen
//! copies of the flagship and the tutorial as they were when formats 1 and 2 were current are
//! kept in `tests/fixtures/format-N/`: they must load and run exactly as pinned here, whatever
//! the format has become. (The pins move only when the simulation itself draws differently, which
//! changes the session format too: they were last moved for session format 4.) A file of a newer format than this redscreen reads is refused, naming
//! both versions (docs/scenario-format.md, "Format versions").

use std::sync::Arc;

use redscreen::exercise::Exercise;
use redscreen::scenario::model::{Scenario, Tick};
use redscreen::scenario::{FORMAT_VERSION, Limits, LoadError, Origin, load_file, load_str};
use redscreen::sim::TruthLog;
use redscreen::testing::{ask, project_path, run_to_end};

fn frozen(format: u32, name: &str) -> Arc<Scenario> {
    let path = project_path(&format!("tests/fixtures/format-{format}/{name}.ron"));
    let scenario = Arc::new(load_file(&path, &Limits::default()).unwrap_or_else(|error| panic!("{name}: {error}")));
    assert_eq!(scenario.format, format);
    scenario
}

/// Runs a frozen scenario with no response and gives its truth log's hash and machines wiped.
fn frozen_run(name: &str, seed: u64, until: Option<&str>) -> (String, u32) {
    let scenario = frozen(1, name);
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

/// A format-2 flagship runs as it did when format 2 was current, with no response and with a
/// team that resets every administrator: it has no reactions and no services that run under
/// an account, so the checksums sessions recorded then still match (the values pinned in
/// `src/exercise` when format 2 was current).
#[test]
fn format_2_scenarios_run_as_they_did_when_format_2_was_current() {
    let scenario = frozen(2, "sony-2014");
    let mut quiet = Exercise::new(Arc::clone(&scenario), 1);
    quiet.run_through(Tick(60), |_| {});
    let mut acting = Exercise::new(scenario, 1);
    ask(&mut acting, "reset admins");
    acting.run_through(Tick(60), |_| {});
    assert_eq!(format!("{:016x}", quiet.state_hash()), "7feacd3c4bf8ae4e");
    assert_eq!(format!("{:016x}", acting.state_hash()), "15b604ff4b953d73");
    let tutorial = run_to_end(frozen(2, "tutorial"), 1);
    assert_eq!(tutorial.outcome().machines.wiped, 29);
}

/// A format-2 file that uses a field of format 3 is refused at that field, with the fix.
#[test]
fn a_format_3_field_in_a_format_2_file_is_refused_with_the_version_to_write() {
    let source = std::fs::read_to_string(project_path("tests/fixtures/format-2/tutorial.ron"))
        .expect("readable")
        .replacen(
            "c2: [(address: \"198.51.100.7\", port: 443)],",
            "c2: [(address: \"198.51.100.7\", port: 443)],\n        reactions: [(notices: AccessCut, does: Detonate)],",
            1,
        );
    let origin = Origin {
        name: "old.ron".to_string(),
        folder: None,
    };
    let Err(LoadError::Invalid(report)) = load_str(&source, &origin, &Limits::default()) else {
        panic!("a format-3 field was accepted in a format-2 file");
    };
    let problem = &report.problems[0];
    assert!(problem.kind.to_string().contains("new in format 3"), "{}", problem.kind);
    assert_eq!(
        problem.hint.as_deref(),
        Some("write `format: 3` (a format-2 file reads the same in format 3)")
    );
    let line = source
        .lines()
        .position(|line| line.contains("reactions:"))
        .expect("inserted")
        + 1;
    assert_eq!(problem.location.line, line);
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
