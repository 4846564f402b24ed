//! The one-screen summary `redscreen check` prints for a valid scenario.

use std::collections::BTreeMap;
use std::fmt;

use super::model::{Role, Scenario, When};
use super::values::thousands;

/// A one-screen overview of a checked scenario.
pub struct Summary<'a>(pub &'a Scenario);

/// `count` machines of a role, in words: "1 mail server", "14 mail servers".
fn machines_of_role(role: Role, count: u64) -> String {
    let name = match role {
        Role::Workstation => "workstation",
        Role::DomainController => "domain controller",
        Role::FileServer => "file server",
        Role::MailServer => "mail server",
        Role::WebServer => "web server",
        Role::DatabaseServer => "database server",
        Role::ApplicationServer => "application server",
        Role::BackupServer => "backup server",
        Role::ProductionServer => "production server",
        Role::PhoneServer => "phone server",
        Role::ManagementServer => "management server",
    };
    plural(count, name)
}

/// "1 thing", "2 things".
fn plural(count: u64, thing: &str) -> String {
    let ending = if count == 1 || thing.ends_with('s') { "" } else { "s" };
    let thing = match thing.strip_suffix("ss") {
        Some(stem) if count != 1 => format!("{stem}sses"),
        _ => thing.to_string(),
    };
    format!("{} {thing}{ending}", thousands(count))
}

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scenario = self.0;
        let meta = &scenario.meta;
        let when = |time: &jiff::ZonedDateTime| time.strftime("%a %Y-%m-%d %H:%M %Z").to_string();
        writeln!(f, "ok: {} ({}, format {})", meta.title, meta.id, scenario.format)?;
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
            .map(|(role, count)| machines_of_role(*role, *count))
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
        let services: Vec<&str> = scenario.services.iter().map(|service| service.name.as_str()).collect();
        writeln!(f, "  services   {}: {}", services.len(), services.join(", "))?;
        writeln!(
            f,
            "  network    {}, {}, between subnets by default: {:?}",
            plural(scenario.network.links.len() as u64, "WAN link"),
            plural(scenario.network.firewall.len() as u64, "firewall rule"),
            scenario.network.between_subnets
        )?;

        let threat = &scenario.threat;
        let tools: Vec<&str> = threat.tools.iter().map(|tool| tool.name.as_str()).collect();
        writeln!(
            f,
            "  threat     {}{}: {}, tools {}",
            threat.actor,
            threat
                .group
                .as_ref()
                .map(|group| format!(" ({group})"))
                .unwrap_or_default(),
            plural(threat.footholds.len() as u64, "foothold"),
            tools.join(", ")
        )?;
        let delay = threat
            .trigger
            .delay_after_install_ticks
            .map(|delay| plural(delay as u64, "tick") + " after install");
        let trigger = match (threat.trigger.time_bomb, delay) {
            (Some(bomb), None) => format!("at {}", when(&scenario.time_of(bomb))),
            (None, Some(delay)) => delay,
            (Some(bomb), Some(delay)) => format!("at {} or {delay}, whichever is later", when(&scenario.time_of(bomb))),
            (None, None) => "never".to_string(),
        };
        writeln!(
            f,
            "             {} carried, {}; the wiper fires {trigger}; a wipe takes {}",
            plural(threat.credentials.len() as u64, "credential"),
            plural(threat.c2.len() as u64, "C2 address"),
            plural(threat.wipe_duration_ticks as u64, "tick")
        )?;
        if !threat.reactions.is_empty() {
            writeln!(
                f,
                "             {} to the response",
                plural(threat.reactions.len() as u64, "reaction")
            )?;
        }
        if !scenario.data.is_empty() {
            let total: u64 = scenario.data.iter().map(|set| set.size_bytes).sum();
            let longest = threat
                .exfiltration
                .iter()
                .map(|stream| stream.since_seconds)
                .max()
                .unwrap_or(0);
            writeln!(
                f,
                "  data       {}, {} in all; {} of exfiltration, the longest from {} before the start",
                plural(scenario.data.len() as u64, "set"),
                super::values::bytes_text(total),
                plural(threat.exfiltration.len() as u64, "stream"),
                plural(longest / 86_400, "day")
            )?;
        }
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
        let activity = &scenario.activity;
        match activity.rules.is_empty() && activity.helpdesk_calls_per_mille == 0 {
            false => writeln!(
                f,
                "  activity   {}, {} of the company's own, {} helpdesk calls per 1,000 staff an hour, {} of history",
                plural(activity.rules.len() as u64, "rule"),
                plural(activity.software.len() as u64, "program"),
                activity.helpdesk_calls_per_mille,
                plural(activity.history_seconds as u64 / 3600, "hour")
            )?,
            true => writeln!(f, "  activity   none: every alert is the attack")?,
        }
        writeln!(
            f,
            "  responders {}, {}",
            plural(scenario.responders.team_size as u64, "responder"),
            plural(scenario.responders.contacts.len() as u64, "contact")
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

#[cfg(test)]
mod tests {
    use super::plural;

    #[test]
    fn counts_read_as_english() {
        assert_eq!(plural(1, "tick"), "1 tick");
        assert_eq!(plural(10_080, "tick"), "10,080 ticks");
        assert_eq!(plural(1, "C2 address"), "1 C2 address");
        assert_eq!(plural(3, "C2 address"), "3 C2 addresses");
    }
}
