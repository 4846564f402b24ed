//! `telemetry` and `responders`: how ground truth becomes what the team sees, and the team.

use serde::Deserialize;

/// How ground truth becomes what the responder sees.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Telemetry {
    /// From an event on a machine with EDR to its alert.
    #[serde(default = "default_edr_delay")]
    pub edr_alert_delay: String,
    /// From an event logged on a machine that forwards logs to the collector's alert.
    #[serde(default = "default_log_delay")]
    pub log_alert_delay: String,
    /// Share of users, per-mille, who phone the helpdesk when their screen changes.
    #[serde(default = "default_report_per_mille")]
    pub report_per_mille: u32,
    /// Longest time a user takes to phone, in business hours.
    #[serde(default = "default_report_delay")]
    pub report_delay: String,
    /// How far back the perimeter keeps its flow records (format 3; 30 days by default).
    #[serde(default)]
    pub flow_retention: Option<String>,
}

impl Default for Telemetry {
    fn default() -> Self {
        Self {
            edr_alert_delay: default_edr_delay(),
            log_alert_delay: default_log_delay(),
            report_per_mille: default_report_per_mille(),
            report_delay: default_report_delay(),
            flow_retention: None,
        }
    }
}

fn default_edr_delay() -> String {
    "2m".to_string()
}

fn default_log_delay() -> String {
    "10m".to_string()
}

fn default_report_per_mille() -> u32 {
    300
}

fn default_report_delay() -> String {
    "15m".to_string()
}

/// The response team.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Responders {
    pub team_size: u32,
    /// The office whose clock their working hours follow.
    pub office: String,
    #[serde(default = "default_working_hours")]
    pub working_hours: String,
    /// Parties the team may notify (executives, legal, law enforcement...).
    #[serde(default)]
    pub contacts: Vec<String>,
}

fn default_working_hours() -> String {
    "00:00-24:00".to_string()
}
