//! Vector art for the pages: shapes in a unit box (1 wide, 1.1 high), read from a RON file.
//! redscreen's own skeleton lives in `assets/art/skeleton.ron`: the CPU renderer embeds it
//! when redscreen is built, and the window loads the same file through Bevy's asset server.

use std::sync::OnceLock;

/// A shape of the drawing, in unit coordinates.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
pub enum Shape {
    /// A filled ellipse.
    Oval { x: f32, y: f32, rx: f32, ry: f32 },
    /// A stroked line with round ends.
    Bone {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
    },
    /// A stroked curve through a control point.
    Curve {
        from: (f32, f32),
        control: (f32, f32),
        to: (f32, f32),
        width: f32,
    },
    /// A filled triangle.
    Triangle { points: [(f32, f32); 3] },
    /// A filled rectangle.
    Block { x: f32, y: f32, width: f32, height: f32 },
}

/// What a shape is painted with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub enum Paint {
    /// The drawing's colour.
    Ink,
    /// The page's background: holes such as eye sockets.
    Hole,
}

/// A drawing: shapes, back to front, each in ink or in the background's colour.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(transparent)]
pub struct Art(pub Vec<(Shape, Paint)>);

impl Art {
    /// Reads a drawing from RON text (see `assets/art/skeleton.ron` for the form).
    pub fn parse(text: &str) -> Result<Art, String> {
        ron::from_str(text).map_err(|error| error.to_string())
    }

    /// redscreen's own skeleton, as built into the binary.
    pub fn skeleton() -> &'static Art {
        static SKELETON: OnceLock<Art> = OnceLock::new();
        SKELETON.get_or_init(|| {
            // The file is compiled in and a test reads it: a failure here is a broken build.
            Art::parse(SKELETON_SOURCE)
                .unwrap_or_else(|error| panic!("assets/art/skeleton.ron does not parse: {error}"))
        })
    }
}

/// The skeleton's source, as built into the binary.
pub const SKELETON_SOURCE: &str = include_str!("../../assets/art/skeleton.ron");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_skeleton_file_parses_into_ink_and_holes_inside_its_box() {
        let art = Art::parse(SKELETON_SOURCE).expect("the embedded skeleton parses");
        assert!(art.0.len() > 30);
        assert!(art.0.iter().any(|(_, paint)| *paint == Paint::Hole));
        let inside = |(x, y): (f32, f32)| (0.0..=1.0).contains(&x) && (0.0..=1.1).contains(&y);
        for (shape, _) in &art.0 {
            let points = match *shape {
                Shape::Oval { x, y, .. } | Shape::Block { x, y, .. } => vec![(x, y)],
                Shape::Bone { from, to, .. } => vec![from, to],
                Shape::Curve { from, control, to, .. } => vec![from, control, to],
                Shape::Triangle { points } => points.to_vec(),
            };
            assert!(points.into_iter().all(inside), "{shape:?} leaves the box");
        }
    }

    #[test]
    fn a_broken_drawing_says_where() {
        let error = Art::parse("[(Oval(x: 0.5), Ink)]").expect_err("a field is missing");
        assert!(error.contains("1:"), "{error}");
    }
}
