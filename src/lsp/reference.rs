//! The format references (`docs/scenario-format.md`, `docs/playbooks.md`), built into the
//! binary, read as the language server shows them: a field's row of its section's table, a
//! value's row of its choice's table.

/// The scenario format's reference.
pub const SCENARIO_REFERENCE: &str = include_str!("../../docs/scenario-format.md");

/// The playbook format's reference.
pub const PLAYBOOK_REFERENCE: &str = include_str!("../../docs/playbooks.md");

/// The part of a reference under the heading that names `type_name` in backticks, such as
/// `## Machines (`HostGroup`)`, up to the next heading.
pub fn section<'a>(reference: &'a str, type_name: &str) -> Option<&'a str> {
    let marker = format!("(`{type_name}`)");
    let mut offset = 0;
    let mut start = None;
    for line in reference.split_inclusive('\n') {
        if line.starts_with('#') {
            if let Some(start) = start {
                return Some(&reference[start..offset]);
            }
            if line.contains(&marker) {
                start = Some(offset + line.len());
            }
        }
        offset += line.len();
    }
    start.map(|start| &reference[start..])
}

/// The cells of the table row of `section` whose first cell is `` `word` `` or starts with
/// `` `word(``: a field (`| `subnet` | text | ...`) or a value (`| `Online(server: ...)` | ...`).
pub fn row<'a>(section: &'a str, word: &str) -> Option<Vec<&'a str>> {
    let exact = format!("`{word}`");
    let call = format!("`{word}(");
    section.lines().find_map(|line| {
        let cells: Vec<&str> = line.trim().trim_matches('|').split(" | ").map(str::trim).collect();
        let first = cells.first()?;
        (*first == exact || first.starts_with(&call)).then_some(cells)
    })
}

/// The documentation of a field of a section, as Markdown.
pub fn field_documentation(reference: &str, section_name: &str, field: &str) -> Option<String> {
    let cells = row(section(reference, section_name)?, field)?;
    match cells.as_slice() {
        [name, kind, default, example, meaning, ..] => Some(format!(
            "{name}: {kind} ({})\n\n{meaning}\n\nExample: {example}",
            match *default {
                "required" => "required".to_string(),
                default => format!("default {default}"),
            }
        )),
        [name, meaning, ..] => Some(format!("{name}: {meaning}")),
        _ => None,
    }
}

/// The documentation of a value of a choice, as Markdown.
pub fn value_documentation(reference: &str, choice: &str, value: &str) -> Option<String> {
    let cells = row(section(reference, choice)?, value)?;
    let (written, meaning) = (cells.first()?, cells.last()?);
    Some(format!("{written} ({choice})\n\n{meaning}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_field_and_a_value() {
        let subnet = field_documentation(SCENARIO_REFERENCE, "HostGroup", "subnet").unwrap();
        assert!(subnet.starts_with("`subnet`: "), "{subnet}");
        assert!(subnet.contains("Example: `"), "{subnet}");
        let online = value_documentation(SCENARIO_REFERENCE, "Backup", "Online").unwrap();
        assert!(online.contains("BackupServer"), "{online}");
        assert_eq!(value_documentation(SCENARIO_REFERENCE, "Backup", "Onl"), None);
        assert!(section(SCENARIO_REFERENCE, "NoSuchType").is_none());
    }
}
