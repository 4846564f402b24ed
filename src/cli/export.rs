//! `redscreen export`: a session's case as the files responders' own tools open. The session is
//! replayed and verified first; nothing is written for one that does not verify.

use std::path::PathBuf;
use std::process::ExitCode;

use redscreen::exercise::{Baseline, replay};
use redscreen::export::{Staging, export_case, export_truth, report_html, stix_bundle, write_file};

use super::run::Progress;

use super::{CliError, load};

/// What `redscreen export` was asked to write.
#[derive(Debug, clap::Args)]
pub struct ExportOptions {
    /// The session file.
    pub session: PathBuf,
    /// The scenario file, when it has moved since the session was recorded.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Write the team's case to this new folder: a folder per machine (events as JSON lines,
    /// a bodyfile, services, processes, cached passwords, a Zeek conn.log) and the timeline
    /// for Timesketch (JSONL, CSV) and plaso (l2tcsv).
    #[arg(long, required_unless_present_any = ["stix", "stix_truth", "report", "truth"])]
    case: Option<PathBuf>,
    /// Write the whole ground truth to this new folder, for the trainer: every record every
    /// machine held up to the session's end, as the case is written, each line marked as the
    /// attack's or not and as lost by the end or not. Streamed, with a progress bar.
    #[arg(long)]
    truth: Option<PathBuf>,
    /// Write the team's findings to this file as a STIX 2.1 bundle: indicators with their
    /// patterns, sightings of those the case supports, the intrusion set, its malware and
    /// techniques, and the relationships between them.
    #[arg(long)]
    stix: Option<PathBuf>,
    /// Write the answer key as a STIX 2.1 bundle: every indicator of the attack, for the
    /// trainer.
    #[arg(long)]
    stix_truth: Option<PathBuf>,
    /// Write the after-action report to this file: a self-contained HTML page (the score with
    /// every objective's rating and reason, the timeline, the chart against the run with no
    /// response, the warning page, the findings with their evidence, what leaked and the
    /// improvement plan), or a PDF of it when the name ends in `.pdf` (printed by Chromium).
    #[arg(long)]
    report: Option<PathBuf>,
    /// Replace an existing export.
    #[arg(long)]
    force: bool,
}

pub fn export(options: ExportOptions) -> Result<ExitCode, CliError> {
    let session = load::session(&options.session)?;
    let scenario = load::session_scenario(&session.header, options.scenario.as_deref())?;
    let shown = options.session.display().to_string();
    if session.cut_tail {
        return Err(CliError::Failed(format!(
            "{shown}: its last line was cut short; `redscreen replay {shown}` says where"
        )));
    }
    // Refused before anything is written: a session that does not replay is not evidence.
    let replayed = replay(&session, scenario, None, |_| {})?;
    // Every destination is checked before anything is written.
    for destination in [
        &options.case,
        &options.truth,
        &options.stix,
        &options.stix_truth,
        &options.report,
    ]
    .into_iter()
    .flatten()
    {
        if destination.exists() && !options.force {
            return Err(CliError::Usage(format!(
                "{} exists: choose another name, or `--force` to replace it",
                destination.display()
            )));
        }
    }
    let bundles = [(&options.stix, false), (&options.stix_truth, true)];
    for (file, truth) in bundles
        .into_iter()
        .filter_map(|(file, truth)| file.as_ref().map(|file| (file, truth)))
    {
        let bundle = stix_bundle(&replayed.exercise, truth);
        let mut text = serde_json::to_vec_pretty(&bundle).unwrap_or_default();
        text.push(b'\n');
        write_file(file, &text, options.force)
            .map_err(|error| CliError::io(format!("cannot write {}", file.display()), error))?;
        let objects = bundle["objects"].as_array().map_or(0, Vec::len);
        let what = if truth { "the answer key" } else { "the team's findings" };
        println!(
            "wrote {what} of {shown} as a STIX 2.1 bundle of {objects} objects to {}",
            file.display()
        );
    }
    if let Some(file) = &options.report {
        let graded = Baseline::default().grade(&replayed.exercise);
        let html = report_html(&replayed.exercise, &graded, &shown);
        let is_pdf = file
            .extension()
            .is_some_and(|extension| extension.eq_ignore_ascii_case("pdf"));
        if is_pdf {
            print_to_pdf(&html, file, options.force)?;
        } else {
            write_file(file, html.as_bytes(), options.force)
                .map_err(|error| CliError::io(format!("cannot write {}", file.display()), error))?;
        }
        println!(
            "wrote the after-action report of {shown} ({:.1} / 100) to {}",
            graded.debrief.score.total,
            file.display()
        );
    }
    if let Some(folder) = &options.truth {
        let mut progress = Progress::counting(replayed.exercise.scenario().hosts.len() as u32, "machine");
        let written = export_truth(&replayed.exercise, &shown, folder, options.force, |done, _| {
            progress.show(done as u32)
        })
        .map_err(|error| CliError::io(format!("cannot write the ground truth to {}", folder.display()), error))?;
        progress.finish();
        println!(
            "wrote the ground truth of {shown} ({} records, {} of them the attack's, {} lost by the end, from {} machines, {} files) to {}",
            written.records,
            written.of_the_attack,
            written.lost,
            written.machines,
            written.files,
            written.folder.display()
        );
    }
    if let Some(folder) = &options.case {
        let written = export_case(&replayed.exercise, &shown, folder, options.force)
            .map_err(|error| CliError::io(format!("cannot write the case to {}", folder.display()), error))?;
        println!(
            "wrote the case of {shown} ({} records from {} machines, {} files) to {}",
            written.records,
            written.machines,
            written.files.len(),
            written.folder.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints the report to PDF with headless Chromium: the page is written beside the
/// destination, printed there, and the PDF moved into place.
fn print_to_pdf(html: &str, file: &std::path::Path, force: bool) -> Result<(), CliError> {
    let cannot = |error| CliError::io(format!("cannot write {}", file.display()), error);
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| std::process::Command::new(name).arg("--version").output().is_ok())
        .ok_or_else(|| {
            CliError::Failed(format!(
                "{}: a PDF is printed by Chromium, which is not installed (Debian: `apt install chromium`); \
                 write the report as .html and print it from a browser instead",
                file.display()
            ))
        })?;
    let staging = Staging::start(file, force).map_err(cannot)?;
    staging.write("report.html", html.as_bytes()).map_err(cannot)?;
    // Chromium opens the page by its absolute address.
    let page = std::path::absolute(staging.path("report.html")).map_err(cannot)?;
    let pdf = std::path::absolute(staging.path("report.pdf")).map_err(cannot)?;
    let printed = std::process::Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .map_err(cannot)?;
    if !printed.status.success() || !pdf.exists() {
        return Err(CliError::Failed(format!(
            "{}: {browser} could not print the report: {}",
            file.display(),
            String::from_utf8_lossy(&printed.stderr).trim()
        )));
    }
    staging.finish_file("report.pdf").map_err(cannot)?;
    Ok(())
}
