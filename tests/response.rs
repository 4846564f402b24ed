//! The action language and the response team: what parses, what is refused and why, and what
//! each action does to the simulated world.

use std::sync::Arc;

use redscreen::response::{Action, Finding, Progress, parse_action};
use redscreen::scenario::model::{Artifact, Scope, Tick};
use redscreen::sim::{Evidence, EvidenceStore, GroundTruth, Simulation, Stage};
use redscreen::testing::{ask, exercise_at, flagship, last_progress, tutorial};

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

#[test]
fn actions_take_a_responder_for_their_duration_then_act() {
    let mut exercise = exercise_at(tutorial(), 1, "2025-03-11 08:30");
    ask(&mut exercise, "isolate office toronto");
    exercise.step();
    let started = exercise.now().expect("running");
    assert!(matches!(last_progress(&exercise), Progress::Started { at, .. } if at == started));
    // The tutorial's team is one person: a second action waits.
    ask(&mut exercise, "cut link transatlantic");
    exercise.step();
    assert_eq!(last_progress(&exercise), Progress::Queued);
    let until = Tick(started.0 + 15);
    exercise.run_through(until, |_| {});
    let truth = exercise.simulation().world().resource::<GroundTruth>();
    let toronto = exercise
        .scenario()
        .offices
        .iter()
        .position(|office| office.name == "toronto")
        .expect("toronto");
    for (host, state) in exercise.scenario().hosts.iter().zip(&truth.hosts) {
        assert_eq!(state.isolated, host.office.index() == toronto, "{}", host.name);
    }
    assert!(
        matches!(last_progress(&exercise), Progress::Started { .. }),
        "the link cut starts when the isolation ends"
    );
}

#[test]
fn impossible_actions_are_refused_with_a_reason_and_change_nothing() {
    let mut exercise = exercise_at(tutorial(), 1, "2025-03-11 13:00");
    let truth = exercise.simulation().world().resource::<GroundTruth>();
    let index = truth
        .stages()
        .iter()
        .position(|stage| *stage == Stage::Wiped)
        .expect("by 13:00 the studio is wiped");
    let wiped = exercise.scenario().hosts[index].name.clone();
    ask(&mut exercise, &format!("image {wiped}"));
    exercise.step();
    assert!(matches!(last_progress(&exercise), Progress::Refused(reason) if reason.contains("wiped")));
    ask(&mut exercise, "restore LAN-BR-WS-01");
    exercise.step();
    assert!(matches!(last_progress(&exercise), Progress::Refused(reason) if reason.contains("no backup")));
}

#[test]
fn isolating_every_foothold_early_saves_the_company() {
    let scenario = flagship();
    let end_of_day = scenario.tick_at("2014-11-24 12:00").expect("inside");
    let baseline = {
        let mut simulation = Simulation::new(Arc::clone(&scenario), 9);
        simulation.run_through(end_of_day, |_| {});
        simulation.outcome().machines.wiped
    };
    let mut exercise = exercise_at(Arc::clone(&scenario), 9, "2014-11-24 05:30");
    // Every foothold at once: the attacker notices, with nothing left to answer through.
    ask(&mut exercise, "isolate host SPE-CC-WS-0412");
    ask(&mut exercise, "isolate host SPE-CC-MGT-07");
    ask(&mut exercise, "isolate host SPE-CC-FS-0007");
    exercise.run_through(end_of_day, |_| {});
    let wiped = exercise.simulation().outcome().machines.wiped;
    assert!(
        wiped * 10 < baseline,
        "isolating every foothold at 05:30: {wiped} wiped against {baseline}"
    );
}

#[test]
fn power_off_destroys_memory_and_imaging_preserves_the_disk() {
    let mut exercise = exercise_at(tutorial(), 1, "2025-03-11 09:00");
    ask(&mut exercise, "image LAN-BR-WS-03");
    exercise.step();
    let done = Tick(exercise.now().expect("running").0 + 120);
    exercise.run_through(done, |_| {});
    let image = exercise.desk().log.last().expect("the image");
    assert!(matches!(image.progress, Progress::Completed { .. }));
    let secured = image.collected[0];
    assert_eq!(secured.artifact, Artifact::Disk);
    assert!(secured.attack > 0, "the foothold's disk holds the dropped files");
    assert!(secured.records > secured.attack, "and the machine's own programs");

    let foothold = exercise.scenario().host_named("LAN-BR-WS-03").expect("the foothold");
    assert_eq!(
        exercise.simulation().stage(foothold),
        Stage::Wiped,
        "the disk was imaged as the wiper came"
    );

    let mut exercise = exercise_at(tutorial(), 1, "2025-03-11 09:00");
    ask(&mut exercise, "power off LAN-BR-WS-03");
    let after = Tick(exercise.now().expect("running").0 + 5);
    exercise.run_through(after, |_| {});
    let host = exercise.scenario().host_named("LAN-BR-WS-03").expect("the foothold");
    assert!(exercise.simulation().truth(host).powered_off);
    let store = exercise.simulation().world().resource::<EvidenceStore>();
    let memory: Vec<_> = store
        .on_host(host)
        .filter(|(_, piece)| piece.trace.artifact() == Artifact::Memory)
        .collect();
    assert!(!memory.is_empty(), "the foothold had evidence in memory");
    let gone = |piece: &Evidence| !store.survives(exercise.scenario(), host, Artifact::Memory, piece.at as i64);
    assert!(memory.iter().all(|(_, piece)| gone(piece)));
    ask(&mut exercise, "capture memory LAN-BR-WS-03");
    exercise.step();
    assert!(matches!(last_progress(&exercise), Progress::Refused(reason) if reason.contains("memory is gone")));
}
