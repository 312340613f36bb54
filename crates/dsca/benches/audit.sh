#!/usr/bin/env bash
# `dsca audit` of a 962-entry package-lock.json (911 unique packages: express, webpack,
# babel, eslint, jest, typescript, react, storybook, angular, ...; benches/audit/), as a
# table: one cold run into an empty cache (downloads and analysis), then RUNS warm runs
# offline (analysis only) and online (every packument is fetched again).
#   bash crates/dsca/benches/audit.sh [path/to/dsca] [RUNS]
# The cache is kept in $DSCA_BENCH_CACHE (default: a fresh temporary directory, removed
# at the end); about 310 MB are downloaded once.
set -euo pipefail
cd "$(dirname "$0")/../../.."
dsca="${1:-target/release/dsca}"
runs="${2:-3}"
[ -x "$dsca" ] || { echo "build dsca first (cargo build --release -p dsca) or pass its path" >&2; exit 2; }
project="crates/dsca/benches/audit"
cache="${DSCA_BENCH_CACHE:-}"
if [ -z "$cache" ]; then
    cache="$(mktemp -d)"
    trap 'rm -rf "$cache"' EXIT
fi
export DSCA_CACHE_DIR="$cache"

# Wall and user+system CPU seconds of one audit.
timed() {
    /usr/bin/time -o "$cache/.time" -f '%e %U %S' \
        "$dsca" audit "$@" -f json -o "$cache/.report.json" "$project" </dev/null >/dev/null 2>&1 || true
    awk '{ printf "%s %.1f\n", $1, $2 + $3 }' "$cache/.time"
}

printf '| run | wall (s) | CPU (s) |\n| --- | --- | --- |\n'
if [ -z "$(ls -A "$cache")" ]; then
    read -r wall cpu < <(timed)
    printf '| cold (empty cache) | %s | %s |\n' "$wall" "$cpu"
fi
for mode in offline online; do
    flag=()
    [ "$mode" = offline ] && flag=(--offline)
    for _ in $(seq "$runs"); do
        read -r wall cpu < <(timed "${flag[@]}")
        printf '| warm %s | %s | %s |\n' "$mode" "$wall" "$cpu"
    done
done
