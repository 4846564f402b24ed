//! `screen`: the warning page the wiper shows, and what a wiped machine shows after reboot.

use serde::Deserialize;

/// The warning page the wiper shows, and what a wiped machine shows after reboot.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Screen {
    pub headline: String,
    /// Paragraphs of the message.
    pub body: Vec<String>,
    #[serde(default)]
    pub deadline: Option<String>,
    #[serde(default)]
    pub links: Vec<String>,
    pub colours: Colours,
    #[serde(default)]
    pub image: Image,
    #[serde(default)]
    pub animation: Animation,
    /// A sound file beside the scenario, played when the page appears.
    #[serde(default)]
    pub sound: Option<String>,
    /// The text a wiped machine shows when it tries to boot.
    pub after_wipe: String,
}

/// Colours of the warning page, as `#rrggbb`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Colours {
    pub background: String,
    pub headline: String,
    pub text: String,
    pub accent: String,
}

/// The picture on the warning page.
#[derive(Debug, Clone, Default, Deserialize)]
pub enum Image {
    /// No picture.
    None,
    /// redscreen's own red skeleton, drawn from code.
    #[default]
    Skeleton,
    /// A PNG beside the scenario file; the path may not leave its folder.
    File(String),
}

/// How the page appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum Animation {
    #[default]
    Still,
    Flicker,
    Reveal,
}
