//! Every input a fuzz target ever crashed on (`fuzz/regressions/TARGET/`, kept there by
//! `scripts/fuzz.sh`) and every seed input, replayed through the same function the target
//! runs (`estate_core::fuzzing`): none may panic again.

use std::path::Path;

use estate_core::fuzzing;

type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 5] = [
    ("protocol_decode", fuzzing::protocol_decode),
    ("engine_frames", fuzzing::engine_frames),
    ("storage_chunks", fuzzing::storage_chunks),
    ("record_parse", fuzzing::record_parse),
    ("journal_delta", fuzzing::journal_delta),
];

fn target(name: &str) -> Target {
    TARGETS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
        .unwrap_or_else(|| panic!("no fuzz target {name}"))
}

#[test]
fn every_input_a_target_once_crashed_on_now_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
    let mut replayed = 0;
    for (name, run) in TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(name)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            let input = std::fs::read(&path).expect("readable");
            eprintln!("{name}: {}", path.display());
            run(&input);
            replayed += 1;
        }
    }
    eprintln!("{replayed} regression inputs replayed");
}

#[test]
fn every_seed_input_passes_and_reaches_its_target() {
    let seeds = fuzzing::corpus();
    for (name, _) in TARGETS {
        assert!(
            seeds.iter().any(|(t, _, _)| *t == name),
            "{name} has seed inputs"
        );
    }
    for (name, seed, input) in &seeds {
        eprintln!("{name}: {seed}");
        target(name)(input);
    }
}
