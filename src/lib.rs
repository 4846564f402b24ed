//! redscreen: a training simulator for responding to a destructive-wiper attack.
//!
//! A scenario (RON) describes a company and its attacker; the simulation spreads the wiper,
//! shows the warning page and wipes machines while a responder investigates and acts.

pub mod case;
pub mod checksum;
pub mod exercise;
pub mod export;
#[cfg(feature = "gui")]
pub mod gui;
pub mod html;
pub mod lsp;
pub mod response;
pub mod scenario;
pub mod scoring;
pub mod screen;
pub mod session;
pub mod sim;
pub mod sweep;
pub mod testing;
pub mod watch;
