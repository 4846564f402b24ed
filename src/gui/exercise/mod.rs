//! The exercise in a window: the map of every machine coloured by what the responder
//! observes, the clock of every office, the feed, the inspector with the actions that apply,
//! the console line, the case panel over the map, and the debrief; and the same window as a replay viewer with a scrubber
//! and a ground-truth view. Each panel is a plugin of its own; they ask for actions through
//! `Request` messages, which `run` carries out through the console, the one place actions are
//! checked. The window never writes the simulated world itself.

mod case_panel;
mod clock_bar;
mod console_line;
mod debrief;
mod dev;
mod feed;
mod inspector;
mod layout;
mod map;
mod reload;
mod replay_bar;
mod run;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use bevy::diagnostic::FrameTimeDiagnosticsPlugin;
use bevy::ecs::schedule::ScheduleLabel;
use bevy::input::ButtonState;
use bevy::input::keyboard::KeyboardInput;
use bevy::prelude::*;
use bevy::window::WindowResolution;

use crate::exercise::Console;
use crate::scenario::Scenario;
use crate::scenario::model::{HostId, Tick};
use crate::session::{ReplayError, Session};

use run::{ExerciseRun, Feed, Inspected, Pace, Replayed, Request, Run, SeenStates, ShowTruth, Spent};

pub use map::MapView;
pub use reload::{Restart, WatchedScenario};

/// How to open the exercise window.
pub struct ExerciseWindow {
    pub width: u32,
    pub height: u32,
    /// Simulated seconds per real second at the start (0: paused).
    pub speed: u32,
    /// Run (or seek a replay) to this tick before showing.
    pub start_at: Option<Tick>,
    /// Lines to run once the window is drawn (see `dev/script.rs`).
    pub script: Vec<String>,
    /// A machine to show in the inspector from the start.
    pub inspect: Option<HostId>,
    /// Measure frame times for this long, print them, and close.
    pub frame_stats: Option<Duration>,
    /// Restart on the scenario file whenever it is saved (`play FILE --watch`).
    pub watch: Option<WatchedScenario>,
}

/// The schedules that build the window for an exercise, run at the start and again when the
/// exercise restarts on a saved scenario: the panels' own state made anew, the regions of the
/// window, then the panels in them.
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
struct ResetPanels;
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
struct SpawnRegions;
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
struct SpawnPanels;

/// A root entity the schedules above spawned: what a restart takes down.
#[derive(Component)]
struct ExercisePart;

/// A panel's own state, made anew when the exercise restarts.
trait PanelState {
    fn init_panel_state<R: Resource + Default>(&mut self) -> &mut Self;
}

impl PanelState for App {
    fn init_panel_state<R: Resource + Default>(&mut self) -> &mut Self {
        self.init_resource::<R>()
            .add_systems(ResetPanels, |mut commands: Commands| {
                commands.insert_resource(R::default())
            })
    }
}

/// Builds the window's panels for the exercise being run, marking what it spawns.
fn build_panels(world: &mut World) {
    let mut roots = world.query_filtered::<Entity, Without<ChildOf>>();
    let before: HashSet<Entity> = roots.iter(world).collect();
    for schedule in [ResetPanels.intern(), SpawnRegions.intern(), SpawnPanels.intern()] {
        let _ = world.try_run_schedule(schedule);
    }
    let spawned: Vec<Entity> = roots.iter(world).filter(|root| !before.contains(root)).collect();
    for root in spawned {
        world.entity_mut(root).insert(ExercisePart);
    }
}

/// The order of the window's work in a frame, each variant a stage every panel may join.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExerciseSystems {
    /// The console line takes the keyboard first when it is open.
    Keyboard,
    /// Keys, pointer, buttons and scripts become requests (or change their own panel).
    Input,
    /// Requests are carried out; the clock moves.
    Act,
    /// What is new is taken in: observed states, the map's texture.
    Observe,
    /// Panels show the state.
    Draw,
}

/// Opens the exercise window on a live console (which records, if it was told to); returns
/// when the window closes.
pub fn play(console: Console, window: ExerciseWindow) -> AppExit {
    open(Run::Live(console), window)
}

/// Opens the replay viewer on a session (`path` names it in branches taken from it); fails at
/// once if the scenario is not the recorded one.
pub fn replay_window(
    session: Session,
    path: String,
    scenario: Arc<Scenario>,
    window: ExerciseWindow,
) -> Result<AppExit, ReplayError> {
    Ok(open(Run::Replay(Replayed::start(session, path, scenario)?), window))
}

fn open(run: Run, window: ExerciseWindow) -> AppExit {
    let mut run = ExerciseRun::new(run);
    let scenario = run.exercise().shared_scenario();
    let mut feed = Feed::default();
    if let Run::Live(console) = &run.run {
        feed.lines.extend(console.briefing().into_iter().map(Into::into));
    }
    let mut startup_requests = Vec::new();
    if let Some(tick) = window.start_at {
        match run.run {
            Run::Live(_) => while run.exercise().now().is_none_or(|now| now < tick) && run.step(&mut feed) {},
            Run::Replay(_) => startup_requests.push(Request::Seek(tick)),
        }
    }
    let mut app = App::new();
    app.add_plugins(DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window {
            title: format!("redscreen: {}", scenario.meta.title),
            resolution: WindowResolution::new(window.width, window.height).with_scale_factor_override(1.0),
            ..default()
        }),
        ..default()
    }))
    .add_plugins(super::assets::plugin)
    .insert_resource(ClearColor(Color::srgb_u8(0x0c, 0x0e, 0x12)))
    .configure_sets(
        Update,
        (
            ExerciseSystems::Keyboard,
            ExerciseSystems::Input,
            ExerciseSystems::Act,
            ExerciseSystems::Observe,
            ExerciseSystems::Draw,
        )
            .chain(),
    )
    .add_message::<Request>()
    .insert_non_send(run)
    .insert_resource(Pace::new(window.speed))
    .insert_resource(feed)
    .insert_resource(Inspected(window.inspect))
    .insert_resource(SeenStates::new(scenario.hosts.len()))
    .init_resource::<ShowTruth>()
    .init_resource::<Spent>()
    .insert_resource(dev::Script::new(window.script))
    .add_plugins((
        layout::plugin,
        clock_bar::plugin,
        case_panel::plugin,
        map::plugin,
        inspector::plugin,
        feed::plugin,
        console_line::plugin,
        debrief::plugin,
        replay_bar::plugin,
        dev::plugin,
    ))
    .add_systems(PostStartup, build_panels)
    .add_systems(Startup, move |mut requests: MessageWriter<Request>| {
        requests.write_batch(startup_requests.clone());
    })
    .add_systems(
        Update,
        (
            (layout::light_buttons, save_screenshot_on_f12).in_set(ExerciseSystems::Input),
            (run::carry_out_requests, run::advance_clock)
                .chain()
                .in_set(ExerciseSystems::Act),
            run::observe.in_set(ExerciseSystems::Observe),
        ),
    )
    .add_systems(Last, run::finish_on_exit);
    if let Some(watch) = window.watch {
        reload::watch_scenario(&mut app, watch);
    }
    if let Some(measure) = window.frame_stats {
        app.add_plugins(FrameTimeDiagnosticsPlugin::new(100_000))
            .insert_resource(dev::FrameStats::new(measure));
    }
    app.run()
}

/// F12 saves the window as `screenshots/ID-tickN.png` (numbered on when taken twice), whether
/// or not the console line is open, and says where.
fn save_screenshot_on_f12(
    mut commands: Commands,
    mut keys: MessageReader<KeyboardInput>,
    run: NonSend<ExerciseRun>,
    mut feed: ResMut<Feed>,
) {
    let pressed = keys
        .read()
        .any(|key| key.state == ButtonState::Pressed && key.key_code == KeyCode::F12);
    if !pressed {
        return;
    }
    let exercise = run.exercise();
    let id = &exercise.scenario().meta.id;
    let tick = exercise.now().map_or(0, |now| now.0);
    let path = super::unused_path("screenshots", &format!("{id}-tick{tick}"), "png");
    if let Err(error) = std::fs::create_dir_all("screenshots") {
        feed.say(format!("cannot save a screenshot: screenshots/: {error}"));
        return;
    }
    commands
        .spawn(bevy::render::view::screenshot::Screenshot::primary_window())
        .observe(bevy::render::view::screenshot::save_to_disk(path.clone()));
    println!("screenshot: {}", path.display());
    feed.say(format!("screenshot saved to {}", path.display()));
}
