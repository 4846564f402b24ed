//! The windows as a person sees them, screenshotted with Bevy's own API: the warning page
//! compared with the CPU rendering of the same layout, and the exercise window played by a
//! script (map, inspector, debrief) against the terminal console given the same lines.
//!
//! It needs a display and a Vulkan driver: `.ci/run` runs it under Xvfb with Mesa's software
//! Vulkan (`xvfb-run cargo test --test window -- --ignored`). Similarity is 1 minus the mean
//! absolute difference of the RGB channels over 255; the two back ends rasterise text
//! differently, so the threshold is 0.97 with at least 95% of pixels within 48 levels. As the
//! page is mostly black, the ink (headline, skeleton, text) must also be where the PNG has it:
//! at least 80% of the PNG's ink pixels are ink in the window.

mod common;

use std::collections::HashSet;

use redscreen::exercise::Seen;
use redscreen::scenario::{Limits, load_flagship};
use redscreen::screen::{FRAMES, draw, warning_page};
use tiny_skia::Pixmap;

/// The window tests share one display, where a window could take another's keys, clicks or
/// focus: each holds this while its windows are open.
fn one_window_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static DISPLAY: std::sync::Mutex<()> = std::sync::Mutex::new(());
    DISPLAY.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Asserts that a command ended well, showing what it printed if not.
fn assert_success(output: &std::process::Output) {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Plays an exercise in a window with these arguments and a script of lines, both kept in
/// `folder`; the session is recorded to `folder/window.jsonl`.
fn play_script(folder: &std::path::Path, script: &[String], arguments: &[&str]) -> std::process::Output {
    let path = |name: &str| folder.join(name).to_str().expect("a UTF-8 path").to_string();
    std::fs::write(path("script.txt"), script.join("\n")).expect("written");
    let mut arguments: Vec<&str> = std::iter::once("play").chain(arguments.iter().copied()).collect();
    let (script, record) = (path("script.txt"), path("window.jsonl"));
    arguments.extend(["--script", &script, "--record", &record]);
    common::redscreen(&arguments)
}

/// Runs a windowed command with `--screenshot` and returns the screenshot Bevy saved.
fn screenshot(name: &str, arguments: &[&str]) -> Pixmap {
    let shot = std::env::temp_dir().join(format!("redscreen-{name}-{}.png", std::process::id()));
    let mut arguments = arguments.to_vec();
    arguments.extend(["--screenshot", shot.to_str().expect("a UTF-8 path")]);
    let output = common::redscreen(&arguments);
    assert_success(&output);
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
    let _display = one_window_at_a_time();
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
    let _display = one_window_at_a_time();
    let session = std::env::temp_dir().join(format!("redscreen-play-{}.jsonl", std::process::id()));
    let window = screenshot(
        "play",
        &[
            "play",
            "--from",
            "08:30",
            "--speed",
            "0",
            "--inspect",
            "SPE-CC-WS-0412",
            "--record",
            session.to_str().expect("a UTF-8 path"),
        ],
    );
    // Closed without `end`, the window still gave the session its end record.
    let recorded = std::fs::read_to_string(&session).expect("the window recorded a session");
    assert!(
        recorded
            .lines()
            .last()
            .is_some_and(|line| line.contains("\"record\":\"end\"")),
        "{recorded}"
    );
    std::fs::remove_file(&session).ok();
    // The inspector shows patient zero's screen, wiped by 08:30: black with the firmware's text,
    // where a machine still at work would show its blue desktop.
    let preview: Vec<(u8, u8, u8)> = (160..320)
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

/// What the trainee types in the scripted exercise: the first alert, a response, the pages.
const ACTIONS: [&str; 10] = [
    "until 09:35",
    "reconnect host LAN-BR-WS-09",
    "power off LAN-BR-WS-02",
    "power off LAN-BR-WS-04",
    "isolate host LAN-TO-WS-01",
    "collect logs LAN-BR-FS-01",
    "declare incident",
    "notify insurer",
    "submit patient-zero LAN-BR-FS-01",
    "until 10:45",
];

/// Pixels of a screenshot's region close to a colour.
fn pixels_like(
    shot: &Pixmap,
    xs: std::ops::Range<u32>,
    ys: std::ops::Range<u32>,
    wanted: [u8; 3],
    within: u8,
) -> usize {
    ys.flat_map(|y| xs.clone().map(move |x| (x, y)))
        .filter_map(|(x, y)| shot.pixel(x, y))
        .filter(|pixel| {
            [pixel.red(), pixel.green(), pixel.blue()]
                .iter()
                .zip(wanted)
                .all(|(&got, want)| got.abs_diff(want) <= within)
        })
        .count()
}

/// A session's lines without their chain links.
fn unchained(session: &str) -> Vec<serde_json::Value> {
    session
        .lines()
        .map(|line| {
            let mut value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            value.as_object_mut().expect("an object").remove("chain");
            value
        })
        .collect()
}

/// The debrief's total from printed output.
fn score_in(output: &str) -> String {
    output
        .lines()
        .find(|line| line.starts_with("Debrief: "))
        .unwrap_or_else(|| panic!("no debrief in:\n{output}"))
        .to_string()
}

/// The tutorial played in the window by a script, as a trainee would: actions typed into the
/// window's console and sent from the inspector's buttons' path, screenshots of the map with
/// the inspector showing a warning page, and of the debrief. The window's session and score
/// are those of the terminal console given the same lines, and the session replays.
#[test]
#[ignore = "needs a display and Vulkan: .ci/run runs it under Xvfb"]
fn a_scripted_exercise_in_the_window_scores_as_the_console_does() {
    let _display = one_window_at_a_time();
    let folder = std::env::temp_dir().join(format!("redscreen-exercise-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    let path = |name: &str| folder.join(name).to_str().expect("a UTF-8 path").to_string();
    let mut script: Vec<String> = ACTIONS.iter().map(|line| line.to_string()).collect();
    script.extend([
        // Cut off at 09:40 after the worm armed it, and still wiping at 10:45 (switching off a
        // machine the attacker controlled set the wiper off early everywhere else).
        "inspect LAN-TO-WS-01".to_string(),
        // A live exercise never shows the ground truth, even to a script.
        "truth on".to_string(),
        format!("screenshot {}", path("inspector.png")),
        "until 12:00".to_string(),
        "end".to_string(),
        format!("screenshot {}", path("debrief.png")),
        format!("report {}", path("report.html")),
        "quit".to_string(),
    ]);
    let window = play_script(
        &folder,
        &script,
        &["scenarios/tutorial.ron", "--seed", "3", "--speed", "0"],
    );
    let printed = String::from_utf8_lossy(&window.stdout).to_string();
    assert_success(&window);

    // The same lines at the terminal console.
    let mut typed: Vec<&str> = ACTIONS.to_vec();
    typed.extend(["until 12:00", "end"]);
    let console = std::process::Command::new(env!("CARGO_BIN_EXE_redscreen"))
        .args([
            "run",
            "scenarios/tutorial.ron",
            "--seed",
            "3",
            "--interactive",
            "--record",
            &path("console.jsonl"),
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("a pipe")
                .write_all(typed.join("\n").as_bytes())?;
            child.wait_with_output()
        })
        .expect("the console runs");
    let console_printed = String::from_utf8_lossy(&console.stdout).to_string();
    println!(
        "window: {}; console: {}",
        score_in(&printed),
        score_in(&console_printed)
    );
    assert_eq!(score_in(&printed), score_in(&console_printed));
    // The two sessions differ only in the mode their header names (and so in the links of
    // their record chains, which start from the header).
    let window_session = std::fs::read_to_string(path("window.jsonl")).expect("the window recorded");
    let console_session = std::fs::read_to_string(path("console.jsonl")).expect("the console recorded");
    assert_eq!(
        unchained(&window_session.replace("\"mode\":\"gui\"", "\"mode\":\"console\"")),
        unchained(&console_session)
    );
    assert!(
        window_session.contains("\"accepted\":false,\"reason\":\"nothing there is isolated\""),
        "the refused action is recorded with its reason"
    );
    let replay = common::redscreen(&["replay", &path("window.jsonl")]);
    assert_success(&replay);
    // The debrief's report is the page `export --report` writes of the recorded session.
    let saved = std::fs::read_to_string(path("report.html")).expect("the debrief saved its report");
    let exported = common::redscreen(&["export", &path("window.jsonl"), "--report", &path("exported.html")]);
    assert_success(&exported);
    let exported = std::fs::read_to_string(path("exported.html")).expect("exported");
    let total = |html: &str| {
        html.split("<span id=\"total\">")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .map(String::from)
    };
    assert!(total(&saved).is_some(), "the saved report has a score");
    assert_eq!(total(&saved), total(&exported));
    assert!(saved == exported, "the window's report differs from the exported one");
    assert!(
        score_in(&printed).contains(total(&saved).unwrap().as_str()),
        "{}",
        score_in(&printed)
    );
    assert!(printed.contains("after-action report: "), "{printed}");

    // At 10:45 the map has the reported pages (red), the alerting file server (amber), the
    // isolated machine (blue); the inspector shows a workstation's warning page in red.
    let inspector = Pixmap::load_png(path("inspector.png")).expect("the inspector's screenshot");
    let map = (0..896, 40..652);
    let red = pixels_like(&inspector, map.0.clone(), map.1.clone(), [0xe0, 0x18, 0x18], 6);
    let amber = pixels_like(&inspector, map.0.clone(), map.1.clone(), [0xf0, 0xa0, 0x20], 6);
    let blue = pixels_like(&inspector, map.0.clone(), map.1.clone(), [0x30, 0x80, 0xf0], 6);
    let page = pixels_like(&inspector, 896..1280, 100..400, [0xd0, 0x10, 0x10], 60);
    println!("map: {red} red, {amber} amber, {blue} blue pixels; inspector: {page} red pixels");
    assert!(red > 1_000, "the reported pages are on the map");
    assert!(amber > 300, "the alert is on the map");
    assert!(blue > 300, "the isolated machine is on the map");
    assert!(page > 800, "the inspector shows the warning page's red");
    let wiping = pixels_like(&inspector, map.0.clone(), map.1.clone(), [0x90, 0x10, 0x10], 6);
    assert_eq!(wiping, 0, "the live map shows what was seen, not the truth");
    assert!(
        printed.contains("Session recorded") && !printed.contains("panicked"),
        "{printed}"
    );

    // The debrief covers the map with the score table and the chart.
    let debrief = Pixmap::load_png(path("debrief.png")).expect("the debrief's screenshot");
    let covered = pixels_like(&debrief, 0..600, 100..400, [0xe0, 0x18, 0x18], 6);
    let chart = pixels_like(&debrief, 700..1280, 40..660, [0xf0, 0xa0, 0x20], 0);
    let text = pixels_like(&debrief, 0..700, 40..660, [0xeb, 0xeb, 0xeb], 20);
    println!("debrief: {chart} amber chart pixels, {text} text pixels, {covered} map pixels left");
    assert_eq!(covered, 0, "the debrief hides the map");
    assert!(chart > 200, "the chart shows the machines compromised");
    assert!(text > 2_000, "the score table is written");

    // The replay viewer on that session: at 10:00 the ground truth (machines defaced or being
    // wiped, dark and bright red: the attacker set the wiper off early when the team switched
    // off a machine it controlled); then, observed again, back at 09:00, before any sign.
    let replay_script = [
        "seek 10:00".to_string(),
        "truth on".to_string(),
        format!("screenshot {}", path("truth.png")),
        "truth off".to_string(),
        "seek 09:00".to_string(),
        format!("screenshot {}", path("back.png")),
        // What if the team had started at 09:00? Take over and play on.
        format!("take over {}", path("branch.jsonl")),
        "power off LAN-BR-WS-05".to_string(),
        "until 12:00".to_string(),
        "end".to_string(),
        "quit".to_string(),
    ];
    std::fs::write(path("replay.txt"), replay_script.join("\n")).expect("written");
    let viewer = common::redscreen(&[
        "replay",
        &path("window.jsonl"),
        "--gui",
        "--speed",
        "0",
        "--script",
        &path("replay.txt"),
    ]);
    assert_success(&viewer);
    let truth = Pixmap::load_png(path("truth.png")).expect("the replay's screenshot");
    let back = Pixmap::load_png(path("back.png")).expect("the replay's screenshot after seeking back");
    let on_map = |shot: &Pixmap, colour: [u8; 3]| pixels_like(shot, map.0.clone(), map.1.clone(), colour, 6);
    let (wiping, defaced) = (on_map(&truth, [0x90, 0x10, 0x10]), on_map(&truth, [0xe0, 0x18, 0x18]));
    let (unknown_then, reported_then) = (on_map(&back, [0x3a, 0x44, 0x50]), on_map(&back, [0xe0, 0x18, 0x18]));
    println!(
        "replay: at 10:00 {wiping} wiping and {defaced} defaced pixels; back at 09:00 {unknown_then} unknown and {reported_then} reported"
    );
    assert!(
        wiping + defaced > 5_000,
        "at 10:00 the truth shows the machines defaced or being wiped"
    );
    assert_eq!(
        reported_then, 0,
        "seeking back to 09:00 shows the moment before the pages"
    );
    assert!(unknown_then > 20_000, "at 09:00 nothing is known of the machines");

    // The branch is a session of its own: it names its origin, holds the replay's ticks up to
    // 09:00 and the new action, and replays verified.
    let branch = std::fs::read_to_string(path("branch.jsonl")).expect("the branch was recorded");
    assert!(
        branch.contains(&format!("\"branched_from\":[\"{}\",61]", path("window.jsonl"))),
        "{branch}"
    );
    assert!(branch.contains("\"action\":\"power off LAN-BR-WS-05\""), "{branch}");
    let original = std::fs::read_to_string(path("window.jsonl")).expect("recorded");
    let before = |session: &str| unchained(session).into_iter().skip(1).take(2).collect::<Vec<_>>();
    assert_eq!(
        before(&branch),
        before(&original),
        "the same checkpoints up to the branch"
    );
    let replayed = common::redscreen(&["replay", &path("branch.jsonl")]);
    assert_success(&replayed);
    let viewer_printed = String::from_utf8_lossy(&viewer.stdout);
    assert!(viewer_printed.contains("Debrief: "), "{viewer_printed}");
    std::fs::remove_dir_all(&folder).ok();
}

/// Runs `xdotool` (installed by `.ci/setup`) against the test's display.
fn xdotool(arguments: &[&str]) -> String {
    let output = std::process::Command::new("xdotool")
        .args(arguments)
        .output()
        .expect("xdotool runs (.ci/setup installs it)");
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// The first window whose title holds `title`, waited for up to a minute.
fn wait_for_window(title: &str) -> Option<String> {
    for _ in 0..120 {
        if let Some(window) = xdotool(&["search", "--name", title]).lines().next() {
            return Some(window.to_string());
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    None
}

/// The window whose title holds `title`, once its first frames are drawn (fonts loaded,
/// pipelines built), focused for the keys to come.
fn focused_window(title: &str) -> String {
    let window = wait_for_window(title).expect("the window appeared");
    std::thread::sleep(std::time::Duration::from_secs(5));
    xdotool(&["windowfocus", "--sync", &window]);
    window
}

/// Presses F12 and reads the screenshot the window saves (whatever tick it is named after).
fn screenshot_by_f12(folder: &std::path::Path) -> Pixmap {
    let shots = folder.join("screenshots");
    let taken = |shots: &std::path::Path| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(shots)
            .map(|entries| {
                entries
                    .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let before = taken(&shots);
    xdotool(&["key", "F12"]);
    for _ in 0..200 {
        if let Some(new) = taken(&shots).into_iter().find(|path| !before.contains(path)) {
            return wait_for_png(&new);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("no screenshot appeared in {}", shots.display());
}

/// Waits for a PNG the window is writing, and reads it.
fn wait_for_png(path: &std::path::Path) -> Pixmap {
    for _ in 0..200 {
        if let Ok(pixmap) = Pixmap::load_png(path) {
            return pixmap;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("{} was never written", path.display());
}

/// The exercise window driven as a trainee drives it, with real key presses and mouse clicks
/// sent to the X server: a typed action completed with Tab, a click on a machine, the wheel,
/// the inspector's isolate button, F12 screenshots, and `end`. The session shows what arrived.
#[test]
#[ignore = "needs a display, Vulkan and xdotool: .ci/run runs it under Xvfb"]
fn a_trainee_types_clicks_and_zooms_in_the_window() {
    let _display = one_window_at_a_time();
    use redscreen::screen::plan_map;
    let folder = std::env::temp_dir().join(format!("redscreen-input-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    let tutorial = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tutorial.ron");
    let session = folder.join("typed.jsonl");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_redscreen"))
        .arg("play")
        .arg(&tutorial)
        .args(["--seed", "1", "--speed", "0", "--from", "10:40", "--record"])
        .arg(&session)
        .current_dir(&folder)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the window opens");
    let window = focused_window("redscreen: Lantern");
    let pause = || std::thread::sleep(std::time::Duration::from_millis(700));

    // Typed, with Tab completing the machine's name (Tab lists LAN-BR-WS-10 to 16).
    xdotool(&["key", "Return"]);
    xdotool(&["type", "--delay", "40", "power off LAN-BR-WS-1"]);
    xdotool(&["key", "Tab"]);
    xdotool(&["type", "--delay", "40", "4"]);
    xdotool(&["key", "Return"]);
    pause();

    // A click on LAN-BR-WS-12's cell (the one page reported by 10:41) inspects it.
    let scenario = redscreen::scenario::load_file(&tutorial, &redscreen::scenario::Limits::default()).expect("loads");
    let plan = plan_map(&scenario, 896, 612);
    let (x, y) = plan.position_of(scenario.host_named("LAN-BR-WS-12").expect("a machine"));
    let middle = plan.cell / 2;
    let (cell_x, cell_y) = ((x + middle).to_string(), (y + 40 + middle).to_string());
    xdotool(&["mousemove", &cell_x, &cell_y, "click", "1"]);
    pause();
    xdotool(&["key", "F12"]);
    let inspected = wait_for_png(&folder.join("screenshots/tutorial-tick161.png"));
    let white = |shot: &Pixmap| pixels_like(shot, 0..896, 40..652, [0xff, 0xff, 0xff], 8);
    let page = pixels_like(&inspected, 896..1280, 100..420, [0xd0, 0x10, 0x10], 60);
    let framed = white(&inspected);
    println!("inspected: {page} red pixels in the inspector, {framed} pixels of the selection frame");
    assert!(page > 800, "the inspector shows the clicked machine's warning page");
    assert!(framed > 100, "the clicked cell is framed on the map");

    // The wheel zooms around the pointer: the frame grows and the pointer stays on the cell.
    xdotool(&["click", "4"]);
    pause();
    xdotool(&["key", "F12"]);
    let zoomed = wait_for_png(&folder.join("screenshots/tutorial-tick161-2.png"));
    let under_pointer = zoomed
        .pixel(x + middle, y + 40 + middle)
        .map(|pixel| [pixel.red(), pixel.green(), pixel.blue()]);
    println!(
        "zoomed: {} frame pixels; under the pointer {under_pointer:?}",
        white(&zoomed)
    );
    assert!(white(&zoomed) > framed, "the map is zoomed in");
    assert_eq!(
        under_pointer,
        Some([0xe0, 0x18, 0x18]),
        "the pointer is still on the red cell"
    );

    // The inspector's first button isolates the inspected machine.
    let button = (40..420)
        .flat_map(|y| (904..1280).map(move |x| (x, y)))
        .find(|&(x, y)| {
            inspected
                .pixel(x, y)
                .is_some_and(|pixel| [pixel.red(), pixel.green(), pixel.blue()] == [43, 51, 64])
        })
        .expect("the inspector's buttons are drawn");
    xdotool(&[
        "mousemove",
        &(button.0 + 12).to_string(),
        &(button.1 + 8).to_string(),
        "click",
        "1",
    ]);
    pause();

    // C opens the case panel over the map (the alerts have brought records in); a click on its
    // first row shows that record whole, with its values as links; a click on the first link
    // (the machine it was found on) opens that machine in the inspector; Escape closes.
    xdotool(&["key", "c"]);
    pause();
    xdotool(&["mousemove", "120", "118", "click", "1"]);
    pause();
    let chosen = screenshot_by_f12(&folder);
    let link = [0x73, 0xbf, 0xff];
    let links = pixels_like(&chosen, 0..886, 150..650, link, 40);
    println!("case panel: {links} link pixels after a click on the first row");
    assert!(links > 100, "the clicked row's record shows with its links");
    let first_link = (150..650)
        .flat_map(|y| (0..886).map(move |x| (x, y)))
        .find(|&(x, y)| {
            chosen.pixel(x, y).is_some_and(|pixel| {
                [pixel.red(), pixel.green(), pixel.blue()]
                    .iter()
                    .zip(link)
                    .all(|(&got, want)| got.abs_diff(want) <= 40)
            })
        })
        .expect("a link is drawn");
    xdotool(&[
        "mousemove",
        &first_link.0.to_string(),
        &first_link.1.to_string(),
        "click",
        "1",
    ]);
    pause();
    let followed = screenshot_by_f12(&folder);
    let inspector_changed = (40..420)
        .flat_map(|y| (904..1280).map(move |x| (x, y)))
        .filter(|&(x, y)| chosen.pixel(x, y) != followed.pixel(x, y))
        .count();
    println!("case panel: {inspector_changed} inspector pixels changed by the link");
    assert!(
        inspector_changed > 1_000,
        "the link opened another machine in the inspector"
    );
    xdotool(&["key", "Escape"]);
    pause();

    // A resized window is laid out again for its new size.
    xdotool(&["windowsize", &window, "1024", "700"]);
    std::thread::sleep(std::time::Duration::from_secs(2));
    let resized = screenshot_by_f12(&folder);
    let reported = pixels_like(&resized, 0..716, 40..632, [0xe0, 0x18, 0x18], 6);
    println!(
        "resized: {}x{}, {reported} red pixels on the map",
        resized.width(),
        resized.height()
    );
    assert_eq!((resized.width(), resized.height()), (1024, 700));
    assert!(reported > 1_000, "the map fills the resized window's left side");
    xdotool(&["key", "Return"]);
    xdotool(&["type", "--delay", "40", "end"]);
    xdotool(&["key", "Return"]);
    std::thread::sleep(std::time::Duration::from_secs(3));
    child.kill().ok();
    // The pointer goes where no later window shows a tooltip.
    xdotool(&["mousemove", "1279", "719"]);
    let output = child.wait_with_output().expect("the window ran");
    let printed = String::from_utf8_lossy(&output.stdout);
    let recorded = std::fs::read_to_string(&session).expect("the session was recorded");
    assert!(recorded.contains("\"action\":\"power off LAN-BR-WS-14\""), "{recorded}");
    assert!(
        recorded.contains("\"action\":\"isolate host LAN-BR-WS-12\""),
        "{recorded}"
    );
    assert!(recorded.contains("\"record\":\"end\""), "{recorded}");
    assert!(printed.contains("Debrief: "), "{printed}");
    std::fs::remove_dir_all(&folder).ok();
}

/// The case panel as a trainee uses it, by the script's equivalents of its buttons, rows and
/// links: the jump host's logs collected, the panel over the map, a filter, a record chosen
/// whole with its links, a link followed to the machine the logon came from (the inspector
/// beside the panel shows it).
#[test]
#[ignore = "needs a display and Vulkan: .ci/run runs it under Xvfb"]
fn the_case_panel_filters_shows_a_record_and_follows_its_links() {
    let _display = one_window_at_a_time();
    let folder = std::env::temp_dir().join(format!("redscreen-case-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    let path = |name: &str| folder.join(name).to_str().expect("a UTF-8 path").to_string();
    let script = [
        "collect logs SPE-CC-MGT-07".to_string(),
        "until 05:45".to_string(),
        "case open".to_string(),
        format!("screenshot {}", path("open.png")),
        "case filter it-ops".to_string(),
        "case row 1".to_string(),
        format!("screenshot {}", path("chosen.png")),
        "case link SPE-CC-WS-0412".to_string(),
        format!("screenshot {}", path("followed.png")),
        "quit".to_string(),
    ];
    let output = play_script(&folder, &script, &["--seed", "1", "--speed", "0"]);
    assert_success(&output);
    let shot = |name: &str| Pixmap::load_png(path(name)).expect("a screenshot");
    let (open, chosen, followed) = (shot("open.png"), shot("chosen.png"), shot("followed.png"));
    let panel = (0..886, 50..650);
    // Over the map: the map's unknown grey (tens of thousands of pixels uncovered) is gone,
    // but for a few antialiased pixels of text; the rows are written.
    let map_grey = pixels_like(&open, panel.0.clone(), panel.1.clone(), [0x3a, 0x44, 0x50], 4);
    let rows = pixels_like(&open, panel.0.clone(), 110..310, [0xa6, 0xab, 0xb2], 40);
    // Chosen: its fields, machines and accounts as links (light blue).
    let links = pixels_like(&chosen, panel.0.clone(), 160..650, [0x73, 0xbf, 0xff], 40);
    // Followed: the inspector beside the panel shows the machine's screen (a blue desktop).
    let blue = |shot: &Pixmap| {
        (150..340)
            .flat_map(|y| (904..1224).map(move |x| (x, y)))
            .filter_map(|(x, y)| shot.pixel(x, y))
            .filter(|pixel| pixel.blue() as i32 > pixel.red() as i32 + 40 && pixel.blue() > 90)
            .count()
    };
    println!(
        "case panel: {map_grey} map pixels left, {rows} row text pixels; {links} link pixels; inspector {} blue pixels before the link, {} after",
        blue(&chosen),
        blue(&followed)
    );
    assert!(map_grey < 500, "the panel covers the map");
    assert!(rows > 2_000, "the rows are listed");
    assert!(links > 300, "the chosen record's values are links");
    assert!(blue(&chosen) < 1_000, "nothing inspected yet");
    assert!(blue(&followed) > 20_000, "the link opened the machine in the inspector");
    std::fs::remove_dir_all(&folder).ok();
}

/// `play FILE --watch` as an author uses it: the scenario saved with a mistake shows the
/// problem over the window, located, and pauses; saved fixed (with a new title), the exercise
/// restarts on it, the problems go, and the new run is recorded to a session of its own.
#[test]
#[ignore = "needs a display, Vulkan and xdotool: .ci/run runs it under Xvfb"]
fn saving_the_scenario_restarts_the_exercise_or_shows_its_problems() {
    let _display = one_window_at_a_time();
    let folder = std::env::temp_dir().join(format!("redscreen-watch-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    let tutorial =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tutorial.ron"))
            .expect("the tutorial");
    let scenario = folder.join("scenario.ron");
    std::fs::write(&scenario, &tutorial).expect("a copy");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_redscreen"))
        .args(["play", "scenario.ron", "--watch", "--speed", "0"])
        .current_dir(&folder)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the window opens");
    focused_window("redscreen: Lantern Animation: a quiet Tuesday");
    // The overlay's dark red sheet over the map's dark background.
    let sheet = |shot: &Pixmap| pixels_like(shot, 40..1240, 60..160, [55, 9, 9], 8);
    let before = screenshot_by_f12(&folder);
    assert!(sheet(&before) < 1_000, "no problems shown at first");

    // Saved with a mistake (written whole and renamed over, as many editors save).
    let broken = tutorial.replacen(
        "subnet: \"servers\", role: FileServer",
        "subnet: \"srvers\", role: FileServer",
        1,
    );
    let temporary = folder.join(".scenario.ron.swp");
    std::fs::write(&temporary, &broken).expect("written");
    std::fs::rename(&temporary, &scenario).expect("renamed over");
    std::thread::sleep(std::time::Duration::from_secs(2));
    let broken_shot = screenshot_by_f12(&folder);
    let shown = sheet(&broken_shot);
    println!("watch: {shown} pixels of the problems' sheet");
    assert!(shown > 20_000, "the problems are shown over the window");
    // The problem's text is drawn on the sheet: light pixels on its first lines.
    let ink = pixels_like(&broken_shot, 40..800, 70..150, [245, 230, 224], 40);
    assert!(ink > 300, "the problem is written out ({ink} light pixels)");

    // Saved fixed, with a new title: the exercise restarts on it.
    let fixed = tutorial.replacen("a quiet Tuesday", "a saved Tuesday", 1);
    std::fs::write(&scenario, &fixed).expect("saved");
    let restarted = wait_for_window("redscreen: Lantern Animation: a saved Tuesday");
    assert!(restarted.is_some(), "the window took the new scenario's title");
    std::thread::sleep(std::time::Duration::from_secs(1));
    let after = screenshot_by_f12(&folder);
    assert!(sheet(&after) < 1_000, "the problems went with the fix");
    child.kill().ok();
    let output = child.wait_with_output().expect("the window ran");
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("recording the new run to"), "{printed}");
    let mut sessions: Vec<std::path::PathBuf> = std::fs::read_dir(folder.join("sessions"))
        .expect("sessions were recorded")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .collect();
    sessions.sort();
    assert_eq!(sessions.len(), 2, "one session per run: {sessions:?}");
    let header = |path: &std::path::Path| {
        std::fs::read_to_string(path)
            .expect("a session")
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert_ne!(
        header(&sessions[0]),
        header(&sessions[1]),
        "the second run is of the saved scenario"
    );
    std::fs::remove_dir_all(&folder).ok();
}

/// Copies a folder and everything under it.
fn copy_folder(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("a folder");
    for entry in std::fs::read_dir(from).expect("a readable folder").flatten() {
        let path = entry.path();
        match path.is_dir() {
            true => copy_folder(&path, &to.join(entry.file_name())),
            false => {
                std::fs::copy(&path, to.join(entry.file_name())).expect("copied");
            }
        }
    }
}

/// Pixels that differ between two screenshots in a region.
fn changed_pixels(a: &Pixmap, b: &Pixmap, xs: std::ops::Range<u32>, ys: std::ops::Range<u32>) -> usize {
    ys.flat_map(|y| xs.clone().map(move |x| (x, y)))
        .filter(|&(x, y)| a.pixel(x, y) != b.pixel(x, y))
        .count()
}

/// `screen FILE --window --watch` as an author uses it on the page: a saved headline shows on
/// the open page, a saved drawing in `assets/art/` changes the art (read from a copy of the
/// assets through `BEVY_ASSET_ROOT`), and a saved mistake is shown over the page, located.
#[test]
#[ignore = "needs a display, Vulkan and xdotool: .ci/run runs it under Xvfb"]
fn the_page_window_shows_what_is_saved() {
    let _display = one_window_at_a_time();
    let project = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let folder = std::env::temp_dir().join(format!("redscreen-page-watch-{}", std::process::id()));
    copy_folder(&project.join("assets"), &folder.join("assets"));
    let tutorial = std::fs::read_to_string(project.join("scenarios/tutorial.ron")).expect("the tutorial");
    let scenario = folder.join("scenario.ron");
    std::fs::write(&scenario, &tutorial).expect("a copy");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_redscreen"))
        .args(["screen", "scenario.ron", "--window", "--watch", "--size", "800x600"])
        .current_dir(&folder)
        .env("BEVY_ASSET_ROOT", &folder)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the window opens");
    focused_window("redscreen: Lantern");
    let wait = || std::thread::sleep(std::time::Duration::from_secs(2));
    let first = screenshot_by_f12(&folder);

    // The headline, saved: the top of the page changes.
    let headline = tutorial.replacen(
        "headline: \"Your studio belongs to us\"",
        "headline: \"Saved again\"",
        1,
    );
    std::fs::write(&scenario, &headline).expect("saved");
    wait();
    let second = screenshot_by_f12(&folder);
    let (top, art) = ((0..800, 0..75), (200..600, 40..300));
    let headline_changed = changed_pixels(&first, &second, top.0.clone(), top.1.clone());
    println!("page watch: {headline_changed} headline pixels changed");
    assert!(headline_changed > 2_000, "the saved headline shows");

    // The drawing, saved: the art changes.
    let drawing = folder.join("assets/art/skeleton.ron");
    let skeleton = std::fs::read_to_string(&drawing).expect("the drawing");
    let bar = skeleton.replacen(
        "(Bone(from: (0.5, 0.42), to: (0.5, 0.92), width: 0.035), Ink),",
        "(Block(x: 0.0, y: 0.0, width: 1.0, height: 0.3), Ink),",
        1,
    );
    assert_ne!(bar, skeleton, "the drawing has its spine");
    std::fs::write(&drawing, bar).expect("saved");
    wait();
    let third = screenshot_by_f12(&folder);
    let art_changed = changed_pixels(&second, &third, art.0.clone(), art.1.clone());
    println!("page watch: {art_changed} art pixels changed");
    assert!(art_changed > 1_000, "the saved drawing shows");
    assert_eq!(
        changed_pixels(&second, &third, 0..800, 300..600),
        0,
        "the text under the art is as it was"
    );

    // A mistake, saved: the problem over the page; the page underneath stays.
    std::fs::write(&scenario, headline.replacen("role: FileServer", "role: FileSrv", 1)).expect("saved");
    wait();
    let fourth = screenshot_by_f12(&folder);
    let sheet = pixels_like(&fourth, 40..760, 60..120, [54, 7, 7], 8);
    println!("page watch: {sheet} pixels of the problems' sheet");
    assert!(sheet > 10_000, "the problem is shown over the page");
    child.kill().ok();
    child.wait().ok();
    std::fs::remove_dir_all(&folder).ok();
}

/// A generated company of 200,000 machines at 09:25, its time bomb 25 minutes gone: on the
/// whole map each cell stands for many machines and shows the share of each state among them
/// as a small waffle; zoomed in, the cells get finer.
#[test]
#[ignore = "needs a display and Vulkan: .ci/run runs it under Xvfb"]
fn a_company_too_large_for_a_cell_per_machine_is_mapped_in_cells_of_many() {
    let _display = one_window_at_a_time();
    let folder = std::env::temp_dir().join(format!("redscreen-aggregated-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    let path = |name: &str| folder.join(name).to_str().expect("a UTF-8 path").to_string();
    assert_success(&common::redscreen(&[
        "gen",
        "--hosts",
        "200000",
        "-o",
        &path("company.ron"),
    ]));
    let script = [
        format!("screenshot {}", path("whole.png")),
        "zoom 4".to_string(),
        format!("screenshot {}", path("zoomed.png")),
        "quit".to_string(),
    ];
    let company = path("company.ron");
    let window = play_script(
        &folder,
        &script,
        &[&company, "--seed", "1", "--speed", "0", "--from", "09:25"],
    );
    assert_success(&window);
    let whole = Pixmap::load_png(path("whole.png")).expect("the whole map's screenshot");
    let zoomed = Pixmap::load_png(path("zoomed.png")).expect("the zoomed map's screenshot");
    let (xs, ys) = (0..896, 40..652);
    let colour = |shot: &Pixmap, seen: Seen| pixels_like(shot, xs.clone(), ys.clone(), seen.colour(), 6);
    let (unknown, alerting, reported) = (
        colour(&whole, Seen::Unknown),
        colour(&whole, Seen::Alerting),
        colour(&whole, Seen::PageReported),
    );
    println!("whole map: {unknown} unknown, {alerting} alerting, {reported} page-reported pixels");
    assert!(unknown > 1_000 && alerting > 1_000 && reported > 1_000);

    // The cells as the window plans them: many machines each, most of them in two states or
    // more at this moment, painted as such.
    let scenario = redscreen::scenario::load_file(
        std::path::Path::new(&path("company.ron")),
        &redscreen::scenario::Limits::default(),
    )
    .expect("loads");
    let plan = redscreen::screen::plan_map(&scenario, 896, 612);
    assert!(plan.per_cell > 1);
    let mixed = plan
        .cells
        .iter()
        .filter(|&&(x, y)| {
            let inner = plan.cell - 1;
            let colours: HashSet<[u8; 3]> = (y..y + inner)
                .flat_map(|py| (x..x + inner).map(move |px| (px, py + 40)))
                .filter_map(|(px, py)| whole.pixel(px, py))
                .map(|pixel| [pixel.red(), pixel.green(), pixel.blue()])
                .collect();
            colours.len() >= 2
        })
        .count();
    println!(
        "{mixed} of {} cells of {} machines show two states or more",
        plan.cells.len(),
        plan.per_cell
    );
    assert!(mixed > 100, "cells of many machines show the shares of their states");

    // Zoomed in four times: finer cells, the same states.
    let changed = changed_pixels(&whole, &zoomed, xs.clone(), ys.clone());
    println!("zoomed: {changed} pixels changed");
    assert!(changed > 100_000, "the map is drawn again, finer");
    assert!(colour(&zoomed, Seen::Alerting) > 1_000 || colour(&zoomed, Seen::PageReported) > 1_000);
    std::fs::remove_dir_all(&folder).ok();
}
