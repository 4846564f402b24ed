//! Scripted windows, for tests, previews and demonstrations: a list of lines run one after the
//! other once the window is drawn. A line is one of the window's own commands or anything the
//! console takes, submitted exactly as if typed into the window's console. The window's
//! commands: `inspect NAME`, `debrief` (the run so far), `truth on|off` (replays), `seek TIME`
//! (replays), `take over [PATH]` (replays), `zoom FACTOR`, `screenshot PATH`, `quit`.

use std::collections::VecDeque;
use std::path::PathBuf;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};

use crate::screen::is_png_complete;

use super::{Exercise, submit_line};

/// Frames drawn before the first line runs: fonts and images load in the first few.
const FIRST_FRAME: u32 = 20;
/// Frames a change is given to show before the next line (the UI lays out a frame late).
const SETTLE_FRAMES: u32 = 4;
/// A script that has not finished by then has hung.
const FRAME_LIMIT: u32 = 20_000;

#[derive(Resource)]
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
            frames: 0,
            settle: 0,
            pending: None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.pending.is_none()
    }
}

pub(super) fn run_script(
    mut commands: Commands,
    mut script: ResMut<Script>,
    mut exercise: NonSendMut<Exercise>,
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
        match word {
            "" => continue,
            _ if word.starts_with('#') => continue,
            "screenshot" => {
                let path = PathBuf::from(rest.trim());
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
            _ => {
                if let Err(problem) = exercise.window_command(word, rest.trim()) {
                    exercise.say(format!("script: {problem}"));
                }
                script.settle = SETTLE_FRAMES;
                return;
            }
        }
    }
}

impl Exercise {
    /// Runs one line of a script that is not a screenshot or `quit`.
    fn window_command(&mut self, word: &str, rest: &str) -> Result<(), String> {
        match word {
            "inspect" => {
                let host = self
                    .simulation()
                    .scenario()
                    .host_named(rest)
                    .ok_or_else(|| format!("no machine is named `{rest}`"))?;
                self.inspected = Some(host);
            }
            "debrief" => self.show_debrief(),
            "truth" => self.show_truth = rest == "on",
            "seek" => {
                let tick = self.simulation().scenario().tick_at(rest)?;
                self.seek(tick)?;
            }
            "take" if rest == "over" || rest.starts_with("over ") => {
                let path = rest.strip_prefix("over").map(str::trim).filter(|path| !path.is_empty());
                self.take_over(path.map(PathBuf::from))?;
            }
            "zoom" => {
                let factor: f32 = rest.parse().map_err(|_| format!("`{rest}` is not a zoom factor"))?;
                let frame = Vec2::new(self.plan.width as f32, self.plan.height as f32);
                self.view.zoom_at(factor, frame / 2.0, frame);
            }
            _ => submit_line(self, &format!("{word} {rest}")),
        }
        Ok(())
    }
}
