//! `rubric`: the graded objectives, the correct findings and the evidence to preserve.

use crate::scenario::diagnostic::{NameKind, ProblemKind, suggestion};
use crate::scenario::file as raw;
use crate::scenario::model::*;
use crate::scenario::source_map::{Step::Field, Step::Index};

use super::*;

pub(super) fn resolve_rubric(
    checker: &mut Checker,
    tables: &Tables,
    table: &HostTable,
    timing: &ExerciseTime,
    threat: &Threat,
    rubric: &raw::Rubric,
) -> Rubric {
    let mut objective_names = Names::new(NameKind::Objective);
    let mut objectives = Vec::with_capacity(rubric.objectives.len());
    for (index, objective) in rubric.objectives.iter().enumerate() {
        let path = |field| [Field("rubric"), Field("objectives"), Index(index), Field(field)];
        objective_names.declare(checker, &objective.name, &path("name"));
        let goal_path = |field| {
            [
                Field("rubric"),
                Field("objectives"),
                Index(index),
                Field("goal"),
                Field(field),
            ]
        };
        let goal = match &objective.goal {
            raw::Goal::SaveMachines => Goal::SaveMachines,
            raw::Goal::PreserveEvidence => {
                if rubric.key_evidence.is_empty() {
                    checker.inconsistent(
                        &path("goal"),
                        "`PreserveEvidence` but `key_evidence` is empty".to_string(),
                        "nothing to preserve",
                        Some("list the evidence in `rubric.key_evidence`".to_string()),
                    );
                }
                Goal::PreserveEvidence
            }
            raw::Goal::Findings => {
                let findings = &rubric.findings;
                if findings.patient_zero.is_empty()
                    && findings.vector.is_empty()
                    && findings.accounts.is_empty()
                    && findings.indicators.is_empty()
                {
                    checker.inconsistent(
                        &path("goal"),
                        "`Findings` but `rubric.findings` is empty".to_string(),
                        "nothing to grade",
                        Some("fill in `rubric.findings`".to_string()),
                    );
                }
                Goal::Findings
            }
            raw::Goal::AvoidNeedlessDestruction => Goal::AvoidNeedlessDestruction,
            raw::Goal::ScopeTheft => Goal::ScopeTheft,
            raw::Goal::Detect { within } => Goal::Detect {
                within_ticks: duration_ticks(checker, timing, within, &goal_path("within")),
            },
            raw::Goal::Contain { within } => Goal::Contain {
                within_ticks: duration_ticks(checker, timing, within, &goal_path("within")),
            },
            raw::Goal::Notify { contact, by } => Goal::Notify {
                contact: ContactId(
                    tables
                        .contacts
                        .lookup(checker, contact, &goal_path("contact"))
                        .unwrap_or(0),
                ),
                by: exercise_time(checker, timing, by, &goal_path("by"), "the notification deadline"),
            },
            raw::Goal::KeepServices(names) => {
                Goal::KeepServices(tables.services.lookup_all(checker, names, &path("goal"), ServiceId))
            }
        };
        objectives.push(Objective {
            name: objective.name.clone(),
            weight: objective.weight,
            goal,
        });
    }
    let total: u64 = rubric.objectives.iter().map(|objective| objective.weight as u64).sum();
    if total != 100 {
        checker.report(
            &[Field("rubric"), Field("objectives")],
            ProblemKind::WeightsNotHundred { total },
            "weights of these objectives",
            Some("the total score runs to 100: adjust the weights".to_string()),
        );
    }

    let findings = &rubric.findings;
    let findings_path = |field| [Field("rubric"), Field("findings"), Field(field)];
    let patient_zero = hosts_named(checker, table, &findings.patient_zero, &findings_path("patient_zero"));
    techniques(checker, &findings.vector, &findings_path("vector"));
    let accounts = tables
        .accounts
        .lookup_all(checker, &findings.accounts, &findings_path("accounts"), AccountId);
    let known_indicators = threat_indicators(threat);
    for (i, indicator) in findings.indicators.iter().enumerate() {
        if !known_indicators
            .iter()
            .any(|known| known.eq_ignore_ascii_case(indicator))
        {
            checker.inconsistent(
                &[Field("rubric"), Field("findings"), Field("indicators"), Index(i)],
                format!("indicator `{indicator}` is not in the threat section"),
                "unknown indicator",
                suggestion(indicator, known_indicators.iter().map(String::as_str)).or_else(|| {
                    Some("indicators are file names, hashes, service names or C2 addresses of `threat`".to_string())
                }),
            );
        }
    }

    let key_evidence = rubric
        .key_evidence
        .iter()
        .enumerate()
        .filter_map(|(index, evidence)| {
            let path = [Field("rubric"), Field("key_evidence"), Index(index), Field("host")];
            host(checker, table, &evidence.host, &path).map(|host| KeyEvidence {
                host,
                artifact: evidence.artifact,
                why: evidence.why.clone(),
            })
        })
        .collect();
    Rubric {
        objectives,
        findings: Findings {
            patient_zero,
            vector: findings.vector.clone(),
            accounts,
            indicators: findings.indicators.clone(),
        },
        key_evidence,
    }
}
