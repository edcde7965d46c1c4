#!/usr/bin/env bash
# Builds the phone app: the WASM core, then the Vite bundle into app/dist.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-wasm.sh
(cd app && npm run build --silent)
