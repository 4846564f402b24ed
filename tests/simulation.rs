//! The simulation as a trainer relies on it: the attack unfolds by the scenario's rules, the
//! responder's view stays apart from the truth, and a seed fixes the whole run.

use std::sync::Arc;

use redscreen::scenario::model::{Artifact, HostId, Role, Tick};
use redscreen::sim::{
    CallTopic, EvidenceStore, GroundTruth, NEVER, Observation, ObservationLog, OfficeHours, Simulation, Stage,
    TruthLog, forwards_logs,
};
use redscreen::testing::{flagship, minimal_with, run_to_end, tutorial};

fn hash(simulation: &Simulation) -> u64 {
    simulation.world().resource::<TruthLog>().hash()
}

#[test]
fn one_update_is_one_tick() {
    let mut simulation = Simulation::new(tutorial(), 1);
    assert_eq!(simulation.now(), None);
    for expected in 0..5 {
        simulation.step();
        assert_eq!(simulation.now(), Some(Tick(expected)));
    }
}

#[test]
fn the_same_seed_gives_the_same_run_and_another_seed_another() {
    let first = run_to_end(tutorial(), 7);
    let second = run_to_end(tutorial(), 7);
    assert_eq!(hash(&first), hash(&second));
    assert_eq!(first.outcome(), second.outcome());
    assert_eq!(
        first.world().resource::<ObservationLog>().observations,
        second.world().resource::<ObservationLog>().observations
    );
    let other = run_to_end(tutorial(), 8);
    assert_ne!(hash(&first), hash(&other), "seeds 7 and 8 gave the same run");
}

#[test]
fn the_flagship_is_reproducible_through_the_morning() {
    let scenario = flagship();
    let until = scenario.tick_at("2014-11-24 09:00").expect("inside the exercise");
    let mut runs = (0..2).map(|_| {
        let mut simulation = Simulation::new(Arc::clone(&scenario), 2014);
        simulation.run_through(until, |_| {});
        (hash(&simulation), simulation.outcome())
    });
    assert_eq!(runs.next(), runs.next());
}

#[test]
fn machines_go_through_the_stages_in_order_and_wiped_ones_stay_dead() {
    let simulation = run_to_end(tutorial(), 3);
    let scenario = simulation.scenario();
    let truth = simulation.world().resource::<GroundTruth>();
    let wipe = scenario.threat.wipe_duration_ticks;
    let mut wiped = 0;
    for (state, stage) in truth.hosts.iter().zip(truth.stages()) {
        if state.wiped_at != NEVER {
            wiped += 1;
            assert_eq!(*stage, Stage::Wiped);
            assert!(state.compromised_at <= state.defaced_at);
            assert_eq!(state.wiped_at - state.defaced_at, wipe, "the wipe takes its duration");
        }
        if state.defaced_at != NEVER {
            assert!(
                state.defaced_at >= scenario.threat.trigger.time_bomb.expect("a bomb").0,
                "a page before the bomb"
            );
        }
    }
    assert!(
        wiped > 20,
        "the tutorial's wiper should take most of the studio, took {wiped}"
    );
}

#[test]
fn footholds_start_compromised_and_nothing_fires_before_the_time_bomb() {
    let scenario = flagship();
    let bomb = scenario.threat.trigger.time_bomb.expect("a time bomb");
    let mut simulation = Simulation::new(Arc::clone(&scenario), 5);
    simulation.run_through(Tick(bomb.0 - 1), |_| {});
    for foothold in &scenario.threat.footholds {
        assert_eq!(simulation.truth(foothold.host).compromised_at, 0);
    }
    let outcome = simulation.outcome();
    assert_eq!(outcome.machines.defaced, 0, "a warning page before 07:00");
    let spread_start = scenario.threat.spread.starts;
    let truth = simulation.world().resource::<GroundTruth>();
    let early = truth
        .hosts
        .iter()
        .filter(|state| state.compromised_at != NEVER && state.compromised_at < spread_start.0)
        .count();
    assert_eq!(
        early,
        scenario.threat.footholds.len(),
        "the worm spread before it was let loose"
    );
}

#[test]
fn a_firewall_that_denies_between_subnets_keeps_the_worm_in_its_subnet() {
    let scenario = minimal_with(&[(
        "firewall: [(from: Office(\"branch\"), to: Subnet(\"hq/srv\"), ports: [445], action: Deny)],",
        "between_subnets: Deny,",
    )]);
    let simulation = run_to_end(Arc::clone(&scenario), 1);
    let truth = simulation.world().resource::<GroundTruth>();
    let foothold_subnet = scenario.hosts[scenario.threat.footholds[0].host.index()].subnet;
    let mut inside = 0;
    for (index, state) in truth.hosts.iter().enumerate() {
        if state.compromised_at != NEVER {
            assert_eq!(
                scenario.hosts[index].subnet, foothold_subnet,
                "{} was reached",
                scenario.hosts[index].name
            );
            inside += 1;
        }
    }
    assert!(inside > 5, "the worm should still take its own subnet, took {inside}");
}

#[test]
fn without_an_admin_account_or_guessing_the_worm_goes_nowhere() {
    let scenario = minimal_with(&[
        ("credentials: [\"CORP\\\\support\"],\n        spread", "spread"),
        (", cached_credentials: [\"CORP\\\\support\"]", ""),
        ("guess_per_mille: 5,", "guess_per_mille: 0,"),
    ]);
    let simulation = run_to_end(scenario, 1);
    assert_eq!(simulation.outcome().machines.compromised, 1, "only the foothold");
}

#[test]
fn switched_off_workstations_cannot_be_reached() {
    // Start at 06:00 London; workstations are all off until the office opens at 09:00.
    let scenario = minimal_with(&[
        ("start: \"2025-01-06 08:00\"", "start: \"2025-01-06 06:00\""),
        (
            "name: \"hq\",\n",
            "name: \"hq\",\n            after_hours_on_per_mille: 0,\n",
        ),
    ]);
    let mut simulation = Simulation::new(Arc::clone(&scenario), 1);
    let before_opening = scenario.tick_at("2025-01-06 08:59").expect("inside");
    simulation.run_through(before_opening, |_| {});
    let truth = simulation.world().resource::<GroundTruth>();
    let foothold = scenario.threat.footholds[0].host;
    for (index, state) in truth.hosts.iter().enumerate() {
        let host = &scenario.hosts[index];
        if host.role == Role::Workstation && host.office.index() == 0 && HostId(index as u32) != foothold {
            assert_eq!(
                state.compromised_at, NEVER,
                "{} was reached while switched off",
                host.name
            );
        }
    }
    // Once the office opens the worm gets them.
    let end = simulation.end();
    simulation.run_through(end, |_| {});
    assert!(simulation.outcome().role(Role::Workstation).compromised > 5);
}

#[test]
fn users_call_the_helpdesk_only_in_their_office_hours() {
    let simulation = run_to_end(tutorial(), 11);
    let scenario = simulation.scenario();
    let hours = simulation.world().resource::<OfficeHours>();
    let log = &simulation.world().resource::<ObservationLog>().observations;
    let calls: Vec<_> = log
        .iter()
        .filter(|seen| matches!(seen.what, Observation::HelpdeskCall(_)))
        .collect();
    let about_pages = calls
        .iter()
        .filter(|call| call.what == Observation::HelpdeskCall(CallTopic::WarningPage))
        .count();
    assert!(about_pages > 0, "nobody called about the page");
    assert!(calls.len() > about_pages, "nobody called about anything else");
    for call in calls {
        let host = call.host.expect("a call is about a machine");
        let office = scenario.hosts[host.index()].office;
        assert!(
            hours.is_open(office, call.tick),
            "a call at tick {} outside office hours",
            call.tick.0
        );
        if call.what == Observation::HelpdeskCall(CallTopic::WarningPage) {
            let truth = simulation.truth(host);
            assert!(call.tick.0 > truth.defaced_at, "the call came before the page");
        }
    }
}

#[test]
fn observations_come_after_the_facts_they_report() {
    let simulation = run_to_end(tutorial(), 5);
    let mut checked = 0;
    for seen in &simulation.world().resource::<ObservationLog>().observations {
        // Ordinary activity trips the same sensors; the attack's alerts name its records.
        let attack = seen.record.is_some_and(|key| key.is_attack());
        if let (Some(host), Observation::EdrSuspiciousService | Observation::LogAlert { .. }, true) =
            (seen.host, seen.what, attack)
        {
            assert!(
                simulation.truth(host).compromised_at < seen.tick.0,
                "seen before it happened"
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "the tutorial's sensors saw the attack");
}

#[test]
fn a_wipe_destroys_what_lives_on_the_machine_but_not_forwarded_logs_or_flows() {
    let simulation = run_to_end(tutorial(), 2);
    let store = simulation.world().resource::<EvidenceStore>();
    let scenario = simulation.scenario();
    let mut forwarded_kept = 0;
    for (_, evidence) in store.iter() {
        let wiped_at = simulation.truth(evidence.host).wiped_at;
        let artifact = evidence.trace.artifact();
        let at = evidence.at as i64;
        let wiped_second = simulation.second_of(Tick(wiped_at));
        let on_machine = at > store.cleared_at(evidence.host, artifact) as i64;
        if wiped_at != NEVER && artifact != Artifact::Flows && at < wiped_second {
            assert!(!on_machine, "{artifact:?} survived the wipe");
        }
        if artifact == Artifact::Flows {
            assert!(store.survives(scenario, evidence.host, artifact, at));
        }
        if artifact == Artifact::EventLogs && forwards_logs(scenario, evidence.host) && !on_machine {
            assert!(store.survives(scenario, evidence.host, artifact, at));
            forwarded_kept += 1;
        }
    }
    assert!(
        forwarded_kept > 0,
        "the tutorial's domain controllers forward their logs"
    );
}

#[test]
fn services_fall_when_their_machines_do_and_injects_follow() {
    // A seed on which the worm reaches the mail server.
    let simulation = run_to_end(tutorial(), 1);
    let outcome = simulation.outcome();
    let mail = outcome
        .services
        .iter()
        .find(|service| service.service == "mail")
        .expect("mail");
    assert!(!mail.up && mail.first_down.is_some());
    let director = outcome
        .injects
        .iter()
        .find(|inject| inject.inject == "director")
        .expect("inject");
    assert_eq!(
        director.fired.as_ref().map(|moment| moment.tick),
        mail.first_down.as_ref().map(|moment| moment.tick)
    );
    let first_call = outcome
        .injects
        .iter()
        .find(|inject| inject.inject == "first-call")
        .expect("inject");
    let insurer = outcome
        .injects
        .iter()
        .find(|inject| inject.inject == "insurer")
        .expect("inject");
    assert_eq!(
        insurer.fired.as_ref().map(|moment| moment.tick),
        first_call.fired.as_ref().map(|moment| moment.tick + 120),
        "the insurer calls two hours after the first call"
    );
}
