#!/usr/bin/env bash
# Installs everything the project needs, idempotently. `--browser` adds Chromium for the
# browser tests. Safe to run again: each step checks before it installs.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=false
[ "${1:-}" = "--browser" ] && want_browser=true

step() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

step "Rust target wasm32-unknown-unknown"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

step "wasm-bindgen-cli (must match the wasm-bindgen crate in Cargo.lock)"
want=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  # --locked fails for this crate (a locked dependency is missing from the registry).
  cargo install wasm-bindgen-cli --version "$want"
fi

if ! command -v make >/dev/null || ! command -v cc >/dev/null; then
  step "make and a C compiler (the server's allocator, jemalloc, is built from C)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq make gcc >/dev/null
fi

if $want_browser && ! dpkg -s chromium chromium-driver fonts-noto-cjk >/dev/null 2>&1; then
  step "Chromium for browser tests (Debian packages)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
fi

for dir in app tests/js tests/e2e; do
  step "npm packages in $dir"
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund)
  fi
done
