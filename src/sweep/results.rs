//! A sweep's results file: one JSON line per run. Read back to resume a sweep (a line cut off
//! by a stopped sweep is dropped) and to merge shards; written whole and renamed into place
//! when merged, so a merge never leaves half a file.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::RunResult;

/// Why results could not be read or combined.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}: not a sweep result: {message}", path.display())]
    Line {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error(
        "{}:{line} is a result of another scenario (content hash {found}; this one is {expected}): results of different scenarios do not mix",
        path.display()
    )]
    OtherScenario {
        path: PathBuf,
        line: usize,
        found: String,
        expected: String,
    },
    #[error(
        "{}:{line} was made by the simulation of session format {found}; this redscreen simulates as format {}: the same seed plays out differently, so run the sweep again",
        path.display(),
        crate::session::SESSION_FORMAT
    )]
    OtherSimulation { path: PathBuf, line: usize, found: u32 },
    #[error(
        "seed {seed} with playbook `{playbook}` has two different results ({} and {}): the runs were not made by the same redscreen",
        first.display(),
        second.display()
    )]
    Conflict {
        seed: u64,
        playbook: String,
        first: PathBuf,
        second: PathBuf,
    },
}

/// The results of a file, and how many of its bytes are whole lines.
#[derive(Debug, Default)]
pub struct ResultsFile {
    pub results: Vec<RunResult>,
    pub whole_bytes: u64,
}

/// Reads a results file; a file that is not there has no results. `scenario_hash`, when
/// given, is the only scenario whose results are accepted.
pub fn read_results(path: &Path, scenario_hash: Option<&str>) -> Result<ResultsFile, ResultsError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(ResultsFile::default()),
        Err(source) => {
            return Err(ResultsError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let mut file = ResultsFile::default();
    let mut expected = scenario_hash.map(str::to_string);
    for (index, line) in text.split_inclusive('\n').enumerate() {
        // A last line without its newline was cut off while being written.
        if !line.ends_with('\n') {
            break;
        }
        file.whole_bytes += line.len() as u64;
        if line.trim().is_empty() {
            continue;
        }
        let result: RunResult = serde_json::from_str(line).map_err(|error| ResultsError::Line {
            path: path.to_path_buf(),
            line: index + 1,
            message: error.to_string(),
        })?;
        if result.simulation != crate::session::SESSION_FORMAT {
            return Err(ResultsError::OtherSimulation {
                path: path.to_path_buf(),
                line: index + 1,
                found: result.simulation,
            });
        }
        match &expected {
            Some(hash) if *hash != result.scenario_hash => {
                return Err(ResultsError::OtherScenario {
                    path: path.to_path_buf(),
                    line: index + 1,
                    found: result.scenario_hash,
                    expected: hash.clone(),
                });
            }
            Some(_) => {}
            None => expected = Some(result.scenario_hash.clone()),
        }
        file.results.push(result);
    }
    Ok(file)
}

/// Results of several files as one, sorted by seed and playbook; the same run in two files
/// must have the same result.
pub fn merge(files: &[(PathBuf, Vec<RunResult>)]) -> Result<Vec<RunResult>, ResultsError> {
    let mut all: Vec<(&PathBuf, &RunResult)> = files
        .iter()
        .flat_map(|(path, results)| results.iter().map(move |result| (path, result)))
        .collect();
    all.sort_by(|a, b| (a.1.seed, &a.1.playbook).cmp(&(b.1.seed, &b.1.playbook)));
    let mut merged: Vec<RunResult> = Vec::with_capacity(all.len());
    let mut from: Vec<&PathBuf> = Vec::with_capacity(all.len());
    for (path, result) in all {
        match merged.last() {
            Some(last) if (last.seed, &last.playbook) == (result.seed, &result.playbook) => {
                if last != result {
                    return Err(ResultsError::Conflict {
                        seed: result.seed,
                        playbook: result.playbook.clone(),
                        first: from[from.len() - 1].clone(),
                        second: path.clone(),
                    });
                }
            }
            _ => {
                merged.push(result.clone());
                from.push(path);
            }
        }
    }
    Ok(merged)
}

/// Writes results sorted by seed and playbook, to a file beside `path` renamed over it.
pub fn write_sorted(path: &Path, results: &[RunResult]) -> std::io::Result<()> {
    let mut sorted: Vec<&RunResult> = results.iter().collect();
    sorted.sort_by(|a, b| (a.seed, &a.playbook).cmp(&(b.seed, &b.playbook)));
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().to_string())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.partial"));
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&temporary)?);
        for result in sorted {
            out.write_all(line(result).as_bytes())?;
        }
        out.into_inner().map_err(|error| error.into_error())?.sync_all()?;
    }
    std::fs::rename(&temporary, path)
}

/// One result as its line of the file.
pub fn line(result: &RunResult) -> String {
    let mut text = serde_json::to_string(result).unwrap_or_default();
    text.push('\n');
    text
}
