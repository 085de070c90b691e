#!/usr/bin/env bash
# Installs (with apt, when missing) and starts the services the test suite needs, on 127.0.0.1 only:
#   PostgreSQL  — a throw-away cluster in $HEARTH_SVC_DIR/pg, port $HEARTH_PG_PORT (default 54329).
# Prints the environment variables the tests read (eval "$(scripts/test-services.sh start)").
# `scripts/test-services.sh stop` stops what `start` started.
set -euo pipefail

svc_dir="${HEARTH_SVC_DIR:-/tmp/hearth-test-services}"
pg_port="${HEARTH_PG_PORT:-54329}"

log() { echo "[test-services] $*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi
}

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

ensure_postgres() {
  if [ -z "$(pg_bin)" ]; then
    log "installing PostgreSQL with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -q >&2 || true
    as_root apt-get install -y -q --no-install-recommends postgresql >&2
  fi
}

run_pg() {
  # PostgreSQL refuses to run as root: run its tools as the 'postgres' user when we are root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  ensure_postgres
  local bin; bin=$(pg_bin)
  local data="$svc_dir/pg"
  mkdir -p "$svc_dir"
  if [ "$(id -u)" = 0 ]; then chown postgres "$svc_dir"; fi
  if [ -f "$data/postmaster.pid" ] && run_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    log "PostgreSQL already running on 127.0.0.1:$pg_port"
  else
    rm -rf "$data"
    run_pg "$bin/initdb" -D "$data" -U hearth --auth=trust -E UTF8 >/dev/null
    run_pg "$bin/pg_ctl" -D "$data" -l "$svc_dir/pg.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $svc_dir -c fsync=on -c max_connections=200" start >&2
    log "PostgreSQL started on 127.0.0.1:$pg_port"
  fi
  run_pg "$bin/psql" -h 127.0.0.1 -p "$pg_port" -U hearth -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='hearth_test'" | grep -q 1 ||
    run_pg "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U hearth hearth_test
  echo "export HEARTH_TEST_PG='Host=127.0.0.1;Port=$pg_port;Username=hearth;Database=hearth_test;Pooling=true'"
}

stop_postgres() {
  local bin; bin=$(pg_bin) || return 0
  [ -n "$bin" ] || return 0
  if [ -f "$svc_dir/pg/postmaster.pid" ]; then
    run_pg "$bin/pg_ctl" -D "$svc_dir/pg" -m fast -w stop >&2 || true
    log "PostgreSQL stopped"
  fi
}

case "${1:-start}" in
  start) start_postgres ;;
  stop) stop_postgres ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
