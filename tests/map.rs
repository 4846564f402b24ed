//! The exercise map's plan: every machine of the flagship gets a cell of its own, inside the
//! map, and cells are as large as fit. (Needs the `gui` feature, on by default.)
#![cfg(feature = "gui")]

use redscreen::gui::{Seen, machine_at, observed_states, paint_map, plan_map};
use redscreen::scenario::{Limits, load_flagship};
use redscreen::sim::Simulation;
use std::collections::HashSet;
use std::sync::Arc;

#[test]
fn every_machine_gets_its_own_cell_inside_the_map() {
    let scenario = Arc::new(load_flagship(&Limits::default()).expect("the flagship loads"));
    for (width, height) in [(896, 680), (640, 400), (1800, 1000)] {
        let plan = plan_map(&scenario, width, height);
        let distinct: HashSet<(u32, u32)> = plan.cells.iter().copied().collect();
        assert_eq!(
            distinct.len(),
            scenario.hosts.len(),
            "two machines share a cell at {width}x{height}"
        );
        for &(x, y) in &plan.cells {
            assert!(
                x + plan.cell <= width && y + plan.cell <= height,
                "a cell leaves the {width}x{height} map"
            );
        }
        let larger = plan_map(&scenario, width * 2, height * 2);
        assert!(larger.cell >= plan.cell);
    }
}

#[test]
fn the_map_shows_only_what_the_responder_could_see() {
    let scenario = Arc::new(load_flagship(&Limits::default()).expect("the flagship loads"));
    let mut simulation = Simulation::new(Arc::clone(&scenario), 1);
    simulation.run_through(scenario.tick_at("06:50").expect("inside"), |_| {});
    let seen = observed_states(&simulation);
    // Before the pages, the only signs are the collector's alerts on the jump host.
    assert!(seen.iter().all(|state| matches!(state, Seen::Quiet | Seen::Alerting)));
    let patient_zero = scenario.host_named("SPE-CC-WS-0412").expect("the foothold");
    assert_eq!(
        seen[patient_zero.index()],
        Seen::Quiet,
        "no sensor watches patient zero"
    );
    let plan = plan_map(&scenario, 896, 680);
    assert_eq!(paint_map(&plan, &seen).len(), 896 * 680 * 4);
}

#[test]
fn a_click_on_a_cell_finds_its_machine() {
    let scenario = Arc::new(load_flagship(&Limits::default()).expect("the flagship loads"));
    let plan = plan_map(&scenario, 896, 680);
    let patient_zero = scenario.host_named("SPE-CC-WS-0412").expect("the foothold");
    let (x, y) = plan.cells[patient_zero.index()];
    let middle = plan.cell as f32 / 2.0;
    assert_eq!(
        machine_at(&plan, x as f32 + middle, y as f32 + middle),
        Some(patient_zero)
    );
    assert_eq!(machine_at(&plan, 1.0, 1.0), None, "the labels' band holds no machine");
    assert_eq!(machine_at(&plan, -5.0, 100.0), None);
}
