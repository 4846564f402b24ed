//! `screen`: the warning page, its colours and the files it names (which must stay inside the
//! scenario's folder).

use std::path::{Component, Path, PathBuf};

use crate::scenario::diagnostic::ProblemKind;
use crate::scenario::file as raw;
use crate::scenario::model::*;
use crate::scenario::source_map::{Step, Step::Field};
use crate::scenario::values::Rgb;

use super::*;

pub(super) fn resolve_screen(checker: &mut Checker, screen: &raw::Screen) -> Screen {
    let path = |field| [Field("screen"), Field(field)];
    if screen.headline.trim().is_empty() {
        checker.inconsistent(
            &path("headline"),
            "the warning page has no headline".to_string(),
            "empty",
            None,
        );
    }
    let mut colour = |field: &'static str, text: &str| {
        Rgb::parse(text).unwrap_or_else(|reason| {
            checker.invalid(
                &[Field("screen"), Field("colours"), Field(field)],
                "colour",
                text,
                reason,
            );
            Rgb([0, 0, 0])
        })
    };
    let colours = Colours {
        background: colour("background", &screen.colours.background),
        headline: colour("headline", &screen.colours.headline),
        text: colour("text", &screen.colours.text),
        accent: colour("accent", &screen.colours.accent),
    };
    let image = match &screen.image {
        raw::Image::None => Image::None,
        raw::Image::Skeleton => Image::Skeleton,
        raw::Image::File(file) => asset(checker, file, &path("image"))
            .filter(|found| is_png(checker, found, file, &path("image")))
            .map_or(Image::None, Image::File),
    };
    let sound = screen
        .sound
        .as_ref()
        .and_then(|file| asset(checker, file, &path("sound")));
    Screen {
        headline: screen.headline.clone(),
        body: screen.body.clone(),
        deadline: screen.deadline.clone(),
        links: screen.links.clone(),
        colours,
        image,
        animation: screen.animation,
        sound,
        after_wipe: screen.after_wipe.clone(),
    }
}

/// Whether an image file is a PNG (the page draws PNGs), reported where it is named if not:
/// found now rather than when the page is first drawn.
fn is_png(checker: &mut Checker, file: &Path, text: &str, path: &[Step]) -> bool {
    const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";
    let mut start = [0u8; 8];
    let read = std::fs::File::open(file).and_then(|mut opened| std::io::Read::read_exact(&mut opened, &mut start));
    if read.is_ok() && &start == SIGNATURE {
        return true;
    }
    checker.report(
        path,
        ProblemKind::AssetUnreadable {
            path: text.to_string(),
            reason: "it is not a PNG image".to_string(),
        },
        "not a PNG",
        Some("the warning page draws PNG images: save the picture as PNG".to_string()),
    );
    false
}

/// A file named by the scenario: it must stay inside the scenario's folder and be readable.
pub(super) fn asset(checker: &mut Checker, text: &str, path: &[Step]) -> Option<PathBuf> {
    let Some(folder) = checker.origin.folder.clone() else {
        checker.inconsistent(
            path,
            format!("the embedded scenario cannot name the file `{text}`"),
            "no folder to look in",
            Some("save the scenario to a file beside its assets".to_string()),
        );
        return None;
    };
    let outside = |checker: &mut Checker| {
        checker.report(
            path,
            ProblemKind::AssetOutsideFolder { path: text.to_string() },
            "refused",
            Some(
                "keep assets in the scenario's folder and name them relative to it, such as `art/page.png`".to_string(),
            ),
        );
        None
    };
    let mut depth: i32 = 0;
    for component in Path::new(text).components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => depth -= 1,
            Component::RootDir | Component::Prefix(_) => return outside(checker),
        }
        if depth < 0 {
            return outside(checker);
        }
    }
    let unreadable = |checker: &mut Checker, reason: String| {
        checker.report(
            path,
            ProblemKind::AssetUnreadable {
                path: text.to_string(),
                reason,
            },
            "cannot be read",
            Some(format!(
                "the path is relative to the scenario's folder, {}",
                folder.canonicalize().unwrap_or_else(|_| folder.clone()).display()
            )),
        );
        None
    };
    let full = folder.join(text);
    // A symbolic link inside the folder may still point out of it.
    let (file, root) = match (full.canonicalize(), folder.canonicalize()) {
        (Ok(file), Ok(root)) => (file, root),
        (Err(error), _) | (_, Err(error)) => return unreadable(checker, error.to_string()),
    };
    if !file.starts_with(&root) {
        return outside(checker);
    }
    if let Err(error) = std::fs::File::open(&file)
        .and_then(|opened| opened.metadata())
        .and_then(|metadata| {
            if metadata.is_file() {
                Ok(())
            } else {
                Err(std::io::Error::other("not a file"))
            }
        })
    {
        return unreadable(checker, error.to_string());
    }
    Some(file)
}
