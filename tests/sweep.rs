//! `redscreen sweep` as a user runs it on the tutorial with three small playbooks whose order
//! is known (isolating at the first alert beats doing nothing): the same sweep twice gives the
//! same file byte for byte; shards merged give the whole sweep; a second call resumes, a cut-off
//! last line included; the paired comparison names the better plan; bad input is refused
//! clearly and writes nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use redscreen::session::SESSION_FORMAT;
use redscreen::testing::project_path;

fn redscreen(folder: &Path, arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redscreen"))
        .args(arguments)
        .current_dir(folder)
        .output()
        .expect("redscreen runs")
}

fn folder(name: &str) -> PathBuf {
    let folder = std::env::temp_dir().join(format!("redscreen-sweep-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

fn path_text(path: PathBuf) -> String {
    path.to_str().unwrap().to_string()
}

/// `sweep` on the tutorial with the given playbooks (of tests/fixtures/playbooks) and extra
/// arguments.
fn sweep(folder: &Path, seeds: &str, playbooks: &[&str], extra: &[&str]) -> Output {
    let tutorial = path_text(project_path("scenarios/tutorial.ron"));
    let mut arguments = vec!["sweep".to_string(), tutorial, "--seeds".to_string(), seeds.to_string()];
    for playbook in playbooks {
        arguments.push("--playbook".to_string());
        arguments.push(path_text(project_path(&format!(
            "tests/fixtures/playbooks/{playbook}.ron"
        ))));
    }
    arguments.extend(extra.iter().map(|argument| argument.to_string()));
    let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
    redscreen(folder, &arguments)
}

fn succeeded(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).to_string()
}

/// `sweep merge` of results files into `output` (sorted by seed and playbook), and its text.
fn merged(folder: &Path, files: &[&str], output: &str) -> String {
    let mut arguments = vec!["sweep", "merge"];
    arguments.extend(files);
    arguments.extend(["-o", output]);
    succeeded(&redscreen(folder, &arguments));
    std::fs::read_to_string(folder.join(output)).unwrap()
}

#[test]
fn a_sweep_is_deterministic_splits_into_shards_and_resumes() {
    let work = folder("determinism");
    let plans = ["isolate", "nothing"];
    succeeded(&sweep(&work, "1..6", &plans, &["--results", "first.jsonl"]));
    succeeded(&sweep(&work, "1..6", &plans, &["--results", "second.jsonl"]));
    let first = std::fs::read_to_string(work.join("first.jsonl")).unwrap();
    assert_eq!(first.lines().count(), 12, "6 seeds x 2 playbooks");
    assert_eq!(
        first,
        std::fs::read_to_string(work.join("second.jsonl")).unwrap(),
        "byte for byte"
    );

    // Two shards, merged: the same runs with the same results.
    succeeded(&sweep(
        &work,
        "1..6",
        &plans,
        &["--shard", "0/2", "--results", "a.jsonl"],
    ));
    succeeded(&sweep(
        &work,
        "1..6",
        &plans,
        &["--shard", "1/2", "--results", "b.jsonl"],
    ));
    let shard_a = std::fs::read_to_string(work.join("a.jsonl")).unwrap();
    assert!(shard_a.contains("\"seed\":1,") && shard_a.contains("\"seed\":3,") && !shard_a.contains("\"seed\":2,"));
    let whole = merged(&work, &["first.jsonl"], "whole.jsonl");
    assert_eq!(
        merged(&work, &["a.jsonl", "b.jsonl"], "merged.jsonl"),
        whole,
        "the shards merged are the whole sweep"
    );

    // Resumed: a shorter sweep, with its last line cut off as a stopped sweep leaves it, then
    // the whole range: only what is missing runs, and the results are the same.
    succeeded(&sweep(&work, "1..4", &plans, &["--results", "resumed.jsonl"]));
    let partial = std::fs::read_to_string(work.join("resumed.jsonl")).unwrap();
    let cut = &partial[..partial.len() - 40];
    std::fs::write(work.join("resumed.jsonl"), cut).unwrap();
    let output = sweep(&work, "1..6", &plans, &["--results", "resumed.jsonl"]);
    succeeded(&output);
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("7 already in resumed.jsonl, 5 to run"), "{said}");
    assert_eq!(
        merged(&work, &["resumed.jsonl"], "resumed-sorted.jsonl"),
        whole,
        "a resumed sweep has the results of one run straight through"
    );
    let again = sweep(&work, "1..6", &plans, &["--results", "resumed.jsonl"]);
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("0 to run"),
        "a finished sweep runs nothing"
    );
    std::fs::remove_dir_all(&work).ok();
}

#[test]
fn the_paired_comparison_names_the_better_plan_and_the_report_draws_it() {
    let work = folder("comparison");
    let printed = succeeded(&sweep(
        &work,
        "1..8",
        &["nothing", "isolate"],
        &["--report", "report.html"],
    ));
    assert!(printed.contains("`isolate` is better than `nothing`"), "{printed}");
    assert!(
        printed.contains("Wilcoxon signed-rank test, paired by seed (exact)"),
        "{printed}"
    );
    assert!(printed.contains("`nothing` scored higher on 0 of 8 seeds"), "{printed}");
    // Every objective of the rubric has its row.
    for objective in ["save-machines", "detect", "contain", "findings"] {
        assert!(printed.contains(objective), "{objective}: {printed}");
    }
    let html = std::fs::read_to_string(work.join("report.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("Objective `save-machines`"));
    assert_eq!(html.matches("<circle").count() % 16, 0, "a dot per run in every chart");
    std::fs::remove_dir_all(&work).ok();
}

#[test]
fn bad_input_is_refused_clearly_and_writes_nothing() {
    let work = folder("bad");
    let refused = |output: Output, code: i32, wanted: &str| {
        let said = String::from_utf8_lossy(&output.stderr).to_string();
        assert_eq!(output.status.code(), Some(code), "{said}");
        assert!(said.contains(wanted), "wanted `{wanted}` in: {said}");
    };
    refused(sweep(&work, "9..1", &["nothing"], &[]), 2, "the range 9..1 is empty");
    refused(
        sweep(&work, "1..99999999999", &["nothing"], &[]),
        2,
        "more than a sweep runs",
    );
    refused(sweep(&work, "1..2", &["nothing"], &["--shard", "2/2"]), 2, "0/2 to 1/2");
    // A playbook written for another scenario does not check against the tutorial.
    let flagship_plan = path_text(project_path("scenarios/playbooks/good.ron"));
    let tutorial = path_text(project_path("scenarios/tutorial.ron"));
    refused(
        redscreen(
            &work,
            &["sweep", &tutorial, "--seeds", "1..2", "--playbook", &flagship_plan],
        ),
        1,
        "no contact is named `fbi`",
    );
    refused(
        sweep(&work, "1..2", &["nothing", "nothing"], &[]),
        2,
        "two playbooks are named `nothing`",
    );
    assert!(!work.join("sweeps").exists(), "nothing was written");

    // Results of another version of the scenario: neither resumed nor merged.
    succeeded(&sweep(&work, "1..1", &["nothing"], &["--results", "mine.jsonl"]));
    let mine = std::fs::read_to_string(work.join("mine.jsonl")).unwrap();
    let hash = mine.split("\"scenario_hash\":\"").nth(1).unwrap()[..16].to_string();
    std::fs::write(work.join("other.jsonl"), mine.replace(&hash, "0123456789abcdef")).unwrap();
    refused(
        sweep(&work, "1..2", &["nothing"], &["--results", "other.jsonl"]),
        1,
        "another scenario (content hash 0123456789abcdef",
    );
    refused(
        redscreen(
            &work,
            &["sweep", "merge", "mine.jsonl", "other.jsonl", "-o", "merged.jsonl"],
        ),
        1,
        "another scenario",
    );
    assert!(!work.join("merged.jsonl").exists(), "a refused merge writes nothing");

    // Results an older simulation made (format 2, before results named their simulation) do
    // not mix with this one's either: the same seed plays out differently.
    let older = mine.replace(&format!("\"simulation\":{SESSION_FORMAT},"), "");
    assert_ne!(older, mine, "results name their simulation");
    std::fs::write(work.join("older.jsonl"), older).unwrap();
    refused(
        sweep(&work, "1..2", &["nothing"], &["--results", "older.jsonl"]),
        1,
        &format!("made by the simulation of session format 2; this redscreen simulates as format {SESSION_FORMAT}"),
    );
    std::fs::remove_dir_all(&work).ok();
}

/// The code block of docs/sweeps.md that holds `marker`.
fn docs_block(marker: &str) -> String {
    let docs = std::fs::read_to_string(project_path("docs/sweeps.md")).unwrap();
    docs.split("```")
        .find(|block| block.contains(marker))
        .and_then(|block| block.split_once('\n'))
        .map(|(_, code)| code.to_string())
        .expect("the block is in the docs")
}

/// The Slurm script of docs/sweeps.md, run as Slurm runs an array of three tasks (with the
/// task's index in `SLURM_ARRAY_TASK_ID`) on a small sweep, gives shards that merge into the
/// sweep run whole.
#[test]
fn the_slurm_script_in_the_docs_runs_the_shards() {
    let work = folder("slurm");
    std::fs::write(work.join("sweep.sh"), docs_block("#SBATCH --array")).unwrap();
    let binaries = Path::new(env!("CARGO_BIN_EXE_redscreen")).parent().unwrap();
    let path = format!("{}:{}", binaries.display(), std::env::var("PATH").unwrap_or_default());
    let playbooks = ["nothing", "isolate"]
        .map(|name| path_text(project_path(&format!("tests/fixtures/playbooks/{name}.ron"))))
        .join(" ");
    for task in 0..3 {
        let output = Command::new("bash")
            .arg("sweep.sh")
            .current_dir(&work)
            .env("PATH", &path)
            .env("SHARDS", "3")
            .env("SEEDS", "1..4")
            .env("SCENARIO", project_path("scenarios/tutorial.ron"))
            .env("PLAYBOOKS", &playbooks)
            .env("SLURM_ARRAY_TASK_ID", task.to_string())
            .env("SLURM_CPUS_PER_TASK", "1")
            .output()
            .expect("bash runs");
        succeeded(&output);
    }
    succeeded(&sweep(
        &work,
        "1..4",
        &["nothing", "isolate"],
        &["--results", "whole.jsonl"],
    ));
    let shards = [
        "results/shard-0.jsonl",
        "results/shard-1.jsonl",
        "results/shard-2.jsonl",
    ];
    assert_eq!(
        merged(&work, &shards, "all.jsonl"),
        merged(&work, &["whole.jsonl"], "whole-sorted.jsonl")
    );
    std::fs::remove_dir_all(&work).ok();
}

/// The Kubernetes manifest of docs/sweeps.md, read by PyYAML: an Indexed Job running one shard
/// per pod. Run by `.ci/run`, which installs PyYAML in its virtual environment:
/// `REDSCREEN_PYTHON=... cargo test --test sweep -- --ignored`.
#[test]
#[ignore = "needs PyYAML: .ci/run runs it"]
fn the_kubernetes_manifest_in_the_docs_is_an_indexed_job_of_shards() {
    let work = folder("kubernetes");
    let manifest = work.join("job.yaml");
    std::fs::write(&manifest, docs_block("kind: Job")).unwrap();
    let python = std::env::var("REDSCREEN_PYTHON").expect("REDSCREEN_PYTHON names the virtual environment's python");
    let output = Command::new(python)
        .arg(project_path("tests/tools/check_indexed_job.py"))
        .arg(&manifest)
        .output()
        .expect("python runs");
    println!("{}", String::from_utf8_lossy(&output.stdout));
    succeeded(&output);
    std::fs::remove_dir_all(&work).ok();
}

/// The sweep's report as a reader sees it: Debian's Chromium renders the page, and the
/// screenshot holds every plan's dots and bars in its colour and the medians' black ticks.
/// Run by `.ci/run`, which installs Chromium: `cargo test --test sweep -- --ignored`.
#[test]
#[ignore = "needs Debian's chromium, which .ci/setup installs; .ci/run runs it"]
fn chromium_draws_the_sweep_report() {
    let work = folder("chromium");
    succeeded(&sweep(
        &work,
        "1..4",
        &["isolate", "nothing"],
        &["--report", "report.html"],
    ));
    let screenshot = work.join("report.png");
    let output = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=900,3000",
        ])
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg(format!("file://{}", work.join("report.html").display()))
        .output()
        .expect("chromium runs (.ci/setup installs it)");
    let pixmap = tiny_skia::Pixmap::load_png(&screenshot)
        .unwrap_or_else(|_| panic!("a screenshot: {}", String::from_utf8_lossy(&output.stderr)));
    let near = |colour: [u8; 3], tolerance: u8| {
        pixmap
            .pixels()
            .iter()
            .filter(|pixel| {
                [pixel.red(), pixel.green(), pixel.blue()]
                    .iter()
                    .zip(colour)
                    .all(|(have, want)| have.abs_diff(want) <= tolerance)
            })
            .count()
    };
    // The first plan's dots (red, over white at 55%) and the second's (blue).
    let (red, blue, ticks) = (
        near([0xd9, 0x84, 0x7a], 30),
        near([0x76, 0xa4, 0xc6], 30),
        near([0x11, 0x11, 0x11], 6),
    );
    println!("sweep report: {red} red, {blue} blue, {ticks} black pixels");
    // `nothing` scores 0 on every seed: its dots sit under the median ticks at zero.
    assert!(red > 80 && blue > 40, "both plans are drawn");
    assert!(ticks > 300, "the medians are marked");
    std::fs::remove_dir_all(&work).ok();
}
