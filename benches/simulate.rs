//! Simulation benchmark: the flagship with no response for its whole week, and generated
//! companies of 10,000 and 1,000,000 machines for one simulated day. Run with
//! `cargo bench --bench simulate`; figures go to standard output.
//!
//! Then the path users run: `redscreen gen --hosts N` and `redscreen run FILE --seed 1 --until
//! 1440 --json` as child processes at 10,000, 100,000 and 1,000,000 machines, load included,
//! printed as a table with the peak memory per machine.
//!
//! Targets: the flagship's week under 1 s after loading, its first tick (where the months
//! before Monday are laid down as evidence) under 200 ms, and with the good playbook within 20%
//! of the plan that does nothing; a million machines for a day under 5 s and under 512 bytes
//! of memory per machine, an active host-tick at most 1.5 times what it costs at ten thousand;
//! host-ticks per second reported.

use std::sync::Arc;
use std::time::Instant;

use redscreen::exercise::{Exercise, replay};
use redscreen::response::Playbook;
use redscreen::scenario::generate::synthetic_enterprise;
use redscreen::scenario::model::{Scenario, Tick};
use redscreen::scenario::{Limits, Origin, load_str};
use redscreen::session::{Recorder, Session};
use redscreen::testing::{flagship, playbook};

fn resident_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs a scenario from its start through `last`, following a playbook if given; returns
/// seconds and machines wiped.
fn simulate_with(scenario: &Arc<Scenario>, last: Tick, playbook: Option<&Playbook>) -> (f64, u32) {
    let start = Instant::now();
    let mut exercise = match playbook {
        Some(playbook) => Exercise::following(Arc::clone(scenario), 1, playbook.clone()),
        None => Exercise::unattended(Arc::clone(scenario), 1),
    };
    exercise.run_through(last, |_| {});
    let seconds = start.elapsed().as_secs_f64();
    (seconds, exercise.simulation().outcome().machines.wiped)
}

fn simulate(scenario: &Arc<Scenario>, last: Tick) -> (f64, u32) {
    simulate_with(scenario, last, None)
}

/// The median of nine runs: a week of the flagship takes a tenth of a second, where noise shows.
fn median_of_nine(mut run: impl FnMut() -> (f64, u32)) -> (f64, u32) {
    let mut runs: Vec<(f64, u32)> = (0..9).map(|_| run()).collect();
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    runs[4]
}

fn report(name: &str, scenario: &Scenario, ticks: u32, seconds: f64, wiped: u32, target_seconds: f64) {
    let hosts = scenario.hosts.len() as f64;
    let host_ticks = hosts * ticks as f64 / seconds;
    let verdict = if seconds <= target_seconds { "ok" } else { "OVER TARGET" };
    println!(
        "{name:<34} {:>8.3} s  target {target_seconds:>6.3} s  {verdict:<11}  {:>7.1} M host-ticks/s  wiped {wiped} of {}",
        seconds,
        host_ticks / 1e6,
        scenario.hosts.len()
    );
}

fn generated(hosts: u64) -> Arc<Scenario> {
    let origin = Origin {
        name: format!("generated {hosts}"),
        folder: None,
    };
    Arc::new(load_str(&synthetic_enterprise(hosts), &origin, &Limits::default()).expect("the generated scenario loads"))
}

fn main() {
    let flagship = flagship();
    let week = Tick(flagship.meta.duration_ticks);
    let (seconds, wiped) = median_of_nine(|| simulate(&flagship, week));
    report(
        "flagship, 7 days (median of 9)",
        &flagship,
        week.0 + 1,
        seconds,
        wiped,
        1.0,
    );
    // A plan's cost is measured against the plan that does nothing: both keep a desk and a case
    // (every alert filed), which the unattended run has no use for.
    // The first tick lays down the history: the footholds, weeks of beacons and transfers, the
    // staged archives.
    let (history, pieces) = median_of_nine(|| {
        let start = Instant::now();
        let mut exercise = Exercise::unattended(Arc::clone(&flagship), 1);
        exercise.step();
        let pieces = exercise
            .simulation()
            .world()
            .resource::<redscreen::sim::EvidenceStore>()
            .len() as u32;
        (start.elapsed().as_secs_f64(), pieces)
    });
    let verdict = if history <= 0.2 { "ok" } else { "OVER TARGET" };
    println!(
        "{:<34} {history:>8.3} s  target  0.200 s  {verdict:<11}  {pieces} pieces of evidence",
        "flagship, history (first tick)"
    );
    let nothing = playbook("nothing", &flagship);
    let (idle, _) = median_of_nine(|| simulate_with(&flagship, week, Some(&nothing)));
    let good = playbook("good", &flagship);
    let (with_playbook, saved) = median_of_nine(|| simulate_with(&flagship, week, Some(&good)));
    report(
        "flagship, 7 days, good playbook",
        &flagship,
        week.0 + 1,
        with_playbook,
        saved,
        idle * 1.2,
    );
    println!(
        "  the good plan takes {:.0}% of the time of the plan that does nothing ({idle:.3} s; target at most 120%)",
        with_playbook / idle * 100.0
    );

    // A recorded week of the good playbook, verified by replay, and scrubbed to its last day.
    let recorded = std::env::temp_dir().join("redscreen-bench-good.jsonl");
    let mut exercise = Exercise::following(Arc::clone(&flagship), 1, good.clone());
    let mut recorder =
        Recorder::create(&recorded, &exercise.session_header("embedded", "playbook good")).expect("a session file");
    while exercise.now().is_none_or(|now| now < week) {
        exercise.step();
        exercise.record_tick(&mut recorder).expect("recorded");
    }
    exercise.record_end(&mut recorder).expect("recorded");
    let session = Session::read(&recorded).expect("the session reads");
    let bytes = std::fs::metadata(&recorded).map_or(0, |meta| meta.len());
    let start = Instant::now();
    replay(&session, Arc::clone(&flagship), None, |_| {}).expect("the session verifies");
    let verify = start.elapsed().as_secs_f64();
    let late = flagship.tick_at("2014-11-30 18:00").expect("inside");
    let start = Instant::now();
    replay(&session, Arc::clone(&flagship), Some(late), |_| {}).expect("the session verifies");
    let scrub = start.elapsed().as_secs_f64();
    println!(
        "session of the week with the good playbook: {bytes} bytes; verified in {verify:.3} s (target 2 s), --at day 7 in {scrub:.3} s (target 2 s)"
    );
    std::fs::remove_file(&recorded).ok();

    let day = Tick(1_440);
    let ten_thousand = generated(10_000);
    let (seconds, wiped) = simulate(&ten_thousand, day);
    report("generated 10,000, 1 day", &ten_thousand, day.0 + 1, seconds, wiped, 0.5);
    let rate = 10_000.0 * (day.0 + 1) as f64 / seconds;
    println!(
        "  against ~1,300 node-steps/s of a Python simulator on 10,000 nodes: {:.0}x",
        rate / 1_300.0
    );

    let before = resident_kib("VmRSS:").unwrap_or(0);
    let million = generated(1_000_000);
    let (seconds, wiped) = simulate(&million, day);
    report("generated 1,000,000, 1 day", &million, day.0 + 1, seconds, wiped, 5.0);
    if let Some(peak) = resident_kib("VmHWM:") {
        let per_host = (peak.saturating_sub(before)) as f64 * 1024.0 / 1_000_000.0;
        let verdict = if per_host <= 512.0 { "ok" } else { "OVER TARGET" };
        println!(
            "  peak memory {:.0} MiB, {per_host:.0} bytes per machine (target 512)  {verdict}",
            peak as f64 / 1024.0
        );
    }

    command_line_table();
}

/// Seconds and peak resident memory (KiB) of one `redscreen` command run as a child. The peak
/// is the child's own high-water mark, read from /proc while it runs (a fork's resource usage
/// would count the benchmark's own memory).
fn timed_command(arguments: &[&str]) -> (f64, u64) {
    let start = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_redscreen"))
        .args(arguments)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("redscreen runs");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child is waited for") {
            break status;
        }
        let high_water = std::fs::read_to_string(&status_file).ok().and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        });
        peak_kib = peak_kib.max(high_water.unwrap_or(0));
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let seconds = start.elapsed().as_secs_f64();
    assert!(status.success(), "redscreen {arguments:?} failed");
    (seconds, peak_kib)
}

/// The table of the command line.
fn command_line_table() {
    println!();
    println!("command line: redscreen run FILE --seed 1 --until T --json (load included)");
    println!(
        "{:>10}  {:>12}  {:>22}  {:>26}  {:>20}",
        "machines", "day, wall", "host-ticks/s (day)", "host-ticks/s (ticks 0-240)", "peak per machine"
    );
    // Ten million machines take a minute and about 7 GB: asked for by name.
    let mut sizes = vec![10_000u64, 100_000, 1_000_000];
    if std::env::var_os("REDSCREEN_BENCH_TEN_MILLION").is_some() {
        sizes.push(10_000_000);
    }
    // Per size: the day's seconds, active host-ticks per second, peak bytes per machine.
    let mut rows = Vec::new();
    for &hosts in &sizes {
        let file = std::env::temp_dir().join(format!("redscreen-bench-{hosts}.ron"));
        let path = file.to_str().expect("a UTF-8 path");
        timed_command(&["gen", "--hosts", &hosts.to_string(), "-o", path]);
        let (active, _) = timed_command(&["run", path, "--seed", "1", "--until", "240", "--json"]);
        let (day, peak_kib) = timed_command(&["run", path, "--seed", "1", "--until", "1440", "--json"]);
        let active_rate = hosts as f64 * 241.0 / active;
        let per_machine = peak_kib as f64 * 1024.0 / hosts as f64;
        println!(
            "{hosts:>10}  {day:>10.2} s  {:>20.1} M  {:>24.1} M  {:>17.2} KB",
            hosts as f64 * 1441.0 / day / 1e6,
            active_rate / 1e6,
            per_machine / 1000.0
        );
        rows.push((hosts, day, active_rate, per_machine));
        std::fs::remove_file(&file).ok();
    }
    let row = |hosts: u64| rows.iter().find(|row| row.0 == hosts).copied().expect("measured");
    let (small, million) = (row(10_000), row(1_000_000));
    let verdict = |ok: bool| if ok { "ok" } else { "OVER TARGET" };
    println!(
        "1,000,000 machines: a day in {:.2} s (target 5 s) {}; {:.0} bytes per machine (target 512) {}; an active host-tick costs {:.2}x what it does at 10,000 (target 1.5x) {}",
        million.1,
        verdict(million.1 < 5.0),
        million.3,
        verdict(million.3 < 512.0),
        small.2 / million.2,
        verdict(small.2 / million.2 <= 1.5)
    );
}
