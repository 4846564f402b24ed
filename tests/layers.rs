//! The architecture holds: each folder of `src/` uses only the layers below it, and the
//! scenario format knows nothing of Bevy. The layers, bottom up (DESIGN.md, README "Layout"):
//! checksum, watch, html < scenario < sim < case < response < scoring < session < exercise < screen,
//! export, sweep, server, lsp < gui < the binary (cli). Code under `#[cfg(test)]` may use anything.

use std::path::{Path, PathBuf};

/// Each module of the crate's root and its layer.
const LAYERS: &[(&str, u32)] = &[
    ("checksum", 0),
    ("watch", 0),
    ("html", 0),
    ("scenario", 1),
    ("sim", 2),
    ("case", 3),
    ("response", 4),
    ("scoring", 5),
    ("session", 6),
    ("exercise", 7),
    ("screen", 8),
    ("export", 8),
    ("sweep", 8),
    ("server", 8),
    ("lsp", 8),
    ("gui", 9),
    // Fixtures for tests and benchmarks, above everything; nothing of the product uses them.
    ("testing", 10),
];

fn layer(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(name, _)| *name == module).map(|(_, layer)| *layer)
}

/// Every Rust file under a folder.
fn rust_files(folder: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).expect("a readable folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

/// A file's code without its test module (everything from the first `#[cfg(test)]`).
fn product_code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("readable");
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// The root modules a file's code names through `crate::`, with their line numbers.
fn crate_paths(code: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (number, line) in code.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let module: String = rest[at + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `pub(in crate::scenario)` names the module a visibility reaches, not a use.
            if !rest[..at].ends_with("in ") {
                found.push((number + 1, module));
            }
            rest = &rest[at + 7..];
        }
    }
    found
}

#[test]
fn no_folder_uses_a_layer_above_it() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&source, &mut files);
    let mut wrong = Vec::new();
    let mut checked = 0;
    for file in &files {
        let relative = file.strip_prefix(&source).expect("inside src");
        let root = relative
            .components()
            .next()
            .and_then(|component| component.as_os_str().to_str())
            .map(|name| name.trim_end_matches(".rs").to_string())
            .unwrap_or_default();
        // The crate's root declares every module; the binary may use them all.
        let Some(own) = layer(&root) else {
            assert!(
                ["lib", "main", "cli"].contains(&root.as_str()),
                "{} is in no layer: add it to LAYERS",
                relative.display()
            );
            continue;
        };
        for (line, module) in crate_paths(&product_code(file)) {
            checked += 1;
            match layer(&module) {
                Some(used) if used <= own => {}
                Some(_) => wrong.push(format!(
                    "{}:{line} ({root}) uses crate::{module}, a layer above it",
                    relative.display()
                )),
                None => wrong.push(format!(
                    "{}:{line} uses crate::{module}, which is in no layer",
                    relative.display()
                )),
            }
        }
    }
    assert!(checked > 100, "only {checked} paths were read");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_scenario_format_knows_nothing_of_bevy() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/scenario");
    let mut files = Vec::new();
    rust_files(&folder, &mut files);
    assert!(files.len() > 5);
    for file in files {
        let code = product_code(&file);
        assert!(!code.contains("bevy"), "{} uses Bevy", file.display());
    }
}

#[test]
fn the_guard_finds_what_it_guards_against() {
    let code = "use crate::gui::play;\npub(in crate::scenario) struct X;\nlet x = crate::sim::Stage::Clean;";
    assert_eq!(crate_paths(code), [(1, "gui".to_string()), (3, "sim".to_string())]);
}
