//! Every file in `tests/fixtures/bad/` breaks the minimal scenario in one way; each test
//! asserts the problem reported, the line and column it points at, and the hint.

use std::path::{Path, PathBuf};

use redscreen::scenario::{Limits, LoadError, load_file};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bad")
        .join(format!("{name}.ron"))
}

/// Loads a broken fixture and checks that one of its problems is the expected one.
fn expect_problem(name: &str, line: usize, column: usize, message: &str, hint: Option<&str>) {
    let report = match load_file(&fixture(name), &Limits::default()) {
        Err(LoadError::Invalid(report)) => report,
        Err(other) => panic!("{name}: expected scenario problems, got {other}"),
        Ok(_) => panic!("{name}: the broken scenario was accepted"),
    };
    let found = report
        .problems
        .iter()
        .find(|problem| (problem.location.line, problem.location.column) == (line, column))
        .unwrap_or_else(|| panic!("{name}: no problem at {line}:{column}; got:\n{report}"));
    let text = found.kind.to_string();
    assert!(text.contains(message), "{name}: `{text}` does not say `{message}`");
    if let Some(hint) = hint {
        let given = found.hint.as_deref().unwrap_or("");
        assert!(given.contains(hint), "{name}: hint `{given}` does not say `{hint}`");
    }
}

macro_rules! bad_scenarios {
    ($($name:ident: $line:literal:$column:literal, $message:literal, $hint:expr;)*) => {
        $(
            #[test]
            fn $name() {
                expect_problem(stringify!($name), $line, $column, $message, $hint);
            }
        )*

        /// A fixture without a test here would check nothing.
        #[test]
        fn every_fixture_has_a_test() {
            let tested = [$(stringify!($name)),*];
            let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad");
            let mut untested = Vec::new();
            for entry in std::fs::read_dir(folder).expect("the fixtures folder exists") {
                let path = entry.expect("a readable entry").path();
                let name = path.file_stem().and_then(|stem| stem.to_str()).unwrap_or_default().to_string();
                if !tested.contains(&name.as_str()) {
                    untested.push(name);
                }
            }
            assert!(untested.is_empty(), "fixtures without a test: {untested:?}");
            assert!(tested.len() >= 30, "the issue asks for at least 30 broken scenarios");
        }
    };
}

bad_scenarios! {
    asset_absolute_path: 52:16, "asset path `/etc/passwd` leaves the scenario's folder", None;
    asset_escapes_folder: 52:16, "asset path `../../secret.png` leaves the scenario's folder", None;
    asset_missing: 52:16, "asset `art/missing.png` cannot be read", Some("the path is relative to the scenario's folder, /");
    colliding_templates: 22:24, "5 machine names of this group are already taken by the group on line 19: `WS-01`, `WS-02`, `WS-03`, ...", Some("`first`");
    decimal_per_mille: 43:50, "expected a whole number, found `5.0`", Some("write `5`");
    image_not_png: 52:16, "asset `asset_missing.ron` cannot be read: it is not a PNG image", Some("PNG");
    bad_c2_address: 46:24, "invalid IPv4 address `192.0.2.300`", None;
    bad_colour: 51:52, "invalid colour `red`: expected a colour such as #c00000", None;
    bad_md5: 39:69, "invalid MD5 `0123456789abcdef`: expected 32 hexadecimal digits", None;
    bad_name_pattern: 19:24, "invalid host name `WS-{x}`: `{x}` is not a placeholder", None;
    bad_technique: 37:48, "invalid ATT&CK technique `T1566-001`", None;
    cidr_host_bits: 16:37, "10.0.1.5 has host bits set for a /24", Some("did you mean `10.0.1.0/24`?");
    duplicate_host: 22:24, "duplicate host `WS-05` (first declared on line 19)", None;
    duplicate_office: 25:19, "duplicate office `hq` (first declared on line 12)", None;
    duplicate_service: 5:53, "duplicate service `mail` (first declared on line 5)", None;
    empty_port_list: 33:74, "an empty port list matches nothing", Some("leave `ports` out");
    inject_before_start: 58:31, "the inject at 2025-01-05 15:00 falls outside the exercise", None;
    inject_cycle: 56:30, "inject `call` waits on itself", None;
    invalid_duration: 43:64, "invalid duration `2 minutes`: write it without spaces", None;
    invalid_time: 4:52, "invalid local time `06/01/2025 08:00`", None;
    link_to_itself: 32:40, "link `wan` joins `hq` to itself", None;
    malformed_cidr: 16:37, "invalid CIDR `10.0.1.0/33`: expected a prefix length from /8 to /30", None;
    missing_field: 46:5, "missing required field `wipe_duration` in `Threat`", None;
    no_trigger: 44:18, "the wiper has no trigger", Some("`time_bomb`");
    no_wiper: 38:16, "the toolset has no Wiper", Some("kind: Wiper");
    not_utf8: 4:38, "the file is not UTF-8 text", None;
    odds_out_of_range: 43:49, "`guess_per_mille` is 5000 per-mille", None;
    overlapping_cidr: 16:37, "subnet `hq/srv` (10.0.0.128/25) overlaps `hq/ws` (10.0.0.0/24)", None;
    share_out_of_range: 56:81, "`per_mille` is 1001 per-mille", None;
    subnet_full: 19:44, "subnet `hq/ws` has room for 6 machines but 10 are placed in it", None;
    subnet_without_office: 33:49, "invalid subnet reference `srv`", Some("name the office too: `hq/srv`");
    syntax_missing_comma: 4:5, "invalid RON: Expected comma", Some("separate items and fields with `,`");
    syntax_unclosed_paren: 68:7, "invalid RON: Unexpected end of RON", Some("left open");
    syntax_unclosed_string: 4:52, "invalid RON: Expected comma", Some("close every string");
    template_without_placeholder: 19:24, "10 machines would all be named `WS`", Some("`WS-{n:04}`");
    time_zone_abbreviation: 26:24, "unknown time zone `KST`", Some("use the IANA name `Asia/Seoul`");
    time_bomb_outside: 44:30, "the time bomb at 2025-01-08 10:00 falls outside the exercise", None;
    too_many_hosts: 28:51, "the scenario describes 4,000,000,012 machines; the limit is 20,000,000", Some("--max-hosts");
    trailing_text: 69:2, "invalid RON: Non-whitespace trailing characters", None;
    unknown_backup_server: 20:109, "unknown host `BK-02`", Some("did you mean `BK-01`?");
    unknown_cached_account: 19:102, "unknown account `CORP\\suport`", Some("did you mean `CORP\\support`?");
    unknown_contact: 64:64, "unknown contact `polise`", Some("did you mean `police`?");
    unknown_field: 13:13, "unknown field `headcont` in `Office`", Some("did you mean `headcount`?");
    unknown_foothold_host: 37:28, "unknown host `WS-1`", Some("did you mean `WS-01`?");
    unknown_indicator: 67:110, "indicator `evil.exe` is not in the threat section", Some("w.exe");
    unknown_inject: 57:44, "unknown inject `cal`", Some("did you mean `call`?");
    unknown_office_scope: 56:56, "unknown office `HQ2`", Some("did you mean `hq`?");
    unknown_role: 19:68, "unknown value `Workstaton` in `Role`", Some("did you mean `Workstation`?");
    unknown_scope_kind: 33:27, "unknown value `Os`", Some("expected one of: All, Office, Subnet, Host, Role");
    unknown_section: 55:5, "unknown field `injets` in `Scenario`", Some("did you mean `injects`?");
    unknown_service: 20:77, "unknown service `male`", Some("did you mean `mail`?");
    unknown_subnet: 19:56, "unknown subnet `wss`", Some("did you mean `ws`?");
    unknown_threat_credential: 42:23, "unknown account `CORP\\nobody`", Some("CORP\\support");
    unknown_time_zone: 26:24, "unknown time zone `America/NewYork`", Some("did you mean `America/New_York`?");
    unsupported_format: 3:13, "format version 99 is not supported", Some("newer redscreen");
    weights_not_hundred: 62:21, "objective weights add up to 90, not 100", None;
    wrong_struct_name: 2:1, "expected `Scenario(...)`, found `Scenaro(...)`", None;
    wrong_type_count: 19:43, "wrong type: Expected integer", Some("whole numbers");
    wrong_type_port: 46:43, "wrong type: Integer is out of bounds", None;
}

#[test]
fn the_minimal_scenario_is_valid() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal.ron");
    let scenario = load_file(&path, &Limits::default()).expect("the base of the fixtures is valid");
    assert_eq!(scenario.hosts.len(), 16);
}

#[test]
fn the_host_limit_is_configurable() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal.ron");
    let tight = Limits {
        max_hosts: 15,
        ..Limits::default()
    };
    match load_file(&path, &tight) {
        Err(LoadError::Invalid(report)) => assert!(report.problems[0].kind.to_string().contains("the limit is 15")),
        other => panic!("16 machines passed a limit of 15: {other:?}", other = other.map(|_| ())),
    }
}

#[test]
fn problems_are_all_collected_and_listed_in_file_order() {
    let source = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal.ron"))
        .expect("readable")
        .replace(
            "subnet: \"ws\", role: Workstation, cached",
            "subnet: \"wss\", role: Workstation, cached",
        )
        .replace("weight: 60", "weight: 50")
        .replace("copy_delay: \"2m\"", "copy_delay: \"2\"")
        .replace("contact: \"police\"", "contact: \"polise\"");
    let origin = redscreen::scenario::Origin {
        name: "several.ron".to_string(),
        folder: None,
    };
    let report = match redscreen::scenario::load_str(&source, &origin, &Limits::default()) {
        Err(LoadError::Invalid(report)) => report,
        other => panic!("expected problems, got {:?}", other.map(|_| ())),
    };
    let lines: Vec<usize> = report.problems.iter().map(|problem| problem.location.line).collect();
    assert_eq!(report.problems.len(), 4, "{report}");
    assert!(
        lines.windows(2).all(|pair| pair[0] <= pair[1]),
        "not in file order: {lines:?}"
    );
}

#[test]
fn a_symbolic_link_out_of_the_folder_is_refused() {
    let folder = std::env::temp_dir().join(format!("redscreen-link-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    let outside = std::env::temp_dir().join(format!("redscreen-outside-{}.png", std::process::id()));
    std::fs::write(&outside, b"not really a picture").expect("a file outside");
    let link = folder.join("page.png");
    std::fs::remove_file(&link).ok();
    std::os::unix::fs::symlink(&outside, &link).expect("a symbolic link");
    let source = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal.ron"))
        .expect("readable")
        .replace("image: Skeleton,", "image: File(\"page.png\"),");
    let scenario = folder.join("linked.ron");
    std::fs::write(&scenario, source).expect("the scenario is written");

    let outcome = load_file(&scenario, &Limits::default());
    std::fs::remove_dir_all(&folder).ok();
    std::fs::remove_file(&outside).ok();
    match outcome {
        Err(LoadError::Invalid(report)) => {
            assert_eq!(report.problems.len(), 1, "{report}");
            assert!(
                report.problems[0]
                    .kind
                    .to_string()
                    .contains("leaves the scenario's folder"),
                "{report}"
            );
        }
        other => panic!("the link was followed: {:?}", other.map(|_| ())),
    }
}

#[test]
fn an_image_inside_the_folder_is_accepted() {
    let folder = std::env::temp_dir().join(format!("redscreen-art-{}", std::process::id()));
    std::fs::create_dir_all(folder.join("art")).expect("a temporary folder");
    let picture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/warning-page-640x480.png");
    std::fs::copy(picture, folder.join("art/page.png")).expect("an image");
    let source = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal.ron"))
        .expect("readable")
        .replace("image: Skeleton,", "image: File(\"./art/../art/page.png\"),");
    std::fs::write(folder.join("ok.ron"), source).expect("the scenario is written");
    let outcome = load_file(&folder.join("ok.ron"), &Limits::default());
    std::fs::remove_dir_all(&folder).ok();
    let scenario = outcome.unwrap_or_else(|error| panic!("{error}"));
    assert!(
        matches!(scenario.screen.image, redscreen::scenario::model::Image::File(ref path) if path.ends_with("art/page.png"))
    );
}

#[test]
fn an_oversized_file_is_refused_before_it_is_read() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal.ron");
    let tiny = Limits {
        max_file_bytes: 100,
        ..Limits::default()
    };
    match load_file(&path, &tiny) {
        Err(LoadError::Invalid(report)) => {
            assert!(
                report.problems[0].kind.to_string().contains("the limit is 100"),
                "{report}"
            )
        }
        other => panic!("an oversized file was read: {:?}", other.map(|_| ())),
    }
}

/// The minimal fixture with text inserted after a marker, loaded: its problems.
fn problems_with(marker: &str, inserted: &str) -> String {
    let source = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal.ron"))
        .expect("readable");
    assert!(source.contains(marker));
    let source = source.replacen(marker, &format!("{marker}{inserted}"), 1);
    let origin = redscreen::scenario::Origin {
        name: "many.ron".to_string(),
        folder: None,
    };
    match redscreen::scenario::load_str(&source, &origin, &Limits::default()) {
        Err(LoadError::Invalid(report)) => report.to_string(),
        Err(other) => panic!("expected scenario problems, got {other}"),
        Ok(_) => panic!("the scenario was accepted"),
    }
}

#[test]
fn more_tools_or_accounts_than_evidence_can_name_are_refused() {
    let tools: String = (0..254)
        .map(|n| format!("(name: \"tool-{n}\", kind: Cleaner, files: [(name: \"t{n}.exe\")]),\n"))
        .collect();
    let report = problems_with("        tools: [\n", &tools);
    assert!(report.contains("256 tools; a threat has at most 255"), "{report}");
    let accounts: String = (0..65_534)
        .map(|n| format!("(name: \"CORP\\\\user-{n}\", kind: User),\n"))
        .collect();
    let report = problems_with("    accounts: [\n", &accounts);
    assert!(
        report.contains("65536 accounts; a scenario holds at most 65535"),
        "{report}"
    );
}
