//! No input makes the loader panic: thousands of deterministic random mutations of the
//! shipped scenarios must each load or be refused with located problems.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use redscreen::scenario::{FLAGSHIP_SOURCE, Limits, LoadError, Origin, load_str};

const TUTORIAL: &str = include_str!("../scenarios/tutorial.ron");
const MINIMAL: &str = include_str!("fixtures/minimal.ron");

/// Pieces a careless edit might leave behind.
const DEBRIS: [&str; 16] = [
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "'",
    "r#\"",
    "/*",
    "//",
    "\\",
    "-1",
    "99999999999999999999",
];

fn mutate(source: &str, rng: &mut ChaCha8Rng) -> String {
    let mut text = source.to_string();
    for _ in 0..rng.random_range(1..4) {
        let mut at = rng.random_range(0..=text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        match rng.random_range(0..4) {
            0 => text.insert_str(at, DEBRIS[rng.random_range(0..DEBRIS.len())]),
            1 => {
                let mut end = (at + rng.random_range(1..40)).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.replace_range(at..end, "");
            }
            2 => text.truncate(at),
            _ => {
                // Swap a number or a name for another that parses but means something else.
                let replacements = ["0", "1001", "4294967295", "\"\"", "\"x/y\"", "All", "None", "[]", "()"];
                let mut end = at;
                while end < text.len() && text.as_bytes()[end].is_ascii_alphanumeric() {
                    end += 1;
                }
                text.replace_range(at..end, replacements[rng.random_range(0..replacements.len())]);
            }
        }
    }
    text
}

#[test]
fn random_edits_never_panic_and_every_problem_is_located() {
    let origin = Origin {
        name: "mutated.ron".to_string(),
        folder: None,
    };
    let mut rng = ChaCha8Rng::seed_from_u64(2014);
    let mut refused = 0;
    for round in 0..1_500 {
        let source = [MINIMAL, TUTORIAL, FLAGSHIP_SOURCE][round % 3];
        let text = mutate(source, &mut rng);
        match load_str(&text, &origin, &Limits::default()) {
            Ok(_) => {}
            Err(LoadError::Invalid(report)) => {
                refused += 1;
                assert!(!report.problems.is_empty());
                for problem in &report.problems {
                    let location = problem.location;
                    assert!(location.line >= 1 && location.column >= 1, "{problem}");
                    assert!(
                        location.span.start <= location.span.end && location.span.end <= text.len(),
                        "{problem}"
                    );
                    assert!(text.is_char_boundary(location.span.start), "{problem}");
                }
            }
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
    assert!(
        refused > 1_000,
        "the mutations should mostly break the scenario: {refused}"
    );
}

#[test]
fn hostile_shapes_are_refused_without_crashing() {
    let origin = Origin {
        name: "hostile.ron".to_string(),
        folder: None,
    };
    let deep = format!("Scenario(format: {}1{})", "[".repeat(50_000), "]".repeat(50_000));
    let inputs = [
        String::new(),
        "\u{feff}".to_string(),
        "(".repeat(100_000),
        deep,
        "\0\0\0".to_string(),
        "Scenario(".to_string(),
    ];
    for input in inputs {
        assert!(matches!(
            load_str(&input, &origin, &Limits::default()),
            Err(LoadError::Invalid(_))
        ));
    }
}
