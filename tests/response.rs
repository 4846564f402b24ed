//! The action language and the response team: what parses, what is refused and why, and what
//! each action does to the simulated world.

use std::path::Path;
use std::sync::Arc;

use redscreen::response::{Action, Desk, Finding, Outcome, parse_action};
use redscreen::scenario::model::{Artifact, Scenario, Scope, Tick};
use redscreen::scenario::{Limits, load_file, load_flagship};
use redscreen::sim::{GroundTruth, NEVER, Simulation, Stage};

fn flagship() -> Arc<Scenario> {
    Arc::new(load_flagship(&Limits::default()).expect("the flagship loads"))
}

fn tutorial() -> Arc<Scenario> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tutorial.ron");
    Arc::new(load_file(&path, &Limits::default()).expect("the tutorial loads"))
}

#[test]
fn the_issues_examples_parse_and_print_back() {
    let sony = flagship();
    for line in [
        "isolate office new-york",
        "block 445 from subnet culver-city/ws-lot-a to subnet culver-city/core",
        "reset admins",
        "image SPE-CC-FS-0003",
        "submit patient-zero SPE-CC-WS-0412",
        "cut link cc-london",
        "reset account SPE\\svc-deploy",
        "deploy block igfxtrayex.exe",
        "power off SPE-CC-DC-01",
        "capture memory SPE-CC-WS-0412",
        "collect logs SPE-CC-MGT-07",
        "restore SPE-CC-FS-0003",
        "rebuild SPE-CC-WS-0001",
        "notify fbi",
        "declare incident",
        "submit vector T1021.002",
        "submit indicator Windows Schedule Management",
        "block 445 from role Workstation to all",
    ] {
        let action = parse_action(line, &sony).unwrap_or_else(|error| panic!("`{line}`: {error}"));
        let text = action.to_text(&sony);
        assert_eq!(parse_action(&text, &sony), Ok(action), "`{line}` printed as `{text}`");
    }
}

#[test]
fn bare_names_and_shorthands_are_understood() {
    let sony = flagship();
    let parse = |line| parse_action(line, &sony).unwrap_or_else(|error| panic!("`{line}`: {error}"));
    assert!(matches!(parse("isolate new-york"), Action::Isolate(Scope::Office(_))));
    assert!(matches!(
        parse("isolate culver-city/core"),
        Action::Isolate(Scope::Subnet(_))
    ));
    assert!(matches!(
        parse("isolate SPE-CC-WS-0001"),
        Action::Isolate(Scope::Host(_))
    ));
    assert!(matches!(
        parse("block 445 from culver-city/ws-lot-a to culver-city/core"),
        Action::Block { port: 445, .. }
    ));
    assert!(matches!(parse("  IMAGE   disk SPE-CC-FS-0003 "), Action::ImageDisk(_)));
    assert_eq!(
        parse("submit indicator  iissvr.exe"),
        Action::Submit(Finding::Indicator("iissvr.exe".to_string()))
    );
}

#[test]
fn wrong_lines_say_where_and_suggest_the_closest_name() {
    let sony = flagship();
    let error = |line| parse_action(line, &sony).expect_err(line);
    let unknown_host = error("image SPE-CC-FS-003");
    assert_eq!(unknown_host.column, 7);
    assert_eq!(unknown_host.hint.as_deref(), Some("did you mean `SPE-CC-FS-0003`?"));
    assert_eq!(
        error("isolat office london").hint.as_deref(),
        Some("did you mean `isolate`?")
    );
    assert!(error("isolate office londn").hint.as_deref() == Some("did you mean `london`?"));
    assert!(error("block smb from all to all").message.contains("not a TCP port"));
    assert!(error("declare incident now").message.contains("unexpected `now`"));
    assert!(error("submit vector SMB").message.contains("not an ATT&CK technique"));
    assert!(error("notify the-queen").hint.as_deref().unwrap_or("").contains("fbi"));
    assert!(error("").message.contains("empty line"));
}

fn simulation_at(scenario: Arc<Scenario>, local: &str) -> Simulation {
    let tick = scenario.tick_at(local).expect("inside the exercise");
    let mut simulation = Simulation::new(scenario, 1);
    simulation.run_through(tick, |_| {});
    simulation
}

fn ask(simulation: &mut Simulation, line: &str) {
    let action = parse_action(line, simulation.scenario()).expect("a valid action");
    simulation.app.world_mut().resource_mut::<Desk>().incoming.push(action);
}

fn last_outcome(simulation: &Simulation) -> Outcome {
    simulation
        .world()
        .resource::<Desk>()
        .log
        .last()
        .expect("an entry")
        .outcome
        .clone()
}

#[test]
fn actions_take_a_responder_for_their_duration_then_act() {
    let mut simulation = simulation_at(tutorial(), "2025-03-11 08:30");
    ask(&mut simulation, "isolate office toronto");
    simulation.step();
    let started = simulation.now().expect("running");
    assert!(matches!(last_outcome(&simulation), Outcome::Started { at, .. } if at == started));
    // The tutorial's team is one person: a second action waits.
    ask(&mut simulation, "cut link transatlantic");
    simulation.step();
    assert_eq!(last_outcome(&simulation), Outcome::Queued);
    let until = Tick(started.0 + 15);
    simulation.run_through(until, |_| {});
    let truth = simulation.world().resource::<GroundTruth>();
    let toronto = simulation
        .scenario()
        .offices
        .iter()
        .position(|office| office.name == "toronto")
        .expect("toronto");
    for (host, state) in simulation.scenario().hosts.iter().zip(&truth.hosts) {
        assert_eq!(state.isolated, host.office.index() == toronto, "{}", host.name);
    }
    assert!(
        matches!(last_outcome(&simulation), Outcome::Started { .. }),
        "the link cut starts when the isolation ends"
    );
}

#[test]
fn impossible_actions_are_refused_with_a_reason_and_change_nothing() {
    let mut simulation = simulation_at(tutorial(), "2025-03-11 13:00");
    let wiped = simulation
        .scenario()
        .hosts
        .iter()
        .position(|_| true)
        .map(|_| {
            let truth = simulation.world().resource::<GroundTruth>();
            let index = truth
                .stages
                .iter()
                .position(|stage| *stage == Stage::Wiped)
                .expect("by 13:00 the studio is wiped");
            simulation.scenario().hosts[index].name.clone()
        })
        .expect("hosts");
    ask(&mut simulation, &format!("image {wiped}"));
    simulation.step();
    assert!(matches!(last_outcome(&simulation), Outcome::Refused(reason) if reason.contains("wiped")));
    ask(&mut simulation, "restore LAN-BR-WS-01");
    simulation.step();
    assert!(matches!(last_outcome(&simulation), Outcome::Refused(reason) if reason.contains("no backup")));
}

#[test]
fn isolating_the_foothold_early_saves_the_company() {
    let scenario = flagship();
    let end_of_day = scenario.tick_at("2014-11-24 12:00").expect("inside");
    let baseline = {
        let mut simulation = Simulation::new(Arc::clone(&scenario), 9);
        simulation.run_through(end_of_day, |_| {});
        simulation.outcome().machines.wiped
    };
    let mut simulation = simulation_at(Arc::clone(&scenario), "2014-11-24 05:30");
    ask(&mut simulation, "isolate host SPE-CC-WS-0412");
    ask(&mut simulation, "isolate host SPE-CC-MGT-07");
    simulation.run_through(end_of_day, |_| {});
    let wiped = simulation.outcome().machines.wiped;
    assert!(
        wiped * 10 < baseline,
        "isolating both footholds at 05:30: {wiped} wiped against {baseline}"
    );
}

#[test]
fn power_off_destroys_memory_and_imaging_preserves_the_disk() {
    let mut simulation = simulation_at(tutorial(), "2025-03-11 09:00");
    ask(&mut simulation, "image LAN-BR-WS-03");
    simulation.step();
    let done = Tick(simulation.now().expect("running").0 + 120);
    simulation.run_through(done, |_| {});
    let desk = simulation.world().resource::<Desk>();
    let image = desk.log.last().expect("the image");
    assert!(matches!(image.outcome, Outcome::Completed { .. }));
    let (_, artifact, pieces) = image.collected[0];
    assert_eq!(artifact, Artifact::Disk);
    assert!(pieces > 0, "the foothold's disk holds the dropped files");

    let foothold = simulation.scenario().host_named("LAN-BR-WS-03").expect("the foothold");
    assert_eq!(
        simulation.stage(foothold),
        Stage::Wiped,
        "the disk was imaged as the wiper came"
    );

    let mut simulation = simulation_at(tutorial(), "2025-03-11 09:00");
    ask(&mut simulation, "power off LAN-BR-WS-03");
    let after = Tick(simulation.now().expect("running").0 + 5);
    simulation.run_through(after, |_| {});
    let host = simulation.scenario().host_named("LAN-BR-WS-03").expect("the foothold");
    assert!(simulation.truth(host).powered_off);
    let store = simulation.world().resource::<redscreen::sim::EvidenceStore>();
    assert!(
        store
            .on_host(host)
            .filter(|piece| piece.trace.artifact() == Artifact::Memory)
            .all(|piece| piece.destroyed_at != NEVER)
    );
    ask(&mut simulation, "capture memory LAN-BR-WS-03");
    simulation.step();
    assert!(matches!(last_outcome(&simulation), Outcome::Refused(reason) if reason.contains("memory is gone")));
}
