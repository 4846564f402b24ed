//! Scripted windows, for tests, previews and demonstrations: lines run one after the other
//! once the window is drawn. A line is one of the window's own commands or anything the console
//! takes, sent exactly as if typed into the window's console. The window's commands:
//! `inspect NAME`, `debrief` (the run so far), `truth on|off` (replays), `seek TIME`
//! (replays), `take over [PATH]` (replays), `zoom FACTOR`, `screenshot PATH`, `quit`, and the
//! case panel's, as its buttons would: `case open|close`, `case filter TEXT`, `case sort
//! time|machine|kind`, `case row N` (the Nth row on the page), `case link VALUE` (a value of the
//! chosen record).

use std::collections::VecDeque;
use std::path::PathBuf;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};

use crate::screen::is_png_complete;

use super::super::ExerciseSystems;
use super::super::map::{MapState, MapView};
use super::super::run::{CaseRequest, ExerciseRun, Feed, Request, SortBy};

/// Frames drawn before the first line runs: fonts and images load in the first few.
const FIRST_FRAME: u32 = 20;
/// Frames a change is given to show before the next line (the UI lays out a frame late).
const SETTLE_FRAMES: u32 = 4;
/// A script that has not finished by then has hung.
const FRAME_LIMIT: u32 = 20_000;

/// The lines still to run, and where the script is.
#[derive(Resource, Default)]
pub struct Script {
    lines: VecDeque<String>,
    frames: u32,
    settle: u32,
    /// The screenshot being written.
    pending: Option<PathBuf>,
}

impl Script {
    pub fn new(lines: Vec<String>) -> Self {
        Self {
            lines: lines.into(),
            ..default()
        }
    }

    fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.pending.is_none()
    }
}

pub fn plugin(app: &mut App) {
    app.init_resource::<Script>()
        .add_systems(Update, run_script.in_set(ExerciseSystems::Input));
}

#[expect(clippy::too_many_arguments, reason = "a Bevy system names every resource it reads")]
fn run_script(
    mut commands: Commands,
    mut script: ResMut<Script>,
    run: NonSend<ExerciseRun>,
    state: Res<MapState>,
    mut view: ResMut<MapView>,
    mut feed: ResMut<Feed>,
    mut requests: MessageWriter<Request>,
    mut exit: MessageWriter<AppExit>,
) {
    if script.is_empty() {
        return;
    }
    script.frames += 1;
    if script.frames > FRAME_LIMIT {
        error!("the window's script did not finish within {FRAME_LIMIT} frames");
        exit.write(AppExit::error());
        return;
    }
    if script.frames < FIRST_FRAME {
        return;
    }
    if let Some(path) = &script.pending {
        if !is_png_complete(path) {
            return;
        }
        println!("wrote {}", path.display());
        script.pending = None;
    }
    if script.settle > 0 {
        script.settle -= 1;
        return;
    }
    while let Some(line) = script.lines.pop_front() {
        let trimmed = line.trim();
        let (word, rest) = trimmed.split_once(' ').unwrap_or((trimmed, ""));
        let rest = rest.trim();
        let request = match word {
            "" => continue,
            _ if word.starts_with('#') => continue,
            "screenshot" => {
                let path = PathBuf::from(rest);
                std::fs::remove_file(&path).ok();
                commands
                    .spawn(Screenshot::primary_window())
                    .observe(save_to_disk(path.clone()));
                script.pending = Some(path);
                return;
            }
            "quit" => {
                exit.write(AppExit::Success);
                script.lines.clear();
                return;
            }
            "zoom" => match rest.parse::<f32>() {
                Ok(factor) => {
                    let frame = state.frame();
                    view.zoom_at(factor, frame / 2.0, frame);
                    None
                }
                Err(_) => Some(Err(format!("`{rest}` is not a zoom factor"))),
            },
            _ => Some(window_command(&run, word, rest)),
        };
        match request {
            Some(Ok(request)) => {
                requests.write(request);
            }
            Some(Err(problem)) => feed.say(format!("script: {problem}")),
            None => {}
        }
        script.settle = SETTLE_FRAMES;
        return;
    }
}

/// A script line as a request: the window's own commands, or a console line.
fn window_command(run: &ExerciseRun, word: &str, rest: &str) -> Result<Request, String> {
    let scenario = run.exercise().scenario();
    Ok(match word {
        "inspect" => Request::Inspect(
            scenario
                .host_named(rest)
                .ok_or_else(|| format!("no machine is named `{rest}`"))?,
        ),
        "debrief" => Request::Debrief,
        "report" => Request::SaveReport((!rest.is_empty()).then(|| PathBuf::from(rest))),
        "truth" => Request::ShowTruth(rest == "on"),
        "seek" => Request::Seek(scenario.tick_at(rest)?),
        // `case` alone is the console's listing; with a panel word it drives the panel.
        "case" if !rest.is_empty() => Request::Case(case_command(rest)?),
        "take" if rest == "over" || rest.starts_with("over ") => {
            let path = rest.strip_prefix("over").map(str::trim).filter(|path| !path.is_empty());
            Request::TakeOver(path.map(PathBuf::from))
        }
        _ => Request::Line(format!("{word} {rest}")),
    })
}

/// A script's `case` line as the panel's request.
fn case_command(rest: &str) -> Result<CaseRequest, String> {
    let (word, value) = rest.split_once(' ').unwrap_or((rest, ""));
    let value = value.trim();
    Ok(match word {
        "open" => CaseRequest::Show(true),
        "close" => CaseRequest::Show(false),
        "filter" => CaseRequest::Filter(value.to_string()),
        "sort" => CaseRequest::Sort(match value {
            "time" => SortBy::Time,
            "machine" => SortBy::Machine,
            "kind" => SortBy::Kind,
            other => return Err(format!("`{other}` is not time, machine or kind")),
        }),
        "row" => CaseRequest::Row(value.parse().map_err(|_| format!("`{value}` is not a row number"))?),
        "link" => CaseRequest::Link(value.to_string()),
        other => return Err(format!("`case {other}`: open, close, filter, sort, row or link")),
    })
}
