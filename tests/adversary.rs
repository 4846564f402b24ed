//! The attacker who reacts, and the actions that cost what they cost: a reset password comes
//! back where the implant runs, a cut foothold sets the wiper off early through another, a
//! blocked C2 address sends it to a new machine, going quiet drops what follows, and closing
//! every way in at once leaves it nothing to act through; services stop under the team's own
//! resets and blocks until mended; the new actions are refused with their reasons.

use std::sync::Arc;

use redscreen::exercise::Exercise;
use redscreen::response::{Progress, parse_action};
use redscreen::scenario::model::{AccountId, HostId, Response, Scenario, ServiceId, Tick};
use redscreen::sim::{Adversary, Body, GroundTruth, MoveOutcome, Reachability, ServiceStatus, Stage, TruthLog};
use redscreen::testing::{ask, exercise_at, flagship, last_progress, minimal_with, tutorial};

/// The minimal fixture in format 3: a backdoor the worm leaves on every machine it takes, a
/// second foothold that runs only that backdoor, two C2 addresses, a worm let loose at 09:00
/// and a time bomb at 10:00, mail running under its own account, and these reactions.
fn fixture(reactions: &str) -> Arc<Scenario> {
    minimal_with(&[
        ("format: 1", "format: 3"),
        (
            r#"services: [(name: "mail", up_when: Any)],"#,
            r#"services: [
        (name: "mail", up_when: Any, run_as: ["CORP\\svc-mail"], ports: [25], reconfigure_time: "30m"),
        (name: "backups", up_when: Any, run_as: ["CORP\\svc-backup"], recovers_after: "2h"),
    ],"#,
        ),
        (
            r#"(name: "CORP\\support", kind: Admin, password: Weak, admin_on: [Role(Workstation)]),"#,
            r#"(name: "CORP\\support", kind: Admin, password: Weak, admin_on: [Role(Workstation)]),
        (name: "CORP\\svc-mail", kind: Service, password: Strong, admin_on: [Role(MailServer)]),
        (name: "CORP\\svc-backup", kind: Service, password: Strong, admin_on: [Role(BackupServer)]),"#,
        ),
        (
            r#"(name: "BK-01", subnet: "srv", role: BackupServer),"#,
            r#"(name: "BK-01", subnet: "srv", role: BackupServer, services: ["backups"]),"#,
        ),
        (
            r#"footholds: [(host: "WS-01", technique: "T1566.001")],"#,
            r#"footholds: [
            (host: "WS-01", technique: "T1566.001"),
            (host: "BR-WS-02", technique: "T1078", from: "WS-01", tools: ["backdoor"]),
        ],"#,
        ),
        (
            r#"(name: "wiper", kind: Wiper, files: [(name: "x.sys")]),"#,
            r#"(name: "wiper", kind: Wiper, files: [(name: "x.sys")]),
            (name: "backdoor", kind: Backdoor, files: [(name: "b.exe")]),"#,
        ),
        (
            r#"copy_delay: "2m"),"#,
            r#"copy_delay: "2m", starts: "2025-01-06 09:00"),"#,
        ),
        (
            r#"c2: [(address: "192.0.2.1", port: 443)],"#,
            &format!(
                r#"c2: [(address: "192.0.2.1", port: 443), (address: "192.0.2.2", port: 8080)],
        reactions: {reactions},"#
            ),
        ),
    ])
}

fn host(scenario: &Scenario, name: &str) -> HostId {
    scenario.host_named(name).expect("a machine")
}

fn account(scenario: &Scenario, name: &str) -> AccountId {
    AccountId(
        scenario
            .accounts
            .iter()
            .position(|account| account.name == name)
            .expect("an account") as u32,
    )
}

fn until(exercise: &mut Exercise, local: &str) {
    let tick = exercise.scenario().tick_at(local).expect("inside");
    exercise.run_through(tick, |_| {});
}

fn adversary(exercise: &Exercise) -> &Adversary {
    exercise.simulation().world().resource::<Adversary>()
}

fn truth(exercise: &Exercise) -> &GroundTruth {
    exercise.simulation().world().resource::<GroundTruth>()
}

fn controls(exercise: &Exercise, name: &str) -> bool {
    let world = exercise.simulation().world();
    let scenario = exercise.scenario();
    adversary(exercise).controls(
        scenario,
        world.resource::<GroundTruth>(),
        world.resource::<Reachability>(),
        host(scenario, name),
    )
}

/// The exercise at 08:00 with nothing done yet.
fn start(reactions: &str) -> Exercise {
    exercise_at(fixture(reactions), 1, "2025-01-06 08:00")
}

#[test]
fn a_reset_password_comes_back_where_the_implant_runs() {
    let mut exercise = start(r#"[(notices: AccountReset, delay: "10m", does: Reharvest)]"#);
    let scenario = exercise.shared_scenario();
    let support = account(&scenario, "CORP\\support");
    ask(&mut exercise, "reset account CORP\\support");
    until(&mut exercise, "2025-01-06 08:06");
    assert!(
        !truth(&exercise).holds_working(support),
        "the reset took the password away"
    );
    until(&mut exercise, "2025-01-06 08:20");
    assert!(truth(&exercise).holds_working(support), "and the implant took it back");

    let moves = &adversary(&exercise).moves;
    assert_eq!(moves.len(), 1);
    assert_eq!(moves[0].response, Response::Reharvest);
    assert_eq!(moves[0].what, "CORP\\support reset");
    assert!(matches!(&moves[0].outcome, MoveOutcome::Done(what) if what.contains("CORP\\support")));
    // The machine where it was taken shows the administrator's logon and the password.
    let retaken = exercise
        .simulation()
        .world()
        .resource::<TruthLog>()
        .harvests()
        .last()
        .copied();
    let retaken = retaken.expect("a harvest");
    assert!(retaken.retaken && retaken.account == support);
    let records = exercise.simulation().records_on(
        retaken.host,
        exercise.simulation().second_of(Tick(exercise.now().unwrap().0 + 1)),
    );
    let logon = records.iter().any(|record| {
        record.at >= exercise.simulation().second_of(retaken.tick)
            && matches!(&record.body, Body::Event(event) if event.event_id == 4624
                && event.get("TargetUserName").is_some_and(|user| "CORP\\support".ends_with(user)))
    });
    assert!(logon, "a logon of the account where it was taken again");
}

#[test]
fn a_disabled_account_is_not_taken_again() {
    let mut exercise = start(r#"[(notices: AccountReset, delay: "10m", does: Reharvest)]"#);
    let support = account(exercise.scenario(), "CORP\\support");
    ask(&mut exercise, "disable account CORP\\support");
    until(&mut exercise, "2025-01-06 08:30");
    assert!(!truth(&exercise).holds_working(support));
    let moves = &adversary(&exercise).moves;
    assert!(
        matches!(&moves[0].outcome, MoveOutcome::Done(what) if what.contains("no new password")),
        "{moves:?}"
    );
}

#[test]
fn cutting_one_way_in_sets_the_wiper_off_early_through_another() {
    let mut exercise = start(r#"[(notices: AccessCut, delay: "10m", does: Detonate)]"#);
    ask(&mut exercise, "isolate host WS-01");
    until(&mut exercise, "2025-01-06 09:30");
    let scenario = exercise.shared_scenario();
    // Asked at 08:00, taken up at 08:01, isolated at 08:06 and noticed; ten minutes later the
    // worm goes out through the backdoor on the branch machine, with the time bomb brought
    // forward by as much.
    let moves = &adversary(&exercise).moves;
    assert_eq!(moves.len(), 1, "{moves:?}");
    assert_eq!(moves[0].what, "WS-01 isolated");
    assert!(
        matches!(&moves[0].outcome, MoveOutcome::Done(what) if what.contains("let the worm loose at 08:17") && what.contains("forward to 09:17")),
        "{moves:?}"
    );
    let campaign = truth(&exercise).campaign;
    assert_eq!(campaign.spread_starts, scenario.tick_at("2025-01-06 08:17").unwrap());
    assert_eq!(campaign.time_bomb, Some(scenario.tick_at("2025-01-06 09:17").unwrap()));
    let branch = truth(&exercise).hosts[host(&scenario, "BR-WS-02").index()];
    assert_eq!(Tick(branch.defaced_at), scenario.tick_at("2025-01-06 09:17").unwrap());
}

#[test]
fn cutting_every_way_in_at_once_leaves_the_attacker_nothing_to_act_through() {
    let mut exercise = start(r#"[(notices: AccessCut, delay: "10m", does: Detonate)]"#);
    ask(&mut exercise, "isolate host WS-01");
    ask(&mut exercise, "isolate host BR-WS-02");
    until(&mut exercise, "2025-01-06 08:30");
    let moves = &adversary(&exercise).moves;
    assert_eq!(moves.len(), 1, "one notice a tick: {moves:?}");
    assert_eq!(moves[0].outcome, MoveOutcome::NoWayIn);
    let scenario = exercise.shared_scenario();
    assert_eq!(truth(&exercise).campaign.spread_starts, scenario.threat.spread.starts);
}

#[test]
fn a_blocked_c2_address_sends_it_to_a_new_machine_and_blocking_both_cuts_every_implant() {
    let mut exercise = start(r#"[(notices: C2Blocked, delay: "5m", does: Reenter)]"#);
    let before: Vec<Stage> = truth(&exercise).stages().to_vec();
    ask(&mut exercise, "block address 192.0.2.1");
    until(&mut exercise, "2025-01-06 08:30");
    let moves = &adversary(&exercise).moves;
    let MoveOutcome::Done(what) = &moves[0].outcome else {
        panic!("{moves:?}")
    };
    assert!(
        what.starts_with("took ") && what.ends_with("with CORP\\support"),
        "{what}"
    );
    let taken: Vec<usize> = (0..before.len())
        .filter(|&index| before[index] == Stage::Clean && truth(&exercise).stages()[index] == Stage::Armed)
        .collect();
    assert_eq!(taken.len(), 1, "one new machine");
    assert!(
        controls(&exercise, "WS-01"),
        "one address blocked: the implants still reach the other"
    );

    ask(&mut exercise, "block address 192.0.2.2");
    until(&mut exercise, "2025-01-06 08:59");
    assert!(!controls(&exercise, "WS-01") && !controls(&exercise, "BR-WS-02"));
    assert_eq!(adversary(&exercise).moves[1].outcome, MoveOutcome::NoWayIn);
}

#[test]
fn going_quiet_drops_what_follows() {
    let mut exercise =
        start(r#"[(notices: AccountReset, does: GoQuiet("2h")), (notices: AccessCut, delay: "5m", does: Detonate)]"#);
    ask(&mut exercise, "reset account CORP\\support");
    until(&mut exercise, "2025-01-06 08:10");
    ask(&mut exercise, "isolate host WS-01");
    until(&mut exercise, "2025-01-06 09:30");
    let moves = &adversary(&exercise).moves;
    assert_eq!(moves.len(), 1, "{moves:?}");
    assert!(matches!(&moves[0].outcome, MoveOutcome::Done(what) if what.contains("until 2025-01-06 10:06")));
    let scenario = exercise.shared_scenario();
    assert_eq!(truth(&exercise).campaign.spread_starts, scenario.threat.spread.starts);
}

#[test]
fn killing_a_backdoor_closes_that_way_in_and_is_noticed() {
    let mut exercise = start(r#"[(notices: AccessCut, delay: "5m", does: GoQuiet("1h"))]"#);
    assert!(controls(&exercise, "BR-WS-02"));
    ask(&mut exercise, "kill notepad.exe on BR-WS-02");
    until(&mut exercise, "2025-01-06 08:20");
    assert!(
        controls(&exercise, "BR-WS-02"),
        "a program of no tool of the attacker's changes nothing"
    );
    ask(&mut exercise, "kill b.exe on BR-WS-02");
    until(&mut exercise, "2025-01-06 08:45");
    assert!(!controls(&exercise, "BR-WS-02") && controls(&exercise, "WS-01"));
    assert_eq!(adversary(&exercise).moves[0].what, "BR-WS-02 cleaned of b.exe");
    ask(&mut exercise, "power off BR-WS-02");
    until(&mut exercise, "2025-01-06 08:50");
    ask(&mut exercise, "kill b.exe on BR-WS-02");
    exercise.step();
    assert_eq!(
        last_progress(&exercise),
        Progress::Refused("BR-WS-02 is off: nothing runs on it".to_string())
    );
}

#[test]
fn a_reset_stops_the_services_running_under_the_account_until_reconfigured() {
    let mut exercise = start("[]");
    let status = |exercise: &Exercise, service: u32| {
        exercise.simulation().world().resource::<ServiceStatus>().up[service as usize]
    };
    ask(&mut exercise, "reconfigure mail");
    exercise.step();
    assert_eq!(
        last_progress(&exercise),
        Progress::Refused("mail is not stopped by an account change".to_string())
    );

    ask(&mut exercise, "reset account CORP\\svc-mail");
    until(&mut exercise, "2025-01-06 08:10");
    assert!(!status(&exercise, 0), "mail runs under the account that was reset");
    let breakage = *exercise
        .simulation()
        .world()
        .resource::<ServiceStatus>()
        .breakage(ServiceId(0))
        .expect("broken");
    assert_eq!(
        breakage.cause,
        redscreen::sim::Cause::Account(account(exercise.scenario(), "CORP\\svc-mail"))
    );
    let seen = exercise
        .simulation()
        .world()
        .resource::<redscreen::sim::ObservationLog>()
        .observations
        .iter()
        .any(|seen| matches!(seen.what, redscreen::sim::Observation::ServiceDown(ServiceId(0))));
    assert!(seen, "the team sees mail go down");
    ask(&mut exercise, "reconfigure mail");
    until(&mut exercise, "2025-01-06 08:35");
    assert!(!status(&exercise, 0), "reconfiguring takes half an hour");
    until(&mut exercise, "2025-01-06 08:45");
    assert!(status(&exercise, 0), "and then mail runs again");

    // The backups' owners re-enter the password themselves two hours later.
    ask(&mut exercise, "reset account CORP\\svc-backup");
    until(&mut exercise, "2025-01-06 09:00");
    assert!(!status(&exercise, 1));
    until(&mut exercise, "2025-01-06 10:55");
    assert!(status(&exercise, 1));
}

#[test]
fn a_block_of_the_port_a_service_needs_stops_it_while_it_stands() {
    let mut exercise = start("[]");
    let mail_up = |exercise: &Exercise| exercise.simulation().world().resource::<ServiceStatus>().up[0];
    ask(&mut exercise, "block 25 from all to host BK-01");
    until(&mut exercise, "2025-01-06 08:15");
    assert!(mail_up(&exercise), "no machine of mail is behind that block");
    ask(&mut exercise, "block 25 from all to subnet hq/srv");
    until(&mut exercise, "2025-01-06 08:30");
    assert!(!mail_up(&exercise));
    ask(&mut exercise, "unblock 25 from all to subnet hq/srv");
    until(&mut exercise, "2025-01-06 08:45");
    assert!(mail_up(&exercise));
    let broke = &exercise.simulation().world().resource::<ServiceStatus>().breakages;
    assert_eq!(broke.len(), 1);
    assert_eq!(broke[0].cause, redscreen::sim::Cause::Port(25));
    assert!(broke[0].mended.is_some());
}

#[test]
fn the_new_actions_are_refused_with_their_reasons() {
    let scenario = fixture("[]");
    let error = parse_action("block address 10.0.1.5", &scenario).expect_err("inside the company");
    assert_eq!(error.message, "10.0.1.5 is inside the company (hq/srv)");
    assert!(error.hint.unwrap().contains("isolate"));
    let error = parse_action("reconfigure mial", &scenario).expect_err("no such service");
    assert_eq!(error.hint.as_deref(), Some("did you mean `mail`?"));
    let error = parse_action("kill b.exe BR-WS-02", &scenario).expect_err("no `on`");
    assert!(error.message.contains("expected on"), "{error}");

    let mut exercise = start("[]");
    ask(&mut exercise, "block address 192.0.2.1");
    until(&mut exercise, "2025-01-06 08:15");
    ask(&mut exercise, "block address 192.0.2.1");
    exercise.step();
    assert_eq!(
        last_progress(&exercise),
        Progress::Refused("192.0.2.1 is already blocked".to_string())
    );
    ask(&mut exercise, "unblock address 192.0.2.9");
    exercise.step();
    assert_eq!(
        last_progress(&exercise),
        Progress::Refused("no block on 192.0.2.9 to remove".to_string())
    );
    let tutorial = tutorial();
    let mut exercise = exercise_at(Arc::clone(&tutorial), 1, "2025-03-11 08:00");
    ask(&mut exercise, "reconfigure sign-in");
    exercise.step();
    assert_eq!(
        last_progress(&exercise),
        Progress::Refused("sign-in runs under no account of the scenario: nothing to give it".to_string())
    );
}

/// With the attacker reacting, services breaking and every new action in play, the same
/// scenario, seed and actions give the same world, tick for tick.
#[test]
fn a_run_with_every_new_mechanic_is_deterministic() {
    let play = || {
        let mut exercise = start(
            r#"[(notices: AccountReset, delay: "10m", does: Reharvest), (notices: AccessCut, per_mille: 500, delay: "5m", does: Detonate), (notices: AccessCut, per_mille: 500, delay: "20m", does: Reenter), (notices: C2Blocked, per_mille: 700, does: Reenter)]"#,
        );
        for line in [
            "reset admins",
            "block address 192.0.2.1",
            "isolate host WS-01",
            "kill b.exe on BR-WS-02",
            "block 25 from all to all",
        ] {
            ask(&mut exercise, line);
        }
        let mut hashes = Vec::new();
        let end = exercise.simulation().end();
        exercise.run_through(end, |_| {});
        hashes.push(exercise.state_hash());
        (hashes, adversary(&exercise).moves.clone())
    };
    let (first, second) = (play(), play());
    assert_eq!(first, second);
    assert!(!first.1.is_empty(), "the attacker reacted");
}

/// The flagship's attacker answers a blunt reset: the passwords come back through the jump
/// host it still controls, and the services that run under the reset accounts stop.
#[test]
fn the_flagship_attacker_takes_back_what_a_blunt_reset_took() {
    let mut exercise = exercise_at(flagship(), 7, "2014-11-24 05:10");
    ask(&mut exercise, "reset admins");
    until(&mut exercise, "2014-11-24 06:00");
    let scenario = exercise.shared_scenario();
    let moves = &adversary(&exercise).moves;
    assert_eq!(moves.len(), 1, "{moves:?}");
    let MoveOutcome::Done(what) = &moves[0].outcome else {
        panic!("{moves:?}")
    };
    assert!(
        what.contains("SPE\\domain-admin") && what.contains("SPE\\it-ops"),
        "{what}"
    );
    assert!(truth(&exercise).holds_working(account(&scenario, "SPE\\domain-admin")));
    let services = exercise.simulation().world().resource::<ServiceStatus>();
    let down: Vec<&str> = scenario
        .services
        .iter()
        .zip(&services.up)
        .filter(|(_, up)| !**up)
        .map(|(service, _)| service.name.as_str())
        .collect();
    assert_eq!(down, ["mail", "payroll", "backups"]);
}
