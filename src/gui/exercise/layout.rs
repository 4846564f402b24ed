//! The window's regions as one flex layout that follows the window's size: the clock bar on
//! top, the map and the side column (inspector, feed) in the middle, the legend and the
//! console line (or the replay bar) at the bottom, the debrief over the middle. Each panel
//! fills its region; nothing is placed in absolute window pixels. Also the look every panel
//! shares: colours, fonts, text and button widgets.

use bevy::prelude::*;
use bevy::render::view::Msaa;
use bevy::text::{FontSize, TextFont};

use crate::screen::Face;

use super::super::assets::UiAssets;
use super::run::ExerciseRun;

/// Height of the clock bar above the map.
pub const CLOCK_BAR: f32 = 40.0;
/// Height of the legend and console (or replay bar) below the map.
pub const BOTTOM_BAR: f32 = 68.0;
/// The map's share of the window's width; the side column has the rest.
pub const MAP_SHARE: f32 = 70.0;

pub const TEXT: Color = Color::srgb(0.92, 0.92, 0.92);
pub const DIM: Color = Color::srgb(0.65, 0.67, 0.70);
pub const BUTTON: Color = Color::srgb(0.17, 0.20, 0.25);
pub const BUTTON_HOVERED: Color = Color::srgb(0.27, 0.31, 0.38);
pub const BUTTON_PRESSED: Color = Color::srgb(0.45, 0.20, 0.20);
pub const PANEL: Color = Color::srgb(0.05, 0.06, 0.08);

/// The regions panels fill.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    ClockBar,
    Map,
    Inspector,
    Feed,
    /// The map's legend, in the bottom bar.
    Legend,
    /// Buttons after the legend (debrief, end).
    LegendButtons,
    ReplayBar,
    Console,
    /// Over the map and the side column, for the debrief.
    Overlay,
}

/// Shown only in a live exercise, or only in a replay (a replay taken over becomes live).
#[derive(Component, PartialEq, Eq)]
pub enum Only {
    Live,
    Replay,
}

pub fn plugin(app: &mut App) {
    app.add_systems(super::SpawnRegions, spawn_regions)
        .add_systems(Update, show_by_mode.in_set(super::ExerciseSystems::Draw));
}

fn spawn_regions(mut commands: Commands) {
    // Flat rectangles and text gain nothing from multisampling, which a software renderer pays
    // for on every pixel.
    commands.spawn((Camera2d, Msaa::Off));
    let column = |name: &'static str| {
        (
            Name::new(name),
            Node {
                flex_direction: FlexDirection::Column,
                ..default()
            },
        )
    };
    commands.spawn((
        Name::new("Exercise"),
        Node {
            width: Val::Percent(100.0),
            height: Val::Percent(100.0),
            flex_direction: FlexDirection::Column,
            ..default()
        },
        children![
            (
                Name::new("Clock bar"),
                Region::ClockBar,
                Node {
                    height: Val::Px(CLOCK_BAR),
                    flex_shrink: 0.0,
                    padding: UiRect::all(Val::Px(8.0)),
                    ..default()
                },
            ),
            (
                Name::new("Middle"),
                Node {
                    flex_grow: 1.0,
                    min_height: Val::Px(0.0),
                    ..default()
                },
                children![
                    (
                        Name::new("Map frame"),
                        Region::Map,
                        Node {
                            width: Val::Percent(MAP_SHARE),
                            height: Val::Percent(100.0),
                            flex_shrink: 0.0,
                            overflow: Overflow::clip(),
                            ..default()
                        },
                        bevy::ui::RelativeCursorPosition::default(),
                    ),
                    (
                        Name::new("Side"),
                        Node {
                            flex_grow: 1.0,
                            flex_direction: FlexDirection::Column,
                            padding: UiRect::all(Val::Px(8.0)),
                            overflow: Overflow::clip(),
                            ..default()
                        },
                        children![(Region::Inspector, column("Inspector")), (Region::Feed, column("Feed")),],
                    ),
                ],
            ),
            (
                Name::new("Bottom"),
                Node {
                    height: Val::Px(BOTTOM_BAR),
                    flex_shrink: 0.0,
                    flex_direction: FlexDirection::Column,
                    ..default()
                },
                children![
                    (
                        Name::new("Legend row"),
                        Node {
                            height: Val::Px(22.0),
                            flex_shrink: 0.0,
                            align_items: AlignItems::Center,
                            padding: UiRect::horizontal(Val::Px(8.0)),
                            ..default()
                        },
                        children![
                            (
                                Name::new("Legend"),
                                Region::Legend,
                                Node {
                                    align_items: AlignItems::Center,
                                    ..default()
                                },
                            ),
                            (
                                Name::new("Legend buttons"),
                                Region::LegendButtons,
                                Node {
                                    align_items: AlignItems::Center,
                                    ..default()
                                },
                            ),
                        ],
                    ),
                    (
                        Name::new("Replay bar"),
                        Region::ReplayBar,
                        Node {
                            height: Val::Px(8.0),
                            flex_shrink: 0.0,
                            margin: UiRect::vertical(Val::Px(2.0)),
                            ..default()
                        },
                    ),
                    (
                        Name::new("Console"),
                        Region::Console,
                        Node {
                            flex_grow: 1.0,
                            padding: UiRect::horizontal(Val::Px(8.0)),
                            ..default()
                        },
                    ),
                ],
            ),
            (
                Name::new("Overlay"),
                Region::Overlay,
                Node {
                    position_type: PositionType::Absolute,
                    top: Val::Px(CLOCK_BAR),
                    bottom: Val::Px(BOTTOM_BAR),
                    left: Val::Px(0.0),
                    right: Val::Px(0.0),
                    ..default()
                },
                GlobalZIndex(5),
            ),
        ],
    ));
}

/// The entity of a region, once spawned.
pub fn region(regions: &Query<(Entity, &Region)>, wanted: Region) -> Option<Entity> {
    regions
        .iter()
        .find(|(_, region)| **region == wanted)
        .map(|(entity, _)| entity)
}

/// Hides what belongs to the other mode (a taken-over replay switches to live).
fn show_by_mode(run: NonSend<ExerciseRun>, mut nodes: Query<(&mut Node, &Only)>) {
    let mode = if run.is_replay() { Only::Replay } else { Only::Live };
    for (mut node, only) in &mut nodes {
        let display = if *only == mode { Display::Flex } else { Display::None };
        place(&mut node, |next| next.display = display);
    }
}

/// Changes a text only when it differs: any change makes Bevy lay the text out again.
pub fn write(text: &mut Mut<Text>, value: String) {
    if text.0 != value {
        text.0 = value;
    }
}

/// Changes a node only when it differs: any change makes Bevy lay the interface out again.
pub fn place(node: &mut Mut<Node>, change: impl FnOnce(&mut Node)) {
    let mut next = node.clone();
    change(&mut next);
    node.set_if_neq(next);
}

/// Shows or hides a node.
pub fn show(node: &mut Mut<Node>, shown: bool) {
    place(node, |next| {
        next.display = if shown { Display::Flex } else { Display::None }
    });
}

/// A font of the window at a size.
pub fn font(assets: &UiAssets, face: Face, size: f32) -> TextFont {
    TextFont {
        font: assets.font(face).into(),
        font_size: FontSize::Px(size),
        ..default()
    }
}

/// A text in a face, a size and a colour.
pub fn text(assets: &UiAssets, face: Face, size: f32, colour: Color, value: impl Into<String>) -> impl Bundle {
    (Text::new(value), font(assets, face, size), TextColor(colour))
}

/// A button with a label; what it does is the component given with it.
pub fn button(assets: &UiAssets, label: &str) -> impl Bundle {
    (
        Button,
        Node {
            padding: UiRect::axes(Val::Px(6.0), Val::Px(3.0)),
            margin: UiRect::all(Val::Px(2.0)),
            ..default()
        },
        BackgroundColor(BUTTON),
        text(assets, Face::Regular, 12.0, TEXT, label),
    )
}

/// Buttons light up under the pointer; feed lines look like text until then.
#[expect(clippy::type_complexity, reason = "Bevy queries spell out their filters")]
pub fn light_buttons(
    mut buttons: Query<(&Interaction, &mut BackgroundColor, Has<Plain>), (With<Button>, Changed<Interaction>)>,
) {
    for (interaction, mut colour, plain) in &mut buttons {
        colour.0 = match interaction {
            Interaction::Hovered => BUTTON_HOVERED,
            Interaction::Pressed => BUTTON_PRESSED,
            Interaction::None if plain => Color::NONE,
            Interaction::None => BUTTON,
        };
    }
}

/// A button drawn as plain text until the pointer is on it.
#[derive(Component)]
pub struct Plain;
