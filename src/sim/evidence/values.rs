//! The values evidence is made of (process ids, ports, seconds within a tick, user names,
//! byte counts), all drawn from one integer mix of the seed and what the value is for: the
//! same run gives the same values on every platform, and reading evidence never touches the
//! simulation's random generator.

use std::net::Ipv4Addr;

use crate::scenario::model::{HostId, Scenario};

/// SplitMix64's finaliser.
fn finalise(mut value: u64) -> u64 {
    value = (value ^ (value >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    value ^ (value >> 31)
}

/// A well-mixed number from some numbers.
pub fn mix(parts: &[u64]) -> u64 {
    parts
        .iter()
        .fold(0x9e37_79b9_7f4a_7c15, |state, &part| mix_more(state, part))
}

/// `mix` of some numbers and one more, from the `mix` of the first ones: a scan over many
/// machines mixes what they share once, and each machine's number last.
pub fn mix_more(mixed: u64, part: u64) -> u64 {
    finalise(mixed ^ part.wrapping_mul(0xd6e8_feb8_6659_fd93))
}

/// A number in `0..bound` from some numbers.
pub fn pick(parts: &[u64], bound: u64) -> u64 {
    if bound == 0 { 0 } else { mix(parts) % bound }
}

/// Whether something with these odds (per-mille of per-mille: parts per million) happens.
pub fn chance(parts: &[u64], per_million: u64) -> bool {
    chance_of_mixed(mix(parts), per_million)
}

/// The same, from numbers already mixed.
pub fn chance_of_mixed(mixed: u64, per_million: u64) -> bool {
    mixed % 1_000_000 < per_million
}

/// What a value is for, so that two values drawn from the same inputs differ.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Purpose {
    Second = 1,
    Pid,
    ParentPid,
    Port,
    Bytes,
    Duration,
    Count,
    Host,
    Counterpart,
    Account,
    Choice,
    User,
}

/// A process id as Windows gives them (a multiple of four).
pub fn pid(parts: &[u64]) -> u32 {
    let mut all = parts.to_vec();
    all.push(Purpose::Pid as u64);
    400 + pick(&all, 15_000) as u32 * 4
}

/// An ephemeral source port.
pub fn ephemeral_port(parts: &[u64]) -> u16 {
    let mut all = parts.to_vec();
    all.push(Purpose::Port as u64);
    49_152 + pick(&all, 16_383) as u16
}

const GIVEN: [&str; 24] = [
    "alex", "ana", "ben", "carmen", "chen", "dana", "eli", "fatima", "grace", "hiro", "ines", "jamal", "kate", "liam",
    "maya", "nadia", "omar", "priya", "quinn", "rosa", "sam", "tomas", "uma", "yusuf",
];
const FAMILY: [&str; 24] = [
    "abbott", "baker", "castro", "dunn", "ellis", "flores", "garcia", "hughes", "ito", "jensen", "kim", "lopez",
    "meyer", "nakamura", "okafor", "patel", "quint", "reyes", "singh", "tanaka", "usman", "vance", "wong", "young",
];

/// The domain the company's accounts are in (`SPE` for `SPE\\it-ops`), or the scenario's id.
pub fn domain(scenario: &Scenario) -> String {
    scenario
        .accounts
        .iter()
        .find_map(|account| account.name.split_once('\\').map(|(domain, _)| domain.to_string()))
        .unwrap_or_else(|| scenario.meta.id.to_ascii_uppercase())
}

/// The person who uses a workstation, as an account name (`SPE\\ana.flores`): made up, the
/// same for the machine in every run.
pub fn user_of(scenario: &Scenario, host: HostId) -> String {
    let name = &scenario.hosts[host.index()].name;
    let seed = crate::checksum::Fnv1a::of(name.as_bytes());
    let given = GIVEN[(seed % GIVEN.len() as u64) as usize];
    let family = FAMILY[((seed >> 16) % FAMILY.len() as u64) as usize];
    format!("{}\\{given}.{family}", domain(scenario))
}

/// A machine's address, or the unspecified one when it has none.
pub fn address(scenario: &Scenario, host: HostId) -> Ipv4Addr {
    scenario.hosts[host.index()].address
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_fixed_by_their_inputs() {
        assert_eq!(mix(&[1, 2, 3]), mix(&[1, 2, 3]));
        assert_ne!(mix(&[1, 2, 3]), mix(&[1, 2, 4]));
        assert_ne!(mix(&[1, 2]), mix(&[2, 1]));
        // Pinned: a change of the mix changes every value evidence shows.
        assert_eq!(mix(&[7]), 0x66c2_6371_41d2_8872);
        let pids: Vec<u32> = (0..100).map(|n| pid(&[n])).collect();
        assert!(pids.iter().all(|pid| pid % 4 == 0 && (400..60_400).contains(pid)));
        assert!((0..100).map(|n| ephemeral_port(&[n])).all(|port| port >= 49_152));
    }

    #[test]
    fn mixing_more_continues_a_mix() {
        assert_eq!(mix_more(mix(&[1, 2, 3]), 4), mix(&[1, 2, 3, 4]));
        assert_eq!(mix_more(mix(&[]), 9), mix(&[9]));
    }

    #[test]
    fn chances_come_out_near_their_odds() {
        let hits = (0..100_000).filter(|n| chance(&[*n, 9], 50_000)).count();
        assert!((4_500..5_500).contains(&hits), "{hits}");
    }
}
