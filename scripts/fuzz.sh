#!/usr/bin/env bash
# Fuzzes the core with cargo-fuzz (nightly, `fuzz/`): seeds every target's corpus from
# real traffic, runs each target for SECONDS (default 20), and prints how many inputs each
# ran. An input that crashes a target is kept in fuzz/regressions/TARGET/, where the
# regression test `core/tests/fuzz_regressions.rs` replays it from then on, and the run
# fails. The test command runs a short pass; a long one:
#   bash scripts/fuzz.sh 3600                  # an hour per target
#   bash scripts/fuzz.sh 600 engine_frames     # ten minutes, one target
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(protocol_decode engine_frames storage_chunks record_parse journal_delta)
fi

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz > /dev/null || cargo install cargo-fuzz --locked
cargo run -q -p estate-core --example fuzz_corpus -- fuzz/corpus

failed=0
for target in "${targets[@]}"; do
  log="$(mktemp)"
  if cargo +nightly fuzz run "$target" "fuzz/corpus/$target" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 > "$log" 2>&1; then
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
    corpus="$(ls "fuzz/corpus/$target" | wc -l)"
    echo "fuzz $target: $runs inputs in ${seconds} s, no crash (corpus: $corpus inputs)"
  else
    failed=1
    mkdir -p "fuzz/regressions/$target"
    cp fuzz/artifacts/"$target"/* "fuzz/regressions/$target/" 2> /dev/null || true
    echo "fuzz $target: FAILED; the input is kept in fuzz/regressions/$target/:"
    grep -v '^#' "$log" | tail -40
  fi
  rm -f "$log"
done
exit "$failed"
