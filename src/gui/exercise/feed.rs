//! The feed: observations, injects, the team's results and refusals, newest first. A line
//! ending in `»` names a machine; a click on it inspects that machine.

use bevy::prelude::*;

use crate::screen::Face;

use super::super::assets::UiAssets;
use super::ExerciseSystems;
use super::layout::{DIM, Plain, Region, region, text, write};
use super::run::{Feed, Request};

/// Feed lines shown at once.
const FEED_SLOTS: usize = 16;

/// A line of the feed, by position from the newest.
#[derive(Component)]
struct FeedSlot(usize);

pub fn plugin(app: &mut App) {
    app.add_systems(super::SpawnPanels, spawn_feed).add_systems(
        Update,
        (
            press_feed_lines.in_set(ExerciseSystems::Input),
            refresh_feed.in_set(ExerciseSystems::Draw),
        ),
    );
}

fn spawn_feed(mut commands: Commands, assets: Res<UiAssets>, regions: Query<(Entity, &Region)>) {
    let Some(feed) = region(&regions, Region::Feed) else {
        return;
    };
    commands.entity(feed).with_children(|column| {
        for slot in 0..FEED_SLOTS {
            column.spawn((
                Button,
                Plain,
                FeedSlot(slot),
                Node {
                    margin: UiRect::bottom(Val::Px(2.0)),
                    flex_shrink: 0.0,
                    ..default()
                },
                BackgroundColor(Color::NONE),
                text(&assets, Face::Regular, 12.0, DIM, ""),
            ));
        }
    });
}

/// A click on a line that names a machine inspects it.
fn press_feed_lines(
    presses: Query<(&Interaction, &FeedSlot), Changed<Interaction>>,
    feed: Res<Feed>,
    mut requests: MessageWriter<Request>,
) {
    for (interaction, slot) in &presses {
        if *interaction == Interaction::Pressed
            && let Some(&host) = feed.lines.iter().rev().nth(slot.0).and_then(|line| line.hosts.first())
        {
            requests.write(Request::Inspect(host));
        }
    }
}

fn refresh_feed(feed: Res<Feed>, mut slots: Query<(&mut Text, &FeedSlot)>) {
    for (mut text, slot) in &mut slots {
        let line = feed.lines.iter().rev().nth(slot.0);
        write(
            &mut text,
            line.map(|line| match line.hosts.is_empty() {
                true => line.text.clone(),
                false => format!("{} »", line.text),
            })
            .unwrap_or_default(),
        );
    }
}
