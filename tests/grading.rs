//! Grades that measure what they say: a finding counts when a record the team held shows it,
//! a guess does not; containment is what the team prevented after it first acted, not how
//! soon the last machine fell; acting on what the attacker never touched is collateral.

use redscreen::exercise::{Baseline, Exercise};
use redscreen::scenario::model::Tick;
use redscreen::scoring::{Debrief, ObjectiveScore, Rating, Verdict};
use redscreen::sim::Body;
use redscreen::testing::{ask, exercise_at, flagship};

fn graded(exercise: &Exercise) -> Debrief {
    Baseline::default().grade(exercise).debrief
}

fn objective<'a>(debrief: &'a Debrief, name: &str) -> &'a ObjectiveScore {
    debrief
        .score
        .objectives
        .iter()
        .find(|graded| graded.objective == name)
        .expect("the flagship grades it")
}

fn verdict<'a>(debrief: &'a Debrief, finding: &str) -> &'a Verdict {
    &debrief
        .findings
        .judged
        .iter()
        .find(|judged| judged.finding == finding)
        .unwrap_or_else(|| panic!("`{finding}` was judged: {:?}", debrief.findings.judged))
        .verdict
}

/// Runs an exercise on until a moment.
fn until(exercise: &mut Exercise, local: &str) {
    let tick = exercise.scenario().tick_at(local).expect("inside");
    exercise.run_through(tick, |_| {});
}

#[test]
fn a_finding_counts_when_a_collected_record_shows_it_and_a_guess_does_not() {
    let mut exercise = exercise_at(flagship(), 1, "2014-11-24 05:05");
    // From memory of the news, before anything is collected: true, but a guess.
    ask(&mut exercise, "submit indicator diskpartmg16.exe");
    // Not this attack at all.
    ask(&mut exercise, "submit indicator 10.99.99.99");
    ask(&mut exercise, "collect logs SPE-CC-MGT-07");
    until(&mut exercise, "2014-11-24 05:40");

    // The jump host's log names the account and the machine it came from: pivot on it.
    let case = exercise.case();
    let logon = case
        .search(exercise.scenario(), "it-ops")
        .into_iter()
        .find(|held| matches!(&held.record.body, Body::Event(event) if event.event_id == 4624 && event.get("WorkstationName") == Some("SPE-CC-WS-0412")))
        .expect("the logs show it-ops signing in from SPE-CC-WS-0412");
    let logon_id = logon.id;
    ask(&mut exercise, "submit account SPE\\it-ops");
    ask(&mut exercise, "submit patient-zero SPE-CC-WS-0412");
    until(&mut exercise, "2014-11-24 05:45");

    let debrief = graded(&exercise);
    assert_eq!(verdict(&debrief, "indicator diskpartmg16.exe"), &Verdict::Unsupported);
    assert_eq!(verdict(&debrief, "indicator 10.99.99.99"), &Verdict::Wrong);
    for supported in ["account SPE\\it-ops", "patient zero SPE-CC-WS-0412"] {
        match verdict(&debrief, supported) {
            Verdict::Supported { records } => assert!(records.contains(&logon_id), "{supported}: {records:?}"),
            other => panic!("{supported}: {other:?}"),
        }
    }
    let findings = objective(&debrief, "findings");
    assert!(
        findings
            .reason
            .starts_with("2 of 4 findings supported by the case (1 true but unsupported, 1 wrong)"),
        "{}",
        findings.reason
    );
    // What was missed is listed with where its evidence was.
    let text = debrief.findings();
    assert!(text.contains("a guess, not counted"), "{text}");
    let missed = debrief
        .findings
        .missed
        .iter()
        .find(|missed| missed.answer == "indicator diskpartmg16.exe")
        .expect("the guessed indicator is still missed");
    let clue = missed.evidence.as_ref().expect("the attack left evidence of it");
    assert!(
        ["SPE-CC-WS-0412", "SPE-CC-MGT-07"].contains(&clue.host.as_str()),
        "{clue:?}"
    );
}

#[test]
fn findings_submitted_from_memory_score_nothing() {
    let scenario = flagship();
    let mut exercise = exercise_at(scenario.clone(), 1, "2014-11-24 05:05");
    let answers = &scenario.rubric.findings;
    for host in &answers.patient_zero {
        ask(
            &mut exercise,
            &format!("submit patient-zero {}", scenario.hosts[host.index()].name),
        );
    }
    for account in &answers.accounts {
        ask(
            &mut exercise,
            &format!("submit account {}", scenario.accounts[account.index()].name),
        );
    }
    for technique in &answers.vector {
        ask(&mut exercise, &format!("submit vector {technique}"));
    }
    for indicator in &answers.indicators {
        ask(&mut exercise, &format!("submit indicator {indicator}"));
    }
    until(&mut exercise, "2014-11-24 05:10");
    let debrief = graded(&exercise);
    let findings = objective(&debrief, "findings");
    assert_eq!(
        (findings.points, findings.rating),
        (0.0, Rating::U),
        "{}",
        findings.reason
    );
    assert_eq!(debrief.findings.supported(), 0);
    assert_eq!(debrief.findings.wrong(), 0);
}

#[test]
fn containment_is_what_was_prevented_after_the_first_action() {
    // Cutting off every foothold at once before the worm leaves them prevents nearly
    // everything (the attacker notices, with nothing left to act through).
    let mut early = exercise_at(flagship(), 1, "2014-11-24 05:30");
    ask(&mut early, "isolate host SPE-CC-WS-0412");
    ask(&mut early, "isolate host SPE-CC-MGT-07");
    ask(&mut early, "isolate host SPE-CC-FS-0007");
    until(&mut early, "2014-11-24 12:00");
    let contain = graded(&early);
    let contain = objective(&contain, "contain");
    assert_eq!(contain.rating, Rating::P, "{}", contain.reason);

    // Acting on the wrong thing as the worm starts: the last machine falls soon after (the
    // old grade's "P"), and nothing was prevented.
    let mut useless = exercise_at(flagship(), 1, "2014-11-24 06:50");
    ask(&mut useless, "reset account SPE\\finance-user");
    until(&mut useless, "2014-11-24 12:00");
    let debrief = graded(&useless);
    let contain = objective(&debrief, "contain");
    assert_eq!((contain.points, contain.rating), (0.0, Rating::U), "{}", contain.reason);
    assert!(contain.reason.contains("0% prevented"), "{}", contain.reason);
    assert!(useless.simulation().outcome().machines.compromised > 1000);
}

#[test]
fn acting_on_what_the_attacker_never_touched_is_collateral() {
    let mut exercise = exercise_at(flagship(), 1, "2014-11-24 05:05");
    ask(&mut exercise, "power off SPE-CC-WS-0001");
    ask(&mut exercise, "reset account SPE\\finance-user");
    ask(&mut exercise, "isolate office tokyo");
    until(&mut exercise, "2014-11-24 06:00");
    let debrief = graded(&exercise);
    let collateral = objective(&debrief, "no-needless-destruction");
    assert_eq!(
        (collateral.points, collateral.rating),
        (0.0, Rating::U),
        "{}",
        collateral.reason
    );
    assert!(
        collateral.reason.contains("1 clean machines switched off")
            && collateral.reason.contains("1 accounts the attacker did not hold")
            && collateral.reason.contains("432 clean machines isolated"),
        "{}",
        collateral.reason
    );

    // The same actions on what the attacker holds cost nothing.
    let mut exercise = exercise_at(flagship(), 1, "2014-11-24 05:05");
    ask(&mut exercise, "isolate host SPE-CC-MGT-07");
    ask(&mut exercise, "reset account SPE\\it-ops");
    exercise.run_through(Tick(70), |_| {});
    let debrief = graded(&exercise);
    assert_eq!(objective(&debrief, "no-needless-destruction").rating, Rating::P);
}
