//! The case file at the console, as a responder reads it: what the team holds, a machine's
//! records, one record whole and where it leads, search and timeline; every mistake gets one
//! line saying why and changes nothing, and reading costs no time.

use redscreen::exercise::{Console, Line};
use redscreen::testing::flagship;

fn texts(lines: Vec<Line>) -> Vec<String> {
    lines.into_iter().map(|line| line.text).collect()
}

/// A console on the flagship, seed 1, whose team has collected the jump host's logs.
fn investigating() -> Console {
    let mut console = Console::new(flagship(), 1);
    console.handle("collect logs SPE-CC-MGT-07");
    console.handle("until 2014-11-24 05:45");
    console
}

#[test]
fn the_case_lists_what_the_team_holds_per_machine() {
    let mut console = Console::new(flagship(), 1);
    let empty = texts(console.handle("case").0);
    assert_eq!(empty.len(), 1);
    assert!(empty[0].starts_with("the case is empty"), "{empty:?}");

    let mut console = investigating();
    let lines = texts(console.handle("case").0);
    assert!(lines[0].contains("records from"), "{lines:?}");
    let jump_host = lines
        .iter()
        .find(|line| line.trim_start().starts_with("SPE-CC-MGT-07"))
        .expect("the collected machine is listed");
    // Its logs and flows were collected, not only what alerts showed.
    let counts: Vec<u32> = jump_host
        .split_whitespace()
        .skip(1)
        .map(|n| n.parse().expect("a count"))
        .collect();
    assert!(counts[2] > 1 && counts[3] > 0, "{jump_host}");
    // Alerts on other machines bring their records in too.
    assert!(lines.len() > 3, "{lines:?}");
}

#[test]
fn show_prints_a_machines_records_and_one_record_whole_with_where_it_leads() {
    let mut console = investigating();
    let logs = texts(console.handle("show SPE-CC-MGT-07 logs").0);
    assert!(logs[0].ends_with("records of SPE-CC-MGT-07"), "{logs:?}");
    let logon = logs
        .iter()
        .find(|line| line.contains("Security 4624") && line.contains("it-ops from SPE-CC-WS-0412"))
        .expect("the foothold's logon from patient zero, 40 days before");
    assert!(
        logs.iter()
            .skip(1)
            .all(|line| line.contains("SPE-CC-MGT-07 Security") || line.contains("SPE-CC-MGT-07 System")),
        "{logs:?}"
    );
    let id = logon.split_whitespace().next().expect("a number").to_string();

    let whole = texts(console.handle(&format!("show {id}")).0).join("\n");
    for field in [
        "event_id",
        "4624",
        "channel",
        "Security",
        "record_number",
        "TargetUserName",
        "it-ops",
        "LogonType",
        "WorkstationName",
        "IpAddress",
        "10.10.1.156",
    ] {
        assert!(whole.contains(field), "`{field}` missing:\n{whole}");
    }
    // Where it leads: the other machine, the account's other records.
    assert!(whole.contains("SPE-CC-WS-0412"), "{whole}");

    let flows = texts(console.handle("show SPE-CC-MGT-07 flows").0);
    assert!(flows.iter().any(|line| line.contains(":445 tcp")), "{flows:?}");
}

#[test]
fn search_and_timeline_find_across_the_case() {
    let mut console = investigating();
    let found = texts(console.handle("search 10.10.1.156").0);
    assert!(found[0].contains("records hold `10.10.1.156`"), "{found:?}");
    assert!(found.len() > 1);
    let by_event = texts(console.handle("search 7045").0);
    assert!(
        by_event.iter().any(|line| line.contains("Windows Schedule Management")),
        "{by_event:?}"
    );

    let timeline = texts(console.handle("timeline all 2014-11-24 05:00 2014-11-24 05:30").0);
    assert!(timeline[0].contains("in time order"), "{timeline:?}");
    let times: Vec<String> = timeline
        .iter()
        .skip(1)
        .map(|line| line.split_whitespace().skip(1).take(4).collect::<Vec<_>>().join(" "))
        .collect();
    assert!(!times.is_empty());
    // Lines sort by their time: "Mon 24 Nov 05:00:38" within one day sorts as text.
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    let one = texts(console.handle("timeline SPE-CC-MGT-07").0);
    // Every record listed is the jump host's (weeks of its calls home: the last line says how
    // many more there are).
    let listed: Vec<&String> = one.iter().skip(1).filter(|line| line.starts_with('#')).collect();
    assert!(
        listed.len() > 100 && listed.iter().all(|line| line.contains("SPE-CC-MGT-07")),
        "{one:?}"
    );
}

#[test]
fn a_bad_reading_gets_one_line_and_changes_nothing() {
    let mut console = investigating();
    let before = (
        console.exercise().state_hash(),
        console.exercise().case().records().len(),
    );
    for (line, says) in [
        ("show SPE-CC-MGT-7", "no machine is named `SPE-CC-MGT-7`"),
        ("show SPE-CC-MGT-07 registry", "is not memory, disk, logs or flows"),
        ("show #99999", "no record #99999"),
        ("show", "show what?"),
        ("search", "search what?"),
        ("search    ", "search what?"),
        ("search no-such-thing-anywhere", "no record in the case holds"),
        ("timeline NOPE-01", "no machine is named `NOPE-01`"),
        (
            "timeline all 2014-11-24 06:00 2014-11-24 05:00",
            "give the earlier time first",
        ),
        ("timeline all 2099-01-01 00:00", "after the exercise ends"),
    ] {
        let lines = texts(console.handle(line).0);
        assert_eq!(lines.len(), 1, "`{line}`: {lines:?}");
        assert!(lines[0].contains(says), "`{line}`: {lines:?}");
    }
    assert_eq!(
        (
            console.exercise().state_hash(),
            console.exercise().case().records().len()
        ),
        before,
        "reading changed the exercise"
    );
}
