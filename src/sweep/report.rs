//! The sweep's report: one self-contained HTML page with every plan's distribution of points
//! and losses drawn as strips (a dot per seed, the 10th to 90th percentile as a bar, the
//! median as a tick), and the comparisons in words.

use std::fmt::Write;

use super::RunResult;
use super::stats::{Comparison, Distribution, PlanSummary};
use crate::html::escape;

const WIDTH: f64 = 760.0;
const LABEL: f64 = 130.0;
const ROW: f64 = 34.0;
/// Colours of the plans, in order (then again).
const PLAN_COLOURS: [&str; 6] = ["#c0392b", "#2471a3", "#229954", "#b9770e", "#7d3c98", "#566573"];

/// A measure drawn for every plan: its name, its unit, and how to read it from a run.
struct Measure {
    title: String,
    unit: &'static str,
    value: Box<dyn Fn(&RunResult) -> f64>,
}

/// The page for a sweep of `scenario` (its title) over `seeds`.
pub fn report_html(
    scenario: &str,
    seeds: &str,
    results: &[RunResult],
    plans: &[PlanSummary],
    comparisons: &[Comparison],
) -> String {
    let mut measures = vec![Measure {
        title: "Score".to_string(),
        unit: "points",
        value: Box::new(|run| run.score),
    }];
    let objectives: Vec<String> = plans
        .first()
        .map(|plan| plan.objectives.iter().map(|(name, _)| name.clone()).collect())
        .unwrap_or_default();
    for (index, name) in objectives.iter().enumerate() {
        measures.push(Measure {
            title: format!("Objective `{name}`"),
            unit: "points",
            value: Box::new(move |run| run.objectives.get(index).map_or(0.0, |objective| objective.points)),
        });
    }
    measures.extend([
        Measure {
            title: "Machines wiped".to_string(),
            unit: "machines",
            value: Box::new(|run| run.wiped as f64),
        },
        Measure {
            title: "Service downtime".to_string(),
            unit: "hours",
            value: Box::new(|run| run.downtime_minutes as f64 / 60.0),
        },
    ]);
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Sweep: {title}</title>\n<style>\nbody {{ font-family: sans-serif; margin: 2em auto; max-width: 820px; color: #1c1c1c; }}\nh1 {{ font-size: 1.5em; }} h2 {{ font-size: 1.1em; margin-top: 1.6em; }}\n.verdict {{ background: #f4f4f4; padding: 0.6em 1em; white-space: pre-line; }}\ntable {{ border-collapse: collapse; }} td, th {{ padding: 2px 10px; text-align: right; }} th:first-child, td:first-child {{ text-align: left; }}\n</style>\n</head>\n<body>\n<h1>Sweep: {title}</h1>\n<p>Seeds {seeds}: {runs} runs, each plan graded against the run with no response of the same seed.</p>\n",
        title = escape(scenario),
        seeds = escape(seeds),
        runs = results.len()
    );
    if !comparisons.is_empty() {
        html.push_str("<h2>Which plan is better</h2>\n");
        for comparison in comparisons {
            let _ = writeln!(html, "<p class=\"verdict\">{}</p>", escape(&comparison.verdict()));
        }
    }
    html.push_str("<h2>Scores</h2>\n<table>\n<tr><th>plan</th><th>runs</th><th>10th</th><th>median</th><th>90th</th><th>wiped (median)</th></tr>\n");
    for plan in plans {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{:.1}</td><td>{:.1}</td><td>{:.1}</td><td>{:.0}</td></tr>",
            escape(&plan.playbook),
            plan.runs,
            plan.score.p10,
            plan.score.median,
            plan.score.p90,
            plan.wiped.median
        );
    }
    html.push_str("</table>\n");
    for measure in &measures {
        let _ = writeln!(html, "<h2>{} ({})</h2>", escape(&measure.title), measure.unit);
        html.push_str(&strips(measure, results, plans));
    }
    html.push_str("</body>\n</html>\n");
    html
}

/// One measure: a strip per plan on a shared axis.
fn strips(measure: &Measure, results: &[RunResult], plans: &[PlanSummary]) -> String {
    let values: Vec<f64> = results.iter().map(|run| (measure.value)(run)).collect();
    let low = values.iter().copied().fold(0.0f64, f64::min);
    let high = values.iter().copied().fold(1.0f64, f64::max);
    let x = |value: f64| LABEL + (value - low) / (high - low) * (WIDTH - LABEL - 20.0);
    let height = ROW * plans.len() as f64 + 24.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">\n",
        escape(&measure.title)
    );
    for (row, plan) in plans.iter().enumerate() {
        let colour = PLAN_COLOURS[row % PLAN_COLOURS.len()];
        let middle = ROW * row as f64 + ROW / 2.0;
        let runs: Vec<&RunResult> = results.iter().filter(|run| run.playbook == plan.playbook).collect();
        let distribution = Distribution::of(&runs.iter().map(|run| (measure.value)(run)).collect::<Vec<f64>>());
        let _ = writeln!(
            svg,
            "<text x=\"0\" y=\"{:.1}\" font-size=\"13\">{}</text>",
            middle + 4.0,
            escape(&plan.playbook)
        );
        let _ = writeln!(
            svg,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\" fill=\"{colour}\" fill-opacity=\"0.18\"/>",
            x(distribution.p10),
            middle - 7.0,
            (x(distribution.p90) - x(distribution.p10)).max(1.0)
        );
        // A dot per seed, spread over the row by the seed's number so equal values stay visible.
        for run in runs {
            let spread = ((run.seed.wrapping_mul(2_654_435_761) % 1000) as f64 / 1000.0 - 0.5) * (ROW - 14.0);
            let _ = writeln!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.2\" fill=\"{colour}\" fill-opacity=\"0.55\"/>",
                x((measure.value)(run)),
                middle + spread
            );
        }
        let _ = writeln!(
            svg,
            "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{1:.1}\" y2=\"{2:.1}\" stroke=\"#111\" stroke-width=\"2.5\"/>",
            x(distribution.median),
            middle - 11.0,
            middle + 11.0
        );
    }
    let axis = ROW * plans.len() as f64 + 4.0;
    let _ = writeln!(
        svg,
        "<line x1=\"{LABEL}\" x2=\"{:.1}\" y1=\"{axis}\" y2=\"{axis}\" stroke=\"#888\"/>",
        WIDTH - 20.0
    );
    for step in 0..=4 {
        let value = low + (high - low) * step as f64 / 4.0;
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
            x(value),
            axis + 16.0,
            if high - low >= 20.0 {
                format!("{value:.0}")
            } else {
                format!("{value:.1}")
            }
        );
    }
    svg.push_str("</svg>\n");
    svg
}
