//! Who can reach whom: subnets, firewall rules by port, live WAN links, and which machines
//! are switched on at a given tick (workstations follow their office's hours).

use bevy::prelude::*;

use crate::scenario::model::{GroupId, HostGroup, HostId, OfficeId, Policy, Role, Scenario, Scope, Tick};

use super::state::HostTruth;

/// Decisions between host groups per port, filled in as the worm asks.
#[derive(Resource)]
pub struct Reachability {
    /// Whether each WAN link is up.
    pub link_up: Vec<bool>,
    /// `connected[a * offices + b]`: a path of live links joins the two offices.
    connected: Vec<bool>,
    offices: usize,
    groups: usize,
    /// Per port asked about: `(port, decisions)` with 0 unknown, 1 allowed, 2 denied.
    decisions: Vec<(u16, Vec<u8>)>,
    /// A rule naming single machines cannot be decided per group.
    per_host_rules: bool,
    /// Ports the responder blocked between two scopes, checked before the scenario's rules.
    pub blocks: Vec<(u16, Scope, Scope)>,
    /// Outside addresses the responder blocked at the perimeter, in the order blocked.
    pub blocked_addresses: Vec<std::net::Ipv4Addr>,
}

impl Reachability {
    pub(super) fn new(scenario: &Scenario) -> Self {
        let per_host_rules = scenario
            .network
            .firewall
            .iter()
            .any(|rule| matches!(rule.from, Scope::Host(_)) || matches!(rule.to, Scope::Host(_)));
        let mut reachability = Self {
            link_up: vec![true; scenario.network.links.len()],
            connected: Vec::new(),
            offices: scenario.offices.len(),
            groups: scenario.host_groups.len(),
            decisions: Vec::new(),
            per_host_rules,
            blocks: Vec::new(),
            blocked_addresses: Vec::new(),
        };
        reachability.refresh_links(scenario);
        reachability
    }

    /// Recomputes which offices can talk, after a link changed.
    pub fn refresh_links(&mut self, scenario: &Scenario) {
        let count = self.offices;
        self.connected = vec![false; count * count];
        for start in 0..count {
            let mut stack = vec![start];
            while let Some(office) = stack.pop() {
                if std::mem::replace(&mut self.connected[start * count + office], true) {
                    continue;
                }
                for (link, up) in scenario.network.links.iter().zip(&self.link_up) {
                    let [a, b] = link.ends;
                    if *up && a.index() == office && !self.connected[start * count + b.index()] {
                        stack.push(b.index());
                    } else if *up && b.index() == office && !self.connected[start * count + a.index()] {
                        stack.push(a.index());
                    }
                }
            }
        }
        self.decisions.clear();
    }

    fn offices_connected(&self, a: OfficeId, b: OfficeId) -> bool {
        self.connected[a.index() * self.offices + b.index()]
    }

    /// Whether a connection from `source` to `target` on `port` gets through the network.
    pub fn allows(&mut self, scenario: &Scenario, source: HostId, target: HostId, port: u16) -> bool {
        let group_of = |host: HostId| scenario.hosts[host.index()].group;
        let (from_group, to_group) = (group_of(source), group_of(target));
        self.allows_between(scenario, (source, from_group), to_group, || target, port)
    }

    /// The same, with the machines' groups known (the worm keeps its targets' at hand): the
    /// target itself is looked up only when single-machine rules need it.
    pub fn allows_between(
        &mut self,
        scenario: &Scenario,
        (source, from_group): (HostId, GroupId),
        to_group: GroupId,
        target: impl Fn() -> HostId,
        port: u16,
    ) -> bool {
        // Groups rather than machines: the group table stays in cache, the machines do not.
        let (from, to) = (
            &scenario.host_groups[from_group.index()],
            &scenario.host_groups[to_group.index()],
        );
        if from.subnet == to.subnet {
            return true;
        }
        if !self.offices_connected(from.office, to.office) {
            return false;
        }
        if self.per_host_rules {
            return self.decide(scenario, source, target(), port);
        }
        // Without single-machine rules a decision holds for whole host groups.
        let slot = from_group.index() * self.groups + to_group.index();
        let table = match self.decisions.iter().position(|(known, _)| *known == port) {
            Some(index) => index,
            None => {
                self.decisions.push((port, vec![0; self.groups * self.groups]));
                self.decisions.len() - 1
            }
        };
        match self.decisions[table].1[slot] {
            1 => true,
            2 => false,
            _ => {
                let allowed = self.decide(scenario, source, target(), port);
                self.decisions[table].1[slot] = if allowed { 1 } else { 2 };
                allowed
            }
        }
    }
}

impl Reachability {
    /// Adds or removes a responder's block; returns whether anything changed.
    pub fn set_block(&mut self, port: u16, from: Scope, to: Scope, blocked: bool) -> bool {
        let rule = (port, from, to);
        let present = self.blocks.contains(&rule);
        match (blocked, present) {
            (true, false) => self.blocks.push(rule),
            (false, true) => self.blocks.retain(|known| *known != rule),
            _ => return false,
        }
        self.per_host_rules |= self
            .blocks
            .iter()
            .any(|(_, from, to)| matches!(from, Scope::Host(_)) || matches!(to, Scope::Host(_)));
        self.decisions.clear();
        true
    }

    fn decide(&self, scenario: &Scenario, source: HostId, target: HostId, port: u16) -> bool {
        let blocked = self.blocks.iter().any(|(blocked, from, to)| {
            *blocked == port && scenario.contains(from, source) && scenario.contains(to, target)
        });
        !blocked && first_matching_rule(scenario, source, target, port)
    }
}

/// The firewall's answer: the first rule that matches decides, else the default.
fn first_matching_rule(scenario: &Scenario, source: HostId, target: HostId, port: u16) -> bool {
    let network = &scenario.network;
    let rule = network.firewall.iter().find(|rule| {
        rule.ports.as_ref().is_none_or(|ports| ports.contains(&port))
            && scenario.contains(&rule.from, source)
            && scenario.contains(&rule.to, target)
    });
    rule.map_or(network.between_subnets, |rule| rule.action) == Policy::Allow
}

/// Each office's opening hours over the whole exercise, in its own time zone.
#[derive(Resource)]
pub struct OfficeHours {
    /// `open[office][tick]`.
    open: Vec<Vec<bool>>,
    /// `next_open[office][tick]`: the first open tick at or after `tick` (or past the end).
    next_open: Vec<Vec<u32>>,
}

impl OfficeHours {
    pub(super) fn new(scenario: &Scenario) -> Self {
        let ticks = scenario.meta.duration_ticks as usize + 1;
        let mut open = Vec::with_capacity(scenario.offices.len());
        let mut next_open = Vec::with_capacity(scenario.offices.len());
        for (index, office) in scenario.offices.iter().enumerate() {
            let days: Vec<jiff::civil::Weekday> = office.work_days.iter().map(|day| weekday(*day)).collect();
            let flags: Vec<bool> = (0..ticks)
                .map(|tick| {
                    let local = scenario.local_time(OfficeId(index as u32), Tick(tick as u32));
                    let minute = local.hour() as u16 * 60 + local.minute() as u16;
                    days.contains(&local.weekday()) && office.business_hours.contains(minute)
                })
                .collect();
            let mut next = vec![ticks as u32; ticks];
            let mut upcoming = ticks as u32;
            for tick in (0..ticks).rev() {
                if flags[tick] {
                    upcoming = tick as u32;
                }
                next[tick] = upcoming;
            }
            open.push(flags);
            next_open.push(next);
        }
        Self { open, next_open }
    }

    /// How many offices there are.
    pub fn offices(&self) -> usize {
        self.open.len()
    }

    /// Whether the office is open at a tick.
    pub fn is_open(&self, office: OfficeId, tick: Tick) -> bool {
        self.open[office.index()].get(tick.0 as usize).copied().unwrap_or(false)
    }

    /// The first tick at or after `tick` when the office is open (past the end if never).
    pub fn next_open(&self, office: OfficeId, tick: Tick) -> Tick {
        let next = &self.next_open[office.index()];
        Tick(next.get(tick.0 as usize).copied().unwrap_or(u32::MAX))
    }
}

fn weekday(day: crate::scenario::model::Weekday) -> jiff::civil::Weekday {
    use crate::scenario::model::Weekday as Day;
    use jiff::civil::Weekday as Civil;
    match day {
        Day::Mon => Civil::Monday,
        Day::Tue => Civil::Tuesday,
        Day::Wed => Civil::Wednesday,
        Day::Thu => Civil::Thursday,
        Day::Fri => Civil::Friday,
        Day::Sat => Civil::Saturday,
        Day::Sun => Civil::Sunday,
    }
}

/// Whether a machine is switched on: servers always, workstations in office hours or when
/// their user left them on, nothing the responder switched off.
pub fn is_powered(hours: &OfficeHours, truth: &HostTruth, group: &HostGroup, tick: Tick) -> bool {
    if truth.powered_off {
        return false;
    }
    group.role != Role::Workstation || truth.left_on || hours.is_open(group.office, tick)
}
