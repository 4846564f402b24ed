//! `redscreen check --watch`: a file is checked again each time it is saved, whether the
//! editor writes it in place or writes a new file and renames it over the old one.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use redscreen::testing::{project_path, temporary_folder};

/// Waits until lines containing each of `wanted` have come since the last wait (in any order:
/// standard output and standard error are read apart), or fails after a while.
fn wait_for(lines: &mpsc::Receiver<String>, wanted: &[&str], seen: &mut Vec<String>, since: &mut usize) {
    let all_seen = |seen: &[String]| wanted.iter().all(|want| seen.iter().any(|line| line.contains(want)));
    while !all_seen(&seen[*since..]) {
        match lines.recv_timeout(Duration::from_secs(20)) {
            Ok(line) => seen.push(line),
            Err(_) => panic!("no {wanted:?} after a save; the watcher said:\n{}", seen.join("\n")),
        }
    }
    *since = seen.len();
}

#[test]
fn a_saved_file_is_checked_again_however_the_editor_saves_it() {
    let folder = temporary_folder("check-watch");
    let file = folder.join("company.ron");
    let good = std::fs::read_to_string(project_path("tests/fixtures/minimal.ron")).unwrap();
    std::fs::write(&file, &good).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_redscreen"))
        .args(["check", "--quiet", "--watch"])
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the watcher starts");
    let (sender, lines) = mpsc::channel();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let sender = sender.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
    }
    let (mut seen, mut since) = (Vec::new(), 0);
    wait_for(&lines, &["ok: fixture", "watching 1 file"], &mut seen, &mut since);

    // Saved as many editors do: a new file renamed over the old one.
    let broken = good.replace("guess_per_mille: 5,", "guess_per_mille: 5.0,");
    assert_ne!(broken, good);
    let temporary = folder.join(".company.ron.swp");
    std::fs::write(&temporary, &broken).unwrap();
    std::fs::rename(&temporary, &file).unwrap();
    wait_for(
        &lines,
        &["company.ron changed", "expected a whole number, found `5.0`"],
        &mut seen,
        &mut since,
    );

    // Saved in place.
    std::fs::write(&file, &good).unwrap();
    wait_for(&lines, &["company.ron changed", "ok: fixture"], &mut seen, &mut since);

    // A file beside it that is not watched changes nothing.
    std::fs::write(folder.join("other.ron"), "not a scenario").unwrap();
    std::thread::sleep(Duration::from_millis(600));
    assert!(lines.try_recv().is_err(), "another file was checked");
    child.kill().ok();
    child.wait().ok();
}

#[test]
fn watching_needs_files() {
    let output = redscreen::testing::run_binary(env!("CARGO_BIN_EXE_redscreen"), &["check", "--watch"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(redscreen::testing::printed(&output).contains("`--watch` needs the files"));
}
