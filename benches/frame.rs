//! Frame-time benchmark of the exercise window, measured for 20 s with Bevy's frame-time
//! diagnostics: the flagship's 8,352 machines on the map at 10x from 07:00 (the pages
//! arriving), then a generated company of 1,000,000 machines at 60x from 09:00 (its time bomb:
//! pages, calls and wipes by the thousand each minute, on a map of cells that each stand for
//! many machines). Run with `cargo bench --bench frame`. It needs a display: under one it uses
//! it; without one it starts Xvfb with `xvfb-run` (Mesa's software Vulkan, as `.ci/setup`
//! installs). Targets: 45 frames per second on the flagship, 30 at a million machines.

use std::path::Path;
use std::process::Command;

fn main() {
    let folder = std::env::temp_dir().join(format!("redscreen-frame-bench-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    let flagship_session = folder.join("flagship.jsonl");
    measure(
        "exercise window, flagship map at 10x",
        &[
            "play",
            "--seed",
            "7",
            "--speed",
            "10",
            "--from",
            "07:00",
            "--inspect",
            "SPE-CC-WS-0412",
            "--frame-stats",
            "20",
            "--record",
            path(&flagship_session),
        ],
        45.0,
    );
    let million = folder.join("million.ron");
    let generated = Command::new(env!("CARGO_BIN_EXE_redscreen"))
        .args(["gen", "--hosts", "1000000", "-o", path(&million)])
        .output()
        .expect("the generator runs");
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    measure(
        "exercise window, 1,000,000 machines at 60x from the time bomb",
        &[
            "play",
            path(&million),
            "--seed",
            "1",
            "--speed",
            "60",
            "--from",
            "09:00",
            "--frame-stats",
            "20",
            "--record",
            path(&folder.join("million.jsonl")),
        ],
        30.0,
    );
    std::fs::remove_dir_all(&folder).ok();
}

fn path(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// Runs the window with these arguments and prints its frame statistics against a target.
fn measure(title: &str, arguments: &[&str], target_fps: f64) {
    let binary = env!("CARGO_BIN_EXE_redscreen");
    let has_display = std::env::var_os("DISPLAY").is_some_and(|display| !display.is_empty());
    let mut command = if has_display {
        Command::new(binary)
    } else {
        let mut xvfb = Command::new("xvfb-run");
        xvfb.args(["-a", "-s", "-screen 0 1280x720x24", binary]);
        xvfb
    };
    let output = command
        .args(arguments)
        .env("WGPU_BACKEND", "vulkan")
        .output()
        .unwrap_or_else(|error| panic!("cannot run the window (is xvfb-run installed? `.ci/setup`): {error}"));
    let printed = String::from_utf8_lossy(&output.stdout);
    let figures: Vec<&str> = printed
        .lines()
        .filter(|line| line.starts_with("frames:") || line.starts_with("per frame:"))
        .collect();
    assert!(
        output.status.success() && !figures.is_empty(),
        "the window did not report its frames:\n{printed}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let fps = figures[0]
        .split(" fps")
        .next()
        .and_then(|before| before.rsplit('(').next())
        .and_then(|number| number.parse::<f64>().ok())
        .unwrap_or(0.0);
    println!("{title}, under this display:");
    for line in figures {
        println!("  {line}");
    }
    let verdict = if fps >= target_fps { "ok" } else { "UNDER TARGET" };
    println!("  {fps:.1} frames per second, target {target_fps}  {verdict}");
}
