//! Loading benchmark: parse, check and resolve the flagship, and a generated scenario of a
//! million machines. Run with `cargo bench --bench load`; figures go to standard output.
//!
//! Targets: the flagship under 50 ms; a million machines under 3 s and 1 GiB.

use std::time::{Duration, Instant};

use redscreen::scenario::generate::synthetic_enterprise;
use redscreen::scenario::{FLAGSHIP_SOURCE, Limits, Origin, load_str};

/// Runs `work` `rounds` times and returns the median and the fastest time.
fn measure(rounds: usize, mut work: impl FnMut()) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[times.len() / 2], times[0])
}

/// Peak resident memory of this process so far, from Linux's /proc.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn report(name: &str, (median, fastest): (Duration, Duration), target: Duration) {
    let verdict = if median <= target { "ok" } else { "OVER TARGET" };
    println!(
        "{name:<36} median {:>9.2} ms  fastest {:>9.2} ms  target {:>6} ms  {verdict}",
        median.as_secs_f64() * 1e3,
        fastest.as_secs_f64() * 1e3,
        target.as_millis()
    );
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument is a filter we do not need.
    let origin = Origin {
        name: "bench".to_string(),
        folder: None,
    };
    let limits = Limits::default();

    let flagship = measure(30, || {
        load_str(FLAGSHIP_SOURCE, &origin, &limits).expect("the flagship loads");
    });
    report("flagship (8,352 machines)", flagship, Duration::from_millis(50));

    let text = synthetic_enterprise(1_000_000);
    println!(
        "generated scenario of 1,000,000 machines: {} KiB of RON",
        text.len() / 1024
    );
    let million = measure(3, || {
        let scenario = load_str(&text, &origin, &limits).expect("the generated scenario loads");
        assert_eq!(scenario.hosts.len(), 1_000_000);
    });
    report("generated (1,000,000 machines)", million, Duration::from_secs(3));
    match peak_memory_mib() {
        Some(peak) => {
            let verdict = if peak <= 1024.0 { "ok" } else { "OVER TARGET" };
            println!("peak resident memory {peak:>10.1} MiB  target 1024 MiB  {verdict}");
        }
        None => println!("peak resident memory: not available on this system"),
    }
}
