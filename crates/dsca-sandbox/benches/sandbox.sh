#!/usr/bin/env bash
# What a sandboxed run costs, as a table:
#  1. for the N most-downloaded packages: a plain `npm install NAME@VERSION` on the host
#     (scripts on, npm's cache warm, no sandbox, no tracer) against
#     `dsca scan --dynamic NAME@VERSION` (static analysis, sandbox set-up, traced install
#     through the registry proxy, import, teardown; dsca's cache warm);
#  2. the sandbox's own set-up and teardown: a package with nothing to install, whole run
#     minus the two phases and the static analysis.
# Every case runs once untimed first so both caches are warm. DSCA_EXTRA adds flags to
# every dsca run (`DSCA_EXTRA="--execute-timeout 0"`: what a phase costs).
#   sudo bash crates/dsca-sandbox/benches/sandbox.sh [path/to/dsca] [N]
set -euo pipefail
cd "$(dirname "$0")/../../.."
dsca="${1:-target/release/dsca}"
count="${2:-20}"
top="../shared/data/npm-top-10000.tsv"
[ -x "$dsca" ] || { echo "build dsca first (cargo build --release -p dsca) or pass its path" >&2; exit 2; }
[ -f "$top" ] || { echo "$top is missing" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

millis() { date +%s%3N; }

npm_install() {
    rm -rf "$work/host" && mkdir -p "$work/host"
    echo '{"name":"app","version":"1.0.0","private":true}' > "$work/host/package.json"
    (cd "$work/host" && npm install --no-audit --no-fund --prefer-offline --loglevel=error "$1" </dev/null >/dev/null 2>&1) || true
}

dsca_run() {
    "$dsca" scan --dynamic ${DSCA_EXTRA:-} --format json -o "$work/report.json" "$1" </dev/null >/dev/null 2>&1 || true
}

phase_ms() {
    python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))
print(sum(p["duration_ms"] for p in (r.get("dynamic") or {}).get("phases", [])))' "$work/report.json"
}

printf '| package | npm install (ms) | dsca scan --dynamic (ms) | of which install + import (ms) | ratio |\n'
printf '| --- | --- | --- | --- | --- |\n'
mapfile -t rows < <(tail -n +2 "$top" | head -n "$count")
for row in "${rows[@]}"; do
    IFS=$'\t' read -r _ name version _ <<<"$row"
    spec="$name@$version"
    npm_install "$spec"
    dsca_run "$spec"
    start=$(millis); npm_install "$spec"; plain=$(( $(millis) - start ))
    start=$(millis); dsca_run "$spec"; sandboxed=$(( $(millis) - start ))
    phases=$(phase_ms)
    ratio=$(python3 -c "print(f'{$sandboxed / max($plain, 1):.2f}')")
    printf '| %s | %s | %s | %s | %s |\n' "$spec" "$plain" "$sandboxed" "$phases" "$ratio"
    echo "$ratio" >> "$work/ratios"
done
median=$(sort -n "$work/ratios" | python3 -c 'import sys
v = [float(x) for x in sys.stdin if x.strip()]
v.sort(); n = len(v)
print(f"{(v[n//2] if n % 2 else (v[n//2-1] + v[n//2]) / 2):.2f}" if n else "n/a")')
printf '\nmedian ratio (dsca scan --dynamic / npm install): %s\n' "$median"

# Set-up and teardown: an empty package, so the phases and the static analysis are tiny.
mkdir -p "$work/empty/package"
echo '{"name":"empty-pkg","version":"1.0.0"}' > "$work/empty/package/package.json"
tar czf "$work/empty-pkg-1.0.0.tgz" -C "$work/empty" package
"$dsca" scan --format json -o "$work/static.json" "$work/empty-pkg-1.0.0.tgz" >/dev/null
total=0; phases_total=0; static_total=0; runs=5
for _ in $(seq "$runs"); do
    start=$(millis); "$dsca" scan --format json -o "$work/static.json" "$work/empty-pkg-1.0.0.tgz" >/dev/null; static_total=$(( static_total + $(millis) - start ))
    start=$(millis); dsca_run "$work/empty-pkg-1.0.0.tgz"; total=$(( total + $(millis) - start ))
    phases_total=$(( phases_total + $(phase_ms) ))
done
printf 'sandbox set-up + teardown (empty package, mean of %s): %s ms (whole run %s ms, phases %s ms, static scan %s ms)\n' \
    "$runs" $(( (total - phases_total - static_total) / runs )) $(( total / runs )) $(( phases_total / runs )) $(( static_total / runs ))
