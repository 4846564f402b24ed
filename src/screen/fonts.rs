//! The page's fonts: DejaVu Sans (regular and bold) and DejaVu Sans Mono, bundled in the
//! binary, parsed once. Measuring and drawing both use these.

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
                regular: parse(dejavu::sans::regular()),
                bold: parse(dejavu::sans::bold()),
                mono: parse(dejavu::sans_mono::regular()),
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

    /// The bytes of a face, for a back end that parses fonts itself.
    pub fn bytes(face: Face) -> &'static [u8] {
        match face {
            Face::Regular => dejavu::sans::regular(),
            Face::Bold => dejavu::sans::bold(),
            Face::Mono => dejavu::sans_mono::regular(),
        }
    }
}
