//! The pictures the window and the report share, drawn without a display: the map's plan
//! (every machine of the flagship gets a cell of its own, inside the map, as large as fit),
//! the observed states it is painted from, and the debrief's chart.

use std::collections::HashSet;
use std::sync::Arc;

use redscreen::exercise::{Baseline, Console, Seen, SeenMap};
use redscreen::screen::{SERIES, machine_at, paint_chart, paint_map, plan_map};
use redscreen::testing::{exercise_at, flagship, tutorial};

#[test]
fn every_machine_gets_its_own_cell_inside_the_map() {
    let scenario = flagship();
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
    let scenario = flagship();
    let exercise = exercise_at(Arc::clone(&scenario), 1, "06:50");
    let seen = SeenMap::of(&exercise).states().to_vec();
    // Before the pages, the only signs are the collector's alerts on the jump host.
    assert!(seen.iter().all(|state| matches!(state, Seen::Unknown | Seen::Alerting)));
    let patient_zero = scenario.host_named("SPE-CC-WS-0412").expect("the foothold");
    assert_eq!(
        seen[patient_zero.index()],
        Seen::Unknown,
        "no sensor watches patient zero"
    );
    let plan = plan_map(&scenario, 896, 680);
    let pixels = paint_map(&plan, seen.iter().map(|state| state.colour()));
    assert_eq!(pixels.len(), 896 * 680 * 4);
    let (x, y) = plan.cells[patient_zero.index()];
    let at = ((y * 896 + x) * 4) as usize;
    assert_eq!(pixels[at..at + 3], Seen::Unknown.colour());
}

#[test]
fn a_click_on_a_cell_finds_its_machine() {
    let scenario = flagship();
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

/// The seed of the run the actions are typed into.
const SEED: u64 = 6;

/// A few actions on the tutorial, as typed into the window's console.
const ACTIONS: [&str; 9] = [
    "until 09:35",
    "power off LAN-BR-WS-02",
    "power off LAN-BR-WS-04",
    "isolate host LAN-TO-WS-01",
    "collect logs LAN-BR-WS-03",
    "image LAN-BR-FS-01",
    "until 11:30",
    "rebuild LAN-BR-WS-01",
    "until 22:00",
];

/// The tutorial with those actions.
fn tutorial_with_actions(seed: u64) -> Console {
    let mut console = Console::new(tutorial(), seed);
    for line in ACTIONS {
        console.handle(line);
    }
    console
}

/// The map of the same run updated after every tick, as the window keeps it, and read once at
/// the end.
fn seen_tick_by_tick_and_at_the_end(seed: u64) -> (SeenMap, SeenMap) {
    let console = tutorial_with_actions(seed);
    let scenario = console.exercise().shared_scenario();
    let mut again = Console::new(Arc::clone(&scenario), seed);
    let mut seen = SeenMap::new(scenario.hosts.len());
    for line in ACTIONS {
        for word in line.split_whitespace().take(1) {
            if word == "until" {
                let target = scenario.tick_at(&line[6..]).expect("a time");
                while again.exercise().now().is_none_or(|now| now < target) {
                    again.advance(1);
                    seen.update(again.exercise());
                }
            } else {
                again.handle(line);
                seen.update(again.exercise());
            }
        }
    }
    (seen, SeenMap::of(console.exercise()))
}

#[test]
fn observed_states_kept_up_tick_by_tick_match_those_read_at_the_end() {
    // Seed 3 brings an alert from LAN-BR-FS-01 while its disk is being imaged.
    let (seen, at_end) = seen_tick_by_tick_and_at_the_end(3);
    assert_eq!(seen.states(), at_end.states(), "seed 3");
    let (seen, at_end) = seen_tick_by_tick_and_at_the_end(SEED);
    assert_eq!(seen.states(), at_end.states());
    let scenario = tutorial();
    let state = |name: &str| at_end.get(scenario.host_named(name).expect("a machine"));
    assert_eq!(state("LAN-TO-WS-01"), Seen::Isolated);
    assert_eq!(state("LAN-BR-WS-02"), Seen::Offline);
    assert_eq!(state("LAN-BR-WS-01"), Seen::Restored);
    assert_eq!(
        state("LAN-BR-WS-03"),
        Seen::PageReported,
        "its user called about the page"
    );
    assert_eq!(
        state("LAN-BR-FS-01"),
        Seen::Alerting,
        "after imaging, what was seen before"
    );
}

#[test]
fn the_debrief_chart_draws_both_runs() {
    let console = tutorial_with_actions(SEED);
    let graded = Baseline::default().grade(console.exercise());
    let (response, baseline) = (graded.response, graded.baseline);
    assert!(
        response.wiped.last() < baseline.wiped.last(),
        "the actions saved machines"
    );
    assert!(response.compromised.windows(2).all(|pair| pair[0] <= pair[1]));
    let pixels = paint_chart(&response, &baseline, 400, 200);
    assert_eq!(pixels.len(), 400 * 200 * 4);
    let drawn = |[r, g, b]: [u8; 3]| pixels.chunks(4).filter(|pixel| pixel[..3] == [r, g, b]).count();
    for (name, colour) in SERIES {
        assert!(drawn(colour) > 100, "this run's {name} curve is drawn");
    }
    // Where the runs part, the baseline's dimmed curve shows: here, the machines wiped.
    let [r, g, b] = SERIES[2].1;
    assert!(drawn([r / 2, g / 2, b / 2]) > 20, "the baseline's wiped curve is drawn");
}
