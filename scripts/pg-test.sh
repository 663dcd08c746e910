#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the test suite: a temporary directory,
# a free 127.0.0.1 port, its socket inside that directory, trust auth (it
# listens on loopback only and lives for one test run), no fsync.
#
#   scripts/pg-test.sh start        creates and starts a cluster and a database
#                                   `lianxin`; prints two lines for `export`:
#                                     LIANXIN_TEST_PG=postgresql://lianxin@127.0.0.1:PORT/lianxin
#                                     LIANXIN_TEST_PGDIR=/tmp/lianxin-pg.XXXXXX
#   scripts/pg-test.sh stop DIR     stops the cluster and removes DIR
#   scripts/pg-test.sh pause DIR    stops the server (pg_ctl stop -m fast), keeps DIR
#   scripts/pg-test.sh resume DIR   starts it again on the same port
#
# PostgreSQL refuses to run as root, so as root the server programs run as
# the `postgres` user (runuser); as anyone else, as that user.
set -euo pipefail

bindir=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$d/initdb" ]; then bindir=$d; break; fi
done
if [ -z "$bindir" ]; then
  echo "pg-test: no PostgreSQL server found (apt-get install postgresql)" >&2
  exit 1
fi

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_start() { # DIR
  as_pg "$bindir/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 start >/dev/null
}

cmd=${1:-}
case "$cmd" in
start)
  dir=$(mktemp -d /tmp/lianxin-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  cd "$dir"
  as_pg "$bindir/initdb" -D "$dir/data" -U lianxin --auth=trust -E UTF8 --locale=C \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }
  started=""
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    cat >>"$dir/data/postgresql.conf" <<EOF
# pg-test.sh: throw-away settings (the last assignment wins)
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    if pg_start "$dir"; then started=1; break; fi
  done
  if [ -z "$started" ]; then
    cat "$dir/server.log" >&2 || true
    rm -rf "$dir"
    exit 1
  fi
  as_pg "$bindir/createdb" -h "$dir" -p "$port" -U lianxin lianxin
  echo "LIANXIN_TEST_PG=postgresql://lianxin@127.0.0.1:$port/lianxin"
  echo "LIANXIN_TEST_PGDIR=$dir"
  ;;
stop)
  dir=${2:?usage: pg-test.sh stop DIR}
  case "$dir" in /tmp/lianxin-pg.*) ;; *) echo "pg-test: refusing to remove $dir" >&2; exit 1 ;; esac
  if [ -f "$dir/data/postmaster.pid" ]; then
    (cd "$dir" && as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null) || true
  fi
  rm -rf "$dir"
  ;;
pause)
  dir=${2:?usage: pg-test.sh pause DIR}
  cd "$dir" && as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  ;;
resume)
  dir=${2:?usage: pg-test.sh resume DIR}
  cd "$dir" && pg_start "$dir"
  ;;
*)
  echo "usage: scripts/pg-test.sh start | stop DIR | pause DIR | resume DIR" >&2
  exit 2
  ;;
esac
