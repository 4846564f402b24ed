//! The windowed side of redscreen (the `gui` feature): the warning page in a Bevy window,
//! drawn from the same layout as the PNG, and the exercise in a window (map, inspector, feed,
//! console, clock, debrief) that also plays recorded sessions back.
//! The windows only read layouts and simulation state; they decide nothing about either.

mod exercise;
mod page;

pub use exercise::{
    ExerciseWindow, MapPlan, MapView, SERIES, Seen, SeenMap, machine_at, paint_chart, paint_map, plan_map, play,
    replay_window, stage_colour,
};
pub use page::{PageWindow, Relayout, show_page};
