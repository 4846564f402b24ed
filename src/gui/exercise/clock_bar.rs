//! The clock bar: every office's local time, the clock's pace, the team's load. Its keys set
//! the pace: space pauses, 1/2/3 run at 1x/10x/60x, S steps one tick.

use bevy::input::ButtonState;
use bevy::input::keyboard::KeyboardInput;
use bevy::prelude::*;

use crate::scenario::model::OfficeId;
use crate::screen::Face;

use super::super::assets::UiAssets;
use super::ExerciseSystems;
use super::layout::{Region, TEXT, region, text, write};
use super::run::{ExerciseRun, Pace, Request, Typing};

/// The clock bar's text.
#[derive(Component)]
struct ClockText;

pub fn plugin(app: &mut App) {
    app.add_systems(super::SpawnPanels, spawn_clock).add_systems(
        Update,
        (
            steer_pace.in_set(ExerciseSystems::Input),
            refresh_clock.in_set(ExerciseSystems::Draw),
        ),
    );
}

fn spawn_clock(mut commands: Commands, assets: Res<UiAssets>, regions: Query<(Entity, &Region)>) {
    let Some(bar) = region(&regions, Region::ClockBar) else {
        return;
    };
    commands
        .entity(bar)
        .with_child((ClockText, text(&assets, Face::Mono, 14.0, TEXT, "")));
}

/// Space, 1/2/3 and S, when the console line does not have the keyboard.
fn steer_pace(
    mut keys: MessageReader<KeyboardInput>,
    typing: Res<Typing>,
    mut pace: ResMut<Pace>,
    mut requests: MessageWriter<Request>,
) {
    for key in keys.read() {
        if key.state != ButtonState::Pressed || typing.took_keys {
            continue;
        }
        match key.key_code {
            KeyCode::Space => pace.paused = !pace.paused,
            KeyCode::KeyS => {
                requests.write(Request::Step);
            }
            code => {
                let speeds = [(KeyCode::Digit1, 1), (KeyCode::Digit2, 10), (KeyCode::Digit3, 60)];
                if let Some((_, speed)) = speeds.iter().find(|(key, _)| *key == code) {
                    pace.speed = *speed;
                    pace.paused = false;
                }
            }
        }
    }
}

/// Width of a character of the clock bar's monospaced 14-pixel face, in pixels.
const CHARACTER_WIDTH: f32 = 8.5;

fn refresh_clock(
    run: NonSend<ExerciseRun>,
    pace: Res<Pace>,
    window: Single<&Window>,
    mut texts: Query<&mut Text, With<ClockText>>,
) {
    let Ok(mut text) = texts.single_mut() else { return };
    let exercise = run.exercise();
    let scenario = exercise.scenario();
    let now = exercise.now().unwrap_or_default();
    let shown_pace = match (pace.ended, pace.paused) {
        (true, _) => "ended".to_string(),
        (_, true) => "paused".to_string(),
        _ => format!("{}x", pace.speed),
    };
    let desk = exercise.desk();
    let status = format!(
        "  | {shown_pace} | team: {} of {} free, {} waiting",
        desk.free(),
        scenario.responders.team_size,
        desk.queued()
    );
    // As many offices' times as fit on one line; the map's labels have the others.
    let room = ((window.width() - 16.0) / CHARACTER_WIDTH) as usize;
    let mut offices = String::new();
    for (index, office) in scenario.offices.iter().enumerate() {
        let local = scenario.local_time(OfficeId(index as u32), now);
        let entry = format!(
            "{}{} {}",
            if index > 0 { "  " } else { "" },
            office.name,
            local.strftime("%a %H:%M")
        );
        let rest = scenario.offices.len() - index;
        let more = |count: usize| format!("  +{count} offices");
        let after = if rest > 1 { more(rest - 1).len() } else { 0 };
        if offices.len() + entry.len() + after + status.len() > room {
            offices.push_str(&more(rest));
            break;
        }
        offices.push_str(&entry);
    }
    write(&mut text, format!("{}{status}", offices.trim_start()));
}
