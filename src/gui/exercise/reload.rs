//! `play FILE --watch`: when the scenario file is saved, the exercise restarts on it (a new
//! run, recorded to a new session; the old session stays as it was), and the window's panels
//! are built again for it. While the saved file has problems, the clock is paused and the
//! problems are shown over the window (`gui::watch`).

use std::path::PathBuf;
use std::sync::Arc;

use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use crate::exercise::Console;
use crate::scenario::Scenario;

use super::super::watch::{self, SavedScenario, ScenarioProblems};
use super::run::{ExerciseRun, Feed, Inspected, Pace, Run, SeenStates, ShowTruth, Spent};
use super::{ExercisePart, ExerciseSystems, build_panels};

/// Starts a new exercise on a scenario: a console (recording where the caller records), and a
/// line for the feed saying so; or why it could not.
pub type Restart = Box<dyn Fn(Arc<Scenario>) -> Result<(Console, String), String> + Send + Sync>;

/// The scenario file to watch, and how to start an exercise on it.
pub struct WatchedScenario {
    pub path: PathBuf,
    pub restart: Restart,
}

#[derive(Resource)]
struct Restarts(Restart);

/// Watches the scenario, and restarts the exercise on each save of it without problems.
pub fn watch_scenario(app: &mut App, watched: WatchedScenario) {
    app.add_plugins(watch::plugin(watched.path, "the exercise is paused"))
        .insert_resource(Restarts(watched.restart))
        .add_systems(
            Update,
            (pause_while_broken, restart_on_saved_scenario)
                .chain()
                .in_set(ExerciseSystems::Act)
                .before(super::run::carry_out_requests),
        );
}

fn pause_while_broken(problems: Res<ScenarioProblems>, mut pace: ResMut<Pace>, mut feed: ResMut<Feed>) {
    if problems.is_changed()
        && let Some(text) = &problems.0
    {
        pace.paused = true;
        feed.say(text.lines().next().unwrap_or_default().to_string());
    }
}

/// Takes up a saved scenario: a new exercise on it, and the panels built again.
fn restart_on_saved_scenario(world: &mut World) {
    let Some(scenario) = world.resource_mut::<SavedScenario>().0.take() else {
        return;
    };
    let started = (world.resource::<Restarts>().0)(Arc::clone(&scenario));
    let (console, note) = match started {
        Ok(started) => started,
        Err(reason) => {
            world
                .resource_mut::<Feed>()
                .say(format!("the saved scenario could not be started: {reason}"));
            return;
        }
    };
    let parts: Vec<Entity> = world
        .query_filtered::<Entity, With<ExercisePart>>()
        .iter(world)
        .collect();
    for part in parts {
        world.entity_mut(part).despawn();
    }
    let mut feed = Feed::default();
    feed.lines.extend(console.briefing().into_iter().map(Into::into));
    feed.say(format!("The scenario was saved: the exercise restarts on it ({note})."));
    let speed = world.resource::<Pace>().speed;
    let paused = world.resource::<Pace>().paused;
    let mut pace = Pace::new(speed);
    pace.paused = paused;
    world.insert_non_send(ExerciseRun::new(Run::Live(console)));
    world.insert_resource(pace);
    world.insert_resource(feed);
    world.insert_resource(Inspected(None));
    world.insert_resource(SeenStates::new(scenario.hosts.len()));
    world.insert_resource(ShowTruth::default());
    world.insert_resource(Spent::default());
    build_panels(world);
    let mut windows = world.query_filtered::<&mut Window, With<PrimaryWindow>>();
    if let Ok(mut window) = windows.single_mut(world) {
        window.title = format!("redscreen: {}", scenario.meta.title);
    }
}
