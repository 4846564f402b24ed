//! `meta`: the exercise's id, start, time zone, tick and length; and the exercise's time, which
//! every later section uses to turn local times and durations into ticks.

use crate::scenario::diagnostic::{NameKind, ProblemKind, closest};
use crate::scenario::file as raw;
use crate::scenario::model::*;
use crate::scenario::source_map::{Step, Step::Field};
use crate::scenario::values::{self};

use super::*;

/// Time of the exercise, to turn local times and durations into ticks.
pub(super) struct ExerciseTime {
    pub(super) start: jiff::ZonedDateTime,
    pub(super) time_zone: jiff::tz::TimeZone,
    pub(super) tick_seconds: u32,
    pub(super) duration_ticks: u32,
    /// False when `meta` itself was broken: times are then not compared with the exercise.
    pub(super) trusted: bool,
}

impl ExerciseTime {
    /// A duration in whole ticks, rounded up so a delay is never shortened.
    pub(super) fn ticks(&self, seconds: u64) -> u32 {
        seconds.div_ceil(self.tick_seconds as u64).min(u32::MAX as u64) as u32
    }

    pub(super) fn end(&self) -> jiff::ZonedDateTime {
        let length = jiff::SignedDuration::from_secs(self.duration_ticks as i64 * self.tick_seconds as i64);
        self.start.checked_add(length).unwrap_or_else(|_| self.start.clone())
    }
}

/// Common abbreviations of time zones that are not zone names themselves, and the IANA zone an
/// author most likely means (the one the abbreviation is best known for).
const ZONE_ABBREVIATIONS: [(&str, &str); 26] = [
    ("KST", "Asia/Seoul"),
    ("JST", "Asia/Tokyo"),
    ("CST", "America/Chicago"),
    ("CDT", "America/Chicago"),
    ("EDT", "America/New_York"),
    ("PST", "America/Los_Angeles"),
    ("PDT", "America/Los_Angeles"),
    ("MDT", "America/Denver"),
    ("AKST", "America/Anchorage"),
    ("BST", "Europe/London"),
    ("IST", "Asia/Kolkata"),
    ("CEST", "Europe/Paris"),
    ("EEST", "Europe/Kyiv"),
    ("MSK", "Europe/Moscow"),
    ("AST", "Asia/Riyadh"),
    ("GST", "Asia/Dubai"),
    ("IRST", "Asia/Tehran"),
    ("PKT", "Asia/Karachi"),
    ("ICT", "Asia/Bangkok"),
    ("HKT", "Asia/Hong_Kong"),
    ("SGT", "Asia/Singapore"),
    ("AWST", "Australia/Perth"),
    ("AEST", "Australia/Sydney"),
    ("AEDT", "Australia/Sydney"),
    ("NZST", "Pacific/Auckland"),
    ("BRT", "America/Sao_Paulo"),
];

pub(super) fn time_zone(checker: &mut Checker, name: &str, path: &[Step]) -> Option<jiff::tz::TimeZone> {
    match jiff::tz::db().get(name) {
        Ok(zone) => Some(zone),
        Err(_) => {
            let known: Vec<String> = jiff::tz::db().available().map(|name| name.to_string()).collect();
            let abbreviation = ZONE_ABBREVIATIONS
                .iter()
                .find(|(short, _)| short.eq_ignore_ascii_case(name))
                .map(|(short, zone)| format!("`{short}` is an abbreviation, not a zone: use the IANA name `{zone}`"));
            let hint = abbreviation
                .or_else(|| {
                    closest(name, known.iter().map(String::as_str)).map(|close| format!("did you mean `{close}`?"))
                })
                .or_else(|| Some("use an IANA time zone name such as `America/Los_Angeles`".to_string()));
            checker.report(
                path,
                ProblemKind::UnknownName {
                    kind: NameKind::TimeZone,
                    name: name.to_string(),
                },
                "not in the time zone database",
                hint,
            );
            None
        }
    }
}

pub(super) fn resolve_meta(checker: &mut Checker, meta: &raw::Meta) -> (Meta, ExerciseTime) {
    let path = |field| [Field("meta"), Field(field)];
    let mut trusted = true;
    if meta.id.trim().is_empty()
        || !meta
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        checker.invalid(
            &path("id"),
            "scenario id",
            &meta.id,
            "expected letters, digits, `-` or `_`, such as sony-2014".to_string(),
        );
    }
    let zone = time_zone(checker, &meta.time_zone, &path("time_zone"));
    trusted &= zone.is_some();
    let zone = zone.unwrap_or(jiff::tz::TimeZone::UTC);
    let start = match values::parse_local_time(&meta.start) {
        Ok(local) => local.to_zoned_datetime(zone.clone()).ok(),
        Err(reason) => {
            checker.invalid(&path("start"), "local time", &meta.start, reason);
            None
        }
    };
    trusted &= start.is_some();
    let start = start.unwrap_or_else(|| jiff::Timestamp::UNIX_EPOCH.to_zoned_datetime(zone.clone()));

    let tick_seconds = match checker.duration_seconds(&path("tick"), &meta.tick) {
        Some(seconds @ 1..=86_400) => seconds as u32,
        Some(_) => {
            checker.invalid(
                &path("tick"),
                "tick",
                &meta.tick,
                "a tick runs from 1s to 1d".to_string(),
            );
            60
        }
        None => 60,
    };
    let duration_ticks = match checker.duration_seconds(&path("duration"), &meta.duration) {
        Some(0) => {
            checker.invalid(
                &path("duration"),
                "duration",
                &meta.duration,
                "the exercise needs some time".to_string(),
            );
            0
        }
        // A year of one-second ticks still fits a u32; longer is refused rather than wrapped.
        Some(seconds) if seconds > 366 * 86_400 => {
            checker.invalid(
                &path("duration"),
                "duration",
                &meta.duration,
                "an exercise lasts at most 366d".to_string(),
            );
            0
        }
        Some(seconds) => seconds.div_ceil(tick_seconds as u64) as u32,
        None => 0,
    };
    let timing = ExerciseTime {
        start: start.clone(),
        time_zone: zone,
        tick_seconds,
        duration_ticks,
        trusted: trusted && duration_ticks > 0,
    };
    let meta = Meta {
        id: meta.id.clone(),
        title: meta.title.clone(),
        briefing: meta.briefing.clone(),
        start,
        tick_seconds,
        duration_ticks,
    };
    (meta, timing)
}

/// A local time inside the exercise, as a tick.
pub(super) fn exercise_time(
    checker: &mut Checker,
    timing: &ExerciseTime,
    text: &str,
    path: &[Step],
    what: &'static str,
) -> Tick {
    let local = match values::parse_local_time(text) {
        Ok(local) => local,
        Err(reason) => {
            checker.invalid(path, "local time", text, reason);
            return Tick(0);
        }
    };
    let Ok(zoned) = local.to_zoned_datetime(timing.time_zone.clone()) else {
        checker.invalid(path, "local time", text, "out of range".to_string());
        return Tick(0);
    };
    let seconds = zoned.timestamp().as_second() - timing.start.timestamp().as_second();
    let limit = timing.duration_ticks as i64 * timing.tick_seconds as i64;
    if timing.trusted && !(0..=limit).contains(&seconds) {
        let format = |time: &jiff::ZonedDateTime| time.strftime("%Y-%m-%d %H:%M %Z").to_string();
        checker.report(
            path,
            ProblemKind::OutsideExercise {
                what,
                time: text.to_string(),
                start: format(&timing.start),
                end: format(&timing.end()),
            },
            "outside the exercise",
            Some("move the time inside the exercise, or change `meta.start` or `meta.duration`".to_string()),
        );
        return Tick(0);
    }
    Tick((seconds.max(0) / timing.tick_seconds as i64) as u32)
}

/// A duration as whole ticks (0 when it is invalid, after reporting it).
pub(super) fn duration_ticks(checker: &mut Checker, timing: &ExerciseTime, text: &str, path: &[Step]) -> u32 {
    checker
        .duration_seconds(path, text)
        .map_or(0, |seconds| timing.ticks(seconds))
}
