//! The map panel: machines in cells coloured by what the responder observes (or, in a replay,
//! by ground truth), offices named with their local time, the inspected machine framed, a
//! legend, and a tooltip under the pointer. The wheel zooms around the pointer, a right or
//! middle drag pans (arrows too), Escape resets the view, a click inspects (or, on a cell of
//! many machines, zooms in on it).
//!
//! The map is planned and painted on the CPU (`screen::map`) for the size the layout gives its
//! frame, one level per doubling of the zoom until every machine has a cell of its own; only
//! what the frame shows is painted, and when the observations change, only the cells they
//! touch.

use std::sync::Arc;
use std::time::Instant;

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::input::mouse::{MouseScrollUnit, MouseWheel};
use bevy::prelude::*;
use bevy::ui::RelativeCursorPosition;

use crate::exercise::Seen;
use crate::scenario::model::{HostId, OfficeId, Tick};
use crate::screen::{
    Face, MAP_STATES, MapOrder, MapPlan, MapShares, MapWindow, finer_cells, paint_cell, paint_view, plan_finer,
    plan_level, stage_colour,
};
use crate::sim::{GroundTruth, Stage};

use super::super::assets::{UiAssets, blank};
use super::case_panel::CaseView;
use super::layout::{DIM, PANEL, Region, TEXT, place, region, show, text, write};
use super::run::{DebriefView, ExerciseRun, Inspected, Request, SeenStates, ShowTruth, Spent, Typing};
use super::{ExerciseSystems, PanelState};

/// How the map is shown in its frame: scaled by `zoom` around the map's origin, then moved so
/// that map point `offset` sits at the frame's top-left corner. Map points are the frame's
/// pixels at zoom 1.
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct MapView {
    pub zoom: f32,
    pub offset: Vec2,
    /// How far the map zooms: further on a company too large for a cell per machine at first.
    pub max_zoom: f32,
}

impl Default for MapView {
    fn default() -> Self {
        Self {
            zoom: 1.0,
            offset: Vec2::ZERO,
            max_zoom: Self::MAX_ZOOM,
        }
    }
}

impl MapView {
    /// How far a map whose machines all have a cell at zoom 1 zooms.
    pub const MAX_ZOOM: f32 = 8.0;

    /// The map point under a point of the frame.
    pub fn to_map(&self, frame_point: Vec2) -> Vec2 {
        self.offset + frame_point / self.zoom
    }

    /// Zooms by `factor`, keeping the map point under `frame_point` where it is.
    pub fn zoom_at(&mut self, factor: f32, frame_point: Vec2, frame: Vec2) {
        let anchor = self.to_map(frame_point);
        self.zoom = (self.zoom * factor).clamp(1.0, self.max_zoom);
        self.offset = anchor - frame_point / self.zoom;
        self.clamp(frame);
    }

    /// Moves the view by a distance on screen.
    pub fn pan(&mut self, screen_distance: Vec2, frame: Vec2) {
        self.offset -= screen_distance / self.zoom;
        self.clamp(frame);
    }

    /// Back to the whole map.
    pub fn reset(&mut self) {
        *self = Self {
            max_zoom: self.max_zoom,
            ..Self::default()
        };
    }

    /// Keeps the map covering the frame: no panning past its edges.
    fn clamp(&mut self, frame: Vec2) {
        let visible = frame / self.zoom;
        self.offset = self.offset.clamp(Vec2::ZERO, (frame - visible).max(Vec2::ZERO));
    }
}

/// The map's levels for the frame's size, the shares of states in the shown level's cells, the
/// frame's texture, and what it was last painted from.
#[derive(Resource, Default)]
pub struct MapState {
    /// The frame's size in pixels.
    frame: UVec2,
    order: Option<Arc<MapOrder>>,
    /// Plans for the frame zoomed 1, 2, 4... times, made as the trainee zooms in; the last is
    /// the first with a cell per machine.
    levels: Vec<MapPlan>,
    /// The level shown.
    level: usize,
    shares: Option<MapShares>,
    /// What the shares count.
    counted: Option<(usize, Painted)>,
    /// What the texture shows.
    shown: Option<MapWindow>,
    image: Handle<Image>,
}

impl MapState {
    /// The frame's size in pixels, once laid out.
    pub fn frame(&self) -> Vec2 {
        self.frame.as_vec2()
    }

    /// The plan shown.
    pub fn plan(&self) -> Option<&MapPlan> {
        self.levels.get(self.level)
    }

    /// The part of the shown plan the view puts in the frame.
    fn window(&self, view: &MapView) -> MapWindow {
        let level = (1u32 << self.level) as f32;
        MapWindow {
            left: view.offset.x * level,
            top: view.offset.y * level,
            scale: view.zoom / level,
            width: self.frame.x,
            height: self.frame.y,
        }
    }

    /// The shown plan's cell under a point of the frame, as the map is zoomed and panned.
    fn cell_under(&self, view: &MapView, frame_point: Vec2) -> Option<u32> {
        let window = self.window(view);
        let at = Vec2::new(window.left, window.top) + frame_point / window.scale;
        self.plan()?.cell_at(at.x, at.y)
    }

    /// The level a zoom shows: one per doubling, planned when first needed, up to the first
    /// with a cell per machine.
    fn level_for(&mut self, zoom: f32) -> usize {
        let mut level = 0;
        while (2u32 << level) as f32 <= zoom && self.levels.get(level).is_some_and(|plan| plan.per_cell > 1) {
            level += 1;
            if level == self.levels.len() {
                let finer = plan_finer(&self.levels[0], 1 << level);
                self.levels.push(finer);
            }
        }
        level
    }
}

/// What the map shows: the observed states at a generation of their changes, or the ground
/// truth of a tick.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Painted {
    Seen(u64),
    Truth(Option<Tick>),
}

#[derive(Component)]
struct MapImage;
#[derive(Component)]
struct OfficeLabel(usize);
/// The frame around the inspected machine's cell.
#[derive(Component)]
struct Selection;
#[derive(Component)]
struct LegendSwatch(usize);
#[derive(Component)]
struct LegendLabel(usize);
#[derive(Component)]
struct Tooltip;

pub fn plugin(app: &mut App) {
    app.init_panel_state::<MapView>()
        .init_panel_state::<MapState>()
        .add_systems(super::SpawnPanels, spawn_map)
        .add_systems(
            Update,
            (
                (steer_map, zoom_and_pan_keys).in_set(ExerciseSystems::Input),
                (follow_frame, repaint_map)
                    .chain()
                    .in_set(ExerciseSystems::Observe)
                    .after(super::run::observe),
                (place_map, refresh_legend, refresh_tooltip).in_set(ExerciseSystems::Draw),
            ),
        );
}

fn spawn_map(
    mut commands: Commands,
    assets: Res<UiAssets>,
    regions: Query<(Entity, &Region)>,
    run: NonSend<ExerciseRun>,
    mut state: ResMut<MapState>,
    mut images: ResMut<Assets<Image>>,
) {
    let (Some(frame), Some(legend)) = (region(&regions, Region::Map), region(&regions, Region::Legend)) else {
        return;
    };
    state.image = images.add(blank(1, 1));
    let absolute = || Node {
        position_type: PositionType::Absolute,
        ..default()
    };
    commands.entity(frame).with_children(|frame| {
        frame.spawn((
            Name::new("Map"),
            MapImage,
            absolute(),
            ImageNode::new(state.image.clone()),
        ));
        frame.spawn((
            Selection,
            Node {
                border: UiRect::all(Val::Px(2.0)),
                display: Display::None,
                ..absolute()
            },
            BorderColor::all(Color::WHITE),
        ));
        for (index, office) in run.exercise().scenario().offices.iter().enumerate() {
            frame.spawn((
                OfficeLabel(index),
                absolute(),
                text(&assets, Face::Regular, 16.0, TEXT, office.name.clone()),
            ));
        }
    });
    commands.entity(legend).with_children(|legend| {
        for index in 0..Seen::ALL.len().max(Stage::ALL.len()) {
            legend.spawn((
                LegendSwatch(index),
                Node {
                    width: Val::Px(12.0),
                    height: Val::Px(12.0),
                    margin: UiRect::horizontal(Val::Px(4.0)),
                    ..default()
                },
                BackgroundColor(Color::NONE),
            ));
            legend.spawn((
                LegendLabel(index),
                text(&assets, Face::Regular, 12.0, DIM, ""),
                Node {
                    margin: UiRect::right(Val::Px(10.0)),
                    ..default()
                },
            ));
        }
    });
    // The tooltip is a root of its own, placed in window pixels under the pointer.
    commands.spawn((
        Name::new("Tooltip"),
        Tooltip,
        Node {
            padding: UiRect::all(Val::Px(6.0)),
            display: Display::None,
            ..absolute()
        },
        BackgroundColor(PANEL),
        text(&assets, Face::Mono, 12.0, TEXT, ""),
        GlobalZIndex(10),
    ));
}

/// The point of the map's frame under the pointer, when the pointer is on the frame.
fn frame_point(cursor: &RelativeCursorPosition, frame: Vec2) -> Option<Vec2> {
    let normalized = cursor.normalized.filter(|_| cursor.cursor_over())?;
    let point = (normalized + Vec2::splat(0.5)) * frame;
    (point.x >= 0.0 && point.y >= 0.0 && point.x < frame.x && point.y < frame.y).then_some(point)
}

/// New plans and a new texture whenever the layout gives the frame another size.
fn follow_frame(
    frames: Query<(&Region, &ComputedNode)>,
    run: NonSend<ExerciseRun>,
    mut state: ResMut<MapState>,
    mut view: ResMut<MapView>,
    mut images: ResMut<Assets<Image>>,
    mut maps: Query<&mut ImageNode, With<MapImage>>,
) {
    let Some(size) = frames
        .iter()
        .find(|(region, _)| **region == Region::Map)
        .map(|(_, node)| node.size().round().as_uvec2())
    else {
        return;
    };
    if size.x < 1 || size.y < 1 || size == state.frame {
        return;
    }
    let order = state
        .order
        .get_or_insert_with(|| Arc::new(MapOrder::of(run.exercise().scenario())))
        .clone();
    // Zooming goes on past the first level with a cell per machine as far as it goes past
    // the whole map when that is the first.
    let base = plan_level(&order, size.x, size.y);
    let mut finest = 0;
    while finer_cells(&base, 1 << finest).1 > 1 && finest < 16 {
        finest += 1;
    }
    *state = MapState {
        frame: size,
        levels: vec![base],
        order: Some(order),
        image: images.add(blank(size.x, size.y)),
        ..default()
    };
    *view = MapView {
        max_zoom: MapView::MAX_ZOOM * (1u32 << finest) as f32,
        ..default()
    };
    for mut image in &mut maps {
        image.image = state.image.clone();
    }
}

/// Repaints the map when what it shows has changed: the cells the last observations touched,
/// or, when the view, the level or the kind of map changed, everything in the frame.
fn repaint_map(
    run: NonSend<ExerciseRun>,
    seen: Res<SeenStates>,
    truth: Res<ShowTruth>,
    view: Res<MapView>,
    mut state: ResMut<MapState>,
    mut images: ResMut<Assets<Image>>,
    mut spent: ResMut<Spent>,
) {
    let started = Instant::now();
    if state.levels.is_empty() {
        return;
    }
    let simulation = run.exercise().simulation();
    let wanted = match truth.0 {
        true => Painted::Truth(simulation.now()),
        false => Painted::Seen(seen.generation),
    };
    let level = state.level_for(view.zoom);
    let window = state.window(&view);
    if state.counted == Some((level, wanted)) && state.shown == Some(window) {
        return;
    }
    let state = &mut *state;
    state.level = level;
    let plan = &state.levels[level];
    let palette: Vec<[u8; 3]> = match wanted {
        Painted::Truth(_) => Stage::ALL.iter().map(|stage| stage_colour(*stage)).collect(),
        Painted::Seen(_) => Seen::ALL.iter().map(|seen| seen.colour()).collect(),
    };
    // The next generation of the same map on the same level: only the changes to count.
    let follows = match (state.counted, wanted) {
        (Some((counted_level, Painted::Seen(before))), Painted::Seen(now)) => {
            counted_level == level && before + 1 == now && seen.restarted != now
        }
        _ => false,
    };
    let mut touched = Vec::new();
    let already = state.counted == Some((level, wanted));
    match (&mut state.shares, follows) {
        _ if already => {}
        (Some(shares), true) => {
            for &(host, before, after) in seen.map.last_changes() {
                touched.push(shares.shift(plan, host, before as u8, after as u8));
            }
        }
        _ => {
            state.shares = Some(match wanted {
                Painted::Truth(_) => {
                    let stages = simulation.world().resource::<GroundTruth>().stages();
                    MapShares::count(plan, |host| stages[host.index()] as u8)
                }
                Painted::Seen(_) => MapShares::count(plan, |host| seen.map.get(host) as u8),
            });
            state.shown = None;
        }
    }
    let shares = state.shares.as_ref().expect("counted above");
    // The texture's own pixels are painted: in place for a few cells, anew for a new view.
    if let Some(mut image) = images.get_mut(&state.image) {
        match (state.shown == Some(window), image.data.as_mut()) {
            (true, Some(pixels)) => {
                for cell in touched {
                    paint_cell(plan, shares, &palette, &window, cell, pixels);
                }
            }
            _ => image.data = Some(paint_view(plan, shares, &palette, &window)),
        }
    }
    state.counted = Some((level, wanted));
    state.shown = Some(window);
    spent.painting += started.elapsed();
}

/// The wheel zooms around the pointer; dragging with the right or middle button pans. A left
/// click on a cell inspects the machine. The debrief or the case panel, when shown, keeps the
/// pointer.
#[expect(clippy::too_many_arguments, reason = "a Bevy system names every resource it reads")]
fn steer_map(
    mut wheel: MessageReader<MouseWheel>,
    mouse: Res<ButtonInput<MouseButton>>,
    window: Single<&Window>,
    frames: Query<(&Region, &RelativeCursorPosition)>,
    covers: (Res<DebriefView>, Res<CaseView>),
    state: Res<MapState>,
    mut view: ResMut<MapView>,
    mut requests: MessageWriter<Request>,
    mut last_cursor: Local<Option<Vec2>>,
) {
    let frame = state.frame();
    let inside = frames
        .iter()
        .find(|(region, _)| **region == Region::Map)
        .and_then(|(_, cursor)| frame_point(cursor, frame))
        .filter(|_| !covers.0.shown && !covers.1.shown);
    for scroll in wheel.read() {
        // One event is at most a couple of notches: X11's first smooth-scroll event after the
        // window gains focus can report the wheel's whole history.
        let notches = match scroll.unit {
            MouseScrollUnit::Line => scroll.y,
            MouseScrollUnit::Pixel => scroll.y / 40.0,
        }
        .clamp(-2.0, 2.0);
        if let Some(point) = inside {
            view.zoom_at(1.25f32.powf(notches), point, frame);
        }
    }
    let cursor = window.cursor_position();
    if let (Some(now), Some(before)) = (cursor, *last_cursor)
        && mouse.any_pressed([MouseButton::Right, MouseButton::Middle])
        && inside.is_some()
    {
        view.pan(now - before, frame);
    }
    *last_cursor = cursor;
    // A click inspects a machine, or zooms in on a cell of many.
    if mouse.just_pressed(MouseButton::Left)
        && let Some(point) = inside
        && let Some((plan, cell)) = state.plan().zip(state.cell_under(&view, point))
    {
        match plan.machines_in(cell) {
            [host] => {
                requests.write(Request::Inspect(*host));
            }
            _ => view.zoom_at(2.0, point, frame),
        }
    }
}

/// +/- zoom, arrows pan (in a live exercise: a replay's arrows seek), Escape resets the view
/// (unless it closes the debrief). With the case panel over the map, its keys are the panel's.
fn zoom_and_pan_keys(
    mut keys: MessageReader<KeyboardInput>,
    typing: Res<Typing>,
    run: NonSend<ExerciseRun>,
    covers: (Res<DebriefView>, Res<CaseView>),
    state: Res<MapState>,
    mut view: ResMut<MapView>,
) {
    let frame = state.frame();
    let debrief = &covers.0;
    for key in keys.read() {
        if key.state != ButtonState::Pressed || typing.took_keys || covers.1.shown {
            continue;
        }
        // In a replay, left and right seek (the replay bar's keys).
        let sideways = |x: f32| (!run.is_replay()).then_some(Vec2::new(x, 0.0));
        let step = match (&key.logical_key, key.key_code) {
            (Key::Escape, _) if !debrief.shown => {
                view.reset();
                None
            }
            (Key::Character(text), _) if text == "+" || text == "=" => {
                view.zoom_at(1.5, frame / 2.0, frame);
                None
            }
            (Key::Character(text), _) if text == "-" => {
                view.zoom_at(1.0 / 1.5, frame / 2.0, frame);
                None
            }
            (_, KeyCode::ArrowLeft) => sideways(80.0),
            (_, KeyCode::ArrowRight) => sideways(-80.0),
            (_, KeyCode::ArrowUp) => Some(Vec2::new(0.0, 80.0)),
            (_, KeyCode::ArrowDown) => Some(Vec2::new(0.0, -80.0)),
            _ => None,
        };
        if let Some(distance) = step {
            view.pan(distance, frame);
        }
    }
}

/// Places the office labels (those with room for their name) and the selection frame where
/// the view puts them; the map's texture fills the frame.
#[expect(clippy::type_complexity, reason = "Bevy queries spell out their filters")]
fn place_map(
    run: NonSend<ExerciseRun>,
    state: Res<MapState>,
    view: Res<MapView>,
    inspected: Res<Inspected>,
    mut nodes: ParamSet<(
        Query<&mut Node, With<MapImage>>,
        Query<(&mut Node, &mut Text, &OfficeLabel)>,
        Query<&mut Node, With<Selection>>,
    )>,
) {
    let Some(plan) = state.plan() else { return };
    let window = state.window(&view);
    let to_frame = |x: u32, y: u32| {
        Vec2::new(
            (x as f32 - window.left) * window.scale,
            (y as f32 - window.top) * window.scale,
        )
    };
    for mut node in &mut nodes.p0() {
        place(&mut node, |next| {
            next.left = Val::Px(0.0);
            next.top = Val::Px(0.0);
            next.width = Val::Px(window.width as f32);
            next.height = Val::Px(window.height as f32);
        });
    }
    let scenario = run.exercise().scenario();
    let now = run.exercise().now().unwrap_or_default();
    for (mut node, mut text, label) in &mut nodes.p1() {
        let Some(office) = plan.labels.get(label.0) else {
            continue;
        };
        // Each office's name with its local time, where it does not run into its neighbour's.
        let local = scenario.local_time(OfficeId(label.0 as u32), now);
        let name = format!("{} {}", office.name, local.strftime("%H:%M"));
        let fits = (name.chars().count() as f32 + 1.0) * 9.0 <= office.room as f32 * window.scale;
        let at = to_frame(office.x, office.y);
        place(&mut node, |next| {
            next.display = if fits { Display::Flex } else { Display::None };
            next.left = Val::Px(at.x + 2.0);
            next.top = Val::Px(at.y + 4.0);
        });
        write(&mut text, name);
    }
    for mut node in &mut nodes.p2() {
        match inspected.0.map(|host| plan.position_of(host)) {
            Some((x, y)) => {
                let size = plan.cell as f32 * window.scale + 4.0;
                let at = to_frame(x, y);
                place(&mut node, |next| {
                    next.display = Display::Flex;
                    next.left = Val::Px(at.x - 2.0);
                    next.top = Val::Px(at.y - 2.0);
                    next.width = Val::Px(size);
                    next.height = Val::Px(size);
                });
            }
            None => show(&mut node, false),
        }
    }
}

/// The legend: observed states, or true stages when a replay shows the truth.
fn refresh_legend(
    truth: Res<ShowTruth>,
    mut swatches: Query<(&mut BackgroundColor, &LegendSwatch)>,
    mut labels: Query<(&mut Text, &LegendLabel)>,
) {
    let legend: Vec<(&str, [u8; 3])> = match truth.0 {
        true => Stage::ALL
            .iter()
            .map(|stage| (stage.label(), stage_colour(*stage)))
            .collect(),
        false => Seen::ALL.iter().map(|seen| (seen.label(), seen.colour())).collect(),
    };
    for (mut colour, swatch) in &mut swatches {
        colour.set_if_neq(BackgroundColor(
            legend
                .get(swatch.0)
                .map_or(Color::NONE, |(_, [r, g, b])| Color::srgb_u8(*r, *g, *b)),
        ));
    }
    for (mut text, label) in &mut labels {
        write(
            &mut text,
            legend
                .get(label.0)
                .map(|(name, _)| name.to_string())
                .unwrap_or_default(),
        );
    }
}

/// A machine as the tooltip and the inspector introduce it: name and role, place and address,
/// and what is seen of it.
pub fn about_machine(run: &ExerciseRun, seen: &SeenStates, host: HostId) -> Vec<String> {
    let scenario = run.exercise().scenario();
    let machine = &scenario.hosts[host.index()];
    vec![
        format!("{}  {}", machine.name, machine.role.name()),
        format!(
            "{}/{}  {}",
            scenario.offices[machine.office.index()].name,
            scenario.subnets[machine.subnet.index()].name,
            machine.address
        ),
        format!("seen: {}", seen.map.get(host).label()),
    ]
}

/// What the tooltip says of a cell of many machines: where they are, their addresses, and
/// how many are in each state the map shows.
fn about_machines(run: &ExerciseRun, machines: &[HostId], shares: &[(&str, u16)]) -> Vec<String> {
    let scenario = run.exercise().scenario();
    let (Some(first), Some(last)) = (machines.first(), machines.last()) else {
        return Vec::new();
    };
    let (first, last) = (&scenario.hosts[first.index()], &scenario.hosts[last.index()]);
    let counted: Vec<String> = shares
        .iter()
        .filter(|(_, count)| *count > 0)
        .map(|(label, count)| format!("{count} {label}"))
        .collect();
    vec![
        format!(
            "{} machines of {}/{}",
            machines.len(),
            scenario.offices[first.office.index()].name,
            scenario.subnets[first.subnet.index()].name
        ),
        format!("{} to {}", first.address, last.address),
        counted.join(", "),
        "click to zoom in".to_string(),
    ]
}

/// The tooltip of the cell under the pointer.
#[expect(clippy::too_many_arguments, reason = "a Bevy system names every resource it reads")]
fn refresh_tooltip(
    run: NonSend<ExerciseRun>,
    seen: Res<SeenStates>,
    truth: Res<ShowTruth>,
    covers: (Res<DebriefView>, Res<CaseView>),
    state: Res<MapState>,
    view: Res<MapView>,
    window: Single<&Window>,
    frames: Query<(&Region, &RelativeCursorPosition)>,
    mut tooltips: Query<(&mut Text, &mut Node), With<Tooltip>>,
) {
    let Ok((mut text, mut node)) = tooltips.single_mut() else {
        return;
    };
    let hovered = frames
        .iter()
        .find(|(region, _)| **region == Region::Map)
        .and_then(|(_, cursor)| frame_point(cursor, state.frame()))
        .filter(|_| !covers.0.shown && !covers.1.shown)
        .and_then(|point| state.cell_under(&view, point))
        .zip(state.plan())
        .zip(window.cursor_position());
    let Some(((cell, plan), cursor)) = hovered else {
        show(&mut node, false);
        return;
    };
    let lines = match plan.machines_in(cell) {
        [host] => {
            let mut lines = about_machine(&run, &seen, *host);
            if truth.0 {
                let stage = run.exercise().simulation().stage(*host);
                lines.push(format!("truth: {}", stage.label()));
            }
            lines
        }
        machines => {
            let counts = state.shares.as_ref().map_or(&[0; MAP_STATES], |shares| shares.of(cell));
            let labels: Vec<&str> = match truth.0 {
                true => Stage::ALL.iter().map(|stage| stage.label()).collect(),
                false => Seen::ALL.iter().map(|seen| seen.label()).collect(),
            };
            let shares: Vec<(&str, u16)> = labels.into_iter().zip(counts.iter().copied()).collect();
            about_machines(&run, machines, &shares)
        }
    };
    write(&mut text, lines.join("\n"));
    let (width, height) = (window.width(), window.height());
    place(&mut node, |next| {
        next.display = Display::Flex;
        next.left = Val::Px((cursor.x + 14.0).min(width - 300.0));
        next.top = Val::Px((cursor.y + 14.0).min(height - 90.0));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zooming_keeps_the_point_under_the_cursor_and_panning_stays_on_the_map() {
        let frame = Vec2::new(896.0, 600.0);
        let mut view = MapView::default();
        let cursor = Vec2::new(300.0, 200.0);
        let under = view.to_map(cursor);
        view.zoom_at(2.0, cursor, frame);
        assert_eq!(view.zoom, 2.0);
        assert!((view.to_map(cursor) - under).length() < 0.01);
        view.pan(Vec2::new(10_000.0, 10_000.0), frame);
        assert_eq!(view.offset, Vec2::ZERO, "no panning past the map's corner");
        view.pan(Vec2::new(-10_000.0, -10_000.0), frame);
        assert_eq!(view.offset, frame / 2.0, "nor past the opposite one");
        view.zoom_at(0.01, cursor, frame);
        assert_eq!(
            (view.zoom, view.offset),
            (1.0, Vec2::ZERO),
            "never smaller than the frame"
        );
    }
}
