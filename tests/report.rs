//! `redscreen export --report`: the after-action report of a recorded exercise, one
//! self-contained HTML page. The plain tests read the page as a browser would get it (nothing
//! fetched, every section there, the chart from the run's curves, the warning page a real
//! PNG); the test marked ignored renders it in headless Chromium (`.ci/setup` installs
//! Debian's `chromium`), looks at the screenshot's pixels, and prints it to PDF.

use std::path::{Path, PathBuf};
use std::process::Command;

use redscreen::testing::{printed, run_binary, temporary_folder};

const BINARY: &str = env!("CARGO_BIN_EXE_redscreen");

/// Records a plan on the flagship's first morning and writes its report.
fn reported(name: &str, playbook: Option<&str>) -> (PathBuf, String) {
    let folder = temporary_folder(name);
    let session = folder.join("session.jsonl");
    let mut arguments = vec!["run", "--seed", "7", "--until", "2014-11-24 09:00"];
    if let Some(playbook) = playbook {
        arguments.extend(["--playbook", playbook]);
    }
    arguments.extend(["--record", session.to_str().unwrap()]);
    let recorded = run_binary(BINARY, &arguments);
    assert!(recorded.status.success(), "{}", printed(&recorded));
    let report = folder.join("report.html");
    let output = run_binary(
        BINARY,
        &[
            "export",
            session.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", printed(&output));
    assert!(
        printed(&output).contains("wrote the after-action report"),
        "{}",
        printed(&output)
    );
    let html = std::fs::read_to_string(&report).expect("the report is written");
    (report, html)
}

/// The text between the first `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start}")) + start.len();
    let to = text[from..]
        .find(end)
        .unwrap_or_else(|| panic!("no {end} after {start}"))
        + from;
    &text[from..to]
}

#[test]
fn the_report_is_one_self_contained_page_with_every_section() {
    let (_, html) = reported("report-good", Some("scenarios/playbooks/good.ron"));
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Nothing is fetched: no scripts, stylesheets, or addresses to load.
    for fetching in ["<script", "<link", "src=\"http", "href=", "url(", "@import"] {
        assert!(!html.contains(fetching), "the page would fetch: {fetching}");
    }
    for section in [
        "id=\"score\"",
        "id=\"outcome\"",
        "id=\"timeline\"",
        "id=\"warning-page\"",
        "id=\"findings\"",
        "id=\"leaks\"",
        "id=\"improvement-plan\"",
    ] {
        assert!(html.contains(section), "no {section}");
    }
    // The score as the console's debrief gives it, and every objective of the rubric.
    let total: f64 = between(&html, "<span id=\"total\">", "</span>")
        .parse()
        .expect("a number");
    assert!(total > 85.0, "the good plan's score: {total}");
    for objective in [
        "save-machines",
        "detect",
        "contain",
        "preserve-evidence",
        "findings",
        "notify-fbi",
    ] {
        assert!(html.contains(&format!("<td>{objective}</td>")), "no {objective}");
    }
    // The chart: both runs, every stage, and the run with no response loses thousands.
    let chart = between(&html, "<svg id=\"chart\"", "</svg>");
    for run in ["this run", "no response"] {
        for stage in ["compromised", "defaced", "wiped"] {
            assert!(
                chart.contains(&format!("data-run=\"{run}\" data-stage=\"{stage}\"")),
                "no {run} {stage} line"
            );
        }
    }
    let wiped = between(&html, "<tr><th>No response, same seed</th>", "</tr>");
    assert!(wiped.contains(">4159<"), "{wiped}");
    // The warning page is a real PNG, inline.
    let image = between(&html, "src=\"data:image/png;base64,", "\"");
    assert!(image.starts_with("iVBORw0KGgo"), "a PNG's signature in base64");
    // The team's actions in the timeline, and a finding with the record that supports it.
    assert!(html.contains("<code>declare incident</code>"));
    assert!(html.contains("<code>indicator diskpartmg16.exe</code>"));
    assert!(html.contains("</code> SPE-CC-MGT-07 Security 4624"));
}

#[test]
fn a_plan_that_does_nothing_gets_a_plan_to_improve_led_by_the_machines_lost() {
    let (_, html) = reported("report-nothing", None);
    let plan = between(&html, "id=\"improvement-plan\"", "</section>");
    let first = between(plan, "<tbody><tr><td>", "</td>");
    assert_eq!(first, "save-machines", "the most points lost come first");
    for objective in ["detect", "contain", "findings"] {
        assert!(
            plan.contains(&format!("<td>{objective}</td>")),
            "{objective} is to improve"
        );
    }
    assert!(html.contains("No findings submitted."));
    assert!(html.contains("Nothing had leaked by the end of the session."));
}

#[test]
fn an_existing_report_is_kept_unless_forced() {
    let (report, html) = reported("report-again", None);
    let session = report.with_file_name("session.jsonl");
    let output = run_binary(
        BINARY,
        &[
            "export",
            session.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", printed(&output));
    assert!(printed(&output).contains("--force"), "{}", printed(&output));
    let output = run_binary(
        BINARY,
        &[
            "export",
            session.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
            "--force",
        ],
    );
    assert!(output.status.success(), "{}", printed(&output));
    assert_eq!(
        std::fs::read_to_string(&report).unwrap(),
        html,
        "the same session, the same page"
    );
}

/// Pixels of a colour (within a tolerance) in an RGBA screenshot.
fn count_near(pixmap: &tiny_skia::Pixmap, colour: [u8; 3], tolerance: i32) -> usize {
    pixmap
        .pixels()
        .iter()
        .filter(|pixel| {
            let [r, g, b] = [pixel.red(), pixel.green(), pixel.blue()];
            [r, g, b]
                .iter()
                .zip(colour)
                .all(|(have, want)| (*have as i32 - want as i32).abs() <= tolerance)
        })
        .count()
}

fn chromium(arguments: &[&str]) -> std::process::Output {
    Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"])
        .args(arguments)
        .output()
        .expect("chromium runs (.ci/setup installs it)")
}

fn file_address(path: &Path) -> String {
    format!("file://{}", std::path::absolute(path).unwrap().display())
}

#[test]
#[ignore = "needs Debian's chromium, which .ci/setup installs; .ci/run runs it"]
fn chromium_renders_the_report_with_its_score_chart_and_warning_page() {
    let (report, _) = reported("report-chromium", Some("scenarios/playbooks/good.ron"));
    let screenshot = report.with_file_name("report.png");
    let shot = format!("--screenshot={}", screenshot.display());
    let output = chromium(&["--window-size=1100,7000", &shot, &file_address(&report)]);
    assert!(screenshot.exists(), "{}", printed(&output));
    let pixmap = tiny_skia::Pixmap::load_png(&screenshot).expect("a PNG");
    // The warning page: a black field with the attacker's red skeleton and headline.
    let black = count_near(&pixmap, [0, 0, 0], 8);
    assert!(black > 200_000, "the warning page's black: {black} pixels");
    // The chart: the run with no response's compromised curve, amber dashed at half
    // strength, climbing to thousands (the good plan's own curves stay on the axis).
    let dashed_amber = count_near(&pixmap, [225, 181, 115], 24);
    assert!(dashed_amber > 150, "no compromised curve: {dashed_amber} pixels");
    // The score in large red type, and the ratings' green badges.
    assert!(count_near(&pixmap, [0xc0, 0x26, 0x2d], 24) > 1_000, "no red score");
    assert!(count_near(&pixmap, [0x2f, 0x7d, 0x32], 16) > 500, "no rating badges");

    // The DOM as the browser built it holds the score's text.
    let output = chromium(&["--dump-dom", &file_address(&report)]);
    let dom = String::from_utf8_lossy(&output.stdout);
    let total: f64 = between(&dom, "<span id=\"total\">", "</span>")
        .parse()
        .expect("the score");
    assert!(total > 85.0);

    // And it prints: `--report FILE.pdf` goes through the same browser.
    let session = report.with_file_name("session.jsonl");
    let pdf = report.with_file_name("report.pdf");
    let output = run_binary(
        BINARY,
        &["export", session.to_str().unwrap(), "--report", pdf.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", printed(&output));
    let bytes = std::fs::read(&pdf).expect("the PDF is written");
    assert!(bytes.starts_with(b"%PDF-"));
    let pages = bytes
        .windows(10)
        .filter(|window| window == b"/Type /Pag" || window == b"/Type/Page")
        .count();
    assert!(pages >= 2, "the report runs to several pages: {pages}");
    let leftovers: Vec<_> = std::fs::read_dir(report.parent().unwrap())
        .unwrap()
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "nothing half-written is left: {leftovers:?}");
}
