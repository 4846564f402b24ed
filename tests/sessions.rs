//! Sessions as a trainer uses them: every run recorded, replayed and proven, scrubbed, branched
//! and compared; damaged or foreign files refused clearly; a killed run still replays.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::redscreen;
use redscreen::session::{Chain, Header, Record, header_line, record_line};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A fresh folder for one test's files.
fn folder(name: &str) -> PathBuf {
    let folder = std::env::temp_dir().join(format!("redscreen-sessions-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&folder).ok();
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    folder
}

fn path_text(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// Records the good playbook on the flagship's first day.
fn record_good(folder: &Path) -> PathBuf {
    let session = folder.join("good.jsonl");
    let output = redscreen(&[
        "run",
        "--seed",
        "7",
        "--until",
        "2014-11-25 05:00",
        "--playbook",
        "scenarios/playbooks/good.ron",
        "--record",
        path_text(&session),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    session
}

#[test]
fn a_recorded_run_replays_and_is_verified() {
    let folder = folder("verify");
    let session = record_good(&folder);
    let size = std::fs::metadata(&session).expect("the session exists").len();
    assert!(size < 1_000_000, "the session is {size} bytes");
    let output = redscreen(&["replay", path_text(&session)]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(
        text(&output).contains("verified: 88 actions and 26 checkpoints agree through tick 1440"),
        "{}",
        text(&output)
    );

    // The same inputs record the same session, byte for byte.
    let again = folder.join("again.jsonl");
    std::fs::copy(&session, folder.join("first.jsonl")).expect("copied");
    let first = std::fs::read(&session).expect("readable");
    let output = redscreen(&[
        "run",
        "--seed",
        "7",
        "--until",
        "2014-11-25 05:00",
        "--playbook",
        "scenarios/playbooks/good.ron",
        "--record",
        path_text(&again),
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(std::fs::read(&again).expect("readable"), first);
    std::fs::remove_dir_all(&folder).ok();
}

#[test]
fn at_shows_the_observed_and_the_true_state_of_a_moment() {
    let folder = folder("at");
    let session = record_good(&folder);
    let output = redscreen(&["replay", path_text(&session), "--at", "2014-11-24 07:30"]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(0), "{shown}");
    assert!(shown.contains("At Monday 2014-11-24 07:30 PST"), "{shown}");
    assert!(
        shown.contains("Observed: ") && shown.contains("Ground truth:"),
        "{shown}"
    );
    assert!(shown.contains("declare incident"), "{shown}");
    assert!(shown.contains("verified:"), "{shown}");
    let late = redscreen(&["replay", path_text(&session), "--at", "2014-11-30 07:30"]);
    assert_eq!(late.status.code(), Some(2), "beyond the session: {}", text(&late));
    std::fs::remove_dir_all(&folder).ok();
}

#[test]
fn a_branch_continues_with_another_plan_into_a_session_of_its_own() {
    let folder = folder("branch");
    let nothing = folder.join("nothing.jsonl");
    let output = redscreen(&[
        "run",
        "--seed",
        "7",
        "--until",
        "2014-11-24 12:00",
        "--record",
        path_text(&nothing),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let branch = folder.join("branch.jsonl");
    let output = redscreen(&[
        "replay",
        path_text(&nothing),
        "--branch-at",
        "2014-11-24 05:30",
        "--playbook",
        "scenarios/playbooks/good.ron",
        "--record",
        path_text(&branch),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let header = std::fs::read_to_string(&branch)
        .expect("the branch")
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    assert!(header.contains("\"branched_from\":["), "{header}");
    let replayed = redscreen(&["replay", path_text(&branch)]);
    assert_eq!(replayed.status.code(), Some(0), "{}", text(&replayed));
    assert!(text(&replayed).contains("through tick 420"), "{}", text(&replayed));

    let diff = redscreen(&["diff", path_text(&nothing), path_text(&branch)]);
    let shown = text(&diff);
    assert_eq!(diff.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("declare incident") && shown.contains("save-machines") && shown.contains("total"),
        "{shown}"
    );

    let other_seed = folder.join("seed8.jsonl");
    let recorded = redscreen(&[
        "run",
        "--seed",
        "8",
        "--until",
        "2014-11-24 06:00",
        "--record",
        path_text(&other_seed),
    ]);
    assert_eq!(recorded.status.code(), Some(0), "{}", text(&recorded));
    let refused = redscreen(&["diff", path_text(&nothing), path_text(&other_seed)]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused).contains("not sessions of the same scenario and seed"));
    std::fs::remove_dir_all(&folder).ok();
}

/// Writes a tampered copy of a session and replays it.
fn tampered(folder: &Path, session: &Path, name: &str, change: impl Fn(&str) -> String) -> Output {
    let original = std::fs::read_to_string(session).expect("readable");
    let path = folder.join(name);
    std::fs::write(&path, change(&original)).expect("written");
    redscreen(&["replay", path_text(&path)])
}

/// Lines of a session with each record's chain link written again, as a forger who knows the
/// format would: the chain holds, so only replaying can tell.
fn relinked(text: &str) -> String {
    let mut lines = text.lines();
    let header: Header = serde_json::from_str(lines.next().expect("a header")).expect("a header");
    let mut chain = Chain::start(&header);
    let mut out = header_line(&header) + "\n";
    for line in lines {
        let mut value: serde_json::Value = serde_json::from_str(line).expect("a record");
        value.as_object_mut().expect("an object").remove("chain");
        let record: Record = serde_json::from_value(value).expect("a record");
        chain = chain.next(&record);
        out += &(record_line(&record, chain) + "\n");
    }
    out
}

#[test]
fn tampered_sessions_are_refused_with_a_clear_reason() {
    let folder = folder("tampered");
    let session = record_good(&folder);
    let expect = |output: Output, code: i32, says: &str| {
        let shown = text(&output);
        assert_eq!(output.status.code(), Some(code), "{shown}");
        assert!(shown.contains(says), "expected `{says}` in {shown}");
        assert!(!shown.contains("panicked"), "{shown}");
    };
    let original = std::fs::read_to_string(&session).expect("readable");
    let line_of = |needle: &str| {
        original
            .lines()
            .position(|line| line.contains(needle))
            .expect("the line is there")
            + 1
    };

    // Any edit, removal or move of a line breaks the record chain at that line.
    let action_line = line_of("isolate host SPE-CC-MGT-07");
    expect(
        tampered(&folder, &session, "action.jsonl", |text| {
            text.replacen("isolate host SPE-CC-MGT-07", "isolate host SPE-CC-MGT-08", 1)
        }),
        1,
        &format!("action.jsonl:{action_line}: the record chain breaks here"),
    );
    let checkpoint_line = line_of("\"tick\":120,\"state\"");
    expect(
        tampered(&folder, &session, "deleted.jsonl", |text| {
            let lines: Vec<&str> = text.lines().collect();
            let kept: Vec<&str> = lines
                .iter()
                .enumerate()
                .filter(|(index, _)| index + 1 != checkpoint_line)
                .map(|(_, line)| *line)
                .collect();
            kept.join("\n") + "\n"
        }),
        1,
        &format!("deleted.jsonl:{checkpoint_line}: the record chain breaks here"),
    );
    expect(
        tampered(&folder, &session, "reordered.jsonl", |text| {
            let mut lines: Vec<&str> = text.lines().collect();
            lines.swap(3, 12);
            lines.join("\n") + "\n"
        }),
        1,
        "reordered.jsonl:4: the record chain breaks here",
    );
    expect(
        tampered(&folder, &session, "header.jsonl", |text| {
            text.replacen("\"seed\":7", "\"seed\":8", 1)
        }),
        1,
        "header.jsonl:2: the record chain breaks here",
    );

    // A forged session whose chain was written again still has to replay: a changed action
    // or checkpoint shows at its tick.
    expect(
        tampered(&folder, &session, "forged-action.jsonl", |text| {
            relinked(&text.replacen("isolate host SPE-CC-MGT-07", "isolate host SPE-CC-MGT-08", 1))
        }),
        1,
        // The good plan isolates the jump host at 06:15 (tick 75): the next checkpoint differs.
        "diverges at tick 120",
    );
    expect(
        tampered(&folder, &session, "forged-checkpoint.jsonl", |text| {
            let at = text
                .find("\"tick\":120,\"state\":\"")
                .expect("a checkpoint at tick 120")
                + 20;
            let flipped = if &text[at..at + 1] == "0" { "1" } else { "0" };
            relinked(&format!("{}{flipped}{}", &text[..at], &text[at + 1..]))
        }),
        1,
        "diverges at tick 120",
    );

    // A scenario that changed since the recording is named as such.
    let changed = folder.join("changed.ron");
    std::fs::write(&changed, format!("// edited\n{}", redscreen::scenario::FLAGSHIP_SOURCE)).expect("written");
    expect(
        redscreen(&["replay", path_text(&session), "--scenario", path_text(&changed)]),
        1,
        "it has changed since",
    );
    expect(
        tampered(&folder, &session, "version.jsonl", |text| {
            text.replacen("{\"session\":4,", "{\"session\":3,", 1)
        }),
        2,
        "session format 3; this redscreen reads format 4",
    );
    expect(
        tampered(&folder, &session, "damaged.jsonl", |text| {
            text.replacen("{\"record\":\"action\"", "{\"record\":\"actio", 1)
        }),
        1,
        "damaged record",
    );
    expect(
        tampered(&folder, &session, "foreign.jsonl", |_| "hello\n".to_string()),
        2,
        "is not a redscreen session",
    );
    expect(redscreen(&["replay", "no/such/session.jsonl"]), 2, "cannot read");
    std::fs::remove_dir_all(&folder).ok();
}

#[test]
fn a_cut_tail_is_left_out_with_a_warning() {
    let folder = folder("cut");
    let session = record_good(&folder);
    let output = tampered(&folder, &session, "cut.jsonl", |text| {
        let cut = text.len() - 25;
        text[..cut].to_string()
    });
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("was cut short") && shown.contains("verified:"),
        "{shown}"
    );
    std::fs::remove_dir_all(&folder).ok();
}

/// Lines in a file so far (0 when it is not there yet).
fn lines_in(path: &Path) -> usize {
    std::fs::read(path).map_or(0, |bytes| bytes.iter().filter(|&&byte| byte == b'\n').count())
}

/// Real runs killed with SIGKILL once their session holds a random number of records: what
/// they left replays and is verified, whatever the machine's speed.
#[test]
fn runs_killed_at_random_records_leave_sessions_that_replay() {
    let folder = folder("killed");
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let mut killed = 0;
    for round in 0..6 {
        let session = folder.join(format!("killed-{round}.jsonl"));
        let mut arguments = vec!["run".to_string(), "--seed".to_string(), round.to_string()];
        if round % 2 == 1 {
            arguments.extend(["--playbook".to_string(), "scenarios/playbooks/good.ron".to_string()]);
        }
        arguments.extend(["--record".to_string(), path_text(&session).to_string()]);
        // A baseline week writes 170 records; the good playbook about 200.
        let records = rng.random_range(2..150);
        let mut child = Command::new(env!("CARGO_BIN_EXE_redscreen"))
            .args(&arguments)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("the binary runs");
        while lines_in(&session) < records + 1 && child.try_wait().expect("the run").is_none() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        child.kill().ok();
        child.wait().ok();
        let written = std::fs::read_to_string(&session).unwrap_or_default();
        killed += usize::from(!written.contains("\"record\":\"end\""));
        let output = redscreen(&["replay", path_text(&session)]);
        let shown = text(&output);
        assert_eq!(
            output.status.code(),
            Some(0),
            "round {round} killed after {records} records: {shown}"
        );
        assert!(shown.contains("verified:"), "{shown}");
    }
    assert!(killed >= 4, "only {killed} runs were killed before they ended");
    std::fs::remove_dir_all(&folder).ok();
}
