//! The company as a map: offices side by side, subnets stacked in them, machines in cells
//! painted in the colour of their state, on the CPU (the window shows it as a texture).
//!
//! A company too large for a cell per machine gets cells that each stand for a run of machines
//! of one subnet, painted as a small waffle of the shares of their states, so that one alert
//! among a hundred machines still shows. Planned for a larger area (the window zoomed in), the
//! same company gets finer cells, down to one per machine: the window plans one level per
//! doubling of its zoom and paints only what its frame shows.

use std::ops::Range;
use std::sync::Arc;

use crate::scenario::model::{HostId, Scenario};
use crate::sim::Stage;

/// The machines in the map's order, fixed for a scenario: by office, by subnet in the office's
/// order, by id. Every level's plan cuts it into cells.
pub struct MapOrder {
    hosts: Vec<HostId>,
    /// Each machine's position in `hosts`.
    rank: Vec<u32>,
    offices: Vec<OfficeOrder>,
}

struct OfficeOrder {
    name: String,
    machines: u32,
    /// The office's subnets in order, as the ranges of `hosts` they hold.
    subnets: Vec<Range<u32>>,
}

impl MapOrder {
    pub fn of(scenario: &Scenario) -> Self {
        let mut by_subnet: Vec<Vec<HostId>> = vec![Vec::new(); scenario.subnets.len()];
        for (index, machine) in scenario.hosts.iter().enumerate() {
            by_subnet[machine.subnet.index()].push(HostId(index as u32));
        }
        let mut hosts = Vec::with_capacity(scenario.hosts.len());
        let offices = scenario
            .offices
            .iter()
            .map(|office| {
                let first = hosts.len() as u32;
                let subnets = office
                    .subnets
                    .iter()
                    .map(|subnet| {
                        let start = hosts.len() as u32;
                        hosts.extend_from_slice(&by_subnet[subnet.index()]);
                        start..hosts.len() as u32
                    })
                    .collect();
                OfficeOrder {
                    name: office.name.clone(),
                    machines: hosts.len() as u32 - first,
                    subnets,
                }
            })
            .collect();
        let mut rank = vec![0; scenario.hosts.len()];
        for (position, host) in hosts.iter().enumerate() {
            rank[host.index()] = position as u32;
        }
        Self { hosts, rank, offices }
    }

    pub fn machines(&self) -> usize {
        self.hosts.len()
    }
}

/// Where the cells are on a map of `width` × `height` pixels.
pub struct MapPlan {
    pub width: u32,
    pub height: u32,
    /// A cell's side in pixels, the gap to the next included.
    pub cell: u32,
    /// How many machines a cell stands for (1: a cell per machine).
    pub per_cell: u32,
    /// Top-left pixel of each cell, in the map's order.
    pub cells: Vec<(u32, u32)>,
    /// Each office's name, the pixel its label goes at, and the width it has for it.
    pub labels: Vec<OfficeLabel>,
    /// Each subnet's block: left, top, right and bottom pixels around its cells.
    pub blocks: Vec<[u32; 4]>,
    /// Each subnet's run of cells, in the map's order.
    runs: Vec<SubnetRun>,
    /// Each office's cells.
    office_cells: Vec<Range<u32>>,
    order: Arc<MapOrder>,
}

/// Where an office's name goes on the map.
pub struct OfficeLabel {
    pub name: String,
    pub x: u32,
    pub y: u32,
    /// Pixels the name may take before it runs into its neighbour on the same line.
    pub room: u32,
}

/// A subnet's cells: the first, the machines (ranks in the map's order) they cut up, and the
/// rectangle they fill (left, top, right, bottom).
struct SubnetRun {
    first_cell: u32,
    ranks: Range<u32>,
    area: [u32; 4],
}

/// Rows above the cells, for the offices' names.
const LABEL_ROWS: u32 = 42;
/// The side of a cell that stands for several machines: room for a waffle of 25 pixels.
const SHARED_CELL: u32 = 6;
/// At most this many machines to a cell (the shares are counted in 16 bits).
const MAX_PER_CELL: u32 = u16::MAX as u32;
/// At most this many states on one map (the shares' slots).
pub const MAP_STATES: usize = 8;

/// Lays the map out in `width` × `height` pixels: a cell per machine, as large as fit, or, when
/// even two pixels a machine do not fit, shared cells of as few machines as fit.
pub fn plan_map(scenario: &Scenario, width: u32, height: u32) -> MapPlan {
    plan_level(&Arc::new(MapOrder::of(scenario)), width, height)
}

/// [`plan_map`] on an order already made (the window plans several levels of one company).
pub fn plan_level(order: &Arc<MapOrder>, width: u32, height: u32) -> MapPlan {
    let (cell, per_cell) = fitting_cells(order, width, height);
    lay_out(order, width, height, cell, per_cell)
}

/// The cell size and machines per cell a map of `width` × `height` pixels gets.
fn fitting_cells(order: &MapOrder, width: u32, height: u32) -> (u32, u32) {
    let fits = |mind_width| {
        move |cell, per_cell| {
            rows_needed(order, width, cell, per_cell, mind_width).is_some_and(|rows| LABEL_ROWS + rows * cell <= height)
        }
    };
    if let Some(cell) = largest_cell(fits(true)) {
        return (cell, 1);
    }
    // Too many offices for the width: the ones past it are off the map.
    let per_cell = match fewest_per_cell(MAX_PER_CELL, fits(true)) {
        MAX_PER_CELL if !fits(true)(SHARED_CELL, MAX_PER_CELL) => fewest_per_cell(MAX_PER_CELL, fits(false)),
        per_cell => per_cell,
    };
    (SHARED_CELL, per_cell)
}

/// The largest cell, if any, with which a cell per machine `fits`.
fn largest_cell(fits: impl Fn(u32, u32) -> bool) -> Option<u32> {
    (2..=40).rev().find(|&cell| fits(cell, 1))
}

/// The fewest machines (up to `most`) per shared cell that `fits`: fitting only gets easier
/// with more.
fn fewest_per_cell(most: u32, fits: impl Fn(u32, u32) -> bool) -> u32 {
    let (mut low, mut high) = (2, most.max(2));
    while low < high {
        let middle = low + (high - low) / 2;
        match fits(SHARED_CELL, middle) {
            true => high = middle,
            false => low = middle + 1,
        }
    }
    low
}

/// Offices' widths in cells: in proportion to their machines, at least three.
fn office_columns(order: &MapOrder, width: u32, cell: u32) -> impl Iterator<Item = u32> + '_ {
    let machines = order.machines().max(1) as f32;
    let columns_total = (width / cell).max(1) as f32;
    order
        .offices
        .iter()
        .map(move |office| ((office.machines as f32 / machines) * columns_total).floor().max(3.0) as u32)
}

/// Rows of cells the tallest office needs, with a blank row after each subnet; `None` when the
/// offices are wider than the map.
fn rows_needed(order: &MapOrder, width: u32, cell: u32, per_cell: u32, mind_width: bool) -> Option<u32> {
    let mut tallest = 0;
    let mut columns_used = 0;
    for (office, columns) in order.offices.iter().zip(office_columns(order, width, cell)) {
        columns_used += columns;
        // The last column of each office is the gap to the next.
        let per_row = columns - 1;
        let rows: u32 = office
            .subnets
            .iter()
            .map(|ranks| (ranks.len() as u32).div_ceil(per_cell))
            .filter(|&cells| cells > 0)
            .map(|cells| cells.div_ceil(per_row) + 1)
            .sum();
        tallest = tallest.max(rows);
    }
    // The trailing blank row, and the last office's gap column, need no room.
    (!mind_width || (columns_used - 1) * cell <= width).then_some(tallest.saturating_sub(1))
}

fn lay_out(order: &Arc<MapOrder>, width: u32, height: u32, cell: u32, per_cell: u32) -> MapPlan {
    let mut labels = Vec::new();
    let mut areas = Vec::new();
    let mut left = 0u32;
    let widths: Vec<u32> = office_columns(order, width, cell).collect();
    for (office_index, (office, &columns)) in order.offices.iter().zip(&widths).enumerate() {
        // Neighbouring offices' names alternate between two lines so that they never overlap.
        // A name near the right edge is moved left to stay whole (it carries a time too).
        let label_width = (office.name.chars().count() as u32 + 6) * 9;
        // The next name on the same line starts two offices on (the last office's name takes
        // room on its left).
        let neighbour = widths
            .get(office_index + 1)
            .or(office_index.checked_sub(1).and_then(|before| widths.get(before)))
            .map_or(width, |columns| columns * cell);
        labels.push(OfficeLabel {
            name: office.name.clone(),
            x: (left * cell).min(width.saturating_sub(label_width)),
            y: if office_index % 2 == 0 { 2 } else { 20 },
            room: columns * cell + neighbour,
        });
        let mut row = 0u32;
        let mut subnets = Vec::new();
        for ranks in &office.subnets {
            let count = (ranks.len() as u32).div_ceil(per_cell);
            if count == 0 {
                continue;
            }
            // The last column of each office is the gap to the next.
            let per_row = columns - 1;
            let rows = count.div_ceil(per_row);
            let top = LABEL_ROWS + row * cell;
            let right = (left + per_row.min(count)) * cell;
            subnets.push((ranks.clone(), [left * cell, top, right, top + rows * cell]));
            // A blank row between subnets.
            row += rows + 1;
        }
        areas.push(subnets);
        left += columns;
    }
    fill_areas(order, width, height, cell, per_cell, labels, &areas)
}

/// A plan whose subnets fill these areas, office by office, with cells of `cell` pixels that
/// stand for `per_cell` machines, row by row.
fn fill_areas(
    order: &Arc<MapOrder>,
    width: u32,
    height: u32,
    cell: u32,
    per_cell: u32,
    labels: Vec<OfficeLabel>,
    areas: &[Vec<(Range<u32>, [u32; 4])>],
) -> MapPlan {
    let mut cells = Vec::new();
    let mut blocks = Vec::new();
    let mut runs = Vec::new();
    let mut office_cells = Vec::new();
    for subnets in areas {
        let first_of_office = cells.len() as u32;
        for (ranks, area) in subnets {
            let [left, top, right, _] = *area;
            runs.push(SubnetRun {
                first_cell: cells.len() as u32,
                ranks: ranks.clone(),
                area: *area,
            });
            let per_row = ((right - left) / cell).max(1);
            let count = (ranks.len() as u32).div_ceil(per_cell);
            for index in 0..count {
                cells.push((left + (index % per_row) * cell, top + (index / per_row) * cell));
            }
            // Each subnet's cells sit on a block of their own, a pixel wider all round.
            let bottom = top + count.div_ceil(per_row) * cell;
            blocks.push([
                left.saturating_sub(1),
                top - 1,
                left + per_row.min(count) * cell,
                bottom,
            ]);
        }
        office_cells.push(first_of_office..cells.len() as u32);
    }
    MapPlan {
        width,
        height,
        cell,
        per_cell,
        cells,
        labels,
        blocks,
        runs,
        office_cells,
        order: Arc::clone(order),
    }
}

/// The cell size and machines per cell with which every subnet fits its area of `base`
/// magnified `level` times: a cell per machine, as large as fit, or the fewest machines per
/// shared cell.
pub fn finer_cells(base: &MapPlan, level: u32) -> (u32, u32) {
    let fits = |cell: u32, per_cell: u32| {
        base.runs.iter().all(|run| {
            let [left, top, right, bottom] = run.area.map(|edge| edge * level);
            let per_row = (right - left) / cell;
            let count = run.ranks.len() as u32;
            per_row > 0 && count.div_ceil(per_cell).div_ceil(per_row) * cell <= bottom - top
        })
    };
    match largest_cell(fits) {
        Some(cell) => (cell, 1),
        None => (SHARED_CELL, fewest_per_cell(base.per_cell, fits)),
    }
}

/// `base` magnified `level` times: the same offices and subnets in the same places, their
/// areas filled with finer cells (the window zoomed in).
pub fn plan_finer(base: &MapPlan, level: u32) -> MapPlan {
    let (cell, per_cell) = finer_cells(base, level);
    let labels = base
        .labels
        .iter()
        .map(|label| OfficeLabel {
            name: label.name.clone(),
            x: label.x * level,
            y: label.y * level,
            room: label.room * level,
        })
        .collect();
    let areas: Vec<Vec<(Range<u32>, [u32; 4])>> = base
        .office_cells
        .iter()
        .map(|cells| {
            base.runs
                .iter()
                .filter(|run| cells.contains(&run.first_cell))
                .map(|run| (run.ranks.clone(), run.area.map(|edge| edge * level)))
                .collect()
        })
        .collect();
    fill_areas(
        &base.order,
        base.width * level,
        base.height * level,
        cell,
        per_cell,
        labels,
        &areas,
    )
}

impl MapPlan {
    /// The cell a machine is in.
    pub fn cell_of(&self, host: HostId) -> u32 {
        let rank = self.order.rank[host.index()];
        let run = &self.runs[self.runs.partition_point(|run| run.ranks.end <= rank)];
        run.first_cell + (rank - run.ranks.start) / self.per_cell
    }

    /// The top-left pixel of a machine's cell.
    pub fn position_of(&self, host: HostId) -> (u32, u32) {
        self.cells[self.cell_of(host) as usize]
    }

    /// The machines a cell stands for, in the map's order.
    pub fn machines_in(&self, cell: u32) -> &[HostId] {
        let run = &self.runs[self.runs.partition_point(|run| run.first_cell <= cell) - 1];
        let start = run.ranks.start + (cell - run.first_cell) * self.per_cell;
        let end = (start + self.per_cell).min(run.ranks.end);
        &self.order.hosts[start as usize..end as usize]
    }

    /// The cell that holds a point of the map, if any.
    pub fn cell_at(&self, x: f32, y: f32) -> Option<u32> {
        if x < 0.0 || y < 0.0 {
            return None;
        }
        let (x, y) = (x as u32, y as u32);
        let holds =
            |&(left, top): &(u32, u32)| (left..left + self.cell).contains(&x) && (top..top + self.cell).contains(&y);
        self.office_cells.iter().find_map(|range| {
            let cells = &self.cells[range.start as usize..range.end as usize];
            // An office's cells go row by row: only the row at `y` can hold the point.
            let row_start = cells.partition_point(|&(_, top)| top + self.cell <= y);
            cells[row_start..]
                .iter()
                .take_while(|&&(_, top)| top <= y)
                .position(holds)
                .map(|index| range.start + (row_start + index) as u32)
        })
    }

    /// Every cell whose square meets a rectangle of the map, office by office.
    pub fn cells_meeting(&self, left: f32, top: f32, right: f32, bottom: f32) -> impl Iterator<Item = u32> + '_ {
        let cell = self.cell as f32;
        self.office_cells.iter().flat_map(move |range| {
            let cells = &self.cells[range.start as usize..range.end as usize];
            let first = cells.partition_point(|&(_, y)| (y as f32 + cell) <= top);
            let last = cells.partition_point(|&(_, y)| (y as f32) < bottom);
            (first..last.max(first))
                .filter(move |&index| {
                    let x = cells[index].0 as f32;
                    x + cell > left && x < right
                })
                .map(move |index| range.start + index as u32)
        })
    }
}

/// How many machines of each cell are in each state: counted once for a plan, then kept up
/// to date machine by machine as states change.
pub struct MapShares {
    counts: Vec<[u16; MAP_STATES]>,
}

impl MapShares {
    /// Counts every cell from the machines' states (by machine id, as indices of a palette).
    pub fn count(plan: &MapPlan, states: impl Fn(HostId) -> u8) -> Self {
        let mut counts = vec![[0; MAP_STATES]; plan.cells.len()];
        for run in &plan.runs {
            for (offset, host) in plan.order.hosts[run.ranks.start as usize..run.ranks.end as usize]
                .iter()
                .enumerate()
            {
                let cell = run.first_cell as usize + offset / plan.per_cell as usize;
                counts[cell][states(*host) as usize] += 1;
            }
        }
        Self { counts }
    }

    /// A machine moved from one state to another; returns its cell.
    pub fn shift(&mut self, plan: &MapPlan, host: HostId, from: u8, to: u8) -> u32 {
        let cell = plan.cell_of(host);
        let counts = &mut self.counts[cell as usize];
        counts[from as usize] -= 1;
        counts[to as usize] += 1;
        cell
    }

    /// How many machines of a cell are in each state.
    pub fn of(&self, cell: u32) -> &[u16; MAP_STATES] {
        &self.counts[cell as usize]
    }
}

/// The part of a plan a frame of `width` × `height` pixels shows: the plan's point at the
/// frame's top-left corner, and the frame's pixels per plan pixel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapWindow {
    pub left: f32,
    pub top: f32,
    pub scale: f32,
    pub width: u32,
    pub height: u32,
}

impl MapWindow {
    /// The whole plan at one frame pixel per plan pixel.
    pub fn whole(plan: &MapPlan) -> Self {
        Self {
            left: 0.0,
            top: 0.0,
            scale: 1.0,
            width: plan.width,
            height: plan.height,
        }
    }

    /// A plan rectangle's pixels in the frame (left, top, right, bottom), at least one pixel
    /// wide and high, or `None` off the frame.
    fn frame_rect(&self, left: u32, top: u32, right: u32, bottom: u32) -> Option<[usize; 4]> {
        let to_frame = |value: u32, origin: f32| ((value as f32 - origin) * self.scale).floor();
        let (x0, y0) = (to_frame(left, self.left), to_frame(top, self.top));
        let x1 = to_frame(right, self.left).max(x0 + 1.0);
        let y1 = to_frame(bottom, self.top).max(y0 + 1.0);
        let clamp = |value: f32, limit: u32| value.clamp(0.0, limit as f32) as usize;
        let rect = [
            clamp(x0, self.width),
            clamp(y0, self.height),
            clamp(x1, self.width),
            clamp(y1, self.height),
        ];
        (rect[0] < rect[2] && rect[1] < rect[3]).then_some(rect)
    }
}

/// The map's background, and the blocks of subnets on it.
const GROUND: [u8; 4] = [0x12, 0x16, 0x1c, 0xff];
const BLOCK: [u8; 4] = [0x1e, 0x24, 0x2e, 0xff];

/// Paints what a frame shows of a map: the subnets' blocks, then every cell in sight.
pub fn paint_view(plan: &MapPlan, shares: &MapShares, palette: &[[u8; 3]], window: &MapWindow) -> Vec<u8> {
    let mut pixels = GROUND.repeat((window.width * window.height) as usize);
    for &[left, top, right, bottom] in &plan.blocks {
        if let Some(rect) = window.frame_rect(left, top, right, bottom) {
            fill(&mut pixels, window.width, rect, BLOCK);
        }
    }
    let (right, bottom) = (
        window.left + window.width as f32 / window.scale,
        window.top + window.height as f32 / window.scale,
    );
    for cell in plan.cells_meeting(window.left, window.top, right, bottom) {
        paint_cell(plan, shares, palette, window, cell, &mut pixels);
    }
    pixels
}

/// Repaints one cell of a painted frame (its states changed).
pub fn paint_cell(
    plan: &MapPlan,
    shares: &MapShares,
    palette: &[[u8; 3]],
    window: &MapWindow,
    cell: u32,
    pixels: &mut [u8],
) {
    let (x, y) = plan.cells[cell as usize];
    let inner = plan.cell.saturating_sub(1).max(1);
    let Some(rect) = window.frame_rect(x, y, x + inner, y + inner) else {
        return;
    };
    let counts = shares.of(cell);
    let mut colours = counts.iter().zip(palette).filter(|(count, _)| **count > 0);
    match (colours.next(), colours.next()) {
        (Some((_, &[r, g, b])), None) => fill(pixels, window.width, rect, [r, g, b, 0xff]),
        (Some(_), Some(_)) => paint_waffle(pixels, window.width, rect, counts, palette),
        _ => {}
    }
}

/// A cell of machines in several states: its pixels shared out in proportion (every state
/// present gets at least one), filled row by row in the palette's order.
fn paint_waffle(pixels: &mut [u8], stride: u32, [x0, y0, x1, y1]: [usize; 4], counts: &[u16], palette: &[[u8; 3]]) {
    let area = (x1 - x0) * (y1 - y0);
    let shares = share_out(area, &counts[..palette.len()]);
    let mut states = shares
        .iter()
        .zip(palette)
        .flat_map(|(&n, colour)| std::iter::repeat_n(colour, n));
    for y in y0..y1 {
        for x in x0..x1 {
            let Some(&[r, g, b]) = states.next() else { return };
            let at = (y * stride as usize + x) * 4;
            pixels[at..at + 4].copy_from_slice(&[r, g, b, 0xff]);
        }
    }
}

/// Shares `area` pixels out among counts: one to each count above zero (while they last),
/// the rest in proportion, remainders to the largest fractions (the earlier on a tie).
fn share_out(area: usize, counts: &[u16]) -> Vec<usize> {
    let total: usize = counts.iter().map(|&count| count as usize).sum();
    let mut shares = vec![0; counts.len()];
    if total == 0 {
        return shares;
    }
    let mut left = area;
    for (share, &count) in shares.iter_mut().zip(counts) {
        if count > 0 && left > 0 {
            *share = 1;
            left -= 1;
        }
    }
    let rest = left;
    let mut fractions = Vec::with_capacity(counts.len());
    for (index, (share, &count)) in shares.iter_mut().zip(counts).enumerate() {
        let exact = rest * count as usize;
        *share += exact / total;
        left -= exact / total;
        fractions.push((exact % total, index));
    }
    fractions.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, index) in fractions.iter().take(left) {
        shares[index] += 1;
    }
    shares
}

fn fill(pixels: &mut [u8], stride: u32, [x0, y0, x1, y1]: [usize; 4], colour: [u8; 4]) {
    for y in y0..y1 {
        let row = y * stride as usize;
        for pixel in pixels[(row + x0) * 4..(row + x1) * 4].chunks_exact_mut(4) {
            pixel.copy_from_slice(&colour);
        }
    }
}

/// Paints a whole plan at one pixel per pixel from every machine's state (by machine id, as
/// indices of a palette).
pub fn paint_map(plan: &MapPlan, palette: &[[u8; 3]], states: impl Fn(HostId) -> u8) -> Vec<u8> {
    paint_view(plan, &MapShares::count(plan, states), palette, &MapWindow::whole(plan))
}

/// The machine whose cell holds a point of the map, if any (on a map of shared cells, the
/// first machine of the cell).
pub fn machine_at(plan: &MapPlan, x: f32, y: f32) -> Option<HostId> {
    plan.cell_at(x, y)
        .and_then(|cell| plan.machines_in(cell).first().copied())
}

/// The map's colour for a machine's true stage (the replay viewer's ground-truth view).
pub fn stage_colour(stage: Stage) -> [u8; 3] {
    match stage {
        Stage::Clean => [0x3a, 0x44, 0x50],
        Stage::Infecting => [0x90, 0x80, 0x30],
        Stage::Compromised => [0xf0, 0xc0, 0x20],
        Stage::Armed => [0xf0, 0x70, 0x10],
        Stage::Defaced => [0xe0, 0x18, 0x18],
        Stage::Wiping => [0x90, 0x10, 0x10],
        Stage::Wiped => [0xf0, 0xf0, 0xf0],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixels_are_shared_out_in_proportion_and_no_state_present_is_lost() {
        assert_eq!(share_out(25, &[99, 1, 0]), vec![24, 1, 0]);
        assert_eq!(share_out(25, &[50, 50, 0]), vec![13, 12, 0]);
        assert_eq!(share_out(25, &[0, 0, 7]), vec![0, 0, 25]);
        assert_eq!(share_out(2, &[5, 1, 1]), vec![1, 1, 0], "more states than pixels");
        for counts in [[3u16, 9, 1, 0], [1, 1, 1, 1], [60000, 1, 0, 2]] {
            assert_eq!(share_out(25, &counts).iter().sum::<usize>(), 25);
        }
    }
}
