//! `network`: WAN links between offices, firewall rules between scopes, the internet edge.

use serde::Deserialize;

use super::*;

/// Links between offices and the rules between subnets.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    #[serde(default)]
    pub links: Vec<Link>,
    /// What happens between two subnets when no rule matches.
    #[serde(default)]
    pub between_subnets: Policy,
    /// Checked in order; the first rule that matches decides.
    #[serde(default)]
    pub firewall: Vec<Rule>,
    /// Ports machines may use to reach the internet (and so the attacker's C2).
    #[serde(default = "default_egress_ports")]
    pub internet_egress_ports: Vec<u16>,
}

fn default_egress_ports() -> Vec<u16> {
    vec![80, 443]
}

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
pub enum Policy {
    #[default]
    Allow,
    Deny,
}

/// A WAN link between two offices.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub name: String,
    pub between: (String, String),
}

/// A firewall rule between two scopes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub from: Scope,
    pub to: Scope,
    /// TCP ports; omitted means every port.
    #[serde(default)]
    pub ports: Option<Vec<u16>>,
    pub action: Policy,
}
