//! `redscreen check --format json|sarif`: problems as data, located as the text output
//! locates them. The test marked ignored validates the SARIF logs against the official SARIF
//! 2.1.0 schema (`tests/schemas/sarif-schema-2.1.0.json`, from the OASIS SARIF repository) with
//! Python's `jsonschema` (`.ci/run` runs it after `.ci/setup` installs it).

use redscreen::testing::{printed, run_binary, temporary_folder};

const BINARY: &str = env!("CARGO_BIN_EXE_redscreen");

fn bad(name: &str) -> String {
    format!("tests/fixtures/bad/{name}.ron")
}

/// Fixtures and where their problem is (as `tests/bad_scenarios.rs` has them).
const LOCATED: [(&str, usize, usize, &str); 4] = [
    ("decimal_per_mille", 43, 50, "wrong-type"),
    ("unknown_subnet", 19, 56, "unknown-name"),
    ("colliding_templates", 22, 24, "inconsistent"),
    ("syntax_missing_comma", 4, 5, "syntax"),
];

#[test]
fn json_lines_give_each_problem_located_with_its_kind_and_hint() {
    let files: Vec<String> = LOCATED.iter().map(|(name, ..)| bad(name)).collect();
    let mut arguments = vec!["check", "--format", "json"];
    arguments.extend(files.iter().map(String::as_str));
    arguments.push("scenarios/tutorial.ron");
    let output = run_binary(BINARY, &arguments);
    assert_eq!(output.status.code(), Some(1), "{}", printed(&output));
    let problems: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is a JSON object"))
        .collect();
    for (name, line, column, code) in LOCATED {
        let problem = problems
            .iter()
            .find(|problem| problem["file"] == bad(name) && problem["line"] == line && problem["column"] == column)
            .unwrap_or_else(|| panic!("{name}: no problem at {line}:{column} in {problems:?}"));
        assert_eq!(problem["code"], code, "{name}");
        assert_eq!(problem["severity"], "error");
        assert!(problem["message"].as_str().is_some_and(|text| !text.is_empty()));
        let end = (
            problem["end_line"].as_u64().unwrap(),
            problem["end_column"].as_u64().unwrap(),
        );
        assert!(
            end >= (line as u64, column as u64),
            "{name}: the span ends after it starts"
        );
    }
    assert!(
        problems
            .iter()
            .all(|problem| problem["file"] != "scenarios/tutorial.ron")
    );
    let hinted = problems
        .iter()
        .find(|problem| problem["file"] == bad("unknown_subnet"))
        .unwrap();
    assert_eq!(hinted["hint"], "did you mean `ws`?");

    // A clean file prints nothing and succeeds; a missing file is a problem without a place.
    let output = run_binary(BINARY, &["check", "--format", "json", "scenarios/tutorial.ron"]);
    assert!(
        output.status.success() && output.stdout.is_empty(),
        "{}",
        printed(&output)
    );
    let output = run_binary(BINARY, &["check", "--format", "json", "no-such-file.ron"]);
    let problem: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one object");
    assert_eq!(problem["code"], "unreadable-file");
    assert!(problem["line"].is_null());
}

/// A SARIF log of every broken fixture.
fn sarif_of_every_fixture() -> (serde_json::Value, String) {
    let mut files: Vec<String> = std::fs::read_dir("tests/fixtures/bad")
        .unwrap()
        .map(|entry| entry.unwrap().path().display().to_string())
        .collect();
    files.sort();
    let mut arguments = vec!["check", "--format", "sarif"];
    arguments.extend(files.iter().map(String::as_str));
    let output = run_binary(BINARY, &arguments);
    assert_eq!(output.status.code(), Some(1), "{}", printed(&output));
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    (serde_json::from_str(&text).expect("SARIF is JSON"), text)
}

#[test]
fn sarif_has_a_result_per_problem_with_its_rule_and_region() {
    let (log, _) = sarif_of_every_fixture();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "redscreen");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    let results = run["results"].as_array().unwrap();
    assert!(
        results.len() >= 40,
        "a result per broken fixture at least: {}",
        results.len()
    );
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index], result["ruleId"], "ruleIndex points at the rule");
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("tests/fixtures/bad/") && uri.ends_with(".ron"), "{uri}");
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    let decimal = results
        .iter()
        .find(|result| {
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == bad("decimal_per_mille")
        })
        .expect("the decimal fixture");
    assert_eq!(decimal["locations"][0]["physicalLocation"]["region"]["startColumn"], 50);
    assert!(decimal["message"]["text"].as_str().unwrap().contains("hint: counts"));
}

#[test]
#[ignore = "needs the Python jsonschema package .ci/setup installs; .ci/run runs it"]
fn sarif_logs_are_valid_against_the_sarif_2_1_0_schema() {
    let (_, text) = sarif_of_every_fixture();
    let folder = temporary_folder("sarif");
    let every = folder.join("every-fixture.sarif");
    std::fs::write(&every, text).unwrap();
    let output = run_binary(BINARY, &["check", "--format", "sarif", "scenarios/tutorial.ron"]);
    let clean = folder.join("clean.sarif");
    std::fs::write(&clean, &output.stdout).unwrap();
    let python = std::env::var("REDSCREEN_PYTHON").expect("REDSCREEN_PYTHON names the virtual environment's python");
    let output = std::process::Command::new(python)
        .arg(redscreen::testing::project_path("tests/tools/validate_json.py"))
        .arg(redscreen::testing::project_path(
            "tests/schemas/sarif-schema-2.1.0.json",
        ))
        .args([&every, &clean])
        .output()
        .expect("python runs");
    let said = printed(&output);
    assert!(output.status.success(), "{said}");
    assert_eq!(
        said.matches("checked against Static Analysis Results Format").count(),
        2,
        "{said}"
    );
}
