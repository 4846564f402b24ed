//! The console line: Enter or Tab opens it, keys type, Tab completes names (the candidates
//! show beside the line), Enter sends the line to the console, Escape closes it. While it is
//! open it has the keyboard, and the clock waits.

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::prelude::*;

use crate::exercise::{complete, completions};
use crate::screen::Face;

use super::super::assets::UiAssets;
use super::layout::{Only, Region, TEXT, region, text, write};
use super::run::{ExerciseRun, Request, Typing};
use super::{ExerciseSystems, PanelState};

#[derive(Component)]
struct ConsoleText;

pub fn plugin(app: &mut App) {
    app.init_panel_state::<Typing>()
        .add_systems(super::SpawnPanels, spawn_console_line)
        .add_systems(
            Update,
            (
                type_line.in_set(ExerciseSystems::Keyboard),
                refresh_console_line.in_set(ExerciseSystems::Draw),
            ),
        );
}

fn spawn_console_line(mut commands: Commands, assets: Res<UiAssets>, regions: Query<(Entity, &Region)>) {
    let Some(console) = region(&regions, Region::Console) else {
        return;
    };
    commands
        .entity(console)
        .with_child((ConsoleText, Only::Live, text(&assets, Face::Mono, 13.0, TEXT, "")));
}

/// Takes the keyboard first: with the line open every key types (F12 still saves a
/// screenshot); closed, Enter or Tab opens it (unless the case panel's filter is being typed).
/// Other panels leave the keys it took alone.
pub(super) fn type_line(
    mut keys: MessageReader<KeyboardInput>,
    run: NonSend<ExerciseRun>,
    mut typing: ResMut<Typing>,
    mut requests: MessageWriter<Request>,
) {
    typing.took_keys = typing.line.is_some();
    if typing.filter {
        keys.clear();
        return;
    }
    for key in keys.read() {
        if key.state != ButtonState::Pressed || key.key_code == KeyCode::F12 {
            continue;
        }
        let Some(mut line) = typing.line.take() else {
            if matches!(key.logical_key, Key::Enter | Key::Tab) && !run.is_replay() {
                typing.line = Some(String::new());
                typing.took_keys = true;
            }
            continue;
        };
        match &key.logical_key {
            Key::Enter => {
                requests.write(Request::Line(line));
                continue;
            }
            Key::Escape => continue,
            Key::Backspace => {
                line.pop();
            }
            Key::Tab => line = complete(&line, run.exercise().scenario()),
            Key::Space => line.push(' '),
            Key::Character(text) => line.push_str(text),
            _ => {}
        }
        typing.line = Some(line);
    }
}

fn refresh_console_line(
    run: NonSend<ExerciseRun>,
    typing: Res<Typing>,
    mut texts: Query<&mut Text, With<ConsoleText>>,
) {
    let Ok(mut text) = texts.single_mut() else { return };
    let shown = match &typing.line {
        Some(line) => {
            let offered = completions(line, run.exercise().scenario());
            let hint = match offered.len() {
                0 => String::new(),
                1..=8 => format!("   Tab: {}", offered.join("  ")),
                many => format!("   Tab: {}  … {many} in all", offered[..8].join("  ")),
            };
            format!("> {line}_{hint}\nEnter sends, Escape closes; `help` lists the actions")
        }
        None => "Enter: type an action (`help`)  space: pause  1/2/3: 1x/10x/60x  S: step  wheel: zoom  right-drag: pan  click: inspect".to_string(),
    };
    write(&mut text, shown);
}
