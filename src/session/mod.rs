//! Sessions: every exercise recorded as it runs (header, actions, checkpoints, each line a link
//! of a hash chain), and the checks a replay makes against them. The format is described in
//! docs/session-format.md; running a replay is the exercise layer's (`exercise::replay`).

mod format;
mod recorder;
mod verify;

pub use format::{Chain, Header, Record, SESSION_FORMAT, Session, SessionError, header_line, record_line};
pub use recorder::{CHECKPOINT_EVERY, Recorder, header, next_session_path};
pub use verify::{RecordedAction, ReplayError, ReplayedAction, Verifier};
