//! The pictures the window and the report share, drawn without a display: the map's plan
//! (every machine of the flagship gets a cell of its own, inside the map, as large as fit),
//! the observed states it is painted from, and the debrief's chart.

use std::collections::HashSet;
use std::sync::Arc;

use redscreen::exercise::{Baseline, Console, Seen, SeenMap};
use redscreen::scenario::model::HostId;
use redscreen::screen::{
    MapOrder, MapShares, SERIES, machine_at, paint_chart, paint_map, plan_finer, plan_level, plan_map,
};
use redscreen::testing::{exercise_at, flagship, tutorial};

#[test]
fn every_machine_gets_its_own_cell_inside_the_map() {
    let scenario = flagship();
    for (width, height) in [(896, 680), (640, 400), (1800, 1000)] {
        let plan = plan_map(&scenario, width, height);
        assert_eq!(plan.per_cell, 1);
        let distinct: HashSet<(u32, u32)> = scenario
            .hosts
            .iter()
            .enumerate()
            .map(|(index, _)| plan.position_of(HostId(index as u32)))
            .collect();
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
    let palette = Seen::ALL.map(Seen::colour);
    let pixels = paint_map(&plan, &palette, |host| seen[host.index()] as u8);
    assert_eq!(pixels.len(), 896 * 680 * 4);
    let (x, y) = plan.position_of(patient_zero);
    let at = ((y * 896 + x) * 4) as usize;
    assert_eq!(pixels[at..at + 3], Seen::Unknown.colour());
}

#[test]
fn a_click_on_a_cell_finds_its_machine() {
    let scenario = flagship();
    let plan = plan_map(&scenario, 896, 680);
    let patient_zero = scenario.host_named("SPE-CC-WS-0412").expect("the foothold");
    let (x, y) = plan.position_of(patient_zero);
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
    let scenario = tutorial();
    let state = |at_end: &SeenMap, name: &str| at_end.get(scenario.host_named(name).expect("a machine"));
    assert_eq!(
        state(&at_end, "LAN-BR-FS-01"),
        Seen::Alerting,
        "after imaging, what was seen before"
    );
    assert_eq!(state(&at_end, "LAN-TO-WS-01"), Seen::Isolated);
    let (seen, at_end) = seen_tick_by_tick_and_at_the_end(SEED);
    assert_eq!(seen.states(), at_end.states());
    assert_eq!(state(&at_end, "LAN-BR-WS-02"), Seen::Offline);
    assert_eq!(state(&at_end, "LAN-BR-WS-01"), Seen::Restored);
    assert_eq!(
        state(&at_end, "LAN-BR-WS-05"),
        Seen::PageReported,
        "its user called about the page"
    );
    // Cut off after the worm had armed it: the page shows at the time bomb all the same, and
    // what happened last is what the map shows.
    assert_eq!(state(&at_end, "LAN-TO-WS-01"), Seen::PageReported);
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

/// A generated company of `hosts` machines.
fn generated(hosts: u64) -> Arc<redscreen::scenario::model::Scenario> {
    use redscreen::scenario::{Limits, Origin, generate, load_str};
    let origin = Origin {
        name: "generated".to_string(),
        folder: None,
    };
    let text = generate::synthetic_enterprise(hosts);
    Arc::new(load_str(&text, &origin, &Limits::default()).unwrap_or_else(|_| panic!("{hosts} machines load")))
}

#[test]
fn a_company_too_large_for_a_cell_per_machine_gets_cells_of_many_and_finer_levels() {
    let scenario = generated(200_000);
    let order = Arc::new(MapOrder::of(&scenario));
    let plan = plan_level(&order, 896, 612);
    assert!(plan.per_cell > 1, "200,000 machines do not fit 896x612 one to a cell");
    // Every machine in exactly one cell, each cell inside the map, and found where it is.
    let mut counted = vec![0u32; plan.cells.len()];
    for index in 0..scenario.hosts.len() {
        let host = HostId(index as u32);
        let cell = plan.cell_of(host);
        assert!(plan.machines_in(cell).contains(&host));
        counted[cell as usize] += 1;
    }
    assert!(
        counted
            .iter()
            .all(|&machines| machines >= 1 && machines <= plan.per_cell)
    );
    for (index, &(x, y)) in plan.cells.iter().enumerate() {
        assert!(
            x + plan.cell <= 896 && y + plan.cell <= 612,
            "cell {index} leaves the map"
        );
        let middle = plan.cell as f32 / 2.0;
        assert_eq!(plan.cell_at(x as f32 + middle, y as f32 + middle), Some(index as u32));
    }
    // Zoomed in twice, four times...: finer cells in the same places, until one machine a
    // cell.
    let mut per_cell = plan.per_cell;
    let mut level = 1;
    while per_cell > 1 {
        let finer = plan_finer(&plan, 1 << level);
        assert!(finer.per_cell < per_cell, "level {level} is no finer");
        for index in (0..scenario.hosts.len()).step_by(997) {
            let host = HostId(index as u32);
            let (x, y) = plan.position_of(host);
            let (finer_x, finer_y) = finer.position_of(host);
            let block = plan.blocks[plan
                .blocks
                .iter()
                .position(|&[left, top, right, bottom]| (left..right).contains(&x) && (top..bottom).contains(&y))
                .expect("a machine's cell is on its subnet's block")];
            assert!(
                (block[0] << level..=block[2] << level).contains(&finer_x)
                    && (block[1] << level..=block[3] << level).contains(&finer_y),
                "level {level} moved a machine out of its subnet's place"
            );
        }
        per_cell = finer.per_cell;
        level += 1;
    }
    assert!(level <= 5, "a cell per machine within four doublings of the zoom");
}

#[test]
fn a_cell_of_many_shows_every_state_among_its_machines() {
    let scenario = generated(200_000);
    let plan = plan_map(&scenario, 896, 612);
    let palette = Seen::ALL.map(Seen::colour);
    // One machine of a cell has an alert; the rest are unknown.
    let alerting = HostId(123_457);
    let pixels = paint_map(&plan, &palette, |host| match host == alerting {
        true => Seen::Alerting as u8,
        false => Seen::Unknown as u8,
    });
    let (x, y) = plan.position_of(alerting);
    let inner = plan.cell - 1;
    let colours: Vec<[u8; 3]> = (y..y + inner)
        .flat_map(|py| (x..x + inner).map(move |px| (px, py)))
        .map(|(px, py)| {
            let at = ((py * 896 + px) * 4) as usize;
            [pixels[at], pixels[at + 1], pixels[at + 2]]
        })
        .collect();
    let amber = colours
        .iter()
        .filter(|&&colour| colour == Seen::Alerting.colour())
        .count();
    let grey = colours
        .iter()
        .filter(|&&colour| colour == Seen::Unknown.colour())
        .count();
    // Its share of the cell rounded up, and at least a pixel.
    let most = 1 + colours.len().div_ceil(plan.per_cell as usize);
    assert!(
        (1..=most).contains(&amber),
        "one alert among {} machines: {amber} pixels",
        plan.per_cell
    );
    assert_eq!(amber + grey, colours.len());
}

#[test]
fn shares_kept_up_from_the_changes_match_shares_counted_at_the_end() {
    let console = tutorial_with_actions(SEED);
    let scenario = console.exercise().shared_scenario();
    // Small enough a map that the tutorial's machines share cells.
    let order = Arc::new(MapOrder::of(&scenario));
    let plan = (44..80)
        .flat_map(|height| (40..400).step_by(20).map(move |width| (width, height)))
        .map(|(width, height)| plan_level(&order, width, height))
        .find(|plan| plan.per_cell > 1)
        .expect("a size at which a few machines share each cell");
    let mut again = Console::new(Arc::clone(&scenario), SEED);
    let mut seen = SeenMap::new(scenario.hosts.len());
    let mut shares = MapShares::count(&plan, |_| Seen::Unknown as u8);
    let mut keep_up = |console: &Console, seen: &mut SeenMap| {
        seen.update(console.exercise());
        for &(host, before, after) in seen.last_changes() {
            shares.shift(&plan, host, before as u8, after as u8);
        }
    };
    for line in ACTIONS {
        if let Some(time) = line.strip_prefix("until ") {
            let target = scenario.tick_at(time).expect("a time");
            while again.exercise().now().is_none_or(|now| now < target) {
                again.advance(1);
                keep_up(&again, &mut seen);
            }
        } else {
            again.handle(line);
            keep_up(&again, &mut seen);
        }
    }
    let at_end = SeenMap::of(console.exercise());
    let counted = MapShares::count(&plan, |host| at_end.get(host) as u8);
    for cell in 0..plan.cells.len() as u32 {
        assert_eq!(shares.of(cell), counted.of(cell), "cell {cell}");
    }
    let touched = (0..plan.cells.len() as u32)
        .filter(|&cell| counted.of(cell)[Seen::Unknown as usize] < plan.machines_in(cell).len() as u16)
        .count();
    assert!(touched >= 3, "the actions changed what several cells show");
}
