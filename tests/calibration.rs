//! The flagship with no response looks like November 2014: warning pages from about 07:00
//! Pacific, across the offices within about an hour, and over 20 seeds a median close to the
//! public figures (Fortune, 2015): 3,262 of 6,797 PCs and 837 of 1,555 servers wiped.

use std::sync::Arc;

use redscreen::scenario::model::{Role, Tick};
use redscreen::sim::{GroundTruth, NEVER, Simulation};
use redscreen::testing::flagship;

const PCS_WIPED: f64 = 3_262.0;
const SERVERS_WIPED: f64 = 837.0;
const TOLERANCE: f64 = 0.15;

fn median(mut values: Vec<u32>) -> f64 {
    values.sort_unstable();
    let middle = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) as f64 / 2.0
    } else {
        values[middle] as f64
    }
}

#[test]
fn twenty_seeds_wipe_what_sony_lost_within_fifteen_percent() {
    let scenario = flagship();
    // Every wipe is over by the next morning.
    let next_morning = scenario.tick_at("2014-11-25 05:00").expect("inside the exercise");
    let bomb = scenario.threat.trigger.time_bomb.expect("a time bomb").0;
    let hour = 3_600 / scenario.meta.tick_seconds;
    let (mut pcs, mut servers) = (Vec::new(), Vec::new());
    for seed in 1..=20 {
        let mut simulation = Simulation::new(Arc::clone(&scenario), seed);
        simulation.run_through(next_morning, |_| {});
        let outcome = simulation.outcome();
        let workstations = outcome.role(Role::Workstation).wiped;
        pcs.push(workstations);
        servers.push(outcome.machines.wiped - workstations);

        // Pages start at the bomb, in every office, and most come within the hour.
        let truth = simulation.world().resource::<GroundTruth>();
        for (index, office) in outcome.by_office.iter().enumerate() {
            let first = office.first_page.as_ref().expect("every office is hit").tick;
            assert!(
                (bomb..bomb + 15).contains(&first),
                "seed {seed}: {} first page at tick {first}",
                office.office
            );
            let pages: Vec<u32> = scenario
                .hosts
                .iter()
                .zip(&truth.hosts)
                .filter(|(host, state)| host.office.index() == index && state.defaced_at != NEVER)
                .map(|(_, state)| state.defaced_at)
                .collect();
            let within_hour = pages.iter().filter(|&&tick| tick < bomb + hour).count();
            assert!(
                within_hour * 10 >= pages.len() * 7,
                "seed {seed}: only {within_hour} of {} pages in {} within the hour",
                pages.len(),
                office.office
            );
        }
        assert!(simulation.now() == Some(Tick(next_morning.0)));
    }
    let (pcs, servers) = (median(pcs), median(servers));
    println!("median over 20 seeds: {pcs} PCs and {servers} servers wiped");
    assert!(
        (pcs - PCS_WIPED).abs() <= PCS_WIPED * TOLERANCE,
        "median PCs wiped {pcs}, history {PCS_WIPED}"
    );
    assert!(
        (servers - SERVERS_WIPED).abs() <= SERVERS_WIPED * TOLERANCE,
        "median servers wiped {servers}, history {SERVERS_WIPED}"
    );
}
