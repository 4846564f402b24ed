//! The small text formats inside a scenario: durations, local times, clock ranges, CIDRs,
//! colours, ATT&CK ids and host-name patterns. Each parser says what it expected.

use std::fmt;
use std::net::Ipv4Addr;

/// Parses `45m`, `2h`, `1h30m`, `7d` or `90s` into seconds.
/// A quantity of data such as `400GB`, `35TB` or `1.5TB`, in bytes (decimal units, as
/// storage is sold and reported).
pub fn parse_size(text: &str) -> Result<u64, String> {
    const EXPECTED: &str = "expected a size such as 400GB, 35TB or 1.5TB";
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(|| format!("no unit: {EXPECTED}"))?;
    let (number, unit) = text.split_at(split);
    let scale: f64 = match unit {
        "B" => 1.0,
        "KB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        "TB" => 1e12,
        "PB" => 1e15,
        _ => return Err(format!("unknown unit `{unit}`: {EXPECTED}")),
    };
    let amount: f64 = number.parse().map_err(|_| EXPECTED.to_string())?;
    let bytes = amount * scale;
    if !(bytes >= 1.0 && bytes < u64::MAX as f64) {
        return Err(format!("`{text}` is not a size: {EXPECTED}"));
    }
    Ok(bytes.round() as u64)
}

/// Bytes for people, in the largest decimal unit that keeps a whole number in front
/// (`16.8 TB`, `420 GB`).
pub fn bytes_text(bytes: u64) -> String {
    let units = [(1e15, "PB"), (1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB")];
    for (scale, unit) in units {
        let amount = bytes as f64 / scale;
        if amount >= 1.0 {
            return match amount < 100.0 {
                true => format!("{:.1} {unit}", amount).replace(".0 ", " "),
                false => format!("{amount:.0} {unit}"),
            };
        }
    }
    format!("{bytes} B")
}

pub fn parse_duration(text: &str) -> Result<u64, String> {
    const EXPECTED: &str = "expected a duration such as 45m, 2h, 1h30m or 7d";
    let text = text.trim();
    if text.is_empty() {
        return Err(EXPECTED.to_string());
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if c.is_whitespace() {
            return Err(format!("write it without spaces: {EXPECTED}"));
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            _ => return Err(format!("unknown unit `{c}`: {EXPECTED}")),
        };
        let amount: u64 = digits.parse().map_err(|_| EXPECTED.to_string())?;
        digits.clear();
        total = amount
            .checked_mul(unit)
            .and_then(|seconds| total.checked_add(seconds))
            .ok_or_else(|| "duration too long".to_string())?;
    }
    if !digits.is_empty() {
        return Err(format!("`{digits}` has no unit: {EXPECTED}"));
    }
    Ok(total)
}

/// Parses a local date and time, `YYYY-MM-DD HH:MM`.
pub fn parse_local_time(text: &str) -> Result<jiff::civil::DateTime, String> {
    const EXPECTED: &str = "expected a local time such as 2014-11-24 07:00";
    let (date, clock) = text.trim().split_once(' ').ok_or(EXPECTED)?;
    let mut parts = date.split('-');
    let (Some(year), Some(month), Some(day), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(EXPECTED.to_string());
    };
    let (hour, minute) = parse_clock(clock)?;
    if hour == 24 {
        return Err(format!("24:00 is not a time of day: {EXPECTED}"));
    }
    let number = |part: &str, width: usize| -> Result<i16, String> {
        if part.len() != width || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(EXPECTED.to_string());
        }
        part.parse().map_err(|_| EXPECTED.to_string())
    };
    let date = jiff::civil::Date::new(number(year, 4)?, number(month, 2)? as i8, number(day, 2)? as i8)
        .map_err(|error| format!("no such date: {error}"))?;
    Ok(date.at(hour as i8, minute as i8, 0, 0))
}

/// Parses `HH:MM` (`24:00` allowed, as the end of a day) into hours and minutes.
pub fn parse_clock(text: &str) -> Result<(u8, u8), String> {
    const EXPECTED: &str = "expected a time of day such as 08:30";
    let (hours, minutes) = text.split_once(':').ok_or(EXPECTED)?;
    let two_digits = |part: &str| -> Result<u8, String> {
        if part.len() != 2 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(EXPECTED.to_string());
        }
        part.parse().map_err(|_| EXPECTED.to_string())
    };
    let (hours, minutes) = (two_digits(hours)?, two_digits(minutes)?);
    if minutes > 59 || hours > 24 || (hours == 24 && minutes > 0) {
        return Err(format!("{text} is not a time of day"));
    }
    Ok((hours, minutes))
}

/// Daily hours as minutes after midnight, `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockRange {
    pub start_minute: u16,
    pub end_minute: u16,
}

impl ClockRange {
    /// Parses `08:00-18:00`; the end must come after the start.
    pub fn parse(text: &str) -> Result<Self, String> {
        const EXPECTED: &str = "expected hours such as 08:00-18:00";
        let (start, end) = text.split_once('-').ok_or(EXPECTED)?;
        let minutes = |(hours, minutes): (u8, u8)| hours as u16 * 60 + minutes as u16;
        let range = Self {
            start_minute: minutes(parse_clock(start.trim())?),
            end_minute: minutes(parse_clock(end.trim())?),
        };
        if range.end_minute <= range.start_minute {
            return Err(format!("{text} ends before it starts: {EXPECTED}"));
        }
        Ok(range)
    }

    /// Parses hours that may run past midnight, such as `22:00-06:00`.
    pub fn parse_overnight(text: &str) -> Result<Self, String> {
        const EXPECTED: &str = "expected hours such as 22:00-06:00";
        let (start, end) = text.split_once('-').ok_or(EXPECTED)?;
        let minutes = |(hours, minutes): (u8, u8)| hours as u16 * 60 + minutes as u16;
        let range = Self {
            start_minute: minutes(parse_clock(start.trim())?),
            end_minute: minutes(parse_clock(end.trim())?),
        };
        if range.end_minute == range.start_minute || range.end_minute > 1440 || range.start_minute >= 1440 {
            return Err(format!("{text} covers no time: {EXPECTED}"));
        }
        Ok(range)
    }

    /// Whether a minute of the day falls inside (across midnight when the end comes first).
    pub fn contains(&self, minute_of_day: u16) -> bool {
        match self.start_minute < self.end_minute {
            true => (self.start_minute..self.end_minute).contains(&minute_of_day),
            false => minute_of_day >= self.start_minute || minute_of_day < self.end_minute,
        }
    }
}

impl fmt::Display for ClockRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (start, end) = (self.start_minute, self.end_minute);
        write!(f, "{:02}:{:02}-{:02}:{:02}", start / 60, start % 60, end / 60, end % 60)
    }
}

/// A digest of `bytes` bytes in lower-case hex made from some text: stands in for a file's
/// hash where the scenario gives none (the same names give the same digest everywhere).
pub fn made_up_digest(text: &str, bytes: usize) -> String {
    (0..bytes.div_ceil(8))
        .flat_map(|part| {
            let mut hash = crate::checksum::Fnv1a::default();
            hash.write(text.as_bytes());
            hash.write_u32(part as u32);
            hash.finish().to_be_bytes()
        })
        .take(bytes)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// An IPv4 network, such as `10.10.0.0/20`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cidr {
    pub network: Ipv4Addr,
    pub prefix: u8,
}

/// Why a CIDR was refused, with the corrected form when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CidrError {
    pub reason: String,
    pub did_you_mean: Option<String>,
}

impl Cidr {
    /// Parses `a.b.c.d/n`; refuses host bits set after the prefix.
    pub fn parse(text: &str) -> Result<Self, CidrError> {
        let refuse = |reason: &str| CidrError {
            reason: reason.to_string(),
            did_you_mean: None,
        };
        let (address, prefix) = text
            .split_once('/')
            .ok_or_else(|| refuse("expected an IPv4 network such as 10.10.0.0/20"))?;
        let address: Ipv4Addr = address
            .parse()
            .map_err(|_| refuse("expected an IPv4 address before the `/`, such as 10.10.0.0"))?;
        let prefix: u8 = prefix
            .parse()
            .ok()
            .filter(|prefix| (8..=30).contains(prefix))
            .ok_or_else(|| refuse("expected a prefix length from /8 to /30 after the `/`"))?;
        let cidr = Self {
            network: address,
            prefix,
        };
        let network = Ipv4Addr::from(u32::from(address) & cidr.mask());
        if network != address {
            return Err(CidrError {
                reason: format!("{address} has host bits set for a /{prefix}"),
                did_you_mean: Some(format!("{network}/{prefix}")),
            });
        }
        Ok(cidr)
    }

    fn mask(&self) -> u32 {
        u32::MAX.checked_shl(32 - self.prefix.min(32) as u32).unwrap_or(0)
    }

    /// Addresses usable by machines: all but the network and broadcast addresses.
    pub fn usable_hosts(&self) -> u64 {
        (1u64 << (32 - self.prefix.min(32) as u32)).saturating_sub(2)
    }

    /// The `index`-th usable address (0 is the first after the network address).
    pub fn host_address(&self, index: u32) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.network).wrapping_add(index).wrapping_add(1))
    }

    /// Whether two networks share any address.
    /// Whether an address lies inside the network.
    pub fn contains(&self, address: Ipv4Addr) -> bool {
        u32::from(address) & self.mask() == u32::from(self.network)
    }

    pub fn overlaps(&self, other: &Cidr) -> bool {
        let shorter = self.prefix.min(other.prefix).min(32);
        let mask = u32::MAX.checked_shl(32 - shorter as u32).unwrap_or(0);
        u32::from(self.network) & mask == u32::from(other.network) & mask
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// An RGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub [u8; 3]);

impl Rgb {
    /// Parses `#rrggbb`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let hex = text
            .strip_prefix('#')
            .filter(|hex| hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or("expected a colour such as #c00000")?;
        let channel = |at: usize| u8::from_str_radix(&hex[at..at + 2], 16).unwrap_or(0);
        Ok(Self([channel(0), channel(2), channel(4)]))
    }
}

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [r, g, b] = self.0;
        write!(f, "#{r:02x}{g:02x}{b:02x}")
    }
}

/// Whether `text` has the form of a MITRE ATT&CK id: `T1485`, `T1021.002`, `G0032`, `S0364`.
pub fn is_attack_id(text: &str, letter: char) -> bool {
    let Some(rest) = text.strip_prefix(letter) else {
        return false;
    };
    let (main, sub) = match rest.split_once('.') {
        Some((main, sub)) if letter == 'T' => (main, Some(sub)),
        Some(_) => return false,
        None => (rest, None),
    };
    let digits = |part: &str, count: usize| part.len() == count && part.bytes().all(|b| b.is_ascii_digit());
    digits(main, 4) && sub.is_none_or(|sub| digits(sub, 3))
}

/// A host name with an optional number placeholder: `SPE-CC-WS-{n:04}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePattern {
    prefix: String,
    /// `None` for a plain name; otherwise the zero-padded width of the number.
    number_width: Option<usize>,
    suffix: String,
}

impl NamePattern {
    /// Parses a name with at most one `{n}` or `{n:0W}` placeholder.
    pub fn parse(text: &str) -> Result<Self, String> {
        const EXPECTED: &str = "expected one placeholder `{n}` or `{n:04}` in the name";
        let Some(open) = text.find('{') else {
            if text.contains('}') {
                return Err(format!("stray `}}`: {EXPECTED}"));
            }
            return Ok(Self::plain(text));
        };
        let close = text[open..].find('}').map(|at| open + at).ok_or(EXPECTED)?;
        let (prefix, placeholder, suffix) = (&text[..open], &text[open + 1..close], &text[close + 1..]);
        if suffix.contains(['{', '}']) || prefix.contains('}') {
            return Err(format!("more than one placeholder: {EXPECTED}"));
        }
        let number_width = match placeholder {
            "n" => 0,
            _ => placeholder
                .strip_prefix("n:0")
                .and_then(|width| width.parse::<usize>().ok())
                .filter(|width| (1..=9).contains(width))
                .ok_or_else(|| format!("`{{{placeholder}}}` is not a placeholder: {EXPECTED}"))?,
        };
        Ok(Self {
            prefix: prefix.to_string(),
            number_width: Some(number_width),
            suffix: suffix.to_string(),
        })
    }

    /// A name taken as it is, without a placeholder.
    pub fn plain(name: &str) -> Self {
        Self {
            prefix: name.to_string(),
            number_width: None,
            suffix: String::new(),
        }
    }

    /// Whether the name has a number placeholder.
    pub fn is_template(&self) -> bool {
        self.number_width.is_some()
    }

    /// The name of the machine numbered `number`.
    pub fn name(&self, number: u64) -> String {
        match self.number_width {
            None => self.prefix.clone(),
            Some(width) => format!("{}{number:0width$}{}", self.prefix, self.suffix),
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn sizes_read_in_decimal_units_and_print_back() {
        assert_eq!(parse_size("400GB"), Ok(400_000_000_000));
        assert_eq!(parse_size("1.5TB"), Ok(1_500_000_000_000));
        assert!(parse_size("35 TB").unwrap_err().contains("unknown unit"));
        assert!(parse_size("12").unwrap_err().contains("no unit"));
        assert!(parse_size("0GB").is_err());
        assert_eq!(bytes_text(16_800_000_000_000), "16.8 TB");
        assert_eq!(bytes_text(420_000_000_000), "420 GB");
        assert_eq!(bytes_text(2_000_000_000_000), "2 TB");
    }

    use super::*;

    #[test]
    fn hours_may_run_past_midnight() {
        let night = ClockRange::parse_overnight("22:00-06:00").unwrap();
        assert!(night.contains(23 * 60) && night.contains(5 * 60 + 59) && !night.contains(6 * 60));
        let day = ClockRange::parse_overnight("08:00-18:00").unwrap();
        assert!(day.contains(8 * 60) && !day.contains(18 * 60));
        assert!(ClockRange::parse_overnight("06:00-06:00").is_err());
        assert!(
            ClockRange::parse("22:00-06:00").is_err(),
            "business hours stay within a day"
        );
    }

    #[test]
    fn durations_add_their_parts() {
        assert_eq!(parse_duration("45m"), Ok(2_700));
        assert_eq!(parse_duration("1h30m"), Ok(5_400));
        assert_eq!(parse_duration("7d"), Ok(604_800));
        assert!(parse_duration("45").unwrap_err().contains("no unit"));
        assert!(parse_duration("5y").unwrap_err().contains("unknown unit `y`"));
        assert!(parse_duration("").is_err());
        assert!(parse_duration("99999999999999999999d").is_err());
    }

    #[test]
    fn local_times_need_a_real_date_and_clock() {
        let time = parse_local_time("2014-11-24 07:00").unwrap();
        assert_eq!((time.year(), time.month(), time.day(), time.hour()), (2014, 11, 24, 7));
        assert!(
            parse_local_time("2014-11-31 07:00")
                .unwrap_err()
                .contains("no such date")
        );
        assert!(parse_local_time("24/11/2014 07:00").is_err());
        assert!(parse_local_time("2014-11-24 24:00").is_err());
        assert!(parse_local_time("2014-11-24T07:00").is_err());
    }

    #[test]
    fn clock_ranges_run_forwards() {
        let range = ClockRange::parse("08:00-18:30").unwrap();
        assert!(range.contains(8 * 60) && !range.contains(18 * 60 + 30));
        assert_eq!(range.to_string(), "08:00-18:30");
        assert_eq!(ClockRange::parse("00:00-24:00").unwrap().end_minute, 1_440);
        assert!(ClockRange::parse("18:00-08:00").is_err());
        assert!(ClockRange::parse("8-18").is_err());
    }

    #[test]
    fn cidrs_refuse_host_bits_and_suggest_the_network() {
        let cidr = Cidr::parse("10.10.0.0/20").unwrap();
        assert_eq!(cidr.usable_hosts(), 4_094);
        assert_eq!(cidr.host_address(0).to_string(), "10.10.0.1");
        let error = Cidr::parse("10.10.1.0/20").unwrap_err();
        assert_eq!(error.did_you_mean.as_deref(), Some("10.10.0.0/20"));
        assert!(Cidr::parse("10.10.0.0").is_err());
        assert!(Cidr::parse("10.300.0.0/16").is_err());
        assert!(Cidr::parse("10.0.0.0/31").is_err());
        let unusable = Cidr {
            network: Ipv4Addr::UNSPECIFIED,
            prefix: 32,
        };
        assert_eq!(unusable.usable_hosts(), 0);
        assert!(unusable.overlaps(&unusable));
        assert!(cidr.overlaps(&Cidr::parse("10.10.8.0/24").unwrap()));
        assert!(!cidr.overlaps(&Cidr::parse("10.10.16.0/24").unwrap()));
    }

    #[test]
    fn groups_digits_by_three() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(6_797), "6,797");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn colours_are_six_hex_digits() {
        assert_eq!(Rgb::parse("#c00000"), Ok(Rgb([0xc0, 0, 0])));
        assert!(Rgb::parse("red").is_err());
        assert!(Rgb::parse("#c000").is_err());
    }

    #[test]
    fn attack_ids_have_their_shape() {
        assert!(is_attack_id("T1021.002", 'T'));
        assert!(is_attack_id("T1485", 'T'));
        assert!(is_attack_id("G0032", 'G'));
        assert!(!is_attack_id("T102", 'T'));
        assert!(!is_attack_id("G0032.001", 'G'));
        assert!(!is_attack_id("t1485", 'T'));
    }

    #[test]
    fn name_patterns_number_their_hosts() {
        let pattern = NamePattern::parse("SPE-CC-WS-{n:04}").unwrap();
        assert_eq!(pattern.name(12), "SPE-CC-WS-0012");
        assert_eq!(NamePattern::parse("ws{n}.corp").unwrap().name(7), "ws7.corp");
        assert!(!NamePattern::parse("SPE-CC-DC-01").unwrap().is_template());
        assert!(NamePattern::parse("a{n}{n}").is_err());
        assert!(NamePattern::parse("a{x}").is_err());
        assert!(NamePattern::parse("a{n").is_err());
    }
}
