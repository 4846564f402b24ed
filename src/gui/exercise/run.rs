//! What the window runs, and the one place it acts on it: a live exercise through the
//! console (which checks every action), or a recorded session played back. Panels ask for
//! things with `Request` messages; the systems here carry them out, move the clock, and keep
//! the feed and the observed states up to date.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bevy::prelude::*;

use crate::exercise::{Baseline, Console, Control, Exercise, Graded, Line, NewsReader, Playback, SeenMap, branch};
use crate::export::{report_html, write_file};
use crate::scenario::model::{HostId, Scenario, Tick};
use crate::session::{ReplayError, Session, next_session_path};

/// What a panel, a key or a script asks of the exercise.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum Request {
    /// A console line, exactly as if typed (actions and console commands).
    Line(String),
    /// Show a machine in the inspector.
    Inspect(HostId),
    /// Move a replay to a tick.
    Seek(Tick),
    /// Take a replay over from its present moment, recording a branch (to a path, or a new
    /// file in `sessions/`).
    TakeOver(Option<PathBuf>),
    /// Colour the map by ground truth (replays only).
    ShowTruth(bool),
    /// Grade the run so far and show the debrief.
    Debrief,
    /// Put the debrief away (the exercise goes on).
    CloseDebrief,
    /// Write the after-action report of the run so far (to a path, or a new file in
    /// `reports/`).
    SaveReport(Option<PathBuf>),
    /// Advance one tick, pausing the clock.
    Step,
    /// Something of the case panel (its own systems carry these out).
    Case(CaseRequest),
}

/// What the case panel is asked: by its buttons, its rows, its links, or a script.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseRequest {
    Show(bool),
    /// Give the filter the keyboard.
    Type,
    Filter(String),
    /// Sort by a column; the same column again reverses the order.
    Sort(SortBy),
    /// Choose the record of a row on the page (1 for the first).
    Row(usize),
    /// Follow a value of the chosen record: a machine to the inspector, anything else to the
    /// filter.
    Link(String),
}

/// The columns the case panel sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    #[default]
    Time,
    Machine,
    Kind,
}

/// The exercise the window runs.
#[expect(
    clippy::large_enum_variant,
    reason = "one run per window: the sizes of its variants do not matter"
)]
pub enum Run {
    Live(Console),
    Replay(Replayed),
}

/// A session played back in the window.
pub struct Replayed {
    pub session: Session,
    /// How a branch taken from it names it.
    path: String,
    pub playback: Playback,
    news: NewsReader,
    /// Why the playback stopped, if a record disagreed.
    pub failure: Option<String>,
}

impl Replayed {
    /// Starts playing a session back; fails if the scenario is not the recorded one.
    pub fn start(session: Session, path: String, scenario: Arc<Scenario>) -> Result<Self, ReplayError> {
        Ok(Self {
            playback: Playback::start(&session, scenario)?,
            session,
            path,
            news: NewsReader::default(),
            failure: None,
        })
    }
}

/// The run, with the run with no response kept for debriefs. Not `Send` (a simulation is a
/// Bevy app of its own): the window keeps it as its one non-send resource.
pub struct ExerciseRun {
    pub run: Run,
    baseline: Baseline,
}

impl ExerciseRun {
    pub fn new(run: Run) -> Self {
        Self {
            run,
            baseline: Baseline::default(),
        }
    }

    /// The exercise being run or played back.
    pub fn exercise(&self) -> &Exercise {
        match &self.run {
            Run::Live(console) => console.exercise(),
            Run::Replay(replayed) => &replayed.playback.exercise,
        }
    }

    pub fn is_replay(&self) -> bool {
        matches!(self.run, Run::Replay(_))
    }

    /// Advances one tick, adding what the responder sees to the feed; false when the clock
    /// cannot go on.
    pub fn step(&mut self, feed: &mut Feed) -> bool {
        match &mut self.run {
            Run::Live(console) if !console.finished() => {
                feed.lines.extend(console.advance(1));
                true
            }
            Run::Replay(replayed)
                if replayed.failure.is_none()
                    && replayed
                        .playback
                        .exercise
                        .now()
                        .is_none_or(|now| now.0 < replayed.playback.last()) =>
            {
                match replayed.playback.step() {
                    Ok(()) => {
                        feed.lines.extend(replayed.news.read(&replayed.playback.exercise));
                        true
                    }
                    Err(error) => {
                        let text = format!("replay stopped: {error}");
                        replayed.failure = Some(text.clone());
                        feed.say(text);
                        false
                    }
                }
            }
            _ => false,
        }
    }
}

/// The clock's pace.
#[derive(Resource, Debug)]
pub struct Pace {
    /// Simulated seconds per real second.
    pub speed: u32,
    pub paused: bool,
    /// The exercise has ended: the clock stays where it is.
    pub ended: bool,
    owed_seconds: f32,
}

impl Pace {
    pub fn new(speed: u32) -> Self {
        Self {
            speed: speed.max(1),
            paused: speed == 0,
            ended: false,
            owed_seconds: 0.0,
        }
    }
}

/// Everything the feed has said, oldest first.
#[derive(Resource, Default)]
pub struct Feed {
    pub lines: Vec<Line>,
}

impl Feed {
    /// Adds a line about no machine in particular.
    pub fn say(&mut self, text: impl Into<String>) {
        self.lines.push(Line::from(text.into()));
    }
}

/// The machine in the inspector.
#[derive(Resource, Default)]
pub struct Inspected(pub Option<HostId>);

/// What the responder knows of every machine, kept up to date each frame; the generation
/// counts its changes, so the map repaints only when it has something new to show, and only
/// what the last changes touched unless the map was started again (a replay seeking back).
#[derive(Resource)]
pub struct SeenStates {
    pub map: SeenMap,
    pub generation: u64,
    /// The generation at which `map` was last started from nothing.
    pub restarted: u64,
}

impl SeenStates {
    pub fn new(hosts: usize) -> Self {
        Self {
            map: SeenMap::new(hosts),
            generation: 0,
            restarted: 0,
        }
    }

    /// Forgets everything seen (a replay going back to its start).
    pub fn restart(&mut self) {
        self.map = SeenMap::new(self.map.states().len());
        self.generation += 1;
        self.restarted = self.generation;
    }
}

/// Whether the map shows the ground truth (replays only).
#[derive(Resource, Default)]
pub struct ShowTruth(pub bool);

/// The debrief: the last grading, and whether it is on screen.
#[derive(Resource, Default)]
pub struct DebriefView {
    pub graded: Option<Graded>,
    pub shown: bool,
}

/// The console line being typed, when the console has the keyboard.
#[derive(Resource, Default)]
pub struct Typing {
    pub line: Option<String>,
    /// The console line or the case panel's filter took this frame's keys (other panels leave
    /// them alone).
    pub took_keys: bool,
    /// The case panel's filter is being typed: the console line does not open.
    pub filter: bool,
}

/// Time spent on the simulation and on painting the map, for frame statistics.
#[derive(Resource, Default)]
pub struct Spent {
    pub simulating: Duration,
    pub painting: Duration,
}

/// The resources the acting systems change, gathered to keep their signatures short.
#[derive(bevy::ecs::system::SystemParam)]
pub struct Panels<'w> {
    pub pace: ResMut<'w, Pace>,
    pub feed: ResMut<'w, Feed>,
    pub inspected: ResMut<'w, Inspected>,
    pub seen: ResMut<'w, SeenStates>,
    pub truth: ResMut<'w, ShowTruth>,
    pub debrief: ResMut<'w, DebriefView>,
    pub spent: ResMut<'w, Spent>,
}

/// Carries out the panels' requests, in the order they were made.
pub fn carry_out_requests(mut requests: MessageReader<Request>, mut run: NonSendMut<ExerciseRun>, mut panels: Panels) {
    for request in requests.read() {
        match request.clone() {
            Request::Line(line) => submit_line(&mut run, &mut panels, &line),
            Request::Inspect(host) => panels.inspected.0 = Some(host),
            Request::Seek(tick) => {
                if let Err(problem) = seek(&mut run, &mut panels, tick) {
                    panels.feed.say(problem);
                }
            }
            Request::TakeOver(path) => {
                if let Err(problem) = take_over(&mut run, &mut panels, path) {
                    panels.feed.say(problem);
                }
            }
            Request::ShowTruth(on) if on && !run.is_replay() => panels
                .feed
                .say("the ground truth shows only in replays; a live exercise shows what the team can see"),
            Request::ShowTruth(on) => panels.truth.0 = on,
            Request::Debrief => show_debrief(&mut run, &mut panels),
            Request::CloseDebrief => panels.debrief.shown = false,
            Request::SaveReport(path) => save_report(&mut run, &mut panels, path),
            Request::Case(_) => {}
            Request::Step => {
                panels.pace.paused = true;
                let started = Instant::now();
                run.step(&mut panels.feed);
                panels.spent.simulating += started.elapsed();
            }
        }
    }
}

/// Sends a line to the console; every action goes through the one place that checks it.
fn submit_line(run: &mut ExerciseRun, panels: &mut Panels, line: &str) {
    let line = line.trim();
    if line.is_empty() {
        return;
    }
    panels.feed.say(format!("> {line}"));
    let Run::Live(console) = &mut run.run else {
        panels.feed.say(
            "a replay takes no new actions: take it over (T), or branch it with `redscreen replay FILE --branch-at`",
        );
        return;
    };
    if panels.pace.ended {
        panels.feed.say("the exercise has ended");
        return;
    }
    let started = Instant::now();
    let (lines, control) = console.handle(line);
    panels.spent.simulating += started.elapsed();
    panels.feed.lines.extend(lines);
    match control {
        Control::Continue => {}
        Control::Pause => panels.pace.paused = true,
        Control::Play => panels.pace.paused = false,
        Control::Speed(speed) => {
            panels.pace.speed = speed;
            panels.pace.paused = false;
        }
        Control::End => end(run, panels),
    }
}

/// Moves a replay to a tick: forwards by playing on, backwards by playing again from the start
/// (a replay is deterministic, so both arrive at the same state).
fn seek(run: &mut ExerciseRun, panels: &mut Panels, tick: Tick) -> Result<(), String> {
    let Run::Replay(replayed) = &mut run.run else {
        return Err("only a replay can seek; a live exercise moves with `wait` and `until`".to_string());
    };
    let tick = Tick(tick.0.min(replayed.playback.last()));
    if replayed.playback.exercise.now().is_some_and(|now| now > tick) {
        let scenario = replayed.playback.exercise.shared_scenario();
        *replayed = Replayed::start(replayed.session.clone(), replayed.path.clone(), scenario)
            .map_err(|error| error.to_string())?;
        panels.seen.restart();
        panels.feed.lines.clear();
    }
    let started = Instant::now();
    while run.exercise().now().is_none_or(|now| now < tick) && run.step(&mut panels.feed) {}
    panels.spent.simulating += started.elapsed();
    Ok(())
}

/// Takes over a replay at its present moment: the session so far is recorded again into a new
/// session that names it as its origin, and the window becomes a live exercise from there.
fn take_over(run: &mut ExerciseRun, panels: &mut Panels, record: Option<PathBuf>) -> Result<(), String> {
    let Run::Replay(replayed) = &run.run else {
        return Err("only a replay can be taken over".to_string());
    };
    if let Some(failure) = &replayed.failure {
        return Err(format!("this replay cannot be taken over: {failure}"));
    }
    let branch_tick = Tick(replayed.playback.exercise.now().map_or(0, |now| now.0 + 1));
    let scenario = replayed.playback.exercise.shared_scenario();
    let header = &replayed.session.header;
    let path = record.unwrap_or_else(|| next_session_path(&header.scenario, header.seed));
    let (exercise, recorder) = branch(
        &replayed.session,
        &replayed.path,
        Arc::clone(&scenario),
        branch_tick,
        &path,
        "gui",
    )
    .map_err(|error| error.to_string())?;
    let mut console = Console::resume(exercise);
    console.record_to(recorder);
    run.run = Run::Live(console);
    panels.truth.0 = false;
    panels.pace.paused = true;
    let time = scenario.time_of(branch_tick).strftime("%a %H:%M %Z");
    panels.feed.say(format!(
        "You have taken over from {time} (tick {}): the session goes on in {}.",
        branch_tick.0,
        path.display()
    ));
    println!("Recording the branch to {}.", path.display());
    Ok(())
}

/// Grades the run so far and shows the debrief.
fn show_debrief(run: &mut ExerciseRun, panels: &mut Panels) {
    let ExerciseRun { run: current, baseline } = run;
    let exercise = match current {
        Run::Live(console) => console.exercise(),
        Run::Replay(replayed) => &replayed.playback.exercise,
    };
    panels.debrief.graded = Some(baseline.grade(exercise));
    panels.debrief.shown = true;
}

/// Writes the after-action report of the run so far, as `redscreen export --report` writes a
/// session's, and says where in the feed.
fn save_report(run: &mut ExerciseRun, panels: &mut Panels, path: Option<PathBuf>) {
    let ExerciseRun { run: current, baseline } = run;
    let (exercise, session) = match current {
        Run::Live(console) => (
            console.exercise(),
            console
                .recording_path()
                .map_or("a live exercise (not recorded)".to_string(), |path| {
                    path.display().to_string()
                }),
        ),
        Run::Replay(replayed) => (&replayed.playback.exercise, replayed.path.clone()),
    };
    let graded = baseline.grade(exercise);
    let path = path.unwrap_or_else(|| {
        let id = &exercise.scenario().meta.id;
        let tick = exercise.now().map_or(0, |now| now.0);
        super::super::unused_path("reports", &format!("{id}-tick{tick}"), "html")
    });
    let html = report_html(exercise, &graded, &session);
    let written = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| write_file(&path, html.as_bytes(), true));
    match written {
        Ok(()) => {
            println!("after-action report: {}", path.display());
            panels.feed.say(format!(
                "after-action report ({:.1} / 100) saved to {}",
                graded.debrief.score.total,
                path.display()
            ));
        }
        Err(error) => panels
            .feed
            .say(format!("cannot save the report to {}: {error}", path.display())),
    }
    panels.debrief.graded = Some(graded);
}

/// Ends the exercise: the clock stops, the session gets its end record, and the debrief shows
/// (and goes to standard output, as the terminal console prints it).
fn end(run: &mut ExerciseRun, panels: &mut Panels) {
    if panels.pace.ended {
        return;
    }
    panels.pace.ended = true;
    panels.pace.paused = true;
    if let Run::Live(console) = &mut run.run
        && let Some(path) = console.finish_recording()
    {
        println!("Session recorded to {path}.");
        panels.feed.say(format!("Session recorded to {path}."));
    }
    show_debrief(run, panels);
    if let Some(graded) = &panels.debrief.graded {
        print!("{}", run.exercise().summary());
        println!();
        print!("{}", graded.debrief);
    }
}

/// Runs the clock: simulated time owed by the real time passed, at the chosen speed. The
/// clock waits while the console line is open, so typing speed is not part of the grade.
pub fn advance_clock(time: Res<Time>, typing: Res<Typing>, mut run: NonSendMut<ExerciseRun>, mut panels: Panels) {
    if panels.pace.paused || panels.pace.ended || typing.line.is_some() {
        return;
    }
    let tick_seconds = run.exercise().scenario().meta.tick_seconds as f32;
    let owed = time.delta_secs() * panels.pace.speed as f32;
    panels.pace.owed_seconds += owed;
    let started = Instant::now();
    while panels.pace.owed_seconds >= tick_seconds {
        panels.pace.owed_seconds -= tick_seconds;
        if !run.step(&mut panels.feed) {
            panels.pace.owed_seconds = 0.0;
            if let Run::Live(console) = &run.run
                && console.finished()
            {
                end(&mut run, &mut panels);
            }
            break;
        }
    }
    panels.spent.simulating += started.elapsed();
}

/// Keeps the observed state of every machine up to date with what is new.
pub fn observe(run: NonSend<ExerciseRun>, mut seen: ResMut<SeenStates>) {
    if seen.map.update(run.exercise()) {
        seen.generation += 1;
    }
}

/// Gives the session its end record when the window closes before the exercise ended.
pub fn finish_on_exit(mut exits: MessageReader<AppExit>, mut run: NonSendMut<ExerciseRun>) {
    if exits.read().next().is_none() {
        return;
    }
    if let Run::Live(console) = &mut run.run
        && let Some(path) = console.finish_recording()
    {
        println!("Session recorded to {path}.");
    }
}
