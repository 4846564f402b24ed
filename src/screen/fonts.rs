//! The page's fonts: DejaVu Sans (regular and bold) and DejaVu Sans Mono, an openly licensed
//! family kept in `assets/fonts/` (with its licence), built into the binary and parsed once.
//! Measuring and drawing both use these; the window loads the same files from `assets/`.

use std::sync::OnceLock;

use fontdue::{Font, FontSettings};

/// A typeface of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    Regular,
    Bold,
    Mono,
}

/// The fonts, parsed.
pub struct Fonts {
    regular: Font,
    bold: Font,
    mono: Font,
}

impl Fonts {
    /// The bundled fonts, parsed on first use.
    pub fn get() -> &'static Fonts {
        static FONTS: OnceLock<Fonts> = OnceLock::new();
        FONTS.get_or_init(|| {
            let parse = |bytes: &'static [u8]| {
                Font::from_bytes(bytes, FontSettings::default()).unwrap_or_else(|error| {
                    // The bytes are compiled in: a failure here is a broken build, not bad input.
                    panic!("the bundled DejaVu font does not parse: {error}")
                })
            };
            Fonts {
                regular: parse(Self::bytes(Face::Regular)),
                bold: parse(Self::bytes(Face::Bold)),
                mono: parse(Self::bytes(Face::Mono)),
            }
        })
    }

    /// The font of a face.
    pub fn font(&self, face: Face) -> &Font {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
            Face::Mono => &self.mono,
        }
    }

    /// Width in pixels of a line of text at a size, kerning included.
    pub fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let font = self.font(face);
        let mut width = 0.0;
        let mut previous = None;
        for character in text.chars() {
            if let Some(left) = previous {
                width += font.horizontal_kern(left, character, size).unwrap_or(0.0);
            }
            width += font.metrics(character, size).advance_width;
            previous = Some(character);
        }
        width
    }

    /// The bytes of a face as built into the binary.
    pub fn bytes(face: Face) -> &'static [u8] {
        match face {
            Face::Regular => include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
            Face::Bold => include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf"),
            Face::Mono => include_bytes!("../../assets/fonts/DejaVuSansMono.ttf"),
        }
    }

    /// Where a face's file is in `assets/`, for a back end that loads assets itself.
    pub fn asset_path(face: Face) -> &'static str {
        match face {
            Face::Regular => "fonts/DejaVuSans.ttf",
            Face::Bold => "fonts/DejaVuSans-Bold.ttf",
            Face::Mono => "fonts/DejaVuSansMono.ttf",
        }
    }
}
