//! The inspector: the machine a click (or a feed line) chose: what is known of it, what the team
//! did to it and what that secured, buttons for the actions that apply, and its screen as
//! someone at its desk sees it.

use bevy::prelude::*;

use crate::exercise::Seen;
use crate::response::{Action, Finding};
use crate::scenario::model::{Backup, HostId, Scope};
use crate::screen::{FRAMES, Face, Showing, draw, screen_of, showing};

use super::super::assets::{UiAssets, blank};
use super::layout::{Region, TEXT, button, region, show, text, write};
use super::map::about_machine;
use super::run::{ExerciseRun, Inspected, Pace, Request, SeenStates};
use super::{ExerciseSystems, PanelState};

/// Size of the inspector's picture of a machine's screen.
const SCREEN_PREVIEW: (u32, u32) = (320, 180);

/// The actions the inspector offers on its machine.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
enum MachineAction {
    Isolate,
    Reconnect,
    PowerOff,
    CaptureMemory,
    CollectLogs,
    Image,
    Restore,
    Rebuild,
    PatientZero,
}

impl MachineAction {
    const ALL: [MachineAction; 9] = [
        MachineAction::Isolate,
        MachineAction::Reconnect,
        MachineAction::PowerOff,
        MachineAction::CaptureMemory,
        MachineAction::CollectLogs,
        MachineAction::Image,
        MachineAction::Restore,
        MachineAction::Rebuild,
        MachineAction::PatientZero,
    ];

    fn label(self) -> &'static str {
        match self {
            MachineAction::Isolate => "isolate",
            MachineAction::Reconnect => "reconnect",
            MachineAction::PowerOff => "power off",
            MachineAction::CaptureMemory => "memory",
            MachineAction::CollectLogs => "logs",
            MachineAction::Image => "image",
            MachineAction::Restore => "restore",
            MachineAction::Rebuild => "rebuild",
            MachineAction::PatientZero => "patient zero",
        }
    }

    /// The action on a machine.
    fn on(self, host: HostId) -> Action {
        match self {
            MachineAction::Isolate => Action::Isolate(Scope::Host(host)),
            MachineAction::Reconnect => Action::Reconnect(Scope::Host(host)),
            MachineAction::PowerOff => Action::PowerOff(host),
            MachineAction::CaptureMemory => Action::CaptureMemory(host),
            MachineAction::CollectLogs => Action::CollectLogs(host),
            MachineAction::Image => Action::ImageDisk(host),
            MachineAction::Restore => Action::RestoreFromBackup(host),
            MachineAction::Rebuild => Action::Rebuild(host),
            MachineAction::PatientZero => Action::Submit(Finding::PatientZero(host)),
        }
    }

    /// Whether the button applies, from what the responder knows: the machine's isolation and
    /// power as the team left them, and whether the inventory lists a backup. (Other reasons to
    /// refuse come back from the desk with the refusal.)
    fn applies(self, seen: Seen, has_backup: bool) -> bool {
        match self {
            MachineAction::Isolate => seen != Seen::Isolated,
            MachineAction::Reconnect => seen == Seen::Isolated,
            MachineAction::PowerOff | MachineAction::CaptureMemory => seen != Seen::Offline,
            MachineAction::Restore => has_backup,
            _ => true,
        }
    }
}

#[derive(Component)]
struct InspectorText;
#[derive(Component)]
struct ActionButtons;
#[derive(Component)]
struct ScreenPreview;

/// The preview's texture and what it shows.
#[derive(Resource, Default)]
struct Preview {
    image: Handle<Image>,
    drawn: Option<(HostId, Showing)>,
}

pub fn plugin(app: &mut App) {
    app.init_panel_state::<Preview>()
        .add_systems(super::SpawnPanels, spawn_inspector)
        .add_systems(
            Update,
            (
                press_actions.in_set(ExerciseSystems::Input),
                (refresh_inspector, refresh_preview).in_set(ExerciseSystems::Draw),
            ),
        );
}

fn spawn_inspector(
    mut commands: Commands,
    assets: Res<UiAssets>,
    regions: Query<(Entity, &Region)>,
    mut preview: ResMut<Preview>,
    mut images: ResMut<Assets<Image>>,
) {
    let Some(inspector) = region(&regions, Region::Inspector) else {
        return;
    };
    preview.image = images.add(blank(SCREEN_PREVIEW.0, SCREEN_PREVIEW.1));
    commands.entity(inspector).with_children(|column| {
        column.spawn((
            InspectorText,
            text(&assets, Face::Mono, 12.0, TEXT, "Click a machine to inspect it."),
        ));
        column
            .spawn((
                Name::new("Actions"),
                ActionButtons,
                Node {
                    flex_wrap: FlexWrap::Wrap,
                    margin: UiRect::vertical(Val::Px(4.0)),
                    flex_shrink: 0.0,
                    display: Display::None,
                    ..default()
                },
            ))
            .with_children(|buttons| {
                for action in MachineAction::ALL {
                    buttons.spawn((button(&assets, action.label()), action));
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
                display: Display::None,
                ..default()
            },
            ImageNode::new(preview.image.clone()),
        ));
    });
}

/// A button sends its action on the inspected machine to the console, as a line.
fn press_actions(
    presses: Query<(&Interaction, &MachineAction), Changed<Interaction>>,
    run: NonSend<ExerciseRun>,
    inspected: Res<Inspected>,
    mut requests: MessageWriter<Request>,
) {
    let Some(host) = inspected.0 else { return };
    for (interaction, action) in &presses {
        if *interaction == Interaction::Pressed {
            let line = action.on(host).to_text(run.exercise().scenario());
            requests.write(Request::Line(line));
        }
    }
}

/// What is known of the machine and what the team did to it; the buttons that apply.
#[expect(clippy::type_complexity, reason = "Bevy queries spell out their filters")]
fn refresh_inspector(
    run: NonSend<ExerciseRun>,
    seen: Res<SeenStates>,
    inspected: Res<Inspected>,
    pace: Res<Pace>,
    mut texts: Query<&mut Text, With<InspectorText>>,
    mut nodes: ParamSet<(
        Query<&mut Node, With<ActionButtons>>,
        Query<(&mut Node, &MachineAction)>,
        Query<&mut Node, With<ScreenPreview>>,
    )>,
) {
    let usable = inspected.0.is_some() && !run.is_replay() && !pace.ended;
    for mut node in &mut nodes.p0() {
        show(&mut node, usable);
    }
    for mut node in &mut nodes.p2() {
        show(&mut node, inspected.0.is_some());
    }
    let Some(host) = inspected.0 else { return };
    let exercise = run.exercise();
    let scenario = exercise.scenario();
    let has_backup = !matches!(scenario.group_of(host).backup, Backup::None);
    for (mut node, action) in &mut nodes.p1() {
        show(&mut node, action.applies(seen.map.get(host), has_backup));
    }
    let mut lines = about_machine(&run, &seen, host);
    for entry in exercise
        .desk()
        .log
        .iter()
        .filter(|entry| entry.action.concerns(scenario, host))
    {
        lines.push(format!(
            "{}: {}",
            entry.action.to_text(scenario),
            entry.progress.describe(scenario)
        ));
        for secured in entry.collected.iter().filter(|secured| secured.host == host) {
            lines.push(format!(
                "  secured {} {} records",
                secured.records,
                secured.artifact.label()
            ));
        }
    }
    if let Ok(mut text) = texts.single_mut() {
        write(&mut text, lines.join("\n"));
    }
}

/// The machine's screen as someone at its desk sees it, drawn when it changes.
fn refresh_preview(
    run: NonSend<ExerciseRun>,
    inspected: Res<Inspected>,
    mut preview: ResMut<Preview>,
    mut images: ResMut<Assets<Image>>,
) {
    let Some(host) = inspected.0 else { return };
    let simulation = run.exercise().simulation();
    let now_showing = showing(simulation, host);
    if preview.drawn == Some((host, now_showing)) {
        return;
    }
    let (width, height) = SCREEN_PREVIEW;
    let now = simulation.now().unwrap_or_default();
    let layout = screen_of(simulation.scenario(), host, now_showing, now, width, height);
    if let (Ok(pixmap), Some(mut image)) = (draw(&layout, FRAMES - 1), images.get_mut(&preview.image)) {
        image.data = Some(pixmap.take());
        preview.drawn = Some((host, now_showing));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inspector_offers_what_applies_to_the_machine() {
        let offered = |seen: Seen, has_backup: bool| -> Vec<&str> {
            MachineAction::ALL
                .iter()
                .filter(|action| action.applies(seen, has_backup))
                .map(|action| action.label())
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

    #[test]
    fn every_button_is_a_line_of_the_action_language() {
        let scenario = crate::scenario::load_flagship(&crate::scenario::Limits::default()).expect("the flagship");
        let host = scenario.host_named("SPE-CC-WS-0412").expect("a machine");
        for action in MachineAction::ALL {
            let line = action.on(host).to_text(&scenario);
            assert_eq!(
                crate::response::parse_action(&line, &scenario),
                Ok(action.on(host)),
                "{line}"
            );
        }
    }
}
