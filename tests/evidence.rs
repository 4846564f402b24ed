//! Evidence as a responder reads it: every kind of the attack's traces becomes a record with
//! the fields forensic tools show, and the company's ordinary activity leaves records of the
//! same kinds, by role, the same for a seed and different for another.

use std::collections::BTreeSet;
use std::sync::Arc;

use redscreen::scenario::model::{ActivityKind, HostId, Role, Scenario};
use redscreen::sim::{Body, EvidenceStore, Record, RecordKey, Simulation, Trace};
use redscreen::testing::{flagship, minimal_with, run_to_end, tutorial};

/// The flagship at 08:00 on Monday, seed 1: the worm has spread for an hour.
fn spread() -> Simulation {
    flagship_at("2014-11-24 08:00", 1)
}

fn flagship_at(local: &str, seed: u64) -> Simulation {
    let scenario = flagship();
    let mut simulation = Simulation::new(Arc::clone(&scenario), seed);
    simulation.run_through(scenario.tick_at(local).expect("inside"), |_| {});
    simulation
}

/// The record of the first trace that matches.
fn first_record(simulation: &Simulation, wanted: impl Fn(&Trace) -> bool) -> Record {
    let store = simulation.world().resource::<EvidenceStore>();
    let (index, _) = store
        .iter()
        .find(|(_, evidence)| wanted(&evidence.trace))
        .expect("the attack left such a trace");
    simulation.record(RecordKey::Trace(index)).expect("it reads back")
}

fn field(record: &Record, scenario: &Scenario, name: &str) -> String {
    record
        .fields(scenario)
        .into_iter()
        .find(|(field, _)| *field == name)
        .map(|(_, value)| value)
        .unwrap_or_else(|| panic!("no `{name}` in {:?}", record.fields(scenario)))
}

fn event(simulation: &Simulation, id: u16) -> Record {
    first_record(
        simulation,
        |trace| matches!(trace, Trace::Event { id: found, .. } if *found == id),
    )
}

#[test]
fn logons_name_the_account_the_type_and_the_machine_they_came_from() {
    let flagship = spread();
    // The tutorial's worm has to guess its way onto the servers: failed logons.
    let tutorial = run_to_end(tutorial(), 1);
    for (simulation, id) in [(&flagship, 4624), (&tutorial, 4625)] {
        let scenario = simulation.scenario();
        let record = event(simulation, id);
        for name in ["channel", "event_id", "provider", "computer", "time"] {
            field(&record, scenario, name);
        }
        assert_eq!(field(&record, scenario, "channel"), "Security");
        assert_eq!(field(&record, scenario, "event_id"), id.to_string());
        assert_eq!(field(&record, scenario, "LogonType"), "3");
        assert_eq!(field(&record, scenario, "SubjectUserName"), "-");
        assert!(!field(&record, scenario, "TargetUserName").is_empty());
        // The machine it came from, by name and by address, is a machine of the company.
        let from = scenario
            .host_named(&field(&record, scenario, "WorkstationName"))
            .expect("a machine");
        assert_eq!(
            field(&record, scenario, "IpAddress"),
            scenario.hosts[from.index()].address.to_string()
        );
        assert!(
            field(&record, scenario, "time").ends_with("+00:00"),
            "UTC, as logs write it"
        );
    }
    assert_eq!(
        field(&event(&tutorial, 4625), tutorial.scenario(), "Status"),
        "0xc000006d"
    );
}

#[test]
fn services_processes_and_shares_name_what_ran_and_how() {
    let simulation = spread();
    let scenario = simulation.scenario();
    let worm = &scenario.threat.tools[0];

    let installed = event(&simulation, 7045);
    assert_eq!(field(&installed, scenario, "channel"), "System");
    assert_eq!(field(&installed, scenario, "ServiceName"), worm.services[0]);
    let image = field(&installed, scenario, "ImagePath");
    assert!(worm.files.iter().any(|file| image.ends_with(&file.name)), "{image}");
    assert_eq!(field(&installed, scenario, "StartType"), "auto start");
    assert_eq!(field(&installed, scenario, "AccountName"), "LocalSystem");

    let started = event(&simulation, 4688);
    assert!(field(&started, scenario, "ParentProcessName").ends_with("WmiPrvSE.exe"));
    let program = field(&started, scenario, "NewProcessName");
    assert!(field(&started, scenario, "CommandLine").contains(&program));

    let share = event(&simulation, 5140);
    assert_eq!(field(&share, scenario, "ShareName"), "\\\\*\\ADMIN$");
    assert!(!field(&share, scenario, "IpAddress").is_empty());

    let service = first_record(&simulation, |trace| matches!(trace, Trace::Service { .. }));
    assert_eq!(field(&service, scenario, "service"), worm.services[0]);
    let process = first_record(&simulation, |trace| matches!(trace, Trace::Process { .. }));
    for name in [
        "pid",
        "parent_pid",
        "parent_image",
        "image",
        "command_line",
        "user",
        "started",
    ] {
        assert!(!field(&process, scenario, name).is_empty(), "{name}");
    }
    assert_ne!(
        field(&process, scenario, "pid"),
        field(&process, scenario, "parent_pid")
    );
}

#[test]
fn files_carry_their_path_size_times_and_hashes() {
    let simulation = spread();
    let scenario = simulation.scenario();
    let record = first_record(&simulation, |trace| matches!(trace, Trace::File { .. }));
    let Body::File(file) = &record.body else {
        panic!("a file")
    };
    let known = scenario
        .threat
        .tools
        .iter()
        .flat_map(|tool| &tool.files)
        .find(|known| known.path == file.path)
        .expect("a file of the toolset");
    assert_eq!(
        (file.md5.as_str(), file.sha256.as_str()),
        (known.md5.as_str(), known.sha256.as_str())
    );
    assert!(file.size > 0);
    assert_eq!(file.md5.len(), 32);
    assert_eq!(file.sha256.len(), 64);
    for name in [
        "path", "size", "created", "modified", "accessed", "changed", "md5", "sha256",
    ] {
        field(&record, scenario, name);
    }
}

#[test]
fn flows_carry_both_ends_ports_bytes_and_times() {
    let simulation = spread();
    let scenario = simulation.scenario();
    let smb = first_record(&simulation, |trace| matches!(trace, Trace::SmbFlow { .. }));
    let Body::Flow(flow) = &smb.body else { panic!("a flow") };
    assert_eq!(flow.destination_port, 445);
    assert_eq!(flow.destination, scenario.hosts[smb.host.index()].address);
    assert!(scenario.hosts.iter().any(|host| host.address == flow.source));
    assert!(flow.bytes > 0 && flow.first <= flow.last);

    let c2 = first_record(&simulation, |trace| matches!(trace, Trace::C2Flow { .. }));
    let Body::Flow(flow) = &c2.body else { panic!("a flow") };
    assert!(
        scenario
            .threat
            .c2
            .iter()
            .any(|&(address, port)| (address, port) == (flow.destination, flow.destination_port))
    );
}

#[test]
fn a_machines_logs_are_numbered_in_order_and_read_the_same_for_a_seed() {
    // Before the time bomb wipes the jump host.
    let simulation = flagship_at("2014-11-24 05:30", 1);
    let scenario = simulation.scenario();
    let jump_host = scenario.host_named("SPE-CC-MGT-07").expect("the jump host");
    let until = simulation.second_of(simulation.now().expect("running"));
    let records = simulation.records_on(jump_host, until);
    let numbers: Vec<u64> = records
        .iter()
        .filter_map(|record| match &record.body {
            Body::Event(event) if event.channel.name() == "Security" => event.record_number,
            _ => None,
        })
        .collect();
    assert!(numbers.len() > 3);
    assert!(numbers.windows(2).all(|pair| pair[1] == pair[0] + 1), "{numbers:?}");
    // A cached administrator's password is in the jump host's memory.
    assert!(
        records
            .iter()
            .any(|record| matches!(&record.body, Body::Credential(cached) if cached.account == "SPE\\domain-admin"))
    );

    let again = flagship_at("2014-11-24 05:30", 1);
    assert_eq!(again.records_on(jump_host, until), records, "same seed, same records");
    let mut other = Simulation::new(simulation.shared_scenario(), 2);
    other.run_through(simulation.now().expect("running"), |_| {});
    assert_ne!(
        other.records_on(jump_host, until),
        records,
        "another seed, other values"
    );
}

/// The kinds of ordinary activity a machine's records show.
fn activity_on(simulation: &Simulation, host: HostId) -> BTreeSet<ActivityKind> {
    let until = simulation.second_of(simulation.now().expect("running"));
    simulation
        .records_on(host, until)
        .iter()
        .filter_map(|record| match record.key {
            RecordKey::Activity { kind, .. } => Some(kind),
            _ => None,
        })
        .collect()
}

fn first_of_role(scenario: &Scenario, role: Role) -> HostId {
    HostId(
        scenario
            .hosts
            .iter()
            .position(|host| host.role == role)
            .expect("one of the role") as u32,
    )
}

#[test]
fn ordinary_activity_follows_the_machines_role() {
    // Monday noon: a night of backups and updates, a morning at work (rules without days
    // follow the offices' business days).
    let simulation = flagship_at("2014-11-24 12:00", 1);
    let scenario = simulation.scenario();
    // What twenty machines of a role did, together.
    let kinds = |role| {
        let of_role = scenario
            .hosts
            .iter()
            .enumerate()
            .filter(|(_, host)| host.role == role)
            .take(20);
        of_role
            .flat_map(|(index, _)| activity_on(&simulation, HostId(index as u32)))
            .collect::<BTreeSet<_>>()
    };

    let workstation = kinds(Role::Workstation);
    assert!(workstation.contains(&ActivityKind::SignIn), "{workstation:?}");
    assert!(workstation.contains(&ActivityKind::WebBrowsing), "{workstation:?}");
    assert!(!workstation.contains(&ActivityKind::Backup));

    let file_server = kinds(Role::FileServer);
    assert!(file_server.contains(&ActivityKind::Backup), "{file_server:?}");
    assert!(file_server.contains(&ActivityKind::AdminSession), "{file_server:?}");
    assert!(!file_server.contains(&ActivityKind::SignIn));

    // The domain controller sees the office's mistyped passwords (4771).
    let controller = first_of_role(scenario, Role::DomainController);
    let until = simulation.second_of(simulation.now().expect("running"));
    assert!(simulation.records_on(controller, until).iter().any(|record| {
        matches!(&record.body, Body::Event(event) if event.event_id == 4771)
            && matches!(
                record.key,
                RecordKey::Activity {
                    kind: ActivityKind::MistypedPassword,
                    ..
                }
            )
    }));

    // Software the company deploys installs services with its own names.
    let deployed: BTreeSet<String> = scenario
        .activity
        .software
        .iter()
        .map(|program| program.service.clone())
        .collect();
    let installed_somewhere = scenario.hosts.iter().enumerate().take(400).any(|(index, _)| {
        simulation.records_on(HostId(index as u32), until).iter().any(|record| {
            matches!(&record.body, Body::Event(event) if event.event_id == 7045
                && event.get("ServiceName").is_some_and(|name| deployed.contains(name)))
        })
    });
    assert!(installed_somewhere);
}

#[test]
fn the_scenario_sets_the_rates_and_format_1_has_none() {
    // Only backups, and only on the mail server: no other machine does anything of its own.
    let only_backups = minimal_with(&[(
        "format: 1,",
        "format: 2,\n    activity: (rules: [(kind: Backup, roles: [MailServer], hours: \"00:00-24:00\", per_mille: 1000)]),",
    )]);
    let mut simulation = Simulation::new(Arc::clone(&only_backups), 1);
    simulation.run_through(redscreen::scenario::model::Tick(180), |_| {});
    let scenario = simulation.scenario();
    for (index, host) in scenario.hosts.iter().enumerate() {
        let kinds = activity_on(&simulation, HostId(index as u32));
        match host.role {
            Role::MailServer => assert_eq!(kinds, BTreeSet::from([ActivityKind::Backup]), "{}", host.name),
            _ => assert!(
                kinds.iter().all(|kind| *kind == ActivityKind::Backup),
                "{}: {kinds:?}",
                host.name
            ),
        }
    }

    let format_one = minimal_with(&[]);
    let mut simulation = Simulation::new(format_one, 1);
    simulation.run_through(redscreen::scenario::model::Tick(180), |_| {});
    let scenario = simulation.scenario();
    assert!((0..scenario.hosts.len()).all(|index| activity_on(&simulation, HostId(index as u32)).is_empty()));
}

#[test]
fn the_attacks_alerts_are_a_minority_in_the_first_hours_and_look_like_the_rest() {
    let scenario = flagship();
    let mut simulation = Simulation::new(Arc::clone(&scenario), 1);
    simulation.run_through(scenario.tick_at("2014-11-24 06:59").expect("inside"), |_| {});
    let seen = simulation.outcome().observations;
    assert!(seen.of_the_attack > 0);
    assert!(
        seen.of_the_attack * 4 < seen.total,
        "{} of {} observations are the attack's",
        seen.of_the_attack,
        seen.total
    );
    // The first alert of all is not the attack's.
    assert!(seen.first.expect("something").tick < seen.first_of_the_attack.expect("the attack").tick);
    // An ordinary 7045 alert and the worm's read alike: same log, same fields.
    let log = &simulation
        .world()
        .resource::<redscreen::sim::ObservationLog>()
        .observations;
    let fields = |attack: bool| {
        let key = log
            .iter()
            .filter_map(|seen| seen.record)
            .find(|key| key.is_attack() == attack && matches!(simulation.record(*key).map(|record| record.body), Some(Body::Event(event)) if event.event_id == 7045))
            .expect("a 7045 alert");
        let record = simulation.record(key).expect("readable");
        record
            .fields(&scenario)
            .into_iter()
            .map(|(name, _)| name)
            .collect::<Vec<_>>()
    };
    assert_eq!(fields(true), fields(false));
}

/// A toolset may hold several wipers (a wiper and its helpers): each is staged on every
/// machine the attack reaches and leaves its own files.
#[test]
fn every_wiper_of_a_toolset_leaves_its_files() {
    let scenario = minimal_with(&[(
        r#"(name: "wiper", kind: Wiper, files: [(name: "x.sys")]),"#,
        r#"(name: "wiper", kind: Wiper, files: [(name: "x.sys")]), (name: "helper", kind: Wiper, files: [(name: "h.exe")]),"#,
    )]);
    let simulation = run_to_end(Arc::clone(&scenario), 1);
    let until = simulation.second_of(simulation.end());
    let wiped: Vec<HostId> = (0..scenario.hosts.len() as u32)
        .map(HostId)
        .filter(|host| simulation.truth(*host).wiped_at != redscreen::sim::NEVER)
        .collect();
    assert!(!wiped.is_empty(), "the wiper ran");
    for host in wiped {
        let names: BTreeSet<String> = simulation
            .records_ever_on(host, until)
            .into_iter()
            .filter_map(|(record, _)| match record.body {
                Body::File(file) => Some(file.path.rsplit('\\').next().unwrap_or_default().to_string()),
                _ => None,
            })
            .collect();
        assert!(names.contains("x.sys") && names.contains("h.exe"), "{names:?}");
    }
}
