//! The improvement plan: the objectives the team met least, worst first, each with what the
//! grade says happened, the corrective action that would have changed it, and the phase of
//! incident handling (NIST SP 800-61) it belongs to.

use crate::scenario::model::{Goal, Scenario};
use crate::scoring::{Debrief, Rating};

/// One line of the plan.
pub struct Improvement {
    pub objective: String,
    pub rating: Rating,
    pub points_lost: f64,
    pub observed: String,
    pub corrective_action: String,
    pub phase: &'static str,
}

/// The objectives not performed without challenges, by points lost (most first).
pub fn plan(scenario: &Scenario, debrief: &Debrief) -> Vec<Improvement> {
    let mut plan: Vec<Improvement> = debrief
        .score
        .objectives
        .iter()
        .filter(|objective| objective.rating != Rating::P)
        .map(|objective| {
            let goal = scenario
                .rubric
                .objectives
                .iter()
                .find(|defined| defined.name == objective.objective)
                .map(|defined| &defined.goal);
            let (corrective_action, phase) = goal.map_or(
                (
                    "Review this objective with the rubric's author.".to_string(),
                    "Post-incident activity",
                ),
                |goal| corrective_action(scenario, debrief, goal),
            );
            Improvement {
                objective: objective.objective.clone(),
                rating: objective.rating,
                points_lost: objective.weight as f64 - objective.points,
                observed: objective.reason.clone(),
                corrective_action,
                phase,
            }
        })
        .collect();
    plan.sort_by(|a, b| {
        b.points_lost
            .total_cmp(&a.points_lost)
            .then(a.objective.cmp(&b.objective))
    });
    plan
}

/// What a team does differently to meet a goal next time, in the exercise's own terms.
fn corrective_action(scenario: &Scenario, debrief: &Debrief, goal: &Goal) -> (String, &'static str) {
    const DETECTION: &str = "Detection and analysis";
    const CONTAINMENT: &str = "Containment, eradication and recovery";
    const PREPARATION: &str = "Preparation";
    match goal {
        Goal::SaveMachines => (
            "Contain before the wiper's trigger: isolate the footholds and the subnets the worm \
             reaches, block its spreading paths and the C2 addresses, and disable the accounts \
             it uses, all at once, as soon as the scope is known."
                .to_string(),
            CONTAINMENT,
        ),
        Goal::Detect { .. } => (
            "Triage the first alerts of the attack against the ordinary activity faster: \
             read the events (`show`, `related`) rather than counting them, and declare the \
             incident as soon as one is the attack's."
                .to_string(),
            DETECTION,
        ),
        Goal::Contain { .. } => (
            "Act on the first confirmed machine within the target time: isolate it and \
             block what it talks to, then widen from what its evidence shows."
                .to_string(),
            CONTAINMENT,
        ),
        Goal::PreserveEvidence => {
            let key: Vec<String> = scenario
                .rubric
                .key_evidence
                .iter()
                .map(|key| format!("{} of {}", key.artifact.label(), scenario.hosts[key.host.index()].name))
                .collect();
            (
                format!(
                    "Collect before acting on a machine: memory first (it is lost when a machine \
                     is switched off or wiped), then disk and logs. The evidence that matters \
                     most here: {}.",
                    key.join(", ")
                ),
                DETECTION,
            )
        }
        Goal::ScopeTheft => (
            "Scope the theft before the wipe: follow the implants' calls home and the large \
             transfers at the perimeter (`collect flows ADDRESS`), image the machine that sent \
             them, and name each data set whose staged archives it holds."
                .to_string(),
            DETECTION,
        ),
        Goal::Findings => {
            let missed: Vec<&str> = debrief
                .findings
                .missed
                .iter()
                .filter(|missed| missed.evidence.is_some())
                .map(|missed| missed.answer.as_str())
                .collect();
            let missed = if missed.is_empty() {
                String::new()
            } else {
                format!(" Missed though in evidence: {}.", missed.join(", "))
            };
            (
                format!(
                    "Submit findings the case supports: collect from the machines that show \
                     the attack, pivot from each record to the next (`related`), and submit \
                     what the records show, not what is suspected.{missed}"
                ),
                DETECTION,
            )
        }
        Goal::Notify { contact, .. } => (
            format!(
                "Notify {} by the deadline: write the notification into the playbook with \
                 its trigger (a confirmed destructive attack), so it does not wait for calm.",
                scenario.responders.contacts[contact.index()]
            ),
            PREPARATION,
        ),
        Goal::KeepServices(services) => {
            let names: Vec<&str> = services
                .iter()
                .map(|service| scenario.services[service.index()].title.as_str())
                .collect();
            (
                format!(
                    "Contain around the business's services: isolate and block narrowly enough \
                     that {} stay up, and check which machines each action touches first.",
                    names.join(", ")
                ),
                CONTAINMENT,
            )
        }
        Goal::AvoidNeedlessDestruction => (
            "Act on the machines the evidence implicates: rebuilding, switching off or \
             isolating machines the attacker never reached costs the business and destroys \
             nothing of the attacker's."
                .to_string(),
            CONTAINMENT,
        ),
    }
}
