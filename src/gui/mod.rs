//! The windowed side of redscreen (the `gui` feature): the warning page in a Bevy window,
//! drawn from the same layout as the PNG, and the exercise in a window (map, clock, feed).
//! The windows only read layouts and simulation state; they decide nothing about either.

mod exercise;
mod page;

pub use exercise::{ExerciseWindow, MapPlan, Seen, machine_at, observed_states, paint_map, plan_map, play};
pub use page::{PageWindow, Relayout, show_page};
