//! The case as a timeline, one line per record in time order, times in UTC: Timesketch's JSONL
//! and CSV (`message`, `datetime`, `timestamp` in microseconds, `timestamp_desc`, then the
//! record's own fields) and plaso's l2tcsv columns, for tools that read a super-timeline.

use std::collections::BTreeSet;
use std::io::{self, Write};

use crate::case::{Came, CaseRecord, account_of};
use crate::scenario::model::Scenario;
use crate::sim::{Body, Record};

use super::collection::place_of;

/// What the timeline says of one record.
pub struct Line {
    pub message: String,
    /// ISO 8601 in UTC with its offset.
    pub datetime: String,
    /// Microseconds since 1970 (Timesketch's `timestamp`).
    pub timestamp: i64,
    pub timestamp_desc: &'static str,
    /// `case_record`, `came`, `artifact`, `source_file`, then the record's fields as forensic
    /// tools name them (its time is `datetime`).
    pub fields: Vec<(&'static str, String)>,
}

impl Line {
    /// A record of the case: its number there and how it came (an alert, a collection).
    pub fn of(scenario: &Scenario, held: &CaseRecord) -> Self {
        let came = match held.came {
            Came::Alert => "alert",
            Came::Collected { .. } => "collected",
        };
        Self::of_record(
            scenario,
            &held.record,
            [("case_record", format!("#{}", held.id)), ("came", came.to_string())],
        )
    }

    /// A record with the fields that say where it comes from first (`provenance`).
    pub fn of_record(
        scenario: &Scenario,
        record: &Record,
        provenance: impl IntoIterator<Item = (&'static str, String)>,
    ) -> Self {
        let seconds = scenario.meta.start.timestamp().as_second() + record.at;
        let mut fields: Vec<(&'static str, String)> = provenance.into_iter().collect();
        fields.push(("artifact", record.artifact().label().to_string()));
        fields.push(("source_file", place_of(scenario, record)));
        fields.extend(record.fields(scenario).into_iter().filter(|(name, _)| *name != "time"));
        Self {
            message: record.summary(scenario),
            datetime: crate::sim::utc(scenario, record.at),
            timestamp: seconds * 1_000_000,
            timestamp_desc: timestamp_desc(record),
            fields,
        }
    }
}

/// What the record's time is the time of, in the words plaso and Timesketch use.
pub fn timestamp_desc(record: &Record) -> &'static str {
    match &record.body {
        Body::Event(_) => "Event Recorded",
        Body::File(file) if file.created == record.at => "Creation Time",
        Body::File(file) if file.modified == record.at => "Content Modification Time",
        Body::File(file) if file.changed == record.at => "Metadata Modification Time",
        Body::File(_) => "Last Access Time",
        Body::Service(_) => "Service Installed",
        Body::Process(_) => "Process Start Time",
        Body::Credential(_) => "Logon Time",
        Body::Flow(_) => "Connection Start Time",
    }
}

/// The lines of the case, in time order (then by number).
pub fn lines(scenario: &Scenario, records: &[CaseRecord]) -> Vec<Line> {
    let mut held: Vec<&CaseRecord> = records.iter().collect();
    held.sort_by_key(|held| (held.record.at, held.id));
    held.into_iter().map(|held| Line::of(scenario, held)).collect()
}

/// Timesketch's JSONL: one object per line, the required keys first.
pub fn write_jsonl(lines: &[Line], out: &mut impl Write) -> io::Result<()> {
    for line in lines {
        write!(
            out,
            "{{\"message\":{},\"datetime\":{},\"timestamp\":{},\"timestamp_desc\":{}",
            json(&line.message),
            json(&line.datetime),
            line.timestamp,
            json(line.timestamp_desc)
        )?;
        for (name, value) in &line.fields {
            write!(out, ",{}:{}", json(name), json(value))?;
        }
        writeln!(out, "}}")?;
    }
    Ok(())
}

/// The CSV's columns after the required four: the `fixed` first, then every other field name.
pub fn csv_columns(names: impl Iterator<Item = &'static str>, fixed: &[&'static str]) -> Vec<&'static str> {
    let others: BTreeSet<&'static str> = names.filter(|name| !fixed.contains(name)).collect();
    fixed.iter().copied().chain(others).collect()
}

/// The CSV's header: the required columns, then `columns`.
pub fn write_csv_header(columns: &[&str], out: &mut impl Write) -> io::Result<()> {
    let required = ["message", "datetime", "timestamp", "timestamp_desc"];
    write_row(out, required.iter().chain(columns).map(|name| name.to_string()))
}

/// A CSV row of a line as its JSONL object holds it (a field it lacks is left empty).
pub fn write_csv_row_of(
    line: &serde_json::Map<String, serde_json::Value>,
    columns: &[&str],
    out: &mut impl Write,
) -> io::Result<()> {
    let value = |name: &str| match line.get(name) {
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let required = ["message", "datetime", "timestamp", "timestamp_desc"];
    write_row(out, required.iter().chain(columns).map(|name| value(name)))
}

/// Timesketch's CSV: the required columns, then every field any record has, by name.
pub fn write_csv(lines: &[Line], out: &mut impl Write) -> io::Result<()> {
    let fixed = ["case_record", "came", "artifact", "source_file", "computer"];
    let columns = csv_columns(
        lines.iter().flat_map(|line| line.fields.iter().map(|(name, _)| *name)),
        &fixed,
    );
    write_csv_header(&columns, out)?;
    for line in lines {
        let value = |name: &str| {
            line.fields
                .iter()
                .find(|(field, _)| *field == name)
                .map_or(String::new(), |(_, value)| value.clone())
        };
        let row = [
            line.message.clone(),
            line.datetime.clone(),
            line.timestamp.to_string(),
            line.timestamp_desc.to_string(),
        ]
        .into_iter()
        .chain(columns.iter().map(|name| value(name)));
        write_row(out, row)?;
    }
    Ok(())
}

/// plaso's l2tcsv columns.
pub const L2TCSV_COLUMNS: [&str; 17] = [
    "date",
    "time",
    "timezone",
    "MACB",
    "source",
    "sourcetype",
    "type",
    "user",
    "host",
    "short",
    "desc",
    "version",
    "filename",
    "inode",
    "notes",
    "format",
    "extra",
];

/// The l2tcsv timeline of the case: dates as MM/DD/YYYY in UTC, MACB letters for files, the
/// record's other fields in `extra`.
pub fn write_l2tcsv(scenario: &Scenario, records: &[CaseRecord], out: &mut impl Write) -> io::Result<()> {
    write_l2tcsv_header(out)?;
    let mut held: Vec<&CaseRecord> = records.iter().collect();
    held.sort_by_key(|held| (held.record.at, held.id));
    for held in held {
        write_l2tcsv_row(scenario, &held.record, &Line::of(scenario, held), out)?;
    }
    Ok(())
}

pub fn write_l2tcsv_header(out: &mut impl Write) -> io::Result<()> {
    write_row(out, L2TCSV_COLUMNS.iter().map(|name| name.to_string()))
}

/// A record's l2tcsv row, from its timeline line.
pub fn write_l2tcsv_row(scenario: &Scenario, record: &Record, line: &Line, out: &mut impl Write) -> io::Result<()> {
    let when = jiff::Timestamp::from_second(line.timestamp / 1_000_000).unwrap_or_default();
    let (source, sourcetype) = source_of(record);
    let extra: Vec<String> = line
        .fields
        .iter()
        .filter(|(name, _)| !["computer", "source_file"].contains(name))
        .map(|(name, value)| format!("{name}: {value}"))
        .collect();
    let filename = match &record.body {
        Body::File(file) => file.path.clone(),
        _ => place_of(scenario, record),
    };
    let row = [
        when.strftime("%m/%d/%Y").to_string(),
        when.strftime("%H:%M:%S").to_string(),
        "UTC".to_string(),
        macb(record),
        source.to_string(),
        sourcetype.to_string(),
        line.timestamp_desc.to_string(),
        account_of(record).unwrap_or_else(|| "-".to_string()),
        scenario.hosts[record.host.index()].name.to_string(),
        record.what(scenario),
        line.message.clone(),
        "2".to_string(),
        filename,
        "-".to_string(),
        "-".to_string(),
        "redscreen".to_string(),
        extra.join("; "),
    ];
    write_row(out, row.into_iter())
}

/// Which of a file's four times the record's time is (`M`odified, `A`ccessed, `C`hanged,
/// `B`orn), as l2tcsv marks them; other records have none.
fn macb(record: &Record) -> String {
    let Body::File(file) = &record.body else {
        return "....".to_string();
    };
    [
        (file.modified, 'M'),
        (file.accessed, 'A'),
        (file.changed, 'C'),
        (file.created, 'B'),
    ]
    .iter()
    .map(|&(at, letter)| if at == record.at { letter } else { '.' })
    .collect()
}

/// plaso's source and source type for a record.
fn source_of(record: &Record) -> (&'static str, &'static str) {
    match &record.body {
        Body::Event(_) => ("EVT", "WinEVTX"),
        Body::File(_) => ("FILE", "NTFS file stat"),
        Body::Service(_) => ("REG", "Registry Key : Services"),
        Body::Process(_) => ("LOG", "Memory process list"),
        Body::Credential(_) => ("LOG", "Memory cached credentials"),
        Body::Flow(_) => ("LOG", "Zeek conn"),
    }
}

/// A string as JSON.
fn json(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// One CSV row (RFC 4180): fields with a comma, a quote or a line break are quoted.
fn write_row(out: &mut impl Write, fields: impl Iterator<Item = String>) -> io::Result<()> {
    let quoted: Vec<String> = fields
        .map(|field| match field.contains([',', '"', '\n', '\r']) {
            true => format!("\"{}\"", field.replace('"', "\"\"")),
            false => field,
        })
        .collect();
    write!(out, "{}\r\n", quoted.join(","))
}
