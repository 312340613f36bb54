#!/usr/bin/env bash
# usage: wait-for-port host:port [-t seconds] [-- command args]
# Polls with bash's /dev/tcp pseudo-device (or nc -z when bash lacks it), then
# runs the optional command. Used in package.json scripts, e.g.
#   "test:e2e": "wait-for-port localhost:5432 -t 30 -- vitest run"
set -u
target=${1:?usage: wait-for-port host:port [-t seconds] [-- cmd]}
shift
host=${target%:*}
port=${target##*:}
timeout=15
while [ $# -gt 0 ]; do
  case "$1" in
    -t) timeout=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "wait-for-port: unknown option $1" >&2; exit 2 ;;
  esac
done

check() {
  if command -v nc >/dev/null 2>&1; then
    nc -z -w 1 "$host" "$port" >/dev/null 2>&1
  else
    (exec 3<>"/dev/tcp/$host/$port") >/dev/null 2>&1
  fi
}

start=$(date +%s)
until check; do
  if [ $(( $(date +%s) - start )) -ge "$timeout" ]; then
    echo "wait-for-port: $host:$port not reachable after ${timeout}s" >&2
    exit 1
  fi
  sleep 1
done
echo "wait-for-port: $host:$port is up"
[ $# -gt 0 ] && exec "$@"
exit 0
