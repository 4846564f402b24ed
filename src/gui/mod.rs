//! The windowed side of redscreen (the `gui` feature): the warning page in a Bevy window,
//! drawn from the same layout as the PNG, and the exercise in a window (map, inspector, feed,
//! console, clock, debrief) that also plays recorded sessions back. The windows read layouts,
//! pictures and exercise state, and send actions; they decide nothing about either. Fonts and
//! art come from `assets/` through Bevy's asset server.

mod assets;
mod exercise;
mod page;

pub use exercise::{ExerciseSystems, ExerciseWindow, MapView, play, replay_window};
pub use page::{PageWindow, Relayout, show_page};
