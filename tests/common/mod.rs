//! What the command-line tests share: running the built binary from the project's folder.

use std::process::{Command, Output};

/// Runs `redscreen` with arguments, from the project's folder, without colours.
pub fn redscreen(arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redscreen"))
        .args(arguments)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}
