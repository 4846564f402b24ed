//! `redscreen run` as a user runs it: the baseline summary, JSON, `--until`, and the same
//! output for the same inputs whatever the thread count.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use common::redscreen;

fn stdout(output: &Output) -> String {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn json(arguments: &[&str]) -> serde_json::Value {
    serde_json::from_str(&stdout(&redscreen(arguments))).expect("run --json prints one JSON object")
}

#[test]
fn the_baseline_prints_a_timeline_and_a_summary() {
    let text = stdout(&redscreen(&["run", "scenarios/tutorial.ron", "--seed", "7"]));
    assert!(text.starts_with("tutorial with no response, seed 7"), "{text}");
    for heading in [
        "Timeline (ground truth)",
        "first warning page",
        "by office",
        "by role",
        "Evidence:",
        "Injects fired",
    ] {
        assert!(text.contains(heading), "no `{heading}` in {text}");
    }
    assert!(text.contains("bristol") && text.contains("toronto"));
}

#[test]
fn json_has_the_seed_the_ticks_and_counts_per_role() {
    let value = json(&["run", "scenarios/tutorial.ron", "--seed", "3", "--json"]);
    assert_eq!(value["seed"], 3);
    assert_eq!(value["ticks"], 1441);
    let workstations = &value["by_role"]["Workstation"];
    for field in ["machines", "compromised", "defaced", "wiped"] {
        assert!(workstations[field].is_u64(), "by_role.Workstation.{field} missing");
    }
    assert_eq!(workstations["machines"], 24);
    assert!(workstations["wiped"].as_u64().expect("a count") <= workstations["defaced"].as_u64().expect("a count"));
}

#[test]
fn until_stops_at_a_local_time_or_a_tick() {
    let by_time = json(&["run", "scenarios/tutorial.ron", "--until", "2025-03-11 10:29", "--json"]);
    assert_eq!(by_time["until"]["time"], "2025-03-11 10:29 GMT");
    assert_eq!(by_time["machines"]["defaced"], 0, "the bomb is at 10:30");
    let by_tick = json(&["run", "scenarios/tutorial.ron", "--until", "149", "--json"]);
    assert_eq!(by_time, by_tick);
    // A bare time of day is on the first day, or the next when the exercise starts later.
    let by_clock = json(&["run", "scenarios/tutorial.ron", "--until", "10:29", "--json"]);
    assert_eq!(by_time, by_clock);
    let next_morning = json(&["run", "scenarios/tutorial.ron", "--until", "07:00", "--json"]);
    assert_eq!(next_morning["until"]["time"], "2025-03-12 07:00 GMT");

    let outside = redscreen(&["run", "scenarios/tutorial.ron", "--until", "2025-03-20 10:00"]);
    assert_eq!(outside.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&outside.stderr).contains("after the exercise ends"));
}

#[test]
fn the_same_inputs_give_the_same_output_byte_for_byte_whatever_the_threads() {
    let arguments = ["run", "--seed", "42", "--until", "2014-11-24 08:30", "--json"];
    let once = stdout(&redscreen(&[&arguments[..], &["--threads", "1"]].concat()));
    let again = stdout(&redscreen(&[&arguments[..], &["--threads", "4"]].concat()));
    let default = stdout(&redscreen(&arguments));
    assert_eq!(once, again);
    assert_eq!(once, default);
    let other_seed = stdout(&redscreen(&[
        "run",
        "--seed",
        "43",
        "--until",
        "2014-11-24 08:30",
        "--json",
    ]));
    assert_ne!(once, other_seed);
}

#[test]
fn a_broken_scenario_is_reported_before_running() {
    let output = redscreen(&["run", "tests/fixtures/bad/unknown_subnet.ron"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown subnet `wss`"));
}

/// Every key of the JSON, as a path: `by_office[].first_page.tick`, `by_role.<role>.wiped`.
fn paths(value: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                let key = if prefix == "by_role" { "<role>" } else { key.as_str() };
                let path = if prefix.is_empty() {
                    key.to_string()
                } else {
                    format!("{prefix}.{key}")
                };
                out.insert(path.clone());
                paths(inner, &path, out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                paths(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

/// The JSON paths of a run's output that docs/run-output.md does not document.
fn undocumented(arguments: &[&str]) -> Vec<String> {
    let docs = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/run-output.md")).expect("docs");
    let mut found = BTreeSet::new();
    paths(&json(arguments), "", &mut found);
    // Moments share one documented shape: `tick` and `time`.
    found
        .into_iter()
        .filter(|path| !(path.ends_with(".tick") || path.ends_with(".time")) || path.starts_with("until"))
        .filter(|path| !docs.contains(&format!("| `{path}` |")))
        .collect()
}

#[test]
fn every_json_field_is_documented() {
    let missing = undocumented(&["run", "scenarios/tutorial.ron", "--json"]);
    assert!(missing.is_empty(), "not in docs/run-output.md: {missing:?}");
    let missing = undocumented(&[
        "run",
        "--until",
        "2014-11-24 09:30",
        "--playbook",
        "scenarios/playbooks/good.ron",
        "--json",
    ]);
    assert!(missing.is_empty(), "not in docs/run-output.md: {missing:?}");
}

#[test]
fn a_playbook_run_prints_the_debrief_and_its_score() {
    let text = stdout(&redscreen(&[
        "run",
        "--until",
        "2014-11-24 12:00",
        "--playbook",
        "scenarios/playbooks/naive.ron",
    ]));
    assert!(text.starts_with("sony-2014 following playbook `naive`"), "{text}");
    assert!(
        text.contains("Debrief: ") && text.contains("keep-services") && text.contains("isolate office culver-city")
    );
    let value = json(&[
        "run",
        "--until",
        "2014-11-24 12:00",
        "--playbook",
        "scenarios/playbooks/naive.ron",
        "--json",
    ]);
    assert!(value["score"]["total"].is_f64());
    assert_eq!(value["score"]["objectives"].as_array().map(Vec::len), Some(9));
    assert_eq!(value["playbook"], "naive");

    let broken = redscreen(&["run", "--playbook", "tests/fixtures/minimal.ron"]);
    assert_eq!(broken.status.code(), Some(1), "a scenario is not a playbook");
}

#[test]
fn the_console_reads_a_script_from_a_pipe_and_ends_with_the_debrief() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_redscreen"))
        .args(["run", "--interactive", "--seed", "5", "--record"])
        .arg(std::env::temp_dir().join(format!("redscreen-console-{}.jsonl", std::process::id())))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let script = "until 2014-11-24 05:20\nreset admins\nisolat host SPE-CC-MGT-07\nwait 2h\n";
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("written");
    let output = child.wait_with_output().expect("it ends at the end of its input");
    let text = stdout(&output);
    assert!(text.contains("did you mean `isolate`?"), "{text}");
    assert!(text.contains("done: reset admins"), "{text}");
    assert!(
        text.contains("sony-2014 with 1 responder action, seed 5, until 2014-11-24 07:21 PST"),
        "{text}"
    );
    assert!(text.contains("Debrief: "), "{text}");
    assert!(text.contains("Session recorded to "), "{text}");
}

/// The terminal console on the flagship reading a pipe, recording to `session`, every stream
/// piped.
fn console_recording_to(session: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_redscreen"))
        .args(["run", "--interactive", "--record"])
        .arg(session)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs")
}

/// Ended before its first tick, the exercise is graded against a baseline that has not started
/// either: nothing lost on either side.
#[test]
fn an_exercise_ended_before_it_starts_is_graded_against_nothing() {
    use std::io::Write;
    let session = std::env::temp_dir().join(format!("redscreen-unstarted-{}.jsonl", std::process::id()));
    let mut child = console_recording_to(&session);
    child.stdin.take().expect("stdin").write_all(b"end\n").expect("written");
    let text = stdout(&child.wait_with_output().expect("it ends"));
    std::fs::remove_file(&session).ok();
    assert!(
        text.contains("With no response the same seed lost 0 machines wiped (0 taken); this run lost 0 (0 taken)."),
        "{text}"
    );
}

/// A reader that goes away (`| head`) ends the program quietly, with no panic.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    use std::io::{Read, Write};
    let session = std::env::temp_dir().join(format!("redscreen-closed-pipe-{}.jsonl", std::process::id()));
    let mut child = console_recording_to(&session);
    // A day of observations is far more than a pipe holds.
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"until 2014-11-25 05:00\ntimeline all\n")
        .expect("written");
    let mut first = [0u8; 200];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("some output");
    // Dropping the read end closes the pipe.
    let output = child.wait_with_output().expect("it ends");
    std::fs::remove_file(&session).ok();
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(!errors.contains("panicked"), "{errors}");
    assert_ne!(output.status.code(), Some(101), "{errors}");
}
