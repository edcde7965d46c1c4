#!/usr/bin/env bash
# A throwaway PostgreSQL on loopback for the tests: installs the Debian package if it is
# missing, creates a cluster in $PG_DIR (default /tmp/estate-pg) and starts it on
# 127.0.0.1:$PG_PORT (default 55432) unless it already runs. Prints the admin URL on
# stdout; everything else goes to stderr. Idempotent.
#   bash scripts/postgres.sh        start (or find running) and print the URL
#   bash scripts/postgres.sh stop   stop it
set -euo pipefail
dir=${PG_DIR:-/tmp/estate-pg}
port=${PG_PORT:-55432}
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ]; then
  echo "== PostgreSQL (Debian package)" >&2
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi

# PostgreSQL refuses to run as root: run it as the postgres user then.
if [ "$(id -u)" = 0 ]; then
  pg() { runuser -u postgres -- "$@"; }
  owner=postgres
else
  pg() { "$@"; }
  owner=$(id -un)
fi

if [ "${1:-}" = "stop" ]; then
  [ -f "$dir/data/postmaster.pid" ] && pg "$bin/pg_ctl" -D "$dir/data" -m fast stop >&2
  exit 0
fi

if [ ! -f "$dir/data/PG_VERSION" ]; then
  install -d -o "$owner" -m 700 "$dir"
  pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
if ! pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
  pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >&2
fi
url="postgres://postgres@127.0.0.1:$port/postgres"
# Databases earlier test runs left behind.
psql "$url" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'estate_test_%'" |
  while read -r db; do psql "$url" -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null; done
echo "$url"
