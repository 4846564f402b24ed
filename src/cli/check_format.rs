//! `redscreen check --format json|sarif`: problems as data, for editors and a scenario
//! repository's CI. JSON lines print one object per problem; SARIF 2.1.0 prints one log with a
//! run whose results are the problems of every file checked, for code-scanning tools.

use redscreen::scenario::{LoadError, Problem, Report};
use serde_json::{Value, json};

use super::error::chain;

/// How `check` prints what it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Problems drawn in the file's text, then each scenario's summary.
    #[default]
    Text,
    /// One JSON object per problem, per line; nothing for a file without problems.
    Json,
    /// A SARIF 2.1.0 log of every problem.
    Sarif,
}

/// One problem as data: where it starts and ends, its kind, what it says, the hint.
fn problem_json(report: &Report, problem: &Problem) -> Value {
    let (end_line, end_column) = report.end_of(problem);
    json!({
        "file": report.file,
        "line": problem.location.line,
        "column": problem.location.column,
        "end_line": end_line,
        "end_column": end_column,
        "severity": "error",
        "code": problem.kind.code(),
        "message": problem.kind.to_string(),
        "label": problem.label,
        "hint": problem.hint,
    })
}

/// A file that could not be checked at all (unreadable), as a problem without a place.
fn unreadable_json(file: &str, error: &LoadError) -> Value {
    json!({
        "file": file,
        "line": null,
        "column": null,
        "end_line": null,
        "end_column": null,
        "severity": "error",
        "code": "unreadable-file",
        "message": chain(error),
        "label": null,
        "hint": null,
    })
}

/// Every problem of the files checked, as data; `file` names each outcome.
pub fn problems_as_json<'a>(outcomes: impl Iterator<Item = (&'a str, &'a LoadError)>) -> Vec<Value> {
    outcomes
        .flat_map(|(file, error)| match error {
            LoadError::Invalid(report) => report
                .problems
                .iter()
                .map(|problem| problem_json(report, problem))
                .collect::<Vec<_>>(),
            other => vec![unreadable_json(file, other)],
        })
        .collect()
}

/// The problems as a SARIF 2.1.0 log: a rule per kind of problem found, a result per
/// problem, each located by its file and region (columns in Unicode code points).
pub fn sarif(problems: &[Value]) -> Value {
    let mut rules: Vec<&str> = problems.iter().filter_map(|problem| problem["code"].as_str()).collect();
    rules.sort_unstable();
    rules.dedup();
    let results: Vec<Value> = problems
        .iter()
        .map(|problem| {
            let code = problem["code"].as_str().unwrap_or_default();
            let mut text = problem["message"].as_str().unwrap_or_default().to_string();
            if let Some(hint) = problem["hint"].as_str() {
                text = format!("{text}\nhint: {hint}");
            }
            let mut location = json!({
                "physicalLocation": {
                    "artifactLocation": { "uri": uri_of(problem["file"].as_str().unwrap_or_default()) },
                }
            });
            if problem["line"].is_u64() {
                location["physicalLocation"]["region"] = json!({
                    "startLine": problem["line"],
                    "startColumn": problem["column"],
                    "endLine": problem["end_line"],
                    "endColumn": problem["end_column"],
                });
            }
            json!({
                "ruleId": code,
                "ruleIndex": rules.iter().position(|rule| *rule == code).unwrap_or(0),
                "level": "error",
                "message": { "text": text },
                "locations": [location],
            })
        })
        .collect();
    json!({
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "redscreen",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules.iter().map(|rule| json!({
                        "id": rule,
                        "name": rule_name(rule),
                        "shortDescription": { "text": rule_description(rule) },
                    })).collect::<Vec<_>>(),
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// A file's path as a relative URI reference: forward slashes, and the characters a URI
/// reserves escaped.
fn uri_of(file: &str) -> String {
    let mut uri = String::new();
    for character in file.replace('\\', "/").chars() {
        match character {
            ' ' => uri.push_str("%20"),
            '%' => uri.push_str("%25"),
            '#' => uri.push_str("%23"),
            '?' => uri.push_str("%3F"),
            other => uri.push(other),
        }
    }
    uri
}

/// A rule's name in SARIF's style (`UnknownName` for `unknown-name`).
fn rule_name(code: &str) -> String {
    code.split('-')
        .map(|word| {
            let mut letters = word.chars();
            letters
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + letters.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn rule_description(code: &str) -> &'static str {
    match code {
        "syntax" => "The file is not valid RON.",
        "unknown-field" => "A field the format does not have.",
        "unknown-value" => "A value the field does not take.",
        "missing-field" => "A required field is missing.",
        "duplicate-field" => "A field is given twice.",
        "wrong-type" => "A value of the wrong type.",
        "file-too-large" => "The file is larger than the limit.",
        "unsupported-format" => "A format version this redscreen does not read.",
        "unknown-name" => "A name that nothing in the file defines.",
        "duplicate-name" => "A name defined twice.",
        "invalid-value" => "A value that cannot be read (an address, a time, a duration...).",
        "overlapping-subnets" => "Two subnets share addresses.",
        "subnet-full" => "More machines than a subnet has addresses for.",
        "outside-exercise" => "A time outside the exercise.",
        "odds-out-of-range" => "Odds per mille outside 0 to 1000.",
        "asset-outside-folder" => "A file outside the scenario's folder.",
        "asset-unreadable" => "A file the scenario names cannot be read.",
        "too-many-hosts" => "More machines than the limit.",
        "weights-not-hundred" => "The rubric's weights do not add up to 100.",
        "inconsistent" => "Parts of the scenario disagree.",
        "unreadable-file" => "The file cannot be read.",
        _ => "A problem in the scenario.",
    }
}
