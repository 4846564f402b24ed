//! Frame statistics for the frame benchmark: Bevy's frame-time diagnostics over a measured
//! stretch, and the time the simulation and the map's painting took of it; printed, then the
//! window closes.

use std::time::{Duration, Instant};

use bevy::diagnostic::{DiagnosticsStore, FrameTimeDiagnosticsPlugin};
use bevy::prelude::*;

use super::super::run::{ExerciseRun, Pace, Spent};

/// How long to measure, once the first frames are over.
#[derive(Resource)]
pub struct FrameStats {
    pub measure: Duration,
    started: Option<Instant>,
}

impl FrameStats {
    pub fn new(measure: Duration) -> Self {
        Self { measure, started: None }
    }
}

pub fn plugin(app: &mut App) {
    app.add_systems(Last, report_frame_stats.run_if(resource_exists::<FrameStats>));
}

/// The first frames load fonts and build pipelines: they are not the steady state.
const WARM_UP_FRAMES: u32 = 30;

fn report_frame_stats(
    mut stats: ResMut<FrameStats>,
    diagnostics: Option<Res<DiagnosticsStore>>,
    run: NonSend<ExerciseRun>,
    pace: Res<Pace>,
    mut spent: ResMut<Spent>,
    mut exit: MessageWriter<AppExit>,
    mut frames: Local<u32>,
) {
    *frames += 1;
    if *frames == WARM_UP_FRAMES {
        stats.started = Some(Instant::now());
        *spent = Spent::default();
    }
    let Some(started) = stats.started else { return };
    if started.elapsed() < stats.measure {
        return;
    }
    let Some(frame_time) = diagnostics
        .as_ref()
        .and_then(|diagnostics| diagnostics.get(&FrameTimeDiagnosticsPlugin::FRAME_TIME))
    else {
        return;
    };
    let measured = (*frames - WARM_UP_FRAMES) as usize;
    let history: Vec<f64> = frame_time.values().copied().collect();
    let mut times = history[history.len().saturating_sub(measured)..].to_vec();
    times.sort_by(f64::total_cmp);
    if times.is_empty() {
        return;
    }
    let at = |share: f64| times[((times.len() - 1) as f64 * share).round() as usize];
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let per_frame = |spent: Duration| spent.as_secs_f64() * 1000.0 / times.len() as f64;
    println!(
        "frames: {} in {:.1} s at {}x; frame time mean {mean:.1} ms ({:.1} fps), median {:.1} ms, 95th percentile {:.1} ms, worst {:.1} ms",
        times.len(),
        started.elapsed().as_secs_f64(),
        pace.speed,
        1000.0 / mean,
        at(0.5),
        at(0.95),
        at(1.0)
    );
    println!(
        "per frame: simulation {:.2} ms, map painting {:.2} ms; simulated now {}",
        per_frame(spent.simulating),
        per_frame(spent.painting),
        run.exercise().now().map_or(0, |now| now.0)
    );
    exit.write(AppExit::Success);
}
