//! `injects`: messages to the responder, at a time or when a state comes true; a ring of
//! injects waiting on each other is refused.

use crate::scenario::file as raw;
use crate::scenario::model::*;
use crate::scenario::source_map::{Step::Field, Step::Index};

use super::*;

pub(super) fn resolve_injects(
    checker: &mut Checker,
    tables: &mut Tables,
    table: &HostTable,
    timing: &ExerciseTime,
    injects: &[raw::Inject],
) -> Vec<Inject> {
    for (index, inject) in injects.iter().enumerate() {
        tables
            .injects
            .declare(checker, &inject.name, &[Field("injects"), Index(index), Field("name")]);
    }
    let resolved: Vec<Inject> = injects
        .iter()
        .enumerate()
        .map(|(index, inject)| {
            let path = [Field("injects"), Index(index), Field("when")];
            let when = match &inject.when {
                raw::When::At(time) => When::At(exercise_time(checker, timing, time, &path, "the inject")),
                raw::When::Share { state, of, per_mille } => {
                    checker.odds(
                        &[Field("injects"), Index(index), Field("when"), Field("per_mille")],
                        "per_mille",
                        *per_mille,
                    );
                    When::Share {
                        state: *state,
                        of: scope(
                            checker,
                            tables,
                            table,
                            of,
                            &[Field("injects"), Index(index), Field("when"), Field("of")],
                        ),
                        per_mille: *per_mille,
                    }
                }
                raw::When::ServiceDown(name) => {
                    When::ServiceDown(ServiceId(tables.services.lookup(checker, name, &path).unwrap_or(0)))
                }
                raw::When::Leak {
                    data,
                    at,
                    at_least,
                    share,
                } => {
                    let leak_path = |field| [Field("injects"), Index(index), Field("when"), Field(field)];
                    checker.odds(&leak_path("share"), "share", *share);
                    When::Leak {
                        data: DataId(tables.data.lookup(checker, data, &leak_path("data")).unwrap_or(0)),
                        at: exercise_time(checker, timing, at, &leak_path("at"), "the leak"),
                        at_least_bytes: crate::scenario::values::parse_size(at_least).unwrap_or_else(|reason| {
                            checker.invalid(&leak_path("at_least"), "size", at_least, reason);
                            1
                        }),
                        share_per_mille: *share,
                    }
                }
                raw::When::After { inject: name, delay } => {
                    let after_path = |field| [Field("injects"), Index(index), Field("when"), Field(field)];
                    When::After {
                        inject: InjectId(tables.injects.lookup(checker, name, &after_path("inject")).unwrap_or(0)),
                        delay_ticks: duration_ticks(checker, timing, delay, &after_path("delay")),
                    }
                }
            };
            Inject {
                name: inject.name.clone(),
                when,
                channel: inject.channel,
                from: inject.from.clone(),
                subject: inject.subject.clone(),
                text: inject.text.clone(),
            }
        })
        .collect();
    report_inject_cycles(checker, &resolved);
    resolved
}

/// Injects that wait on each other in a ring would never fire.
pub(super) fn report_inject_cycles(checker: &mut Checker, injects: &[Inject]) {
    let waits_on = |index: usize| match injects[index].when {
        When::After { inject, .. } => Some(inject.index()).filter(|&next| next < injects.len()),
        _ => None,
    };
    for start in 0..injects.len() {
        let mut current = start;
        for _ in 0..injects.len() {
            match waits_on(current) {
                Some(next) if next == start => {
                    checker.inconsistent(
                        &[Field("injects"), Index(start), Field("when")],
                        format!(
                            "inject `{}` waits on itself through a chain of `After`",
                            injects[start].name
                        ),
                        "never fires",
                        Some("make one inject of the chain fire `At` a time or on a state".to_string()),
                    );
                    break;
                }
                Some(next) => current = next,
                None => break,
            }
        }
    }
}
