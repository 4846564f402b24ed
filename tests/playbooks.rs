//! Playbooks and grading: the shipped plans are graded in the order a trainer expects, the
//! investigating plan clearly above the blunt one, whose debrief says why; the plan that scopes
//! and then evicts in one move clearly above the one that fixes each thing as it finds it, on
//! every seed; the naive plan pays for the business it takes down; a broken playbook is
//! reported precisely.

use std::sync::Arc;

use redscreen::exercise::Exercise;
use redscreen::response::parse_playbook;
use redscreen::scenario::LoadError;
use redscreen::scenario::model::Scenario;
use redscreen::scoring::{Debrief, Rating, RunRecord, Score, score};
use redscreen::sim::Simulation;
use redscreen::testing::{flagship, playbook};

/// Grades a shipped playbook on the flagship's first day, seed 7.
fn grade(scenario: &Arc<Scenario>, name: &str) -> (Score, RunRecord, RunRecord) {
    grade_seed(scenario, name, 7)
}

/// Grades a shipped playbook on the flagship's first day with a seed.
fn grade_seed(scenario: &Arc<Scenario>, name: &str, seed: u64) -> (Score, RunRecord, RunRecord) {
    let last = scenario.tick_at("2014-11-25 05:00").expect("inside");
    let mut baseline = Simulation::new(Arc::clone(scenario), seed);
    baseline.run_through(last, |_| {});
    let mut run = Exercise::following(Arc::clone(scenario), seed, playbook(name, scenario));
    run.run_through(last, |_| {});
    let (run, baseline) = (RunRecord::of(run.simulation()), RunRecord::of(&baseline));
    (score(scenario, &run, &baseline), run, baseline)
}

fn points(score: &Score, objective: &str) -> (f64, Rating) {
    let found = score
        .objectives
        .iter()
        .find(|graded| graded.objective == objective)
        .expect("an objective");
    (found.points, found.rating)
}

#[test]
fn good_beats_naive_beats_nothing_by_a_clear_margin() {
    let scenario = flagship();
    let (nothing, _, _) = grade(&scenario, "nothing");
    let (naive, naive_run, baseline) = grade(&scenario, "naive");
    let (good, good_run, _) = grade(&scenario, "good");
    assert!(
        good.total >= naive.total + 40.0,
        "good {} against naive {}",
        good.total,
        naive.total
    );
    assert!(
        naive.total >= nothing.total + 10.0,
        "naive {} against nothing {}",
        naive.total,
        nothing.total
    );
    assert_eq!(score_total(&good), good.total);
    assert!(good.total <= 100.0 && nothing.total >= 0.0);

    // Pulling every office off the network costs more business than the wiper alone did.
    let downtime = |record: &RunRecord| record.downtime_ticks.iter().map(|&ticks| ticks as u64).sum::<u64>();
    assert!(downtime(&naive_run) > downtime(&baseline));
    assert_eq!(points(&naive, "keep-services"), (0.0, Rating::U));
    assert_eq!(points(&good, "keep-services").1, Rating::P);
    assert!(
        good_run.wiped * 10 < baseline.wiped,
        "the good plan saves most machines"
    );
    assert_eq!(points(&nothing, "save-machines"), (0.0, Rating::U));
}

#[test]
fn investigating_beats_acting_bluntly_on_the_first_alert_and_the_debrief_says_why() {
    let scenario = flagship();
    let (good, good_run, _) = grade(&scenario, "good");
    let (blunt, blunt_run, _) = grade(&scenario, "blunt");
    assert!(
        good.total >= blunt.total + 30.0,
        "good {} against blunt {}",
        good.total,
        blunt.total
    );

    // The blunt plan's reset came before anything of the attack was seen.
    let first_sign = blunt_run.first_attack_sign.expect("the attack showed");
    assert!(blunt_run.actions[0].requested < first_sign);
    let detect = reason(&blunt, "detect");
    assert!(
        detect.contains("acted on ordinary alerts before it: reset admins"),
        "{detect}"
    );
    assert_eq!(points(&blunt, "findings"), (0.0, Rating::U));
    assert_eq!(points(&blunt, "preserve-evidence"), (0.0, Rating::U));
    let collateral = reason(&blunt, "no-needless-destruction");
    assert!(
        collateral.contains("3 accounts the attacker did not hold"),
        "{collateral}"
    );

    // It undid nothing: the attacker took the new passwords back through the jump host, and
    // the reset stopped what runs under the service accounts. The debrief names both.
    let debrief = Debrief::new(
        &scenario,
        blunt.clone(),
        &blunt_run,
        Default::default(),
        Default::default(),
    );
    let timeline = debrief.timeline();
    assert!(timeline.contains("What the attacker did in reply"), "{timeline}");
    assert!(
        timeline.contains("re-harvest credentials: took the new passwords of")
            && timeline.contains("SPE\\domain-admin"),
        "{timeline}"
    );
    let broken: Vec<&str> = debrief.broken.iter().map(|line| line.service.as_str()).collect();
    assert_eq!(broken, ["backups", "mail", "payroll"]);
    assert!(
        timeline.contains("mail             runs under SPE\\svc-exchange, which was changed; still down at the end"),
        "{timeline}"
    );
    assert_eq!(points(&blunt, "keep-services").1, Rating::U);
    assert_eq!(blunt_run.findings.answers_found, 0);
    let patient_zero = blunt_run
        .findings
        .missed
        .iter()
        .find(|missed| missed.answer.starts_with("patient zero"))
        .and_then(|missed| missed.evidence.as_ref())
        .expect("the debrief says where patient zero showed");
    assert!(!patient_zero.record.is_empty() && !patient_zero.host.is_empty());

    // The good plan supports what it reports, and guesses nothing.
    assert!(good_run.findings.supported() >= 10, "{:?}", good_run.findings.judged);
    assert_eq!(good_run.findings.unsupported() + good_run.findings.wrong(), 0);
    assert_eq!(points(&good, "detect").1, Rating::P);
}

/// The lesson of the shipped plans, on five seeds: finding every way in and cutting them at
/// once beats cutting each as it is found by 15 points or more, and a blunt reset by 30.
#[test]
fn scoping_then_evicting_at_once_beats_fixing_piecemeal_and_resetting_bluntly_on_every_seed() {
    let scenario = flagship();
    for seed in 1..=5 {
        let (good, good_run, _) = grade_seed(&scenario, "good", seed);
        let (piecemeal, piecemeal_run, _) = grade_seed(&scenario, "piecemeal", seed);
        let (blunt, _, _) = grade_seed(&scenario, "blunt", seed);
        assert!(
            good.total >= piecemeal.total + 15.0 && good.total >= blunt.total + 30.0,
            "seed {seed}: good {} piecemeal {} blunt {}",
            good.total,
            piecemeal.total,
            blunt.total
        );
        // The good plan's eviction leaves the attacker nothing to answer through.
        assert!(!good_run.attacker_moves.is_empty(), "seed {seed}: the attacker noticed");
        assert!(
            good_run
                .attacker_moves
                .iter()
                .all(|made| made.outcome == redscreen::sim::MoveOutcome::NoWayIn),
            "seed {seed}: {:?}",
            good_run.attacker_moves
        );
        assert!(!piecemeal_run.attacker_moves.is_empty());
    }
}

#[test]
fn a_step_held_until_a_time_acts_on_everything_found_before_it_at_once() {
    let scenario = flagship();
    let source = r#"Playbook(
    name: "hold",
    steps: [
        (when: Found(Service(unknown: true, except: ["PSEXESVC"])), not_before: "2014-11-24 06:15", actions: ["isolate host {host}"]),
    ],
)"#;
    let plan = parse_playbook(source, "hold.ron", &scenario).unwrap_or_else(|error| panic!("{error:?}"));
    let mut exercise = Exercise::following(Arc::clone(&scenario), 1, plan);
    exercise.run_through(scenario.tick_at("2014-11-24 06:30").expect("inside"), |_| {});
    let held = scenario.tick_at("2014-11-24 06:15").expect("inside");
    let isolations: Vec<_> = exercise.desk().log.iter().map(|entry| entry.requested).collect();
    assert!(isolations.len() >= 2, "{isolations:?}");
    assert!(isolations.iter().all(|&tick| tick == held), "{isolations:?}");

    let wrong = source
        .replace(
            "when: Found(Service(unknown: true, except: [\"PSEXESVC\"]))",
            "when: At(\"2014-11-24 06:00\")",
        )
        .replace("isolate host {host}", "declare incident");
    let Err(LoadError::Invalid(report)) = parse_playbook(&wrong, "hold.ron", &scenario) else {
        panic!("`not_before` on a timed step was accepted");
    };
    assert_eq!(report.problems[0].label, "not a `Found` step");
    assert_eq!(report.problems[0].location.line, 4);
}

#[test]
fn a_step_can_wait_for_what_the_case_shows_and_act_on_its_values() {
    let scenario = flagship();
    let source = r#"Playbook(
    name: "pivot",
    steps: [
        (when: Found(Service(name: "Windows Schedule Management")), actions: ["collect logs {host}"]),
        (when: Found(Logon(account: "SPE\\it-ops", from_role: Workstation)), actions: ["submit patient-zero {peer}", "capture memory {peer}"]),
    ],
)"#;
    let plan = parse_playbook(source, "pivot.ron", &scenario).unwrap_or_else(|error| panic!("{error:?}"));
    let mut exercise = Exercise::following(Arc::clone(&scenario), 1, plan);
    exercise.run_through(scenario.tick_at("2014-11-24 06:00").expect("inside"), |_| {});
    let asked: Vec<(u32, String)> = exercise
        .desk()
        .log
        .iter()
        .map(|entry| (entry.requested.0, entry.action.to_text(&scenario)))
        .collect();
    let when = |text: &str| {
        asked
            .iter()
            .find(|(_, action)| action == text)
            .map(|(tick, _)| *tick)
            .unwrap_or_else(|| panic!("`{text}` not asked: {asked:?}"))
    };
    // The 7045 alert on the jump host comes at 05:15; its logs name where it-ops came from.
    let collected = when("collect logs SPE-CC-MGT-07");
    assert!(collected >= 15, "{asked:?}");
    let pivoted = when("submit patient-zero SPE-CC-WS-0412");
    assert!(pivoted > collected + 10, "the logs first had to come in: {asked:?}");
    when("capture memory SPE-CC-WS-0412");
    // Each step fires once per record that matches.
    assert_eq!(
        asked
            .iter()
            .filter(|(_, action)| action.starts_with("collect logs"))
            .count(),
        1
    );

    for (line, says) in [
        (
            r#"(when: At("2014-11-24 06:00"), actions: ["isolate host {host}"])"#,
            "`{host}` takes its value from a record, and only a `Found` step has one",
        ),
        (
            r#"(when: Found(Event(7045)), actions: ["isolate host {nowhere}"])"#,
            "`{nowhere}` is not a placeholder",
        ),
    ] {
        let source = format!("Playbook(name: \"bad\", steps: [{line}])");
        let report = match parse_playbook(&source, "bad.ron", &scenario) {
            Err(LoadError::Invalid(report)) => report,
            other => panic!("accepted `{line}`: {:?}", other.map(|playbook| playbook.name)),
        };
        assert_eq!(report.problems.len(), 1, "{report}");
        assert_eq!(report.problems[0].kind.to_string(), says, "{report}");
    }
}

fn reason(score: &Score, objective: &str) -> String {
    score
        .objectives
        .iter()
        .find(|graded| graded.objective == objective)
        .map(|graded| graded.reason.clone())
        .expect("an objective")
}

fn score_total(score: &Score) -> f64 {
    (score.objectives.iter().map(|objective| objective.points).sum::<f64>() * 10.0).round() / 10.0
}

#[test]
fn every_objective_gets_points_within_its_weight_and_a_reason() {
    let scenario = flagship();
    let (good, _, _) = grade(&scenario, "good");
    assert_eq!(good.objectives.len(), scenario.rubric.objectives.len());
    for objective in &good.objectives {
        assert!(
            objective.points >= 0.0 && objective.points <= objective.weight as f64,
            "{objective:?}"
        );
        assert!(!objective.reason.is_empty());
    }
}

#[test]
fn a_broken_playbook_is_reported_at_its_line_and_column_with_a_hint() {
    let scenario = flagship();
    let source = "Playbook(\n    name: \"typo\",\n    steps: [\n        (when: At(\"2014-11-24 06:00\"), actions: [\"isolate host SPE-CC-WS-041\"]),\n    ],\n)\n";
    let report = match parse_playbook(source, "typo.ron", &scenario) {
        Err(LoadError::Invalid(report)) => report,
        other => panic!("accepted: {:?}", other.map(|playbook| playbook.name)),
    };
    let problem = &report.problems[0];
    assert_eq!((problem.location.line, problem.location.column), (4, 64), "{report}");
    assert!(problem.kind.to_string().contains("no machine is named `SPE-CC-WS-041`"));
    assert!(
        problem
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("did you mean `SPE-CC-WS-0"),
        "{report}"
    );

    let outside = source
        .replace("2014-11-24 06:00", "2014-12-24 06:00")
        .replace("WS-041", "WS-0412");
    let report = match parse_playbook(&outside, "late.ron", &scenario) {
        Err(LoadError::Invalid(report)) => report,
        other => panic!("accepted: {:?}", other.map(|playbook| playbook.name)),
    };
    assert_eq!(report.problems[0].location.line, 4);
    assert!(report.problems[0].kind.to_string().contains("after the exercise ends"));

    let syntax = source.replace("steps: [", "steps: [[");
    assert!(matches!(
        parse_playbook(&syntax, "syntax.ron", &scenario),
        Err(LoadError::Invalid(_))
    ));
}
