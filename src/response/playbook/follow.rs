//! Following a playbook: each tick, the steps whose time has come hand their actions to the
//! desk, judged only by what the team has seen (observations) and holds (the case). A `Found`
//! step fills its lines from each matching record once, and the plan asks for each filled line
//! once, whichever step filled it (two steps finding the same machine do not image it twice).

use std::collections::BTreeSet;

use bevy::prelude::*;

use crate::case::Case;
use crate::scenario::model::Tick;
use crate::sim::{Clock, ObservationLog, ScenarioData, SimSystems, known_programs};

use super::super::desk::{Desk, run_desk};
use super::super::parse::parse_action;
use super::{Playbook, StepAction, Trigger, fill};

/// A playbook being followed: when each step fires, and what the `Found` steps have done.
#[derive(Resource)]
pub struct FollowedPlaybook {
    pub playbook: Playbook,
    /// Per step: the tick its actions go to the desk, once known (`At` and `FirstSeen`).
    due: Vec<Option<Tick>>,
    done: Vec<bool>,
    /// Per `Found` step: the case's records read so far; and the filled lines asked for.
    records_read: Vec<usize>,
    asked: BTreeSet<String>,
    /// Filled lines waiting for their step's delay: (due, line).
    waiting: Vec<(Tick, String)>,
    /// The programs the company runs, which `unknown` patterns leave out.
    known: Option<Vec<String>>,
}

impl FollowedPlaybook {
    /// Follows a playbook from a tick on (a branch): steps timed before it are dropped; `Found`
    /// steps read the whole case, as a team taking over would.
    pub fn starting_at(playbook: Playbook, start: Tick) -> Self {
        let mut followed = Self::new(playbook);
        for (due, done) in followed.due.iter().zip(followed.done.iter_mut()) {
            if due.is_some_and(|due| due < start) {
                *done = true;
            }
        }
        followed
    }

    /// Starts following a playbook.
    pub fn new(playbook: Playbook) -> Self {
        let steps = playbook.steps.len();
        Self {
            due: playbook
                .steps
                .iter()
                .map(|step| match step.trigger {
                    Trigger::At(tick) => Some(Tick(tick.0.saturating_add(step.delay_ticks))),
                    _ => None,
                })
                .collect(),
            done: vec![false; steps],
            records_read: vec![0; steps],
            asked: BTreeSet::new(),
            waiting: Vec::new(),
            known: None,
            playbook,
        }
    }
}

pub(crate) fn plugin(app: &mut App) {
    app.add_systems(
        FixedUpdate,
        follow_playbook
            .in_set(SimSystems::Respond)
            .before(run_desk)
            .run_if(resource_exists::<FollowedPlaybook>),
    );
}

/// Hands the desk the actions of every step due now.
fn follow_playbook(
    clock: Res<Clock>,
    scenario: Res<ScenarioData>,
    observations: Res<ObservationLog>,
    case: Res<Case>,
    mut followed: ResMut<FollowedPlaybook>,
    mut desk: ResMut<Desk>,
) {
    let now = clock.now;
    let scenario = &scenario.0;
    let followed = &mut *followed;
    let known = followed.known.get_or_insert_with(|| known_programs(scenario)).clone();
    for (index, step) in followed.playbook.steps.iter().enumerate() {
        if followed.done[index] {
            continue;
        }
        match &step.trigger {
            Trigger::FirstSeen(seen) if followed.due[index].is_none() => {
                if let Some(first) = observations
                    .observations
                    .iter()
                    .find(|observed| seen.matches(&observed.what))
                {
                    followed.due[index] = Some(Tick(first.tick.0.saturating_add(step.delay_ticks).max(now.0)));
                }
            }
            Trigger::Found { pattern, once } => {
                let records = &case.records()[followed.records_read[index].min(case.records().len())..];
                followed.records_read[index] = case.records().len();
                for held in records {
                    if !pattern.matches(scenario, &known, &held.record) {
                        continue;
                    }
                    let due = Tick(now.0.saturating_add(step.delay_ticks)).max(step.not_before.unwrap_or_default());
                    for action in &step.actions {
                        let lines = match action {
                            StepAction::Fixed(action) => vec![action.to_text(scenario)],
                            StepAction::Template(line) => fill(scenario, &case, &held.record, line),
                        };
                        for line in lines {
                            if followed.asked.insert(line.clone()) {
                                followed.waiting.push((due, line));
                            }
                        }
                    }
                    if *once {
                        followed.done[index] = true;
                        break;
                    }
                }
                continue;
            }
            _ => {}
        }
        if followed.due[index].is_some_and(|due| due <= now) {
            followed.done[index] = true;
            for action in &step.actions {
                if let StepAction::Fixed(action) = action {
                    desk.incoming.push(action.clone());
                }
            }
        }
    }
    // Filled lines whose delay is over go to the desk in the order they were found.
    let (ready, later): (Vec<_>, Vec<_>) = std::mem::take(&mut followed.waiting)
        .into_iter()
        .partition(|(due, _)| *due <= now);
    followed.waiting = later;
    for (_, line) in ready {
        if let Ok(action) = parse_action(&line, scenario) {
            desk.incoming.push(action);
        }
    }
}
