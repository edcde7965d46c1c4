#!/usr/bin/env bash
# Sets everything up and runs the system: embedded SQLite in ./data, the demo estate,
# the app at http://127.0.0.1:8080 (office page: /office.html).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-app.sh
exec cargo run --release -p sync-server -- serve --listen "${SYNC_LISTEN:-127.0.0.1:8080}" --data "${SYNC_DATA:-./data}" --demo
