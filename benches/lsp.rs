//! Language server benchmark: what an author waits for after each keystroke in a large
//! scenario. The flagship grows to 10,000 lines with an office of servers written one per
//! line (as a hand-written inventory is), then an edit is re-checked the way the server does
//! (load, names and problems), and completion and hover are asked at the end of the file.
//! Run with `cargo bench --bench lsp`; figures go to standard output.
//!
//! Target: a re-check after an edit under 100 ms.

use std::fmt::Write;
use std::time::{Duration, Instant};

use redscreen::lsp::{Document, FileKind, Language, completions, hover};
use redscreen::scenario::FLAGSHIP_SOURCE;

const LINES: usize = 10_000;

/// The flagship with an office of servers, one per line, inserted first: `LINES` lines.
fn large_scenario() -> String {
    let servers = LINES - FLAGSHIP_SOURCE.lines().count() - 9;
    let mut office = String::from(
        "        (\n            name: \"inventory\",\n            time_zone: \"America/Los_Angeles\",\n            subnets: [\n                (name: \"racks\", cidr: \"10.200.0.0/16\", role: Servers),\n            ],\n            hosts: [\n",
    );
    for index in 0..servers {
        let _ = writeln!(
            office,
            "                (name: \"INV-SRV-{index:05}\", subnet: \"racks\", role: ApplicationServer),"
        );
    }
    office.push_str("            ],\n        ),\n");
    let at = FLAGSHIP_SOURCE
        .find("    offices: [\n")
        .expect("the flagship lists offices")
        + "    offices: [\n".len();
    let mut text = FLAGSHIP_SOURCE.to_string();
    text.insert_str(at, &office);
    text
}

fn measure(rounds: usize, mut work: impl FnMut(usize)) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..rounds)
        .map(|round| {
            let start = Instant::now();
            work(round);
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[times.len() / 2], times[0])
}

fn report(name: &str, (median, fastest): (Duration, Duration), target: Option<Duration>) {
    let verdict = match target {
        Some(target) if median <= target => format!("target {:>4} ms  ok", target.as_millis()),
        Some(target) => format!("target {:>4} ms  OVER TARGET", target.as_millis()),
        None => String::new(),
    };
    println!(
        "{name:<44} median {:>8.2} ms  fastest {:>8.2} ms  {verdict}",
        median.as_secs_f64() * 1e3,
        fastest.as_secs_f64() * 1e3,
    );
}

fn main() {
    let text = large_scenario();
    println!("scenario of {} lines, {} KiB", text.lines().count(), text.len() / 1024);
    let uri = "file:///bench/large.ron";
    let mut document = Document::open(uri, text.clone());
    assert!(document.diagnostics.is_empty(), "{:?}", document.diagnostics.first());

    // An edit near the end: a role changed back and forth, as typing does.
    let edited = text.replacen(
        "role: ApplicationServer),\n            ],",
        "role: DatabaseServer),\n            ],",
        1,
    );
    let recheck = measure(21, |round| {
        let next = if round % 2 == 0 { edited.clone() } else { text.clone() };
        document.change(uri, next);
    });
    report(
        "re-check after an edit (10,000 lines)",
        recheck,
        Some(Duration::from_millis(100)),
    );

    let broken = text.replacen(
        "subnet: \"racks\", role: ApplicationServer),\n            ],",
        "subnet: \"rac",
        1,
    );
    let recheck_broken = measure(21, |round| {
        let next = if round % 2 == 0 { broken.clone() } else { text.clone() };
        document.change(uri, next);
    });
    report(
        "re-check, half-typed and back",
        recheck_broken,
        Some(Duration::from_millis(100)),
    );

    document.change(uri, text.clone());
    let end = text.rfind("\"fbi\"").expect("the flagship names the FBI") + 2;
    let language = Language::new(FileKind::Scenario);
    let features = measure(21, |_| {
        let (offered, _) = completions(&document, &language, end);
        assert!(!offered.is_empty(), "the contacts are offered");
        assert!(hover(&document, &language, end).is_some(), "the contact is described");
    });
    report("completion and hover at the end of the file", features, None);
}
