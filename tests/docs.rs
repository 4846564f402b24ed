//! The format reference and the code cannot drift apart: every field and value of the file
//! format is documented with an example, and every RON example in the docs loads.

use std::collections::BTreeMap;
use std::path::Path;

use redscreen::scenario::file::{self, ScenarioFile};
use redscreen::scenario::{Limits, Origin, load_str};
use serde_reflection::{ContainerFormat, Tracer, TracerConfig};

fn reference() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scenario-format.md"))
        .expect("docs/scenario-format.md exists")
}

/// Every struct of the file format with its fields, and every enum with its values.
fn file_format() -> BTreeMap<String, ContainerFormat> {
    let mut tracer = Tracer::new(TracerConfig::default());
    tracer
        .trace_simple_type::<ScenarioFile>()
        .expect("the format can be traced");
    // Enums are explored one variant at a time; a new enum missing here fails `registry`.
    macro_rules! trace_enums {
        ($($name:ident),*) => {$(
            tracer.trace_simple_type::<file::$name>().expect(stringify!($name));
        )*};
    }
    trace_enums!(
        AccountKind,
        ActivityKind,
        Animation,
        Artifact,
        Backup,
        Channel,
        Goal,
        HostState,
        Image,
        Os,
        Policy,
        Role,
        Scope,
        Sensor,
        Strength,
        SubnetRole,
        ToolKind,
        UpWhen,
        Weekday,
        When
    );
    tracer.registry().expect("every type is complete")
}

/// The part of the reference under the heading that names `type_name` in backticks.
fn section<'a>(reference: &'a str, type_name: &str) -> Option<&'a str> {
    let marker = format!("(`{type_name}`)");
    let start = reference
        .lines()
        .position(|line| line.starts_with('#') && line.contains(&marker))?;
    let lines: Vec<&str> = reference.lines().collect();
    let end = lines[start + 1..]
        .iter()
        .position(|line| line.starts_with('#'))
        .map_or(lines.len(), |offset| start + 1 + offset);
    let from = lines[..start].iter().map(|line| line.len() + 1).sum::<usize>();
    let to = lines[..end]
        .iter()
        .map(|line| line.len() + 1)
        .sum::<usize>()
        .min(reference.len());
    Some(&reference[from..to])
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
