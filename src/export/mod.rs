//! Exports that responders' own tools open. The team's case goes out as a collection would
//! look on disk (a folder per machine, `collection.rs`) and as timelines for Timesketch and
//! plaso (`timeline.rs`); its findings, and the attack as it was, as STIX 2.1 (`stix.rs`).
//! Every export is written beside its destination and moved into place only when complete
//! (`staging.rs`).

mod collection;
mod evtx;
mod report;
mod staging;
mod stix;
mod timeline;
mod truth;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::exercise::Exercise;

pub use collection::{CONN_FIELDS, place_of};
pub use evtx::{LoggedEvent, write_evtx};
pub use report::{Improvement, improvement_plan, report_html};
pub use staging::{Staging, write_file};
pub use stix::bundle as stix_bundle;
pub use timeline::{L2TCSV_COLUMNS, Line, timestamp_desc};
pub use truth::{TruthExport, export_truth};

/// What an export of the case wrote.
#[derive(Debug)]
pub struct CaseExport {
    pub folder: PathBuf,
    pub records: usize,
    pub machines: usize,
    /// Every file, relative to the folder, in the order written.
    pub files: Vec<String>,
}

/// Writes the team's case of an exercise to a new folder: `case.json` (what the export holds),
/// `timeline.jsonl` and `timeline.csv` (Timesketch), `timeline-l2t.csv` (plaso's l2tcsv),
/// and a folder per machine. `session` names where the exercise came from.
pub fn export_case(exercise: &Exercise, session: &str, destination: &Path, force: bool) -> io::Result<CaseExport> {
    let scenario = exercise.scenario();
    let records = exercise.case().records();
    let staging = Staging::start(destination, force)?;
    let mut files = collection::write_machines(scenario, records.iter().map(|held| &held.record), &staging)?;
    let lines = timeline::lines(scenario, records);
    let mut out = staging.create("timeline.jsonl")?;
    timeline::write_jsonl(&lines, &mut out)?;
    out.flush()?;
    let mut out = staging.create("timeline.csv")?;
    timeline::write_csv(&lines, &mut out)?;
    out.flush()?;
    let mut out = staging.create("timeline-l2t.csv")?;
    timeline::write_l2tcsv(scenario, records, &mut out)?;
    out.flush()?;
    files.extend(["timeline.jsonl", "timeline.csv", "timeline-l2t.csv"].map(String::from));
    let machines = exercise.case().machines();
    let manifest = json!({
        "records": records.len(),
        "machines": machines.iter().map(|(host, summary)| json!({
            "name": scenario.hosts[host.index()].name,
            "memory": summary.memory,
            "disk": summary.disk,
            "logs": summary.logs,
            "flows": summary.flows,
            "from_alerts": summary.from_alerts,
        })).collect::<Vec<_>>(),
        "files": files,
    });
    write_manifest(&staging, "case.json", exercise, session, manifest)?;
    files.insert(0, "case.json".to_string());
    let folder = staging.finish()?;
    Ok(CaseExport {
        folder,
        records: records.len(),
        machines: machines.len(),
        files,
    })
}

/// Writes an export's manifest: the exercise it comes from (scenario, title, seed, session,
/// the moment it ends), then what the export itself says (`contents`, an object).
fn write_manifest(
    staging: &Staging,
    name: &str,
    exercise: &Exercise,
    session: &str,
    contents: serde_json::Value,
) -> io::Result<()> {
    let scenario = exercise.scenario();
    let mut manifest = json!({
        "scenario": scenario.meta.id,
        "title": scenario.meta.title,
        "seed": exercise.seed(),
        "session": session,
        "until": exercise.now().map(|tick| scenario.time_of(tick).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()),
    });
    if let (Some(manifest), serde_json::Value::Object(contents)) = (manifest.as_object_mut(), contents) {
        manifest.extend(contents);
    }
    let mut text = serde_json::to_vec_pretty(&manifest)?;
    text.push(b'\n');
    staging.write(name, &text)
}
