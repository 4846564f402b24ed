//! redscreen's own skeleton: a grinning skull over a ribcage, arms raised with long fingers,
//! drawn from simple shapes in a unit box (1 wide, 1.1 high). In the spirit of the 2014 page,
//! drawn for this project; both back ends rasterise these same shapes.

/// A shape of the drawing, in unit coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    /// The drawing's colour.
    Ink,
    /// The page's background: holes such as eye sockets.
    Hole,
}

/// The skeleton, back to front.
pub fn skeleton() -> Vec<(Shape, Paint)> {
    use Paint::*;
    use Shape::*;
    // Spine and pelvis.
    let mut shapes = vec![
        (
            Bone {
                from: (0.5, 0.42),
                to: (0.5, 0.92),
                width: 0.035,
            },
            Ink,
        ),
        (
            Oval {
                x: 0.5,
                y: 0.95,
                rx: 0.14,
                ry: 0.065,
            },
            Ink,
        ),
        (
            Oval {
                x: 0.44,
                y: 0.96,
                rx: 0.035,
                ry: 0.028,
            },
            Hole,
        ),
        (
            Oval {
                x: 0.56,
                y: 0.96,
                rx: 0.035,
                ry: 0.028,
            },
            Hole,
        ),
    ];
    // Ribs: five pairs curving out and down from the spine.
    for rib in 0..5 {
        let y = 0.5 + rib as f32 * 0.075;
        let reach = 0.2 - rib as f32 * 0.018;
        let width = 0.022;
        shapes.push((
            Curve {
                from: (0.5, y),
                control: (0.5 - reach * 1.2, y - 0.05),
                to: (0.5 - reach, y + 0.05),
                width,
            },
            Ink,
        ));
        shapes.push((
            Curve {
                from: (0.5, y),
                control: (0.5 + reach * 1.2, y - 0.05),
                to: (0.5 + reach, y + 0.05),
                width,
            },
            Ink,
        ));
    }
    // Collarbones, then arms raised on both sides with long, spread fingers.
    for side in [-1.0f32, 1.0] {
        let x = |offset: f32| 0.5 + side * offset;
        shapes.push((
            Bone {
                from: (0.5, 0.45),
                to: (x(0.17), 0.43),
                width: 0.03,
            },
            Ink,
        ));
        shapes.push((
            Bone {
                from: (x(0.17), 0.43),
                to: (x(0.33), 0.3),
                width: 0.032,
            },
            Ink,
        ));
        shapes.push((
            Bone {
                from: (x(0.33), 0.3),
                to: (x(0.4), 0.1),
                width: 0.026,
            },
            Ink,
        ));
        shapes.push((
            Oval {
                x: x(0.4),
                y: 0.09,
                rx: 0.03,
                ry: 0.025,
            },
            Ink,
        ));
        for finger in 0..4 {
            let spread = finger as f32 * 0.035 - 0.05;
            let tip = (x(0.4 + spread * 1.4 + 0.02), 0.0 + (finger as f32 - 1.5).abs() * 0.02);
            shapes.push((
                Curve {
                    from: (x(0.4), 0.09),
                    control: (x(0.42 + spread), 0.04),
                    to: tip,
                    width: 0.012,
                },
                Ink,
            ));
        }
    }
    // The skull: cranium and jaw, then the holes: eyes, nose, and the gaps between teeth.
    shapes.push((
        Oval {
            x: 0.5,
            y: 0.2,
            rx: 0.14,
            ry: 0.15,
        },
        Ink,
    ));
    shapes.push((
        Block {
            x: 0.395,
            y: 0.26,
            width: 0.21,
            height: 0.11,
        },
        Ink,
    ));
    shapes.push((
        Oval {
            x: 0.5,
            y: 0.37,
            rx: 0.105,
            ry: 0.04,
        },
        Ink,
    ));
    shapes.push((
        Oval {
            x: 0.445,
            y: 0.2,
            rx: 0.045,
            ry: 0.05,
        },
        Hole,
    ));
    shapes.push((
        Oval {
            x: 0.555,
            y: 0.2,
            rx: 0.045,
            ry: 0.05,
        },
        Hole,
    ));
    shapes.push((
        Triangle {
            points: [(0.5, 0.245), (0.48, 0.29), (0.52, 0.29)],
        },
        Hole,
    ));
    shapes.push((
        Block {
            x: 0.41,
            y: 0.32,
            width: 0.18,
            height: 0.008,
        },
        Hole,
    ));
    for tooth in 0..8 {
        let x = 0.415 + tooth as f32 * 0.024;
        shapes.push((
            Block {
                x,
                y: 0.3,
                width: 0.005,
                height: 0.05,
            },
            Hole,
        ));
    }
    shapes
}
