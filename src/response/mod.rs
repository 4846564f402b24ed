//! The responder's side: one action language (parse, check, apply) shared by the console,
//! playbooks, sessions and the GUI, and the team that carries actions out in the simulation.

mod action;
mod complete;
mod console;
mod desk;
mod parse;
mod playbook;

pub use action::{Action, Finding, Request, role_word};
pub use playbook::{FollowedPlaybook, Playbook, PlaybookStep, Seen, Trigger, load_playbook, parse_playbook};

/// The response team and its playbook join a simulation.
pub(crate) fn plugin(app: &mut bevy::prelude::App) {
    app.add_plugins((desk::plugin, playbook::plugin));
}
pub use complete::{complete, completions};
pub use console::{COMMANDS, Console, Control, Line, NewsReader, describe_observation};
pub use desk::{Desk, Entry, Outcome};
pub use parse::{ParseError, SYNTAX, parse_action};
