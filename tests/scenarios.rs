//! The shipped scenarios: valid, and faithful to what they claim.

use std::path::Path;

use redscreen::scenario::model::{Channel, Goal, Role, Scenario, ToolKind, When};
use redscreen::scenario::{FLAGSHIP_SOURCE, Limits, load_file, load_flagship};

fn shipped(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name);
    load_file(&path, &Limits::default()).unwrap_or_else(|error| panic!("{name}: {error}"))
}

#[test]
fn the_embedded_flagship_is_the_shipped_file() {
    let file = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sony-2014.ron"))
        .expect("the flagship file exists");
    assert_eq!(file, FLAGSHIP_SOURCE);
    assert!(load_flagship(&Limits::default()).is_ok());
}

#[test]
fn the_flagship_has_the_public_machine_counts() {
    let sony = shipped("sony-2014.ron");
    let workstations = sony.hosts.iter().filter(|host| host.role == Role::Workstation).count();
    assert_eq!(workstations, 6_797, "PCs (Fortune, 2015)");
    assert_eq!(sony.hosts.len() - workstations, 1_555, "servers (Fortune, 2015)");
    for role in [
        Role::DomainController,
        Role::MailServer,
        Role::FileServer,
        Role::BackupServer,
        Role::ProductionServer,
    ] {
        assert!(sony.hosts.iter().any(|host| host.role == role), "no {role:?}");
    }
}

#[test]
fn the_flagship_spans_culver_city_new_york_and_offices_abroad() {
    let sony = shipped("sony-2014.ron");
    let names: Vec<&str> = sony.offices.iter().map(|office| office.name.as_str()).collect();
    assert!(names.contains(&"culver-city") && names.contains(&"new-york"));
    let abroad = sony
        .offices
        .iter()
        .filter(|office| !office.time_zone.iana_name().unwrap_or("").starts_with("America/"))
        .count();
    assert!(abroad >= 2, "offices abroad: {names:?}");
}

#[test]
fn the_flagship_wiper_fires_on_monday_24_november_2014_at_7_pacific() {
    let sony = shipped("sony-2014.ron");
    let bomb = sony.threat.trigger.time_bomb.expect("a time bomb");
    let time = sony.time_of(bomb);
    assert_eq!(
        time.strftime("%A %Y-%m-%d %H:%M %Z").to_string(),
        "Monday 2014-11-24 07:00 PST"
    );
}

#[test]
fn the_flagship_carries_the_destover_toolset() {
    let sony = shipped("sony-2014.ron");
    let threat = &sony.threat;
    let files: Vec<&str> = threat
        .tools
        .iter()
        .flat_map(|tool| &tool.files)
        .map(|file| file.name.as_str())
        .collect();
    for name in [
        "igfxtrayex.exe",
        "diskpartmg16.exe",
        "taskhosts64.exe",
        "net_ver.dat",
        "usbdrv3.sys",
        "iissvr.exe",
        "walls.bmp",
        "ams.exe",
    ] {
        assert!(files.contains(&name), "{name} missing");
    }
    let services: Vec<&str> = threat
        .tools
        .iter()
        .flat_map(|tool| &tool.services)
        .map(String::as_str)
        .collect();
    assert!(services.contains(&"Windows Schedule Management"));
    let ports: Vec<u16> = threat
        .tools
        .iter()
        .flat_map(|tool| tool.listen_ports.iter().copied())
        .collect();
    assert!(ports.contains(&195) && ports.contains(&444), "listening implant ports");
    assert_eq!(threat.spread.ports, vec![445]);
    let techniques: Vec<&str> = threat
        .tools
        .iter()
        .flat_map(|tool| &tool.techniques)
        .map(String::as_str)
        .collect();
    for id in ["T1021.002", "T1047", "T1110.001", "T1561.002", "T1485", "T1491.001"] {
        assert!(techniques.contains(&id), "{id} missing");
    }
    for kind in [
        ToolKind::Worm,
        ToolKind::Implant,
        ToolKind::Backdoor,
        ToolKind::Proxy,
        ToolKind::Wiper,
        ToolKind::Cleaner,
    ] {
        assert!(
            threat.tools.iter().any(|tool| tool.kind == kind),
            "no {kind:?} (TA14-353A)"
        );
    }
    assert_eq!(threat.group.as_deref(), Some("G0032"));
    assert!(!threat.credentials.is_empty(), "the hard-coded credentials");
}

#[test]
fn the_flagship_page_and_injects_tell_the_story() {
    let sony = shipped("sony-2014.ron");
    assert_eq!(sony.screen.headline, "Hacked By #GOP");
    assert_eq!(sony.screen.links.len(), 5);
    let channels: Vec<Channel> = sony.injects.iter().map(|inject| inject.channel).collect();
    for channel in [Channel::Phone, Channel::Email, Channel::Press, Channel::Leak] {
        assert!(channels.contains(&channel), "no {channel:?} inject");
    }
    assert!(
        sony.injects
            .iter()
            .any(|inject| matches!(inject.when, When::Share { .. }))
    );
    let weights: u32 = sony.rubric.objectives.iter().map(|objective| objective.weight).sum();
    assert_eq!(weights, 100);
    assert!(
        sony.rubric
            .objectives
            .iter()
            .any(|objective| objective.goal == Goal::SaveMachines)
    );
}

#[test]
fn the_tutorial_is_small_and_commented() {
    let tutorial = shipped("tutorial.ron");
    assert_eq!(tutorial.offices.len(), 2);
    assert!(
        (25..=35).contains(&tutorial.hosts.len()),
        "{} machines",
        tutorial.hosts.len()
    );
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tutorial.ron"))
        .expect("readable");
    let comments = text.lines().filter(|line| line.trim_start().starts_with("//")).count();
    assert!(comments >= 60, "only {comments} comment lines");
}
