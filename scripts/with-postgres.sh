#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster on loopback, unless DATABASE_URL is given.
# Installs Debian's server when missing. The cluster lives in a temp dir and is removed at exit.
set -euo pipefail

if [[ "${DATABASE_URL:-}" == postgresql* ]]; then
  exec "$@"
fi

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "PostgreSQL server not found: installing Debian's postgresql" >&2
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

AS_PG=()
if [[ $(id -u) -eq 0 ]]; then
  AS_PG=(runuser -u postgres --)
fi

DIR=$(mktemp -d /tmp/supplyapp-pg.XXXXXX)
chmod 755 "$DIR"
[[ $(id -u) -eq 0 ]] && chown postgres:postgres "$DIR"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

cleanup() {
  "${AS_PG[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT

"${AS_PG[@]}" "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${AS_PG[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
"$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres supplyapp_test

export DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/supplyapp_test"
echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" >&2
"$@"
