//! Findings that rest on evidence. Each finding the team submits is checked twice: is it true
//! of this attack (one of the rubric's answers, or another of the attacker's indicators,
//! techniques or accounts), and did a record the team held when it was submitted show it? A
//! true finding no record shows is a guess: accepted, marked unsupported, and not counted.
//! Answers count when the attack left evidence of them in the run; for every one the team did
//! not support, the debrief says where that evidence was and whether it was lost before anyone
//! looked.

use serde::Serialize;

use crate::case::{Case, account_of};
use crate::response::{Action, Finding, Progress};
use crate::scenario::model::{Artifact, Scenario, Tick, ToolKind};
use crate::sim::{Body, EvidenceStore, Record, event_id, file_name, record_of_trace, utc};

use super::RunRecord;

/// One submitted finding, judged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JudgedFinding {
    /// The finding in words (`indicator diskpartmg16.exe`).
    pub finding: String,
    /// When it was (last) submitted.
    pub submitted: Tick,
    pub verdict: Verdict,
}

/// Whether a finding is right, and whether the case showed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Verdict {
    /// True, and these records of the case (their numbers) show it.
    Supported { records: Vec<u32> },
    /// True, but nothing the team held showed it: a guess.
    Unsupported,
    /// Not true of this attack.
    Wrong,
}

/// An answer the team did not support, and where its evidence was.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissedAnswer {
    pub answer: String,
    /// The piece of the attack's evidence that showed it (`None`: the attack left none in
    /// this run, and the answer does not count).
    pub evidence: Option<Clue>,
}

/// Where a missed answer could have been found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clue {
    pub host: String,
    pub artifact: Artifact,
    /// When the piece was left (UTC).
    pub at: String,
    /// The record, in a line.
    pub record: String,
    /// When the machine's copy was lost (switched off, wiped, cleared), if it was.
    pub lost: Option<String>,
    /// Whether the team collected that kind of evidence on that machine before it was lost.
    pub looked: bool,
    /// The record's number in the team's case, when the team held it and did not use it.
    pub held: Option<u32>,
}

impl Clue {
    /// The clue in a line: where, what, and whether it was still there.
    pub fn describe(&self) -> String {
        let kind = self.artifact.label();
        let status = match (self.held, &self.lost, self.looked) {
            (Some(id), _, _) => format!("in your case as #{id}, not used"),
            (None, None, _) => "still there at the end".to_string(),
            (None, Some(lost), true) => format!("lost at {lost}"),
            (None, Some(lost), false) => format!("lost at {lost}, before anyone collected it"),
        };
        format!("{} {kind}, {}: {} ({status})", self.host, self.at, self.record)
    }
}

/// The findings of a run, judged.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FindingsReport {
    pub judged: Vec<JudgedFinding>,
    pub missed: Vec<MissedAnswer>,
    /// How many of the rubric's answers count: those the run left evidence of (or the team
    /// supported anyway).
    pub answers: u32,
    /// Of those, how many the team supported.
    pub answers_found: u32,
}

impl FindingsReport {
    /// Submitted findings a record showed.
    pub fn supported(&self) -> u32 {
        self.count(|verdict| matches!(verdict, Verdict::Supported { .. }))
    }

    /// True findings nothing showed.
    pub fn unsupported(&self) -> u32 {
        self.count(|verdict| *verdict == Verdict::Unsupported)
    }

    /// Findings not true of this attack.
    pub fn wrong(&self) -> u32 {
        self.count(|verdict| *verdict == Verdict::Wrong)
    }

    fn count(&self, wanted: impl Fn(&Verdict) -> bool) -> u32 {
        self.judged.iter().filter(|judged| wanted(&judged.verdict)).count() as u32
    }
}

/// The rubric's answers, as findings.
pub fn answers(scenario: &Scenario) -> Vec<Finding> {
    let rubric = &scenario.rubric.findings;
    let mut answers: Vec<Finding> = rubric
        .patient_zero
        .iter()
        .map(|&host| Finding::PatientZero(host))
        .collect();
    answers.extend(rubric.vector.iter().map(|technique| Finding::Vector(technique.clone())));
    answers.extend(rubric.accounts.iter().map(|&account| Finding::Account(account)));
    answers.extend(
        rubric
            .indicators
            .iter()
            .map(|indicator| Finding::Indicator(indicator.clone())),
    );
    answers
}

/// Whether two findings say the same (names and ids in any case).
fn same(a: &Finding, b: &Finding) -> bool {
    match (a, b) {
        (Finding::PatientZero(a), Finding::PatientZero(b)) => a == b,
        (Finding::Account(a), Finding::Account(b)) => a == b,
        (Finding::Stolen(a), Finding::Stolen(b)) => a == b,
        (Finding::Vector(a), Finding::Vector(b)) | (Finding::Indicator(a), Finding::Indicator(b)) => {
            a.eq_ignore_ascii_case(b)
        }
        _ => false,
    }
}

/// Whether a finding is one of the rubric's answers.
pub fn is_answer(scenario: &Scenario, finding: &Finding) -> bool {
    answers(scenario).iter().any(|answer| same(answer, finding))
}

/// Whether a finding is true of the attack: one of the answers, or an indicator of one of its
/// tools (a file's name or hash, a service) or servers, a technique of a tool or a foothold,
/// an account the attacker held during the run.
pub fn is_true(scenario: &Scenario, run: &RunRecord, finding: &Finding) -> bool {
    let threat = &scenario.threat;
    is_answer(scenario, finding)
        || match finding {
            Finding::PatientZero(_) => false,
            Finding::Account(account) => run.held_from[account.index()] != crate::sim::NEVER,
            Finding::Vector(technique) => threat
                .tools
                .iter()
                .flat_map(|tool| &tool.techniques)
                .chain(threat.footholds.iter().map(|foothold| &foothold.technique))
                .any(|known| known.eq_ignore_ascii_case(technique)),
            Finding::Indicator(indicator) => {
                let files = threat
                    .tools
                    .iter()
                    .flat_map(|tool| &tool.files)
                    .flat_map(|file| [&file.name, &file.md5, &file.sha256]);
                let services = threat.tools.iter().flat_map(|tool| &tool.services);
                files.chain(services).any(|known| known.eq_ignore_ascii_case(indicator))
                    || threat.c2.iter().any(|(address, _)| address.to_string() == *indicator)
                    || threat
                        .exfiltration
                        .iter()
                        .any(|stream| stream.to.to_string() == *indicator)
                    || archive_named(run, indicator)
            }
            Finding::Stolen(data) => run.stolen.get(data.index()).is_some_and(|&bytes| bytes > 0),
        }
}

/// A finding in words.
pub fn finding_text(scenario: &Scenario, finding: &Finding) -> String {
    match finding {
        Finding::PatientZero(host) => format!("patient zero {}", scenario.hosts[host.index()].name),
        Finding::Vector(technique) => format!("vector {technique}"),
        Finding::Account(account) => format!("account {}", scenario.accounts[account.index()].name),
        Finding::Indicator(indicator) => format!("indicator {indicator}"),
        Finding::Stolen(data) => format!("stolen {}", scenario.data[data.index()].name),
    }
}

/// Whether an indicator is the name or a hash of an archive the run staged.
fn archive_named(run: &RunRecord, indicator: &str) -> bool {
    run.archives.iter().any(|known| known.eq_ignore_ascii_case(indicator))
}

/// Whether one of the attack's records shows an answer.
pub fn shows(scenario: &Scenario, answer: &Finding, record: &Record) -> bool {
    match answer {
        Finding::PatientZero(host) => {
            // A trace of the foothold's time, before the worm: on the machine, or naming it
            // as the other end of a logon or a flow.
            let before_worm = record.at <= scenario.threat.spread.starts.0 as i64 * scenario.meta.tick_seconds as i64;
            let machine = &scenario.hosts[host.index()];
            let address = machine.address.to_string();
            before_worm
                && (record.host == *host
                    || record
                        .values(scenario)
                        .iter()
                        .any(|value| value.eq_ignore_ascii_case(&machine.name) || *value == address))
        }
        Finding::Account(account) => {
            let name = &scenario.accounts[account.index()].name;
            account_of(record).is_some_and(|named| named.eq_ignore_ascii_case(name))
                || (carries_credentials(scenario, record) && scenario.threat.credentials.contains(account))
        }
        Finding::Vector(technique) => techniques_shown(scenario, record)
            .iter()
            .any(|shown| shown.eq_ignore_ascii_case(technique)),
        Finding::Indicator(indicator) => record
            .values(scenario)
            .iter()
            .any(|value| value.eq_ignore_ascii_case(indicator)),
        // An archive of the data set, staged on the machine that sent it out.
        Finding::Stolen(data) => match &record.body {
            Body::File(file) => {
                let name = file_name(&file.path);
                let prefix = format!("{}-", scenario.data[data.index()].name);
                name.starts_with(&prefix) && name.ends_with(".rar")
            }
            _ => false,
        },
    }
}

/// The tool a file record is a sample of, matched by its hash.
fn sample_of<'a>(scenario: &'a Scenario, record: &Record) -> Option<&'a crate::scenario::model::Tool> {
    let Body::File(file) = &record.body else {
        return None;
    };
    scenario.threat.tools.iter().find(|tool| {
        tool.files
            .iter()
            .any(|known| !file.sha256.is_empty() && known.sha256 == file.sha256)
    })
}

/// Whether a record is a sample of the worm or the wiper, whose binaries carry the passwords
/// they spread with.
fn carries_credentials(scenario: &Scenario, record: &Record) -> bool {
    sample_of(scenario, record).is_some_and(|tool| matches!(tool.kind, ToolKind::Worm | ToolKind::Wiper))
}

/// The ATT&CK techniques a record of the attack reveals (DOMAIN.md): the events of a technique,
/// or a tool's sample, whose analysis shows all the tool does.
pub fn techniques_shown(scenario: &Scenario, record: &Record) -> Vec<String> {
    let mut shown: Vec<&str> = Vec::new();
    match &record.body {
        Body::Event(event) => match event.event_id {
            event_id::LOGON => {
                let domain_account = event.get("TargetDomainName").is_some_and(|domain| !domain.is_empty());
                if domain_account && event.get("LogonType") == Some("3") {
                    shown.extend(["T1078", "T1078.002"]);
                }
            }
            event_id::FAILED_LOGON | event_id::KERBEROS_PREAUTH_FAILED => shown.extend(["T1110", "T1110.001"]),
            event_id::SHARE_ACCESSED | event_id::SHARE_CREATED | event_id::SHARE_DELETED => {
                shown.extend(["T1021", "T1021.002"]);
            }
            event_id::PROCESS_CREATED
                if event
                    .get("ParentProcessName")
                    .is_some_and(|parent| parent.to_lowercase().ends_with("wmiprvse.exe")) =>
            {
                shown.push("T1047");
            }
            event_id::SERVICE_INSTALLED => shown.extend(["T1543", "T1543.003", "T1569", "T1569.002"]),
            event_id::LOG_CLEARED => shown.extend(["T1070", "T1070.001"]),
            _ => {}
        },
        Body::Service(_) => shown.extend(["T1543", "T1543.003"]),
        Body::Flow(flow) => {
            let inside = scenario.host_with_address(flow.destination).is_some();
            match (inside, flow.destination_port) {
                (true, 445) => shown.extend(["T1021", "T1021.002"]),
                (false, 80 | 443) => shown.push("T1071"),
                (false, _) => shown.extend(["T1071", "T1571"]),
                _ => {}
            }
        }
        Body::File(_) => {
            if let Some(tool) = sample_of(scenario, record) {
                return tool.techniques.clone();
            }
        }
        Body::Process(_) | Body::Credential(_) => {}
    }
    shown.into_iter().map(str::to_string).collect()
}

/// Judges every submitted finding against the answers and the case, and finds where the
/// evidence for each answer left unsupported was.
pub fn judge(
    scenario: &Scenario,
    seed: u64,
    run: &RunRecord,
    case: &Case,
    store: &EvidenceStore,
    end: Tick,
) -> FindingsReport {
    let answers = answers(scenario);
    // Each distinct finding, at the last time it was submitted (the case only grows).
    let mut submitted: Vec<(Finding, Tick)> = Vec::new();
    for entry in run.accepted() {
        if let Action::Submit(finding) = &entry.action {
            match submitted.iter_mut().find(|(known, _)| same(known, finding)) {
                Some((_, at)) => *at = (*at).max(entry.requested),
                None => submitted.push((finding.clone(), entry.requested)),
            }
        }
    }
    // The values of the attack's records in the case, read once: a case holds thousands of
    // records and a team submits dozens of indicators.
    let values: Vec<Vec<String>> = case
        .records()
        .iter()
        .map(|held| match held.record.key.is_attack() {
            true => held.record.values(scenario),
            false => Vec::new(),
        })
        .collect();
    let judged: Vec<JudgedFinding> = submitted
        .iter()
        .map(|(finding, at)| {
            let verdict = if !is_true(scenario, run, finding) {
                Verdict::Wrong
            } else {
                let records: Vec<u32> = case
                    .records()
                    .iter()
                    .zip(&values)
                    .filter(|(held, _)| held.filed <= *at && held.record.key.is_attack())
                    .filter(|(held, values)| match finding {
                        Finding::Indicator(indicator) => {
                            values.iter().any(|value| value.eq_ignore_ascii_case(indicator))
                        }
                        _ => shows(scenario, finding, &held.record),
                    })
                    .map(|(held, _)| held.id)
                    .collect();
                match records.is_empty() {
                    true => Verdict::Unsupported,
                    false => Verdict::Supported { records },
                }
            };
            JudgedFinding {
                finding: finding_text(scenario, finding),
                submitted: *at,
                verdict,
            }
        })
        .collect();
    let supported = |answer: &Finding| {
        submitted
            .iter()
            .zip(&judged)
            .any(|((finding, _), judged)| same(finding, answer) && matches!(judged.verdict, Verdict::Supported { .. }))
    };
    let missing: Vec<&Finding> = answers.iter().filter(|answer| !supported(answer)).collect();
    let mut clues = clues(scenario, seed, run, store, end, &missing);
    // Evidence the team held and did not use is the first thing to point at.
    for (answer, clue) in missing.iter().zip(clues.iter_mut()) {
        let held = case
            .records()
            .iter()
            .filter(|held| held.record.key.is_attack() && shows(scenario, answer, &held.record))
            .min_by_key(|held| (held.record.at, held.id));
        if let Some(held) = held {
            *clue = Some(Clue {
                host: scenario.hosts[held.record.host.index()].name.to_string(),
                artifact: held.record.artifact(),
                at: utc(scenario, held.record.at),
                record: held.record.what(scenario),
                lost: None,
                looked: true,
                held: Some(held.id),
            });
        }
    }
    let unseen = clues.iter().filter(|clue| clue.is_none()).count();
    let answers_found = (answers.len() - missing.len()) as u32;
    FindingsReport {
        judged,
        missed: missing
            .iter()
            .zip(clues)
            .map(|(answer, evidence)| MissedAnswer {
                answer: finding_text(scenario, answer),
                evidence,
            })
            .collect(),
        answers: (answers.len() - unseen) as u32,
        answers_found,
    }
}

/// For each answer, the piece of the attack's evidence that showed it: the earliest one still
/// there at the end if any, else the earliest lost.
fn clues(
    scenario: &Scenario,
    seed: u64,
    run: &RunRecord,
    store: &EvidenceStore,
    end: Tick,
    missing: &[&Finding],
) -> Vec<Option<Clue>> {
    let end_second = end.0 as i64 * scenario.meta.tick_seconds as i64;
    // Per answer: the best piece so far, as (lost, when left, index).
    let mut best: Vec<Option<(bool, i64, u32)>> = vec![None; missing.len()];
    for (index, evidence) in store.iter() {
        let at = evidence.at as i64;
        let lost = !(store.survives(scenario, evidence.host, evidence.trace.artifact(), at) || at > end_second);
        let better = |slot: &Option<(bool, i64, u32)>| slot.is_none_or(|known| (lost, at) < (known.0, known.1));
        if !best.iter().any(better) {
            continue;
        }
        let record = record_of_trace(scenario, seed, index, &evidence);
        for (answer, slot) in missing.iter().zip(best.iter_mut()) {
            if better(slot) && shows(scenario, answer, &record) {
                *slot = Some((lost, at, index));
            }
        }
    }
    best.into_iter()
        .map(|slot| {
            let (lost, _, index) = slot?;
            let evidence = store.get(index)?;
            let record = record_of_trace(scenario, seed, index, &evidence);
            let artifact = record.artifact();
            let lost_at = lost.then(|| store.cleared_at(evidence.host, artifact) as i64);
            Some(Clue {
                host: scenario.hosts[evidence.host.index()].name.to_string(),
                artifact,
                at: utc(scenario, record.at),
                record: record.what(scenario),
                lost: lost_at.map(|at| utc(scenario, at)),
                looked: lost_at.is_some_and(|lost| looked_before(scenario, run, evidence.host, artifact, lost)),
                held: None,
            })
        })
        .collect()
}

/// Whether the team finished collecting a kind of evidence on a machine before a second.
fn looked_before(
    scenario: &Scenario,
    run: &RunRecord,
    host: crate::scenario::model::HostId,
    artifact: Artifact,
    second: i64,
) -> bool {
    run.actions.iter().any(|entry| {
        matches!(entry.progress, Progress::Completed { at, .. } if (at.0 as i64 * scenario.meta.tick_seconds as i64) <= second)
            && entry.collected.iter().any(|secured| secured.host == host && secured.artifact == artifact)
    })
}
