//! The after-action report: one self-contained HTML page (inline CSS, the chart as inline SVG,
//! the warning page as an inline PNG; nothing fetched) that a manager reads in a browser and
//! prints. It follows the shape of an HSEEP after-action report: the exercise, the score with
//! every objective's rating and reason, the team's actions against what was happening, the
//! chart against the run with no response, what the attacker showed, the findings with their
//! evidence, what leaked, and the improvement plan.

mod chart;
mod improvement;

use crate::html::escape;

use std::fmt::Write;

use crate::exercise::{Exercise, Graded};
use crate::scenario::model::Channel;
use crate::scoring::Verdict;
use crate::screen;

pub use improvement::{Improvement, plan as improvement_plan};

/// The report of an exercise graded as `graded`; `session` names where it came from.
pub fn report_html(exercise: &Exercise, graded: &Graded, session: &str) -> String {
    let scenario = exercise.scenario();
    let debrief = &graded.debrief;
    let outcome = exercise.simulation().outcome();
    let ended = exercise.now().map(|tick| scenario.time_of(tick));
    let mut html = String::new();
    let title = format!("After-action report: {}", scenario.meta.title);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        escape(&title)
    );

    // The exercise and the team.
    let _ = writeln!(
        html,
        "<header><p class=\"kicker\">redscreen · after-action report</p><h1>{}</h1>\
         <dl class=\"facts\"><dt>Scenario</dt><dd>{} (<code>{}</code>)</dd>\
         <dt>Exercise</dt><dd>{} to {}</dd><dt>Seed</dt><dd>{}</dd>\
         <dt>Session</dt><dd><code>{}</code></dd><dt>Team</dt><dd>{} responders, {}; contacts: {}</dd></dl>\
         <p class=\"briefing\">{}</p></header>",
        escape(&scenario.meta.title),
        escape(&scenario.meta.title),
        escape(&scenario.meta.id),
        escape(&scenario.meta.start.strftime("%a %Y-%m-%d %H:%M %Z").to_string()),
        escape(&ended.map_or("its start".to_string(), |time| {
            time.strftime("%a %Y-%m-%d %H:%M %Z").to_string()
        })),
        exercise.seed(),
        escape(session),
        scenario.responders.team_size,
        escape(&format!(
            "working {} from {}",
            scenario.responders.working_hours,
            scenario.offices[scenario.responders.office.index()].name
        )),
        escape(&scenario.responders.contacts.join(", ")),
        escape(&scenario.meta.briefing),
    );

    // The score.
    let _ = write!(
        html,
        "<section id=\"score\"><h2>Score</h2><p class=\"total\"><span id=\"total\">{:.1}</span> / 100</p>\
         <table class=\"objectives\"><thead><tr><th>Objective</th><th>Weight</th><th>Points</th>\
         <th>Rating</th><th>Reason</th></tr></thead><tbody>",
        debrief.score.total
    );
    for objective in &debrief.score.objectives {
        let _ = write!(
            html,
            "<tr><td>{}</td><td class=\"number\">{}</td><td class=\"number\">{:.1}</td>\
             <td><span class=\"rating rating-{}\">{}</span></td><td>{}</td></tr>",
            escape(&objective.objective),
            objective.weight,
            objective.points,
            objective.rating,
            objective.rating,
            escape(&objective.reason)
        );
    }
    html += "</tbody></table><p class=\"note\">Ratings as in HSEEP exercise evaluation: \
             <b>P</b> performed without challenges, <b>S</b> with some challenges, \
             <b>M</b> with major challenges, <b>U</b> unable to be performed.</p></section>\n";

    // What each run lost, and the chart.
    let (response, baseline) = (&debrief.response, &debrief.baseline);
    let _ = writeln!(
        html,
        "<section id=\"outcome\"><h2>Machines lost</h2><table class=\"counts\"><thead><tr><th></th>\
         <th>Compromised</th><th>Defaced</th><th>Wiped</th></tr></thead><tbody>\
         <tr><th>This run</th><td class=\"number\">{}</td><td class=\"number\">{}</td><td class=\"number\">{}</td></tr>\
         <tr><th>No response, same seed</th><td class=\"number\">{}</td><td class=\"number\">{}</td><td class=\"number\">{}</td></tr>\
         </tbody></table><figure>{}<figcaption>{}</figcaption></figure></section>",
        response.compromised,
        response.defaced,
        response.wiped,
        baseline.compromised,
        baseline.defaced,
        baseline.wiped,
        chart::svg(scenario, &graded.response, &graded.baseline),
        chart::legend(),
    );

    // The team's actions against what was happening.
    let mut moments: Vec<(u32, u8, String, String, String)> = Vec::new();
    for line in &debrief.actions {
        moments.push((
            line.requested.tick,
            1,
            line.requested.time.clone(),
            format!("<b>Team:</b> <code>{}</code>", escape(&line.action)),
            escape(&format!(
                "{} ({} machines already taken)",
                line.outcome, line.compromised_then
            )),
        ));
    }
    for office in &outcome.by_office {
        let truth = [
            (&office.first_compromise, "first machine compromised"),
            (&office.first_page, "first warning page shown"),
            (&office.first_wipe, "first machine wiped"),
        ];
        for (moment, what) in truth {
            if let Some(moment) = moment {
                moments.push((
                    moment.tick,
                    0,
                    moment.time.clone(),
                    format!("<b>Attack:</b> {}, {what}", escape(&office.office)),
                    String::new(),
                ));
            }
        }
    }
    for (inject, fired) in scenario.injects.iter().zip(&outcome.injects) {
        if let Some(moment) = &fired.fired {
            moments.push((
                moment.tick,
                0,
                moment.time.clone(),
                format!(
                    "<b>{}:</b> {}",
                    escape(&format!("{:?}", inject.channel)),
                    escape(&inject.subject)
                ),
                escape(&inject.from),
            ));
        }
    }
    moments.sort_by_key(|moment| (moment.0, moment.1));
    html += "<section id=\"timeline\"><h2>Timeline</h2><p class=\"note\">The team's actions \
             (as requested) against the ground truth and the injects of the same moments.</p>\
             <table class=\"timeline\"><thead><tr><th>Time</th><th>What</th><th>Result</th></tr></thead><tbody>";
    for (_, team, time, what, result) in &moments {
        let class = if *team == 1 { "team" } else { "truth" };
        let _ = write!(
            html,
            "<tr class=\"{class}\"><td class=\"time\">{}</td><td>{what}</td><td>{result}</td></tr>",
            escape(time)
        );
    }
    if moments.is_empty() {
        html += "<tr><td colspan=\"3\">Nothing happened yet.</td></tr>";
    }
    html += "</tbody></table></section>\n";

    // What the attacker showed.
    let page = screen::warning_page(&scenario.screen, 960, 540);
    if let Ok(png) = screen::png(&page, 0) {
        let _ = writeln!(
            html,
            "<section id=\"warning-page\"><h2>What the machines showed</h2><figure>\
             <img id=\"warning\" alt=\"The attacker's warning page\" src=\"data:image/png;base64,{}\">\
             <figcaption>The warning page on {} machines in this run ({} with no response); \
             a wiped machine then shows: <q>{}</q></figcaption></figure></section>",
            base64(&png),
            response.defaced,
            baseline.defaced,
            escape(&scenario.screen.after_wipe)
        );
    }

    // The findings and their evidence.
    let findings = &debrief.findings;
    let _ = write!(
        html,
        "<section id=\"findings\"><h2>Findings</h2><p>{} of {} answers found with evidence.</p>\
         <table class=\"findings\"><thead><tr><th>Finding</th><th>Verdict</th><th>Evidence in the case</th></tr></thead><tbody>",
        findings.answers_found, findings.answers
    );
    let case = exercise.case();
    for judged in &findings.judged {
        let (verdict, evidence) = match &judged.verdict {
            Verdict::Supported { records } => {
                let shown: Vec<String> = records
                    .iter()
                    .take(4)
                    .filter_map(|id| case.get(*id))
                    .map(|held| {
                        format!(
                            "<li><code>#{}</code> {}</li>",
                            held.id,
                            escape(&held.record.summary(scenario))
                        )
                    })
                    .collect();
                let more = records.len().saturating_sub(shown.len());
                let more = if more > 0 {
                    format!("<li>and {more} more</li>")
                } else {
                    String::new()
                };
                ("supported", format!("<ul>{}{more}</ul>", shown.join("")))
            }
            Verdict::Unsupported => ("a guess", "true, but no record in the case showed it".to_string()),
            Verdict::Wrong => ("wrong", "not what happened".to_string()),
        };
        let _ = write!(
            html,
            "<tr><td><code>{}</code></td><td class=\"verdict-{}\">{verdict}</td><td>{evidence}</td></tr>",
            escape(&judged.finding),
            verdict.replace(' ', "-")
        );
    }
    if findings.judged.is_empty() {
        html += "<tr><td colspan=\"3\">No findings submitted.</td></tr>";
    }
    html += "</tbody></table>";
    let missed: Vec<_> = findings
        .missed
        .iter()
        .filter(|missed| missed.evidence.is_some())
        .collect();
    if !missed.is_empty() {
        html += "<h3>Missed, and where the evidence was</h3><ul class=\"missed\">";
        for missed in missed {
            let clue = missed.evidence.as_ref().map(|clue| clue.describe()).unwrap_or_default();
            let _ = write!(
                html,
                "<li><code>{}</code>: {}</li>",
                escape(&missed.answer),
                escape(&clue)
            );
        }
        html += "</ul>";
    }
    html += "</section>\n";

    // What leaked.
    html += "<section id=\"leaks\"><h2>What leaked</h2>";
    let leaks: Vec<_> = scenario
        .injects
        .iter()
        .zip(&outcome.injects)
        .filter(|(inject, _)| inject.channel == Channel::Leak)
        .filter_map(|(inject, fired)| fired.fired.as_ref().map(|moment| (inject, moment)))
        .collect();
    if leaks.is_empty() {
        html += "<p>Nothing had leaked by the end of the session.</p>";
    } else {
        html += "<ul class=\"leaks\">";
        for (inject, moment) in leaks {
            let _ = write!(
                html,
                "<li><span class=\"time\">{}</span> <b>{}</b> ({}): {}</li>",
                escape(&moment.time),
                escape(&inject.subject),
                escape(&inject.from),
                escape(&inject.text)
            );
        }
        html += "</ul>";
    }
    html += "</section>\n";

    // The improvement plan.
    let plan = improvement::plan(scenario, debrief);
    html += "<section id=\"improvement-plan\"><h2>Improvement plan</h2>";
    if plan.is_empty() {
        html += "<p>Every objective was performed without challenges.</p>";
    } else {
        html += "<p class=\"note\">The objectives met least, worst first.</p><table class=\"plan\"><thead><tr>\
                 <th>Objective</th><th>Rating</th><th>Points lost</th><th>Observed</th>\
                 <th>Corrective action</th><th>Phase (NIST SP 800-61)</th></tr></thead><tbody>";
        for item in &plan {
            let _ = write!(
                html,
                "<tr><td>{}</td><td><span class=\"rating rating-{}\">{}</span></td><td class=\"number\">{:.1}</td>\
                 <td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&item.objective),
                item.rating,
                item.rating,
                item.points_lost,
                escape(&item.observed),
                escape(&item.corrective_action),
                item.phase
            );
        }
        html += "</tbody></table>";
    }
    html += "</section>\n";
    let _ = write!(
        html,
        "<footer>Written by redscreen {} from <code>{}</code>. The simulation is a training exercise; \
         its company, machines and people are made up.</footer>\n</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        escape(session)
    );
    html
}

/// Standard base64 with padding, for the inline image.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let value = group.iter().enumerate().fold(0u32, |value, (index, byte)| {
            value | u32::from(*byte) << (16 - 8 * index)
        });
        for index in 0..4 {
            if index <= group.len() {
                text.push(ALPHABET[(value >> (18 - 6 * index) & 63) as usize] as char);
            } else {
                text.push('=');
            }
        }
    }
    text
}

/// The page's look: readable on screen, and on A4 or Letter paper.
const STYLE: &str = r#"
:root { --ink: #1d2129; --muted: #5b6270; --rule: #d8dbe0; --red: #c0262d; }
* { box-sizing: border-box; }
body { margin: 0; background: #eef0f3; color: var(--ink); font: 15px/1.45 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 28px 36px 40px; background: #fff; }
header { border-bottom: 4px solid var(--red); padding-bottom: 12px; }
.kicker { margin: 0; color: var(--red); font-weight: bold; letter-spacing: .08em; text-transform: uppercase; font-size: 12px; }
h1 { margin: 4px 0 10px; font-size: 26px; }
h2 { margin: 28px 0 10px; font-size: 19px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.briefing { color: var(--muted); margin: 10px 0 0; }
.total { font-size: 40px; font-weight: bold; margin: 0 0 8px; }
.total span { color: var(--red); }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--rule); overflow-wrap: break-word; }
th, td.number, td[class^="verdict-"] { white-space: nowrap; }
table.timeline code, table.findings td { overflow-wrap: anywhere; }
table.findings, table.plan { table-layout: fixed; }
table.findings th:nth-child(1) { width: 30%; } table.findings th:nth-child(2) { width: 12%; }
table.plan th:nth-child(1) { width: 14%; } table.plan th:nth-child(2) { width: 9%; } table.plan th:nth-child(3) { width: 8%; }
table.plan th:nth-child(6) { width: 14%; }
thead th { background: #f4f5f7; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
table.counts { width: auto; margin-bottom: 12px; }
.rating { display: inline-block; min-width: 22px; text-align: center; font-weight: bold; border-radius: 3px; color: #fff; }
.rating-P { background: #2f7d32; } .rating-S { background: #8a7a00; } .rating-M { background: #c46a00; } .rating-U { background: var(--red); }
.note { color: var(--muted); font-size: 13px; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
#chart { width: 100%; height: auto; border: 1px solid var(--rule); }
#chart .axis { font: 11px "DejaVu Sans", Arial, sans-serif; fill: #5b6270; }
.legend span { margin-right: 14px; white-space: nowrap; }
.legend i { display: inline-block; width: 18px; height: 3px; vertical-align: middle; margin-right: 5px; }
.legend i.dashed { background: repeating-linear-gradient(90deg, #777 0 6px, transparent 6px 10px); }
#warning { width: 100%; max-width: 720px; border: 1px solid #000; display: block; }
tr.team td { background: #f6f8fc; }
td.time, span.time { white-space: nowrap; font-variant-numeric: tabular-nums; color: var(--muted); }
.verdict-supported { color: #2f7d32; font-weight: bold; }
.verdict-a-guess { color: #8a7a00; font-weight: bold; }
.verdict-wrong { color: var(--red); font-weight: bold; }
td ul { margin: 0; padding-left: 16px; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 12px; }
footer { margin-top: 30px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule); padding-top: 8px; }
@page { margin: 14mm; }
@media print {
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  section { break-inside: auto; }
  h2, h3 { break-after: avoid; }
  tr, figure, .total { break-inside: avoid; }
  thead { display: table-header-group; }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads_as_the_standard_says() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
