//! Writes the fuzz targets' seed inputs, taken from real traffic (see
//! `estate_core::fuzzing::corpus`), one directory per target:
//! `cargo run -p estate-core --example fuzz_corpus -- fuzz/corpus` (what `scripts/fuzz.sh`
//! runs first).

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fuzz/corpus".into()),
    );
    let seeds = estate_core::fuzzing::corpus();
    for (target, name, bytes) in &seeds {
        let at = dir.join(target);
        std::fs::create_dir_all(&at)?;
        std::fs::write(at.join(name), bytes)?;
    }
    println!(
        "{} seed inputs written under {}",
        seeds.len(),
        dir.display()
    );
    Ok(())
}
