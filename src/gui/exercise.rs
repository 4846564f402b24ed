//! The exercise in a window (first slice): a map of every machine coloured by what the
//! responder observes, the clock of every office with pause and speed, and the feed of
//! observations and the team's work, newest first. The window only reads the simulation and
//! the observation and action logs; it never writes the simulated world.

use std::path::PathBuf;
use std::sync::Arc;

use bevy::asset::RenderAssetUsages;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use bevy::render::view::screenshot::{Screenshot, save_to_disk};
use bevy::text::{FontSize, TextFont};
use bevy::window::WindowResolution;

use crate::response::{Action, Desk, Outcome, describe_observation};
use crate::scenario::model::{HostId, Scenario, Tick};
use crate::screen::{Face, Fonts, Showing, is_png_complete};
use crate::sim::{Observation, ObservationLog, Simulation};

/// What the responder knows of a machine, from observations and the team's own work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Nothing reported.
    Quiet,
    /// An alert names it.
    Alerting,
    /// Its user reported the warning page.
    PageReported,
    /// The team cut it off the network.
    Isolated,
    /// The team switched it off.
    Off,
    /// The team is imaging its disk.
    BeingImaged,
    /// The team restored or rebuilt it.
    Restored,
}

impl Seen {
    fn colour(self) -> [u8; 3] {
        match self {
            Seen::Quiet => [0x3a, 0x44, 0x50],
            Seen::Alerting => [0xf0, 0xa0, 0x20],
            Seen::PageReported => [0xe0, 0x18, 0x18],
            Seen::Isolated => [0x30, 0x80, 0xf0],
            Seen::Off => [0x10, 0x10, 0x10],
            Seen::BeingImaged => [0xa0, 0x50, 0xe0],
            Seen::Restored => [0x30, 0xc0, 0x60],
        }
    }
}

/// The observed state of every machine, from the logs the responder has.
pub fn observed_states(simulation: &Simulation) -> Vec<Seen> {
    let scenario = simulation.scenario();
    let world = simulation.world();
    let mut seen = vec![Seen::Quiet; scenario.hosts.len()];
    for observed in &world.resource::<ObservationLog>().observations {
        let Some(host) = observed.host else { continue };
        let state = match observed.what {
            Observation::HelpdeskCall => Seen::PageReported,
            Observation::EdrSuspiciousService | Observation::EdrRawDiskWrite | Observation::LogAlert { .. } => {
                Seen::Alerting
            }
            _ => continue,
        };
        let slot = &mut seen[host.index()];
        if *slot != Seen::PageReported {
            *slot = state;
        }
    }
    for entry in &world.resource::<Desk>().log {
        let done = matches!(entry.outcome, Outcome::Completed { .. });
        let under_way = matches!(entry.outcome, Outcome::Started { .. });
        match (&entry.action, done, under_way) {
            (Action::Isolate(scope), true, _) => scenario
                .hosts_in(scope)
                .into_iter()
                .for_each(|host| seen[host.index()] = Seen::Isolated),
            (Action::PowerOff(host), true, _) => seen[host.index()] = Seen::Off,
            (Action::ImageDisk(host), _, true) => seen[host.index()] = Seen::BeingImaged,
            (Action::RestoreFromBackup(host) | Action::Rebuild(host), true, _) => seen[host.index()] = Seen::Restored,
            _ => {}
        }
    }
    seen
}

/// Where each machine's cell is on the map: offices side by side, subnets stacked in them.
pub struct MapPlan {
    pub width: u32,
    pub height: u32,
    pub cell: u32,
    /// Top-left pixel of each machine's cell.
    pub cells: Vec<(u32, u32)>,
    /// Each office's name and the pixel its label goes at.
    pub labels: Vec<(String, u32, u32)>,
}

/// Lays the map out in `width` × `height` pixels, with the largest cells that fit.
pub fn plan_map(scenario: &Scenario, width: u32, height: u32) -> MapPlan {
    (2..=24)
        .rev()
        .map(|cell| plan_with_cells(scenario, width, height, cell))
        .find(|plan| plan.cells.iter().all(|&(_, y)| y + plan.cell <= height))
        .unwrap_or_else(|| plan_with_cells(scenario, width, height, 2))
}

/// Offices side by side, each with columns in proportion to its machines; subnets stacked.
fn plan_with_cells(scenario: &Scenario, width: u32, height: u32, cell: u32) -> MapPlan {
    let hosts = scenario.hosts.len().max(1) as f32;
    let columns_total = (width / cell).max(1);
    let mut cells = vec![(0, 0); scenario.hosts.len()];
    let mut labels = Vec::new();
    let mut left = 0u32;
    for (office_index, office) in scenario.offices.iter().enumerate() {
        let office_hosts: Vec<usize> = (0..scenario.hosts.len())
            .filter(|&host| scenario.hosts[host].office.index() == office_index)
            .collect();
        let columns = ((office_hosts.len() as f32 / hosts) * columns_total as f32)
            .floor()
            .max(3.0) as u32;
        // Neighbouring offices' names alternate between two lines so that they never overlap.
        labels.push((
            office.name.clone(),
            left * cell,
            if office_index % 2 == 0 { 2 } else { 20 },
        ));
        let mut row = 0u32;
        for &subnet in &office.subnets {
            let mut column = 0u32;
            let mut placed = false;
            for &host in office_hosts
                .iter()
                .filter(|&&host| scenario.hosts[host].subnet == subnet)
            {
                cells[host] = ((left + column) * cell, 42 + row * cell);
                placed = true;
                column += 1;
                if column + 1 >= columns {
                    column = 0;
                    row += 1;
                }
            }
            // A blank row between subnets.
            if placed {
                row += if column == 0 { 1 } else { 2 };
            }
        }
        left += columns;
    }
    MapPlan {
        width,
        height,
        cell,
        cells,
        labels,
    }
}

/// Paints the map: every machine's cell in the colour of what is seen of it.
pub fn paint_map(plan: &MapPlan, seen: &[Seen]) -> Vec<u8> {
    let mut pixels = vec![0u8; (plan.width * plan.height * 4) as usize];
    for chunk in pixels.chunks_mut(4) {
        chunk.copy_from_slice(&[0x12, 0x16, 0x1c, 0xff]);
    }
    let inner = plan.cell.saturating_sub(1).max(1);
    for (&(x, y), state) in plan.cells.iter().zip(seen) {
        let [r, g, b] = state.colour();
        for dy in 0..inner {
            for dx in 0..inner {
                let (px, py) = (x + dx, y + dy);
                if px < plan.width && py < plan.height {
                    let at = ((py * plan.width + px) * 4) as usize;
                    pixels[at..at + 4].copy_from_slice(&[r, g, b, 0xff]);
                }
            }
        }
    }
    pixels
}

/// How to open the exercise window.
pub struct ExerciseWindow {
    pub width: u32,
    pub height: u32,
    /// Simulated seconds per real second at the start (0: paused).
    pub speed: u32,
    /// Fast-forward to this tick before showing (for previews and tests).
    pub start_at: Option<Tick>,
    /// Save a screenshot once drawn, then exit.
    pub screenshot: Option<PathBuf>,
    /// A machine to show in the inspector from the start.
    pub inspect: Option<HostId>,
}

/// The running exercise as the window sees it.
struct Exercise {
    simulation: Simulation,
    speed: u32,
    paused: bool,
    owed_seconds: f32,
    plan: MapPlan,
    map: Handle<Image>,
    /// The machine in the inspector, and what its screen showed when last drawn.
    inspected: Option<HostId>,
    drawn_screen: Option<(HostId, Showing)>,
    screen: Handle<Image>,
}

/// Size of the inspector's picture of a machine's screen.
const SCREEN_PREVIEW: (u32, u32) = (320, 180);

/// Height of the clock bar above the map.
const CLOCK_BAR: f32 = 40.0;

#[derive(Component)]
struct InspectorText;

#[derive(Resource)]
struct Capture {
    path: Option<PathBuf>,
    requested: bool,
    frames: u32,
}

#[derive(Component)]
struct ClockText;

#[derive(Component)]
struct FeedText;

/// An RGBA texture the window's images are made from.
fn texture(width: u32, height: u32, pixels: Vec<u8>) -> Image {
    Image::new(
        Extent3d {
            width,
            height,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        pixels,
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::default(),
    )
}

/// The machine whose cell holds a point of the map, if any.
pub fn machine_at(plan: &MapPlan, x: f32, y: f32) -> Option<HostId> {
    if x < 0.0 || y < 0.0 {
        return None;
    }
    let (x, y) = (x as u32, y as u32);
    plan.cells
        .iter()
        .position(|&(left, top)| (left..left + plan.cell).contains(&x) && (top..top + plan.cell).contains(&y))
        .map(|index| HostId(index as u32))
}

/// Opens the exercise window; returns when it closes (or after its screenshot).
pub fn play(scenario: Arc<Scenario>, seed: u64, window: ExerciseWindow) -> AppExit {
    let mut simulation = Simulation::new(Arc::clone(&scenario), seed);
    if let Some(tick) = window.start_at {
        simulation.run_through(tick, |_| {});
    }
    let map_width = window.width * 7 / 10;
    let plan = plan_map(&scenario, map_width, window.height - 40);
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
    .insert_resource(Capture {
        path: window.screenshot,
        requested: false,
        frames: 0,
    });
    let mut images = app.world_mut().resource_mut::<Assets<Image>>();
    let map = images.add(texture(
        plan.width,
        plan.height,
        paint_map(&plan, &observed_states(&simulation)),
    ));
    let (preview_width, preview_height) = SCREEN_PREVIEW;
    let screen = images.add(texture(
        preview_width,
        preview_height,
        vec![0; (preview_width * preview_height * 4) as usize],
    ));
    app.insert_non_send(Exercise {
        simulation,
        speed: window.speed.max(1),
        paused: window.speed == 0,
        owed_seconds: 0.0,
        plan,
        map,
        inspected: window.inspect,
        drawn_screen: None,
        screen,
    })
    .add_systems(Startup, spawn_exercise)
    .add_systems(
        Update,
        (
            steer_clock,
            pick_machine,
            advance_exercise,
            refresh_exercise,
            refresh_inspector,
            capture_exercise,
        )
            .chain(),
    )
    .run()
}

fn spawn_exercise(mut commands: Commands, exercise: NonSend<Exercise>, mut fonts: ResMut<Assets<Font>>) {
    commands.spawn(Camera2d);
    let regular = fonts.add(Font::from_bytes(Fonts::bytes(Face::Regular).to_vec()));
    let mono = fonts.add(Font::from_bytes(Fonts::bytes(Face::Mono).to_vec()));
    let text = |font: &Handle<Font>, size: f32| TextFont {
        font: font.clone().into(),
        font_size: FontSize::Px(size),
        ..default()
    };
    let plan = &exercise.plan;
    commands
        .spawn((
            Name::new("Exercise"),
            Node {
                width: Val::Percent(100.0),
                height: Val::Percent(100.0),
                flex_direction: FlexDirection::Column,
                ..default()
            },
        ))
        .with_children(|root| {
            root.spawn((
                Name::new("Clock"),
                ClockText,
                Node {
                    height: Val::Px(40.0),
                    padding: UiRect::all(Val::Px(8.0)),
                    ..default()
                },
                Text::new(""),
                text(&mono, 14.0),
                TextColor(Color::srgb_u8(0xe8, 0xe8, 0xe8)),
            ));
            root.spawn(Node {
                flex_direction: FlexDirection::Row,
                ..default()
            })
            .with_children(|row| {
                row.spawn((
                    Name::new("Map"),
                    Node {
                        width: Val::Px(plan.width as f32),
                        height: Val::Px(plan.height as f32),
                        flex_shrink: 0.0,
                        ..default()
                    },
                    ImageNode::new(exercise.map.clone()),
                ))
                .with_children(|map| {
                    for (name, x, y) in &plan.labels {
                        map.spawn((
                            Node {
                                position_type: PositionType::Absolute,
                                left: Val::Px(*x as f32 + 2.0),
                                top: Val::Px(*y as f32 + 4.0),
                                ..default()
                            },
                            Text::new(name.clone()),
                            text(&regular, 16.0),
                            TextColor(Color::srgb_u8(0xf0, 0xf0, 0xf0)),
                        ));
                    }
                });
                row.spawn(Node {
                    flex_grow: 1.0,
                    flex_direction: FlexDirection::Column,
                    padding: UiRect::all(Val::Px(8.0)),
                    overflow: Overflow::clip(),
                    ..default()
                })
                .with_children(|column| {
                    column.spawn((
                        Name::new("Inspector"),
                        InspectorText,
                        Text::new("Click a machine to inspect it."),
                        text(&mono, 12.0),
                        TextColor(Color::srgb_u8(0xf0, 0xf0, 0xf0)),
                    ));
                    column.spawn((
                        Name::new("Machine's screen"),
                        Node {
                            width: Val::Px(SCREEN_PREVIEW.0 as f32),
                            height: Val::Px(SCREEN_PREVIEW.1 as f32),
                            margin: UiRect::vertical(Val::Px(6.0)),
                            flex_shrink: 0.0,
                            ..default()
                        },
                        ImageNode::new(exercise.screen.clone()),
                    ));
                    column.spawn((
                        Name::new("Feed"),
                        FeedText,
                        Text::new(""),
                        text(&regular, 12.0),
                        TextColor(Color::srgb_u8(0xd0, 0xd0, 0xd0)),
                    ));
                });
            });
        });
}

/// Space pauses, 1/2/3 set 1x/10x/60x, S steps one tick.
fn steer_clock(keys: Res<ButtonInput<KeyCode>>, mut exercise: NonSendMut<Exercise>) {
    if keys.just_pressed(KeyCode::Space) {
        exercise.paused = !exercise.paused;
    }
    for (key, speed) in [(KeyCode::Digit1, 1), (KeyCode::Digit2, 10), (KeyCode::Digit3, 60)] {
        if keys.just_pressed(key) {
            exercise.speed = speed;
            exercise.paused = false;
        }
    }
    if keys.just_pressed(KeyCode::KeyS) {
        exercise.paused = true;
        exercise.simulation.step();
    }
}

fn advance_exercise(time: Res<Time>, mut exercise: NonSendMut<Exercise>) {
    if exercise.paused {
        return;
    }
    let tick_seconds = exercise.simulation.scenario().meta.tick_seconds as f32;
    exercise.owed_seconds += time.delta_secs() * exercise.speed as f32;
    while exercise.owed_seconds >= tick_seconds
        && exercise
            .simulation
            .now()
            .is_none_or(|now| now < exercise.simulation.end())
    {
        exercise.owed_seconds -= tick_seconds;
        exercise.simulation.step();
    }
}

fn refresh_exercise(
    exercise: NonSend<Exercise>,
    mut images: ResMut<Assets<Image>>,
    mut clock: Query<&mut Text, (With<ClockText>, Without<FeedText>)>,
    mut feed: Query<&mut Text, (With<FeedText>, Without<ClockText>)>,
) {
    let simulation = &exercise.simulation;
    let scenario = simulation.scenario();
    let now = simulation.now().unwrap_or_default();
    if let Some(mut image) = images.get_mut(&exercise.map) {
        image.data = Some(paint_map(&exercise.plan, &observed_states(simulation)));
    }
    let desk = simulation.world().resource::<Desk>();
    if let Ok(mut text) = clock.single_mut() {
        let offices: Vec<String> = scenario
            .offices
            .iter()
            .map(|office| {
                format!(
                    "{} {}",
                    office.name,
                    scenario
                        .time_of(now)
                        .with_time_zone(office.time_zone.clone())
                        .strftime("%a %H:%M")
                )
            })
            .collect();
        let pace = if exercise.paused {
            "paused".to_string()
        } else {
            format!("{}x", exercise.speed)
        };
        text.0 = format!(
            "{}  |  {pace}  |  team {} of {} free  |  space: pause, 1/2/3: speed, S: step",
            offices.join("  "),
            desk.free(),
            scenario.responders.team_size
        );
    }
    if let Ok(mut text) = feed.single_mut() {
        let observations = &simulation.world().resource::<ObservationLog>().observations;
        let lines: Vec<String> = observations
            .iter()
            .rev()
            .take(40)
            .map(|observed| describe_observation(scenario, observed))
            .collect();
        text.0 = if lines.is_empty() {
            "No observations yet.".to_string()
        } else {
            lines.join("\n")
        };
    }
}

fn capture_exercise(mut commands: Commands, mut capture: ResMut<Capture>, mut exit: MessageWriter<AppExit>) {
    let Some(path) = capture.path.clone() else { return };
    capture.frames += 1;
    if capture.frames > 1_200 {
        exit.write(AppExit::error());
    } else if !capture.requested && capture.frames >= 20 {
        std::fs::remove_file(&path).ok();
        commands.spawn(Screenshot::primary_window()).observe(save_to_disk(path));
        capture.requested = true;
    } else if capture.requested && is_png_complete(&path) {
        exit.write(AppExit::Success);
    }
}

/// A left click on a machine's cell puts it in the inspector.
fn pick_machine(mouse: Res<ButtonInput<MouseButton>>, window: Single<&Window>, mut exercise: NonSendMut<Exercise>) {
    if !mouse.just_pressed(MouseButton::Left) {
        return;
    }
    let Some(cursor) = window.cursor_position() else { return };
    if let Some(host) = machine_at(&exercise.plan, cursor.x, cursor.y - CLOCK_BAR) {
        exercise.inspected = Some(host);
    }
}

/// The inspector: what is known of the machine, what the team did to it, and its screen.
fn refresh_inspector(
    mut exercise: NonSendMut<Exercise>,
    mut images: ResMut<Assets<Image>>,
    mut inspector: Query<&mut Text, With<InspectorText>>,
) {
    let Some(host) = exercise.inspected else { return };
    let simulation = &exercise.simulation;
    let scenario = simulation.scenario();
    let machine = &scenario.hosts[host.index()];
    let subnet = &scenario.subnets[machine.subnet.index()];
    let seen = observed_states(simulation)[host.index()];
    let desk = simulation.world().resource::<Desk>();
    let mut lines = vec![
        format!("{}  {:?}", machine.name, machine.role),
        format!(
            "{}/{}  {}",
            scenario.offices[machine.office.index()].name,
            subnet.name,
            machine.address
        ),
        format!("seen: {seen:?}"),
    ];
    for entry in &desk.log {
        let concerns = match &entry.action {
            Action::Isolate(scope) | Action::Reconnect(scope) => scenario.contains(scope, host),
            Action::PowerOff(id)
            | Action::CaptureMemory(id)
            | Action::CollectLogs(id)
            | Action::ImageDisk(id)
            | Action::RestoreFromBackup(id)
            | Action::Rebuild(id) => *id == host,
            _ => false,
        };
        if concerns {
            lines.push(format!(
                "{}: {}",
                entry.action.to_text(scenario),
                entry.outcome.describe(scenario)
            ));
            for (_, artifact, pieces) in entry.collected.iter().filter(|(on, _, _)| *on == host) {
                lines.push(format!("  secured {pieces} {artifact:?} pieces"));
            }
        }
    }
    if let Ok(mut text) = inspector.single_mut() {
        text.0 = lines.join("\n");
    }
    // The machine's screen as someone at its desk sees it.
    let showing = crate::screen::showing(simulation, host);
    if exercise.drawn_screen == Some((host, showing)) {
        return;
    }
    let clock = simulation.now().map_or(String::new(), |now| {
        let zone = scenario.offices[machine.office.index()].time_zone.clone();
        scenario
            .time_of(now)
            .with_time_zone(zone)
            .strftime("%a %H:%M")
            .to_string()
    });
    let (width, height) = SCREEN_PREVIEW;
    let layout = crate::screen::screen_of(scenario, host, showing, &clock, width, height);
    if let (Ok(pixmap), Some(mut image)) = (
        crate::screen::draw(&layout, crate::screen::FRAMES - 1),
        images.get_mut(&exercise.screen),
    ) {
        image.data = Some(pixmap.take());
        exercise.drawn_screen = Some((host, showing));
    }
}
