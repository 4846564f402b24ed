//! What the command-line tests share: running the built binary from the project's folder.

use std::process::Output;

/// Runs `redscreen` with arguments, from the project's folder, without colours.
pub fn redscreen(arguments: &[&str]) -> Output {
    redscreen::testing::run_binary(env!("CARGO_BIN_EXE_redscreen"), arguments)
}
