//! The exercise in a window: the map of every machine coloured by what the responder
//! observes, the clock of every office, the feed, the inspector with the actions that apply,
//! the console, and the debrief; and the same window as a replay viewer with a scrubber and a
//! ground-truth view. The window reads the simulation and sends lines to the console, the one
//! place actions are checked; it never writes the simulated world itself.

mod debrief;
mod map;
mod panels;
mod script;
mod seen;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bevy::asset::RenderAssetUsages;
use bevy::diagnostic::{DiagnosticsStore, FrameTimeDiagnosticsPlugin};
use bevy::image::ImageSampler;
use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::input::mouse::{MouseScrollUnit, MouseWheel};
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use bevy::window::WindowResolution;

use crate::response::{Console, Control, Line, NewsReader, complete, completions};
use crate::scenario::model::{HostId, Scenario, Tick};
use crate::screen::Showing;
use crate::session::{Playback, Session, branch as branch_session, next_session_path};
use crate::sim::Simulation;

pub use debrief::{SERIES, paint_chart};
pub use map::{MapPlan, MapView, machine_at, paint_map, plan_map};
pub use seen::{Seen, SeenMap, stage_colour};

use debrief::{DebriefNow, debrief_now};
use script::Script;

/// How to open the exercise window.
pub struct ExerciseWindow {
    pub width: u32,
    pub height: u32,
    /// Simulated seconds per real second at the start (0: paused).
    pub speed: u32,
    /// Run (or seek a replay) to this tick before showing.
    pub start_at: Option<Tick>,
    /// Lines to run once the window is drawn (see `script.rs`).
    pub script: Vec<String>,
    /// A machine to show in the inspector from the start.
    pub inspect: Option<HostId>,
    /// Measure frame times for this long, print them, and close.
    pub frame_stats: Option<Duration>,
}

/// What the window runs: a live exercise through the console, or a recorded session. (There is
/// one per window, so the sizes of its variants do not matter.)
#[allow(clippy::large_enum_variant)]
enum Run {
    Live(Console),
    Replay(Replayed),
}

/// A session played back in the window.
struct Replayed {
    session: Session,
    /// How a branch taken from it names it.
    path: String,
    playback: Playback,
    news: NewsReader,
    /// Why the playback stopped, if a record disagreed.
    failure: Option<String>,
}

impl Replayed {
    fn start(session: Session, path: String, scenario: Arc<Scenario>) -> Result<Self, crate::session::ReplayError> {
        Ok(Self {
            playback: Playback::start(&session, scenario)?,
            session,
            path,
            news: NewsReader::default(),
            failure: None,
        })
    }
}

/// The running exercise as the window sees it.
struct Exercise {
    run: Run,
    speed: u32,
    paused: bool,
    /// The exercise has ended: the clock stays where it is.
    ended: bool,
    owed_seconds: f32,
    seen: SeenMap,
    /// Colour the map by ground truth (replays only).
    show_truth: bool,
    plan: MapPlan,
    view: MapView,
    map: Handle<Image>,
    /// What the map was last painted from.
    painted: Option<Painted>,
    inspected: Option<HostId>,
    drawn_screen: Option<(HostId, Showing)>,
    screen: Handle<Image>,
    /// Everything the feed has said, oldest first.
    feed: Vec<Line>,
    /// The console line being typed, when the console has the keyboard.
    typing: Option<String>,
    debrief: Option<DebriefNow>,
    debrief_shown: bool,
    chart: Handle<Image>,
    /// The no-response run of the same seed, kept for debriefs.
    baseline: Option<Simulation>,
    /// Time spent on the simulation and on painting the map, for frame statistics.
    spent: Spent,
}

/// What the map shows: the observed states (repainted when they change), or the ground truth
/// of a tick (repainted every tick).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Painted {
    Seen,
    Truth(Option<Tick>),
}

#[derive(Default)]
struct Spent {
    simulating: Duration,
    painting: Duration,
}

/// Sizes of the window's regions, from the window's size (again after every resize).
#[derive(Resource, Clone, Copy, PartialEq)]
struct Regions {
    width: f32,
    height: f32,
    map: Vec2,
}

impl Regions {
    /// The smallest window the regions are laid out for; a smaller one shows part of them.
    const SMALLEST: Vec2 = Vec2::new(800.0, 600.0);

    fn of(width: f32, height: f32) -> Self {
        let size = Vec2::new(width, height).max(Self::SMALLEST);
        Self {
            width: size.x,
            height: size.y,
            map: Vec2::new((size.x * 0.7).floor(), size.y - CLOCK_BAR - BOTTOM_BAR),
        }
    }

    /// The point of the map's frame under a window point, when it is inside the frame.
    fn map_point(&self, cursor: Vec2) -> Option<Vec2> {
        let point = cursor - Vec2::new(0.0, CLOCK_BAR);
        (point.x >= 0.0 && point.y >= 0.0 && point.x < self.map.x && point.y < self.map.y).then_some(point)
    }
}

/// Height of the clock bar above the map.
const CLOCK_BAR: f32 = 40.0;
/// Height of the legend and console (or scrubber) below the map.
const BOTTOM_BAR: f32 = 68.0;
/// Size of the inspector's picture of a machine's screen.
const SCREEN_PREVIEW: (u32, u32) = (320, 180);
/// Size of the debrief's chart.
const CHART: (u32, u32) = (400, 220);

impl Run {
    fn simulation(&self) -> &Simulation {
        match self {
            Run::Live(console) => &console.simulation,
            Run::Replay(replayed) => &replayed.playback.simulation,
        }
    }
}

impl Exercise {
    fn simulation(&self) -> &Simulation {
        self.run.simulation()
    }

    /// The machine under a point of the map's frame, as the map is zoomed and panned.
    fn machine_under(&self, frame_point: Vec2) -> Option<HostId> {
        let at = self.view.to_map(frame_point);
        machine_at(&self.plan, at.x, at.y)
    }

    fn is_replay(&self) -> bool {
        matches!(self.run, Run::Replay(_))
    }

    /// Adds a line to the feed.
    fn say(&mut self, text: impl Into<String>) {
        self.feed.push(Line::from(text.into()));
    }

    /// Advances one tick; returns false when the clock cannot go on.
    fn step(&mut self) -> bool {
        let started = Instant::now();
        let going = match &mut self.run {
            Run::Live(console) if !console.finished() => {
                let lines = console.advance(1);
                self.feed.extend(lines);
                true
            }
            Run::Replay(replayed)
                if replayed.failure.is_none()
                    && replayed
                        .playback
                        .simulation
                        .now()
                        .is_none_or(|now| now.0 < replayed.playback.last()) =>
            {
                match replayed.playback.step() {
                    Ok(()) => {
                        let lines = replayed.news.read(&replayed.playback.simulation);
                        self.feed.extend(lines);
                        true
                    }
                    Err(error) => {
                        let text = format!("replay stopped: {error}");
                        replayed.failure = Some(text.clone());
                        self.say(text);
                        false
                    }
                }
            }
            _ => false,
        };
        self.spent.simulating += started.elapsed();
        going
    }

    /// Moves a replay to a tick: forwards by playing on, backwards by playing again from the
    /// start (a replay is deterministic, so both arrive at the same state).
    fn seek(&mut self, tick: Tick) -> Result<(), String> {
        let Run::Replay(replayed) = &mut self.run else {
            return Err("only a replay can seek; a live exercise moves with `wait` and `until`".to_string());
        };
        let tick = Tick(tick.0.min(replayed.playback.last()));
        if replayed.playback.simulation.now().is_some_and(|now| now > tick) {
            let scenario = replayed.playback.simulation.shared_scenario();
            *replayed = Replayed::start(replayed.session.clone(), replayed.path.clone(), scenario)
                .map_err(|error| error.to_string())?;
            self.seen = SeenMap::new(self.seen.states().len());
            self.feed.clear();
            self.painted = None;
        }
        while self.simulation().now().is_none_or(|now| now < tick) && self.step() {}
        Ok(())
    }

    /// Takes over a replay at its present moment: the session so far is recorded again into a
    /// new session that names it as its origin, and the window becomes a live exercise from
    /// there. Returns where the new session is written.
    fn take_over(&mut self, record: Option<PathBuf>) -> Result<PathBuf, String> {
        let Run::Replay(replayed) = &self.run else {
            return Err("only a replay can be taken over".to_string());
        };
        if let Some(failure) = &replayed.failure {
            return Err(format!("this replay cannot be taken over: {failure}"));
        }
        let branch = Tick(replayed.playback.simulation.now().map_or(0, |now| now.0 + 1));
        let scenario = replayed.playback.simulation.shared_scenario();
        let header = &replayed.session.header;
        let path = record.unwrap_or_else(|| next_session_path(&header.scenario, header.seed));
        let (simulation, recorder) = branch_session(
            &replayed.session,
            &replayed.path,
            Arc::clone(&scenario),
            branch,
            &path,
            "gui",
        )
        .map_err(|error| error.to_string())?;
        let mut console = Console::resume(simulation);
        console.record_to(recorder);
        self.run = Run::Live(console);
        self.show_truth = false;
        self.paused = true;
        let time = scenario.time_of(branch).strftime("%a %H:%M %Z");
        self.say(format!(
            "You have taken over from {time} (tick {}): the session goes on in {}.",
            branch.0,
            path.display()
        ));
        println!("Recording the branch to {}.", path.display());
        Ok(path)
    }

    /// Ends the exercise: the clock stops, the session gets its end record, and the debrief
    /// shows (and goes to standard output, as the terminal console prints it).
    fn end(&mut self) {
        if self.ended {
            return;
        }
        self.ended = true;
        self.paused = true;
        if let Run::Live(console) = &mut self.run
            && let Some(path) = console.finish_recording()
        {
            println!("Session recorded to {path}.");
            self.say(format!("Session recorded to {path}."));
        }
        self.show_debrief();
        if let Some(now) = &self.debrief {
            print!("{}", self.simulation().outcome());
            println!();
            print!("{}", now.debrief);
        }
    }

    /// Grades the run so far and shows the debrief.
    fn show_debrief(&mut self) {
        self.debrief = Some(debrief_now(self.run.simulation(), &mut self.baseline));
        self.debrief_shown = true;
    }
}

/// Sends a line to the console, exactly as if typed there; window buttons and scripts use it
/// too, so every action goes through the one place that checks it.
fn submit_line(exercise: &mut Exercise, line: &str) {
    let line = line.trim();
    if line.is_empty() {
        return;
    }
    exercise.say(format!("> {line}"));
    let Run::Live(console) = &mut exercise.run else {
        exercise.say("a replay takes no new actions: branch it with `redscreen replay FILE --branch-at`");
        return;
    };
    if exercise.ended {
        exercise.say("the exercise has ended");
        return;
    }
    let started = Instant::now();
    let (lines, control) = console.handle(line);
    exercise.spent.simulating += started.elapsed();
    exercise.feed.extend(lines);
    match control {
        Control::Continue => {}
        Control::Pause => exercise.paused = true,
        Control::Play => exercise.paused = false,
        Control::Speed(speed) => {
            exercise.speed = speed;
            exercise.paused = false;
        }
        Control::End => exercise.end(),
    }
}

/// An RGBA texture the window's images are made from, drawn without smoothing so that
/// zoomed cells stay sharp.
fn texture(width: u32, height: u32, pixels: Vec<u8>) -> Image {
    let mut image = Image::new(
        Extent3d {
            width,
            height,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        pixels,
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::default(),
    );
    image.sampler = ImageSampler::nearest();
    image
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
) -> Result<AppExit, crate::session::ReplayError> {
    Ok(open(Run::Replay(Replayed::start(session, path, scenario)?), window))
}

fn open(run: Run, window: ExerciseWindow) -> AppExit {
    let scenario = run.simulation().shared_scenario();
    let regions = Regions::of(window.width as f32, window.height as f32);
    let plan = plan_map(&scenario, regions.map.x as u32, regions.map.y as u32);
    let mut app = App::new();
    app.add_plugins(DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window {
            title: format!("redscreen: {}", scenario.meta.title),
            resolution: WindowResolution::new(window.width, window.height).with_scale_factor_override(1.0),
            ..default()
        }),
        ..default()
    }))
    .insert_resource(ClearColor(Color::srgb_u8(0x0c, 0x0e, 0x12)))
    .insert_resource(regions);
    let fonts = panels::UiFonts::load(&mut app.world_mut().resource_mut::<Assets<Font>>());
    app.insert_resource(fonts);
    let mut images = app.world_mut().resource_mut::<Assets<Image>>();
    let blank = |(width, height): (u32, u32)| texture(width, height, vec![0; (width * height * 4) as usize]);
    let map = images.add(blank((plan.width, plan.height)));
    let screen = images.add(blank(SCREEN_PREVIEW));
    let chart = images.add(blank(CHART));
    let mut exercise = Exercise {
        seen: SeenMap::new(scenario.hosts.len()),
        run,
        speed: window.speed.max(1),
        paused: window.speed == 0,
        ended: false,
        owed_seconds: 0.0,
        show_truth: false,
        plan,
        view: MapView::default(),
        map,
        painted: None,
        inspected: window.inspect,
        drawn_screen: None,
        screen,
        feed: Vec::new(),
        typing: None,
        debrief: None,
        debrief_shown: false,
        chart,
        baseline: None,
        spent: Spent::default(),
    };
    if let Run::Live(console) = &exercise.run {
        let briefing = console.briefing();
        exercise.feed.extend(briefing.into_iter().map(Line::from));
    }
    if let Some(tick) = window.start_at {
        match exercise.run {
            Run::Live(_) => while exercise.simulation().now().is_none_or(|now| now < tick) && exercise.step() {},
            Run::Replay(_) => {
                if let Err(problem) = exercise.seek(tick) {
                    exercise.say(problem);
                }
            }
        }
    }
    app.insert_non_send(exercise)
        .insert_resource(Script::new(window.script))
        .add_systems(Startup, panels::spawn_camera)
        .add_systems(
            Update,
            (
                follow_resize,
                panels::lay_out,
                keyboard,
                steer_map,
                panels::press_buttons,
                script::run_script,
                advance,
                repaint_map,
                panels::refresh,
                panels::refresh_inspector,
                panels::refresh_debrief,
            )
                .chain(),
        )
        .add_systems(Last, finish_on_exit);
    if let Some(duration) = window.frame_stats {
        app.add_plugins(FrameTimeDiagnosticsPlugin::new(100_000))
            .insert_resource(FrameStats {
                measure: duration,
                started: None,
            })
            .add_systems(Last, report_frame_stats);
    }
    app.run()
}

/// F12 saves the window to `screenshots/` (for reports), whether or not the console is open.
/// Keys: with the console closed, space pauses, 1/2/3 set 1x/10x/60x, S steps, D shows the
/// debrief, G toggles ground truth and T takes over (replays), +/- zoom, arrows pan (or seek a replay by an
/// hour), Enter or Tab opens the console. With it open, keys type; Tab completes names, Enter
/// sends, Escape closes.
fn keyboard(
    mut commands: Commands,
    mut keys: MessageReader<KeyboardInput>,
    mut exercise: NonSendMut<Exercise>,
    regions: Res<Regions>,
) {
    for key in keys.read() {
        if key.state != ButtonState::Pressed {
            continue;
        }
        if key.key_code == KeyCode::F12 {
            save_screenshot(&mut commands, &mut exercise);
            continue;
        }
        if let Some(mut line) = exercise.typing.take() {
            match &key.logical_key {
                Key::Enter => {
                    submit_line(&mut exercise, &line);
                    continue;
                }
                Key::Escape => continue,
                Key::Backspace => {
                    line.pop();
                }
                Key::Tab => line = complete(&line, exercise.simulation().scenario()),
                Key::Space => line.push(' '),
                Key::Character(text) => line.push_str(text),
                _ => {}
            }
            exercise.typing = Some(line);
            continue;
        }
        let frame = regions.map;
        let hour = 3600 / exercise.simulation().scenario().meta.tick_seconds.max(1);
        match (&key.logical_key, key.key_code) {
            (Key::Enter | Key::Tab, _) if !exercise.is_replay() => exercise.typing = Some(String::new()),
            (Key::Escape, _) if exercise.debrief_shown => exercise.debrief_shown = false,
            (Key::Escape, _) => exercise.view = MapView::default(),
            (_, KeyCode::Space) => exercise.paused = !exercise.paused,
            (_, KeyCode::KeyS) => {
                exercise.paused = true;
                exercise.step();
            }
            (_, KeyCode::KeyD) => match exercise.debrief_shown {
                true => exercise.debrief_shown = false,
                false => exercise.show_debrief(),
            },
            (_, KeyCode::KeyG) if exercise.is_replay() => exercise.show_truth = !exercise.show_truth,
            (_, KeyCode::KeyT) if exercise.is_replay() => {
                if let Err(problem) = exercise.take_over(None) {
                    exercise.say(problem);
                }
            }
            (Key::Character(text), _) if text == "+" || text == "=" => exercise.view.zoom_at(1.5, frame / 2.0, frame),
            (Key::Character(text), _) if text == "-" => exercise.view.zoom_at(1.0 / 1.5, frame / 2.0, frame),
            (_, KeyCode::ArrowLeft | KeyCode::ArrowRight) if exercise.is_replay() => {
                let now = exercise.simulation().now().map_or(0, |now| now.0);
                let target = match key.key_code {
                    KeyCode::ArrowLeft => now.saturating_sub(hour),
                    _ => now + hour,
                };
                if let Err(problem) = exercise.seek(Tick(target)) {
                    exercise.say(problem);
                }
            }
            (_, KeyCode::ArrowLeft) => exercise.view.pan(Vec2::new(80.0, 0.0), frame),
            (_, KeyCode::ArrowRight) => exercise.view.pan(Vec2::new(-80.0, 0.0), frame),
            (_, KeyCode::ArrowUp) => exercise.view.pan(Vec2::new(0.0, 80.0), frame),
            (_, KeyCode::ArrowDown) => exercise.view.pan(Vec2::new(0.0, -80.0), frame),
            (_, code) => {
                let speeds = [(KeyCode::Digit1, 1), (KeyCode::Digit2, 10), (KeyCode::Digit3, 60)];
                if let Some((_, speed)) = speeds.iter().find(|(key, _)| *key == code) {
                    exercise.speed = *speed;
                    exercise.paused = false;
                }
            }
        }
    }
}

/// Saves the window as `screenshots/ID-tickN.png` (numbered on when taken twice), and says where.
fn save_screenshot(commands: &mut Commands, exercise: &mut Exercise) {
    let id = exercise.simulation().scenario().meta.id.clone();
    let tick = exercise.simulation().now().map_or(0, |now| now.0);
    let path = (1..)
        .map(|number| match number {
            1 => PathBuf::from(format!("screenshots/{id}-tick{tick}.png")),
            _ => PathBuf::from(format!("screenshots/{id}-tick{tick}-{number}.png")),
        })
        .find(|path| !path.exists())
        .unwrap_or_default();
    if let Err(error) = std::fs::create_dir_all("screenshots") {
        exercise.say(format!("cannot save a screenshot: screenshots/: {error}"));
        return;
    }
    commands
        .spawn(bevy::render::view::screenshot::Screenshot::primary_window())
        .observe(bevy::render::view::screenshot::save_to_disk(path.clone()));
    println!("screenshot: {}", path.display());
    exercise.say(format!("screenshot saved to {}", path.display()));
}

/// The wheel zooms the map around the cursor; dragging with the right or middle button pans.
/// A left click on a cell inspects the machine.
fn steer_map(
    mut wheel: MessageReader<MouseWheel>,
    mouse: Res<ButtonInput<MouseButton>>,
    window: Single<&Window>,
    regions: Res<Regions>,
    mut exercise: NonSendMut<Exercise>,
    mut last_cursor: Local<Option<Vec2>>,
) {
    let cursor = window.cursor_position();
    let inside = cursor.and_then(|cursor| regions.map_point(cursor));
    for scroll in wheel.read() {
        // One event is at most a couple of notches: X11's first smooth-scroll event after the
        // window gains focus can report the wheel's whole history.
        let notches = match scroll.unit {
            MouseScrollUnit::Line => scroll.y,
            MouseScrollUnit::Pixel => scroll.y / 40.0,
        }
        .clamp(-2.0, 2.0);
        if let Some(point) = inside
            && !exercise.debrief_shown
        {
            exercise.view.zoom_at(1.25f32.powf(notches), point, regions.map);
        }
    }
    if let (Some(now), Some(before)) = (cursor, *last_cursor)
        && mouse.any_pressed([MouseButton::Right, MouseButton::Middle])
        && inside.is_some()
    {
        exercise.view.pan(now - before, regions.map);
    }
    *last_cursor = cursor;
    if mouse.just_pressed(MouseButton::Left)
        && !exercise.debrief_shown
        && let Some(point) = inside
        && let Some(host) = exercise.machine_under(point)
    {
        exercise.inspected = Some(host);
    }
}

/// A resized window gets regions, a map plan and a map texture of its new size; the panels
/// are then laid out again (`panels::lay_out`).
fn follow_resize(
    mut resized: MessageReader<bevy::window::WindowResized>,
    mut regions: ResMut<Regions>,
    mut exercise: NonSendMut<Exercise>,
    mut images: ResMut<Assets<Image>>,
) {
    let Some(last) = resized.read().last() else { return };
    let next = Regions::of(last.width, last.height);
    if next == *regions {
        return;
    }
    *regions = next;
    let plan = plan_map(exercise.simulation().scenario(), next.map.x as u32, next.map.y as u32);
    let pixels = vec![0; (plan.width * plan.height * 4) as usize];
    exercise.map = images.add(texture(plan.width, plan.height, pixels));
    exercise.plan = plan;
    exercise.view = MapView::default();
    exercise.painted = None;
}

/// Runs the clock: simulated time owed by the real time passed, at the chosen speed.
fn advance(time: Res<Time>, mut exercise: NonSendMut<Exercise>) {
    if exercise.paused || exercise.ended || exercise.typing.is_some() {
        return;
    }
    let tick_seconds = exercise.simulation().scenario().meta.tick_seconds as f32;
    exercise.owed_seconds += time.delta_secs() * exercise.speed as f32;
    while exercise.owed_seconds >= tick_seconds {
        exercise.owed_seconds -= tick_seconds;
        if !exercise.step() {
            exercise.owed_seconds = 0.0;
            if let Run::Live(console) = &exercise.run
                && console.finished()
            {
                exercise.end();
            }
            break;
        }
    }
}

/// Repaints the map when what it shows has changed.
fn repaint_map(mut exercise: NonSendMut<Exercise>, mut images: ResMut<Assets<Image>>) {
    let started = Instant::now();
    let exercise = &mut *exercise;
    let simulation = exercise.run.simulation();
    let changed = exercise.seen.update(simulation);
    let from = match exercise.show_truth {
        true => Painted::Truth(simulation.now()),
        false => Painted::Seen,
    };
    if exercise.painted == Some(from) && !(changed && from == Painted::Seen) {
        return;
    }
    let pixels = if exercise.show_truth {
        let stages = &simulation.world().resource::<crate::sim::GroundTruth>().stages;
        paint_map(&exercise.plan, stages.iter().map(|stage| stage_colour(*stage)))
    } else {
        paint_map(&exercise.plan, exercise.seen.states().iter().map(|seen| seen.colour()))
    };
    if let Some(mut image) = images.get_mut(&exercise.map) {
        image.data = Some(pixels);
    }
    exercise.painted = Some(from);
    exercise.spent.painting += started.elapsed();
}

/// Gives the session its end record when the window closes before the exercise ended.
fn finish_on_exit(mut exits: MessageReader<AppExit>, mut exercise: NonSendMut<Exercise>) {
    if exits.read().next().is_none() {
        return;
    }
    if let Run::Live(console) = &mut exercise.run
        && let Some(path) = console.finish_recording()
    {
        println!("Session recorded to {path}.");
    }
}

#[derive(Resource)]
struct FrameStats {
    measure: Duration,
    started: Option<Instant>,
}

/// Frame statistics from Bevy's frame-time diagnostics, once the measuring time is over.
fn report_frame_stats(
    mut stats: ResMut<FrameStats>,
    diagnostics: Res<DiagnosticsStore>,
    mut exercise: NonSendMut<Exercise>,
    mut exit: MessageWriter<AppExit>,
    mut frames: Local<u32>,
) {
    *frames += 1;
    // The first frames load fonts and build pipelines: they are not the steady state.
    if *frames == 30 {
        stats.started = Some(Instant::now());
        exercise.spent = Spent::default();
    }
    let Some(started) = stats.started else { return };
    if started.elapsed() < stats.measure {
        return;
    }
    let Some(frame_time) = diagnostics.get(&FrameTimeDiagnosticsPlugin::FRAME_TIME) else {
        return;
    };
    let measured = (*frames - 30) as usize;
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
        exercise.speed,
        1000.0 / mean,
        at(0.5),
        at(0.95),
        at(1.0)
    );
    println!(
        "per frame: simulation {:.2} ms, map painting {:.2} ms; simulated now {}",
        per_frame(exercise.spent.simulating),
        per_frame(exercise.spent.painting),
        exercise.simulation().now().map_or(0, |now| now.0)
    );
    exit.write(AppExit::Success);
}

/// The completions offered for the line being typed, for the console's hint.
fn offered(exercise: &Exercise) -> Vec<String> {
    exercise
        .typing
        .as_deref()
        .map(|line| completions(line, exercise.simulation().scenario()))
        .unwrap_or_default()
}
