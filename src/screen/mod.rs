//! The pictures redscreen draws. The warning page and the other screens a machine can show
//! (its desktop, the black "no bootable device" screen) as one layout model drawn by thin back
//! ends: the CPU renderer to PNG here, Bevy UI in the windowed app. The company's map and the
//! debrief's chart, painted on the CPU for the window and the report alike.

mod art;
mod chart;
mod fonts;
mod layout;
mod map;
mod raster;

use crate::scenario::model::{HostId, Scenario, Tick};
use crate::sim::{Simulation, Stage};

pub use art::{Art, Paint, SKELETON_SOURCE, Shape};
pub use chart::{SERIES, paint_chart};
pub use fonts::{Face, Fonts};
pub use layout::{FRAMES, Item, Layout, Part, Picture, desktop, no_boot, warning_page, wrap};
pub use map::{
    MAP_STATES, MapOrder, MapPlan, MapShares, MapWindow, OfficeLabel, finer_cells, machine_at, paint_cell, paint_map,
    paint_view, plan_finer, plan_level, plan_map, stage_colour,
};
pub use raster::{RenderError, draw, picture_pixels, png};

/// Whether a file holds a whole PNG (a screenshot still being written does not).
pub fn is_png_complete(path: &std::path::Path) -> bool {
    tiny_skia::Pixmap::load_png(path).is_ok()
}

/// What a machine's screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Showing {
    /// Its usual desktop.
    Desktop,
    /// The attacker's warning page.
    WarningPage,
    /// The firmware's message after the wipe.
    NoBootableDevice,
    /// Nothing: it is switched off.
    Off,
}

/// What a machine of a simulation shows now.
pub fn showing(simulation: &Simulation, host: HostId) -> Showing {
    if simulation.truth(host).powered_off {
        return Showing::Off;
    }
    match simulation.stage(host) {
        Stage::Defaced | Stage::Wiping => Showing::WarningPage,
        Stage::Wiped => Showing::NoBootableDevice,
        _ => Showing::Desktop,
    }
}

/// The layout of what a machine shows at a tick, for a screen size (a desktop's clock shows
/// its office's time).
pub fn screen_of(scenario: &Scenario, host: HostId, showing: Showing, at: Tick, width: u32, height: u32) -> Layout {
    match showing {
        Showing::Desktop => {
            let machine = &scenario.hosts[host.index()];
            let clock = scenario.local_time(machine.office, at).strftime("%a %H:%M").to_string();
            desktop(&machine.name, &clock, width, height)
        }
        Showing::WarningPage => warning_page(&scenario.screen, width, height),
        Showing::NoBootableDevice => no_boot(&scenario.screen.after_wipe, width, height),
        Showing::Off => no_boot("", width, height),
    }
}
