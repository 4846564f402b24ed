//! The debrief over the map: the score table with ratings and reasons, a chart of machines
//! compromised, defaced and wiped over time against the run with no response, and the team's
//! actions against ground truth. D (or its button) shows the debrief so far and hides it;
//! Escape hides it; `end` (or its button) ends the exercise with it. R (or its button) saves
//! the after-action report, the page `redscreen export --report` writes, to `reports/`.

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::prelude::*;

use crate::scenario::model::Tick;
use crate::screen::{Face, SERIES, paint_chart};

use super::super::assets::{UiAssets, blank};
use super::layout::{DIM, Only, PANEL, Region, TEXT, button, region, show, text, write};
use super::run::{DebriefView, ExerciseRun, Pace, Request, Typing};
use super::{ExerciseSystems, PanelState};

/// Size of the debrief's chart.
const CHART: (u32, u32) = (400, 220);

#[derive(Component)]
struct DebriefPanel;
#[derive(Component, PartialEq, Eq)]
enum DebriefText {
    Table,
    Timeline,
}
#[derive(Component)]
struct ChartAxis;

/// What the debrief's buttons do.
#[derive(Component, Clone, Copy)]
enum DebriefButton {
    Show,
    End,
    SaveReport,
}

/// The chart's texture, and the grading it was last drawn from.
#[derive(Resource, Default)]
struct Chart {
    image: Handle<Image>,
    drawn: Option<(u32, bool)>,
}

pub fn plugin(app: &mut App) {
    app.init_panel_state::<DebriefView>()
        .init_panel_state::<Chart>()
        .add_systems(super::SpawnPanels, spawn_debrief)
        .add_systems(
            Update,
            (
                (debrief_keys, press_debrief_buttons).in_set(ExerciseSystems::Input),
                refresh_debrief.in_set(ExerciseSystems::Draw),
            ),
        );
}

fn spawn_debrief(
    mut commands: Commands,
    assets: Res<UiAssets>,
    regions: Query<(Entity, &Region)>,
    mut chart: ResMut<Chart>,
    mut images: ResMut<Assets<Image>>,
) {
    let (Some(overlay), Some(legend)) = (
        region(&regions, Region::Overlay),
        region(&regions, Region::LegendButtons),
    ) else {
        return;
    };
    chart.image = images.add(blank(CHART.0, CHART.1));
    commands.entity(legend).with_children(|legend| {
        legend.spawn((button(&assets, "debrief (D)"), DebriefButton::Show));
        legend.spawn((button(&assets, "end exercise"), DebriefButton::End, Only::Live));
    });
    let panel = commands
        .spawn((
            Name::new("Debrief"),
            DebriefPanel,
            Node {
                width: Val::Percent(100.0),
                height: Val::Percent(100.0),
                display: Display::None,
                flex_direction: FlexDirection::Column,
                padding: UiRect::all(Val::Px(12.0)),
                overflow: Overflow::clip(),
                ..default()
            },
            BackgroundColor(PANEL),
        ))
        .with_children(|panel| {
            panel
                .spawn(Node {
                    flex_shrink: 0.0,
                    margin: UiRect::bottom(Val::Px(6.0)),
                    ..default()
                })
                .with_children(|bar| {
                    bar.spawn((
                        button(&assets, "save the after-action report (R)"),
                        DebriefButton::SaveReport,
                    ));
                });
            panel
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
                        text(&assets, Face::Mono, 12.0, TEXT, ""),
                    ));
                    top.spawn(Node {
                        flex_direction: FlexDirection::Column,
                        flex_shrink: 0.0,
                        ..default()
                    })
                    .with_children(|column| {
                        column.spawn(text(
                            &assets,
                            Face::Regular,
                            12.0,
                            TEXT,
                            "Machines over time: this run (solid), no response (dashed)",
                        ));
                        column.spawn((
                            Node {
                                width: Val::Px(CHART.0 as f32),
                                height: Val::Px(CHART.1 as f32),
                                margin: UiRect::vertical(Val::Px(4.0)),
                                ..default()
                            },
                            ImageNode::new(chart.image.clone()),
                        ));
                        column
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
                                    legend.spawn(text(&assets, Face::Regular, 12.0, DIM, name));
                                }
                            });
                        column.spawn((ChartAxis, text(&assets, Face::Mono, 11.0, DIM, "")));
                    });
                });
            panel.spawn((
                DebriefText::Timeline,
                Node {
                    margin: UiRect::top(Val::Px(10.0)),
                    ..default()
                },
                text(&assets, Face::Mono, 11.0, TEXT, ""),
            ));
        })
        .id();
    commands.entity(overlay).add_child(panel);
}

/// D shows the debrief so far or hides it; Escape hides it; R, while it shows, saves the
/// after-action report.
fn debrief_keys(
    mut keys: MessageReader<KeyboardInput>,
    typing: Res<Typing>,
    view: Res<DebriefView>,
    mut requests: MessageWriter<Request>,
) {
    for key in keys.read() {
        if key.state != ButtonState::Pressed || typing.took_keys {
            continue;
        }
        match (&key.logical_key, key.key_code, view.shown) {
            (_, KeyCode::KeyD, false) => {
                requests.write(Request::Debrief);
            }
            (_, KeyCode::KeyD, true) | (Key::Escape, _, true) => {
                requests.write(Request::CloseDebrief);
            }
            (_, KeyCode::KeyR, true) => {
                requests.write(Request::SaveReport(None));
            }
            _ => {}
        }
    }
}

fn press_debrief_buttons(
    presses: Query<(&Interaction, &DebriefButton), Changed<Interaction>>,
    mut requests: MessageWriter<Request>,
) {
    for (interaction, pressed) in &presses {
        if *interaction == Interaction::Pressed {
            requests.write(match pressed {
                DebriefButton::Show => Request::Debrief,
                DebriefButton::End => Request::Line("end".to_string()),
                DebriefButton::SaveReport => Request::SaveReport(None),
            });
        }
    }
}

/// Shows or hides the panel; writes the grading and paints the chart when it changes.
#[expect(clippy::type_complexity, reason = "Bevy queries spell out their filters")]
fn refresh_debrief(
    run: NonSend<ExerciseRun>,
    view: Res<DebriefView>,
    pace: Res<Pace>,
    mut chart: ResMut<Chart>,
    mut images: ResMut<Assets<Image>>,
    mut panels: Query<&mut Node, With<DebriefPanel>>,
    mut texts: ParamSet<(Query<(&mut Text, &DebriefText)>, Query<&mut Text, With<ChartAxis>>)>,
) {
    for mut node in &mut panels {
        show(&mut node, view.shown);
    }
    let Some(graded) = &view.graded else { return };
    if chart.drawn == Some((graded.response.last, pace.ended)) {
        return;
    }
    chart.drawn = Some((graded.response.last, pace.ended));
    let heading = match pace.ended {
        true => "The exercise has ended.",
        false => "The debrief so far (D or Escape closes it; the exercise goes on).",
    };
    for (mut text, part) in &mut texts.p0() {
        write(
            &mut text,
            match part {
                DebriefText::Table => format!("{heading}\n\n{}", graded.debrief.table()),
                DebriefText::Timeline => graded.debrief.timeline(),
            },
        );
    }
    let scenario = run.exercise().scenario();
    let time = |tick: u32| scenario.time_of(Tick(tick)).strftime("%a %H:%M").to_string();
    if let Ok(mut text) = texts.p1().single_mut() {
        let (response, baseline) = (&graded.response, &graded.baseline);
        write(
            &mut text,
            format!(
                "{} to {}; up to {} machines\nwith no response: {} compromised, {} wiped\nthis run: {} compromised, {} wiped",
                time(0),
                time(response.last),
                response.peak().max(baseline.peak()),
                baseline.compromised.last().unwrap_or(&0),
                baseline.wiped.last().unwrap_or(&0),
                response.compromised.last().unwrap_or(&0),
                response.wiped.last().unwrap_or(&0),
            ),
        );
    }
    let pixels = paint_chart(&graded.response, &graded.baseline, CHART.0, CHART.1);
    if let Some(mut image) = images.get_mut(&chart.image) {
        image.data = Some(pixels);
    }
}
