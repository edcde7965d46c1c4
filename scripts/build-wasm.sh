#!/usr/bin/env bash
# Builds the core for the phone: wasm32 release, wasm-bindgen glue, wasm-opt -Oz.
# Output: app/src/wasm/ (estate_wasm.js, estate_wasm_bg.wasm, .d.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
out=app/src/wasm
cargo build -p estate-wasm --target wasm32-unknown-unknown --profile wasm-release
wasm-bindgen --target web --out-dir "$out" \
  "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release/estate_wasm.wasm"
(cd app && npx --no-install wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals \
  src/wasm/estate_wasm_bg.wasm -o src/wasm/estate_wasm_bg.wasm)
echo "wasm: $(stat -c %s "$out/estate_wasm_bg.wasm") bytes, $(gzip -9c "$out/estate_wasm_bg.wasm" | wc -c) gzipped"
