//! Completion of a half-typed console line (a console command or an action): the word being
//! typed is matched against what can follow the words before it. Only names the company's own
//! inventory gives are offered (machines, subnets, offices, links, accounts, contacts, roles);
//! the attacker's file names and techniques are the responder's to find, so they are never
//! suggested.

use crate::response::VERBS;
use crate::scenario::model::{Role, Scenario};

use super::console::COMMANDS;

/// Words that may follow a verb (or a keyword) before any name.
fn keywords_after(word: &str) -> &'static [&'static str] {
    match word {
        "isolate" | "reconnect" => &["host", "subnet", "office"],
        "cut" => &["link"],
        "restore" => &["link"],
        "disable" => &["account"],
        "reset" => &["account", "admins"],
        "deploy" => &["block"],
        "block" | "unblock" => &["address"],
        "power" => &["off"],
        "capture" => &["memory"],
        "collect" => &["logs", "flows"],
        "declare" => &["incident"],
        "submit" => &["patient-zero", "vector", "account", "indicator", "stolen"],
        // A firewall scope, after `from` or `to`.
        "from" | "to" => &["all", "office", "subnet", "host", "role"],
        _ => &[],
    }
}

/// What kind of name may come next, after these words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Verb,
    Host,
    Subnet,
    Office,
    Place,
    Link,
    Account,
    Contact,
    Role,
    Service,
    Data,
    Nothing,
}

fn expect(before: &[String]) -> Expect {
    let words: Vec<&str> = before.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] => Expect::Verb,
        [.., "host"] | ["power", "off"] | ["capture", "memory"] | ["collect", "logs"] | ["image"] | ["rebuild"] => {
            Expect::Host
        }
        ["submit", "patient-zero"] => Expect::Host,
        ["kill", _, "on"] => Expect::Host,
        ["reconfigure"] => Expect::Service,
        ["submit", "stolen"] => Expect::Data,
        ["restore"] => Expect::Host,
        [.., "subnet"] => Expect::Subnet,
        [.., "office"] => Expect::Office,
        ["isolate" | "reconnect"] | [.., "from" | "to"] => Expect::Place,
        ["cut" | "restore", "link"] => Expect::Link,
        [.., "account"] => Expect::Account,
        ["notify"] => Expect::Contact,
        [.., "role"] => Expect::Role,
        _ => Expect::Nothing,
    }
}

/// Every way the word being typed can be completed, sorted, for the line typed so far.
pub fn completions(line: &str, scenario: &Scenario) -> Vec<String> {
    let ends_in_space = line.ends_with(char::is_whitespace);
    let mut words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    let typing = if ends_in_space {
        String::new()
    } else {
        words.pop().unwrap_or_default()
    };
    let lower: Vec<String> = words.iter().map(|word| word.to_ascii_lowercase()).collect();
    let mut offered: Vec<String> = lower
        .last()
        .map(|last| keywords_after(last))
        .filter(|_| lower.len() == 1 || matches!(lower.last().map(String::as_str), Some("from" | "to")))
        .unwrap_or_default()
        .iter()
        .map(|word| word.to_string())
        .collect();
    // `block PORT from SCOPE to SCOPE`: the two keywords come after the port and the first scope.
    // `kill PROGRAM on HOST`: the program is the responder's to name; `on` follows it.
    if lower.first().is_some_and(|verb| verb == "kill") && lower.len() == 2 {
        offered.push("on".to_string());
    }
    let by_address = lower.get(1).is_some_and(|word| word == "address");
    if lower.first().is_some_and(|verb| verb == "block" || verb == "unblock") && !by_address {
        match lower.len() {
            2 => offered.push("from".to_string()),
            4.. if !lower.iter().any(|word| word == "to") => offered.push("to".to_string()),
            _ => {}
        }
    }
    let keywords = offered.len();
    let hosts = || scenario.hosts.iter().map(|host| host.name.to_string());
    let offices = || scenario.offices.iter().map(|office| office.name.clone());
    let subnets = || {
        scenario
            .subnets
            .iter()
            .map(|subnet| format!("{}/{}", scenario.offices[subnet.office.index()].name, subnet.name))
    };
    match expect(&lower) {
        Expect::Verb => {
            offered.extend(VERBS.iter().map(|verb| verb.to_string()));
            offered.extend(
                COMMANDS
                    .iter()
                    .filter_map(|(form, _)| form.split([' ', '/']).next().map(str::to_string)),
            );
        }
        Expect::Host => offered.extend(hosts()),
        Expect::Subnet => offered.extend(subnets()),
        Expect::Office => offered.extend(offices()),
        Expect::Place => {
            offered.extend(offices());
            offered.extend(subnets());
            offered.extend(hosts());
        }
        Expect::Link => offered.extend(scenario.network.links.iter().map(|link| link.name.clone())),
        Expect::Account => offered.extend(scenario.accounts.iter().map(|account| account.name.clone())),
        Expect::Contact => offered.extend(scenario.responders.contacts.iter().cloned()),
        Expect::Role => offered.extend(Role::ALL.iter().map(|role| role.name().to_string())),
        Expect::Service => offered.extend(scenario.services.iter().map(|service| service.name.clone())),
        // The company knows its own data; which of it left is the team's to find.
        Expect::Data => offered.extend(scenario.data.iter().map(|set| set.name.clone())),
        Expect::Nothing => {}
    }
    // Keywords first, in the grammar's order; then names, sorted.
    let mut names = offered.split_off(keywords);
    names.sort_by_key(|name| name.to_ascii_lowercase());
    names.dedup();
    offered.extend(names);
    let typed = typing.to_ascii_lowercase();
    offered.retain(|word| word.to_ascii_lowercase().starts_with(&typed));
    offered
}

/// The line with its last word completed as far as every candidate agrees, and a space after
/// it when only one candidate is left.
pub fn complete(line: &str, scenario: &Scenario) -> String {
    let candidates = completions(line, scenario);
    let Some(first) = candidates.first() else {
        return line.to_string();
    };
    let start = if line.ends_with(char::is_whitespace) {
        line.len()
    } else {
        line.rfind(char::is_whitespace).map_or(0, |at| at + 1)
    };
    let common = candidates.iter().skip(1).fold(first.as_str(), |common, other| {
        let shared = common
            .char_indices()
            .zip(other.chars())
            .find(|((_, a), b)| !a.eq_ignore_ascii_case(b))
            .map_or(common.len().min(other.len()), |((at, _), _)| at);
        &common[..shared]
    });
    let typed = &line[start..];
    if common.chars().count() < typed.chars().count() {
        return line.to_string();
    }
    let space = if candidates.len() == 1 { " " } else { "" };
    format!("{}{common}{space}", &line[..start])
}
