//! The months before Monday and the stolen data: the history is laid down as evidence where it
//! would be (the footholds' calls home and the archives sent, at the perimeter within its
//! retention; the last archives on the staging disk); the theft goes on through the exercise
//! until the way is cut; a leak publishes what was stolen by then; the perimeter can be read for
//! an address; the theft's scoping is graded against what really left.

use std::sync::Arc;

use redscreen::exercise::{Baseline, Exercise};
use redscreen::response::{Progress, parse_action};
use redscreen::scenario::model::Tick;
use redscreen::scenario::{Limits, LoadError, Origin, load_str};
use redscreen::scoring::Verdict;
use redscreen::sim::{Body, InjectStatus, Theft, file_name};
use redscreen::testing::{ask, exercise_at, flagship, last_progress, project_path, tutorial, tutorial_with};

fn theft(exercise: &Exercise) -> &Theft {
    exercise.simulation().world().resource::<Theft>()
}

fn until(exercise: &mut Exercise, local: &str) {
    let tick = exercise.scenario().tick_at(local).expect("inside");
    exercise.run_through(tick, |_| {});
}

#[test]
fn the_history_is_laid_down_where_it_would_be() {
    let exercise = exercise_at(tutorial(), 1, "2025-03-11 08:00");
    let scenario = exercise.shared_scenario();
    let records = |name: &str| exercise.simulation().records_on(scenario.host_named(name).unwrap(), 0);
    let outside = |record: &redscreen::sim::Record, address: &str| matches!(&record.body, Body::Flow(flow) if flow.destination.to_string() == address);
    // Calls home every hour since the foothold was taken: nine days for patient zero.
    let beacons = records("LAN-BR-WS-03")
        .iter()
        .filter(|record| outside(record, "198.51.100.7") && record.at < 0)
        .count();
    assert_eq!(beacons, 9 * 24);
    // Five days at 100 GB a day, in archives of 25 GB: twenty transfers, and the last day's
    // four archives still on the staging disk.
    let on_stage = records("LAN-TO-FS-01");
    let transfers: Vec<u64> = on_stage
        .iter()
        .filter_map(|record| match &record.body {
            Body::Flow(flow) if flow.destination.to_string() == "198.51.100.99" => Some(flow.bytes),
            _ => None,
        })
        .collect();
    assert_eq!(transfers.len(), 20);
    assert!(
        transfers
            .iter()
            .all(|&bytes| (23_000_000_000..=27_000_000_000).contains(&bytes))
    );
    let archives: Vec<String> = on_stage
        .iter()
        .filter_map(|record| match &record.body {
            Body::File(file) if file.path.ends_with(".rar") => Some(file_name(&file.path)),
            _ => None,
        })
        .collect();
    assert_eq!(
        archives,
        [
            "film-frames-017.rar",
            "film-frames-018.rar",
            "film-frames-019.rar",
            "film-frames-020.rar"
        ]
    );
    assert_eq!(theft(&exercise).before_start, [500_000_000_000]);
}

#[test]
fn the_perimeter_keeps_a_month_of_flows_and_reads_them_for_an_address() {
    // Ninety days of theft, and the perimeter keeps thirty: the older transfers are gone.
    let scenario = tutorial_with(&[("since: \"5d\"", "since: \"90d\""), ("size: \"2TB\"", "size: \"20TB\"")]);
    let mut exercise = exercise_at(scenario, 1, "2025-03-11 08:00");
    ask(&mut exercise, "collect flows 198.51.100.99");
    until(&mut exercise, "2025-03-11 08:30");
    let scenario = exercise.shared_scenario();
    let read: Vec<_> = exercise
        .case()
        .records()
        .iter()
        .filter(|held| matches!(&held.record.body, Body::Flow(flow) if flow.destination.to_string() == "198.51.100.99"))
        .collect();
    assert_eq!(read.len(), 30 * 4, "a month of transfers, one every six hours");
    assert!(read.iter().all(|held| held.record.at >= -30 * 86_400));
    assert!(
        read.iter()
            .all(|held| held.record.host == scenario.host_named("LAN-TO-FS-01").unwrap())
    );

    // The web the staff browse is too much to read; inside addresses are not the perimeter's.
    let browsed = scenario.activity.web_addresses[0];
    ask(&mut exercise, &format!("collect flows {browsed}"));
    exercise.step();
    assert!(matches!(last_progress(&exercise), Progress::Refused(reason) if reason.contains("staff browse")));
    let error = parse_action("collect flows 10.2.1.4", &scenario).expect_err("inside");
    assert!(error.message.contains("inside the company"), "{error}");
}

#[test]
fn the_theft_goes_on_until_the_way_is_cut() {
    let scenario = tutorial();
    let mut quiet = exercise_at(Arc::clone(&scenario), 1, "2025-03-11 08:00");
    until(&mut quiet, "2025-03-11 10:00");
    let stolen = |exercise: &Exercise| theft(exercise).stolen[0];
    // Two hours at 100 GB a day.
    let grown = stolen(&quiet) - theft(&quiet).before_start[0];
    assert!((8_000_000_000..=8_700_000_000).contains(&grown), "{grown}");

    let mut blocked = exercise_at(Arc::clone(&scenario), 1, "2025-03-11 08:00");
    ask(&mut blocked, "block address 198.51.100.99");
    until(&mut blocked, "2025-03-11 08:11");
    let at_block = stolen(&blocked);
    until(&mut blocked, "2025-03-11 10:00");
    assert_eq!(
        stolen(&blocked),
        at_block,
        "nothing leaves once the destination is blocked"
    );
    assert!(theft(&blocked).cut_at[0].is_some());

    let mut isolated = exercise_at(scenario, 1, "2025-03-11 08:00");
    ask(&mut isolated, "isolate host LAN-TO-FS-01");
    until(&mut isolated, "2025-03-11 08:06");
    let at_cut = stolen(&isolated);
    until(&mut isolated, "2025-03-11 10:00");
    assert_eq!(
        stolen(&isolated),
        at_cut,
        "nothing leaves the staging machine once it is cut off"
    );
}

#[test]
fn a_leak_publishes_what_was_stolen_by_then() {
    // The theft begins this morning, so cutting it early leaves less to leak.
    let scenario = tutorial_with(&[
        ("since: \"5d\"", "since: \"1h\""),
        ("at_least: \"100GB\"", "at_least: \"1GB\""),
    ]);
    let leak = scenario
        .injects
        .iter()
        .position(|inject| inject.name == "frames-online")
        .unwrap();
    let run = |cut: bool| {
        let mut exercise = exercise_at(Arc::clone(&scenario), 1, "2025-03-11 08:00");
        if cut {
            ask(&mut exercise, "block address 198.51.100.99");
        }
        until(&mut exercise, "2025-03-11 17:00");
        let published = exercise.simulation().world().resource::<InjectStatus>().published[leak];
        (theft(&exercise).stolen[0], theft(&exercise).leaked[0], published)
    };
    let (stolen, leaked, published) = run(false);
    assert_eq!(leaked, stolen / 2, "the leak publishes half of what was stolen");
    assert_eq!(published, Some(leaked));
    let (stolen_cut, leaked_cut, _) = run(true);
    assert!(
        stolen_cut < stolen && leaked_cut < leaked,
        "cut early: {leaked_cut} against {leaked}"
    );

    // Below its threshold, a leak never comes.
    let scenario = tutorial_with(&[("at_least: \"100GB\"", "at_least: \"1TB\"")]);
    let mut exercise = exercise_at(scenario, 1, "2025-03-11 08:00");
    until(&mut exercise, "2025-03-11 20:00");
    assert_eq!(theft(&exercise).leaked, [0]);
    let fired = &exercise.simulation().world().resource::<InjectStatus>().fired_at;
    assert_eq!(fired[leak], None);
}

#[test]
fn the_theft_is_scoped_from_the_archives_and_graded_against_what_left() {
    let scenario = tutorial_with(&[(
        "size: \"2TB\",\n         sensitivity: Restricted),",
        "size: \"2TB\",\n         sensitivity: Restricted),\n        (name: \"payroll\", size: \"10GB\"),",
    )]);
    let mut exercise = exercise_at(Arc::clone(&scenario), 1, "2025-03-11 08:00");
    // Reported before anything shows it: a guess; a set that never left: wrong.
    ask(&mut exercise, "submit stolen film-frames");
    ask(&mut exercise, "submit stolen payroll");
    ask(&mut exercise, "image LAN-TO-FS-01");
    until(&mut exercise, "2025-03-11 10:05");
    let graded = Baseline::default().grade(&exercise).debrief;
    let verdict = |finding: &str| {
        graded
            .findings
            .judged
            .iter()
            .find(|judged| judged.finding == finding)
            .map(|judged| judged.verdict.clone())
            .unwrap()
    };
    assert_eq!(verdict("stolen film-frames"), Verdict::Unsupported);
    assert_eq!(verdict("stolen payroll"), Verdict::Wrong);
    let scope = |debrief: &redscreen::scoring::Debrief| {
        debrief
            .score
            .objectives
            .iter()
            .find(|objective| objective.objective == "scope-theft")
            .map(|objective| (objective.points, objective.reason.clone()))
            .unwrap()
    };
    assert_eq!(scope(&graded).0, 0.0, "{}", scope(&graded).1);

    // With the disk image in the case, the staged archives show it.
    ask(&mut exercise, "submit stolen film-frames");
    exercise.step();
    let graded = Baseline::default().grade(&exercise).debrief;
    assert!(matches!(
        graded
            .findings
            .judged
            .iter()
            .find(|judged| judged.finding == "stolen film-frames")
            .unwrap()
            .verdict,
        Verdict::Supported { .. }
    ));
    // One of two reported shown, the one that left: precision 1/2, recall 1.
    let (points, reason) = scope(&graded);
    assert!((points - 5.0 * (2.0 / 3.0)).abs() < 0.05, "{points}: {reason}");
    assert!(reason.contains("they were: film-frames"), "{reason}");
}

#[test]
fn the_flagship_keeps_its_theft_and_a_week_with_all_of_it_is_deterministic() {
    let run = || {
        let mut exercise = exercise_at(flagship(), 3, "2014-11-24 05:10");
        for line in [
            "collect flows 203.0.113.77",
            "isolate host SPE-CC-FS-0007",
            "reset admins",
        ] {
            ask(&mut exercise, line);
        }
        exercise.run_through(Tick(exercise.simulation().end().0), |_| {});
        (
            exercise.state_hash(),
            theft(&exercise).clone().stolen,
            exercise.simulation().outcome(),
        )
    };
    let (first, second) = (run(), run());
    assert_eq!(first.0, second.0);
    assert_eq!(first.1, second.1);
    let outcome = first.2;
    let films = outcome.data.iter().find(|set| set.data == "film-masters").unwrap();
    // Six weeks at 1.2 TB a day before Monday (scenario choice, about the claimed 100 TB in all).
    assert_eq!(films.stolen_before_start_bytes, 50_400_000_000_000);
    assert!(
        films.leaked_bytes > 0 && films.leaked_bytes < films.stolen_bytes / 100,
        "a few films, not the masters"
    );
    let personnel = outcome.data.iter().find(|set| set.data == "personnel").unwrap();
    assert_eq!(
        personnel.stolen_bytes, personnel.size_bytes,
        "all of it, long before Monday"
    );
}

#[test]
fn mistakes_in_the_theft_are_placed_with_a_hint() {
    let source = std::fs::read_to_string(project_path("scenarios/tutorial.ron"))
        .expect("readable")
        .replace("size: \"2TB\"", "size: \"2 TB\"")
        .replace(
            "(data: \"film-frames\", through: \"LAN-TO-FS-01\"",
            "(data: \"film-frame\", through: \"LAN-BR-FS-01\"",
        );
    let origin = Origin {
        name: "broken.ron".to_string(),
        folder: None,
    };
    let Err(LoadError::Invalid(report)) = load_str(&source, &origin, &Limits::default()) else {
        panic!("accepted");
    };
    let text = report.to_string();
    let line_of = |needle: &str| source.lines().position(|line| line.contains(needle)).unwrap() + 1;
    let problem = |fragment: &str| {
        report
            .problems
            .iter()
            .find(|problem| problem.kind.to_string().contains(fragment) || problem.label.contains(fragment))
            .unwrap_or_else(|| panic!("no `{fragment}` in {text}"))
    };
    assert_eq!(problem("unknown unit").location.line, line_of("size: \"2 TB\""));
    let unknown = problem("film-frame");
    assert_eq!(unknown.hint.as_deref(), Some("did you mean `film-frames`?"));
    let not_held = problem("is not a foothold");
    assert!(not_held.hint.as_deref().unwrap().contains("footholds"));
}
