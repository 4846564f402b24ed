//! The responder's side: one action language (parse, check, complete) shared by the console,
//! playbooks, sessions and the GUI, the team that carries actions out in the simulation, and
//! playbooks.

mod action;
mod desk;
mod parse;
mod playbook;

pub use action::{Action, Finding, Request};
pub use desk::{Desk, Entry, Progress, Secured};
pub use parse::{ParseError, SYNTAX, VERBS, parse_action};
pub use playbook::{
    FollowedPlaybook, ObservationKind, Pattern, Playbook, PlaybookStep, StepAction, Trigger, load_playbook,
    parse_playbook, shape as playbook_shape,
};

/// The response team and its playbook join a simulation.
pub(crate) fn plugin(app: &mut bevy::prelude::App) {
    app.add_plugins((desk::plugin, playbook::follow::plugin));
}
