//! Case benchmark: the case file of a full investigation of the flagship, and the reading
//! commands over it. Run with `cargo bench --bench case`; figures go to standard output.
//!
//! The investigation: the good playbook, and on top of it the team collecting everything
//! (logs, memory and a disk image) from two hundred more machines across the offices,
//! attacked and clean, from noon on Monday to the end of the week. Targets: `search` answers in
//! under 50 ms, whatever it looks for; the whole case exports (`redscreen export --case`) in
//! under 2 s; the whole ground truth of the week (`--truth`) streams, its peak memory growing
//! by at most 256 MB.

use std::sync::Arc;
use std::time::Instant;

use redscreen::exercise::Exercise;
use redscreen::export::export_case;
use redscreen::scenario::model::Tick;
use redscreen::testing::{ask, flagship, playbook};

fn main() {
    let flagship = flagship();
    let good = playbook("good", &flagship);
    let mut exercise = Exercise::following(Arc::clone(&flagship), 1, good);
    let start = Instant::now();
    // The plan's own investigation first: the team works its queue in order.
    exercise.run_through(Tick(7 * 60), |_| {});
    // Then every 40th machine: workstations and servers of every office, most of them clean.
    for host in flagship.hosts.iter().step_by(40).take(200) {
        for verb in ["collect logs", "capture memory", "image"] {
            ask(&mut exercise, &format!("{verb} {}", host.name));
        }
    }
    exercise.run_through(Tick(flagship.meta.duration_ticks), |_| {});
    let built = start.elapsed().as_secs_f64();
    let case = exercise.case();
    let machines = case.machines().len();
    println!(
        "flagship case after a week of the good playbook and 600 more collections: {} records from {machines} machines (simulated in {built:.2} s)",
        case.records().len()
    );

    // A name, an account, a hash fragment, an address, an event id, and a miss.
    let questions = [
        "SPE-CC-WS-0412",
        "it-ops",
        "igfxtrayex",
        "10.10.",
        "7045",
        "no such thing",
    ];
    for question in questions {
        let mut times: Vec<f64> = (0..9)
            .map(|_| {
                let start = Instant::now();
                let found = case.search(&flagship, question).len();
                std::hint::black_box(found);
                start.elapsed().as_secs_f64()
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let median = times[4];
        let verdict = if median <= 0.050 { "ok" } else { "OVER TARGET" };
        println!(
            "search {:<18} {:>7} records  {:>8.2} ms  target 50 ms  {verdict}",
            format!("`{question}`"),
            case.search(&flagship, question).len(),
            median * 1000.0
        );
    }
    let start = Instant::now();
    let everything = case.timeline(None, i64::MIN, i64::MAX).len();
    println!(
        "timeline all         {everything:>7} records  {:>8.2} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );

    // The same case exported as files (`redscreen export --case`): target under 2 s.
    let folder = std::env::temp_dir().join(format!("redscreen-bench-case-{}", std::process::id()));
    let start = Instant::now();
    let written = export_case(&exercise, "bench", &folder, true).expect("the case exports");
    let seconds = start.elapsed().as_secs_f64();
    let verdict = if seconds <= 2.0 { "ok" } else { "OVER TARGET" };
    println!(
        "export --case         {} files  {:>8.3} s  target 2 s  {verdict}",
        written.files.len(),
        seconds
    );
    std::fs::remove_dir_all(&folder).ok();

    // The whole ground truth of the same week (`redscreen export --truth`), streamed: the
    // process's peak memory may grow by a run of timeline lines, not by the truth's size.
    let before = peak_memory_kb();
    let start = Instant::now();
    let written =
        redscreen::export::export_truth(&exercise, "bench", &folder, true, |_, _| {}).expect("the truth exports");
    let seconds = start.elapsed().as_secs_f64();
    let grown = peak_memory_kb().saturating_sub(before) as f64 / 1024.0;
    let verdict = if grown <= 256.0 { "ok" } else { "OVER TARGET" };
    println!(
        "export --truth        {} records, {} files  {seconds:>8.1} s  peak memory +{grown:.0} MB  target +256 MB  {verdict}",
        written.records, written.files
    );
    std::fs::remove_dir_all(&folder).ok();

    // The after-action report of the same exercise.
    let start = Instant::now();
    let graded = redscreen::exercise::Baseline::default().grade(&exercise);
    let html = redscreen::export::report_html(&exercise, &graded, "bench");
    println!(
        "export --report       {} KB  {:>8.3} s (grading included)",
        html.len() / 1024,
        start.elapsed().as_secs_f64()
    );
}

/// The process's peak resident memory so far (Linux), in KB.
fn peak_memory_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse().ok())
        })
        .unwrap_or(0)
}
