//! The exercise at a terminal (`redscreen run --interactive`, or `redscreen` with no display).
//! On a terminal the clock runs (60 simulated seconds a second at first) and the line being
//! typed has history, cursor keys and Tab completion of names, while observations keep
//! arriving above it; from a pipe the clock moves only with `step`, `wait` and `until`, so a
//! scripted session always gives the same result. The debrief follows.

use std::borrow::Cow;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use redscreen::exercise::{Baseline, Console, Control, completions};
use redscreen::scenario::Scenario;
use redscreen::session::next_session_path;
use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{CompletionType, Config, Context, Editor, ExternalPrinter, Helper};

use super::{CliError, load};

/// Plays the exercise at the console and prints the debrief.
pub fn run(scenario: Arc<Scenario>, seed: u64, source: &str, record: Option<PathBuf>) -> Result<ExitCode, CliError> {
    let mut console = Console::new(Arc::clone(&scenario), seed);
    for line in console.briefing() {
        println!("{line}");
    }
    let path = record.unwrap_or_else(|| next_session_path(&scenario.meta.id, seed));
    let recorder = load::start_recording(&path, console.exercise(), source, "console")?;
    println!("Recording this session to {}.", path.display());
    console.record_to(recorder);
    if std::io::stdin().is_terminal() {
        on_terminal(&mut console, &scenario)?;
    } else {
        from_pipe(&mut console);
    }
    if let Some(path) = console.finish_recording() {
        println!("Session recorded to {path}.");
    }
    let graded = Baseline::default().grade(console.exercise());
    println!();
    print!("{}", console.exercise().summary());
    println!();
    print!("{}", graded.debrief);
    Ok(ExitCode::SUCCESS)
}

/// Lines from a pipe, one after the other: the clock moves only when a line says so.
fn from_pipe(console: &mut Console) {
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let (output, control) = console.handle(&line);
        for line in output {
            println!("{line}");
        }
        if control == Control::End || console.finished() {
            break;
        }
    }
    let _ = std::io::stdout().flush();
}

/// Completion of names in the line being typed, from the exercise's own completion.
struct Completion {
    scenario: Arc<Scenario>,
}

impl Completer for Completion {
    type Candidate = String;

    fn complete(&self, line: &str, position: usize, _: &Context<'_>) -> rustyline::Result<(usize, Vec<String>)> {
        let before = &line[..position];
        let start = before.rfind(char::is_whitespace).map_or(0, |at| at + 1);
        Ok((start, completions(before, &self.scenario)))
    }
}

impl Hinter for Completion {
    type Hint = String;
}
impl Highlighter for Completion {
    fn highlight<'l>(&self, line: &'l str, _: usize) -> Cow<'l, str> {
        Cow::Borrowed(line)
    }
}
impl Validator for Completion {}
impl Helper for Completion {}

/// A terminal: the clock runs while a line editor (history, cursor keys, Tab) reads lines in
/// a thread of its own; what the exercise says is printed above the line being typed.
fn on_terminal(console: &mut Console, scenario: &Arc<Scenario>) -> Result<(), CliError> {
    let failed = |error: ReadlineError| CliError::Failed(format!("the terminal cannot be read: {error}"));
    // Tab completes what all candidates share, and a second Tab lists them, as shells do.
    let config = Config::builder().completion_type(CompletionType::List).build();
    let mut editor: Editor<Completion, _> = Editor::with_config(config).map_err(failed)?;
    editor.set_helper(Some(Completion {
        scenario: Arc::clone(scenario),
    }));
    let mut printer = editor.create_external_printer().map_err(failed)?;
    let mut say = move |text: String| {
        if printer.print(format!("{text}\n")).is_err() {
            println!("{text}");
        }
    };
    say("The clock is running at 60× (a minute a second): `pause`, `speed 1|10|60|600|3600`, `end`.".to_string());
    let typed = read_lines(editor);
    let mut playing = true;
    let mut speed = 60u32;
    while !console.finished() {
        let next = match playing {
            true => typed.recv_timeout(Duration::from_secs_f64(
                scenario.meta.tick_seconds as f64 / speed as f64,
            )),
            false => typed.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        let line = match next {
            Ok(Some(line)) => line,
            Err(RecvTimeoutError::Timeout) => {
                console.advance(1).into_iter().for_each(|line| say(line.text));
                continue;
            }
            Ok(None) | Err(RecvTimeoutError::Disconnected) => break,
        };
        let (output, control) = console.handle(&line);
        output.into_iter().for_each(|line| say(line.text));
        match control {
            Control::Continue => {}
            Control::Pause => playing = false,
            Control::Play => playing = true,
            Control::Speed(chosen) => {
                speed = chosen;
                playing = true;
            }
            Control::End => break,
        }
    }
    Ok(())
}

/// Reads typed lines in a thread; `None` when the input ends (Ctrl-D), `end` on Ctrl-C.
fn read_lines(mut editor: Editor<Completion, rustyline::history::DefaultHistory>) -> Receiver<Option<String>> {
    let (lines, typed) = channel();
    std::thread::spawn(move || {
        loop {
            let line = match editor.readline("> ") {
                Ok(line) => {
                    editor.add_history_entry(line.as_str()).ok();
                    Some(line)
                }
                Err(ReadlineError::Interrupted) => Some("end".to_string()),
                Err(_) => None,
            };
            let done = line.is_none();
            if lines.send(line).is_err() || done {
                break;
            }
        }
    });
    typed
}
