//! Threat intelligence as STIX 2.1 bundles: the team's findings as indicators (with patterns
//! for file names, hashes, services, addresses and accounts) and sightings of those the case
//! supports; or, as the trainer's answer key, every indicator of the attack. Both carry the
//! intrusion set, its malware, the ATT&CK techniques they use, and the relationships between
//! them. Ids are UUIDv5 of the scenario, the seed and the object, so a session exports the same
//! bundle every time.

use std::net::Ipv4Addr;

use serde_json::{Value, json};
use uuid::Uuid;

use crate::exercise::Exercise;
use crate::response::{Action, Finding};
use crate::scenario::model::{Scenario, ToolKind};
use crate::scoring::{RunRecord, Verdict, answers, finding_text};

/// The namespace of redscreen's STIX ids (a UUIDv5 of the project's name in the URL space).
fn namespace() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, b"https://redscreen.invalid/stix")
}

/// The names of the ATT&CK techniques redscreen's scenarios use.
const TECHNIQUES: [(&str, &str); 31] = [
    ("T1566.001", "Spearphishing Attachment"),
    ("T1078.002", "Domain Accounts"),
    ("T1110.001", "Password Guessing"),
    ("T1021.002", "SMB/Windows Admin Shares"),
    ("T1047", "Windows Management Instrumentation"),
    ("T1210", "Exploitation of Remote Services"),
    ("T1003.001", "LSASS Memory"),
    ("T1072", "Software Deployment Tools"),
    ("T1195.002", "Compromise Software Supply Chain"),
    ("T1543.003", "Windows Service"),
    ("T1569.002", "Service Execution"),
    ("T1070.006", "Timestomp"),
    ("T1070.004", "File Deletion"),
    ("T1070.001", "Clear Windows Event Logs"),
    ("T1562.001", "Disable or Modify Tools"),
    ("T1071", "Application Layer Protocol"),
    ("T1571", "Non-Standard Port"),
    ("T1090", "Proxy"),
    ("T1485", "Data Destruction"),
    ("T1561.001", "Disk Content Wipe"),
    ("T1561.002", "Disk Structure Wipe"),
    ("T1529", "System Shutdown/Reboot"),
    ("T1491.001", "Internal Defacement"),
    ("T1490", "Inhibit System Recovery"),
    ("T1489", "Service Stop"),
    ("T1486", "Data Encrypted for Impact"),
    ("T1105", "Ingress Tool Transfer"),
    ("T1573", "Encrypted Channel"),
    ("T1041", "Exfiltration Over C2 Channel"),
    ("T1505.003", "Web Shell"),
    ("T1014", "Rootkit"),
];

/// Builds STIX objects with ids stable for one exercise.
struct Objects<'a> {
    scenario: &'a Scenario,
    seed: u64,
    objects: Vec<Value>,
}

impl<'a> Objects<'a> {
    fn id(&self, kind: &str, key: &str) -> String {
        let name = format!("{}/{}/{kind}/{key}", self.scenario.meta.id, self.seed);
        format!("{kind}--{}", Uuid::new_v5(&namespace(), name.as_bytes()))
    }

    /// Adds an object of a type with its common properties; returns its id.
    fn add(&mut self, kind: &str, key: &str, when: &str, properties: Value) -> String {
        let id = self.id(kind, key);
        let mut object = json!({
            "type": kind,
            "spec_version": "2.1",
            "id": id,
            "created": when,
            "modified": when,
        });
        if let (Some(object), Value::Object(properties)) = (object.as_object_mut(), properties) {
            object.extend(properties);
        }
        self.objects.push(object);
        id
    }

    fn relate(&mut self, source: &str, relationship: &str, target: &str, when: &str) {
        let key = format!("{source}/{relationship}/{target}");
        self.add(
            "relationship",
            &key,
            when,
            json!({ "relationship_type": relationship, "source_ref": source, "target_ref": target }),
        );
    }
}

/// A moment of the exercise as STIX writes timestamps (UTC, milliseconds).
fn stamp(scenario: &Scenario, seconds: i64) -> String {
    let start = scenario.meta.start.timestamp().as_second();
    jiff::Timestamp::from_second(start + seconds)
        .map(|time| time.strftime("%Y-%m-%dT%H:%M:%S.000Z").to_string())
        .unwrap_or_default()
}

/// The bundle of the team's findings (`truth` false) or of the attack as it was (`truth`).
pub fn bundle(exercise: &Exercise, truth: bool) -> Value {
    let scenario = exercise.scenario();
    let mut objects = Objects {
        scenario,
        seed: exercise.seed(),
        objects: Vec::new(),
    };
    let start = stamp(scenario, 0);
    let victim = objects.add(
        "identity",
        "victim",
        &start,
        json!({ "name": scenario.meta.title, "identity_class": "organization" }),
    );
    let threat = &scenario.threat;
    let mut actor = json!({ "name": threat.actor });
    if let Some(group) = &threat.group {
        actor["external_references"] = json!([{
            "source_name": "mitre-attack",
            "external_id": group,
            "url": format!("https://attack.mitre.org/groups/{group}"),
        }]);
    }
    let intrusion_set = objects.add("intrusion-set", "actor", &start, actor);
    objects.relate(&intrusion_set, "targets", &victim, &start);
    let mut techniques: Vec<(String, String)> = Vec::new();
    let mut malware = Vec::new();
    for tool in &threat.tools {
        let id = objects.add(
            "malware",
            &tool.name,
            &start,
            json!({
                "name": tool.name,
                "is_family": true,
                "malware_types": [malware_type(tool.kind)],
            }),
        );
        objects.relate(&intrusion_set, "uses", &id, &start);
        for technique in &tool.techniques {
            let pattern = match techniques.iter().find(|(known, _)| known == technique) {
                Some((_, pattern)) => pattern.clone(),
                None => {
                    let name = TECHNIQUES
                        .iter()
                        .find(|(known, _)| known == technique)
                        .map_or(technique.as_str(), |(_, name)| name);
                    let pattern = objects.add(
                        "attack-pattern",
                        technique,
                        &start,
                        json!({
                            "name": name,
                            "external_references": [{
                                "source_name": "mitre-attack",
                                "external_id": technique,
                                "url": format!("https://attack.mitre.org/techniques/{}", technique.replace('.', "/")),
                            }],
                        }),
                    );
                    techniques.push((technique.clone(), pattern.clone()));
                    pattern
                }
            };
            objects.relate(&id, "uses", &pattern, &start);
        }
        malware.push((tool, id));
    }
    // What each indicator points at: the tool whose file, hash or service it is, else the
    // intrusion set (its servers, its stolen accounts).
    let points_at = |value: &str| {
        malware
            .iter()
            .find(|(tool, _)| {
                tool.services.iter().any(|service| service.eq_ignore_ascii_case(value))
                    || tool.files.iter().any(|file| {
                        [&file.name, &file.md5, &file.sha256]
                            .iter()
                            .any(|known| known.eq_ignore_ascii_case(value))
                    })
            })
            .map_or(intrusion_set.clone(), |(_, id)| id.clone())
    };
    let indicators: Vec<(String, String, Option<Vec<u32>>)> = match truth {
        true => answer_key(scenario),
        false => team_findings(exercise),
    };
    let case = exercise.case();
    for (value, when, support) in indicators {
        let Some(pattern) = pattern_of(scenario, &value) else {
            continue;
        };
        let description = match &support {
            Some(records) if !records.is_empty() => format!(
                "Supported by the case: {}",
                records.iter().map(|id| format!("#{id}")).collect::<Vec<_>>().join(", ")
            ),
            Some(_) => "Submitted without a record of the case that shows it".to_string(),
            None => "Answer key: an indicator of the attack".to_string(),
        };
        let indicator = objects.add(
            "indicator",
            &value.to_lowercase(),
            &when,
            json!({
                "name": value,
                "description": description,
                "indicator_types": ["malicious-activity"],
                "pattern": pattern,
                "pattern_type": "stix",
                "valid_from": when,
            }),
        );
        let target = points_at(&value);
        objects.relate(&indicator, "indicates", &target, &when);
        // A supported finding was seen: in the records of the case that show it.
        let times: Vec<i64> = support
            .iter()
            .flatten()
            .filter_map(|id| case.get(*id))
            .map(|held| held.record.at)
            .collect();
        if let (Some(first), Some(last)) = (times.iter().min(), times.iter().max()) {
            objects.add(
                "sighting",
                &format!("{value}/sighting"),
                &when,
                json!({
                    "sighting_of_ref": indicator,
                    "where_sighted_refs": [victim],
                    "count": times.len(),
                    "first_seen": stamp(scenario, *first),
                    "last_seen": stamp(scenario, (*last).max(*first + 1)),
                }),
            );
        }
    }
    let kind = if truth { "answer-key" } else { "findings" };
    json!({
        "type": "bundle",
        "id": objects.id("bundle", kind),
        "objects": objects.objects,
    })
}

/// The team's indicator and account findings: the value, when submitted, and the case records
/// that support it (empty when none do; wrong findings are left out).
fn team_findings(exercise: &Exercise) -> Vec<(String, String, Option<Vec<u32>>)> {
    let scenario = exercise.scenario();
    let run = RunRecord::of(exercise.simulation());
    let mut found = Vec::new();
    for judged in &run.findings.judged {
        let supported = match &judged.verdict {
            Verdict::Supported { records } => records.clone(),
            Verdict::Unsupported => Vec::new(),
            Verdict::Wrong => continue,
        };
        let submitted = exercise.desk().log.iter().find_map(|entry| match &entry.action {
            Action::Submit(finding) if finding_text(scenario, finding) == judged.finding => Some(finding.clone()),
            _ => None,
        });
        let value = match submitted {
            Some(Finding::Indicator(value)) => value,
            Some(Finding::Account(account)) => scenario.accounts[account.index()].name.clone(),
            _ => continue,
        };
        let seconds = judged.submitted.0 as i64 * scenario.meta.tick_seconds as i64;
        found.push((value, stamp(scenario, seconds), Some(supported)));
    }
    found
}

/// Every indicator of the attack: the rubric's, each tool's files and hashes, its services,
/// the C2 servers, and the accounts it carries.
fn answer_key(scenario: &Scenario) -> Vec<(String, String, Option<Vec<u32>>)> {
    let mut values: Vec<String> = answers(scenario)
        .into_iter()
        .filter_map(|answer| match answer {
            Finding::Indicator(value) => Some(value),
            Finding::Account(account) => Some(scenario.accounts[account.index()].name.clone()),
            _ => None,
        })
        .collect();
    for tool in &scenario.threat.tools {
        values.extend(
            tool.files
                .iter()
                .flat_map(|file| [file.name.clone(), file.sha256.clone()]),
        );
        values.extend(tool.services.iter().cloned());
    }
    values.extend(scenario.threat.c2.iter().map(|(address, _)| address.to_string()));
    let mut seen = Vec::new();
    values.retain(|value| {
        let fresh = !value.is_empty() && !seen.contains(&value.to_lowercase());
        seen.push(value.to_lowercase());
        fresh
    });
    let start = stamp(scenario, 0);
    values.into_iter().map(|value| (value, start.clone(), None)).collect()
}

/// The STIX pattern that matches a value: a hash, an address, an account, a service or a file.
fn pattern_of(scenario: &Scenario, value: &str) -> Option<String> {
    let quoted = value.replace('\\', "\\\\").replace('\'', "\\'");
    let hex = value.chars().all(|c| c.is_ascii_hexdigit());
    let is_service = scenario
        .threat
        .tools
        .iter()
        .any(|tool| tool.services.iter().any(|service| service.eq_ignore_ascii_case(value)));
    let is_account = scenario
        .accounts
        .iter()
        .any(|account| account.name.eq_ignore_ascii_case(value));
    Some(match () {
        _ if value.is_empty() => return None,
        _ if hex && value.len() == 64 => format!("[file:hashes.'SHA-256' = '{quoted}']"),
        _ if hex && value.len() == 32 => format!("[file:hashes.MD5 = '{quoted}']"),
        _ if value.parse::<Ipv4Addr>().is_ok() => format!("[ipv4-addr:value = '{quoted}']"),
        _ if is_account => {
            let login = value.rsplit('\\').next().unwrap_or(value).replace('\'', "\\'");
            format!("[user-account:account_login = '{login}']")
        }
        _ if is_service => format!("[windows-registry-key:values[*].data = '{quoted}']"),
        _ => format!("[file:name = '{quoted}']"),
    })
}

/// The STIX malware type of a tool.
fn malware_type(kind: ToolKind) -> &'static str {
    match kind {
        ToolKind::Worm => "worm",
        ToolKind::Wiper => "wiper",
        ToolKind::Implant | ToolKind::Backdoor => "backdoor",
        ToolKind::Proxy => "remote-access-trojan",
        ToolKind::Cleaner | ToolKind::Evasion => "trojan",
        ToolKind::WebServer => "webshell",
        ToolKind::Driver => "unknown",
    }
}
