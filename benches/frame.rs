//! Frame-time benchmark of the exercise window: the flagship's 8,352 machines on the map at
//! 10x from 07:00 (the pages arriving), measured for 20 s with Bevy's frame-time diagnostics.
//! Run with `cargo bench --bench frame`. It needs a display: under one it uses it; without one
//! it starts Xvfb with `xvfb-run` (Mesa's software Vulkan, as `.ci/setup` installs). Target: 30
//! frames per second or better.

use std::process::Command;

fn main() {
    let session = std::env::temp_dir().join(format!("redscreen-frame-bench-{}.jsonl", std::process::id()));
    let arguments = [
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
        session.to_str().expect("a UTF-8 path"),
    ];
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
    std::fs::remove_file(&session).ok();
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
    println!("exercise window, flagship map at 10x under this display:");
    for line in figures {
        println!("  {line}");
    }
    let verdict = if fps >= 30.0 { "ok" } else { "UNDER TARGET" };
    println!("  {fps:.1} frames per second, target 30  {verdict}");
}
