//! The format reference and the code cannot drift apart: every field and value of the file
//! format is documented with an example, and every RON example in the docs loads.

use std::collections::BTreeMap;
use std::path::Path;

use redscreen::lsp::reference::section;
use redscreen::scenario::file;
use redscreen::scenario::{Limits, Origin, load_str};
use serde_reflection::ContainerFormat;

fn reference() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scenario-format.md"))
        .expect("docs/scenario-format.md exists")
}

/// Every struct of the file format with its fields, and every enum with its values.
fn file_format() -> BTreeMap<String, ContainerFormat> {
    file::shape().expect("every type of the format is traced completely")
}

#[test]
fn every_field_and_value_is_documented_with_an_example() {
    let reference = reference();
    let mut missing = Vec::new();
    for (name, format) in file_format() {
        let Some(text) = section(&reference, &name) else {
            missing.push(format!("no section headed (`{name}`)"));
            continue;
        };
        match format {
            ContainerFormat::Struct(fields) => {
                for field in fields {
                    // A table row: | `field` | type | default | example | meaning |
                    let row = text
                        .lines()
                        .find(|line| line.starts_with(&format!("| `{}` |", field.name)));
                    match row {
                        None => missing.push(format!("{name}.{}", field.name)),
                        Some(row) => {
                            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
                            if cells.len() < 6 || !cells[4].contains('`') {
                                missing.push(format!("{name}.{} has no example", field.name));
                            }
                        }
                    }
                }
            }
            ContainerFormat::Enum(variants) => {
                for variant in variants.values() {
                    if !text
                        .lines()
                        .any(|line| line.starts_with(&format!("| `{}", variant.name)))
                    {
                        missing.push(format!("{name}::{}", variant.name));
                    }
                }
            }
            _ => {}
        }
    }
    assert!(
        missing.is_empty(),
        "undocumented in docs/scenario-format.md:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_complete_example_in_the_reference_loads() {
    let reference = reference();
    let mut examples = 0;
    for block in reference.split("```ron").skip(1) {
        let code = block.split("```").next().unwrap_or_default();
        if !code
            .trim_start()
            .trim_start_matches(|c: char| c != 'S')
            .starts_with("Scenario(")
        {
            continue;
        }
        examples += 1;
        let origin = Origin {
            name: format!("docs example {examples}"),
            folder: None,
        };
        if let Err(error) = load_str(code, &origin, &Limits::default()) {
            match error {
                redscreen::scenario::LoadError::Invalid(report) => panic!("{report}"),
                other => panic!("{other}"),
            }
        }
    }
    assert!(examples >= 1, "the reference has no complete example");
}
