//! The console as a responder uses it: only observations, actions accepted or refused with a
//! reason, and no line typed can crash it.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use redscreen::exercise::{Console, Control, Line, complete, completions};
use redscreen::response::parse_action;
use redscreen::sim::GroundTruth;
use redscreen::testing::flagship;

fn console() -> Console {
    Console::new(flagship(), 3)
}

#[test]
fn the_console_shows_observations_not_ground_truth() {
    let mut console = console();
    let lines = texts(console.handle("until 2014-11-24 07:10").0);
    let text = lines.join("\n");
    assert!(text.contains("log alert from SPE-CC-MGT-07"), "{text}");
    assert!(text.contains("Email from Office of the Co-Chairman"), "{text}");
    // The patient zero has no sensor: nothing the responder sees names it yet.
    assert!(!text.contains("SPE-CC-WS-0412"), "ground truth leaked: {text}");
    let truth = console.simulation().world().resource::<GroundTruth>();
    assert!(
        truth
            .hosts
            .iter()
            .filter(|host| host.compromised_at != u32::MAX)
            .count()
            > 100
    );
}

#[test]
fn a_wrong_action_gets_one_line_and_changes_nothing() {
    let mut console = console();
    let before = console.exercise().now();
    let (lines, control) = console.handle("isolate office londn");
    let lines = texts(lines);
    assert_eq!(control, Control::Continue);
    assert_eq!(lines.len(), 1);
    assert!(lines[0].contains("did you mean `london`?"), "{lines:?}");
    assert_eq!(
        console.exercise().now(),
        before,
        "a refused line does not move the clock"
    );
    assert!(console.exercise().desk().log.is_empty());
}

#[test]
fn an_action_typed_is_taken_up_by_the_team() {
    let mut console = console();
    let lines = texts(console.handle("reset admins").0);
    assert!(
        lines.iter().any(|line| line.starts_with("started: reset admins")),
        "{lines:?}"
    );
    let lines = texts(console.handle("wait 30m").0);
    assert!(
        lines.iter().any(|line| line.contains("done: reset admins")),
        "{lines:?}"
    );
    let lines = texts(console.handle("status").0);
    assert!(lines.iter().any(|line| line.contains("team: 6 of 6 free")), "{lines:?}");
    assert_eq!(console.handle("end").1, Control::End);
}

/// Random and malformed lines, thousands of them: every one gets an answer, none a panic.
#[test]
fn no_line_typed_crashes_the_console() {
    let mut console = console();
    let mut rng = ChaCha8Rng::seed_from_u64(1124);
    let words = [
        "isolate",
        "host",
        "office",
        "subnet",
        "block",
        "from",
        "to",
        "445",
        "99999",
        "-1",
        "all",
        "role",
        "Workstation",
        "reset",
        "admins",
        "account",
        "SPE\\it-ops",
        "image",
        "SPE-CC-WS-0001",
        "power",
        "off",
        "submit",
        "vector",
        "T1047",
        "indicator",
        "notify",
        "fbi",
        "step",
        "wait",
        "until",
        "speed",
        "help",
        "status",
        "deploy",
        "cut",
        "link",
        "cc-ny",
        "culver-city/core",
        "new-york",
        "restore",
        "rebuild",
        "\u{0}",
        "é",
        "🙂",
        "\"",
        "(",
        "",
        "  ",
    ];
    let mut answered = 0;
    let mut clock_lines = 0;
    for _ in 0..3_000 {
        let length = rng.random_range(0..7);
        let mut line: Vec<String> = (0..length)
            .map(|_| words[rng.random_range(0..words.len())].to_string())
            .collect();
        if rng.random_range(0..5) == 0 {
            let noise: String = (0..rng.random_range(1..20))
                .map(|_| char::from(rng.random_range(1..128u8)))
                .collect();
            line.push(noise);
        }
        let line = line.join(" ");
        // `step`, `wait` and `until` move the clock too: once the week is over they do
        // nothing more, so a huge number costs one week at most.
        clock_lines += usize::from(["step", "wait", "until"].iter().any(|word| line.starts_with(word)));
        let (_, control) = console.handle(&line);
        answered += 1;
        if control == Control::End {
            break;
        }
    }
    assert!(answered > 1_000);
    assert!(clock_lines > 50, "only {clock_lines} lines moved the clock");
    assert!(console.exercise().now().is_some(), "the clock moved");
}

/// The text of the console's lines.
fn texts(lines: Vec<Line>) -> Vec<String> {
    lines.into_iter().map(|line| line.text).collect()
}

/// Tab completion in the window's console: names from the company's inventory, by what the
/// words before allow; never the attacker's file names.
#[test]
fn names_complete_from_what_the_words_before_allow() {
    let console = console();
    let scenario = console.exercise().scenario();
    assert_eq!(complete("iso", scenario), "isolate ");
    assert_eq!(completions("isolate ", scenario)[..3], ["host", "subnet", "office"]);
    assert_eq!(complete("isolate office lon", scenario), "isolate office london ");
    assert_eq!(complete("power off SPE-CC-WS-041", scenario), "power off SPE-CC-WS-041");
    let machines = completions("power off SPE-CC-WS-041", scenario);
    assert_eq!(machines.len(), 10, "{machines:?}");
    assert!(machines.iter().all(|name| name.starts_with("SPE-CC-WS-041")));
    assert_eq!(
        complete("image spe-cc-ws-0412", scenario),
        "image SPE-CC-WS-0412 ",
        "case does not matter"
    );
    assert_eq!(completions("block 445 ", scenario), ["from"]);
    assert!(completions("block 445 from office tokyo ", scenario).contains(&"to".to_string()));
    assert!(completions("notify ", scenario).iter().any(|name| name == "fbi"));
    assert!(
        completions("deploy block ", scenario).is_empty(),
        "the attacker's files are for the responder to find"
    );
    assert!(completions("submit indicator ", scenario).is_empty());
    // A completed line parses.
    let line = complete("isolate office lon", scenario);
    assert!(parse_action(&line, scenario).is_ok());
}
