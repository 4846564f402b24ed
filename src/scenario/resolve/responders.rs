//! `telemetry` and `responders`: how ground truth becomes what the team sees, and the team.

use crate::scenario::file as raw;
use crate::scenario::model::*;
use crate::scenario::source_map::{Step::Field, Step::Index};
use crate::scenario::values::ClockRange;

use super::*;

pub(super) fn resolve_telemetry(checker: &mut Checker, timing: &ExerciseTime, telemetry: &raw::Telemetry) -> Telemetry {
    let path = |field| [Field("telemetry"), Field(field)];
    checker.odds(
        &path("report_per_mille"),
        "report_per_mille",
        telemetry.report_per_mille,
    );
    let delay = |checker: &mut Checker, text: &str, field| duration_ticks(checker, timing, text, &path(field));
    Telemetry {
        edr_alert_delay_ticks: delay(checker, &telemetry.edr_alert_delay, "edr_alert_delay"),
        log_alert_delay_ticks: delay(checker, &telemetry.log_alert_delay, "log_alert_delay"),
        report_per_mille: telemetry.report_per_mille,
        report_delay_ticks: delay(checker, &telemetry.report_delay, "report_delay"),
        flow_retention_seconds: telemetry.flow_retention.as_ref().map_or(30 * 86_400, |text| {
            checker.duration_seconds(&path("flow_retention"), text).unwrap_or(0)
        }),
    }
}

pub(super) fn resolve_responders(
    checker: &mut Checker,
    tables: &mut Tables,
    responders: &raw::Responders,
) -> Responders {
    let path = |field| [Field("responders"), Field(field)];
    if !(1..=1000).contains(&responders.team_size) {
        checker.invalid(
            &path("team_size"),
            "team size",
            &responders.team_size.to_string(),
            "a team has from 1 to 1000 people".to_string(),
        );
    }
    for (index, contact) in responders.contacts.iter().enumerate() {
        tables.contacts.declare(
            checker,
            contact,
            &[Field("responders"), Field("contacts"), Index(index)],
        );
    }
    Responders {
        team_size: responders.team_size,
        office: OfficeId(
            tables
                .offices
                .lookup(checker, &responders.office, &path("office"))
                .unwrap_or(0),
        ),
        working_hours: ClockRange::parse(&responders.working_hours).unwrap_or_else(|reason| {
            checker.invalid(
                &path("working_hours"),
                "working hours",
                &responders.working_hours,
                reason,
            );
            ClockRange {
                start_minute: 0,
                end_minute: 1440,
            }
        }),
        contacts: responders.contacts.clone(),
    }
}
