//! The case panel over the map: what the team holds, narrowed by a filter and sorted by time,
//! machine or kind, one page of rows at a time (thousands of records cost no more than a page),
//! and the chosen record whole, where every machine, account, hash and address is a link: a
//! machine opens in the inspector beside the panel, anything else becomes the filter; below
//! them, what the team can do about the record (stop its program on that machine, read the
//! perimeter for the outside address it reached, block it) asks the team at a click. C (or
//! its button) shows it; `/` or a click on the filter types in it; the wheel, the arrows and
//! the Page keys move through the rows; Escape stops typing, then closes the panel.

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::input::mouse::{MouseScrollUnit, MouseWheel};
use bevy::prelude::*;
use bevy::text::TextLayout;
use bevy::ui::RelativeCursorPosition;

use crate::case::{Case, CaseRecord, host_at};
use crate::exercise::record_line;
use crate::scenario::model::{HostId, Scenario};
use crate::screen::Face;
use crate::sim::{Body, Record, file_name};

use super::super::assets::UiAssets;
use super::layout::{DIM, PANEL, Plain, Region, TEXT, button, region, show, text, write};
use super::run::{CaseRequest, ExerciseRun, Inspected, Request, SortBy, Typing};
use super::{ExerciseSystems, PanelState};

/// Rows listed at once.
const ROWS: usize = 12;
/// Lines of the chosen record's detail.
const DETAIL_LINES: usize = 22;
/// Colour of a value that is a link.
const LINK: Color = Color::srgb(0.45, 0.75, 1.0);

/// What the panel shows: whether it is open, the filter, the order, the page, the chosen
/// record; and the listing and detail last worked out, with what they were worked out from.
#[derive(Resource, Default)]
pub struct CaseView {
    pub shown: bool,
    filter: String,
    /// The filter has the keyboard.
    typing: bool,
    sort: SortBy,
    descending: bool,
    /// The first listed row on the page.
    first: usize,
    chosen: Option<u32>,
    listed: Vec<u32>,
    listed_for: Option<(usize, String, SortBy, bool)>,
    /// The chosen record's lines: a label, the value shown, and what a click does.
    detail: Vec<(String, String, Option<Follow>)>,
    detail_for: Option<(u32, usize)>,
}

/// What a click on a line of the detail does.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Follow {
    /// Follows a value of the record (`link_of`).
    Value(String),
    /// Asks the team for an action, as a line typed at the console would.
    Act(String),
}

/// Where a value in a record leads.
enum Link {
    Inspect(HostId),
    Search(String),
}

impl CaseView {
    /// Scrolls by rows, keeping a full page on screen where there is one.
    fn scroll(&mut self, rows: i64) {
        let last = self.listed.len().saturating_sub(ROWS) as i64;
        self.first = (self.first as i64 + rows).clamp(0, last.max(0)) as usize;
    }

    /// Chooses the record of a listed row, or moves the choice by rows.
    fn choose_row(&mut self, row: usize) {
        self.chosen = self.listed.get(row).copied();
        if row < self.first {
            self.first = row;
        } else if row >= self.first + ROWS {
            self.first = row + 1 - ROWS;
        }
    }

    fn move_choice(&mut self, by: i64) {
        let at = self
            .chosen
            .and_then(|id| self.listed.iter().position(|&listed| listed == id))
            .map_or(self.first as i64 - by.signum().min(0), |at| at as i64);
        let row = (at + by).clamp(0, self.listed.len().saturating_sub(1) as i64) as usize;
        self.choose_row(row);
    }

    fn set_filter(&mut self, filter: String) {
        self.filter = filter;
        self.first = 0;
    }
}

#[derive(Component)]
struct CasePanel;
#[derive(Component)]
struct Heading;
#[derive(Component)]
struct FilterBox;
#[derive(Component)]
struct Row(usize);
#[derive(Component)]
struct DetailLine(usize);
#[derive(Component)]
struct DetailLabel(usize);
#[derive(Component)]
struct DetailValue(usize);

/// What the panel's buttons ask.
#[derive(Component, Clone)]
enum CaseButton {
    Toggle,
    Close,
    Sort(SortBy),
    Filter,
    Clear,
}

pub fn plugin(app: &mut App) {
    app.init_panel_state::<CaseView>()
        .add_systems(super::SpawnPanels, spawn_case_panel)
        .add_systems(
            Update,
            (
                case_keys
                    .in_set(ExerciseSystems::Keyboard)
                    .after(super::console_line::type_line),
                (press_case_buttons, scroll_case_rows).in_set(ExerciseSystems::Input),
                steer_case.in_set(ExerciseSystems::Act),
                refresh_case.in_set(ExerciseSystems::Draw),
            ),
        );
}

fn spawn_case_panel(mut commands: Commands, assets: Res<UiAssets>, regions: Query<(Entity, &Region)>) {
    let (Some(map), Some(legend)) = (region(&regions, Region::Map), region(&regions, Region::LegendButtons)) else {
        return;
    };
    commands.entity(legend).with_children(|legend| {
        legend.spawn((button(&assets, "case (C)"), CaseButton::Toggle));
    });
    let line = |face: Face, colour: Color| (text(&assets, face, 12.0, colour, ""), TextLayout::no_wrap());
    commands.entity(map).with_children(|map| {
        map.spawn((
            Name::new("Case panel"),
            CasePanel,
            Node {
                position_type: PositionType::Absolute,
                left: Val::Px(0.0),
                right: Val::Px(0.0),
                top: Val::Px(0.0),
                bottom: Val::Px(0.0),
                display: Display::None,
                flex_direction: FlexDirection::Column,
                padding: UiRect::all(Val::Px(10.0)),
                overflow: Overflow::clip(),
                ..default()
            },
            BackgroundColor(PANEL),
            GlobalZIndex(3),
            RelativeCursorPosition::default(),
        ))
        .with_children(|panel| {
            panel
                .spawn(Node {
                    align_items: AlignItems::Center,
                    column_gap: Val::Px(6.0),
                    flex_shrink: 0.0,
                    ..default()
                })
                .with_children(|top| {
                    top.spawn((Heading, line(Face::Bold, TEXT)));
                    top.spawn(Node {
                        flex_grow: 1.0,
                        ..default()
                    });
                    top.spawn((text(&assets, Face::Regular, 12.0, DIM, "sort:"),));
                    for sort in [SortBy::Time, SortBy::Machine, SortBy::Kind] {
                        top.spawn((button(&assets, sort.label()), CaseButton::Sort(sort)));
                    }
                    top.spawn((button(&assets, "close (C)"), CaseButton::Close));
                });
            panel
                .spawn(Node {
                    align_items: AlignItems::Center,
                    column_gap: Val::Px(6.0),
                    margin: UiRect::vertical(Val::Px(6.0)),
                    flex_shrink: 0.0,
                    ..default()
                })
                .with_children(|filter| {
                    filter.spawn((
                        Button,
                        FilterBox,
                        CaseButton::Filter,
                        Node {
                            flex_grow: 1.0,
                            padding: UiRect::axes(Val::Px(6.0), Val::Px(3.0)),
                            ..default()
                        },
                        BackgroundColor(super::layout::BUTTON),
                        line(Face::Mono, TEXT),
                    ));
                    filter.spawn((button(&assets, "clear"), CaseButton::Clear));
                });
            panel
                .spawn(Node {
                    flex_direction: FlexDirection::Column,
                    flex_shrink: 0.0,
                    overflow: Overflow::clip(),
                    ..default()
                })
                .with_children(|rows| {
                    for row in 0..ROWS {
                        rows.spawn((
                            Button,
                            Plain,
                            Row(row),
                            Node {
                                height: Val::Px(16.0),
                                flex_shrink: 0.0,
                                overflow: Overflow::clip(),
                                ..default()
                            },
                            BackgroundColor(Color::NONE),
                            line(Face::Mono, DIM),
                        ));
                    }
                });
            panel
                .spawn(Node {
                    flex_direction: FlexDirection::Column,
                    flex_grow: 1.0,
                    min_height: Val::Px(0.0),
                    margin: UiRect::top(Val::Px(8.0)),
                    padding: UiRect::top(Val::Px(6.0)),
                    border: UiRect::top(Val::Px(1.0)),
                    overflow: Overflow::clip(),
                    ..default()
                })
                .insert(BorderColor::all(DIM))
                .with_children(|detail| {
                    for index in 0..DETAIL_LINES {
                        detail
                            .spawn((
                                Button,
                                Plain,
                                DetailLine(index),
                                Node {
                                    flex_shrink: 0.0,
                                    height: Val::Px(16.0),
                                    overflow: Overflow::clip(),
                                    ..default()
                                },
                                BackgroundColor(Color::NONE),
                            ))
                            .with_children(|line_node| {
                                line_node.spawn((
                                    DetailLabel(index),
                                    Node {
                                        width: Val::Px(196.0),
                                        flex_shrink: 0.0,
                                        ..default()
                                    },
                                    line(Face::Mono, DIM),
                                ));
                                line_node.spawn((DetailValue(index), line(Face::Mono, TEXT)));
                            });
                    }
                });
        });
    });
}

/// C shows and hides the panel; with it shown, `/` types in the filter, arrows choose a row,
/// Page keys turn the page, Escape stops typing or closes. The console line, when open, has
/// the keys first; the filter, when typing, takes them from the other panels.
fn case_keys(
    mut keys: MessageReader<KeyboardInput>,
    mut typing: ResMut<Typing>,
    debrief: Res<super::run::DebriefView>,
    mut view: ResMut<CaseView>,
) {
    typing.filter = view.typing && view.shown;
    if typing.took_keys || debrief.shown {
        keys.clear();
        return;
    }
    for key in keys.read() {
        if key.state != ButtonState::Pressed || key.key_code == KeyCode::F12 {
            continue;
        }
        if view.typing {
            typing.took_keys = true;
            match &key.logical_key {
                Key::Enter | Key::Escape => view.typing = false,
                Key::Backspace => {
                    let mut filter = view.filter.clone();
                    filter.pop();
                    view.set_filter(filter);
                }
                Key::Space => {
                    let filter = format!("{} ", view.filter);
                    view.set_filter(filter);
                }
                Key::Character(text) => {
                    let filter = format!("{}{text}", view.filter);
                    view.set_filter(filter);
                }
                _ => {}
            }
            continue;
        }
        // A key the panel uses is its own: the map behind it must not pan or reset on it.
        typing.took_keys |= match (&key.logical_key, key.key_code, view.shown) {
            (_, KeyCode::KeyC, _) => {
                view.shown = !view.shown;
                true
            }
            (Key::Character(text), _, true) if text == "/" => {
                view.typing = true;
                true
            }
            (Key::Escape, _, true) => {
                view.shown = false;
                true
            }
            (_, KeyCode::ArrowDown, true) => {
                view.move_choice(1);
                true
            }
            (_, KeyCode::ArrowUp, true) => {
                view.move_choice(-1);
                true
            }
            (_, KeyCode::PageDown, true) => {
                view.scroll(ROWS as i64);
                true
            }
            (_, KeyCode::PageUp, true) => {
                view.scroll(-(ROWS as i64));
                true
            }
            _ => false,
        };
    }
    typing.filter = view.typing && view.shown;
}

/// Buttons, rows and links ask through requests, as a script does.
#[expect(clippy::type_complexity, reason = "Bevy queries spell out their filters")]
fn press_case_buttons(
    buttons: Query<(&Interaction, &CaseButton), Changed<Interaction>>,
    rows: Query<(&Interaction, &Row), Changed<Interaction>>,
    lines: Query<(&Interaction, &DetailLine), (Changed<Interaction>, Without<Row>)>,
    view: Res<CaseView>,
    mut requests: MessageWriter<Request>,
) {
    let pressed = |interaction: &Interaction| *interaction == Interaction::Pressed;
    for (_, button) in buttons.iter().filter(|(interaction, _)| pressed(interaction)) {
        requests.write(Request::Case(match button {
            CaseButton::Toggle => CaseRequest::Show(!view.shown),
            CaseButton::Close => CaseRequest::Show(false),
            CaseButton::Sort(sort) => CaseRequest::Sort(*sort),
            CaseButton::Filter => CaseRequest::Type,
            CaseButton::Clear => CaseRequest::Filter(String::new()),
        }));
    }
    for (_, row) in rows.iter().filter(|(interaction, _)| pressed(interaction)) {
        requests.write(Request::Case(CaseRequest::Row(row.0 + 1)));
    }
    for (_, line) in lines.iter().filter(|(interaction, _)| pressed(interaction)) {
        match view.detail.get(line.0) {
            Some((_, _, Some(Follow::Value(value)))) => {
                requests.write(Request::Case(CaseRequest::Link(value.clone())));
            }
            Some((_, _, Some(Follow::Act(action)))) => {
                requests.write(Request::Line(action.clone()));
            }
            _ => {}
        }
    }
}

/// The wheel over the panel scrolls its rows.
fn scroll_case_rows(
    mut wheel: MessageReader<MouseWheel>,
    panels: Query<&RelativeCursorPosition, With<CasePanel>>,
    mut view: ResMut<CaseView>,
) {
    let over = view.shown && panels.iter().any(|cursor| cursor.cursor_over());
    for scroll in wheel.read() {
        let notches = match scroll.unit {
            MouseScrollUnit::Line => scroll.y,
            MouseScrollUnit::Pixel => scroll.y / 40.0,
        };
        if over {
            view.scroll((-notches * 3.0).round() as i64);
        }
    }
}

/// Carries out the panel's requests: from its buttons, its keys' neighbours and scripts.
fn steer_case(
    mut requests: MessageReader<Request>,
    run: NonSend<ExerciseRun>,
    mut view: ResMut<CaseView>,
    mut inspected: ResMut<Inspected>,
) {
    for request in requests.read() {
        let Request::Case(request) = request else { continue };
        match request.clone() {
            CaseRequest::Show(shown) => {
                view.shown = shown;
                view.typing &= shown;
            }
            CaseRequest::Type => {
                view.shown = true;
                view.typing = true;
            }
            CaseRequest::Filter(filter) => {
                view.shown = true;
                view.set_filter(filter);
            }
            CaseRequest::Sort(sort) => {
                view.descending = view.sort == sort && !view.descending;
                view.sort = sort;
            }
            CaseRequest::Row(row) => {
                refresh_listing(&mut view, run.exercise().case(), run.exercise().scenario());
                let listed = (view.first + row).saturating_sub(1);
                view.choose_row(listed);
            }
            CaseRequest::Link(value) => match link_of(run.exercise().scenario(), &value) {
                Link::Inspect(host) => inspected.0 = Some(host),
                Link::Search(text) => view.set_filter(text),
            },
        }
    }
}

/// Where a value leads: a machine (by name or address) to the inspector, anything else to
/// the filter.
fn link_of(scenario: &Scenario, value: &str) -> Link {
    match scenario.host_named(value).or_else(|| host_at(scenario, value)) {
        Some(host) => Link::Inspect(host),
        None => Link::Search(value.to_string()),
    }
}

/// The listing again, when the case, the filter or the order changed since.
fn refresh_listing(view: &mut CaseView, case: &Case, scenario: &Scenario) {
    let wanted = (case.records().len(), view.filter.clone(), view.sort, view.descending);
    if view.listed_for.as_ref() == Some(&wanted) {
        return;
    }
    let mut records: Vec<&CaseRecord> = match view.filter.trim().is_empty() {
        true => case.records().iter().collect(),
        false => case.search(scenario, &view.filter),
    };
    let name = |held: &CaseRecord| scenario.hosts[held.record.host.index()].name.as_str();
    match view.sort {
        SortBy::Time => records.sort_by_key(|held| (held.record.at, held.id)),
        SortBy::Machine => {
            records.sort_by(|a, b| name(a).cmp(name(b)).then((a.record.at, a.id).cmp(&(b.record.at, b.id))))
        }
        SortBy::Kind => records.sort_by_key(|held| (held.record.artifact().code(), held.record.at, held.id)),
    }
    if view.descending {
        records.reverse();
    }
    view.listed = records.iter().map(|held| held.id).collect();
    view.listed_for = Some(wanted);
    view.scroll(0);
}

/// What the team can do about a record, in the action language: stop the program it names on
/// the machine it was found on; read the perimeter for the outside address a flow reached, and
/// block it. (The desk says
/// whether it did anything: a program of the company's own is stopped to no purpose.)
fn responses_to(scenario: &Scenario, record: &Record) -> Vec<String> {
    let host = &scenario.hosts[record.host.index()].name;
    let program = match &record.body {
        Body::Process(process) => Some(file_name(&process.image)),
        Body::Service(service) => Some(file_name(&service.image_path)),
        Body::File(file) if file.path.to_ascii_lowercase().ends_with(".exe") => Some(file_name(&file.path)),
        _ => None,
    };
    let mut actions: Vec<String> = program
        .filter(|name| !name.is_empty() && !name.contains(char::is_whitespace))
        .map(|name| format!("kill {name} on {host}"))
        .into_iter()
        .collect();
    if let Body::Flow(flow) = &record.body {
        let inside = |address| scenario.subnets.iter().any(|subnet| subnet.cidr.contains(address));
        actions.extend(
            [flow.destination, flow.source]
                .into_iter()
                .find(|address| !inside(*address))
                .into_iter()
                .flat_map(|address| [format!("collect flows {address}"), format!("block address {address}")]),
        );
    }
    actions
}

/// The chosen record's lines: its summary, every field (a value the record can be pivoted on
/// is a link), where it leads, and what the team can do about it.
fn refresh_detail(view: &mut CaseView, case: &Case, scenario: &Scenario) {
    let Some(id) = view.chosen else {
        view.detail.clear();
        view.detail_for = None;
        return;
    };
    if view.detail_for == Some((id, case.records().len())) {
        return;
    }
    let Some(held) = case.get(id) else { return };
    let record = &held.record;
    let pivots = record.values(scenario);
    let mut lines = vec![(format!("#{id}"), record.what(scenario), None)];
    for (name, value) in record.fields(scenario) {
        let link = pivots.contains(&value).then(|| Follow::Value(value.clone()));
        lines.push((name.to_string(), value, link));
    }
    let related = case.related(scenario, id);
    for host in related.machines {
        let name = scenario.hosts[host.index()].name.to_string();
        lines.push(("leads to".to_string(), name.clone(), Some(Follow::Value(name))));
    }
    let others = |count: usize| match count {
        0 => "no other record in the case".to_string(),
        1 => "1 other record in the case".to_string(),
        count => format!("{count} other records in the case"),
    };
    if let Some(account) = related.account {
        let shown = format!("{account}: {}", others(related.same_account.len()));
        lines.push(("same account".to_string(), shown, Some(Follow::Value(account))));
    }
    if let Some(hash) = related.hash.filter(|hash| !hash.is_empty()) {
        lines.push((
            "same file".to_string(),
            others(related.same_file.len()),
            Some(Follow::Value(hash)),
        ));
    }
    for action in responses_to(scenario, record) {
        lines.push(("act".to_string(), action.clone(), Some(Follow::Act(action))));
    }
    view.detail = lines;
    view.detail_for = Some((id, case.records().len()));
}

#[expect(clippy::type_complexity, reason = "Bevy queries spell out their filters")]
#[expect(
    clippy::too_many_arguments,
    reason = "a Bevy system names every part of the panel it draws"
)]
fn refresh_case(
    run: NonSend<ExerciseRun>,
    mut view: ResMut<CaseView>,
    mut panels: Query<&mut Node, With<CasePanel>>,
    mut heading: Query<&mut Text, (With<Heading>, Without<FilterBox>, Without<Row>)>,
    mut filter: Query<&mut Text, (With<FilterBox>, Without<Heading>, Without<Row>)>,
    mut rows: Query<
        (&mut Text, &mut TextColor, &mut Node, &Row),
        (Without<Heading>, Without<FilterBox>, Without<CasePanel>),
    >,
    mut labels: Query<
        (&mut Text, &DetailLabel),
        (Without<Row>, Without<Heading>, Without<FilterBox>, Without<DetailValue>),
    >,
    mut values: Query<
        (&mut Text, &mut TextColor, &DetailValue),
        (Without<Row>, Without<Heading>, Without<FilterBox>, Without<DetailLabel>),
    >,
) {
    for mut node in &mut panels {
        show(&mut node, view.shown);
    }
    if !view.shown {
        return;
    }
    let exercise = run.exercise();
    let (case, scenario) = (exercise.case(), exercise.scenario());
    refresh_listing(&mut view, case, scenario);
    refresh_detail(&mut view, case, scenario);
    let order = if view.descending {
        "newest first"
    } else {
        "oldest first"
    };
    let order = match view.sort {
        SortBy::Time => order.to_string(),
        SortBy::Machine => format!("by machine{}", if view.descending { ", Z to A" } else { "" }),
        SortBy::Kind => format!("by kind{}", if view.descending { ", reversed" } else { "" }),
    };
    let shown_rows = match view.listed.len() {
        0 => String::new(),
        count => format!(
            ", rows {}-{} of {count}",
            view.first + 1,
            (view.first + ROWS).min(count)
        ),
    };
    if let Ok(mut text) = heading.single_mut() {
        let matching = match view.filter.trim().is_empty() {
            true => String::new(),
            false => format!(", {} hold `{}`", view.listed.len(), view.filter.trim()),
        };
        write(
            &mut text,
            format!("Case: {} records{matching}{shown_rows}, {order}", case.records().len()),
        );
    }
    if let Ok(mut text) = filter.single_mut() {
        let shown = match (view.typing, view.filter.is_empty()) {
            (true, _) => format!("filter: {}_", view.filter),
            (false, true) => "filter: (/ to type a name, account, hash, address or event id)".to_string(),
            (false, false) => format!("filter: {}", view.filter),
        };
        write(&mut text, shown);
    }
    for (mut text, mut colour, mut node, row) in &mut rows {
        let id = view.listed.get(view.first + row.0).copied();
        let line = id
            .and_then(|id| case.get(id))
            .map(|held| {
                let marker = if Some(held.id) == view.chosen { "▶ " } else { "  " };
                format!("{marker}{}", record_line(scenario, held))
            })
            .unwrap_or_else(|| match (row.0, case.is_empty()) {
                (0, true) => "  Nothing collected yet: `collect logs`, `capture memory` and `image` add a machine's records; alerts add what they saw.".to_string(),
                (0, false) if view.listed.is_empty() => "  No record holds that.".to_string(),
                _ => String::new(),
            });
        show(&mut node, !line.is_empty());
        write(&mut text, line);
        colour.set_if_neq(TextColor(if id.is_some() && id == view.chosen { TEXT } else { DIM }));
    }
    for (mut text, label) in &mut labels {
        write(
            &mut text,
            view.detail
                .get(label.0)
                .map(|(name, _, _)| name.clone())
                .unwrap_or_default(),
        );
    }
    for (mut text, mut colour, value) in &mut values {
        let line = view.detail.get(value.0);
        write(&mut text, line.map(|(_, value, _)| value.clone()).unwrap_or_default());
        let link = line.is_some_and(|(_, _, link)| link.is_some());
        colour.set_if_neq(TextColor(if link { LINK } else { TEXT }));
    }
}

impl SortBy {
    fn label(self) -> &'static str {
        match self {
            SortBy::Time => "time",
            SortBy::Machine => "machine",
            SortBy::Kind => "kind",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{exercise_at, tutorial};

    /// The actions a record offers are lines the console takes: the attacker's programs can be
    /// stopped where they run, and the address its flows reached read at the perimeter and
    /// blocked.
    #[test]
    fn a_record_offers_what_can_be_done_about_it() {
        let exercise = exercise_at(tutorial(), 1, "2025-03-11 08:00");
        let scenario = exercise.scenario();
        let staging = scenario.host_named("LAN-TO-FS-01").expect("the staging server");
        let records = exercise.simulation().records_on(staging, 59);
        let offered: Vec<String> = records
            .iter()
            .flat_map(|record| responses_to(scenario, record))
            .collect();
        assert!(
            offered.contains(&"kill lantern-helper.exe on LAN-TO-FS-01".to_string()),
            "{offered:?}"
        );
        assert!(offered.contains(&"collect flows 198.51.100.99".to_string()));
        assert!(offered.contains(&"block address 198.51.100.99".to_string()));
        for line in &offered {
            crate::response::parse_action(line, scenario).unwrap_or_else(|error| panic!("`{line}`: {error}"));
        }
        // An archive is data, not a program: nothing to stop.
        assert!(!offered.iter().any(|line| line.contains(".rar")));
    }
}
