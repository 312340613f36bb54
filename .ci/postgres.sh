#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the store's fleet tests (DSCA_PG_TESTS=1).
#   eval "$(bash .ci/postgres.sh start)"   # installs Debian's postgresql if missing,
#                                          # exports DSCA_TEST_PG_URL and DSCA_PG_DIR
#   bash .ci/postgres.sh stop              # stops it and removes its directory
# The cluster lives in a temp dir, listens on 127.0.0.1 at a free port, trusts local
# connections and runs without fsync: for tests only. Progress goes to stderr; stdout
# carries only the export line.
set -euo pipefail

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# initdb and the server refuse to run as root: as root, run them as `postgres`.
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    local port
    for port in $(shuf -i 20000-40000 -n 50); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    echo "postgres.sh: no free port found" >&2
    return 1
}

start() {
    local bin dir port
    bin="$(pg_bin)"
    if [ -z "$bin" ]; then
        echo "postgres.sh: installing postgresql from Debian's packages" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        bin="$(pg_bin)"
    fi
    [ -n "$bin" ] || { echo "postgres.sh: no PostgreSQL binaries after install" >&2; exit 1; }
    dir="$(mktemp -d /tmp/dsca-pg.XXXXXX)"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    port="$(free_port)"
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >&2
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off" \
        start >&2
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres dsca_test >&2
    echo "export DSCA_TEST_PG_URL=postgres://postgres@127.0.0.1:$port/dsca_test DSCA_PG_DIR=$dir"
}

stop() {
    local dir="${1:-${DSCA_PG_DIR:-}}" bin
    [ -n "$dir" ] && [ -d "$dir/data" ] || { echo "postgres.sh: no cluster to stop" >&2; return 0; }
    bin="$(pg_bin)"
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    rm -rf "$dir"
}

case "${1:-start}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    *) echo "usage: $0 start|stop [DIR]" >&2; exit 2 ;;
esac
