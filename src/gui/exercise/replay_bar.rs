//! The replay bar: a scrubber (click to seek), where the replay is and what it verified, and
//! its keys: left and right move an hour, G shows the ground truth, T takes the replay over
//! and plays on live from its present moment.

use bevy::input::ButtonState;
use bevy::input::keyboard::KeyboardInput;
use bevy::prelude::*;
use bevy::ui::RelativeCursorPosition;

use crate::scenario::model::Tick;
use crate::screen::Face;

use super::super::assets::UiAssets;
use super::ExerciseSystems;
use super::layout::{BUTTON, Only, Region, TEXT, place, region, text, write};
use super::run::{ExerciseRun, Request, Run, ShowTruth, Typing};

#[derive(Component)]
struct Scrubber;
#[derive(Component)]
struct ScrubberFill;
#[derive(Component)]
struct ReplayStatus;

pub fn plugin(app: &mut App) {
    app.add_systems(super::SpawnPanels, spawn_replay_bar).add_systems(
        Update,
        (
            (replay_keys, press_scrubber).in_set(ExerciseSystems::Input),
            refresh_replay_bar.in_set(ExerciseSystems::Draw),
        ),
    );
}

fn spawn_replay_bar(mut commands: Commands, assets: Res<UiAssets>, regions: Query<(Entity, &Region)>) {
    let (Some(bar), Some(console)) = (region(&regions, Region::ReplayBar), region(&regions, Region::Console)) else {
        return;
    };
    commands.entity(bar).with_child((
        Name::new("Scrubber"),
        Scrubber,
        Only::Replay,
        Button,
        RelativeCursorPosition::default(),
        Node {
            width: Val::Percent(100.0),
            height: Val::Percent(100.0),
            ..default()
        },
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
    commands
        .entity(console)
        .with_child((ReplayStatus, Only::Replay, text(&assets, Face::Mono, 13.0, TEXT, "")));
}

/// Left and right seek an hour; G toggles the ground truth; T takes over.
fn replay_keys(
    mut keys: MessageReader<KeyboardInput>,
    typing: Res<Typing>,
    run: NonSend<ExerciseRun>,
    truth: Res<ShowTruth>,
    mut requests: MessageWriter<Request>,
) {
    if !run.is_replay() {
        return;
    }
    let exercise = run.exercise();
    let hour = 3600 / exercise.scenario().meta.tick_seconds.max(1);
    let now = exercise.now().map_or(0, |now| now.0);
    for key in keys.read() {
        if key.state != ButtonState::Pressed || typing.took_keys {
            continue;
        }
        let request = match key.key_code {
            KeyCode::ArrowLeft => Request::Seek(Tick(now.saturating_sub(hour))),
            KeyCode::ArrowRight => Request::Seek(Tick(now + hour)),
            KeyCode::KeyG => Request::ShowTruth(!truth.0),
            KeyCode::KeyT => Request::TakeOver(None),
            _ => continue,
        };
        requests.write(request);
    }
}

/// A click on the scrubber seeks to the moment under the pointer.
#[expect(clippy::type_complexity, reason = "Bevy queries spell out their filters")]
fn press_scrubber(
    presses: Query<(&Interaction, &RelativeCursorPosition), (With<Scrubber>, Changed<Interaction>)>,
    run: NonSend<ExerciseRun>,
    mut requests: MessageWriter<Request>,
) {
    let Run::Replay(replayed) = &run.run else { return };
    for (interaction, cursor) in &presses {
        if *interaction == Interaction::Pressed
            && let Some(normalized) = cursor.normalized
        {
            let share = (normalized.x + 0.5).clamp(0.0, 1.0);
            let tick = (share * replayed.playback.last() as f32).round() as u32;
            requests.write(Request::Seek(Tick(tick)));
        }
    }
}

fn refresh_replay_bar(
    run: NonSend<ExerciseRun>,
    truth: Res<ShowTruth>,
    mut fills: Query<&mut Node, With<ScrubberFill>>,
    mut texts: Query<&mut Text, With<ReplayStatus>>,
) {
    let Run::Replay(replayed) = &run.run else { return };
    let now = replayed.playback.exercise.now().map_or(0, |now| now.0);
    let last = replayed.playback.last();
    for mut node in &mut fills {
        place(&mut node, |next| {
            next.width = Val::Percent(100.0 * now as f32 / last.max(1) as f32)
        });
    }
    let Ok(mut text) = texts.single_mut() else { return };
    let header = &replayed.session.header;
    write(
        &mut text,
        format!(
            "replay of {} (seed {}): tick {now} of {last}, {} checkpoints verified{}  ←/→: an hour  bar: seek  G: ground truth {}  T: take over",
            header.scenario,
            header.seed,
            replayed.playback.checkpoints_verified(),
            replayed
                .failure
                .as_ref()
                .map_or(String::new(), |failure| format!("   {failure}")),
            if truth.0 { "on" } else { "off" }
        ),
    );
}
