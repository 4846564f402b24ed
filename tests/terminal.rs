//! The terminal console as a person at a terminal uses it: in a real terminal (tmux, installed
//! by `.ci/setup`), Tab completes a machine's name and a second Tab lists the candidates, the
//! up arrow brings back the last line, and `end` ends the exercise with the debrief while the
//! session records what was typed.

use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(arguments: &[&str]) -> String {
    let output = Command::new("tmux")
        .args(arguments)
        .output()
        .expect("tmux runs (.ci/setup installs it)");
    String::from_utf8_lossy(&output.stdout).to_string()
}

/// Waits until what the terminal shows passes a test, and returns it.
fn wait_until(session: &str, what: &str, shown: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let screen = tmux(&["capture-pane", "-t", session, "-p", "-S", "-200"]);
        if shown(&screen) {
            return screen;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the terminal never showed {what}:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits until the terminal shows `text`, and returns what it shows.
fn wait_for(session: &str, text: &str) -> String {
    wait_until(session, &format!("`{text}`"), |screen| screen.contains(text))
}

#[test]
fn the_console_line_completes_recalls_and_ends_at_a_terminal() {
    let session = format!("redscreen-terminal-{}", std::process::id());
    let recorded = std::env::temp_dir().join(format!("{session}.jsonl"));
    let command = format!(
        "{} run --interactive --record {}; sleep 30",
        env!("CARGO_BIN_EXE_redscreen"),
        recorded.display()
    );
    tmux(&["new-session", "-d", "-s", &session, "-x", "200", "-y", "50", &command]);
    wait_for(&session, "The clock is running");
    // Literal text (`-l`): tmux would read a bare `end` as the End key.
    let typed = |text: &str| {
        tmux(&["send-keys", "-t", &session, "-l", text]);
    };
    let keys = |keys: &[&str]| {
        let mut arguments = vec!["send-keys", "-t", session.as_str()];
        arguments.extend_from_slice(keys);
        tmux(&arguments);
    };
    typed("pause");
    keys(&["Enter"]);
    wait_for(&session, "paused");
    typed("power off SPE-CC-WS-041");
    keys(&["Tab", "Tab"]);
    let listed = wait_for(&session, "SPE-CC-WS-0419");
    assert!(listed.contains("SPE-CC-WS-0410"), "{listed}");
    typed("2");
    keys(&["Enter"]);
    wait_for(&session, "started: power off SPE-CC-WS-0412");
    // The line typed, the team's answer, and the line brought back by the up arrow.
    keys(&["Up"]);
    wait_until(&session, "the line brought back", |screen| {
        screen.matches("power off SPE-CC-WS-0412").count() >= 3
    });
    keys(&["C-u"]);
    typed("end");
    keys(&["Enter"]);
    let ended = wait_for(&session, "Debrief: ");
    tmux(&["kill-session", "-t", &session]);
    assert!(ended.contains("Session recorded to"), "{ended}");
    let written = std::fs::read_to_string(&recorded).expect("the session was recorded");
    std::fs::remove_file(&recorded).ok();
    assert!(written.contains("\"action\":\"power off SPE-CC-WS-0412\""), "{written}");
    assert!(written.contains("\"record\":\"end\""), "{written}");
}
