//! The warning page in a real Bevy window, screenshotted with Bevy's own API and compared with
//! the CPU rendering of the same layout.
//!
//! It needs a display and a Vulkan driver: `.ci/run` runs it under Xvfb with Mesa's software
//! Vulkan (`xvfb-run cargo test --test window -- --ignored`). Similarity is 1 minus the mean
//! absolute difference of the RGB channels over 255; the two back ends rasterise text
//! differently, so the threshold is 0.97 with at least 95% of pixels within 48 levels. As the
//! page is mostly black, the ink (headline, skeleton, text) must also be where the PNG has it:
//! at least 80% of the PNG's ink pixels are ink in the window.

mod common;

use redscreen::scenario::{Limits, load_flagship};
use redscreen::screen::{FRAMES, draw, warning_page};
use tiny_skia::Pixmap;

/// Runs a windowed command with `--screenshot` and returns the screenshot Bevy saved.
fn screenshot(name: &str, arguments: &[&str]) -> Pixmap {
    let shot = std::env::temp_dir().join(format!("redscreen-{name}-{}.png", std::process::id()));
    let mut arguments = arguments.to_vec();
    arguments.extend(["--screenshot", shot.to_str().expect("a UTF-8 path")]);
    let output = common::redscreen(&arguments);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let window = Pixmap::load_png(&shot).expect("Bevy saved a PNG");
    std::fs::remove_file(&shot).ok();
    window
}

/// Share of `reference`'s ink pixels (any channel above 60) that are ink in `other` too.
fn ink_overlap(reference: &Pixmap, other: &Pixmap) -> f64 {
    let ink = |pixel: &[u8]| pixel[..3].iter().any(|&channel| channel > 60);
    let (mut inked, mut shared) = (0u64, 0u64);
    for (x, y) in reference.data().chunks(4).zip(other.data().chunks(4)) {
        if ink(x) {
            inked += 1;
            shared += u64::from(ink(y));
        }
    }
    shared as f64 / inked.max(1) as f64
}

/// 1 − mean |a − b| / 255 over RGB, and the share of pixels within `tolerance` in every channel.
fn similarity(a: &Pixmap, b: &Pixmap, tolerance: u8) -> (f64, f64) {
    assert_eq!(
        (a.width(), a.height()),
        (b.width(), b.height()),
        "the window and the PNG differ in size"
    );
    let mut total = 0u64;
    let mut close = 0u64;
    for (x, y) in a.data().chunks(4).zip(b.data().chunks(4)) {
        let differences: Vec<u8> = (0..3).map(|channel| x[channel].abs_diff(y[channel])).collect();
        total += differences.iter().map(|&d| d as u64).sum::<u64>();
        close += u64::from(differences.iter().all(|&d| d <= tolerance));
    }
    let pixels = (a.width() * a.height()) as f64;
    (1.0 - total as f64 / (pixels * 3.0 * 255.0), close as f64 / pixels)
}

#[test]
#[ignore = "needs a display and Vulkan: .ci/run runs it under Xvfb"]
fn the_window_shows_the_same_page_as_the_png() {
    let window = screenshot("page", &["screen", "--window", "--size", "800x600"]);
    let screen = load_flagship(&Limits::default()).expect("the flagship loads").screen;
    let cpu = draw(&warning_page(&screen, 800, 600), FRAMES - 1).expect("drawn");
    let (score, close) = similarity(&window, &cpu, 48);
    let overlap = ink_overlap(&cpu, &window);
    println!(
        "similarity {score:.4}, {:.1}% of pixels within 48 levels, {:.1}% of the ink shared",
        close * 100.0,
        overlap * 100.0
    );
    assert!(
        overlap >= 0.8,
        "only {:.1}% of the page's ink is in the window",
        overlap * 100.0
    );
    assert!(score >= 0.97, "similarity {score:.4} below 0.97");
    assert!(close >= 0.95, "only {:.1}% of pixels agree", close * 100.0);
}

/// The exercise window at 08:30 on the flagship: the map shows the machines whose users
/// reported the page (red) and the ones alerts named (amber); the inspector shows a machine.
#[test]
#[ignore = "needs a display and Vulkan: .ci/run runs it under Xvfb"]
fn the_exercise_window_maps_what_is_observed() {
    let window = screenshot(
        "play",
        &["play", "--from", "08:30", "--speed", "0", "--inspect", "SPE-CC-WS-0412"],
    );
    // The inspector shows patient zero's screen, wiped by 08:30: black with the firmware's text,
    // where a machine still at work would show its blue desktop.
    let preview: Vec<(u8, u8, u8)> = (100..270)
        .flat_map(|y| (910..1220).map(move |x| (x, y)))
        .filter_map(|(x, y)| window.pixel(x, y))
        .map(|pixel| (pixel.red(), pixel.green(), pixel.blue()))
        .collect();
    let black = preview.iter().filter(|(r, g, b)| *r < 16 && *g < 16 && *b < 16).count();
    assert!(
        black * 10 > preview.len() * 8,
        "the inspector shows the wiped machine's black screen"
    );
    let count = |wanted: [u8; 3]| {
        window
            .data()
            .chunks(4)
            .filter(|pixel| {
                pixel[..3]
                    .iter()
                    .zip(wanted)
                    .all(|(&got, want)| got.abs_diff(want) <= 6)
            })
            .count()
    };
    let (reported, alerting) = (count([0xe0, 0x18, 0x18]), count([0xf0, 0xa0, 0x20]));
    println!("{reported} red pixels, {alerting} amber pixels");
    assert!(
        reported > 5_000,
        "the calls about warning pages are on the map: {reported}"
    );
    assert!(alerting > 200, "the alerts are on the map: {alerting}");
}
