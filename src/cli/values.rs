//! Argument values checked once, where they are read: moments of the exercise (a local time
//! or a tick), window and page sizes, clock speeds; and the scenario's machines by name.

use redscreen::exercise::SPEEDS;
use redscreen::scenario::Scenario;
use redscreen::scenario::diagnostic::closest;
use redscreen::scenario::model::{HostId, Tick};

use super::CliError;

/// A moment of the exercise given to `flag`: a local time (`2014-11-24 07:30`, or `HH:MM` on
/// the first day) or a tick number, inside the exercise.
pub fn moment(scenario: &Scenario, flag: &str, text: &str) -> Result<Tick, CliError> {
    scenario
        .tick_at(text)
        .map_err(|reason| CliError::Usage(format!("{flag}: {reason}")))
}

/// An optional moment.
pub fn moment_if(scenario: &Scenario, flag: &str, text: Option<&str>) -> Result<Option<Tick>, CliError> {
    text.map(|text| moment(scenario, flag, text)).transpose()
}

/// `WIDTHxHEIGHT` in pixels, from 16 to 16,384 each way.
pub fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (width, height) = text
        .split_once(['x', 'X'])
        .ok_or("expected WIDTHxHEIGHT, such as 1920x1080")?;
    let number = |part: &str| {
        part.trim()
            .parse::<u32>()
            .ok()
            .filter(|pixels| (16..=16_384).contains(pixels))
            .ok_or_else(|| format!("`{part}` is not a number of pixels from 16 to 16384"))
    };
    Ok((number(width)?, number(height)?))
}

/// A clock speed in simulated seconds per real second: one of `SPEEDS`, or 0 to start paused.
pub fn parse_speed(text: &str) -> Result<u32, String> {
    text.parse::<u32>()
        .ok()
        .filter(|speed| *speed == 0 || SPEEDS.contains(speed))
        .ok_or_else(|| format!("the speed is 0 (paused) or one of {SPEEDS:?}"))
}

/// A machine named on the command line; an unknown name is reported with the closest one.
pub fn machine_named(scenario: &Scenario, name: &str) -> Result<HostId, CliError> {
    scenario.host_named(name).ok_or_else(|| {
        let close = closest(name, scenario.hosts.iter().map(|host| host.name.as_str()));
        let hint = close
            .map(|close| format!(" (did you mean `{close}`?)"))
            .unwrap_or_default();
        CliError::Usage(format!("no machine is named `{name}`{hint}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_speeds_are_checked() {
        assert_eq!(parse_size("1280x720"), Ok((1280, 720)));
        assert!(parse_size("1280").is_err());
        assert!(parse_size("0x720").is_err());
        assert!(parse_size("99999x10").is_err());
        assert_eq!(parse_speed("60"), Ok(60));
        assert_eq!(parse_speed("0"), Ok(0));
        assert!(parse_speed("7").is_err());
    }
}
