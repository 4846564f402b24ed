//! The responder's side: one action language (parse, check, apply) shared by the console,
//! playbooks, sessions and the GUI, and the team that carries actions out in the simulation.

mod action;
mod desk;
mod parse;

pub use action::{Action, Finding, Request, role_word};
pub(crate) use desk::plugin;
pub use desk::{Desk, Entry, Outcome};
pub use parse::{ParseError, SYNTAX, parse_action};
