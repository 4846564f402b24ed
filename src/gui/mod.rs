//! The windowed side of redscreen (the `gui` feature): the warning page in a Bevy window,
//! drawn from the same layout as the PNG, and the exercise in a window (map, inspector, feed,
//! console, clock, debrief) that also plays recorded sessions back. The windows read layouts,
//! pictures and exercise state, and send actions; they decide nothing about either. Fonts and
//! art come from `assets/` through Bevy's asset server; with `--watch`, a saved scenario or
//! asset shows in the open window.

mod assets;
mod exercise;
mod page;
mod watch;

use std::path::PathBuf;

pub use exercise::{ExerciseSystems, ExerciseWindow, MapView, Restart, WatchedScenario, play, replay_window};
pub use page::{PageOf, PageWindow, Relayout, WatchedPage, show_page};

/// A new file in `folder`: `STEM.EXTENSION`, or `STEM-2.EXTENSION` and on when it exists.
pub(crate) fn unused_path(folder: &str, stem: &str, extension: &str) -> PathBuf {
    (1..)
        .map(|number| match number {
            1 => PathBuf::from(format!("{folder}/{stem}.{extension}")),
            _ => PathBuf::from(format!("{folder}/{stem}-{number}.{extension}")),
        })
        .find(|path| !path.exists())
        .unwrap_or_default()
}
