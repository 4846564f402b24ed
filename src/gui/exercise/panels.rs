//! The window's panels: clock bar, map frame with office names, inspector with action buttons
//! and the machine's screen, feed, legend, console line or replay scrubber, tooltip, and the
//! debrief overlay. Spawned once; refreshed from the exercise every frame.

use bevy::prelude::*;
use bevy::render::view::Msaa;
use bevy::text::{FontSize, TextFont};
use bevy::ui::Interaction;

use crate::response::Desk;
use crate::scenario::model::{HostId, OfficeId};
use crate::screen::{Face, Fonts};
use crate::sim::{GroundTruth, Stage};

use super::debrief::{SERIES, paint_chart};
use super::{
    BOTTOM_BAR, CHART, CLOCK_BAR, Exercise, Regions, Run, SCREEN_PREVIEW, Seen, offered, stage_colour, submit_line,
};

#[derive(Component)]
pub(super) struct ClockText;
#[derive(Component)]
pub(super) struct MapImage;
#[derive(Component)]
pub(super) struct MapLabel(usize);
/// The frame around the inspected machine's cell.
#[derive(Component)]
pub(super) struct Selection;
#[derive(Component)]
pub(super) struct InspectorText;
#[derive(Component)]
pub(super) struct ActionButtons;
#[derive(Component)]
pub(super) struct ScreenPreview;
/// Shown only in a live exercise, or only in a replay (a replay taken over becomes live).
#[derive(Component, PartialEq, Eq)]
pub(super) enum Only {
    Live,
    Replay,
}
#[derive(Component)]
pub(super) struct FeedSlot(usize);
#[derive(Component)]
pub(super) struct LegendSwatch(usize);
#[derive(Component)]
pub(super) struct LegendLabel(usize);
#[derive(Component)]
pub(super) struct BottomText;
#[derive(Component)]
pub(super) struct ScrubberFill;
#[derive(Component)]
pub(super) struct Tooltip;
#[derive(Component)]
pub(super) struct DebriefOverlay;
#[derive(Component, PartialEq, Eq)]
pub(super) enum DebriefText {
    Table,
    Timeline,
}
#[derive(Component)]
pub(super) struct ChartAxis;

/// What a button does.
#[derive(Component, Clone, Copy)]
pub(super) enum Press {
    /// An action on the inspected machine: the line with `{}` for its name.
    Act(&'static str),
    /// The machine of a feed line (by position from the newest).
    Feed(usize),
    Scrubber,
    Debrief,
    End,
}

/// The inspector's buttons: the actions that apply to one machine.
const MACHINE_ACTIONS: [(&str, &str); 9] = [
    ("isolate", "isolate host {}"),
    ("reconnect", "reconnect host {}"),
    ("power off", "power off {}"),
    ("memory", "capture memory {}"),
    ("logs", "collect logs {}"),
    ("image", "image {}"),
    ("restore", "restore {}"),
    ("rebuild", "rebuild {}"),
    ("patient zero", "submit patient-zero {}"),
];

/// Whether an inspector button applies to a machine, from what the responder knows: its
/// isolation and power as the team left them, and whether the inventory lists a backup. (Other
/// reasons to refuse come back from the desk with the refusal.)
fn applies(line: &str, seen: Seen, has_backup: bool) -> bool {
    match line.split(' ').next() {
        Some("isolate") => seen != Seen::Isolated,
        Some("reconnect") => seen == Seen::Isolated,
        Some("power") | Some("capture") => seen != Seen::Offline,
        Some("restore") => has_backup,
        _ => true,
    }
}

/// Feed lines shown at once.
const FEED_SLOTS: usize = 16;

const TEXT: Color = Color::srgb(0.92, 0.92, 0.92);
const DIM: Color = Color::srgb(0.65, 0.67, 0.70);
const BUTTON: Color = Color::srgb(0.17, 0.20, 0.25);
const PANEL: Color = Color::srgb(0.05, 0.06, 0.08);

/// Changes a text only when it differs: any change makes Bevy lay the text out again.
fn write(text: &mut Mut<Text>, value: String) {
    if text.0 != value {
        text.0 = value;
    }
}

/// Changes a node only when it differs: any change makes Bevy lay the interface out again.
fn place(node: &mut Mut<Node>, change: impl FnOnce(&mut Node)) {
    let mut next = node.clone();
    change(&mut next);
    node.set_if_neq(next);
}

fn font(handle: &Handle<Font>, size: f32) -> TextFont {
    TextFont {
        font: handle.clone().into(),
        font_size: FontSize::Px(size),
        ..default()
    }
}

fn absolute(left: f32, top: f32, width: f32, height: f32) -> Node {
    Node {
        position_type: PositionType::Absolute,
        left: Val::Px(left),
        top: Val::Px(top),
        width: Val::Px(width),
        height: Val::Px(height),
        ..default()
    }
}

/// The window's fonts, loaded once.
#[derive(Resource)]
pub(super) struct UiFonts {
    regular: Handle<Font>,
    mono: Handle<Font>,
}

impl UiFonts {
    pub(super) fn load(fonts: &mut Assets<Font>) -> Self {
        Self {
            regular: fonts.add(Font::from_bytes(Fonts::bytes(Face::Regular).to_vec())),
            mono: fonts.add(Font::from_bytes(Fonts::bytes(Face::Mono).to_vec())),
        }
    }
}

/// The root of every panel: laid out again, whole, when the window's size changes.
#[derive(Component)]
pub(super) struct Panels;

pub(super) fn spawn_camera(mut commands: Commands) {
    // Flat rectangles and text gain nothing from multisampling, which a software renderer
    // pays for on every pixel.
    commands.spawn((Camera2d, Msaa::Off));
}

/// Lays the panels out for the window's regions, the first time and after every resize.
pub(super) fn lay_out(
    mut commands: Commands,
    exercise: NonSend<Exercise>,
    regions: Res<Regions>,
    fonts: Res<UiFonts>,
    roots: Query<Entity, With<Panels>>,
) {
    if !regions.is_changed() {
        return;
    }
    for root in &roots {
        commands.entity(root).despawn();
    }
    let (regular, mono) = (fonts.regular.clone(), fonts.mono.clone());
    let Regions { width, height, map } = *regions;
    let mut root = commands.spawn((
        Name::new("Exercise"),
        Panels,
        Node {
            width: Val::Percent(100.0),
            height: Val::Percent(100.0),
            ..default()
        },
    ));
    root.with_children(|commands| {
        let side = width - map.x;
        let button = |label: &str, press: Press| {
            (
                Button,
                press,
                Node {
                    padding: UiRect::axes(Val::Px(6.0), Val::Px(3.0)),
                    margin: UiRect::all(Val::Px(2.0)),
                    ..default()
                },
                BackgroundColor(BUTTON),
                Text::new(label),
                font(&regular, 12.0),
                TextColor(TEXT),
            )
        };
        commands.spawn((
            Name::new("Clock"),
            ClockText,
            Node {
                padding: UiRect::all(Val::Px(8.0)),
                ..absolute(0.0, 0.0, width, CLOCK_BAR)
            },
            Text::new(""),
            font(&mono, 14.0),
            TextColor(TEXT),
        ));
        commands
            .spawn((
                Name::new("Map frame"),
                Node {
                    overflow: Overflow::clip(),
                    ..absolute(0.0, CLOCK_BAR, map.x, map.y)
                },
            ))
            .with_children(|frame| {
                frame.spawn((
                    Name::new("Map"),
                    MapImage,
                    absolute(0.0, 0.0, map.x, map.y),
                    ImageNode::new(exercise.map.clone()),
                ));
                frame.spawn((
                    Selection,
                    Node {
                        position_type: PositionType::Absolute,
                        border: UiRect::all(Val::Px(2.0)),
                        display: Display::None,
                        ..default()
                    },
                    BorderColor::all(Color::WHITE),
                ));
                for (index, (name, _, _)) in exercise.plan.labels.iter().enumerate() {
                    frame.spawn((
                        MapLabel(index),
                        Node {
                            position_type: PositionType::Absolute,
                            ..default()
                        },
                        Text::new(name.clone()),
                        font(&regular, 16.0),
                        TextColor(TEXT),
                    ));
                }
            });
        commands
            .spawn((
                Name::new("Side"),
                Node {
                    flex_direction: FlexDirection::Column,
                    padding: UiRect::all(Val::Px(8.0)),
                    overflow: Overflow::clip(),
                    ..absolute(map.x, CLOCK_BAR, side, map.y)
                },
            ))
            .with_children(|column| {
                column.spawn((
                    Name::new("Inspector"),
                    InspectorText,
                    Text::new("Click a machine to inspect it."),
                    font(&mono, 12.0),
                    TextColor(TEXT),
                ));
                column
                    .spawn((
                        Name::new("Actions"),
                        ActionButtons,
                        Node {
                            flex_wrap: FlexWrap::Wrap,
                            margin: UiRect::vertical(Val::Px(4.0)),
                            flex_shrink: 0.0,
                            ..default()
                        },
                    ))
                    .with_children(|buttons| {
                        for (label, line) in MACHINE_ACTIONS {
                            buttons.spawn(button(label, Press::Act(line)));
                        }
                    });
                column.spawn((
                    Name::new("Machine's screen"),
                    ScreenPreview,
                    Node {
                        width: Val::Px(SCREEN_PREVIEW.0 as f32),
                        height: Val::Px(SCREEN_PREVIEW.1 as f32),
                        margin: UiRect::vertical(Val::Px(4.0)),
                        flex_shrink: 0.0,
                        ..default()
                    },
                    ImageNode::new(exercise.screen.clone()),
                ));
                for slot in 0..FEED_SLOTS {
                    column.spawn((
                        Button,
                        Press::Feed(slot),
                        FeedSlot(slot),
                        Node {
                            margin: UiRect::bottom(Val::Px(2.0)),
                            flex_shrink: 0.0,
                            ..default()
                        },
                        Text::new(""),
                        font(&regular, 12.0),
                        TextColor(DIM),
                    ));
                }
            });
        commands
            .spawn((
                Name::new("Legend"),
                Node {
                    align_items: AlignItems::Center,
                    padding: UiRect::horizontal(Val::Px(8.0)),
                    ..absolute(0.0, height - BOTTOM_BAR, width, 22.0)
                },
            ))
            .with_children(|legend| {
                for index in 0..Seen::ALL.len() {
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
                        Text::new(""),
                        font(&regular, 12.0),
                        TextColor(DIM),
                        Node {
                            margin: UiRect::right(Val::Px(10.0)),
                            ..default()
                        },
                    ));
                }
                legend.spawn(button("debrief (D)", Press::Debrief));
                legend.spawn((button("end exercise", Press::End), Only::Live));
            });
        let bottom_top = height - BOTTOM_BAR + 24.0;
        commands.spawn((
            Name::new("Scrubber"),
            Only::Replay,
            Button,
            Press::Scrubber,
            absolute(0.0, bottom_top, width, 8.0),
            BackgroundColor(BUTTON),
            children![(
                ScrubberFill,
                Node {
                    width: Val::Percent(0.0),
                    height: Val::Percent(100.0),
                    ..default()
                },
                BackgroundColor(Color::srgb(0.85, 0.15, 0.15)),
            )],
        ));
        let text_top = bottom_top + 10.0;
        commands.spawn((
            Name::new("Console"),
            BottomText,
            Node {
                padding: UiRect::horizontal(Val::Px(8.0)),
                ..absolute(0.0, text_top, width, height - text_top)
            },
            Text::new(""),
            font(&mono, 13.0),
            TextColor(TEXT),
        ));
        commands.spawn((
            Name::new("Tooltip"),
            Tooltip,
            Node {
                position_type: PositionType::Absolute,
                padding: UiRect::all(Val::Px(6.0)),
                display: Display::None,
                ..default()
            },
            BackgroundColor(PANEL),
            Text::new(""),
            font(&mono, 12.0),
            TextColor(TEXT),
            GlobalZIndex(10),
        ));
        commands
            .spawn((
                Name::new("Debrief"),
                DebriefOverlay,
                Node {
                    display: Display::None,
                    flex_direction: FlexDirection::Column,
                    padding: UiRect::all(Val::Px(12.0)),
                    overflow: Overflow::clip(),
                    ..absolute(0.0, CLOCK_BAR, width, height - CLOCK_BAR - BOTTOM_BAR)
                },
                BackgroundColor(PANEL),
                GlobalZIndex(5),
            ))
            .with_children(|overlay| {
                overlay
                    .spawn(Node {
                        column_gap: Val::Px(16.0),
                        flex_shrink: 0.0,
                        ..default()
                    })
                    .with_children(|top| {
                        top.spawn((
                            DebriefText::Table,
                            Node {
                                flex_grow: 1.0,
                                flex_shrink: 1.0,
                                ..default()
                            },
                            Text::new(""),
                            font(&mono, 12.0),
                            TextColor(TEXT),
                        ));
                        top.spawn(Node {
                            flex_direction: FlexDirection::Column,
                            flex_shrink: 0.0,
                            ..default()
                        })
                        .with_children(|chart| {
                            chart.spawn((
                                Text::new("Machines over time: this run (solid), no response (dashed)"),
                                font(&regular, 12.0),
                                TextColor(TEXT),
                            ));
                            chart.spawn((
                                Node {
                                    width: Val::Px(CHART.0 as f32),
                                    height: Val::Px(CHART.1 as f32),
                                    margin: UiRect::vertical(Val::Px(4.0)),
                                    ..default()
                                },
                                ImageNode::new(exercise.chart.clone()),
                            ));
                            chart
                                .spawn(Node {
                                    align_items: AlignItems::Center,
                                    ..default()
                                })
                                .with_children(|legend| {
                                    for (name, [r, g, b]) in SERIES {
                                        legend.spawn((
                                            Node {
                                                width: Val::Px(12.0),
                                                height: Val::Px(12.0),
                                                margin: UiRect::horizontal(Val::Px(4.0)),
                                                ..default()
                                            },
                                            BackgroundColor(Color::srgb_u8(r, g, b)),
                                        ));
                                        legend.spawn((Text::new(name), font(&regular, 12.0), TextColor(DIM)));
                                    }
                                });
                            chart.spawn((ChartAxis, Text::new(""), font(&mono, 11.0), TextColor(DIM)));
                        });
                    });
                overlay.spawn((
                    DebriefText::Timeline,
                    Node {
                        margin: UiRect::top(Val::Px(10.0)),
                        ..default()
                    },
                    Text::new(""),
                    font(&mono, 11.0),
                    TextColor(TEXT),
                ));
            });
    });
}

/// Buttons: actions on the inspected machine go to the console as lines; a feed line
/// inspects its machine; the scrubber seeks; debrief and end do what they say.
#[allow(clippy::type_complexity)]
pub(super) fn press_buttons(
    presses: Query<(&Interaction, &Press), Changed<Interaction>>,
    mut colours: Query<(&Interaction, &mut BackgroundColor, Has<FeedSlot>), (With<Button>, Changed<Interaction>)>,
    window: Single<&Window>,
    regions: Res<Regions>,
    mut exercise: NonSendMut<Exercise>,
) {
    for (interaction, mut colour, feed) in &mut colours {
        colour.0 = match interaction {
            Interaction::Hovered => Color::srgb(0.27, 0.31, 0.38),
            Interaction::Pressed => Color::srgb(0.45, 0.20, 0.20),
            // Feed lines look like text until the pointer is on them.
            Interaction::None if feed => Color::NONE,
            Interaction::None => BUTTON,
        };
    }
    for (interaction, press) in &presses {
        if *interaction != Interaction::Pressed {
            continue;
        }
        match *press {
            Press::Act(template) => {
                if let Some(host) = exercise.inspected {
                    let name = exercise.simulation().scenario().hosts[host.index()].name.clone();
                    submit_line(&mut exercise, &template.replace("{}", &name));
                }
            }
            Press::Feed(slot) => {
                let line = exercise.feed.iter().rev().nth(slot);
                if let Some(&host) = line.and_then(|line| line.hosts.first()) {
                    exercise.inspected = Some(host);
                }
            }
            Press::Scrubber => {
                if let (Some(cursor), Run::Replay(replayed)) = (window.cursor_position(), &exercise.run) {
                    let share = (cursor.x / regions.width).clamp(0.0, 1.0);
                    let tick = (share * replayed.playback.last() as f32).round() as u32;
                    if let Err(problem) = exercise.seek(crate::scenario::model::Tick(tick)) {
                        exercise.say(problem);
                    }
                }
            }
            Press::Debrief => exercise.show_debrief(),
            Press::End => submit_line(&mut exercise, "end"),
        }
    }
}

/// The clock, map placement, legend, feed, console line or scrubber, and tooltip.
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
pub(super) fn refresh(
    exercise: NonSend<Exercise>,
    window: Single<&Window>,
    regions: Res<Regions>,
    mut texts: ParamSet<(
        Query<&mut Text, With<ClockText>>,
        Query<(&mut Text, &FeedSlot)>,
        Query<(&mut Text, &LegendLabel)>,
        Query<&mut Text, With<BottomText>>,
        Query<(&mut Text, &mut Node), With<Tooltip>>,
        Query<(&mut Text, &MapLabel)>,
    )>,
    mut swatches: Query<(&mut BackgroundColor, &LegendSwatch)>,
    mut map_nodes: ParamSet<(
        Query<&mut Node, (With<MapImage>, Without<Tooltip>)>,
        Query<(&mut Node, &MapLabel), Without<Tooltip>>,
        Query<&mut Node, (With<ScrubberFill>, Without<Tooltip>)>,
        Query<&mut Node, (With<ActionButtons>, Without<Tooltip>)>,
        Query<&mut Node, (With<Selection>, Without<Tooltip>)>,
        Query<&mut Node, (With<ScreenPreview>, Without<Tooltip>)>,
        Query<(&mut Node, &Only), Without<Tooltip>>,
        Query<(&mut Node, &Press), Without<Tooltip>>,
    )>,
) {
    let simulation = exercise.simulation();
    let scenario = simulation.scenario();
    let now = simulation.now().unwrap_or_default();
    let desk = simulation.world().resource::<Desk>();

    if let Ok(mut text) = texts.p0().single_mut() {
        let offices: Vec<String> = scenario
            .offices
            .iter()
            .enumerate()
            .map(|(index, office)| {
                let local = scenario.local_time(OfficeId(index as u32), now);
                format!("{} {}", office.name, local.strftime("%a %H:%M"))
            })
            .collect();
        let pace = match (exercise.ended, exercise.paused) {
            (true, _) => "ended".to_string(),
            (_, true) => "paused".to_string(),
            _ => format!("{}x", exercise.speed),
        };
        write(
            &mut text,
            format!(
                "{}  | {pace} | team: {} of {} free, {} waiting",
                offices.join("  "),
                desk.free(),
                scenario.responders.team_size,
                desk.queued()
            ),
        );
    }

    // The map and its labels, placed by the view.
    let view = exercise.view;
    let plan = &exercise.plan;
    if let Ok(mut node) = map_nodes.p0().single_mut() {
        place(&mut node, |next| {
            next.left = Val::Px(-view.offset.x * view.zoom);
            next.top = Val::Px(-view.offset.y * view.zoom);
            next.width = Val::Px(plan.width as f32 * view.zoom);
            next.height = Val::Px(plan.height as f32 * view.zoom);
        });
    }
    for (mut node, label) in &mut map_nodes.p1() {
        let (_, x, y) = &plan.labels[label.0];
        place(&mut node, |next| {
            next.left = Val::Px((*x as f32 - view.offset.x) * view.zoom + 2.0);
            next.top = Val::Px((*y as f32 - view.offset.y) * view.zoom + 4.0);
        });
    }
    // Each office's name with its local time.
    for (mut text, label) in &mut texts.p5() {
        let local = scenario.local_time(OfficeId(label.0 as u32), now);
        let name = &scenario.offices[label.0].name;
        write(&mut text, format!("{name} {}", local.strftime("%H:%M")));
    }
    if let Ok(mut node) = map_nodes.p4().single_mut() {
        match exercise.inspected {
            Some(host) => {
                let (x, y) = plan.cells[host.index()];
                let size = plan.cell as f32 * view.zoom + 4.0;
                place(&mut node, |next| {
                    next.display = Display::Flex;
                    next.left = Val::Px((x as f32 - view.offset.x) * view.zoom - 2.0);
                    next.top = Val::Px((y as f32 - view.offset.y) * view.zoom - 2.0);
                    next.width = Val::Px(size);
                    next.height = Val::Px(size);
                });
            }
            None => place(&mut node, |next| next.display = Display::None),
        }
    }
    if let (Ok(mut node), Run::Replay(replayed)) = (map_nodes.p2().single_mut(), &exercise.run) {
        place(&mut node, |next| {
            next.width = Val::Percent(100.0 * now.0 as f32 / replayed.playback.last().max(1) as f32)
        });
    }
    if let Ok(mut node) = map_nodes.p3().single_mut() {
        let usable = exercise.inspected.is_some() && matches!(exercise.run, Run::Live(_)) && !exercise.ended;
        place(&mut node, |next| {
            next.display = if usable { Display::Flex } else { Display::None }
        });
    }
    if let Some(host) = exercise.inspected {
        let seen = exercise.seen.get(host);
        let has_backup = !matches!(scenario.group_of(host).backup, crate::scenario::model::Backup::None);
        for (mut node, press) in &mut map_nodes.p7() {
            if let Press::Act(line) = press {
                let shown = applies(line, seen, has_backup);
                place(&mut node, |next| {
                    next.display = if shown { Display::Flex } else { Display::None }
                });
            }
        }
    }
    let mode = if exercise.is_replay() { Only::Replay } else { Only::Live };
    for (mut node, only) in &mut map_nodes.p6() {
        place(&mut node, |next| {
            next.display = if *only == mode { Display::Flex } else { Display::None }
        });
    }
    if let Ok(mut node) = map_nodes.p5().single_mut() {
        let shown = exercise.inspected.is_some();
        place(&mut node, |next| {
            next.display = if shown { Display::Flex } else { Display::None }
        });
    }

    // The legend: observed states, or true stages when the replay shows the truth.
    let legend: Vec<(String, [u8; 3])> = if exercise.show_truth {
        Stage::ALL
            .iter()
            .map(|stage| (stage.label().to_string(), stage_colour(*stage)))
            .collect()
    } else {
        Seen::ALL
            .iter()
            .map(|seen| (seen.label().to_string(), seen.colour()))
            .collect()
    };
    for (mut colour, swatch) in &mut swatches {
        colour.set_if_neq(BackgroundColor(
            legend
                .get(swatch.0)
                .map_or(Color::NONE, |(_, [r, g, b])| Color::srgb_u8(*r, *g, *b)),
        ));
    }
    for (mut text, label) in &mut texts.p2() {
        write(
            &mut text,
            legend.get(label.0).map(|(name, _)| name.clone()).unwrap_or_default(),
        );
    }

    for (mut text, slot) in &mut texts.p1() {
        write(
            &mut text,
            exercise
                .feed
                .iter()
                .rev()
                .nth(slot.0)
                .map(|line| match line.hosts.is_empty() {
                    true => line.text.clone(),
                    false => format!("{} »", line.text),
                })
                .unwrap_or_default(),
        );
    }

    if let Ok(mut text) = texts.p3().single_mut() {
        write(&mut text, match (&exercise.run, &exercise.typing) {
            (Run::Live(_), Some(line)) => {
                let offered = offered(&exercise);
                let hint = match offered.len() {
                    0 => String::new(),
                    1..=8 => format!("   Tab: {}", offered.join("  ")),
                    many => format!("   Tab: {}  … {many} in all", offered[..8].join("  ")),
                };
                format!("> {line}_{hint}\nEnter sends, Escape closes; `help` lists the actions")
            }
            (Run::Live(_), None) => "Enter: type an action (`help`)  space: pause  1/2/3: 1x/10x/60x  S: step  wheel: zoom  right-drag: pan  click: inspect".to_string(),
            (Run::Replay(replayed), _) => format!(
                "replay of {} (seed {}): tick {} of {}, {} checkpoints verified{}  ←/→: an hour  bar: seek  G: ground truth {}  T: take over",
                replayed.session.header.scenario,
                replayed.session.header.seed,
                now.0,
                replayed.playback.last(),
                replayed.playback.checkpoints_verified,
                replayed.failure.as_ref().map_or(String::new(), |failure| format!("   {failure}")),
                if exercise.show_truth { "on" } else { "off" }
            ),
        });
    }

    // The tooltip of the machine under the cursor.
    if let Ok((mut text, mut node)) = texts.p4().single_mut() {
        let hovered = window
            .cursor_position()
            .filter(|_| !exercise.debrief_shown)
            .and_then(|cursor| Some((cursor, exercise.machine_under(regions.map_point(cursor)?)?)));
        match hovered {
            Some((cursor, host)) => {
                let mut lines = about_machine(&exercise, host);
                if exercise.show_truth {
                    let stage = simulation.world().resource::<GroundTruth>().stages[host.index()];
                    lines.push(format!("truth: {}", stage.label()));
                }
                write(&mut text, lines.join("\n"));
                place(&mut node, |next| {
                    next.display = Display::Flex;
                    next.left = Val::Px((cursor.x + 14.0).min(regions.width - 260.0));
                    next.top = Val::Px((cursor.y + 14.0).min(regions.height - 80.0));
                });
            }
            None => place(&mut node, |next| next.display = Display::None),
        }
    }
}

/// A machine as the tooltip and the inspector introduce it: name and role, place and address,
/// and what is seen of it.
fn about_machine(exercise: &Exercise, host: HostId) -> Vec<String> {
    let scenario = exercise.simulation().scenario();
    let machine = &scenario.hosts[host.index()];
    vec![
        format!("{}  {:?}", machine.name, machine.role),
        format!(
            "{}/{}  {}",
            scenario.offices[machine.office.index()].name,
            scenario.subnets[machine.subnet.index()].name,
            machine.address
        ),
        format!("seen: {}", exercise.seen.get(host).label()),
    ]
}

/// The inspector: what is known of the machine, what the team did to it, and its screen.
pub(super) fn refresh_inspector(
    mut exercise: NonSendMut<Exercise>,
    mut images: ResMut<Assets<Image>>,
    mut inspector: Query<&mut Text, With<InspectorText>>,
) {
    let Some(host) = exercise.inspected else { return };
    let simulation = exercise.simulation();
    let scenario = simulation.scenario();
    let desk = simulation.world().resource::<Desk>();
    let mut lines = about_machine(&exercise, host);
    for entry in desk.log.iter().filter(|entry| entry.action.concerns(scenario, host)) {
        lines.push(format!(
            "{}: {}",
            entry.action.to_text(scenario),
            entry.outcome.describe(scenario)
        ));
        for (_, artifact, pieces) in entry.collected.iter().filter(|(on, _, _)| *on == host) {
            lines.push(format!("  secured {pieces} {artifact:?} pieces"));
        }
    }
    if let Ok(mut text) = inspector.single_mut() {
        write(&mut text, lines.join("\n"));
    }
    // The machine's screen as someone at its desk sees it.
    let showing = crate::screen::showing(simulation, host);
    if exercise.drawn_screen == Some((host, showing)) {
        return;
    }
    let (width, height) = SCREEN_PREVIEW;
    let now = simulation.now().unwrap_or_default();
    let layout = crate::screen::screen_of(scenario, host, showing, now, width, height);
    if let (Ok(pixmap), Some(mut image)) = (
        crate::screen::draw(&layout, crate::screen::FRAMES - 1),
        images.get_mut(&exercise.screen),
    ) {
        image.data = Some(pixmap.take());
        exercise.drawn_screen = Some((host, showing));
    }
}

/// The debrief overlay: shown on demand and at the end, its chart painted when graded.
#[allow(clippy::type_complexity)]
pub(super) fn refresh_debrief(
    exercise: NonSend<Exercise>,
    mut images: ResMut<Assets<Image>>,
    mut overlay: Query<&mut Node, With<DebriefOverlay>>,
    mut texts: ParamSet<(Query<(&mut Text, &DebriefText)>, Query<&mut Text, With<ChartAxis>>)>,
    laid_out: Query<(), Added<DebriefText>>,
    mut painted: Local<Option<(u32, usize)>>,
) {
    // Panels laid out again have empty texts.
    if !laid_out.is_empty() {
        *painted = None;
    }
    if let Ok(mut node) = overlay.single_mut() {
        place(&mut node, |next| {
            next.display = if exercise.debrief_shown {
                Display::Flex
            } else {
                Display::None
            }
        });
    }
    let Some(now) = &exercise.debrief else { return };
    let key = (now.response.last, exercise.feed.len());
    if *painted == Some(key) {
        return;
    }
    *painted = Some(key);
    let scenario = exercise.simulation().shared_scenario();
    let heading = if exercise.ended {
        "The exercise has ended."
    } else {
        "The debrief so far (D or Escape closes it; the exercise goes on)."
    };
    for (mut text, part) in &mut texts.p0() {
        write(
            &mut text,
            match part {
                DebriefText::Table => format!("{heading}\n\n{}", now.debrief.table()),
                DebriefText::Timeline => now.debrief.timeline(),
            },
        );
    }
    if let Ok(mut text) = texts.p1().single_mut() {
        let time = |tick: u32| {
            scenario
                .time_of(crate::scenario::model::Tick(tick))
                .strftime("%a %H:%M")
                .to_string()
        };
        write(
            &mut text,
            format!(
                "{} to {}; up to {} machines\nwith no response: {} compromised, {} wiped\nthis run: {} compromised, {} wiped",
                time(0),
                time(now.response.last),
                now.response.peak().max(now.baseline.peak()),
                now.baseline.compromised.last().unwrap_or(&0),
                now.baseline.wiped.last().unwrap_or(&0),
                now.response.compromised.last().unwrap_or(&0),
                now.response.wiped.last().unwrap_or(&0),
            ),
        );
    }
    let pixels = paint_chart(&now.response, &now.baseline, CHART.0, CHART.1);
    let chart = exercise.chart.clone();
    if let Some(mut image) = images.get_mut(&chart) {
        image.data = Some(pixels);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inspector_offers_what_applies_to_the_machine() {
        let offered = |seen: Seen, has_backup: bool| -> Vec<&str> {
            MACHINE_ACTIONS
                .iter()
                .filter(|(_, line)| applies(line, seen, has_backup))
                .map(|(label, _)| *label)
                .collect()
        };
        let alerting = offered(Seen::Alerting, true);
        assert!(alerting.contains(&"isolate") && !alerting.contains(&"reconnect"));
        let isolated = offered(Seen::Isolated, true);
        assert!(isolated.contains(&"reconnect") && !isolated.contains(&"isolate"));
        let offline = offered(Seen::Offline, false);
        assert!(!offline.contains(&"power off") && !offline.contains(&"memory"));
        assert!(!offline.contains(&"restore"), "no backup in the inventory");
        assert!(offline.contains(&"rebuild") && offline.contains(&"image"));
    }
}
