#!/usr/bin/env bash
# Runs the benchmarks and writes BENCHMARKS.md (a table per target, ours beside the
# anchor). Sets up what they need: the app built (its WASM is measured and the browser
# benchmark runs it), release builds of the server and the bench, PostgreSQL on loopback
# for the two-server rows. `--quick` checks every benchmark runs, at small sizes, and
# prints the report without writing it; `--only ID` runs one target's section.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
bash scripts/build-app.sh
# What the WASM is made of (P5), by crate.
command -v twiggy > /dev/null || cargo install twiggy --locked
cargo build --release -p sync-server -p system-tests --bins
TEST_DATABASE_URL="${TEST_DATABASE_URL:-$(bash scripts/postgres.sh)}"
export TEST_DATABASE_URL
exec "${CARGO_TARGET_DIR:-target}/release/bench" "$@"
