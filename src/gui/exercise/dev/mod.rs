//! Tools for tests, previews and benchmarks, kept apart from the panels a trainee uses:
//! scripted windows (`--script`, `--screenshot`) and frame statistics (`--frame-stats`). They
//! drive the window only through the same requests as keys and clicks.

mod frame_stats;
mod script;

pub use frame_stats::FrameStats;
pub use script::Script;

use bevy::prelude::*;

pub fn plugin(app: &mut App) {
    app.add_plugins((script::plugin, frame_stats::plugin));
}
