//! The one-screen summary `redscreen check` prints for a valid scenario.

use std::collections::BTreeMap;
use std::fmt;

use super::model::{Role, Scenario, When};
use super::values::thousands;

/// A one-screen overview of a checked scenario.
pub struct Summary<'a>(pub &'a Scenario);

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Workstation => "workstations",
        Role::DomainController => "domain controllers",
        Role::FileServer => "file servers",
        Role::MailServer => "mail servers",
        Role::WebServer => "web servers",
        Role::DatabaseServer => "database servers",
        Role::ApplicationServer => "application servers",
        Role::BackupServer => "backup servers",
        Role::ProductionServer => "production servers",
        Role::PhoneServer => "phone servers",
        Role::ManagementServer => "management servers",
    }
}

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scenario = self.0;
        let meta = &scenario.meta;
        let when = |time: &jiff::ZonedDateTime| time.strftime("%a %Y-%m-%d %H:%M %Z").to_string();
        writeln!(
            f,
            "ok: {} ({}, format {})",
            meta.title, meta.id, scenario.format
        )?;
        writeln!(
            f,
            "  exercise   {} to {}, {} ticks of {}s",
            when(&meta.start),
            when(&meta.time_of(meta.end())),
            thousands(meta.duration_ticks as u64),
            meta.tick_seconds
        )?;

        let mut per_office = vec![0u64; scenario.offices.len()];
        for host in &scenario.hosts {
            per_office[host.office.index()] += 1;
        }
        writeln!(f, "  offices    {}", scenario.offices.len())?;
        for (office, hosts) in scenario.offices.iter().zip(&per_office) {
            writeln!(
                f,
                "    {:<16} {:>9} machines, {:>2} subnets, {} ({}, open {})",
                office.name,
                thousands(*hosts),
                office.subnets.len(),
                office.location,
                office.time_zone.iana_name().unwrap_or("fixed offset"),
                office.business_hours
            )?;
        }

        let mut by_role: BTreeMap<Role, u64> = BTreeMap::new();
        for host in &scenario.hosts {
            *by_role.entry(host.role).or_default() += 1;
        }
        let workstations = by_role.get(&Role::Workstation).copied().unwrap_or(0);
        let servers = scenario.hosts.len() as u64 - workstations;
        writeln!(
            f,
            "  machines   {} in {} subnets: {} workstations, {} servers",
            thousands(scenario.hosts.len() as u64),
            scenario.subnets.len(),
            thousands(workstations),
            thousands(servers)
        )?;
        let servers: Vec<String> = by_role
            .iter()
            .filter(|(role, _)| **role != Role::Workstation)
            .map(|(role, count)| format!("{} {}", thousands(*count), role_name(*role)))
            .collect();
        if !servers.is_empty() {
            writeln!(f, "             servers: {}", servers.join(", "))?;
        }

        let admins = scenario
            .accounts
            .iter()
            .filter(|account| !account.admin_on.is_empty())
            .count();
        writeln!(
            f,
            "  accounts   {} ({admins} with admin rights)",
            scenario.accounts.len()
        )?;
        let services: Vec<&str> = scenario
            .services
            .iter()
            .map(|service| service.name.as_str())
            .collect();
        writeln!(
            f,
            "  services   {}: {}",
            services.len(),
            services.join(", ")
        )?;
        writeln!(
            f,
            "  network    {} WAN links, {} firewall rules, between subnets by default: {:?}",
            scenario.network.links.len(),
            scenario.network.firewall.len(),
            scenario.network.between_subnets
        )?;

        let threat = &scenario.threat;
        let tools: Vec<&str> = threat.tools.iter().map(|tool| tool.name.as_str()).collect();
        writeln!(
            f,
            "  threat     {}{}: {} foothold(s), tools {}",
            threat.actor,
            threat
                .group
                .as_ref()
                .map(|group| format!(" ({group})"))
                .unwrap_or_default(),
            threat.footholds.len(),
            tools.join(", ")
        )?;
        let mut trigger = Vec::new();
        if let Some(tick) = threat.trigger.time_bomb {
            trigger.push(format!("time bomb {}", when(&scenario.time_of(tick))));
        }
        if let Some(delay) = threat.trigger.delay_after_install_ticks {
            trigger.push(format!("{delay} ticks after install"));
        }
        writeln!(
            f,
            "             {} carried credential(s), {} C2 address(es); wiper fires at {}; wipe takes {} ticks",
            threat.credentials.len(),
            threat.c2.len(),
            trigger.join(" or later at "),
            threat.wipe_duration_ticks
        )?;
        writeln!(f, "  screen     \"{}\"", scenario.screen.headline)?;

        let timed = scenario
            .injects
            .iter()
            .filter(|inject| matches!(inject.when, When::At(_)))
            .count();
        writeln!(
            f,
            "  injects    {} ({timed} timed, {} triggered by the simulation)",
            scenario.injects.len(),
            scenario.injects.len() - timed
        )?;
        writeln!(
            f,
            "  responders {} people, {} contacts",
            scenario.responders.team_size,
            scenario.responders.contacts.len()
        )?;
        let objectives: Vec<String> = scenario
            .rubric
            .objectives
            .iter()
            .map(|objective| format!("{} {}", objective.name, objective.weight))
            .collect();
        writeln!(
            f,
            "  rubric     {} objectives: {}",
            objectives.len(),
            objectives.join(", ")
        )
    }
}
