//! The company as a map: offices side by side, subnets stacked in them, every machine a cell
//! painted in the colour of its state, on the CPU (the window shows it as a texture; the
//! report as an image).

use crate::scenario::model::{HostId, Scenario};
use crate::sim::Stage;

/// Where each machine's cell is on the map: offices side by side, subnets stacked in them.
pub struct MapPlan {
    pub width: u32,
    pub height: u32,
    pub cell: u32,
    /// Top-left pixel of each machine's cell.
    pub cells: Vec<(u32, u32)>,
    /// Each office's name and the pixel its label goes at.
    pub labels: Vec<(String, u32, u32)>,
    /// Each subnet's block: left, top, right and bottom pixels around its cells.
    pub blocks: Vec<[u32; 4]>,
}

/// Rows above the cells, for the offices' names.
const LABEL_ROWS: u32 = 42;

/// Lays the map out in `width` × `height` pixels, with the largest cells that fit.
pub fn plan_map(scenario: &Scenario, width: u32, height: u32) -> MapPlan {
    (2..=40)
        .rev()
        .map(|cell| plan_with_cells(scenario, width, height, cell))
        .find(|plan| plan.cells.iter().all(|&(_, y)| y + plan.cell <= height))
        .unwrap_or_else(|| plan_with_cells(scenario, width, height, 2))
}

/// Offices side by side, each with columns in proportion to its machines; subnets stacked.
fn plan_with_cells(scenario: &Scenario, width: u32, height: u32, cell: u32) -> MapPlan {
    let hosts = scenario.hosts.len().max(1) as f32;
    let columns_total = (width / cell).max(1);
    let mut cells = vec![(0, 0); scenario.hosts.len()];
    let mut labels = Vec::new();
    let mut left = 0u32;
    let mut by_office: Vec<Vec<usize>> = vec![Vec::new(); scenario.offices.len()];
    for (host, machine) in scenario.hosts.iter().enumerate() {
        by_office[machine.office.index()].push(host);
    }
    for (office_index, (office, office_hosts)) in scenario.offices.iter().zip(&by_office).enumerate() {
        let columns = ((office_hosts.len() as f32 / hosts) * columns_total as f32)
            .floor()
            .max(3.0) as u32;
        // Neighbouring offices' names alternate between two lines so that they never overlap.
        // A name near the right edge is moved left to stay whole (it carries a time too).
        let label_width = (office.name.chars().count() as u32 + 6) * 9;
        labels.push((
            office.name.clone(),
            (left * cell).min(width.saturating_sub(label_width)),
            if office_index % 2 == 0 { 2 } else { 20 },
        ));
        let mut row = 0u32;
        for &subnet in &office.subnets {
            let mut column = 0u32;
            let mut placed = false;
            for &host in office_hosts
                .iter()
                .filter(|&&host| scenario.hosts[host].subnet == subnet)
            {
                cells[host] = ((left + column) * cell, LABEL_ROWS + row * cell);
                placed = true;
                column += 1;
                if column + 1 >= columns {
                    column = 0;
                    row += 1;
                }
            }
            // A blank row between subnets.
            if placed {
                row += if column == 0 { 1 } else { 2 };
            }
        }
        left += columns;
    }
    // Each subnet's cells sit on a block of their own, a pixel wider all round.
    let mut blocks = vec![[u32::MAX, u32::MAX, 0, 0]; scenario.subnets.len()];
    for (machine, &(x, y)) in scenario.hosts.iter().zip(&cells) {
        let block = &mut blocks[machine.subnet.index()];
        *block = [
            block[0].min(x.saturating_sub(1)),
            block[1].min(y.saturating_sub(1)),
            block[2].max(x + cell),
            block[3].max(y + cell),
        ];
    }
    blocks.retain(|block| block[0] != u32::MAX);
    MapPlan {
        width,
        height,
        cell,
        cells,
        labels,
        blocks,
    }
}

/// The map's background, and the blocks of subnets on it.
const GROUND: [u8; 4] = [0x12, 0x16, 0x1c, 0xff];
const BLOCK: [u8; 4] = [0x1e, 0x24, 0x2e, 0xff];

/// Paints the map: the subnets' blocks, then every machine's cell in its colour.
pub fn paint_map(plan: &MapPlan, colours: impl Iterator<Item = [u8; 3]>) -> Vec<u8> {
    let mut pixels = GROUND.repeat((plan.width * plan.height) as usize);
    for &[left, top, right, bottom] in &plan.blocks {
        for y in top..bottom.min(plan.height) {
            let row = (y * plan.width) as usize;
            for x in left..right.min(plan.width) {
                pixels[(row + x as usize) * 4..][..4].copy_from_slice(&BLOCK);
            }
        }
    }
    let inner = plan.cell.saturating_sub(1).max(1);
    for (&(x, y), [r, g, b]) in plan.cells.iter().zip(colours) {
        for py in y..(y + inner).min(plan.height) {
            let row = (py * plan.width) as usize;
            for px in x..(x + inner).min(plan.width) {
                let at = (row + px as usize) * 4;
                pixels[at..at + 4].copy_from_slice(&[r, g, b, 0xff]);
            }
        }
    }
    pixels
}

/// The machine whose cell holds a point of the map, if any.
pub fn machine_at(plan: &MapPlan, x: f32, y: f32) -> Option<HostId> {
    if x < 0.0 || y < 0.0 {
        return None;
    }
    let (x, y) = (x as u32, y as u32);
    plan.cells
        .iter()
        .position(|&(left, top)| (left..left + plan.cell).contains(&x) && (top..top + plan.cell).contains(&y))
        .map(|index| HostId(index as u32))
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
