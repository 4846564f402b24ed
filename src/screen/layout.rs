//! The warning page as one layout: every rectangle, line of text and picture with its place,
//! size and colour, computed once from the scenario's `screen` section for a screen size.
//! The back ends only draw what this decides; line breaks, sizes and positions are made here.

use std::path::PathBuf;

use crate::scenario::model::{Animation, Image, Rgb, Screen};

use super::fonts::{Face, Fonts};

/// Parts of the page, in the order a slow reveal shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    Headline,
    Picture,
    Body,
    Deadline,
    Links,
}

/// What a picture is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picture {
    /// redscreen's own skeleton, drawn from vector shapes.
    Skeleton,
    /// An image file beside the scenario.
    File(PathBuf),
}

/// One thing to draw.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A filled rectangle.
    Rule {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        colour: Rgb,
        part: Part,
    },
    /// One line of text; `y` is its baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        face: Face,
        colour: Rgb,
        text: String,
        part: Part,
    },
    /// A picture in a box, in a colour (the skeleton is drawn in it).
    Picture {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        picture: Picture,
        colour: Rgb,
        part: Part,
    },
}

impl Item {
    /// The part of the page the item belongs to.
    pub fn part(&self) -> Part {
        match self {
            Item::Rule { part, .. } | Item::Text { part, .. } | Item::Picture { part, .. } => *part,
        }
    }
}

/// A laid-out screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: u32,
    pub height: u32,
    pub background: Rgb,
    pub items: Vec<Item>,
    pub animation: Animation,
}

/// Frames of an animated page.
pub const FRAMES: usize = 5;

impl Layout {
    /// How visible a part is in a frame of the animation (the last frame shows everything).
    pub fn opacity(&self, part: Part, frame: usize) -> f32 {
        let frame = frame.min(FRAMES - 1);
        match self.animation {
            Animation::Still => 1.0,
            // The whole page stutters on and off before it settles.
            Animation::Flicker => [1.0, 0.15, 0.8, 0.0, 1.0][frame],
            // One more part each frame, headline first.
            Animation::Reveal => {
                if (part as usize) <= frame {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }
}

/// Breaks text into lines no wider than `width`, at spaces (a word too long is cut).
pub fn wrap(fonts: &Fonts, face: Face, size: f32, text: &str, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if fonts.width(face, size, &candidate) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A single word wider than the line is cut where it no longer fits.
        let mut piece = String::new();
        for character in word.chars() {
            piece.push(character);
            if fonts.width(face, size, &piece) > width && piece.chars().count() > 1 {
                piece.pop();
                lines.push(std::mem::take(&mut piece));
                piece.push(character);
            }
        }
        line = piece;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Lays out the warning page for a screen of `width` × `height` pixels.
pub fn warning_page(screen: &Screen, width: u32, height: u32) -> Layout {
    let fonts = Fonts::get();
    let (w, h) = (width as f32, height as f32);
    // Try the page at full scale, then smaller, until everything fits on the screen.
    let mut scale = 1.0;
    loop {
        if let Some(items) = try_layout(fonts, screen, w, h, scale) {
            return page(screen, width, height, items);
        }
        if scale < 0.35 {
            break;
        }
        scale *= 0.9;
    }
    // Still too much: keep what fits and say the rest was cut.
    page(screen, width, height, cut_to_fit(fonts, screen, w, h, scale))
}

fn page(screen: &Screen, width: u32, height: u32, items: Vec<Item>) -> Layout {
    Layout {
        width,
        height,
        background: screen.colours.background,
        items,
        animation: screen.animation,
    }
}

/// Sizes of the page at a scale, from the screen's height and width.
struct Metrics {
    margin: f32,
    text_width: f32,
    headline: f32,
    body: f32,
    links: f32,
    gap: f32,
}

fn metrics(w: f32, h: f32, scale: f32) -> Metrics {
    let unit = h.min(w * 0.75);
    Metrics {
        margin: (w * 0.06).max(8.0),
        text_width: w * 0.84,
        headline: unit * 0.085 * scale,
        body: (unit * 0.03 * scale).max(6.0),
        links: (unit * 0.024 * scale).max(5.0),
        gap: unit * 0.02 * scale,
    }
}

/// How a run of lines is set.
#[derive(Clone, Copy)]
struct Style {
    face: Face,
    size: f32,
    colour: Rgb,
    part: Part,
}

/// Lines of text centred on the screen, from `y` down; returns the items and the next `y`.
fn centred(fonts: &Fonts, style: Style, lines: &[String], w: f32, mut y: f32) -> (Vec<Item>, f32) {
    let Style {
        face,
        size,
        colour,
        part,
    } = style;
    let line_height = size * 1.3;
    let mut items = Vec::with_capacity(lines.len());
    for line in lines {
        y += line_height;
        let width = fonts.width(face, size, line);
        items.push(Item::Text {
            x: ((w - width) / 2.0).max(0.0),
            y: y - size * 0.3,
            size,
            face,
            colour,
            text: line.clone(),
            part,
        });
    }
    (items, y)
}

/// Text wrapped to `width` and centred, from `y` down; returns the items and the next `y`.
fn wrapped(fonts: &Fonts, style: Style, text: &str, width: f32, w: f32, y: f32) -> (Vec<Item>, f32) {
    let lines = wrap(fonts, style.face, style.size, text, width);
    centred(fonts, style, &lines, w, y)
}

/// The page at a scale, or `None` if it does not fit.
fn try_layout(fonts: &Fonts, screen: &Screen, w: f32, h: f32, scale: f32) -> Option<Vec<Item>> {
    let items = build(fonts, screen, w, h, scale).0;
    let bottom = items.iter().map(item_bottom).fold(0.0, f32::max);
    (bottom <= h).then_some(items)
}

fn item_bottom(item: &Item) -> f32 {
    match item {
        Item::Rule { y, height, .. } | Item::Picture { y, height, .. } => y + height,
        Item::Text { y, size, .. } => y + size * 0.3,
    }
}

/// At the smallest scale, the lines that fit, then a line saying the rest was cut.
fn cut_to_fit(fonts: &Fonts, screen: &Screen, w: f32, h: f32, scale: f32) -> Vec<Item> {
    let (mut items, _) = build(fonts, screen, w, h, scale);
    let size = metrics(w, h, scale).body;
    let limit = h - size * 1.6;
    items.retain(|item| item_bottom(item) <= limit);
    let (more, _) = centred(
        fonts,
        Style {
            face: Face::Regular,
            size,
            colour: screen.colours.accent,
            part: Part::Body,
        },
        &["[…]".to_string()],
        w,
        limit,
    );
    items.extend(more);
    items
}

/// Every item of the page at a scale, top to bottom.
fn build(fonts: &Fonts, screen: &Screen, w: f32, h: f32, scale: f32) -> (Vec<Item>, f32) {
    let m = metrics(w, h, scale);
    let colours = &screen.colours;
    let mut items = Vec::new();

    // The headline: as large as the width allows.
    let mut headline_size = m.headline;
    let headline_width = fonts.width(Face::Bold, headline_size, &screen.headline);
    if headline_width > m.text_width {
        headline_size *= m.text_width / headline_width;
    }
    let (lines, mut y) = wrapped(
        fonts,
        Style {
            face: Face::Bold,
            size: headline_size,
            colour: colours.headline,
            part: Part::Headline,
        },
        &screen.headline,
        m.text_width,
        w,
        m.margin * 0.5,
    );
    items.extend(lines);

    // The picture, between the headline and the text.
    let picture = match &screen.image {
        Image::None => None,
        Image::Skeleton => Some(Picture::Skeleton),
        Image::File(path) => Some(Picture::File(path.clone())),
    };
    if let Some(picture) = picture {
        let height = h * 0.36 * scale.max(0.5);
        let width = height * 0.9;
        y += m.gap;
        items.push(Item::Picture {
            x: (w - width) / 2.0,
            y,
            width,
            height,
            picture,
            colour: colours.headline,
            part: Part::Picture,
        });
        y += height;
    }

    // A rule, the message, the deadline, the links, a rule.
    y += m.gap;
    let rule = |y: f32| Item::Rule {
        x: m.margin,
        y,
        width: w - 2.0 * m.margin,
        height: (h * 0.003).max(1.0),
        colour: colours.accent,
        part: Part::Body,
    };
    items.push(rule(y));
    for paragraph in &screen.body {
        let (text, next) = wrapped(
            fonts,
            Style {
                face: Face::Regular,
                size: m.body,
                colour: colours.text,
                part: Part::Body,
            },
            paragraph,
            m.text_width,
            w,
            y,
        );
        items.extend(text);
        y = next + m.gap * 0.4;
    }
    if let Some(deadline) = &screen.deadline {
        let (text, next) = wrapped(
            fonts,
            Style {
                face: Face::Bold,
                size: m.body,
                colour: colours.headline,
                part: Part::Deadline,
            },
            deadline,
            m.text_width,
            w,
            y + m.gap * 0.5,
        );
        items.extend(text);
        y = next;
    }
    if !screen.links.is_empty() {
        y += m.gap * 0.5;
        for link in &screen.links {
            let (text, next) = wrapped(
                fonts,
                Style {
                    face: Face::Mono,
                    size: m.links,
                    colour: colours.text,
                    part: Part::Links,
                },
                link,
                m.text_width,
                w,
                y,
            );
            items.extend(text);
            y = next;
        }
    }
    y += m.gap;
    items.push(rule(y));
    (items, y)
}

/// A normal desktop: what a machine shows before the wiper fires.
pub fn desktop(host: &str, clock: &str, width: u32, height: u32) -> Layout {
    let fonts = Fonts::get();
    let (w, h) = (width as f32, height as f32);
    let unit = h.min(w * 0.75);
    let bar = (h * 0.05).max(12.0);
    let size = (unit * 0.025).max(6.0);
    let grey = Rgb([0xe8, 0xe8, 0xe8]);
    let mut items = vec![Item::Rule {
        x: 0.0,
        y: h - bar,
        width: w,
        height: bar,
        colour: Rgb([0x1c, 0x24, 0x30]),
        part: Part::Body,
    }];
    let clock_width = fonts.width(Face::Regular, size, clock);
    items.push(Item::Text {
        x: (w - clock_width - size).max(0.0),
        y: h - bar / 2.0 + size * 0.35,
        size,
        face: Face::Regular,
        colour: grey,
        text: clock.to_string(),
        part: Part::Body,
    });
    items.push(Item::Text {
        x: size,
        y: h - bar / 2.0 + size * 0.35,
        size,
        face: Face::Bold,
        colour: grey,
        text: host.to_string(),
        part: Part::Body,
    });
    Layout {
        width,
        height,
        background: Rgb([0x2d, 0x5a, 0x88]),
        items,
        animation: Animation::Still,
    }
}

/// The screen of a wiped machine: the firmware's message on black.
pub fn no_boot(message: &str, width: u32, height: u32) -> Layout {
    let fonts = Fonts::get();
    let (w, h) = (width as f32, height as f32);
    let size = (h.min(w * 0.75) * 0.03).max(6.0);
    let lines = wrap(fonts, Face::Mono, size, message, w - 2.0 * size);
    let items = lines
        .into_iter()
        .enumerate()
        .map(|(index, text)| Item::Text {
            x: size,
            y: size * 2.0 + index as f32 * size * 1.3,
            size,
            face: Face::Mono,
            colour: Rgb([0xc0, 0xc0, 0xc0]),
            text,
            part: Part::Body,
        })
        .collect();
    Layout {
        width,
        height,
        background: Rgb([0, 0, 0]),
        items,
        animation: Animation::Still,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_line_within_the_width() {
        let fonts = Fonts::get();
        let text = "Every file of your company is in our hands, the secret ones and the top secret ones too, and a Wordthatisfartoolongtofitonanylineatall.";
        for width in [60.0, 200.0, 800.0] {
            let lines = wrap(fonts, Face::Regular, 20.0, text, width);
            assert!(!lines.is_empty());
            for line in &lines {
                assert!(
                    fonts.width(Face::Regular, 20.0, line) <= width + 0.5,
                    "`{line}` wider than {width}"
                );
            }
            let joined: String = lines.concat().split_whitespace().collect();
            let original: String = text.split_whitespace().collect();
            assert_eq!(joined, original, "no text is lost");
        }
    }
}
