//! What the format expects at a place: the open frames of a [`Context`] followed through the
//! format's shape (traced from its serde types), down to the section whose fields go there or
//! the value that goes there.

use serde_reflection::{ContainerFormat, Format, Named, Registry, VariantFormat};

use super::context::{Context, Frame};

/// What the innermost frame holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Inside<'a> {
    /// A section: its fields. `name` is the type (`HostGroup`) or the choice and its value
    /// (`Backup::Online`).
    Section { name: String, fields: &'a [Named<Format>] },
    /// A list of values, or the one value of `Some(...)` or `Office(...)`.
    Values(&'a Format),
    /// A tuple: a value of its own format per item.
    Tuple(&'a [Format]),
    /// Nothing the shape describes (a typo upstream, a map).
    Unknown,
}

/// Where a place is in the format.
#[derive(Debug, Clone, PartialEq)]
pub struct Place<'a> {
    pub inside: Inside<'a>,
    /// What is expected where a value goes at the place, if the shape says.
    pub value: Option<&'a Format>,
    /// The field or the choice's value whose text this is: `HostGroup.subnet`, `Scope::Office`.
    pub holder: Option<String>,
}

/// Follows the frames from the file's top-level type (`Scenario`, `Playbook`).
pub fn place<'a>(registry: &'a Registry, root: &'a Format, context: &Context) -> Place<'a> {
    let mut expected = Some(root);
    let mut holder = None;
    let mut inside = Inside::Unknown;
    for frame in &context.frames {
        inside = match expected {
            Some(format) => enter(registry, format, frame),
            None => Inside::Unknown,
        };
        if let Inside::Values(_) = inside
            && let Some(choice) = choice_name(registry, expected, &frame.head)
        {
            holder = Some(choice);
        }
        (expected, holder) = match &inside {
            Inside::Section { name, fields } => {
                let field = frame
                    .key
                    .as_deref()
                    .and_then(|key| fields.iter().find(|field| field.name == key));
                (
                    field.map(|field| &field.value),
                    frame.key.as_ref().map(|key| format!("{name}.{key}")),
                )
            }
            Inside::Values(format) => (Some(*format), holder),
            Inside::Tuple(formats) => (formats.get(frame.item), holder),
            Inside::Unknown => (None, None),
        };
    }
    Place {
        inside,
        value: expected,
        holder,
    }
}

/// A format without the `Option` around it.
pub fn unwrapped(format: &Format) -> &Format {
    match format {
        Format::Option(inner) => unwrapped(inner),
        other => other,
    }
}

/// The container a type name stands for.
pub fn container<'a>(registry: &'a Registry, format: &Format) -> Option<(&'a str, &'a ContainerFormat)> {
    match unwrapped(format) {
        Format::TypeName(name) => registry
            .get_key_value(name)
            .map(|(name, container)| (name.as_str(), container)),
        _ => None,
    }
}

/// `Scope::Office` when `head` is a value of the choice expected.
fn choice_name(registry: &Registry, expected: Option<&Format>, head: &str) -> Option<String> {
    let (name, ContainerFormat::Enum(variants)) = container(registry, expected?)? else {
        return None;
    };
    variants
        .values()
        .any(|variant| variant.name == head)
        .then(|| format!("{name}::{head}"))
}

fn enter<'a>(registry: &'a Registry, expected: &'a Format, frame: &Frame) -> Inside<'a> {
    if let Format::Option(inner) = expected {
        return match frame.head.as_str() {
            "Some" => Inside::Values(inner),
            _ => enter(registry, inner, frame),
        };
    }
    match (frame.open, expected) {
        (b'[', Format::Seq(item)) => Inside::Values(item),
        (b'(', Format::Tuple(items)) => Inside::Tuple(items),
        (b'(' | b'[', Format::TupleArray { content, .. }) => Inside::Values(content),
        (b'(', Format::TypeName(_)) => match container(registry, expected) {
            Some((name, ContainerFormat::Struct(fields))) => Inside::Section {
                name: name.to_string(),
                fields,
            },
            Some((_, ContainerFormat::NewTypeStruct(inner))) => Inside::Values(inner),
            Some((_, ContainerFormat::TupleStruct(items))) => Inside::Tuple(items),
            Some((name, ContainerFormat::Enum(variants))) => {
                match variants.values().find(|variant| variant.name == frame.head) {
                    Some(variant) => match &variant.value {
                        VariantFormat::Struct(fields) => Inside::Section {
                            name: format!("{name}::{}", variant.name),
                            fields,
                        },
                        VariantFormat::NewType(inner) => Inside::Values(inner),
                        VariantFormat::Tuple(items) => Inside::Tuple(items),
                        _ => Inside::Unknown,
                    },
                    None => Inside::Unknown,
                }
            }
            _ => Inside::Unknown,
        },
        _ => Inside::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::context::context_at;

    fn place_of(source: &str) -> (Option<String>, Option<String>, Option<Format>) {
        let registry = crate::scenario::file::shape().unwrap();
        let root = Format::TypeName("Scenario".to_string());
        let offset = source.find('|').unwrap();
        let text = source.replacen('|', "", 1);
        let place = place(&registry, &root, &context_at(&text, offset));
        let section = match place.inside {
            Inside::Section { name, .. } => Some(name),
            _ => None,
        };
        (section, place.holder, place.value.cloned())
    }

    #[test]
    fn follows_the_shape_through_sections_lists_and_choices() {
        let (section, holder, _) = place_of("Scenario(offices: [(hosts: [(subnet: \"|");
        assert_eq!(
            (section.as_deref(), holder.as_deref()),
            (Some("HostGroup"), Some("HostGroup.subnet"))
        );
        let (section, _, _) = place_of("(offices: [(hosts: [(backup: Online(se|");
        assert_eq!(section.as_deref(), Some("Backup::Online"));
        let (_, holder, value) = place_of("(accounts: [(admin_on: [Office(\"|");
        assert_eq!(holder.as_deref(), Some("Scope::Office"));
        assert_eq!(value, Some(Format::Str));
        let (_, holder, _) = place_of("(network: (links: [(between: (\"hq\", \"|");
        assert_eq!(holder.as_deref(), Some("Link.between"));
        let (_, _, value) = place_of("(offices: [(hosts: [(role: |");
        assert_eq!(value, Some(Format::TypeName("Role".to_string())));
        let (section, _, value) = place_of("(nonsense: [(x: |");
        assert_eq!((section, value), (None, None));
    }
}
