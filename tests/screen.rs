//! The warning page as a person sees it: the CPU renderer against golden images at two sizes,
//! text that wraps and never leaves the screen, each machine's screen at a moment, and clear
//! errors for a picture that cannot be read.
//!
//! `REDSCREEN_BLESS=1 cargo test --test screen` rewrites the golden images after a deliberate
//! change; look at them before committing.

mod common;

use std::path::{Path, PathBuf};

use common::redscreen;
use redscreen::scenario::model::{Animation, Rgb, Screen};
use redscreen::scenario::{Limits, load_flagship};
use redscreen::screen::{Item, Part, draw, png, warning_page};
use tiny_skia::Pixmap;

fn flagship_screen() -> Screen {
    load_flagship(&Limits::default()).expect("the flagship loads").screen
}

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name)
}

/// Share of pixels that differ by more than a little in any channel.
fn difference(a: &Pixmap, b: &Pixmap) -> f64 {
    assert_eq!((a.width(), a.height()), (b.width(), b.height()));
    let differing = a
        .data()
        .chunks(4)
        .zip(b.data().chunks(4))
        .filter(|(x, y)| x.iter().zip(y.iter()).any(|(p, q)| p.abs_diff(*q) > 8))
        .count();
    differing as f64 / (a.width() * a.height()) as f64
}

#[test]
fn the_page_matches_its_golden_images_at_two_sizes() {
    let screen = flagship_screen();
    for (width, height) in [(1280, 720), (640, 480)] {
        let path = golden(&format!("warning-page-{width}x{height}.png"));
        let drawn = draw(&warning_page(&screen, width, height), 4).expect("drawn");
        if std::env::var_os("REDSCREEN_BLESS").is_some() {
            std::fs::write(&path, drawn.encode_png().expect("encoded")).expect("blessed");
        }
        let expected = Pixmap::load_png(&path).expect("the golden image exists");
        let share = difference(&drawn, &expected);
        assert!(
            share < 0.001,
            "{width}x{height}: {:.3}% of pixels differ from {}",
            share * 100.0,
            path.display()
        );
    }
}

#[test]
fn the_page_is_mostly_black_with_a_red_headline_and_skeleton() {
    let drawn = draw(&warning_page(&flagship_screen(), 1280, 720), 4).expect("drawn");
    let pixels: Vec<&[u8]> = drawn.data().chunks(4).collect();
    let red = pixels.iter().filter(|p| p[0] > 180 && p[1] < 60 && p[2] < 60).count();
    let black = pixels.iter().filter(|p| p[0] < 20 && p[1] < 20 && p[2] < 20).count();
    assert!(black * 10 > pixels.len() * 7, "the background is black");
    assert!(
        red * 100 > pixels.len() * 2,
        "the headline and the skeleton are red: {red} pixels"
    );
}

fn bounds(item: &Item) -> (f32, f32, f32, f32) {
    match item {
        Item::Rule {
            x, y, width, height, ..
        }
        | Item::Picture {
            x, y, width, height, ..
        } => (*x, *y, x + width, y + height),
        Item::Text {
            x, y, size, face, text, ..
        } => {
            let width = redscreen::screen::Fonts::get().width(*face, *size, text);
            (*x, y - size, x + width, y + size * 0.3)
        }
    }
}

#[test]
fn long_text_wraps_and_never_leaves_the_screen() {
    let mut screen = flagship_screen();
    screen.headline = "Hacked By #GOP and by everyone else who ever wanted your files".to_string();
    screen.body = (0..30)
        .map(|paragraph| {
            format!(
                "Paragraph {paragraph}: {}",
                "everything you own is ours now and ".repeat(6)
            )
        })
        .collect();
    screen
        .links
        .push(format!("http://{}.example.invalid/", "x".repeat(300)));
    for (width, height) in [(640, 480), (1920, 1080), (800, 1280)] {
        let layout = warning_page(&screen, width, height);
        for item in &layout.items {
            let (left, top, right, bottom) = bounds(item);
            assert!(
                left >= -0.5 && top >= -0.5,
                "{item:?} leaves the screen at {width}x{height}"
            );
            assert!(
                right <= width as f32 + 0.5 && bottom <= height as f32 + 0.5,
                "{item:?} leaves the {width}x{height} screen"
            );
        }
        let said: String = layout
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        // Either every paragraph made it, smaller, or the cut is said.
        assert!(
            said.contains("Paragraph 29") || said.contains("[…]"),
            "text was dropped silently at {width}x{height}"
        );
        if (width, height) == (640, 480) {
            assert!(said.contains("[…]"), "so much text cannot fit at 640x480");
        }
    }
}

#[test]
fn a_slow_reveal_shows_the_headline_first() {
    let mut screen = flagship_screen();
    screen.animation = Animation::Reveal;
    let layout = warning_page(&screen, 1280, 720);
    let first = draw(&layout, 0).expect("drawn");
    let last = draw(&layout, 4).expect("drawn");
    let picture = layout
        .items
        .iter()
        .find(|item| item.part() == Part::Picture)
        .expect("the skeleton");
    let (left, top, right, bottom) = bounds(picture);
    let (x, y) = (((left + right) / 2.0) as u32, ((top + bottom) / 2.0 - 5.0) as u32);
    let at = |pixmap: &Pixmap| {
        pixmap
            .pixel(x, y)
            .map(|pixel| (pixel.red(), pixel.green(), pixel.blue()))
    };
    let Rgb([r, g, b]) = screen.colours.background;
    assert_eq!(
        at(&first),
        Some((r, g, b)),
        "the skeleton is not there yet on the first frame"
    );
    assert_ne!(at(&last), Some((r, g, b)), "it is there on the last");
    assert!(png(&layout, 0).expect("encoded").starts_with(b"\x89PNG"));
}

fn colour_at(path: &Path, x: u32, y: u32) -> (u8, u8, u8) {
    let image = Pixmap::load_png(path).expect("a PNG");
    let pixel = image.pixel(x, y).expect("inside");
    (pixel.red(), pixel.green(), pixel.blue())
}

#[test]
fn a_machine_shows_its_desktop_then_the_page_then_no_bootable_device() {
    let folder = std::env::temp_dir().join(format!("redscreen-screens-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a folder");
    let mut seen = Vec::new();
    for (at, says) in [
        ("06:30", "its desktop"),
        ("07:10", "the warning page"),
        ("09:00", "no bootable device"),
    ] {
        let file = folder.join(format!("{}.png", at.replace(':', "")));
        let output = redscreen(&[
            "screen",
            "--host",
            "SPE-CC-WS-0412",
            "--at",
            at,
            "--size",
            "640x480",
            "-o",
            file.to_str().expect("UTF-8"),
        ]);
        let told = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(0), "{told}");
        assert!(told.contains(says), "at {at}: {told}");
        seen.push(colour_at(&file, 600, 440));
    }
    std::fs::remove_dir_all(&folder).ok();
    assert_eq!(seen[0], (0x2d, 0x5a, 0x88), "the desktop is blue");
    assert_eq!(seen[2], (0, 0, 0), "a wiped machine's screen is black");
}

#[test]
fn a_picture_that_cannot_be_read_is_named_in_the_error() {
    let folder = std::env::temp_dir().join(format!("redscreen-badimage-{}", std::process::id()));
    std::fs::create_dir_all(folder.join("art")).expect("a folder");
    std::fs::write(folder.join("art/page.png"), b"this is not a PNG").expect("written");
    let source = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal.ron"))
        .expect("readable")
        .replace("image: Skeleton,", "image: File(\"art/page.png\"),");
    let scenario = folder.join("scenario.ron");
    std::fs::write(&scenario, source).expect("written");
    let output = redscreen(&[
        "screen",
        scenario.to_str().expect("UTF-8"),
        "-o",
        folder.join("out.png").to_str().expect("UTF-8"),
    ]);
    let told = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{told}");
    assert!(
        told.contains("art/page.png") && told.contains("it is not a PNG image"),
        "checked with the scenario: {told}"
    );

    // A PNG's signature and then nothing readable passes the check and is named when drawn.
    std::fs::write(folder.join("art/page.png"), b"\x89PNG\r\n\x1a\nbroken").expect("written");
    let output = redscreen(&[
        "screen",
        scenario.to_str().expect("UTF-8"),
        "-o",
        folder.join("out.png").to_str().expect("UTF-8"),
    ]);
    let told = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{told}");
    assert!(
        told.contains("cannot read the page's image") && told.contains("art/page.png"),
        "{told}"
    );

    std::fs::remove_file(folder.join("art/page.png")).ok();
    let output = redscreen(&[
        "screen",
        scenario.to_str().expect("UTF-8"),
        "-o",
        folder.join("out.png").to_str().expect("UTF-8"),
    ]);
    let told = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{told}");
    assert!(
        told.contains("art/page.png") && told.contains("cannot be read"),
        "a missing image is a scenario problem: {told}"
    );
    std::fs::remove_dir_all(&folder).ok();

    let tiny = redscreen(&["screen", "--size", "10x10", "-o", "/dev/null"]);
    assert_eq!(tiny.status.code(), Some(2));
}

/// The skeleton takes the page's headline colour (as the format reference says): a green
/// headline gives a green skeleton, and no red is left in its box.
#[test]
fn the_skeleton_is_drawn_in_the_headline_colour() {
    let mut screen = flagship_screen();
    screen.colours.headline = Rgb([0x10, 0xd0, 0x20]);
    let layout = warning_page(&screen, 1280, 720);
    let (x0, y0, x1, y1) = layout
        .items
        .iter()
        .find(|item| matches!(item, Item::Picture { .. }))
        .map(bounds)
        .expect("the page has its skeleton");
    let drawn = draw(&layout, 4).expect("drawn");
    let (mut green, mut red) = (0, 0);
    for y in y0.max(0.0) as u32..(y1 as u32).min(drawn.height()) {
        for x in x0.max(0.0) as u32..(x1 as u32).min(drawn.width()) {
            let pixel = drawn.pixel(x, y).expect("inside");
            let [r, g, b] = [pixel.red(), pixel.green(), pixel.blue()];
            green += usize::from(g > 150 && r < 80 && b < 80);
            red += usize::from(r > 150 && g < 80 && b < 80);
        }
    }
    assert!(green > 2_000, "the skeleton is green: {green} pixels");
    assert_eq!(red, 0, "no red is left in the skeleton's box");
}
