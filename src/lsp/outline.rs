//! The outline of a scenario: offices with their subnets and machine groups, then the injects.

use lsp_types::{DocumentSymbol, SymbolKind};

use super::document::range_of;
use crate::scenario::file;
use crate::scenario::source_map::{SourceMap, Step};

/// The outline: offices with their subnets and machines, then the injects. Empty when the
/// file does not read as a scenario yet.
pub fn outline(text: &str) -> Vec<DocumentSymbol> {
    let options = ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    let Ok(scenario) = options.from_str::<file::ScenarioFile>(text) else {
        return Vec::new();
    };
    let map = SourceMap::new(text);
    let range = |path: &[Step]| {
        let span = map.span(path);
        range_of(text, span.start..span.end)
    };
    #[expect(deprecated, reason = "lsp-types requires the deprecated field to be given")]
    let symbol = |name: &str, detail: String, kind: SymbolKind, whole: Vec<Step>, children: Vec<DocumentSymbol>| {
        let mut name_path = whole.clone();
        name_path.push(Step::Field("name"));
        DocumentSymbol {
            name: name.to_string(),
            detail: Some(detail),
            kind,
            tags: None,
            deprecated: None,
            range: range(&whole),
            selection_range: range(&name_path),
            children: (!children.is_empty()).then_some(children),
        }
    };
    let mut symbols = Vec::new();
    for (office_index, office) in scenario.offices.iter().enumerate() {
        let office_path = vec![Step::Field("offices"), Step::Index(office_index)];
        let mut children = Vec::new();
        for (index, subnet) in office.subnets.iter().enumerate() {
            let mut path = office_path.clone();
            path.extend([Step::Field("subnets"), Step::Index(index)]);
            children.push(symbol(
                &subnet.name,
                subnet.cidr.clone(),
                SymbolKind::NAMESPACE,
                path,
                Vec::new(),
            ));
        }
        for (index, group) in office.hosts.iter().enumerate() {
            let mut path = office_path.clone();
            path.extend([Step::Field("hosts"), Step::Index(index)]);
            let detail = format!("{} × {:?} in {}", group.count, group.role, group.subnet);
            children.push(symbol(&group.name, detail, SymbolKind::OBJECT, path, Vec::new()));
        }
        symbols.push(symbol(
            &office.name,
            office.time_zone.clone(),
            SymbolKind::MODULE,
            office_path,
            children,
        ));
    }
    for (index, inject) in scenario.injects.iter().enumerate() {
        let path = vec![Step::Field("injects"), Step::Index(index)];
        symbols.push(symbol(
            &inject.name,
            inject.subject.clone(),
            SymbolKind::EVENT,
            path,
            Vec::new(),
        ));
    }
    symbols
}
