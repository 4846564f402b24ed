//! The report's chart as inline SVG: machines compromised, defaced and wiped over the
//! exercise, the team's run in full lines and the run with no response dashed, from the same
//! curves the window's debrief paints.

use std::fmt::Write;

use crate::scenario::model::{Scenario, Tick};
use crate::scoring::Curves;

/// Each stage's name and its colour on paper.
const SERIES: [(&str, &str); 3] = [("compromised", "#c87800"), ("defaced", "#c0262d"), ("wiped", "#30343c")];

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 300.0;
/// Room for the count axis on the left and the time axis below.
const LEFT: f64 = 56.0;
const BOTTOM: f64 = 34.0;
const TOP: f64 = 12.0;
const RIGHT: f64 = 12.0;

/// The chart, with its axes, grid and legend.
pub fn svg(scenario: &Scenario, response: &Curves, baseline: &Curves) -> String {
    let last = response.last.max(baseline.last).max(1) as f64;
    let peak = nice_ceiling(response.peak().max(baseline.peak()).max(1));
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let x = |tick: f64| LEFT + tick / last * plot_width;
    let y = |count: f64| TOP + (1.0 - count / peak as f64) * plot_height;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg id="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="Machines compromised, defaced and wiped over time, against the run with no response">"#
    );
    svg += r##"<rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>"##;
    for quarter in 0..=4 {
        let share = quarter as f64 / 4.0;
        let (gx, gy) = (LEFT + share * plot_width, TOP + share * plot_height);
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{gy:.1}" x2="{:.1}" y2="{gy:.1}" stroke="#d8dbe0" stroke-width="1"/>"##,
            WIDTH - RIGHT
        );
        let _ = write!(
            svg,
            r##"<line x1="{gx:.1}" y1="{TOP}" x2="{gx:.1}" y2="{:.1}" stroke="#d8dbe0" stroke-width="1"/>"##,
            HEIGHT - BOTTOM
        );
        let count = (peak as f64 * (1.0 - share)).round();
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" class="axis">{count}</text>"#,
            LEFT - 6.0,
            gy + 4.0
        );
        let time = scenario.time_of(Tick((last * share).round() as u32));
        let _ = write!(
            svg,
            r#"<text x="{gx:.1}" y="{:.1}" text-anchor="{}" class="axis">{}</text>"#,
            HEIGHT - BOTTOM + 16.0,
            match quarter {
                0 => "start",
                4 => "end",
                _ => "middle",
            },
            time.strftime("%a %H:%M")
        );
    }
    let runs = [(baseline, "no response", true), (response, "this run", false)];
    for (curves, run, dashed) in runs {
        let lines = [&curves.compromised, &curves.defaced, &curves.wiped];
        for ((stage, colour), counts) in SERIES.iter().zip(lines) {
            let points = steps(counts)
                .map(|(tick, count)| format!("{:.1},{:.1}", x(tick as f64), y(count as f64)))
                .collect::<Vec<_>>()
                .join(" ");
            let style = if dashed {
                r#" stroke-dasharray="6 4" stroke-opacity="0.55""#
            } else {
                ""
            };
            let _ = write!(
                svg,
                r#"<polyline class="series" data-run="{run}" data-stage="{stage}" fill="none" stroke="{colour}" stroke-width="2"{style} points="{points}"/>"#
            );
        }
    }
    svg += "</svg>";
    svg
}

/// The chart's legend, in HTML beside it.
pub fn legend() -> String {
    let mut html = String::from(r#"<p class="legend">"#);
    for (stage, colour) in SERIES {
        let _ = write!(html, r#"<span><i style="background:{colour}"></i>{stage}</span> "#);
    }
    html += r#"<span><i class="dashed"></i>dashed: the same seed with no response</span></p>"#;
    html
}

/// The corners of a step curve: a point where the count changes, drawn as a wall, and the
/// last tick. Exact, and a few hundred points for a week of minutes.
fn steps(counts: &[u32]) -> impl Iterator<Item = (usize, u32)> + '_ {
    let first = counts.first().copied().unwrap_or(0);
    let corners = counts
        .windows(2)
        .enumerate()
        .filter(|(_, pair)| pair[0] != pair[1])
        .flat_map(|(tick, pair)| [(tick + 1, pair[0]), (tick + 1, pair[1])]);
    std::iter::once((0, first)).chain(corners).chain(std::iter::once((
        counts.len().saturating_sub(1),
        counts.last().copied().unwrap_or(0),
    )))
}

/// A round number at or above `value` for the top of the count axis (1, 2 or 5 times a power
/// of ten, times four so the quarter lines fall on whole numbers).
fn nice_ceiling(value: u32) -> u32 {
    let mut step = 1u32;
    loop {
        for factor in [1, 2, 5] {
            let top = step.saturating_mul(factor).saturating_mul(4);
            if top >= value {
                return top;
            }
        }
        step = step.saturating_mul(10);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_curve_keeps_its_corners_only() {
        let counts = [0, 0, 0, 3, 3, 3, 3, 7, 7];
        let corners: Vec<(usize, u32)> = steps(&counts).collect();
        assert_eq!(corners, [(0, 0), (3, 0), (3, 3), (7, 3), (7, 7), (8, 7)]);
    }

    #[test]
    fn the_count_axis_ends_on_a_round_number() {
        assert_eq!(nice_ceiling(1), 4);
        assert_eq!(nice_ceiling(4150), 8000);
        assert_eq!(nice_ceiling(37), 40);
    }
}
