//! Sessions: every exercise recorded as it runs (header, actions, checkpoints), replayed exactly
//! and checked, scrubbed to any tick, branched into a new session, and compared.
//! The format is described in docs/session-format.md.

mod format;
mod recorder;
mod replay;

pub use format::{Header, Record, SESSION_FORMAT, Session, SessionError};
pub use recorder::{CHECKPOINT_EVERY, Recorder, header, next_session_path};
pub use replay::{BranchError, Playback, Replay, ReplayError, branch, replay};
