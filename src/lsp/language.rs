//! The two kinds of file the server reads, scenarios and playbooks: their shapes, their
//! references, and which fields hold names of what.

use serde_reflection::{Format, Registry};

use super::reference::{self, PLAYBOOK_REFERENCE, SCENARIO_REFERENCE};
use crate::scenario::NameKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Scenario,
    Playbook,
}

/// A file format as the server knows it.
pub struct Language {
    pub kind: FileKind,
    pub registry: Registry,
    /// The file's top-level type.
    pub root: Format,
}

impl Language {
    pub fn new(kind: FileKind) -> Self {
        let (shape, root) = match kind {
            FileKind::Scenario => (crate::scenario::file::shape(), "Scenario"),
            FileKind::Playbook => (crate::response::playbook_shape(), "Playbook"),
        };
        Self {
            kind,
            // The shapes are traced from this build's own types; a failure is a bug the docs
            // test catches, and the server then completes nothing rather than stopping.
            registry: shape.unwrap_or_default(),
            root: Format::TypeName(root.to_string()),
        }
    }

    /// A field's documentation; `section` is a type (`HostGroup`) or a choice's value whose
    /// fields these are (`Backup::Online`).
    pub fn field_documentation(&self, section: &str, field: &str) -> Option<String> {
        match self.kind {
            FileKind::Scenario => match section.split_once("::") {
                Some((choice, value)) => reference::value_documentation(SCENARIO_REFERENCE, choice, value),
                None => reference::field_documentation(SCENARIO_REFERENCE, section, field),
            },
            FileKind::Playbook => {
                let written = match section {
                    "StepFile" => format!("steps[].{field}"),
                    "Playbook" => field.to_string(),
                    pattern => pattern.split_once("::").map_or(field, |(_, value)| value).to_string(),
                };
                whole_reference_row(&written)
            }
        }
    }

    /// A choice's value's documentation (`Role`, `Workstation`).
    pub fn value_documentation(&self, choice: &str, value: &str) -> Option<String> {
        match (self.kind, choice) {
            (FileKind::Scenario, _) | (FileKind::Playbook, "Role") => {
                reference::value_documentation(SCENARIO_REFERENCE, choice, value)
            }
            (FileKind::Playbook, _) => whole_reference_row(value),
        }
    }
}

/// A row anywhere in the playbook reference, which has one table per topic.
fn whole_reference_row(word: &str) -> Option<String> {
    let cells = reference::row(PLAYBOOK_REFERENCE, word)?;
    Some(format!("{}\n\n{}", cells.first()?, cells.last()?))
}

/// The fields and choice values whose text names something declared elsewhere in a scenario,
/// and what they name. `tests` checks this against every name the loader resolves in the
/// shipped scenarios.
const NAME_HOLDERS: &[(&str, NameKind)] = &[
    ("HostGroup.subnet", NameKind::Subnet),
    ("HostGroup.services", NameKind::Service),
    ("HostGroup.cached_credentials", NameKind::Account),
    ("Service.run_as", NameKind::Account),
    ("Backup::Online.server", NameKind::Host),
    ("Scope::Office", NameKind::Office),
    ("Scope::Subnet", NameKind::Subnet),
    ("Scope::Host", NameKind::Host),
    ("Link.between", NameKind::Office),
    ("Foothold.host", NameKind::Host),
    ("Foothold.from", NameKind::Host),
    ("Foothold.account", NameKind::Account),
    ("Foothold.tools", NameKind::Tool),
    ("Exfiltration.data", NameKind::Data),
    ("Exfiltration.through", NameKind::Host),
    ("When::Leak.data", NameKind::Data),
    ("Threat.credentials", NameKind::Account),
    ("When::ServiceDown", NameKind::Service),
    ("When::After.inject", NameKind::Inject),
    ("ActivityRule.offices", NameKind::Office),
    ("Responders.office", NameKind::Office),
    ("Goal::Notify.contact", NameKind::Contact),
    ("Goal::KeepServices", NameKind::Service),
    ("Findings.accounts", NameKind::Account),
    ("Findings.patient_zero", NameKind::Host),
    ("KeyEvidence.host", NameKind::Host),
];

/// What the text at a holder names, if it names something.
pub fn named_by(holder: &str) -> Option<NameKind> {
    NAME_HOLDERS
        .iter()
        .find(|(name, _)| *name == holder)
        .map(|&(_, kind)| kind)
}

/// Subnets are named within their office in a machine group, and as `office/subnet` elsewhere.
pub fn names_local_subnet(holder: &str) -> bool {
    holder == "HostGroup.subnet"
}

#[cfg(test)]
mod tests {
    use serde_reflection::{ContainerFormat, VariantFormat};

    use super::*;
    use crate::lsp::context::context_at;
    use crate::lsp::shape::place;
    use crate::scenario::{Limits, Origin, load_str_with_names};

    /// Every name the loader resolves in the shipped scenarios and the reference's example sits
    /// where the table says a name of its kind goes.
    #[test]
    fn the_table_of_names_agrees_with_the_loader() {
        let language = Language::new(FileKind::Scenario);
        let example = SCENARIO_REFERENCE
            .split("```ron")
            .skip(1)
            .filter_map(|block| block.split("```").next())
            .find(|code| code.contains("Scenario("))
            .unwrap();
        let mut checked = 0;
        for source in [
            crate::scenario::FLAGSHIP_SOURCE,
            include_str!("../../scenarios/tutorial.ron"),
            example,
        ] {
            let origin = Origin {
                name: "test.ron".to_string(),
                folder: None,
            };
            let (loaded, uses) = load_str_with_names(source, &origin, &Limits::default());
            if let Err(error) = &loaded {
                panic!("{error:?}");
            }
            for name in uses {
                let context = context_at(source, name.span.start + 1);
                let holder = place(&language.registry, &language.root, &context).holder;
                let holder = holder.unwrap_or_default();
                match name.declaration {
                    // Contacts are a list of names; everything else declares its `name`.
                    true => assert!(
                        holder.ends_with(".name") || holder == "Responders.contacts",
                        "{name:?} declared at {holder}"
                    ),
                    false => assert_eq!(named_by(&holder), Some(name.kind), "{name:?} used at {holder}"),
                }
                checked += 1;
            }
        }
        assert!(checked > 100, "{checked}");
    }

    #[test]
    fn every_holder_is_a_field_or_value_of_the_format() {
        let registry = crate::scenario::file::shape().unwrap();
        for (holder, _) in NAME_HOLDERS {
            let (container, rest) = holder.split_once("::").unwrap_or((holder, ""));
            let (container, field) = container.split_once('.').unwrap_or((container, ""));
            let found = match registry.get(container) {
                Some(ContainerFormat::Struct(fields)) => fields.iter().any(|named| named.name == field),
                Some(ContainerFormat::Enum(values)) => {
                    let (value, field) = rest.split_once('.').unwrap_or((rest, ""));
                    values.values().any(|named| {
                        named.name == value
                            && match &named.value {
                                VariantFormat::Struct(fields) => fields.iter().any(|named| named.name == field),
                                _ => field.is_empty(),
                            }
                    })
                }
                _ => false,
            };
            assert!(found, "{holder}");
        }
    }
}
