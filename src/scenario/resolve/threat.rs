//! `threat`: the attacker's footholds, toolset, credentials, spread, trigger and C2.

use crate::scenario::file as raw;
use crate::scenario::model::*;
use crate::scenario::source_map::{Step::Field, Step::Index};
use crate::scenario::values::{self};

use super::*;

pub(super) fn resolve_threat(
    checker: &mut Checker,
    tables: &mut Tables,
    table: &HostTable,
    timing: &ExerciseTime,
    threat: &raw::Threat,
) -> Threat {
    let path = |field| [Field("threat"), Field(field)];
    if let Some(group) = &threat.group
        && !values::is_attack_id(group, 'G')
    {
        checker.invalid(
            &path("group"),
            "ATT&CK group",
            group,
            "expected an id such as G0032".to_string(),
        );
    }
    if threat.footholds.is_empty() {
        checker.inconsistent(
            &path("footholds"),
            "the attacker has no foothold".to_string(),
            "empty",
            Some("name at least one machine the attacker holds at the start".to_string()),
        );
    }
    let mut footholds: Vec<Foothold> = threat
        .footholds
        .iter()
        .enumerate()
        .map(|(index, foothold)| {
            let path = |field| [Field("threat"), Field("footholds"), Index(index), Field(field)];
            technique(checker, &foothold.technique, &path("technique"));
            let held = host(checker, table, &foothold.host, &path("host")).unwrap_or(HostId(0));
            let from = foothold
                .from
                .as_ref()
                .and_then(|name| host(checker, table, name, &path("from")));
            if from == Some(held) && table.expanded {
                checker.inconsistent(
                    &path("from"),
                    format!("foothold `{}` is reached from itself", foothold.host),
                    "the same machine",
                    Some("name the machine the attacker came from, or leave `from` out".to_string()),
                );
            }
            if foothold.account.is_some() && foothold.from.is_none() {
                checker.inconsistent(
                    &path("account"),
                    "an `account` without `from`".to_string(),
                    "used from where?",
                    Some("add `from`: the machine the attacker used the account from".to_string()),
                );
            }
            Foothold {
                host: held,
                technique: foothold.technique.clone(),
                dwell_seconds: foothold
                    .dwell
                    .as_ref()
                    .and_then(|dwell| checker.duration_seconds(&path("dwell"), dwell)),
                from,
                account: foothold
                    .account
                    .as_ref()
                    .and_then(|name| tables.accounts.lookup(checker, name, &path("account")).map(AccountId)),
                tools: Vec::new(),
            }
        })
        .collect();

    if threat.tools.len() > MAX_TOOLS {
        checker.inconsistent(
            &[Field("threat"), Field("tools"), Index(MAX_TOOLS)],
            format!("{} tools; a threat has at most {MAX_TOOLS}", threat.tools.len()),
            "one tool too many",
            None,
        );
    }
    let mut tools = Vec::with_capacity(threat.tools.len());
    for (index, tool) in threat.tools.iter().enumerate() {
        let tool_path = |field| [Field("threat"), Field("tools"), Index(index), Field(field)];
        tables.tools.declare(checker, &tool.name, &tool_path("name"));
        let files = tool
            .files
            .iter()
            .enumerate()
            .map(|(i, file)| {
                let file_path = |field| {
                    [
                        Field("threat"),
                        Field("tools"),
                        Index(index),
                        Field("files"),
                        Index(i),
                        Field(field),
                    ]
                };
                let made_up =
                    |kind: &str, bytes| values::made_up_digest(&format!("{kind}:{}:{}", tool.name, file.name), bytes);
                let path = match &file.path {
                    Some(path) => windows_path(checker, path, &file_path("path")),
                    None if file.name.to_ascii_lowercase().ends_with(".sys") => {
                        format!("C:\\Windows\\System32\\drivers\\{}", file.name)
                    }
                    None => format!("C:\\Windows\\System32\\{}", file.name),
                };
                ToolFile {
                    name: file.name.clone(),
                    path,
                    size: file.size.unwrap_or_else(|| {
                        let digest = values::made_up_digest(&format!("size:{}", file.name), 4);
                        20_000 + u64::from_str_radix(&digest, 16).unwrap_or(0) % 480_000
                    }),
                    md5: hash(checker, &file.md5, 32, "MD5", &file_path("md5")).unwrap_or_else(|| made_up("md5", 16)),
                    sha256: hash(checker, &file.sha256, 64, "SHA-256", &file_path("sha256"))
                        .unwrap_or_else(|| made_up("sha256", 32)),
                }
            })
            .collect();
        techniques(checker, &tool.techniques, &tool_path("techniques"));
        ports(checker, &tool.listen_ports, &tool_path("listen_ports"));
        tools.push(Tool {
            name: tool.name.clone(),
            kind: tool.kind,
            files,
            services: tool.services.clone(),
            listen_ports: tool.listen_ports.clone(),
            techniques: tool.techniques.clone(),
        });
    }
    for (index, foothold) in threat.footholds.iter().enumerate() {
        let path = [Field("threat"), Field("footholds"), Index(index), Field("tools")];
        let named = tables.tools.lookup_all(checker, &foothold.tools, &path, ToolId);
        for (at, tool) in named.iter().enumerate() {
            let kind = tools.get(tool.index()).map(|tool: &Tool| tool.kind);
            if kind.is_some_and(|kind| !kind.is_door()) {
                checker.inconsistent(
                    &[
                        Field("threat"),
                        Field("footholds"),
                        Index(index),
                        Field("tools"),
                        Index(at),
                    ],
                    format!(
                        "`{}` is a {kind:?}, not a way back in",
                        foothold.tools[at],
                        kind = kind.unwrap()
                    ),
                    "not an Implant, Backdoor or Proxy",
                    Some("name the implants, backdoors and proxies left running here".to_string()),
                );
            }
        }
        footholds[index].tools = named;
    }
    if !threat.tools.iter().any(|tool| tool.kind == ToolKind::Wiper) {
        checker.inconsistent(
            &path("tools"),
            "the toolset has no Wiper".to_string(),
            "nothing here wipes",
            Some("add a tool with `kind: Wiper`".to_string()),
        );
    }

    let credentials = tables
        .accounts
        .lookup_all(checker, &threat.credentials, &path("credentials"), AccountId);

    let spread_path = |field| [Field("threat"), Field("spread"), Field(field)];
    checker.odds(
        &spread_path("guess_per_mille"),
        "guess_per_mille",
        threat.spread.guess_per_mille,
    );
    if threat.spread.ports.is_empty() {
        checker.inconsistent(
            &spread_path("ports"),
            "the worm needs at least one port".to_string(),
            "no port",
            Some("SMB is `[445]`".to_string()),
        );
    }
    ports(checker, &threat.spread.ports, &spread_path("ports"));
    checker.odds(
        &spread_path("targets_per_mille"),
        "targets_per_mille",
        threat.spread.targets_per_mille,
    );
    let spread = Spread {
        scan_rate: threat.spread.scan_rate,
        ports: threat.spread.ports.clone(),
        guess_per_mille: threat.spread.guess_per_mille,
        copy_delay_ticks: duration_ticks(checker, timing, &threat.spread.copy_delay, &spread_path("copy_delay")),
        starts: threat.spread.starts.as_ref().map_or(Tick(0), |time| {
            exercise_time(checker, timing, time, &spread_path("starts"), "the start of the spread")
        }),
        targets_per_mille: threat.spread.targets_per_mille,
    };

    let trigger_path = |field| [Field("threat"), Field("trigger"), Field(field)];
    if threat.trigger.time_bomb.is_none() && threat.trigger.delay_after_install.is_none() {
        checker.inconsistent(
            &path("trigger"),
            "the wiper has no trigger".to_string(),
            "never fires",
            Some("set `time_bomb`, `delay_after_install`, or both".to_string()),
        );
    }
    let trigger = Trigger {
        time_bomb: threat
            .trigger
            .time_bomb
            .as_ref()
            .map(|time| exercise_time(checker, timing, time, &trigger_path("time_bomb"), "the time bomb")),
        delay_after_install_ticks: threat
            .trigger
            .delay_after_install
            .as_ref()
            .map(|delay| duration_ticks(checker, timing, delay, &trigger_path("delay_after_install"))),
    };

    let c2 = threat
        .c2
        .iter()
        .enumerate()
        .map(|(index, c2)| {
            let path = [Field("threat"), Field("c2"), Index(index), Field("address")];
            let address = c2.address.parse().unwrap_or_else(|_| {
                checker.invalid(
                    &path,
                    "IPv4 address",
                    &c2.address,
                    "expected an address such as 203.0.113.7".to_string(),
                );
                std::net::Ipv4Addr::UNSPECIFIED
            });
            (address, c2.port)
        })
        .collect();

    let reactions = threat
        .reactions
        .iter()
        .enumerate()
        .map(|(index, reaction)| {
            let path = |field| [Field("threat"), Field("reactions"), Index(index), Field(field)];
            checker.odds(&path("per_mille"), "per_mille", reaction.per_mille);
            let does = match &reaction.does {
                raw::Response::Reharvest => Response::Reharvest,
                raw::Response::Reenter => Response::Reenter,
                raw::Response::Detonate => Response::Detonate,
                raw::Response::GoQuiet(time) => Response::GoQuiet {
                    ticks: duration_ticks(checker, timing, time, &path("does")),
                },
            };
            Reaction {
                notices: reaction.notices,
                per_mille: reaction.per_mille,
                delay_ticks: reaction
                    .delay
                    .as_ref()
                    .map_or(0, |delay| duration_ticks(checker, timing, delay, &path("delay"))),
                does,
            }
        })
        .collect();

    let exfiltration = threat
        .exfiltration
        .iter()
        .enumerate()
        .map(|(index, stream)| {
            let path = |field| [Field("threat"), Field("exfiltration"), Index(index), Field(field)];
            let through = host(checker, table, &stream.through, &path("through")).unwrap_or(HostId(0));
            if table.expanded && !footholds.iter().any(|foothold| foothold.host == through) {
                checker.inconsistent(
                    &path("through"),
                    format!("`{}` is not a foothold", stream.through),
                    "the attacker does not hold it",
                    Some("stage the data on a machine the attacker holds: add it to `footholds`".to_string()),
                );
            }
            let to = stream.to.parse().unwrap_or_else(|_| {
                checker.invalid(
                    &path("to"),
                    "IPv4 address",
                    &stream.to,
                    "expected an address such as 203.0.113.7".to_string(),
                );
                std::net::Ipv4Addr::UNSPECIFIED
            });
            Exfiltration {
                data: DataId(tables.data.lookup(checker, &stream.data, &path("data")).unwrap_or(0)),
                through,
                to,
                port: stream.port,
                since_seconds: stream
                    .since
                    .as_ref()
                    .and_then(|since| checker.duration_seconds(&path("since"), since))
                    .unwrap_or(0),
                bytes_per_day: values::parse_size(&stream.per_day).unwrap_or_else(|reason| {
                    checker.invalid(&path("per_day"), "size", &stream.per_day, reason);
                    1
                }),
            }
        })
        .collect();

    Threat {
        actor: threat.actor.clone(),
        group: threat.group.clone(),
        footholds,
        tools,
        credentials,
        harvests_cached_credentials: threat.harvests_cached_credentials,
        spread,
        trigger,
        wipe_duration_ticks: duration_ticks(checker, timing, &threat.wipe_duration, &path("wipe_duration")),
        c2,
        reactions,
        beacon_seconds: threat
            .beacon
            .as_ref()
            .and_then(|beacon| checker.duration_seconds(&path("beacon"), beacon))
            .map(|seconds| seconds.max(60)),
        exfiltration,
    }
}

/// Everything of the threat a responder could report as an indicator.
pub fn threat_indicators(threat: &Threat) -> Vec<String> {
    let mut indicators = Vec::new();
    for tool in &threat.tools {
        for file in &tool.files {
            indicators.push(file.name.clone());
            indicators.push(file.md5.clone());
            indicators.push(file.sha256.clone());
        }
        indicators.extend(tool.services.iter().cloned());
    }
    for (address, port) in &threat.c2 {
        indicators.push(address.to_string());
        indicators.push(format!("{address}:{port}"));
    }
    indicators
}
