//! Live reload for the windows (`play FILE --watch`, `screen FILE --window --watch`). A thread
//! watches the scenario file and the `assets/` folder. A saved scenario is loaded there, off
//! the window's frames, and handed to the window to take up; a scenario with problems has them
//! shown over the whole window, located, until a save fixes them. A saved asset (a font, the
//! page's art) is loaded again by Bevy's asset server, and what uses it redraws.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::{Arc, Mutex};

use bevy::prelude::*;

use crate::scenario::{Limits, LoadError, Scenario, load_file};
use crate::screen::Face;
use crate::watch::FileWatcher;

use super::assets::{UiAssets, assets_folder};

/// What the watching thread found.
enum Saved {
    Scenario(Arc<Scenario>),
    Problems(String),
    Asset(PathBuf),
}

#[derive(Resource)]
struct Saves(Mutex<Receiver<Saved>>);

/// A scenario saved without problems, for the window to take up.
#[derive(Resource, Default)]
pub struct SavedScenario(pub Option<Arc<Scenario>>);

/// The problems of the last save of the scenario, until a save fixes them.
#[derive(Resource, Default)]
pub struct ScenarioProblems(pub Option<String>);

#[derive(Component)]
struct ProblemsOverlay;

#[derive(Component)]
struct ProblemsText;

/// Colours of the overlay: a dark red sheet, light text.
const SHEET: Color = Color::srgba(0.22, 0.03, 0.03, 0.94);
const INK: Color = Color::srgb(0.96, 0.90, 0.88);

/// Watches `scenario` (and `assets/`, when the window reads its assets from there); `waiting`
/// says what the window does while the scenario has problems.
pub fn plugin(scenario: PathBuf, waiting: &'static str) -> impl Fn(&mut App) {
    move |app: &mut App| {
        let (sender, saves) = mpsc::channel();
        let file = scenario.clone();
        let assets = assets_folder();
        std::thread::spawn(move || {
            let folders: Vec<PathBuf> = assets.iter().cloned().collect();
            let watcher = match FileWatcher::new(std::slice::from_ref(&file), &folders) {
                Ok(watcher) => watcher,
                Err(error) => {
                    let _ = sender.send(Saved::Problems(error));
                    return;
                }
            };
            while let Some(changes) = watcher.next_changes() {
                let mut saved: Vec<Saved> = changes
                    .in_folders
                    .into_iter()
                    .map(|(_, within)| Saved::Asset(within))
                    .collect();
                if !changes.files.is_empty() {
                    saved.push(match load_file(&file, &Limits::default()) {
                        Ok(loaded) => Saved::Scenario(Arc::new(loaded)),
                        Err(error) => Saved::Problems(problems_text(&error, waiting)),
                    });
                }
                // The window has closed when nobody receives.
                if saved.into_iter().any(|saved| sender.send(saved).is_err()) {
                    return;
                }
            }
        });
        app.insert_resource(Saves(Mutex::new(saves)))
            .init_resource::<SavedScenario>()
            .init_resource::<ScenarioProblems>()
            .add_systems(Startup, spawn_overlay)
            .add_systems(PreUpdate, receive_saves)
            .add_systems(Update, show_problems);
    }
}

/// The problems as `check` lists them: where, what, and the hint.
fn problems_text(error: &LoadError, waiting: &str) -> String {
    let LoadError::Invalid(report) = error else {
        return error.to_string();
    };
    let count = report.problems.len();
    let mut text = format!(
        "{} has {count} problem{}: {waiting} until a save fixes {}.\n",
        report.file,
        if count == 1 { "" } else { "s" },
        if count == 1 { "it" } else { "them" }
    );
    for problem in &report.problems {
        let location = &problem.location;
        text.push_str(&format!("\n{}:{}  {}", location.line, location.column, problem.kind));
        if let Some(hint) = &problem.hint {
            text.push_str(&format!("\n      hint: {hint}"));
        }
    }
    text
}

fn receive_saves(
    saves: Res<Saves>,
    server: Res<AssetServer>,
    mut scenario: ResMut<SavedScenario>,
    mut problems: ResMut<ScenarioProblems>,
) {
    let Ok(saves) = saves.0.lock() else { return };
    loop {
        match saves.try_recv() {
            Ok(Saved::Scenario(saved)) => {
                problems.0 = None;
                scenario.0 = Some(saved);
            }
            Ok(Saved::Problems(text)) => problems.0 = Some(text),
            Ok(Saved::Asset(path)) => server.reload(path),
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => return,
        }
    }
}

fn spawn_overlay(mut commands: Commands, assets: Res<UiAssets>) {
    commands.spawn((
        Name::new("Scenario problems"),
        ProblemsOverlay,
        GlobalZIndex(100),
        Node {
            position_type: PositionType::Absolute,
            left: Val::Px(40.0),
            right: Val::Px(40.0),
            top: Val::Px(60.0),
            padding: UiRect::all(Val::Px(18.0)),
            display: Display::None,
            ..default()
        },
        BackgroundColor(SHEET),
        children![(
            ProblemsText,
            Text::new(""),
            TextFont {
                font: assets.font(Face::Mono).into(),
                font_size: bevy::text::FontSize::Px(15.0),
                ..default()
            },
            TextColor(INK),
        )],
    ));
}

fn show_problems(
    problems: Res<ScenarioProblems>,
    mut overlay: Query<&mut Node, With<ProblemsOverlay>>,
    mut texts: Query<&mut Text, With<ProblemsText>>,
) {
    if !problems.is_changed() {
        return;
    }
    for mut node in &mut overlay {
        node.display = match problems.0 {
            Some(_) => Display::Flex,
            None => Display::None,
        };
    }
    for mut text in &mut texts {
        text.0 = problems.0.clone().unwrap_or_default();
    }
}
