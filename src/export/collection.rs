//! The case as a collection looks on disk, a folder per machine: its event logs as Windows
//! keeps them (`logs/Security.evtx`, `logs/System.evtx`) and as JSON lines in the shape
//! event-log parsers print (`logs/events.jsonl`), its files as a bodyfile for
//! `mactime` (`disk/bodyfile`), its services (`disk/services.json`), its processes and cached
//! passwords (`memory/processes.json`, `memory/credentials.json`) and its flows as a Zeek
//! `conn.log` (`flows/conn.log`).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::net::Ipv4Addr;

use serde_json::{Value, json};

use crate::checksum::Fnv1a;
use crate::scenario::model::{HostId, Scenario};
use crate::sim::{Body, Channel, FileEntry, Record, WindowsEvent, utc};

use super::evtx::{LoggedEvent, write_evtx};
use super::staging::Staging;

/// Where a record is written in the export, relative to its root.
pub fn place_of(scenario: &Scenario, record: &Record) -> String {
    let host = &scenario.hosts[record.host.index()].name;
    let file = match &record.body {
        Body::Event(event) => return format!("{host}/logs/{}.evtx", event.channel.name()),
        Body::File(_) => "disk/bodyfile",
        Body::Service(_) => "disk/services.json",
        Body::Process(_) => "memory/processes.json",
        Body::Credential(_) => "memory/credentials.json",
        Body::Flow(_) => "flows/conn.log",
    };
    format!("{host}/{file}")
}

/// Writes every machine's folder; returns the files written, relative to the root.
pub fn write_machines<'a>(
    scenario: &Scenario,
    records: impl Iterator<Item = &'a Record>,
    staging: &Staging,
) -> io::Result<Vec<String>> {
    let mut by_machine: BTreeMap<HostId, Vec<&Record>> = BTreeMap::new();
    for record in records {
        by_machine.entry(record.host).or_default().push(record);
    }
    let mut written = Vec::new();
    for (host, mut records) in by_machine {
        records.sort_by_key(|record| (record.at, record.key));
        let name = &scenario.hosts[host.index()].name;
        // A file for each kind the machine has records of, and none for the others.
        let mut file = |relative: &str, write: &dyn Fn(&mut dyn Write) -> io::Result<()>| -> io::Result<()> {
            let path = format!("{name}/{relative}");
            let mut out = staging.create(&path)?;
            write(&mut out)?;
            out.flush()?;
            written.push(path);
            Ok(())
        };
        let events: Vec<Value> = records
            .iter()
            .filter_map(|record| event_json(scenario, record))
            .collect();
        if !events.is_empty() {
            file("logs/events.jsonl", &|out| {
                events.iter().try_for_each(|event| {
                    serde_json::to_writer(&mut *out, event)?;
                    out.write_all(b"\n")
                })
            })?;
        }
        for channel in [Channel::Security, Channel::System] {
            let logged = logged_events(scenario, &records, channel);
            if !logged.is_empty() {
                file(&format!("logs/{}.evtx", channel.name()), &|out| {
                    write_evtx(&logged, out)
                })?;
            }
        }
        let files: Vec<&FileEntry> = records.iter().filter_map(|record| as_file(record)).collect();
        if !files.is_empty() {
            file("disk/bodyfile", &|out| write_bodyfile(scenario, &files, out))?;
        }
        let lists = [
            (
                "disk/services.json",
                records
                    .iter()
                    .filter_map(|record| service_json(record))
                    .collect::<Vec<_>>(),
            ),
            (
                "memory/processes.json",
                records
                    .iter()
                    .filter_map(|record| process_json(scenario, record))
                    .collect(),
            ),
            (
                "memory/credentials.json",
                records.iter().filter_map(|record| credential_json(record)).collect(),
            ),
        ];
        for (relative, items) in lists.iter().filter(|(_, items)| !items.is_empty()) {
            file(relative, &|out| {
                serde_json::to_writer_pretty(&mut *out, items)?;
                out.write_all(b"\n")
            })?;
        }
        let flows: Vec<&Record> = records
            .iter()
            .copied()
            .filter(|record| matches!(record.body, Body::Flow(_)))
            .collect();
        if !flows.is_empty() {
            file("flows/conn.log", &|out| write_conn_log(scenario, &flows, out))?;
        }
    }
    Ok(written)
}

/// A machine's events of one log as the log holds them: in the order of their record
/// numbers. An event that only an alert showed, and no collection read, has no number in the
/// case; it takes the next after the log's last.
fn logged_events<'a>(scenario: &'a Scenario, records: &[&'a Record], channel: Channel) -> Vec<LoggedEvent<'a>> {
    let start = scenario.meta.start.timestamp().as_second();
    let mut events: Vec<(&Record, &WindowsEvent)> = records
        .iter()
        .filter_map(|record| match &record.body {
            Body::Event(event) if event.channel == channel => Some((*record, event)),
            _ => None,
        })
        .collect();
    events.sort_by_key(|(record, event)| {
        (
            event.record_number.is_none(),
            event.record_number,
            record.at,
            record.key,
        )
    });
    let mut last = 0;
    events
        .into_iter()
        .map(|(record, event)| {
            let record_id = event.record_number.unwrap_or(last + 1);
            last = record_id;
            LoggedEvent {
                record_id,
                written: start + record.at,
                computer: &scenario.hosts[record.host.index()].name,
                event,
            }
        })
        .collect()
}

fn as_file(record: &Record) -> Option<&FileEntry> {
    match &record.body {
        Body::File(file) => Some(file),
        _ => None,
    }
}

/// An event as event-log parsers print it: `Event.System` and `Event.EventData`.
fn event_json(scenario: &Scenario, record: &Record) -> Option<Value> {
    let Body::Event(event) = &record.body else {
        return None;
    };
    let data: serde_json::Map<String, Value> = event
        .data
        .iter()
        .map(|(name, value)| (name.to_string(), Value::String(value.clone())))
        .collect();
    Some(json!({
        "Event": {
            "System": {
                "Provider": { "Name": event.provider },
                "EventID": event.event_id,
                "EventRecordID": event.record_number,
                "TimeCreated": { "SystemTime": utc(scenario, record.at) },
                "Channel": event.channel.name(),
                "Computer": scenario.hosts[record.host.index()].name,
            },
            "EventData": data,
        }
    }))
}

/// The bodyfile of The Sleuth Kit 3.x, as `mactime -b` reads it:
/// `MD5|name|inode|mode|UID|GID|size|atime|mtime|ctime|crtime`, times in seconds since 1970.
fn write_bodyfile(scenario: &Scenario, files: &[&FileEntry], out: &mut dyn Write) -> io::Result<()> {
    let start = scenario.meta.start.timestamp().as_second();
    for file in files {
        // The path as a collection tool writes it: drive letter first, forward slashes.
        let name = file.path.replace('\\', "/");
        writeln!(
            out,
            "{}|{}|0|r/rrwxrwxrwx|0|0|{}|{}|{}|{}|{}",
            file.md5,
            name,
            file.size,
            start + file.accessed,
            start + file.modified,
            start + file.changed,
            start + file.created
        )?;
    }
    Ok(())
}

fn service_json(record: &Record) -> Option<Value> {
    let Body::Service(service) = &record.body else {
        return None;
    };
    Some(json!({
        "ServiceName": service.name,
        "ImagePath": service.image_path,
        "StartType": service.start_type,
        "ObjectName": service.account,
    }))
}

fn process_json(scenario: &Scenario, record: &Record) -> Option<Value> {
    let Body::Process(process) = &record.body else {
        return None;
    };
    Some(json!({
        "PID": process.pid,
        "PPID": process.parent_pid,
        "ImageFileName": crate::sim::file_name(&process.image),
        "Path": process.image,
        "CommandLine": process.command_line,
        "ParentPath": process.parent_image,
        "User": process.user,
        "CreateTime": utc(scenario, process.started),
    }))
}

fn credential_json(record: &Record) -> Option<Value> {
    let Body::Credential(credential) = &record.body else {
        return None;
    };
    Some(json!({ "Account": credential.account, "LogonType": credential.logon_type }))
}

/// The Zeek `conn.log` columns written (a subset of Zeek's own, in its order).
pub const CONN_FIELDS: [(&str, &str); 13] = [
    ("ts", "time"),
    ("uid", "string"),
    ("id.orig_h", "addr"),
    ("id.orig_p", "port"),
    ("id.resp_h", "addr"),
    ("id.resp_p", "port"),
    ("proto", "enum"),
    ("service", "string"),
    ("duration", "interval"),
    ("orig_bytes", "count"),
    ("resp_bytes", "count"),
    ("conn_state", "string"),
    ("local_orig", "bool"),
];

/// A Zeek `conn.log` in its tab-separated format, with the header lines Zeek writes.
pub fn write_conn_log(scenario: &Scenario, records: &[&Record], out: &mut dyn Write) -> io::Result<()> {
    let start = scenario.meta.start.timestamp().as_second();
    let flows = || {
        records.iter().filter_map(|record| match &record.body {
            Body::Flow(flow) => Some(flow),
            _ => None,
        })
    };
    // Zeek dates a log by the first and the last connection it holds.
    let first = flows().map(|flow| flow.first).min().unwrap_or(0);
    let last = flows().map(|flow| flow.last).max().unwrap_or(0);
    let opened = jiff::Timestamp::from_second(start + first).unwrap_or_default();
    writeln!(out, "#separator \\x09")?;
    writeln!(out, "#set_separator\t,")?;
    writeln!(out, "#empty_field\t(empty)")?;
    writeln!(out, "#unset_field\t-")?;
    writeln!(out, "#path\tconn")?;
    writeln!(out, "#open\t{}", opened.strftime("%Y-%m-%d-%H-%M-%S"))?;
    let names: Vec<&str> = CONN_FIELDS.iter().map(|(name, _)| *name).collect();
    let types: Vec<&str> = CONN_FIELDS.iter().map(|(_, kind)| *kind).collect();
    writeln!(out, "#fields\t{}", names.join("\t"))?;
    writeln!(out, "#types\t{}", types.join("\t"))?;
    for record in records {
        let Body::Flow(flow) = &record.body else { continue };
        let row = [
            format!("{}.000000", start + flow.first),
            connection_uid(&format!("{:?}", record.key)),
            flow.source.to_string(),
            flow.source_port.to_string(),
            flow.destination.to_string(),
            flow.destination_port.to_string(),
            flow.protocol.to_string(),
            service_on(flow.destination_port).to_string(),
            format!("{}.000000", (flow.last - flow.first).max(0)),
            flow.bytes.to_string(),
            "-".to_string(),
            "SF".to_string(),
            if is_local(flow.source) { "T" } else { "F" }.to_string(),
        ];
        writeln!(out, "{}", row.join("\t"))?;
    }
    let closed = jiff::Timestamp::from_second(start + last).unwrap_or_default();
    writeln!(out, "#close\t{}", closed.strftime("%Y-%m-%d-%H-%M-%S"))
}

/// A connection's id as Zeek writes them: `C` and 17 letters and digits, from two hashes of
/// the record's key (so the same in every export of a session).
fn connection_uid(key: &str) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let high = Fnv1a::of(key.as_bytes()) as u128;
    let low = Fnv1a::of(format!("{key}/conn").as_bytes()) as u128;
    let mut number = high << 64 | low;
    let mut uid = String::from("C");
    for _ in 0..17 {
        uid.push(DIGITS[(number % 62) as usize] as char);
        number /= 62;
    }
    uid
}

/// The protocol Zeek would recognise on a well-known port (`-` when it would not).
fn service_on(port: u16) -> &'static str {
    match port {
        445 | 139 => "smb",
        443 => "ssl",
        80 => "http",
        53 => "dns",
        88 => "krb",
        3389 => "rdp",
        _ => "-",
    }
}

/// Whether an address is the company's own (private ranges).
fn is_local(address: Ipv4Addr) -> bool {
    address.is_private() || address.is_loopback()
}
