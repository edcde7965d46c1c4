#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: formatting, lints, Rust tests
# (unit, simulation with a hostile peer, server end to end, SIGKILL loops, a failing
# network), a short fuzzing pass over every target, the app type-checked by vue-tsc (its
# hand-written types also against real core output) and its component tests (vitest),
# the protocol tests against the
# independent JS automerge-repo client, the browser tests in headless Chromium, and every
# benchmark once at small sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s\n' "$*"; }

bash scripts/setup.sh --browser

step "cargo fmt --check"
cargo fmt --all --check
cargo fmt --manifest-path fuzz/Cargo.toml --check
step "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
step "build the app (WASM core, vue-tsc, Vite)"
bash scripts/build-app.sh
step "the app's component and module tests (vitest)"
(cd app && npx --no-install vitest run)
step "the app's TypeScript types against the core's real output"
cargo run -q -p system-tests --bin type-samples > tests/types/samples.ts
app/node_modules/.bin/tsc -p tests/types
step "PostgreSQL on loopback (the storage, sync and permission tests run on both databases)"
TEST_DATABASE_URL="$(bash scripts/postgres.sh)"
export TEST_DATABASE_URL
step "cargo test"
cargo test --workspace
step "fuzzing: every target briefly (bash scripts/fuzz.sh SECONDS for a long run)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-15}"
target_dir=$(cd "${CARGO_TARGET_DIR:-target}" && pwd)
server="$target_dir/debug/sync-server serve"
# A test that fails may leave a handle open (a browser, a socket): the run still ends, and
# no single test may take more than ten minutes.
node_test=(node --test --test-force-exit --test-timeout=600000)
step "protocol tests with the JS automerge-repo client"
(cd tests/js && SYNC_SERVER_CMD="$server" "${node_test[@]}")
step "browser tests (headless Chromium)"
(cd tests/e2e && SYNC_SERVER_CMD="$server" "${node_test[@]}")
step "benchmarks, quick: every one runs and reports (fails on errors, never on timings)"
cargo build -q -p system-tests --bin bench
"$target_dir/debug/bench" --quick
