//! The CPU back end: draws a layout into pixels with tiny-skia (shapes) and fontdue (glyphs),
//! and writes PNG. Needs no GPU.

use std::collections::HashMap;
use std::path::Path;

use tiny_skia::{FillRule, LineCap, Paint as SkiaPaint, PathBuilder, Pixmap, PixmapPaint, Rect, Stroke, Transform};

use crate::scenario::model::Rgb;

use super::art::{Art, Paint, Shape};
use super::fonts::{Face, Fonts};
use super::layout::{Item, Layout, Picture};

/// Why a screen could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the screen size {width}x{height} is not drawable (from 64x48 to 7680x4320)")]
    Size { width: u32, height: u32 },
    #[error("cannot read the page's image {}: {reason}", path.display())]
    Image { path: std::path::PathBuf, reason: String },
    #[error("cannot encode the PNG: {0}")]
    Encode(String),
}

fn paint(colour: Rgb, opacity: f32) -> SkiaPaint<'static> {
    let mut paint = SkiaPaint::default();
    let [r, g, b] = colour.0;
    paint.set_color_rgba8(r, g, b, (opacity.clamp(0.0, 1.0) * 255.0) as u8);
    paint.anti_alias = true;
    paint
}

/// Draws a layout at one frame of its animation (the last frame shows the whole page).
pub fn draw(layout: &Layout, frame: usize) -> Result<Pixmap, RenderError> {
    let (width, height) = (layout.width, layout.height);
    if !(64..=7680).contains(&width) || !(48..=4320).contains(&height) {
        return Err(RenderError::Size { width, height });
    }
    let mut pixmap = Pixmap::new(width, height).ok_or(RenderError::Size { width, height })?;
    let [r, g, b] = layout.background.0;
    pixmap.fill(tiny_skia::Color::from_rgba8(r, g, b, 255));
    let mut glyphs = GlyphCache::default();
    for item in &layout.items {
        let opacity = layout.opacity(item.part(), frame);
        if opacity <= 0.0 {
            continue;
        }
        match item {
            Item::Rule {
                x,
                y,
                width,
                height,
                colour,
                ..
            } => {
                if let Some(rect) = Rect::from_xywh(*x, *y, *width, *height) {
                    pixmap.fill_rect(rect, &paint(*colour, opacity), Transform::identity(), None);
                }
            }
            Item::Text {
                x,
                y,
                size,
                face,
                colour,
                text,
                ..
            } => {
                glyphs.draw(&mut pixmap, *face, *size, *x, *y, text, *colour, opacity);
            }
            Item::Picture {
                x,
                y,
                width,
                height,
                picture,
                colour,
                ..
            } => {
                let Some(frame_box) = Rect::from_xywh(*x, *y, *width, *height) else {
                    continue;
                };
                match picture {
                    Picture::Skeleton => draw_art(
                        &mut pixmap,
                        Art::skeleton(),
                        frame_box,
                        *colour,
                        layout.background,
                        opacity,
                    ),
                    Picture::File(path) => draw_file(&mut pixmap, path, frame_box, opacity)?,
                }
            }
        }
    }
    Ok(pixmap)
}

/// Draws a layout and encodes it as PNG.
pub fn png(layout: &Layout, frame: usize) -> Result<Vec<u8>, RenderError> {
    draw(layout, frame)?
        .encode_png()
        .map_err(|error| RenderError::Encode(error.to_string()))
}

/// A picture alone, drawn into RGBA pixels of a box's size on the page's background, for a
/// back end that places images itself (the Bevy window).
pub fn picture_pixels(
    picture: &Picture,
    art: &Art,
    width: u32,
    height: u32,
    colour: Rgb,
    background: Rgb,
) -> Result<Vec<u8>, RenderError> {
    let mut pixmap = Pixmap::new(width.max(1), height.max(1)).ok_or(RenderError::Size { width, height })?;
    let [r, g, b] = background.0;
    pixmap.fill(tiny_skia::Color::from_rgba8(r, g, b, 255));
    let whole = Rect::from_xywh(0.0, 0.0, width.max(1) as f32, height.max(1) as f32)
        .ok_or(RenderError::Size { width, height })?;
    match picture {
        Picture::Skeleton => draw_art(&mut pixmap, art, whole, colour, background, 1.0),
        Picture::File(path) => draw_file(&mut pixmap, path, whole, 1.0)?,
    }
    Ok(pixmap.take())
}

fn draw_art(pixmap: &mut Pixmap, art: &Art, frame_box: Rect, ink: Rgb, hole: Rgb, opacity: f32) {
    // The drawing's unit box is 1 wide and 1.1 high.
    let (x, y, width, height) = (frame_box.x(), frame_box.y(), frame_box.width(), frame_box.height());
    let scale = width.min(height / 1.1);
    let (left, top) = (x + (width - scale) / 2.0, y + (height - scale * 1.1) / 2.0);
    let point = |(px, py): (f32, f32)| (left + px * scale, top + py * scale);
    for &(shape, shape_paint) in &art.0 {
        let colour = match shape_paint {
            Paint::Ink => paint(ink, opacity),
            Paint::Hole => paint(hole, 1.0),
        };
        let mut builder = PathBuilder::new();
        let stroke_width = match shape {
            Shape::Oval { x, y, rx, ry } => {
                let (cx, cy) = point((x, y));
                if let Some(rect) =
                    Rect::from_xywh(cx - rx * scale, cy - ry * scale, 2.0 * rx * scale, 2.0 * ry * scale)
                {
                    builder.push_oval(rect);
                }
                None
            }
            Shape::Bone { from, to, width } => {
                let (a, b) = (point(from), point(to));
                builder.move_to(a.0, a.1);
                builder.line_to(b.0, b.1);
                Some(width)
            }
            Shape::Curve {
                from,
                control,
                to,
                width,
            } => {
                let (a, c, b) = (point(from), point(control), point(to));
                builder.move_to(a.0, a.1);
                builder.quad_to(c.0, c.1, b.0, b.1);
                Some(width)
            }
            Shape::Triangle { points } => {
                let [a, b, c] = points.map(point);
                builder.move_to(a.0, a.1);
                builder.line_to(b.0, b.1);
                builder.line_to(c.0, c.1);
                builder.close();
                None
            }
            Shape::Block { x, y, width, height } => {
                let (px, py) = point((x, y));
                if let Some(rect) = Rect::from_xywh(px, py, width * scale, height * scale) {
                    builder.push_rect(rect);
                }
                None
            }
        };
        let Some(path) = builder.finish() else { continue };
        match stroke_width {
            None => pixmap.fill_path(&path, &colour, FillRule::Winding, Transform::identity(), None),
            Some(width) => {
                let stroke = Stroke {
                    width: width * scale,
                    line_cap: LineCap::Round,
                    ..Stroke::default()
                };
                pixmap.stroke_path(&path, &colour, &stroke, Transform::identity(), None);
            }
        }
    }
}

fn draw_file(pixmap: &mut Pixmap, path: &Path, frame_box: Rect, opacity: f32) -> Result<(), RenderError> {
    let (x, y, width, height) = (frame_box.x(), frame_box.y(), frame_box.width(), frame_box.height());
    let image = Pixmap::load_png(path).map_err(|error| RenderError::Image {
        path: path.to_path_buf(),
        reason: error.to_string(),
    })?;
    // Fit the image in its box, keeping its proportions.
    let scale = (width / image.width() as f32).min(height / image.height() as f32);
    let (drawn_width, drawn_height) = (image.width() as f32 * scale, image.height() as f32 * scale);
    let transform = Transform::from_scale(scale, scale)
        .post_translate(x + (width - drawn_width) / 2.0, y + (height - drawn_height) / 2.0);
    let paint = PixmapPaint {
        opacity,
        ..PixmapPaint::default()
    };
    pixmap.draw_pixmap(0, 0, image.as_ref(), &paint, transform, None);
    Ok(())
}

/// Rasterised glyphs, kept for the length of one drawing.
#[derive(Default)]
struct GlyphCache {
    glyphs: HashMap<(Face, u32, char), (fontdue::Metrics, Vec<u8>)>,
}

impl GlyphCache {
    #[expect(clippy::too_many_arguments, reason = "a line of text has all these properties")]
    fn draw(
        &mut self,
        pixmap: &mut Pixmap,
        face: Face,
        size: f32,
        x: f32,
        baseline: f32,
        text: &str,
        colour: Rgb,
        opacity: f32,
    ) {
        let fonts = Fonts::get();
        let font = fonts.font(face);
        let (width, height) = (pixmap.width() as i64, pixmap.height() as i64);
        let pixels = pixmap.data_mut();
        let mut pen = x;
        let mut previous = None;
        for character in text.chars() {
            if let Some(left) = previous {
                pen += font.horizontal_kern(left, character, size).unwrap_or(0.0);
            }
            previous = Some(character);
            let (metrics, coverage) = self
                .glyphs
                .entry((face, size.to_bits(), character))
                .or_insert_with(|| font.rasterize(character, size));
            let left = (pen + metrics.xmin as f32).round() as i64;
            let top = (baseline - metrics.height as f32 - metrics.ymin as f32).round() as i64;
            for row in 0..metrics.height as i64 {
                for column in 0..metrics.width as i64 {
                    let (px, py) = (left + column, top + row);
                    if px < 0 || py < 0 || px >= width || py >= height {
                        continue;
                    }
                    let alpha = coverage[(row * metrics.width as i64 + column) as usize] as f32 / 255.0 * opacity;
                    if alpha <= 0.0 {
                        continue;
                    }
                    // The page is opaque: blend straight onto it.
                    let at = ((py * width + px) * 4) as usize;
                    for (channel, value) in colour.0.iter().enumerate() {
                        let under = pixels[at + channel] as f32;
                        pixels[at + channel] = (under + (*value as f32 - under) * alpha).round() as u8;
                    }
                }
            }
            pen += metrics.advance_width;
        }
    }
}
