//! The debrief's chart: machines compromised, defaced and wiped over time, this run against
//! the run with no response, painted on the CPU.

use crate::scoring::Curves;

/// The chart's series: response in full colour, the baseline dimmed and dashed.
pub const SERIES: [(&str, [u8; 3]); 3] = [
    ("compromised", [0xf0, 0xa0, 0x20]),
    ("defaced", [0xe0, 0x30, 0x30]),
    ("wiped", [0xe8, 0xe8, 0xe8]),
];

/// The chart's background and grid.
const PAPER: [u8; 4] = [0x16, 0x1a, 0x22, 0xff];
const GRID: [u8; 4] = [0x2c, 0x32, 0x3e, 0xff];

/// Paints the chart: one line per stage for the response and for the baseline, over the same
/// time and count axes, with a grid line every quarter.
pub fn paint_chart(response: &Curves, baseline: &Curves, width: u32, height: u32) -> Vec<u8> {
    let mut pixels = PAPER.repeat((width * height) as usize);
    let mut put = |x: i64, y: i64, colour: [u8; 4]| {
        if (0..width as i64).contains(&x) && (0..height as i64).contains(&y) {
            let at = ((y as u32 * width + x as u32) * 4) as usize;
            pixels[at..at + 4].copy_from_slice(&colour);
        }
    };
    for quarter in 0..=4 {
        let y = (height - 1) as i64 * quarter / 4;
        let x = (width - 1) as i64 * quarter / 4;
        for along in 0..width.max(height) as i64 {
            put(along, y, GRID);
            put(x, along, GRID);
        }
    }
    let peak = response.peak().max(baseline.peak()).max(1) as f32;
    let last = response.last.max(baseline.last).max(1) as f32;
    let point = |tick: usize, count: u32| {
        let x = (tick as f32 / last * (width - 1) as f32).round() as i64;
        let y = ((1.0 - count as f32 / peak) * (height - 1) as f32).round() as i64;
        (x, y)
    };
    // The baseline goes on top, dashed, so that where the runs agree both still show.
    let runs = [(response, false), (baseline, true)];
    for (curves, dashed) in runs {
        let lines = [&curves.compromised, &curves.defaced, &curves.wiped];
        for ((_, [r, g, b]), counts) in SERIES.iter().zip(lines) {
            let colour = if dashed {
                [r / 2, g / 2, b / 2, 0xff]
            } else {
                [*r, *g, *b, 0xff]
            };
            let mut previous = point(0, counts.first().copied().unwrap_or(0));
            for (tick, &count) in counts.iter().enumerate() {
                let next = point(tick, count);
                // Vertical runs are drawn whole so that a sudden rise shows as a wall.
                let (low, high) = (previous.1.min(next.1), previous.1.max(next.1));
                for y in low..=high {
                    for thick in 0..2 {
                        if !dashed || (next.0 / 4) % 2 == 0 {
                            put(next.0, y + thick, colour);
                        }
                    }
                }
                previous = next;
            }
        }
    }
    pixels
}
