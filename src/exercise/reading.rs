//! Reading the case at the console: `case` (what the team holds, per machine), `show HOST
//! [memory|disk|logs|flows]` and `show #N` (a record whole, with where it leads), `search TEXT`
//! (a name, account, file, hash, address or event id across everything held), `timeline
//! [HOST|all] [FROM] [TO]`. Reading costs no responder and no simulated time; a mistake gets
//! one line saying why, and changes nothing.

use crate::case::{Came, Case, CaseRecord};
use crate::scenario::diagnostic::closest;
use crate::scenario::model::{Artifact, HostId, Scenario, Tick};

use super::Exercise;

/// Lines a listing shows at most; more are counted.
const MOST_LINES: usize = 200;

/// The reading commands, for `help`.
pub const READING: &[(&str, &str)] = &[
    ("case", "what the team holds, per machine"),
    (
        "show HOST [memory|disk|logs|flows]",
        "the records of a machine (of one kind)",
    ),
    ("show #N", "one record whole, and where it leads"),
    (
        "search TEXT",
        "records holding a name, account, file, hash, address or event id",
    ),
    (
        "timeline [HOST|all] [FROM] [TO]",
        "records in time order (FROM, TO: local times or ticks)",
    ),
];

/// Answers one reading command; `None` when the word is not one.
pub fn read(exercise: &Exercise, word: &str, rest: &str) -> Option<Vec<String>> {
    let case = exercise.case();
    let scenario = exercise.scenario();
    Some(match word {
        "case" => case_summary(case, scenario),
        "show" => show(exercise, case, rest),
        "search" => match rest.trim() {
            "" => vec!["search what? a name, account, file, hash, address or event id".to_string()],
            text => {
                let found = case.search(scenario, text);
                match found.is_empty() {
                    true => vec![format!("no record in the case holds `{text}`")],
                    false => listing(scenario, &found, &format!("{} records hold `{text}`", found.len())),
                }
            }
        },
        "timeline" => timeline(exercise, case, rest),
        _ => return None,
    })
}

/// A record as one line: its number, local time and what it says (the console's listings and
/// the window's case panel).
pub fn record_line(scenario: &Scenario, held: &CaseRecord) -> String {
    let when = scenario
        .meta
        .start
        .checked_add(jiff::SignedDuration::from_secs(held.record.at))
        .map(|time| time.strftime("%a %d %b %H:%M:%S").to_string())
        .unwrap_or_default();
    let alert = if held.came == Came::Alert { " (alert)" } else { "" };
    format!("#{:<5} {when}  {}{alert}", held.id, held.record.summary(scenario))
}

fn listing(scenario: &Scenario, records: &[&CaseRecord], heading: &str) -> Vec<String> {
    let mut lines = vec![heading.to_string()];
    lines.extend(records.iter().take(MOST_LINES).map(|held| record_line(scenario, held)));
    if records.len() > MOST_LINES {
        lines.push(format!(
            "… {} more: narrow it with `search` or a time range",
            records.len() - MOST_LINES
        ));
    }
    lines
}

fn case_summary(case: &Case, scenario: &Scenario) -> Vec<String> {
    let machines = case.machines();
    if machines.is_empty() {
        return vec![
            "the case is empty: alerts add the records they saw; `collect logs`, `capture memory` and `image` collect a machine's"
                .to_string(),
        ];
    }
    let mut lines = vec![format!(
        "{} records from {} machines (memory, disk, logs, flows; from alerts only)",
        case.records().len(),
        machines.len()
    )];
    for (host, held) in machines {
        lines.push(format!(
            "  {:<20} {:>5} {:>5} {:>6} {:>5}   {}",
            scenario.hosts[host.index()].name,
            held.memory,
            held.disk,
            held.logs,
            held.flows,
            held.from_alerts
        ));
    }
    lines
}

/// A machine by name, or why not.
fn machine(scenario: &Scenario, name: &str) -> Result<HostId, String> {
    scenario.host_named(name).ok_or_else(|| {
        let hint = closest(name, scenario.hosts.iter().map(|host| host.name.as_str()))
            .map(|close| format!(" (did you mean `{close}`?)"))
            .unwrap_or_default();
        format!("no machine is named `{name}`{hint}")
    })
}

fn artifact(word: &str) -> Result<Artifact, String> {
    Artifact::ALL
        .into_iter()
        .find(|kind| kind.label() == word.to_ascii_lowercase())
        .ok_or_else(|| format!("`{word}` is not memory, disk, logs or flows"))
}

fn show(exercise: &Exercise, case: &Case, rest: &str) -> Vec<String> {
    let scenario = exercise.scenario();
    let words: Vec<&str> = rest.split_whitespace().collect();
    match words.as_slice() {
        [] => vec!["show what? a machine (`show HOST [memory|disk|logs|flows]`) or a record (`show #N`)".to_string()],
        [number] if number.starts_with('#') => match number[1..].parse::<u32>().ok().and_then(|id| case.get(id)) {
            Some(held) => record_whole(scenario, case, held),
            None => vec![format!(
                "the case has no record {number} (it holds #1 to #{})",
                case.records().len()
            )],
        },
        [name, kind @ ..] if kind.len() <= 1 => {
            let host = match machine(scenario, name) {
                Ok(host) => host,
                Err(reason) => return vec![reason],
            };
            let kind = match kind.first().map(|word| artifact(word)).transpose() {
                Ok(kind) => kind,
                Err(reason) => return vec![reason],
            };
            let found = case.on_machine(host, kind);
            match found.is_empty() {
                true => vec![format!(
                    "the case holds nothing of {name}{}: collect it first",
                    kind.map_or(String::new(), |kind| format!("'s {}", kind.label()))
                )],
                false => listing(scenario, &found, &format!("{} records of {name}", found.len())),
            }
        }
        _ => vec!["show takes a machine and at most one kind: memory, disk, logs or flows".to_string()],
    }
}

/// A record with every field, and where it leads.
fn record_whole(scenario: &Scenario, case: &Case, held: &CaseRecord) -> Vec<String> {
    let mut lines = vec![record_line(scenario, held)];
    lines.extend(
        held.record
            .fields(scenario)
            .into_iter()
            .map(|(name, value)| format!("  {name:<18} {value}")),
    );
    let related = case.related(scenario, held.id);
    if !related.machines.is_empty() {
        let names: Vec<&str> = related
            .machines
            .iter()
            .map(|host| scenario.hosts[host.index()].name.as_str())
            .collect();
        lines.push(format!(
            "  leads to           {} (`show NAME`, `collect logs NAME`)",
            names.join(", ")
        ));
    }
    if let Some(account) = &related.account {
        lines.push(format!(
            "  {account}: {} other records in the case (`search {account}`)",
            related.same_account.len()
        ));
    }
    if let Some(hash) = &related.hash {
        lines.push(format!(
            "  this file: {} other records in the case (`search {hash}`)",
            related.same_file.len()
        ));
    }
    lines
}

/// A moment given to `timeline`: a local time or a tick, as seconds from the start.
fn moment(scenario: &Scenario, text: &str) -> Result<i64, String> {
    scenario
        .tick_at(text)
        .map(|tick: Tick| tick.0 as i64 * scenario.meta.tick_seconds as i64)
}

fn timeline(exercise: &Exercise, case: &Case, rest: &str) -> Vec<String> {
    let scenario = exercise.scenario();
    let mut words: Vec<&str> = rest.split_whitespace().collect();
    // A machine or `all` first, if given; then up to two moments (a date and a clock are one).
    let host = match words.first() {
        Some(&"all") => {
            words.remove(0);
            None
        }
        Some(first) if scenario.host_named(first).is_some() => {
            let host = scenario.host_named(first);
            words.remove(0);
            host
        }
        Some(first) if first.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) => {
            return vec![machine(scenario, first).err().unwrap_or_default()];
        }
        _ => None,
    };
    let moments = split_moments(&words);
    let (from, to) = match moments.as_slice() {
        [] => (i64::MIN, i64::MAX),
        [from] => match moment(scenario, from) {
            Ok(from) => (from, i64::MAX),
            Err(reason) => return vec![format!("timeline: {reason}")],
        },
        [from, to] => match (moment(scenario, from), moment(scenario, to)) {
            (Ok(from), Ok(to)) if to < from => {
                return vec![format!(
                    "timeline: {} comes before {}: give the earlier time first",
                    moments[1], moments[0]
                )];
            }
            (Ok(from), Ok(to)) => (from, to + scenario.meta.tick_seconds as i64 - 1),
            (Err(reason), _) | (_, Err(reason)) => return vec![format!("timeline: {reason}")],
        },
        _ => return vec!["timeline takes a machine (or all) and at most two times".to_string()],
    };
    let found = case.timeline(host, from, to);
    let whose = host.map_or("the case".to_string(), |host| {
        scenario.hosts[host.index()].name.to_string()
    });
    match found.is_empty() {
        true => vec![format!("nothing in {whose} in that time")],
        false => listing(
            scenario,
            &found,
            &format!("{} records of {whose}, in time order", found.len()),
        ),
    }
}

/// Moments written as `YYYY-MM-DD HH:MM` take two words; `HH:MM` or a tick one.
fn split_moments(words: &[&str]) -> Vec<String> {
    let mut moments = Vec::new();
    let mut index = 0;
    while index < words.len() {
        let word = words[index];
        if word.len() == 10 && word.contains('-') && index + 1 < words.len() {
            moments.push(format!("{word} {}", words[index + 1]));
            index += 2;
        } else {
            moments.push(word.to_string());
            index += 1;
        }
    }
    moments
}
