//! Warning-page benchmark: lay out, draw and encode the flagship's page as a 1920x1080 PNG on
//! the CPU. Run with `cargo bench --bench screen`. Target: under 200 ms.

use std::time::Instant;

use redscreen::scenario::{Limits, load_flagship};
use redscreen::screen::{FRAMES, png, warning_page};

fn main() {
    let screen = load_flagship(&Limits::default()).expect("the flagship loads").screen;
    let mut times: Vec<f64> = (0..15)
        .map(|_| {
            let start = Instant::now();
            let bytes = png(&warning_page(&screen, 1920, 1080), FRAMES - 1).expect("drawn");
            assert!(bytes.len() > 1000);
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let verdict = if median <= 200.0 { "ok" } else { "OVER TARGET" };
    println!(
        "warning page 1920x1080 to PNG: median {median:.1} ms, fastest {:.1} ms, target 200 ms  {verdict}",
        times[0]
    );
}
