//! `network`: WAN links between offices and firewall rules between scopes.

use crate::scenario::diagnostic::NameKind;
use crate::scenario::file as raw;
use crate::scenario::model::*;
use crate::scenario::source_map::{Step::Field, Step::Index};

use super::*;

pub(super) fn resolve_network(
    checker: &mut Checker,
    tables: &Tables,
    table: &HostTable,
    network: &raw::Network,
) -> Network {
    let mut link_names = Names::new(NameKind::Link);
    let mut links = Vec::with_capacity(network.links.len());
    for (index, link) in network.links.iter().enumerate() {
        let path = |field| [Field("network"), Field("links"), Index(index), Field(field)];
        link_names.declare(checker, &link.name, &path("name"));
        let between = [&link.between.0, &link.between.1];
        let mut ends = [OfficeId(0); 2];
        for (end, name) in between.iter().enumerate() {
            let end_path = [
                Field("network"),
                Field("links"),
                Index(index),
                Field("between"),
                Index(end),
            ];
            ends[end] = OfficeId(tables.offices.lookup(checker, name, &end_path).unwrap_or(0));
        }
        if link.between.0 == link.between.1 {
            checker.inconsistent(
                &path("between"),
                format!("link `{}` joins `{}` to itself", link.name, link.between.0),
                "both ends are the same office",
                None,
            );
        }
        links.push(Link {
            name: link.name.clone(),
            ends,
        });
    }
    let firewall = network
        .firewall
        .iter()
        .enumerate()
        .map(|(index, rule)| {
            let path = |field| [Field("network"), Field("firewall"), Index(index), Field(field)];
            if let Some(list) = &rule.ports {
                if list.is_empty() {
                    checker.inconsistent(
                        &path("ports"),
                        "an empty port list matches nothing".to_string(),
                        "no port",
                        Some("leave `ports` out to match every port".to_string()),
                    );
                }
                ports(checker, list, &path("ports"));
            }
            Rule {
                from: scope(checker, tables, table, &rule.from, &path("from")),
                to: scope(checker, tables, table, &rule.to, &path("to")),
                ports: rule.ports.clone(),
                action: rule.action,
            }
        })
        .collect();
    ports(
        checker,
        &network.internet_egress_ports,
        &[Field("network"), Field("internet_egress_ports")],
    );
    Network {
        links,
        between_subnets: network.between_subnets,
        firewall,
        internet_egress_ports: network.internet_egress_ports.clone(),
    }
}
