//! The action language: one line per action, such as `isolate office new-york`,
//! `block 445 from culver-city/ws-lot-a to culver-city/core` or `image SPE-CC-FS-0003`.
//! Names are checked against the scenario; a wrong one gets the closest valid name.

use std::fmt;

use crate::scenario::diagnostic::closest;
use crate::scenario::model::Role;
use crate::scenario::model::{
    AccountId, ContactId, DataId, HostId, LinkId, OfficeId, Scenario, Scope, ServiceId, SubnetId,
};
use crate::scenario::values::is_attack_id;

use super::action::{Action, Finding};

/// Why a line is not an action: what, where in the line (1-based column), and a hint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ParseError {
    pub message: String,
    pub column: usize,
    pub hint: Option<String>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

/// Every form of the language, for `help`.
pub const SYNTAX: &[(&str, &str)] = &[
    (
        "isolate host|subnet|office NAME",
        "cut machines off the network (subnets as office/subnet)",
    ),
    ("reconnect host|subnet|office NAME", "put isolated machines back"),
    ("cut link NAME", "take a WAN link down"),
    ("restore link NAME", "bring a WAN link back"),
    (
        "block PORT from SCOPE to SCOPE",
        "firewall rule; SCOPE: all, office X, subnet X/Y, host X, role X, or a bare name",
    ),
    ("unblock PORT from SCOPE to SCOPE", "remove a block"),
    (
        "block address ADDRESS",
        "the perimeter drops traffic to and from an outside address",
    ),
    ("unblock address ADDRESS", "remove a block at the perimeter"),
    ("disable account NAME", "the account stops working"),
    ("reset account NAME", "new password: stolen copies stop working"),
    ("reset admins", "reset every account with administrator rights"),
    (
        "reconfigure SERVICE",
        "give a service the new passwords of the accounts it runs under",
    ),
    (
        "kill PROGRAM on HOST",
        "stop a program (file name or hash) and remove it with its service",
    ),
    ("deploy block INDICATOR", "EDR machines stop a file name or hash"),
    ("power off HOST", "stops the wiper; memory evidence is lost"),
    ("capture memory HOST", "collect what is in memory"),
    ("collect logs HOST", "collect the event logs"),
    (
        "collect flows ADDRESS",
        "read the perimeter's flow records with an outside address",
    ),
    ("image HOST", "copy the disk before it is wiped"),
    ("restore HOST", "restore from backup"),
    ("rebuild HOST", "reinstall from scratch"),
    ("notify CONTACT", "tell a party (see the scenario's contacts)"),
    ("declare incident", "declare the incident"),
    ("submit patient-zero HOST", "a finding: where it started"),
    (
        "submit vector TECHNIQUE",
        "a finding: an ATT&CK technique of the spread",
    ),
    ("submit account NAME", "a finding: an account the attacker used"),
    ("submit stolen DATA", "a finding: a data set that left the company"),
    (
        "submit indicator TEXT",
        "a finding: a file name, hash, service or C2 address",
    ),
];

/// The first word of every action.
pub const VERBS: [&str; 19] = [
    "isolate",
    "reconnect",
    "cut",
    "restore",
    "block",
    "unblock",
    "disable",
    "reset",
    "reconfigure",
    "kill",
    "deploy",
    "power",
    "capture",
    "collect",
    "image",
    "rebuild",
    "notify",
    "declare",
    "submit",
];

/// Words of a line with their 1-based columns.
struct Words<'a> {
    line: &'a str,
    words: Vec<(usize, &'a str)>,
    next: usize,
}

impl<'a> Words<'a> {
    fn new(line: &'a str) -> Self {
        let mut words = Vec::new();
        let mut start = None;
        for (at, c) in line.char_indices().chain(std::iter::once((line.len(), ' '))) {
            match (c.is_whitespace(), start) {
                (false, None) => start = Some(at),
                (true, Some(begin)) => {
                    words.push((begin, &line[begin..at]));
                    start = None;
                }
                _ => {}
            }
        }
        Self { line, words, next: 0 }
    }

    fn column(&self, byte: usize) -> usize {
        self.line[..byte].chars().count() + 1
    }

    /// Column where the next word starts (or just past the end).
    fn here(&self) -> usize {
        self.words
            .get(self.next)
            .map_or(self.line.trim_end().chars().count() + 1, |(at, _)| self.column(*at))
    }

    fn error(&self, message: impl Into<String>, hint: Option<String>) -> ParseError {
        ParseError {
            message: message.into(),
            column: self.here(),
            hint,
        }
    }

    fn word(&mut self, what: &str) -> Result<&'a str, ParseError> {
        match self.words.get(self.next) {
            Some((_, word)) => {
                self.next += 1;
                Ok(word)
            }
            None => Err(self.error(format!("expected {what}"), None)),
        }
    }

    fn peek(&self) -> Option<&'a str> {
        self.words.get(self.next).map(|(_, word)| *word)
    }

    /// The rest of the line, as one name that may hold spaces.
    fn rest(&mut self, what: &str) -> Result<&'a str, ParseError> {
        let (at, _) = *self
            .words
            .get(self.next)
            .ok_or_else(|| self.error(format!("expected {what}"), None))?;
        self.next = self.words.len();
        Ok(self.line[at..].trim_end())
    }

    fn keyword(&mut self, expected: &[&'static str]) -> Result<&'static str, ParseError> {
        let column = self.here();
        let word = self.word(&format!("one of: {}", expected.join(", ")))?;
        let lower = word.to_ascii_lowercase();
        // The list of every verb is too long for one line; `help` shows it.
        let message = if expected.len() > 5 {
            format!("`{word}` is not an action (`help` lists them)")
        } else {
            format!("expected {}, found `{word}`", expected.join(" or "))
        };
        expected
            .iter()
            .find(|keyword| **keyword == lower)
            .copied()
            .ok_or_else(|| ParseError {
                message,
                column,
                hint: closest(&lower, expected.iter().copied()).map(|close| format!("did you mean `{close}`?")),
            })
    }

    fn done(&self) -> Result<(), ParseError> {
        match self.peek() {
            None => Ok(()),
            Some(extra) => Err(self.error(format!("unexpected `{extra}` after a complete action"), None)),
        }
    }
}

/// Parses one line of the action language against a scenario.
pub fn parse_action(line: &str, scenario: &Scenario) -> Result<Action, ParseError> {
    let mut words = Words::new(line);
    if words.peek().is_none() {
        return Err(words.error("empty line: type an action, or `help`", None));
    }
    let verb = words.keyword(&VERBS)?;
    let names = Names { scenario };
    let action = match verb {
        "isolate" | "reconnect" => {
            let scope = names.place(&mut words)?;
            if verb == "isolate" {
                Action::Isolate(scope)
            } else {
                Action::Reconnect(scope)
            }
        }
        "cut" => {
            words.keyword(&["link"])?;
            Action::CutLink(names.link(&mut words)?)
        }
        "restore" if words.peek().is_some_and(|word| word.eq_ignore_ascii_case("link")) => {
            words.keyword(&["link"])?;
            Action::RestoreLink(names.link(&mut words)?)
        }
        "restore" => Action::RestoreFromBackup(names.host(&mut words)?),
        "block" | "unblock" if words.peek().is_some_and(|word| word.eq_ignore_ascii_case("address")) => {
            words.keyword(&["address"])?;
            let address = names.outside_address(&mut words)?;
            match verb {
                "block" => Action::BlockAddress(address),
                _ => Action::UnblockAddress(address),
            }
        }
        "block" | "unblock" => {
            let column = words.here();
            let text = words.word("a port number")?;
            let port = text.parse::<u16>().ok().filter(|port| *port > 0).ok_or(ParseError {
                message: format!("`{text}` is not a TCP port"),
                column,
                hint: Some("SMB is 445, RDP 3389".to_string()),
            })?;
            words.keyword(&["from"])?;
            let from = names.scope(&mut words)?;
            words.keyword(&["to"])?;
            let to = names.scope(&mut words)?;
            if verb == "block" {
                Action::Block { port, from, to }
            } else {
                Action::Unblock { port, from, to }
            }
        }
        "disable" => {
            words.keyword(&["account"])?;
            Action::DisableAccount(names.account(&mut words)?)
        }
        "reset" => match words.keyword(&["account", "admins"])? {
            "account" => Action::ResetAccount(names.account(&mut words)?),
            _ => Action::ResetAdmins,
        },
        "reconfigure" => Action::Reconfigure(names.service(&mut words)?),
        "kill" => {
            let program = words.word("a program's file name or hash")?.to_string();
            words.keyword(&["on"])?;
            Action::Kill {
                program,
                host: names.host(&mut words)?,
            }
        }
        "deploy" => {
            words.keyword(&["block"])?;
            Action::DeployBlock(names.indicator(&mut words)?)
        }
        "power" => {
            words.keyword(&["off"])?;
            Action::PowerOff(names.host(&mut words)?)
        }
        "capture" => {
            words.keyword(&["memory"])?;
            Action::CaptureMemory(names.host(&mut words)?)
        }
        "collect" => match words.keyword(&["logs", "flows"])? {
            "logs" => Action::CollectLogs(names.host(&mut words)?),
            _ => Action::CollectFlows(names.outside_address(&mut words)?),
        },
        "image" => {
            if words.peek().is_some_and(|word| word.eq_ignore_ascii_case("disk")) {
                words.keyword(&["disk"])?;
            }
            Action::ImageDisk(names.host(&mut words)?)
        }
        "rebuild" => Action::Rebuild(names.host(&mut words)?),
        "notify" => Action::Notify(names.contact(&mut words)?),
        "declare" => {
            words.keyword(&["incident"])?;
            Action::DeclareIncident
        }
        _ => match words.keyword(&["patient-zero", "vector", "account", "indicator", "stolen"])? {
            "stolen" => Action::Submit(Finding::Stolen(names.data(&mut words)?)),
            "patient-zero" => Action::Submit(Finding::PatientZero(names.host(&mut words)?)),
            "vector" => {
                let column = words.here();
                let technique = words.word("an ATT&CK technique such as T1021.002")?;
                if !is_attack_id(technique, 'T') {
                    return Err(ParseError {
                        message: format!("`{technique}` is not an ATT&CK technique id"),
                        column,
                        hint: Some("such as T1021.002 (SMB admin shares) or T1047 (WMI)".to_string()),
                    });
                }
                Action::Submit(Finding::Vector(technique.to_string()))
            }
            "account" => Action::Submit(Finding::Account(names.account(&mut words)?)),
            _ => Action::Submit(Finding::Indicator(words.rest("an indicator")?.to_string())),
        },
    };
    words.done()?;
    Ok(action)
}

/// Looks names up in the scenario, with the closest valid name when one is wrong.
struct Names<'a> {
    scenario: &'a Scenario,
}

fn unknown(kind: &str, name: &str, column: usize, close: Option<&str>) -> ParseError {
    ParseError {
        message: format!("no {kind} is named `{name}`"),
        column,
        hint: close.map(|close| format!("did you mean `{close}`?")),
    }
}

impl Names<'_> {
    fn host(&self, words: &mut Words) -> Result<HostId, ParseError> {
        let column = words.here();
        let name = words.word("a machine's name")?;
        self.scenario.host_named(name).ok_or_else(|| {
            let close = closest(name, self.scenario.hosts.iter().map(|host| host.name.as_str()));
            unknown("machine", name, column, close)
        })
    }

    fn office(&self, name: &str, column: usize) -> Result<OfficeId, ParseError> {
        let offices = &self.scenario.offices;
        offices
            .iter()
            .position(|office| office.name == name)
            .map(|index| OfficeId(index as u32))
            .ok_or_else(|| {
                unknown(
                    "office",
                    name,
                    column,
                    closest(name, offices.iter().map(|office| office.name.as_str())),
                )
            })
    }

    fn subnet(&self, name: &str, column: usize) -> Result<SubnetId, ParseError> {
        let qualified: Vec<String> = self
            .scenario
            .subnets
            .iter()
            .map(|subnet| format!("{}/{}", self.scenario.offices[subnet.office.index()].name, subnet.name))
            .collect();
        qualified
            .iter()
            .position(|known| known == name)
            .map(|index| SubnetId(index as u32))
            .ok_or_else(|| {
                unknown(
                    "subnet",
                    name,
                    column,
                    closest(name, qualified.iter().map(String::as_str)),
                )
            })
    }

    /// `host X`, `subnet O/S`, `office O`, or a bare name of any of them.
    fn place(&self, words: &mut Words) -> Result<Scope, ParseError> {
        let column = words.here();
        let first = words.word("host, subnet or office and a name")?;
        let kind = first.to_ascii_lowercase();
        let named = |words: &mut Words| -> Result<(usize, String), ParseError> {
            let column = words.here();
            Ok((column, words.word("a name")?.to_string()))
        };
        match kind.as_str() {
            "host" => {
                words.next -= 1;
                words.keyword(&["host"])?;
                Ok(Scope::Host(self.host(words)?))
            }
            "subnet" => {
                let (column, name) = named(words)?;
                Ok(Scope::Subnet(self.subnet(&name, column)?))
            }
            "office" => {
                let (column, name) = named(words)?;
                Ok(Scope::Office(self.office(&name, column)?))
            }
            _ => self.bare(first, column),
        }
    }

    /// A name alone: a machine, an `office/subnet`, or an office.
    fn bare(&self, name: &str, column: usize) -> Result<Scope, ParseError> {
        if let Some(host) = self.scenario.host_named(name) {
            return Ok(Scope::Host(host));
        }
        if name.contains('/') {
            return self.subnet(name, column).map(Scope::Subnet);
        }
        self.office(name, column).map(Scope::Office).map_err(|mut error| {
            error.message = format!("no machine, subnet or office is named `{name}`");
            if error.hint.is_none() {
                error.hint = closest(name, self.scenario.hosts.iter().map(|host| host.name.as_str()))
                    .map(|close| format!("did you mean `{close}`?"));
            }
            error
        })
    }

    /// A place, `all`, or `role R`.
    fn scope(&self, words: &mut Words) -> Result<Scope, ParseError> {
        match words.peek().map(str::to_ascii_lowercase).as_deref() {
            Some("all") => {
                words.next += 1;
                Ok(Scope::All)
            }
            Some("role") => {
                words.next += 1;
                let column = words.here();
                let name = words.word("a role such as Workstation")?;
                let names: Vec<&str> = Role::ALL.iter().map(|role| role.name()).collect();
                Role::ALL
                    .iter()
                    .zip(&names)
                    .find(|(_, word)| word.eq_ignore_ascii_case(name))
                    .map(|(role, _)| Scope::Role(*role))
                    .ok_or_else(|| unknown("role", name, column, closest(name, names.iter().copied())))
            }
            _ => self.place(words),
        }
    }

    fn link(&self, words: &mut Words) -> Result<LinkId, ParseError> {
        let column = words.here();
        let name = words.word("a link's name")?;
        let links = &self.scenario.network.links;
        links
            .iter()
            .position(|link| link.name == name)
            .map(|index| LinkId(index as u32))
            .ok_or_else(|| {
                unknown(
                    "link",
                    name,
                    column,
                    closest(name, links.iter().map(|link| link.name.as_str())),
                )
            })
    }

    fn account(&self, words: &mut Words) -> Result<AccountId, ParseError> {
        let column = words.here();
        let name = words.word("an account's name")?;
        let accounts = &self.scenario.accounts;
        accounts
            .iter()
            .position(|account| account.name.eq_ignore_ascii_case(name))
            .map(|index| AccountId(index as u32))
            .ok_or_else(|| {
                let close = closest(name, accounts.iter().map(|account| account.name.as_str()));
                unknown("account", name, column, close)
            })
    }

    fn contact(&self, words: &mut Words) -> Result<ContactId, ParseError> {
        let column = words.here();
        let name = words.word("a contact")?;
        let contacts = &self.scenario.responders.contacts;
        contacts
            .iter()
            .position(|contact| contact.eq_ignore_ascii_case(name))
            .map(|index| ContactId(index as u32))
            .ok_or_else(|| {
                let mut error = unknown(
                    "contact",
                    name,
                    column,
                    closest(name, contacts.iter().map(String::as_str)),
                );
                if error.hint.is_none() {
                    error.hint = Some(format!("the scenario's contacts: {}", contacts.join(", ")));
                }
                error
            })
    }

    fn data(&self, words: &mut Words) -> Result<DataId, ParseError> {
        let column = words.here();
        let name = words.word("a data set's name")?;
        let data = &self.scenario.data;
        data.iter()
            .position(|set| set.name.eq_ignore_ascii_case(name))
            .map(|index| DataId(index as u32))
            .ok_or_else(|| {
                let mut error = unknown(
                    "data set",
                    name,
                    column,
                    closest(name, data.iter().map(|set| set.name.as_str())),
                );
                if error.hint.is_none() && !data.is_empty() {
                    let names: Vec<&str> = data.iter().map(|set| set.name.as_str()).collect();
                    error.hint = Some(format!("the scenario's data sets: {}", names.join(", ")));
                }
                error
            })
    }

    fn service(&self, words: &mut Words) -> Result<ServiceId, ParseError> {
        let column = words.here();
        let name = words.word("a service's name")?;
        let services = &self.scenario.services;
        services
            .iter()
            .position(|service| service.name.eq_ignore_ascii_case(name))
            .map(|index| ServiceId(index as u32))
            .ok_or_else(|| {
                let close = closest(name, services.iter().map(|service| service.name.as_str()));
                unknown("service", name, column, close)
            })
    }

    /// An IPv4 address outside the company's subnets (inside, the firewall's port blocks and
    /// isolation are the tools).
    fn outside_address(&self, words: &mut Words) -> Result<std::net::Ipv4Addr, ParseError> {
        let column = words.here();
        let text = words.word("an IPv4 address")?;
        let address: std::net::Ipv4Addr = text.parse().map_err(|_| ParseError {
            message: format!("`{text}` is not an IPv4 address"),
            column,
            hint: Some("such as 203.0.113.102".to_string()),
        })?;
        if let Some(subnet) = self
            .scenario
            .subnets
            .iter()
            .find(|subnet| subnet.cidr.contains(address))
        {
            let office = &self.scenario.offices[subnet.office.index()].name;
            return Err(ParseError {
                message: format!("{address} is inside the company ({office}/{})", subnet.name),
                column,
                hint: Some("the perimeter blocks outside addresses: isolate the machine, or block a port".to_string()),
            });
        }
        Ok(address)
    }

    /// Any text; kept as typed so that a wrong guess can be graded as wrong.
    fn indicator(&self, words: &mut Words) -> Result<String, ParseError> {
        Ok(words.rest("a file name or hash")?.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::model::Role;
    use crate::testing::tutorial;

    #[test]
    fn words_know_their_columns_in_characters() {
        let words = Words::new("  isolate  höst x");
        let columns: Vec<usize> = words.words.iter().map(|(at, _)| words.column(*at)).collect();
        assert_eq!(columns, [3, 12, 17]);
    }

    #[test]
    fn every_action_prints_back_to_a_line_that_parses_to_it() {
        let scenario = tutorial();
        for line in [
            "isolate host LAN-BR-WS-03",
            "isolate subnet bristol/studio",
            "reconnect office toronto",
            "cut link transatlantic",
            "restore link transatlantic",
            "block 445 from role Workstation to all",
            "unblock 445 from role Workstation to all",
            "block address 203.0.113.7",
            "unblock address 203.0.113.7",
            "kill mstrace.exe on LAN-BR-WS-03",
            "reset admins",
            "deploy block some file.exe",
            "power off LAN-BR-WS-03",
            "capture memory LAN-BR-WS-03",
            "collect logs LAN-BR-FS-01",
            "image LAN-BR-WS-03",
            "rebuild LAN-BR-WS-03",
            "declare incident",
            "submit vector T1021.002",
            "submit indicator 203.0.113.7",
        ] {
            let action = parse_action(line, &scenario).unwrap_or_else(|error| panic!("{line}: {error}"));
            assert_eq!(
                parse_action(&action.to_text(&scenario), &scenario),
                Ok(action),
                "{line}"
            );
        }
    }

    #[test]
    fn keywords_ignore_case_and_names_are_found_bare() {
        let scenario = tutorial();
        let host = scenario.host_named("LAN-BR-WS-03").expect("a machine");
        assert_eq!(
            parse_action("ISOLATE LAN-BR-WS-03", &scenario),
            Ok(Action::Isolate(Scope::Host(host)))
        );
        assert_eq!(
            parse_action("block 445 from role workstation to all", &scenario),
            Ok(Action::Block {
                port: 445,
                from: Scope::Role(Role::Workstation),
                to: Scope::All
            })
        );
        assert_eq!(
            parse_action("image disk LAN-BR-WS-03", &scenario),
            Ok(Action::ImageDisk(host))
        );
    }

    #[test]
    fn a_mistake_is_placed_at_its_word_with_the_closest_name() {
        let scenario = tutorial();
        let error = parse_action("power off LAN-BR-WS-3", &scenario).expect_err("no such machine");
        assert_eq!(error.column, 11);
        assert!(error.hint.as_deref().unwrap_or("").contains("LAN-BR-WS-0"), "{error}");
        let error = parse_action("isolat office toronto", &scenario).expect_err("a typo");
        assert_eq!(
            (error.column, error.hint.as_deref()),
            (1, Some("did you mean `isolate`?"))
        );
        let error = parse_action("block 70000 from all to all", &scenario).expect_err("no such port");
        assert_eq!(error.column, 7);
        let error = parse_action("reset admins now", &scenario).expect_err("too many words");
        assert_eq!(error.column, 14);
        let error = parse_action("   ", &scenario).expect_err("nothing");
        assert!(error.message.contains("empty line"));
    }
}
