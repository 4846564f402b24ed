//! `redscreen sweep`: response plans run over many seeds on every core, each run a JSON line
//! of the results file (a second call skips what is done), then each plan's distributions and
//! the plans compared seed by seed. `--shard I/N` runs one slice for a cluster; `sweep merge`
//! puts the slices together.

use std::collections::HashSet;
use std::io::Write;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use redscreen::scenario::Limits;
use redscreen::sweep::{
    self, Comparison, PlanSummary, RunResult, Sweep, compare, line, merge, read_results, report_html, summarize,
    write_sorted,
};

use super::run::Progress;
use super::{CliError, load};

/// What `redscreen sweep` was asked to do.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SweepOptions {
    #[command(subcommand)]
    command: Option<SweepCommand>,
    /// Scenario file (the embedded flagship when absent).
    file: Option<PathBuf>,
    /// Seeds to run, both ends included: `1..1000`, or one seed.
    #[arg(long, required = true, value_parser = sweep::parse_seeds)]
    seeds: Option<RangeInclusive<u64>>,
    /// A playbook to run on every seed (give two or more to compare them).
    #[arg(long = "playbook", required = true)]
    playbooks: Vec<PathBuf>,
    /// The results file, one JSON line per run; runs already in it are skipped (default:
    /// `sweeps/SCENARIO-ID.jsonl`, or `sweeps/SCENARIO-ID-shard-I-of-N.jsonl` for a shard).
    #[arg(long)]
    results: Option<PathBuf>,
    /// Run one slice of the seeds, `I/N` with I from 0: every Nth seed from the Ith.
    #[arg(long, value_parser = sweep::parse_shard)]
    shard: Option<(u64, u64)>,
    /// Also draw the distributions to an HTML page.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Runs at once (default: one per core).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
}

#[derive(Debug, clap::Subcommand)]
enum SweepCommand {
    /// Combine the results files of a sweep's shards into one, and summarise it.
    Merge(MergeOptions),
}

#[derive(Debug, clap::Args)]
struct MergeOptions {
    /// The results files of the shards.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Where to write the combined results (written whole, then renamed into place).
    #[arg(long, short)]
    output: PathBuf,
    /// Also draw the distributions to an HTML page.
    #[arg(long)]
    report: Option<PathBuf>,
}

pub fn sweep(options: SweepOptions) -> Result<ExitCode, CliError> {
    if let Some(SweepCommand::Merge(merge_options)) = options.command {
        return merge_shards(merge_options);
    }
    let scenario = load::scenario(options.file.as_deref(), &Limits::default())?;
    let mut playbooks = Vec::new();
    for path in &options.playbooks {
        let playbook = load::playbook(path, &scenario)?;
        if playbooks
            .iter()
            .any(|other: &redscreen::response::Playbook| other.name == playbook.name)
        {
            return Err(CliError::Usage(format!(
                "two playbooks are named `{}`: results are kept by playbook name, so give each its own",
                playbook.name
            )));
        }
        playbooks.push(playbook);
    }
    let seeds = options.seeds.clone().unwrap_or(1..=1);
    let path = options.results.clone().unwrap_or_else(|| {
        let id = &scenario.meta.id;
        PathBuf::from(match options.shard {
            Some((index, count)) => format!("sweeps/{id}-shard-{index}-of-{count}.jsonl"),
            None => format!("sweeps/{id}.jsonl"),
        })
    });
    let hash = format!("{:016x}", scenario.content_hash);
    let existing = read_results(&path, Some(&hash)).map_err(results_error)?;
    let sweep = Sweep {
        scenario,
        seeds: seeds.clone(),
        playbooks,
        shard: options.shard,
    };
    let names: Vec<String> = sweep.playbooks.iter().map(|playbook| playbook.name.clone()).collect();
    let mut results: Vec<RunResult> = existing
        .results
        .into_iter()
        .filter(|result| sweep.includes(result.seed) && names.contains(&result.playbook))
        .collect();
    let done: HashSet<(u64, String)> = results
        .iter()
        .map(|result| (result.seed, result.playbook.clone()))
        .collect();
    let total = sweep.run_count();
    let seed_count = total / names.len().max(1) as u64;
    let to_run = total - done.len() as u64;
    let mut out = open_results(&path, existing.whole_bytes)?;
    if let Some(threads) = options.threads {
        // One pool for the process: sized once, before the first run.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads as usize)
            .build_global();
    }
    eprintln!(
        "{} runs: {} seeds x {} playbooks{}; {} already in {}, {to_run} to run on {} threads",
        total,
        seed_count,
        names.len(),
        options
            .shard
            .map_or(String::new(), |(index, count)| format!(" (shard {index} of {count})")),
        done.len(),
        path.display(),
        rayon::current_num_threads()
    );
    let mut progress = Progress::counting(to_run.min(u32::MAX as u64) as u32, "run");
    let mut finished = 0u32;
    sweep.run(&done, |batch| -> Result<(), CliError> {
        for result in &batch {
            out.write_all(line(result).as_bytes())
                .map_err(|error| CliError::io(format!("cannot write {}", path.display()), error))?;
        }
        out.flush()
            .map_err(|error| CliError::io(format!("cannot write {}", path.display()), error))?;
        finished += batch.len() as u32;
        progress.show(finished);
        results.extend(batch);
        Ok(())
    })?;
    progress.finish();
    let seeds_text = match options.shard {
        Some((index, count)) => format!("{}..{} (shard {index} of {count})", seeds.start(), seeds.end()),
        None => format!("{}..{}", seeds.start(), seeds.end()),
    };
    summarise(
        &sweep.scenario.meta.title,
        &seeds_text,
        &results,
        &names,
        options.report.as_deref(),
    )?;
    println!("Results: {} ({} runs, {to_run} new).", path.display(), results.len());
    Ok(ExitCode::SUCCESS)
}

/// The results file for appending, its cut-off last line (a stopped sweep's) taken away.
fn open_results(path: &Path, whole_bytes: u64) -> Result<std::fs::File, CliError> {
    let cannot = |error| CliError::io(format!("cannot write {}", path.display()), error);
    if let Some(folder) = path.parent().filter(|folder| !folder.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(cannot)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(cannot)?;
    if file.metadata().map_err(cannot)?.len() > whole_bytes {
        file.set_len(whole_bytes).map_err(cannot)?;
    }
    Ok(file)
}

fn results_error(error: sweep::ResultsError) -> CliError {
    match error {
        sweep::ResultsError::Read { path, source } => CliError::io(format!("cannot read {}", path.display()), source),
        other => CliError::Failed(other.to_string()),
    }
}

fn merge_shards(options: MergeOptions) -> Result<ExitCode, CliError> {
    let mut files = Vec::new();
    let mut hash: Option<String> = None;
    for path in &options.files {
        if !path.is_file() {
            return Err(CliError::Usage(format!("{} is not a results file", path.display())));
        }
        let read = read_results(path, hash.as_deref()).map_err(results_error)?;
        hash = hash.or_else(|| read.results.first().map(|result| result.scenario_hash.clone()));
        files.push((path.clone(), read.results));
    }
    let merged = merge(&files).map_err(results_error)?;
    write_sorted(&options.output, &merged)
        .map_err(|error| CliError::io(format!("cannot write {}", options.output.display()), error))?;
    let mut names: Vec<String> = Vec::new();
    for result in &merged {
        if !names.contains(&result.playbook) {
            names.push(result.playbook.clone());
        }
    }
    let seeds: Vec<u64> = merged.iter().map(|result| result.seed).collect();
    let seeds_text = match (seeds.iter().min(), seeds.iter().max()) {
        (Some(first), Some(last)) => format!("{first}..{last}"),
        _ => "none".to_string(),
    };
    let title = merged
        .first()
        .map_or("no results".to_string(), |result| result.scenario.clone());
    summarise(&title, &seeds_text, &merged, &names, options.report.as_deref())?;
    println!(
        "Merged {} files into {} ({} runs).",
        options.files.len(),
        options.output.display(),
        merged.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Prints each plan's distributions and every pair of plans compared; draws the report.
fn summarise(
    title: &str,
    seeds: &str,
    results: &[RunResult],
    playbooks: &[String],
    report: Option<&Path>,
) -> Result<(), CliError> {
    let plans = summarize(results, playbooks);
    let mut comparisons: Vec<Comparison> = Vec::new();
    for (index, first) in playbooks.iter().enumerate() {
        for second in &playbooks[index + 1..] {
            comparisons.push(compare(results, first, second));
        }
    }
    println!("Sweep of {title}, seeds {seeds}: {} runs.", results.len());
    println!();
    print_plans(&plans);
    for comparison in &comparisons {
        println!();
        println!("`{}` against `{}`:", comparison.first, comparison.second);
        println!("{}", comparison.verdict());
    }
    if let Some(path) = report {
        std::fs::write(path, report_html(title, seeds, results, &plans, &comparisons))
            .map_err(|error| CliError::io(format!("cannot write {}", path.display()), error))?;
        println!();
        println!("Report: {}", path.display());
    }
    Ok(())
}

fn print_plans(plans: &[PlanSummary]) {
    let width = plans.iter().map(|plan| plan.playbook.len()).max().unwrap_or(4).max(4);
    println!(
        "{:<width$}  {:>5}  {:>20}  {:>17}  {:>17}",
        "plan", "runs", "score (10th/med/90th)", "wiped (10/50/90)", "downtime h (med)"
    );
    for plan in plans {
        println!(
            "{:<width$}  {:>5}  {:>20}  {:>17}  {:>17.1}",
            plan.playbook,
            plan.runs,
            format!(
                "{:.1} / {:.1} / {:.1}",
                plan.score.p10, plan.score.median, plan.score.p90
            ),
            format!(
                "{:.0} / {:.0} / {:.0}",
                plan.wiped.p10, plan.wiped.median, plan.wiped.p90
            ),
            plan.downtime_hours.median
        );
    }
    let Some(first) = plans.first() else { return };
    println!();
    println!("Points per objective (median, 10th to 90th percentile):");
    let names = first.objectives.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    for (index, (objective, _)) in first.objectives.iter().enumerate() {
        let cells: Vec<String> = plans
            .iter()
            .map(|plan| {
                let points = plan.objectives.get(index).map(|(_, points)| *points);
                points.map_or("-".to_string(), |points| {
                    format!(
                        "{}: {:.1} ({:.1}-{:.1})",
                        plan.playbook, points.median, points.p10, points.p90
                    )
                })
            })
            .collect();
        println!("  {objective:<names$}  {}", cells.join("   "));
    }
}
