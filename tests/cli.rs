//! The `redscreen` binary as a user runs it: output, messages and exit codes.

mod common;

use std::path::Path;

use common::redscreen;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_without_a_file_summarises_the_embedded_flagship() {
    let output = redscreen(&["check"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        stdout.starts_with("ok: Sony Pictures Entertainment, November 2014"),
        "{stdout}"
    );
    assert!(
        stdout.contains("8,352 in 12 subnets: 6,797 workstations, 1,555 servers"),
        "{stdout}"
    );
    assert!(
        stdout.contains("the wiper fires at Mon 2014-11-24 07:00 PST"),
        "{stdout}"
    );
    for office in ["culver-city", "new-york", "london", "tokyo"] {
        assert!(stdout.contains(office), "{office} missing from {stdout}");
    }
}

#[test]
fn check_summarises_every_section() {
    let output = redscreen(&["check", "scenarios/tutorial.ron"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0));
    for heading in [
        "offices",
        "machines",
        "accounts",
        "services",
        "network",
        "threat",
        "screen",
        "injects",
        "responders",
        "rubric",
    ] {
        assert!(
            stdout.contains(&format!("  {heading} ")),
            "no `{heading}` line in {stdout}"
        );
    }
    assert!(
        stdout.contains("30 in 4 subnets: 24 workstations, 6 servers"),
        "{stdout}"
    );
}

#[test]
fn a_broken_scenario_exits_1_and_points_at_file_line_and_column() {
    let output = redscreen(&["check", "tests/fixtures/bad/unknown_subnet.ron"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("tests/fixtures/bad/unknown_subnet.ron:19:56"),
        "{stderr}"
    );
    assert!(stderr.contains("unknown subnet `wss`"), "{stderr}");
    assert!(stderr.contains("did you mean `ws`?"), "{stderr}");
    assert!(text(&output.stdout).is_empty());
}

#[test]
fn several_files_are_all_checked_and_the_worst_outcome_wins() {
    let output = redscreen(&[
        "check",
        "-q",
        "scenarios/tutorial.ron",
        "tests/fixtures/bad/bad_colour.ron",
        "scenarios/sony-2014.ron",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("ok: tutorial") && stdout.contains("ok: sony-2014"),
        "{stdout}"
    );

    let output = redscreen(&["check", "tests/fixtures/bad/bad_colour.ron", "no/such/file.ron"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_missing_file_is_an_io_error_with_exit_2() {
    let output = redscreen(&["check", "no/such/scenario.ron"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("cannot read no/such/scenario.ron"), "{stderr}");
    assert!(stderr.contains("No such file"), "{stderr}");
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(redscreen(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(redscreen(&["check", "--max-hosts", "many"]).status.code(), Some(2));
    assert_eq!(redscreen(&["gen", "--hosts", "3"]).status.code(), Some(2));
}

#[test]
fn the_host_limit_is_a_flag() {
    let output = redscreen(&["check", "--max-hosts", "8000"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("the scenario describes 8,352 machines; the limit is 8,000"));
}

#[test]
fn gen_writes_a_scenario_that_checks() {
    let folder = std::env::temp_dir().join(format!("redscreen-gen-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    let file = folder.join("big.ron");
    let file_name = file.to_str().expect("a UTF-8 path");
    let output = redscreen(&["gen", "--hosts", "25000", "-o", file_name]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let output = redscreen(&["check", file_name]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("machines   25,000"),
        "{}",
        text(&output.stdout)
    );
    std::fs::remove_dir_all(Path::new(&folder)).ok();
}

#[test]
fn redscreen_alone_without_a_display_starts_the_console_and_says_so() {
    let sessions = std::env::temp_dir().join(format!("redscreen-alone-{}", std::process::id()));
    std::fs::create_dir_all(&sessions).expect("a folder");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_redscreen"))
        .current_dir(&sessions)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the binary runs");
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let first = stdout.lines().next().unwrap_or("");
    assert!(
        first.starts_with("redscreen: no display: starting the terminal console"),
        "{first}"
    );
    assert!(
        stdout.contains("Sony Pictures Entertainment, November 2014"),
        "{stdout}"
    );
    assert!(stdout.contains("Debrief: "), "{stdout}");
    std::fs::remove_dir_all(&sessions).ok();
}
