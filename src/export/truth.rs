//! The whole ground truth of an exercise as files, for the trainer's answer key: every record
//! every machine held up to the session's end, in the same shape as the team's case (a folder
//! per machine, the timelines), each line marked as the attack's or the company's own, and as
//! lost or not (gone by the end: wiped, switched off, its log cleared).
//!
//! Streamed: one machine's records are read, written and dropped before the next, and the
//! timelines are sorted outside memory (runs of lines sorted in memory and written aside, then
//! merged), so a week of a company of thousands of machines needs memory for a run, not for
//! the whole.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};
use std::fs;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::exercise::Exercise;
use crate::scenario::model::HostId;
use crate::sim::Record;

use super::collection;
use super::staging::Staging;
use super::timeline::{self, Line};

/// Lines sorted in memory before a run is written aside.
const RUN_LINES: usize = 50_000;

/// What an export of the ground truth wrote.
#[derive(Debug)]
pub struct TruthExport {
    pub folder: PathBuf,
    pub records: u64,
    pub of_the_attack: u64,
    /// Records the machines no longer held when the session ended (wiped, switched off,
    /// cleared).
    pub lost: u64,
    pub machines: usize,
    pub files: usize,
}

/// Writes the ground truth of an exercise to a new folder; `progress` hears of each machine
/// done (how many, of how many).
pub fn export_truth(
    exercise: &Exercise,
    session: &str,
    destination: &Path,
    force: bool,
    mut progress: impl FnMut(usize, usize),
) -> io::Result<TruthExport> {
    let scenario = exercise.scenario();
    let simulation = exercise.simulation();
    let tick_seconds = scenario.meta.tick_seconds as i64;
    let until = exercise.now().map_or(-1, |now| (now.0 as i64 + 1) * tick_seconds - 1);
    let staging = Staging::start(destination, force)?;
    let mut runs = Runs::new(staging.path(".runs"), RUN_LINES)?;
    let mut files = Vec::new();
    let (mut records_written, mut of_the_attack, mut lost, mut machines) = (0u64, 0u64, 0u64, 0usize);
    let hosts = scenario.hosts.len();
    for index in 0..hosts {
        let records = simulation.records_ever_on(HostId(index as u32), until);
        if !records.is_empty() {
            machines += 1;
            files.extend(collection::write_machines(
                scenario,
                records.iter().map(|(record, _)| record),
                &staging,
            )?);
            for (record, readable) in &records {
                records_written += 1;
                of_the_attack += u64::from(record.key.is_attack());
                lost += u64::from(!readable);
                runs.push(scenario, record, *readable)?;
            }
        }
        progress(index + 1, hosts);
    }
    let names = runs.field_names.clone();
    let merged = runs.merge()?;
    let mut jsonl = staging.create("timeline.jsonl")?;
    let mut csv = staging.create("timeline.csv")?;
    let mut l2t = staging.create("timeline-l2t.csv")?;
    let columns = timeline::csv_columns(
        names.iter().copied(),
        &["attack", "lost", "artifact", "source_file", "computer"],
    );
    timeline::write_csv_header(&columns, &mut csv)?;
    timeline::write_l2tcsv_header(&mut l2t)?;
    for entry in merged {
        let entry = entry?;
        jsonl.write_all(entry.jsonl.as_bytes())?;
        jsonl.write_all(b"\n")?;
        let line: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&entry.jsonl)?;
        timeline::write_csv_row_of(&line, &columns, &mut csv)?;
        l2t.write_all(entry.l2t.as_bytes())?;
    }
    for mut out in [jsonl, csv, l2t] {
        out.flush()?;
    }
    fs::remove_dir_all(staging.path(".runs"))?;
    files.extend(["timeline.jsonl", "timeline.csv", "timeline-l2t.csv"].map(String::from));
    let manifest = json!({
        "records": records_written,
        "of_the_attack": of_the_attack,
        "lost": lost,
        "machines": machines,
        // Every file of the export, this one included.
        "files": files.len() + 1,
    });
    super::write_manifest(&staging, "truth.json", exercise, session, manifest)?;
    let folder = staging.finish()?;
    Ok(TruthExport {
        folder,
        records: records_written,
        of_the_attack,
        lost,
        machines,
        files: files.len() + 1,
    })
}

/// One timeline line on its way to the sorted files: its time, its place in the order the
/// machines were read (so ties keep that order), and its JSONL and l2tcsv forms.
#[derive(serde::Serialize, serde::Deserialize)]
struct Entry {
    timestamp: i64,
    sequence: u64,
    jsonl: String,
    l2t: String,
}

/// The timeline's lines, sorted in runs written aside.
struct Runs {
    folder: PathBuf,
    run_lines: usize,
    pending: Vec<Entry>,
    written: Vec<PathBuf>,
    sequence: u64,
    field_names: BTreeSet<&'static str>,
}

impl Runs {
    fn new(folder: PathBuf, run_lines: usize) -> io::Result<Self> {
        fs::create_dir_all(&folder)?;
        Ok(Self {
            folder,
            run_lines,
            pending: Vec::new(),
            written: Vec::new(),
            sequence: 0,
            field_names: BTreeSet::new(),
        })
    }

    fn push(&mut self, scenario: &crate::scenario::model::Scenario, record: &Record, readable: bool) -> io::Result<()> {
        let yes_or_no = |yes: bool| if yes { "yes" } else { "no" }.to_string();
        let line = Line::of_record(
            scenario,
            record,
            [
                ("attack", yes_or_no(record.key.is_attack())),
                ("lost", yes_or_no(!readable)),
            ],
        );
        self.field_names.extend(line.fields.iter().map(|(name, _)| *name));
        let mut jsonl = Vec::new();
        timeline::write_jsonl(std::slice::from_ref(&line), &mut jsonl)?;
        jsonl.pop(); // its line break: the merge writes one
        let mut l2t = Vec::new();
        timeline::write_l2tcsv_row(scenario, record, &line, &mut l2t)?;
        self.push_line(
            line.timestamp,
            String::from_utf8_lossy(&jsonl).into_owned(),
            String::from_utf8_lossy(&l2t).into_owned(),
        )
    }

    /// Holds a line, writing a run aside when enough are held.
    fn push_line(&mut self, timestamp: i64, jsonl: String, l2t: String) -> io::Result<()> {
        self.pending.push(Entry {
            timestamp,
            sequence: self.sequence,
            jsonl,
            l2t,
        });
        self.sequence += 1;
        if self.pending.len() >= self.run_lines {
            self.spill()?;
        }
        Ok(())
    }

    /// Sorts the lines held and writes them as a run.
    fn spill(&mut self) -> io::Result<()> {
        self.pending.sort_by_key(|entry| (entry.timestamp, entry.sequence));
        let path = self.folder.join(format!("run-{}.jsonl", self.written.len()));
        let mut out = BufWriter::new(fs::File::create(&path)?);
        for entry in self.pending.drain(..) {
            serde_json::to_writer(&mut out, &entry)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
        self.written.push(path);
        Ok(())
    }

    /// Every line in time order, read from the runs as they are merged.
    fn merge(mut self) -> io::Result<impl Iterator<Item = io::Result<Entry>>> {
        if !self.pending.is_empty() {
            self.spill()?;
        }
        let mut readers = Vec::new();
        for path in &self.written {
            readers.push(BufReader::new(fs::File::open(path)?).lines());
        }
        let mut heads = BinaryHeap::new();
        let read = |reader: &mut io::Lines<BufReader<fs::File>>| -> io::Result<Option<Entry>> {
            match reader.next() {
                Some(line) => Ok(Some(serde_json::from_str(&line?)?)),
                None => Ok(None),
            }
        };
        for (run, reader) in readers.iter_mut().enumerate() {
            if let Some(entry) = read(reader)? {
                heads.push(Reverse(Head { entry, run }));
            }
        }
        Ok(std::iter::from_fn(move || {
            let Reverse(Head { entry, run }) = heads.pop()?;
            match read(&mut readers[run]) {
                Ok(Some(next)) => heads.push(Reverse(Head { entry: next, run })),
                Ok(None) => {}
                Err(error) => return Some(Err(error)),
            }
            Some(Ok(entry))
        }))
    }
}

/// The next line of a run, ordered by time, then by the order the machines were read.
struct Head {
    entry: Entry,
    run: usize,
}

impl Head {
    fn order(&self) -> (i64, u64) {
        (self.entry.timestamp, self.entry.sequence)
    }
}

impl PartialEq for Head {
    fn eq(&self, other: &Self) -> bool {
        self.order() == other.order()
    }
}

impl Eq for Head {}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Head {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.order().cmp(&other.order())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines out of order, many runs of a few lines each: the merge gives them all back in
    /// time order, ties in the order they came.
    #[test]
    fn runs_merge_into_one_sorted_timeline() {
        let folder = crate::testing::temporary_folder("truth-runs");
        let mut runs = Runs::new(folder.join("runs"), 7).unwrap();
        let times: Vec<i64> = (0..500).map(|index| (index * 7919) % 97).collect();
        for (index, time) in times.iter().enumerate() {
            runs.push_line(*time, format!("line {index}"), String::new()).unwrap();
        }
        assert!(runs.written.len() > 50, "{} runs", runs.written.len());
        let merged: Vec<Entry> = runs.merge().unwrap().map(Result::unwrap).collect();
        assert_eq!(merged.len(), times.len());
        assert!(
            merged
                .windows(2)
                .all(|pair| (pair[0].timestamp, pair[0].sequence) < (pair[1].timestamp, pair[1].sequence))
        );
        let mut expected: Vec<(i64, usize)> = times.iter().copied().zip(0..).collect();
        expected.sort();
        let got: Vec<(i64, usize)> = merged
            .iter()
            .map(|entry| (entry.timestamp, entry.jsonl["line ".len()..].parse().unwrap()))
            .collect();
        assert_eq!(got, expected);
    }
}
