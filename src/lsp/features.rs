//! What the server answers about a place in a file: completions, hover documentation, a
//! name's definition and its references.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, Hover, HoverContents, Location,
    MarkupContent, MarkupKind, TextEdit, Uri,
};
use serde_reflection::{ContainerFormat, Format, VariantFormat};

use super::context::{Context, context_at, token_at};
use super::document::{Document, range_of};
use super::language::{Language, named_by, names_local_subnet};
use super::shape::{Inside, container, place, unwrapped};
use crate::scenario::{NameKind, NameUse};

/// At most this many machine names are offered at once; typing more of the name narrows them.
const MAX_MACHINES_OFFERED: usize = 200;

/// Completions at a byte offset: field names where a field goes, a choice's values where one is
/// expected, and declared names inside a string that names something.
pub fn completions(document: &Document, language: &Language, offset: usize) -> (Vec<CompletionItem>, bool) {
    let text = &document.text;
    let context = context_at(text, offset);
    if context.in_comment {
        return (Vec::new(), false);
    }
    let typed = text.get(context.word_start..offset).unwrap_or_default();
    // What is typed of the word or string is replaced, whatever the editor counts as a word.
    let replace = |label: &str, insert: String| {
        let edit = CompletionTextEdit::Edit(TextEdit {
            range: range_of(text, context.word_start..offset),
            new_text: insert,
        });
        (label.to_string(), edit)
    };
    let place = place(&language.registry, &language.root, &context);
    if context.string_start.is_some() {
        return names_in_string(document, &context, place.holder.as_deref(), typed, &replace);
    }
    let mut items = Vec::new();
    let at_key = context.innermost().is_some_and(|frame| frame.at_key);
    match (&place.inside, at_key) {
        (Inside::Section { name, fields }, true) => {
            let written = &context.innermost().map(|frame| frame.keys.clone()).unwrap_or_default();
            for field in fields.iter().filter(|field| !written.contains(&field.name)) {
                let (label, edit) = replace(&field.name, format!("{}: ", field.name));
                items.push(CompletionItem {
                    label,
                    kind: Some(CompletionItemKind::FIELD),
                    detail: Some(format!("{name} field")),
                    documentation: language.field_documentation(name, &field.name).map(markdown),
                    text_edit: Some(edit),
                    ..CompletionItem::default()
                });
            }
        }
        _ => {
            let Some(expected) = place.value else {
                return (items, false);
            };
            match (unwrapped(expected), container(&language.registry, expected)) {
                (_, Some((choice, ContainerFormat::Enum(values)))) => {
                    for value in values.values() {
                        let insert = match value.value {
                            VariantFormat::Unit => value.name.clone(),
                            _ => format!("{}(", value.name),
                        };
                        let (label, edit) = replace(&value.name, insert);
                        items.push(CompletionItem {
                            label,
                            kind: Some(CompletionItemKind::ENUM_MEMBER),
                            detail: Some(choice.to_string()),
                            documentation: language.value_documentation(choice, &value.name).map(markdown),
                            text_edit: Some(edit),
                            ..CompletionItem::default()
                        });
                    }
                }
                (Format::Bool, _) => {
                    for value in ["true", "false"] {
                        let (label, edit) = replace(value, value.to_string());
                        items.push(CompletionItem {
                            label,
                            kind: Some(CompletionItemKind::VALUE),
                            text_edit: Some(edit),
                            ..CompletionItem::default()
                        });
                    }
                }
                _ => {}
            }
        }
    }
    (items, false)
}

/// Declared names of the kind the string holds. Machines are many: the first ones that start
/// with what is typed, the list then marked incomplete so the editor asks again.
fn names_in_string(
    document: &Document,
    context: &Context,
    holder: Option<&str>,
    typed: &str,
    replace: &dyn Fn(&str, String) -> (String, CompletionTextEdit),
) -> (Vec<CompletionItem>, bool) {
    let Some(kind) = holder.and_then(named_by) else {
        return (Vec::new(), false);
    };
    let item = |name: &str, detail: String| {
        let (label, edit) = replace(name, name.to_string());
        CompletionItem {
            label,
            kind: Some(CompletionItemKind::REFERENCE),
            detail: Some(detail),
            text_edit: Some(edit),
            ..CompletionItem::default()
        }
    };
    if kind == NameKind::Host {
        let matching = document.known.machines.iter().filter(|name| name.starts_with(typed));
        let items: Vec<CompletionItem> = matching
            .clone()
            .take(MAX_MACHINES_OFFERED)
            .map(|name| item(name, "machine".to_string()))
            .collect();
        let incomplete = matching.count() > items.len();
        return (items, incomplete);
    }
    // In a machine group, a subnet is named within the group's office.
    let office = holder
        .filter(|holder| names_local_subnet(holder))
        .and_then(|_| {
            context
                .frames
                .iter()
                .rev()
                .find(|frame| frame.key.as_deref() == Some("hosts"))
        })
        .and_then(|frame| frame.name.clone());
    let items = document
        .known
        .names
        .iter()
        .filter(|(declared, _)| *declared == kind)
        .filter_map(|(_, name)| match &office {
            Some(office) => name
                .strip_prefix(office.as_str())
                .and_then(|rest| rest.strip_prefix('/'))
                .map(|local| item(local, format!("subnet of {office}"))),
            None => Some(item(name, kind.to_string())),
        })
        .collect();
    (items, false)
}

fn markdown(value: String) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    })
}

/// Documentation of what is under a byte offset: a field's or a value's from the reference, a
/// name's declaration.
pub fn hover(document: &Document, language: &Language, offset: usize) -> Option<Hover> {
    let text = &document.text;
    let (span, is_string) = token_at(text, offset)?;
    let value = if is_string {
        describe_name(document, name_use_at(document, offset)?)
    } else {
        let word = text.get(span.clone())?;
        let context = context_at(text, span.start);
        let place = place(&language.registry, &language.root, &context);
        let at_key = context.innermost().is_some_and(|frame| frame.at_key);
        match (&place.inside, at_key) {
            (Inside::Section { name, fields }, true) if fields.iter().any(|field| field.name == word) => {
                language.field_documentation(name, word)?
            }
            _ => match container(&language.registry, place.value?) {
                Some((choice, ContainerFormat::Enum(_))) => language.value_documentation(choice, word)?,
                _ => return None,
            },
        }
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(range_of(text, span)),
    })
}

/// The declaration or use of a name whose written value holds the offset.
fn name_use_at(document: &Document, offset: usize) -> Option<&NameUse> {
    document
        .uses
        .iter()
        .find(|name| name.span.start < offset && offset < name.span.end)
}

fn same_name<'a>(document: &'a Document, name: &'a NameUse) -> impl Iterator<Item = &'a NameUse> {
    document
        .uses
        .iter()
        .filter(move |other| other.kind == name.kind && other.key == name.key)
}

fn describe_name(document: &Document, name: &NameUse) -> String {
    let text = &document.text;
    let line_of = |span_start: usize| text[..span_start].matches('\n').count() + 1;
    let line_text = |span_start: usize| text.lines().nth(line_of(span_start) - 1).unwrap_or_default().trim();
    let uses = same_name(document, name).filter(|other| !other.declaration).count();
    let declaration = same_name(document, name).find(|other| other.declaration);
    match (name.declaration, declaration, name.kind) {
        (true, _, NameKind::Host) => format!(
            "machine group `{}`: its machines are named {uses} times in the file",
            name.written
        ),
        (true, _, kind) => format!("{kind} `{}`: named {uses} times in the file", name.written),
        (false, Some(declaration), NameKind::Host) => format!(
            "machine `{}`, of the group on line {}:\n\n```ron\n{}\n```",
            name.written,
            line_of(declaration.span.start),
            line_text(declaration.span.start)
        ),
        (false, Some(declaration), kind) => format!(
            "{kind} `{}`, declared on line {}:\n\n```ron\n{}\n```",
            name.key,
            line_of(declaration.span.start),
            line_text(declaration.span.start)
        ),
        (false, None, kind) => format!("{kind} `{}`: not declared in this file", name.written),
    }
}

/// Where the name under the offset is declared.
pub fn definition(document: &Document, uri: &Uri, offset: usize) -> Vec<Location> {
    let Some(name) = name_use_at(document, offset) else {
        return Vec::new();
    };
    same_name(document, name)
        .filter(|other| other.declaration)
        .map(|other| location(document, uri, other))
        .collect()
}

/// Every place the name under the offset is used, and declared if asked.
pub fn references(document: &Document, uri: &Uri, offset: usize, with_declaration: bool) -> Vec<Location> {
    let Some(name) = name_use_at(document, offset) else {
        return Vec::new();
    };
    same_name(document, name)
        .filter(|other| with_declaration || !other.declaration)
        .map(|other| location(document, uri, other))
        .collect()
}

fn location(document: &Document, uri: &Uri, name: &NameUse) -> Location {
    Location {
        uri: uri.clone(),
        range: range_of(&document.text, name.span.start..name.span.end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::language::FileKind;

    /// Everywhere in a scenario, whole and cut short, and in a playbook, every feature answers
    /// without panicking; on every name, definition and references agree.
    #[test]
    fn answers_anywhere_in_whole_and_broken_files() {
        let uri: Uri = "file:///test/tutorial.ron".parse().unwrap();
        let scenario = Language::new(FileKind::Scenario);
        let tutorial = include_str!("../../scenarios/tutorial.ron");
        let mut texts = vec![tutorial.to_string()];
        texts.extend([0.2, 0.5, 0.9].map(|share| tutorial[..(tutorial.len() as f64 * share) as usize].to_string()));
        texts.push("Scenario((((é\"".to_string());
        for text in texts {
            let document = Document::open(uri.as_str(), text.clone());
            for offset in (0..=text.len())
                .step_by(5)
                .filter(|&offset| text.is_char_boundary(offset))
            {
                let _ = completions(&document, &scenario, offset);
                let _ = hover(&document, &scenario, offset);
                let definitions = definition(&document, &uri, offset);
                let all = references(&document, &uri, offset, true);
                for found in &definitions {
                    assert!(all.contains(found), "a definition is among the references");
                }
            }
        }
        let playbook = Language::new(FileKind::Playbook);
        let good = include_str!("../../scenarios/playbooks/good.ron");
        let document = Document::open("file:///test/playbooks/good.ron", good.to_string());
        for offset in (0..=good.len())
            .step_by(3)
            .filter(|&offset| good.is_char_boundary(offset))
        {
            let _ = completions(&document, &playbook, offset);
            let _ = hover(&document, &playbook, offset);
        }
    }
}
